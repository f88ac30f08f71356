"""Two waves (or two organisations) side by side: the headline indicators, their difference with a 95%
confidence interval and a test for independent samples.

Shares: difference of proportions with Newcombe's hybrid score interval and the score test
(statsmodels confint_proportions_2indep / test_proportions_2indep). Means: Welch's t-test and its
interval (scipy.stats.ttest_ind, equal_var=False). Differences are the second wave minus the first.
"""
from __future__ import annotations

import pandas as pd
from scipy import stats
from statsmodels.stats.proportion import confint_proportions_2indep, test_proportions_2indep

from helpers.codebook import Codebook
from helpers.figures import HEADLINE_MEANS, HEADLINE_SHARES, headline_label
from helpers.text import format_p, t

def share_difference(a: pd.Series, b: pd.Series, codes: tuple[int, ...]) -> dict:
    """% in each wave (of those answering), difference in points with its 95% CI, score-test p."""
    a, b = a.dropna(), b.dropna()
    ka, kb = int(a.isin(codes).sum()), int(b.isin(codes).sum())
    low, high = confint_proportions_2indep(kb, len(b), ka, len(a), method="newcomb")
    test = test_proportions_2indep(kb, len(b), ka, len(a))
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
    """Every headline indicator of two processed datasets, one row each (id, kind, a, b, difference, CI, p)."""
    rows = [{"id": fid, **share_difference(first[var], second[var], codes)} for fid, var, codes in HEADLINE_SHARES]
    rows += [{"id": var, **mean_difference(first[var], second[var])} for var in HEADLINE_MEANS]
    return pd.DataFrame(rows)


def waves_table(comparison: pd.DataFrame, names: tuple[str, str], cb: Codebook, lang: str) -> pd.DataFrame:
    """The comparison as a report table: indicator, both values, difference [95% CI], p."""
    return pd.DataFrame({
        t("col_indicator", lang): [headline_label(i, cb, lang) for i in comparison["id"]], "": comparison["kind"],
        f"{names[0]} (N)": [f"{v:.2f} ({n})" if k == "M" else f"{v:.1f} ({n})" for v, n, k in zip(comparison["a"], comparison["n_a"], comparison["kind"])],
        f"{names[1]} (N)": [f"{v:.2f} ({n})" if k == "M" else f"{v:.1f} ({n})" for v, n, k in zip(comparison["b"], comparison["n_b"], comparison["kind"])],
        t("col_difference", lang) + " [95% CI]": [f"{d:+.2f} [{lo:+.2f}, {hi:+.2f}]" for d, lo, hi in zip(comparison["difference"], comparison["ci_low"], comparison["ci_high"])],
        "p": comparison["p"].map(format_p)})


def chart_data(comparison: pd.DataFrame, kind: str, names: tuple[str, str], cb: Codebook, lang: str) -> pd.DataFrame:
    """One kind of indicator ('%' or 'M') with both waves' values, for grouped bars."""
    part = comparison[comparison["kind"] == kind]
    return pd.DataFrame({t("col_indicator", lang): [headline_label(i, cb, lang) for i in part["id"]],
                         names[0]: part["a"].to_numpy(), names[1]: part["b"].to_numpy()})
