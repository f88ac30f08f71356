"""Statistics helpers against independent computations: textbook formulas, a second library, known results."""
import numpy as np
import pandas as pd
import pingouin as pg
import pytest
from scipy import stats as sps

from helpers.analysis.stats import (
    EXPLORATORY,
    adjust_p,
    chi2_homogeneity,
    cronbach_alpha,
    item_analysis,
    likert_summary,
    mean_ci,
    multi_response,
    paired_ttests,
    pearson,
    robust_regression,
    share,
    share_ci,
    spearman,
    stuart_maxwell,
    wilcoxon_paired,
)
from helpers.present.text import format_p

rng = np.random.default_rng(7)
X = rng.integers(1, 6, 200)
PAIRS = pd.DataFrame({"a": X, "b": np.clip(X + rng.integers(-1, 3, 200), 1, 5)})


def test_share_and_likert_summary_by_hand():
    df = pd.DataFrame({"q": pd.array([1, 4, 5, 5, None], dtype="Int64")})
    assert share(df["q"], (4, 5)) == 75.0
    row = likert_summary(df, ["q"]).iloc[0]
    assert (row["n"], row["mean"], row["share_top"]) == (4, 3.75, 75.0)
    assert row["sd"] == pytest.approx(np.std([1, 4, 5, 5], ddof=1))


def test_multi_response_counts_cases_and_responses():
    df = pd.DataFrame({"x": [1, 1, 0, None], "y": [1, 0, 0, None]})
    table = multi_response(df, ["x", "y"]).set_index("item")
    assert table.loc["x", "base"] == 3 and table.loc["x", "n"] == 2
    assert table.loc["x", "pct_cases"] == pytest.approx(200 / 3) and table.loc["y", "pct_responses"] == pytest.approx(100 / 3)


def test_chi2_homogeneity_matches_the_textbook_formula():
    table = np.array([np.bincount(PAIRS["a"], minlength=6)[1:], np.bincount(PAIRS["b"], minlength=6)[1:]])
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    chi2 = ((table - expected) ** 2 / expected).sum()
    res = chi2_homogeneity(PAIRS, "a", "b").iloc[0]
    assert res["chi2"] == pytest.approx(chi2) and res["dof"] == 4
    assert res["p"] == pytest.approx(sps.chi2.sf(chi2, 4))


def test_spearman_equals_scipy_and_the_fisher_interval():
    res = spearman(PAIRS, "a", "b").iloc[0]
    rho, p = sps.spearmanr(PAIRS["a"], PAIRS["b"])
    assert res["rho"] == pytest.approx(rho) and res["p"] == pytest.approx(p)
    z, se = np.arctanh(rho), 1 / np.sqrt(len(PAIRS) - 3)
    assert res["ci_low"] == pytest.approx(np.tanh(z - 1.96 * se), abs=0.006)   # pingouin rounds to 2 decimals
    assert res["ci_high"] == pytest.approx(np.tanh(z + 1.96 * se), abs=0.006)


def test_wilcoxon_equals_scipy_and_pingouin():
    res = wilcoxon_paired(PAIRS, "a", "b").iloc[0]
    ref = sps.wilcoxon(PAIRS["a"], PAIRS["b"], zero_method="wilcox", correction=True)
    assert res["p"] == pytest.approx(ref.pvalue) and res["W"] == ref.statistic
    second = pg.wilcoxon(PAIRS["a"], PAIRS["b"])   # a second implementation of the rank-biserial correlation
    assert res["rank_biserial"] == pytest.approx(second["RBC"].iloc[0]) and res["p"] == pytest.approx(second["p_val"].iloc[0])
    assert res["n_nonzero"] == int((PAIRS["a"] != PAIRS["b"]).sum())


def test_stuart_maxwell_on_two_categories_is_mcnemar():
    """For a 2 x 2 table Stuart-Maxwell reduces to McNemar's (b - c)^2 / (b + c) without correction."""
    df = pd.DataFrame({"a": [1] * 30 + [1] * 12 + [2] * 5 + [2] * 53, "b": [1] * 30 + [2] * 12 + [1] * 5 + [2] * 53})
    res = stuart_maxwell(df, "a", "b").iloc[0]
    assert res["chi2"] == pytest.approx((12 - 5) ** 2 / (12 + 5)) and res["dof"] == 1


def test_paired_ttests_equal_scipy_with_holm_and_d_z():
    df = pd.DataFrame({"x": rng.normal(4.3, 0.8, 100), "y": rng.normal(3.9, 0.9, 100), "z": rng.normal(4.25, 0.8, 100)})
    res = paired_ttests(df, [("x", "y"), ("x", "z"), ("z", "y")])
    ref = [sps.ttest_rel(df[a], df[b]) for a, b in [("x", "y"), ("x", "z"), ("z", "y")]]
    assert res["t"].tolist() == pytest.approx([r.statistic for r in ref])
    assert res["p_holm"].tolist() == pytest.approx(pg.multicomp([r.pvalue for r in ref], method="holm")[1])   # a second implementation
    d = df["x"] - df["y"]
    assert res["d_z"].iloc[0] == pytest.approx(d.mean() / d.std(ddof=1))


def test_holm_on_a_hand_example():
    df = pd.DataFrame({"a": [1.0, 2, 3, 4, 5, 6], "b": [1.5, 2.1, 2.7, 4.6, 5.2, 5.1]})
    res = paired_ttests(df, [("a", "b")] * 3)
    assert res["p_holm"].tolist() == pytest.approx([min(1, 3 * res["p"].iloc[0])] * 3)


def test_cronbach_alpha_matches_psych_on_pingouins_dataset():
    """pingouin's bundled data set, alpha .5917 with 95% CI .195-.840 (as R's psych::alpha reports)."""
    data = pg.read_dataset("cronbach_alpha").pivot(index="Subj", columns="Items", values="Scores")
    res = cronbach_alpha(data, list(data.columns)).iloc[0]
    assert res["alpha"] == pytest.approx(0.5917, abs=5e-4)
    assert (res["ci_low"], res["ci_high"]) == pytest.approx((0.195, 0.840), abs=5e-3)


def test_cronbach_alpha_matches_the_textbook_formula():
    items = pd.DataFrame(rng.normal(size=(300, 1)) + rng.normal(size=(300, 4)), columns=list("abcd"))
    k = 4
    textbook = k / (k - 1) * (1 - items.var(ddof=1).sum() / items.sum(axis=1).var(ddof=1))
    assert cronbach_alpha(items, list(items)).iloc[0]["alpha"] == pytest.approx(textbook)


def test_item_analysis_by_hand():
    items = pd.DataFrame(rng.normal(size=(200, 1)) + rng.normal(size=(200, 3)), columns=["a", "b", "c"])
    res = item_analysis(items, ["a", "b", "c"]).set_index("item")
    assert res.loc["a", "r_item_total"] == pytest.approx(np.corrcoef(items["a"], items["b"] + items["c"])[0, 1])
    bc = items[["b", "c"]]
    textbook = 2 * (1 - bc.var(ddof=1).sum() / bc.sum(axis=1).var(ddof=1))
    assert res.loc["a", "alpha_if_deleted"] == pytest.approx(textbook)


def test_mean_ci_matches_r():
    """R: t.test(c(1, 2, 3, 4, 5)) prints the 95 percent confidence interval 1.036757 4.963243."""
    row = mean_ci(pd.DataFrame({"x": [1.0, 2, 3, 4, 5]}), ["x"]).iloc[0]
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((1.036757, 4.963243), abs=1e-6)


def test_pearson_equals_scipy():
    df = pd.DataFrame({"a": rng.normal(size=80), "b": rng.normal(size=80)})
    df["c"] = df["a"] * 0.3 + rng.normal(size=80)
    res = pearson(df, ["a", "b"], ["c"]).set_index("x")
    for x in ("a", "b"):
        r, p = sps.pearsonr(df[x], df["c"])
        assert (res.loc[x, "r"], res.loc[x, "p"]) == pytest.approx((r, p))
    smaller, larger = sorted(res["p"])   # Holm over the two pairs: 2 x the smaller, then the larger (at least that)
    assert sorted(res["p_holm"]) == pytest.approx([min(2 * smaller, 1), max(min(2 * smaller, 1), larger)])


def test_robust_regression_betas_equal_standardized_ols_and_hc3_errors():
    df = pd.DataFrame({"x1": rng.normal(size=300), "x2": rng.normal(size=300)})
    df["y"] = 0.5 * df["x1"] + rng.normal(size=300) * (1 + np.abs(df["x2"]))
    res = robust_regression(df, "y", ["x1", "x2"]).set_index("predictor")
    z = (df - df.mean()) / df.std()
    beta = np.linalg.lstsq(np.column_stack([np.ones(300), z[["x1", "x2"]]]), z["y"], rcond=None)[0][1:]
    assert res["beta"].tolist() == pytest.approx(beta.tolist())
    # HC3 by hand: (X'X)^-1 X' diag(e^2 / (1 - h)^2) X (X'X)^-1
    X = np.column_stack([np.ones(300), z[["x1", "x2"]]])
    e = z["y"].to_numpy() - X @ np.linalg.lstsq(X, z["y"], rcond=None)[0]
    bread = np.linalg.inv(X.T @ X)
    h = np.einsum("ij,jk,ik->i", X, bread, X)
    cov = bread @ X.T @ np.diag(e**2 / (1 - h) ** 2) @ X @ bread
    assert res["se"].tolist() == pytest.approx(np.sqrt(np.diag(cov))[1:].tolist())


def test_goodness_of_fit_matches_the_hand_computation():
    """Sample 315 local / 163 Flemish against 171,333 / 29,517 staff: expected 407.75 and 70.25, so
    chi2 = 92.75²/407.75 + 92.75²/70.25 = 21.10 + 122.46 = 143.56 on 1 df."""
    from helpers.analysis.stats import goodness_of_fit

    res = goodness_of_fit(pd.Series({1: 315, 2: 163}), pd.Series({1: 171333, 2: 29517})).iloc[0]
    assert res["chi2"] == pytest.approx(143.56, abs=0.01) and res["dof"] == 1 and res["n"] == 478


def test_tests_on_too_few_or_constant_answers_are_missing_not_errors():
    """One respondent, or answers that do not vary: every statistic is NaN, nothing raises."""
    one = pd.DataFrame({"a": [3.0], "b": [4.0], "c": [2.0]})
    same = pd.DataFrame({"a": [1.0] * 6, "b": [1.0] * 6, "c": [1.0, 2, 3, 4, 5, 1]})
    assert pd.isna(cronbach_alpha(one, ["a", "b", "c"])["alpha"].iloc[0])
    assert spearman(same, "a", "b")[["rho", "ci_low", "p"]].isna().all(axis=None)
    assert pd.isna(wilcoxon_paired(same, "a", "b")["p"].iloc[0]) and pd.isna(stuart_maxwell(same, "a", "b")["p"].iloc[0])
    assert paired_ttests(one, [("a", "b"), ("a", "c")])[["t", "p", "p_holm", "d_z"]].isna().all(axis=None)
    assert pearson(one, ["a"], ["b", "c"])[["r", "p"]].isna().all(axis=None)
    assert robust_regression(one, "a", ["b", "c"])[["beta", "p"]].isna().all(axis=None)
    assert format_p(float("nan")) == "—"


def test_wilson_interval_matches_newcombe():
    """Newcombe (1998, Stat Med 17:857), Table I, method 3 (Wilson score): 81/263 gives 0.2553 to 0.3662;
    0/20 gives 0 to 0.1611."""
    row = share_ci(pd.Series([1] * 81 + [0] * 182), (1,)).iloc[0]
    assert (row["n"], row["k"]) == (263, 81)
    assert (round(row["ci_low"] / 100, 4), round(row["ci_high"] / 100, 4)) == (0.2553, 0.3662)
    none = share_ci(pd.Series([0] * 20), (1,)).iloc[0]
    assert none["ci_low"] == pytest.approx(0, abs=1e-9) and round(none["ci_high"] / 100, 4) == 0.1611


def test_holm_by_hand():
    """Holm (1979): sorted .01, .03, .04 times 3, 2, 1 = .03, .06, .04, made monotone: .03, .06, .06."""
    assert adjust_p([0.01, 0.04, 0.03]).tolist() == pytest.approx([0.03, 0.06, 0.06])
    assert np.isnan(adjust_p([0.01, np.nan])[1]) and adjust_p([0.01, np.nan])[0] == pytest.approx(0.01)


def test_benjamini_hochberg_on_their_published_example():
    """Benjamini & Hochberg (1995, JRSS B 57:289), section 3.2: of these 15 p values, controlling the
    false discovery rate at .05 rejects the four smallest (Bonferroni only three)."""
    p = [0.0001, 0.0004, 0.0019, 0.0095, 0.0201, 0.0278, 0.0298, 0.0344, 0.0459, 0.3240, 0.4262, 0.5719,
         0.6528, 0.7590, 1.0000]
    assert (adjust_p(p, EXPLORATORY) < 0.05).sum() == 4 and (np.array(p) * 15 < 0.05).sum() == 3
