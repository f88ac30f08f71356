"""Two waves (or two organisations) side by side: the headline indicators, their difference with a 95%
confidence interval and a test for independent samples.

Shares: difference of proportions with the score interval (Miettinen & Nurminen, 1985) and the score
test (statsmodels confint_proportions_2indep / test_proportions_2indep, method="score"). Means: Welch's
t-test and its interval (scipy.stats.ttest_ind, equal_var=False). Differences are the second wave minus
the first. The indicators form one exploratory family: each p is also given Benjamini-Hochberg adjusted
(`p_adj`, family named in `family`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import (
    confint_proportions_2indep,
    test_proportions_2indep,
)

from helpers.analysis.reproduction import HEADLINE_MEANS, HEADLINE_SHARES
from helpers.analysis.stats import EXPLORATORY, adjust_p

FAMILY = "headline indicators (Benjamini-Hochberg)"


def share_difference(a: pd.Series, b: pd.Series, codes: tuple[int, ...]) -> dict:
    """% in each wave (of those answering), difference in points with its 95% score CI (Newcombe's hybrid
    score interval where the score interval cannot be found), score-test p."""
    a, b = a.dropna(), b.dropna()
    ka, kb = int(a.isin(codes).sum()), int(b.isin(codes).sum())
    try:
        with np.errstate(invalid="ignore"):   # the root search probes points where statsmodels' arccos is NaN
            low, high = confint_proportions_2indep(kb, len(b), ka, len(a), method="score")
    except ValueError:   # the score interval's root search fails at the edge (a share of 0 or 100%): Newcombe's hybrid score
        low, high = confint_proportions_2indep(kb, len(b), ka, len(a), method="newcomb")
    test = test_proportions_2indep(kb, len(b), ka, len(a), method="score")
    return {"kind": "%", "n_a": len(a), "n_b": len(b), "a": 100 * ka / len(a), "b": 100 * kb / len(b),
            "difference": 100 * (kb / len(b) - ka / len(a)), "ci_low": 100 * low, "ci_high": 100 * high, "p": test.pvalue}


def mean_difference(a: pd.Series, b: pd.Series) -> dict:
    """Mean in each wave, difference with Welch's 95% CI and p."""
    a, b = a.dropna().astype(float), b.dropna().astype(float)
    test = stats.ttest_ind(b, a, equal_var=False)
    ci = test.confidence_interval()
    return {"kind": "M", "n_a": len(a), "n_b": len(b), "a": a.mean(), "b": b.mean(), "difference": b.mean() - a.mean(),
            "ci_low": ci.low, "ci_high": ci.high, "p": test.pvalue}


def compare_waves(first: pd.DataFrame, second: pd.DataFrame) -> pd.DataFrame:
    """Every headline indicator of two processed datasets, one row each (id, kind, a, b, difference, CI,
    p, p_adj and the family the adjustment runs over)."""
    rows = [{"id": fid, **share_difference(first[var], second[var], codes)} for fid, var, codes in HEADLINE_SHARES]
    rows += [{"id": var, **mean_difference(first[var], second[var])} for var in HEADLINE_MEANS]
    table = pd.DataFrame(rows)
    table["p_adj"] = adjust_p(table["p"], EXPLORATORY)
    table["family"] = FAMILY
    return table
