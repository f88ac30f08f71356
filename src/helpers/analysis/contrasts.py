"""Two shares of the same respondents compared: the difference in points with its 95% confidence
interval and a p value, for the finding sentences (helpers.present.findings).

Two answers of the same people (work and free time; advantages and disadvantages agreed) are paired:
McNemar's exact test on the discordant pairs (scipy.stats.binomtest) and the Wald interval of a paired
difference. Two options of one single-choice question (the most and second most preferred way to learn)
are one multinomial sample: the Wald interval with variance (p1 + p2 - (p1 - p2)^2) / n and its z test
(Agresti, 2013, *Categorical Data Analysis*, 3rd ed., section 1.4 and 11.1).

>>> paired_shares(df, "use_work", "use_free", (4, 5))        # doctest: +SKIP
{'n': 478, 'a': 53.1, 'b': 38.3, 'difference': 14.8, 'ci_low': 11.2, 'ci_high': 18.4, 'p': 1.2e-12}
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

Z95 = stats.norm.ppf(0.975)


def paired_shares(df: pd.DataFrame, a: str, b: str, codes: tuple[int, ...]) -> dict:
    """% answering `codes` on a and on b among those answering both, a minus b with its 95% Wald CI,
    and McNemar's exact p (NaN when no pair is discordant)."""
    pair = df[[a, b]].dropna()
    n = len(pair)
    in_a, in_b = pair[a].isin(codes).to_numpy(), pair[b].isin(codes).to_numpy()
    only_a, only_b = int((in_a & ~in_b).sum()), int((~in_a & in_b).sum())
    if n == 0:
        return {"n": 0, "a": np.nan, "b": np.nan, "difference": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p": np.nan}
    d = (only_a - only_b) / n
    half = Z95 * np.sqrt(max((only_a + only_b) / n - d**2, 0) / n)
    p = stats.binomtest(only_a, only_a + only_b).pvalue if only_a + only_b else np.nan
    return {"n": n, "a": 100 * in_a.mean(), "b": 100 * in_b.mean(), "difference": 100 * d,
            "ci_low": 100 * (d - half), "ci_high": 100 * (d + half), "p": float(p)}


def multinomial_shares(values: pd.Series, a: int, b: int) -> dict:
    """% choosing option a and option b of one single-choice question (of those answering), a minus b
    with its 95% Wald CI and the z test's p."""
    answered = values.dropna()
    n = len(answered)
    if n == 0:
        return {"n": 0, "a": np.nan, "b": np.nan, "difference": np.nan, "ci_low": np.nan, "ci_high": np.nan, "p": np.nan}
    pa, pb = float(answered.eq(a).mean()), float(answered.eq(b).mean())
    se = np.sqrt(max(pa + pb - (pa - pb) ** 2, 0) / n)
    p = 2 * stats.norm.sf(abs(pa - pb) / se) if se > 0 else np.nan
    return {"n": n, "a": 100 * pa, "b": 100 * pb, "difference": 100 * (pa - pb),
            "ci_low": 100 * (pa - pb - Z95 * se), "ci_high": 100 * (pa - pb + Z95 * se), "p": float(p)}
