"""Frequencies, reliabilities, correlations and tests: thin wrappers over pandas, pingouin, scipy and
statsmodels, tidy tables out (one function, one statistic; no printing, no plotting).

pingouin and statsmodels are imported inside the functions that use them: together they take about a
second to import, and a report's kernel pays that for every notebook that never needs them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from helpers.ingest.codebook import Codebook

# Significance thresholds, declared once per notebook (e.g. `alpha = stats.ALPHA_REPORT`): the report states
# its claims as p < .001; ALPHA is the conventional default where it states none.
ALPHA = 0.05
ALPHA_REPORT = 0.001
# Multiple testing: Holm's step-down (familywise, confirmatory families such as the report's paired tests)
# or Benjamini-Hochberg (false discovery rate, exploratory families such as the waves' indicators).
CONFIRMATORY, EXPLORATORY = "holm", "fdr_bh"


def frequency_table(df: pd.DataFrame, name: str, cb: Codebook, lang: str = "nl", drop_empty: bool = False) -> pd.DataFrame:
    """Counts and percentages of a coded variable, in code order, labelled from the codebook.

    Base: respondents who answered (n); missing answers are counted in a separate row when any.

    >>> frequency_table(pd.DataFrame({"gender": [1, 2, 2]}), "gender", load_codebook(), "en")  # doctest: +SKIP
                   label  n  percent
    code
    1                Man  1     33.3
    """
    labels = cb.labels(name, lang)
    counts = df[name].value_counts().reindex(list(labels), fill_value=0)
    table = pd.DataFrame({"label": list(labels.values()), "n": counts.to_numpy()}, index=pd.Index(list(labels), name="code"))
    if drop_empty:
        table = table[table["n"] > 0]
    table["percent"] = 100 * table["n"] / counts.sum()
    missing = int(df[name].isna().sum())
    if missing:
        table.loc[pd.NA] = {"label": {"nl": "Geen antwoord", "en": "No answer"}[lang], "n": missing, "percent": float("nan")}
    return table


NAN = float("nan")
MIN_CASES = 3   # fewer complete cases: correlations and tests are not computed (missing, NaN)


def undefined(data: pd.DataFrame) -> bool:
    """A test or correlation cannot be computed: fewer than MIN_CASES complete cases, or a column that does
    not vary (the statistic is then missing, not an error)."""
    return len(data) < MIN_CASES or bool((data.nunique() < 2).any())


def cronbach_alpha(df: pd.DataFrame, items: list[str], ci: float = 0.95) -> pd.DataFrame:
    """Cronbach's alpha with its confidence interval (pingouin.cronbach_alpha, listwise deletion).

    The interval is Feldt's F-based interval as pingouin computes it. With fewer than two complete
    cases or items there is no alpha: missing (NaN).
    """
    import pingouin as pg

    data = df[items].astype(float).dropna()
    if len(data) < 2 or len(items) < 2:
        alpha, (low, high) = NAN, (NAN, NAN)
    else:
        alpha, (low, high) = pg.cronbach_alpha(data=data, nan_policy="listwise", ci=ci)
    return pd.DataFrame({"alpha": [alpha], "ci_low": [low], "ci_high": [high], "n": [len(data)], "k": [len(items)]})


def share(series: pd.Series, codes) -> float:
    """Percentage of the answered cases whose code is in `codes`."""
    answered = series.dropna()
    return float(100 * answered.isin(list(codes)).mean()) if len(answered) else float("nan")


def share_ci(series: pd.Series, codes, level: float = 0.95) -> pd.DataFrame:
    """Percentage of the answered cases whose code is in `codes`, with its Wilson score interval
    (Wilson, 1927; statsmodels proportion_confint(method="wilson")): the one interval for a proportion
    used throughout, good at small n and near 0 or 100%.

    >>> share_ci(pd.Series([1, 1, 0, 0]), (1,))   # doctest: +SKIP
       n  k  percent  ci_low  ci_high
    0  4  2     50.0   15.0    85.0
    """
    from statsmodels.stats.proportion import proportion_confint

    answered = series.dropna()
    k, n = int(answered.isin(list(codes)).sum()), len(answered)
    low, high = proportion_confint(k, n, alpha=1 - level, method="wilson") if n else (float("nan"),) * 2
    return pd.DataFrame({"n": [n], "k": [k], "percent": [100 * k / n if n else float("nan")],
                         "ci_low": [100 * low], "ci_high": [100 * high]})


def adjust_p(p, method: str = CONFIRMATORY):
    """p values adjusted for multiple testing within one family (statsmodels multipletests): Holm's
    step-down ("holm", Holm 1979) or Benjamini-Hochberg ("fdr_bh", 1995). NaN p values stay NaN and do
    not count in the family."""
    from statsmodels.stats.multitest import multipletests

    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    known = ~np.isnan(p)
    if known.any():
        out[known] = multipletests(p[known], method=method)[1]
    return out


def likert_summary(df: pd.DataFrame, items: list[str], top: tuple[int, ...] = (4, 5)) -> pd.DataFrame:
    """Per item: n answered, mean, SD (n - 1) and the percentage answering one of the `top` codes."""
    rows = []
    for item in items:
        x = df[item].dropna().astype(float)
        rows.append({"item": item, "n": len(x), "mean": x.mean(), "sd": x.std(), "share_top": share(df[item], top)})
    return pd.DataFrame(rows)


def multi_response(df: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """Multiple-response question (0/1 columns): n selecting each option, % of cases and % of responses.

    Cases are the respondents who answered the question (any option not missing); responses are all
    selections together, so % of cases can add up to more than 100.
    """
    answered = df[items].notna().any(axis=1)
    selected = df.loc[answered, items].fillna(0).astype(int)
    counts = selected.sum()
    return pd.DataFrame({"item": items, "n": counts.to_numpy(), "base": int(answered.sum()),
                         "pct_cases": (100 * counts / answered.sum()).to_numpy(),
                         "pct_responses": (100 * counts / counts.sum()).to_numpy()})


def chi2_homogeneity(df: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Chi-square test that two variables with the same codes have the same distribution.

    The answers are stacked as two groups (a 2 x k table of counts) and tested with
    scipy.stats.chi2_contingency, as if the groups were independent samples: the report's test.
    For two answers of the same respondents prefer `wilcoxon_paired` or `stuart_maxwell`.
    """
    table = pd.concat([df[a].value_counts(), df[b].value_counts()], axis=1).fillna(0).T.to_numpy(dtype=float)
    res = stats.chi2_contingency(table)
    return pd.DataFrame({"chi2": [res.statistic], "dof": [res.dof], "p": [res.pvalue], "n": [int(table.sum())]})


def spearman(df: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Spearman's rank correlation with its 95% CI (pingouin.corr: Fisher z interval), pairwise complete."""
    import pingouin as pg

    pair = df[[a, b]].dropna().astype(float)
    if undefined(pair):
        return pd.DataFrame({"n": [len(pair)], "rho": [NAN], "ci_low": [NAN], "ci_high": [NAN], "p": [NAN]})
    res = pg.corr(pair[a], pair[b], method="spearman")
    low, high = res["CI95"].iloc[0]
    return pd.DataFrame({"n": [len(pair)], "rho": [res["r"].iloc[0]], "ci_low": [low], "ci_high": [high], "p": [res["p_val"].iloc[0]]})


def wilcoxon_paired(df: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Wilcoxon signed-rank test of paired ordinal answers (scipy.stats.wilcoxon): ties at zero dropped
    and a continuity correction, as R's wilcox.test; effect size the matched-pairs rank-biserial
    correlation over the same non-zero differences (Kerby, 2014; as pingouin's RBC, which is not used
    because pingouin.wilcoxon also builds an n x n matrix for its CLES)."""
    pair = df[[a, b]].dropna().astype(float)
    diff = (pair[a] - pair[b]).to_numpy()
    diff = diff[diff != 0]
    if len(diff) == 0:   # no pair differs: nothing to test
        return pd.DataFrame({"n": [len(pair)], "n_nonzero": [0], "W": [NAN], "p": [NAN], "rank_biserial": [NAN]})
    res = stats.wilcoxon(diff, zero_method="wilcox", correction=True)
    ranks = stats.rankdata(abs(diff))
    rbc = (ranks[diff > 0].sum() - ranks[diff < 0].sum()) / ranks.sum()
    return pd.DataFrame({"n": [len(pair)], "n_nonzero": [len(diff)], "W": [res.statistic], "p": [res.pvalue],
                         "rank_biserial": [rbc]})


def stuart_maxwell(df: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    """Stuart-Maxwell test of marginal homogeneity for two paired categorical answers
    (statsmodels SquareTable.homogeneity): are the two distributions the same, given the pairing?"""
    from statsmodels.stats.contingency_tables import SquareTable

    pair = df[[a, b]].dropna().astype(int)
    codes = sorted(set(pair[a]) | set(pair[b]))
    if len(codes) < 2:   # one code only: the margins cannot differ
        return pd.DataFrame({"chi2": [NAN], "dof": [NAN], "p": [NAN], "n": [len(pair)]})
    table = pd.crosstab(pair[a], pair[b]).reindex(index=codes, columns=codes, fill_value=0)
    res = SquareTable(table.to_numpy(), shift_zeros=False).homogeneity()
    return pd.DataFrame({"chi2": [res.statistic], "dof": [res.df], "p": [res.pvalue], "n": [len(pair)]})


def paired_ttests(df: pd.DataFrame, pairs: list[tuple[str, str]]) -> pd.DataFrame:
    """Paired t-tests (pingouin.ttest, paired=True) for each pair, Holm-corrected across the pairs (the
    family: the pairs given, a confirmatory set; `adjust_p`), with Cohen's d_z = mean difference / SD of the differences (Lakens, 2013;
    pingouin's paired cohen_d is d_av, not d_z)."""
    import pingouin as pg

    rows = []
    for a, b in pairs:
        pair = df[[a, b]].dropna().astype(float)
        diff = pair[a] - pair[b]
        row = {"a": a, "b": b, "n": len(pair), "mean_a": pair[a].mean(), "mean_b": pair[b].mean(),
               "t": NAN, "dof": NAN, "p": NAN, "d_z": NAN}
        if not undefined(diff.to_frame()):   # (no test when the differences do not vary)
            res = pg.ttest(pair[a], pair[b], paired=True)
            row |= {"t": res["T"].iloc[0], "dof": res["dof"].iloc[0], "p": res["p_val"].iloc[0], "d_z": diff.mean() / diff.std()}
        rows.append(row)
    table = pd.DataFrame(rows)
    table["p_holm"] = adjust_p(table["p"], CONFIRMATORY)
    return table


def item_analysis(df: pd.DataFrame, items: list[str]) -> pd.DataFrame:
    """Per item of a scale: n, M, SD, the corrected item-total correlation (with the sum of the other
    items, pairwise complete) and Cronbach's alpha if the item is deleted (pingouin, listwise)."""
    data = df[items].astype(float)
    rows = []
    for item in items:
        others = [i for i in items if i != item]
        rest = data[others].sum(axis=1, min_count=len(others))
        rows.append({"item": item, "n": int(data[item].notna().sum()), "mean": data[item].mean(), "sd": data[item].std(),
                     "r_item_total": data[item].corr(rest),
                     "alpha_if_deleted": cronbach_alpha(data, others)["alpha"].iloc[0] if len(others) > 1 else float("nan")})
    return pd.DataFrame(rows)


def scale_summary(df: pd.DataFrame, scales: dict[str, list[str]]) -> pd.DataFrame:
    """Per scale (score column named as the scale): k, n, M, SD, alpha and its 95% CI."""
    rows = []
    for scale, items in scales.items():
        alpha = cronbach_alpha(df, items).iloc[0]
        score = df[scale].dropna().astype(float)
        rows.append({"scale": scale, "k": len(items), "n": len(score), "mean": score.mean(), "sd": score.std(),
                     "alpha": alpha["alpha"], "alpha_low": alpha["ci_low"], "alpha_high": alpha["ci_high"]})
    return pd.DataFrame(rows)


def mean_ci(df: pd.DataFrame, columns: list[str], ci: float = 0.95) -> pd.DataFrame:
    """Mean of each column with its t-based confidence interval (scipy.stats.t)."""
    rows = []
    for col in columns:
        x = df[col].dropna().astype(float)
        half = stats.t.ppf((1 + ci) / 2, len(x) - 1) * x.std() / len(x) ** 0.5
        rows.append({"variable": col, "n": len(x), "mean": x.mean(), "ci_low": x.mean() - half, "ci_high": x.mean() + half})
    return pd.DataFrame(rows)


def one_sample_t(df: pd.DataFrame, column: str, mu: float) -> pd.DataFrame:
    """One-sample t-test of a column's mean against `mu` (scipy.stats.ttest_1samp, two-sided): n, mean,
    SD, mu, t and p; t and p NaN with fewer than two answers or answers that do not vary.

    >>> one_sample_t(pd.DataFrame({"x": [2, 3, 4, 4, 5]}), "x", 3)[["n", "mean"]].iloc[0].tolist()
    [5.0, 3.6]
    """
    x = df[column].dropna().astype(float)
    t_value, p = (NAN, NAN) if len(x) < 2 or x.nunique() < 2 else stats.ttest_1samp(x, mu)
    return pd.DataFrame([{"variable": column, "n": len(x), "mean": x.mean(), "sd": x.std(), "mu": mu, "t": t_value, "p": p}])


def pearson(df: pd.DataFrame, rows: list[str], columns: list[str]) -> pd.DataFrame:
    """Pearson r, p and n for every row x column pair (pingouin.corr, pairwise complete), and each p
    Holm-adjusted within the family of all the pairs given (`adjust_p`; the report reads them as one pattern)."""
    import pingouin as pg

    out = []
    for a in rows:
        for b in columns:
            pair = df[[a, b]].dropna().astype(float)
            r, p = (NAN, NAN) if undefined(pair) else pg.corr(pair[a], pair[b], method="pearson")[["r", "p_val"]].iloc[0]
            out.append({"x": a, "y": b, "n": len(pair), "r": r, "p": p})
    table = pd.DataFrame(out)
    table["p_holm"] = adjust_p(table["p"], CONFIRMATORY)
    return table


def robust_regression(df: pd.DataFrame, outcome: str, predictors: list[str]) -> pd.DataFrame:
    """OLS of the standardized outcome on standardized predictors with HC3 robust standard errors
    (statsmodels): standardized betas that do not lean on homoscedastic errors."""
    import statsmodels.api as sm

    data = df[[outcome, *predictors]].dropna().astype(float)
    if len(data) <= len(predictors) + 1 or undefined(data):
        return pd.DataFrame({"predictor": predictors, "beta": NAN, "se": NAN, "ci_low": NAN, "ci_high": NAN, "p": NAN,
                             "n": len(data), "r2": NAN})
    z = (data - data.mean()) / data.std()
    fit = sm.OLS(z[outcome], sm.add_constant(z[predictors])).fit(cov_type="HC3")
    ci = fit.conf_int()
    return pd.DataFrame({"predictor": predictors, "beta": fit.params[predictors].to_numpy(), "se": fit.bse[predictors].to_numpy(),
                         "ci_low": ci.loc[predictors, 0].to_numpy(), "ci_high": ci.loc[predictors, 1].to_numpy(),
                         "p": fit.pvalues[predictors].to_numpy(), "n": int(fit.nobs), "r2": fit.rsquared})


def goodness_of_fit(observed: pd.Series, population: pd.Series) -> pd.DataFrame:
    """Does the sample's distribution over categories follow the population's? Pearson's chi-square
    goodness-of-fit test (scipy.stats.chisquare), expected counts from the population shares; categories
    absent from the population are left out.

    >>> goodness_of_fit(pd.Series({1: 315, 2: 163}), pd.Series({1: 171333, 2: 29517}))["p"].iloc[0] < .001
    True
    """
    shared = observed.index.intersection(population.index)
    counts, shares = observed[shared].astype(float), population[shared].astype(float) / population[shared].sum()
    res = stats.chisquare(counts, shares * counts.sum())
    return pd.DataFrame({"chi2": [res.statistic], "dof": [len(shared) - 1], "p": [res.pvalue], "n": [int(counts.sum())]})
