"""The SEM helper against lavaan's published results on the two classic data sets semopy ships (ML and
MLR) and on two ordinal data sets in tests/reference/ (DWLS as lavaan's WLSMV), against OLS where a model
has only observed variables, against a second implementation (SciPy's normal distributions) or a closed
form, and on data with planted parameters (structural paths under missing answers, ordinal items with
known loadings)."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats
from semopy import examples

from helpers.analysis import sem
from helpers.synth import empirical_normal

HS = examples.holzinger39
PD = examples.political_democracy
REFERENCE = Path(__file__).parent / "reference"


@pytest.fixture(scope="module")
def hs():
    """As lavaan's tutorial fits it: complete data, no meanstructure, expected information."""
    return sem.fit(HS.get_model(), HS.get_data(), missing="listwise")


@pytest.fixture(scope="module")
def democracy():
    return sem.fit(PD.get_model(), PD.get_data(), missing="listwise")


def test_holzinger_swineford_fit_indices_match_lavaan(hs):
    """lavaan tutorial, N = 301: chi-square 85.306 on 24 df, CFI .931, TLI .896, RMSEA .092 (.071-.114), SRMR .065."""
    fit = sem.fit_indices(hs).iloc[0]
    assert fit["chi2"] == pytest.approx(85.306, abs=5e-4) and fit["df"] == 24 and fit["n"] == 301
    assert round(fit["cfi"], 3) == 0.931 and round(fit["tli"], 3) == 0.896
    assert round(fit["rmsea"], 3) == 0.092
    assert (round(fit["rmsea_low"], 3), round(fit["rmsea_high"], 3)) == (0.071, 0.114)
    assert round(fit["srmr"], 3) == 0.065


def test_holzinger_swineford_loadings_match_lavaan(hs):
    est = sem.loadings(hs).set_index("item")
    free = est.loc[["x2", "x3", "x5", "x6", "x8", "x9"]]
    assert free["est"].round(3).tolist() == [0.554, 0.729, 1.113, 0.926, 1.180, 1.082]
    assert free["se"].round(3).tolist() == [0.100, 0.109, 0.065, 0.055, 0.165, 0.151]
    assert est["std"].round(3).tolist() == [0.772, 0.424, 0.581, 0.852, 0.855, 0.838, 0.570, 0.723, 0.665]


def test_political_democracy_matches_lavaan(democracy):
    """Bollen's model with six residual covariances: chi-square 38.125 on 35 df and the three paths."""
    fit = sem.fit_indices(democracy).iloc[0]
    assert fit["chi2"] == pytest.approx(38.125, abs=5e-4) and fit["df"] == 35
    paths = sem.paths(democracy).set_index(["outcome", "predictor"])
    expected = {("dem60", "ind60"): (1.483, 0.399, 0.447), ("dem65", "ind60"): (0.572, 0.221, 0.182),
                ("dem65", "dem60"): (0.837, 0.098, 0.885)}
    for key, (est, se, std) in expected.items():
        assert tuple(paths.loc[key, ["est", "se", "std"]].round(3)) == (est, se, std), key


def test_political_democracy_r_squared_from_standardized_residuals(democracy):
    """lavaan reports R-squared .200 for dem60 and .961 for dem65."""
    r2 = sem.r_squared(democracy).set_index("variable")["r2"]
    assert (round(r2["dem60"], 3), round(r2["dem65"], 3)) == (0.200, 0.961)


def test_r_squared_equals_ols_for_an_observed_regression():
    rng = np.random.default_rng(3)
    df = pd.DataFrame(rng.normal(size=(400, 2)), columns=["x1", "x2"])
    df["y"] = 0.5 * df["x1"] - 0.3 * df["x2"] + rng.normal(size=400)
    model = sem.fit("y ~ x1 + x2", df)
    ols = sm.OLS(df["y"], sm.add_constant(df[["x1", "x2"]])).fit()
    assert sem.r_squared(model).set_index("variable").loc["y", "r2"] == pytest.approx(ols.rsquared, abs=1e-4)
    assert sem.paths(model).set_index("predictor")["est"].tolist() == pytest.approx(ols.params[["x1", "x2"]].tolist(), abs=1e-4)


@pytest.fixture(scope="module")
def hs_mlr():
    return sem.fit(HS.get_model(), HS.get_data(), estimator="MLR", missing="listwise")


def test_holzinger_swineford_mlr_matches_lavaan(hs_mlr):
    """lavaan 0.6-12/0.6-19, cfa(..., estimator = "MLR") on HolzingerSwineford1939, as printed in the README
    of rempsyc/lavaanExtra (its cfa_fit_plot fits with MLR): scaled chi-square 87.132 on 24 df with
    Yuan-Bentler (Mplus variant) scaling factor 0.979; robust CFI .930, TLI .895, robust RMSEA .092
    (.072-.114); SRMR .065; sandwich SEs with observed information."""
    fit = sem.fit_indices(hs_mlr).iloc[0]
    assert fit["chi2"] == pytest.approx(87.132, abs=5e-4) and round(fit["scaling"], 3) == 0.979
    assert (round(fit["cfi"], 3), round(fit["tli"], 3), round(fit["rmsea"], 3)) == (0.930, 0.895, 0.092)
    assert (round(fit["rmsea_low"], 3), round(fit["rmsea_high"], 3), round(fit["srmr"], 3)) == (0.072, 0.114, 0.065)
    free = sem.loadings(hs_mlr).set_index("item").loc[["x2", "x3", "x5", "x6", "x8", "x9"]]
    assert free["se"].round(3).tolist() == [0.132, 0.141, 0.066, 0.061, 0.130, 0.266]
    assert free["z"].round(3).tolist() == [4.191, 5.170, 16.946, 15.089, 9.046, 4.060]
    cov = sem.estimates(hs_mlr).query("op == '~~' and lhs != rhs").set_index(["lhs", "rhs"])["se"]
    assert sorted(cov.round(3)) == [0.056, 0.060, 0.099]


def test_ave_below_half_is_flagged(hs):
    """From lavaan's std.all loadings (.772, .424, .581): visual AVE .371 and CR .626, flagged; textual
    (.852, .855, .838) AVE .720, not flagged."""
    table = sem.reliability(hs).set_index("factor")
    assert round(table.loc["visual", "ave"], 3) == 0.371 and round(table.loc["visual", "cr"], 3) == 0.626
    assert round(table.loc["textual", "ave"], 3) == 0.720
    assert table["ave_below_50"].to_dict() == {"visual": True, "textual": False, "speed": True}


def test_fornell_larcker_holds_sqrt_ave_and_factor_correlations(hs):
    table = sem.fornell_larcker(hs)
    assert table.loc["visual", "visual"] == pytest.approx(np.sqrt(0.3713), abs=5e-4)
    assert table.loc["textual", "visual"] == pytest.approx(0.459, abs=5e-4)   # lavaan std.all: visual ~~ textual .459


def test_factor_correlations_include_endogenous_factors(democracy):
    """lavaan's std.all paths: dem60 ~ ind60 .447, dem65 ~ ind60 .182 + dem60 .885; by path tracing
    corr(ind60, dem60) = .447 and corr(ind60, dem65) = .182 + .885 x .447 = .578."""
    corr = sem.factor_correlations(democracy)
    assert corr.loc["ind60", "dem60"] == pytest.approx(0.447, abs=1e-3)
    assert corr.loc["dem65", "ind60"] == pytest.approx(0.182 + 0.885 * 0.447, abs=2e-3)
    assert corr.loc["dem60", "dem65"] == pytest.approx(0.885 + 0.182 * 0.447, abs=2e-3)


def test_htmt_equals_the_planted_factor_correlation():
    """Parallel items (equal loadings .7) of two factors correlated .5, drawn with exactly those
    correlations: every within-factor item correlation is .49, every between one .245, HTMT = .5."""
    lam, phi = 0.7, 0.5
    corr = np.full((6, 6), lam * lam * phi)
    corr[:3, :3] = corr[3:, 3:] = lam * lam
    np.fill_diagonal(corr, 1)
    data = pd.DataFrame(empirical_normal(500, corr, np.random.default_rng(2)), columns=["a1", "a2", "a3", "b1", "b2", "b3"])
    table = sem.htmt(data, {"a": ["a1", "a2", "a3"], "b": ["b1", "b2", "b3"]})
    assert table.loc["b", "a"] == pytest.approx(phi, abs=1e-9) and np.isnan(table.loc["a", "b"])


def test_loglik_equals_scipy_on_the_observed_parts():
    rng = np.random.default_rng(4)
    cov = np.array([[1, .3, .2], [.3, 1, .4], [.2, .4, 1]])
    x = pd.DataFrame(rng.multivariate_normal([0, 1, 2], cov, 50), columns=list("abc"))
    x.iloc[:10, 0] = np.nan
    x.iloc[5:15, 2] = np.nan
    expected = 0.0
    for row in x.to_numpy():
        seen = ~np.isnan(row)
        expected += stats.multivariate_normal(np.array([0, 1, 2])[seen], cov[np.ix_(seen, seen)]).logpdf(row[seen])
    assert sem.loglik(x, np.array([0.0, 1, 2]), cov) == pytest.approx(expected)


def test_em_moments_are_the_sample_moments_without_missing_answers():
    x = pd.DataFrame(np.random.default_rng(5).normal(size=(40, 3)), columns=list("abc"))
    mean, cov = sem.saturated(x)
    assert mean == pytest.approx(x.mean().to_numpy()) and cov == pytest.approx(np.cov(x.to_numpy().T, bias=True))


def planted(betas: dict[str, float], n: int = 2000, seed: int = 11) -> pd.DataFrame:
    """Continuous items (loading .8) of four correlated factors and an intention factor with known
    standardized paths; the factor scores have exactly the planted correlations (empirical draw), so
    only the item noise is random."""
    rng = np.random.default_rng(seed)
    corr = np.array([[1, .5, .4, .3], [.5, 1, .3, .4], [.4, .3, 1, .45], [.3, .4, .45, 1]])
    b = np.array([betas[k] for k in ("pe", "ee", "si", "fc")])
    full = np.eye(5)
    full[:4, :4] = corr
    scores = empirical_normal(n, full, rng)
    f, residual = scores[:, :4], scores[:, 4]
    bi = f @ b + np.sqrt(1 - b @ corr @ b) * residual
    factors = dict(zip(("pe", "ee", "si", "fc", "bi"), [*f.T, bi]))
    return pd.DataFrame({f"{k}_{i}": 0.8 * v + rng.normal(scale=0.6, size=n) for k, v in factors.items() for i in (1, 2, 3)})


MODEL = "\n".join(f"{k} =~ {k}_1 + {k}_2 + {k}_3" for k in ("pe", "ee", "si", "fc", "bi")) + "\nbi ~ pe + ee + si + fc"


@pytest.mark.parametrize("betas, significant", [
    ({"pe": 0.6, "ee": 0.0, "si": 0.0, "fc": 0.0}, {"pe"}),             # only performance expectancy (the report)
    ({"pe": 0.45, "ee": 0.3, "si": 0.0, "fc": 0.0}, {"pe", "ee"}),     # effort expectancy matters too
])
def test_planted_paths_are_recovered(betas, significant):
    paths = sem.paths(sem.fit(MODEL, planted(betas))).set_index("predictor")
    for predictor, beta in betas.items():
        assert paths.loc[predictor, "std"] == pytest.approx(beta, abs=0.05), predictor
    assert set(paths.index[paths["p"] < 0.05]) == significant


def test_fiml_keeps_every_respondent_and_recovers_planted_paths():
    """A quarter of the respondents miss their ee and bi_3 answers, more often when pe_1 (always answered)
    is high: missing at random. FIML uses all 2000 respondents and recovers the planted paths; listwise
    deletion keeps only the complete three quarters."""
    data = planted({"pe": 0.45, "ee": 0.3, "si": 0.0, "fc": 0.0}, seed=13)
    rng = np.random.default_rng(13)
    gone = rng.random(len(data)) < 0.5 * stats.norm.cdf(data["pe_1"] - data["pe_1"].mean())
    data.loc[gone, ["ee_1", "ee_2", "ee_3", "bi_3"]] = np.nan
    fiml, listwise = sem.fit(MODEL, data), sem.fit(MODEL, data, missing="listwise")
    assert fiml.n_obs == 2000 and listwise.n_obs == 2000 - gone.sum() and 0.2 < gone.mean() < 0.3
    paths = sem.paths(fiml).set_index("predictor")
    for predictor, beta in {"pe": 0.45, "ee": 0.3, "si": 0.0, "fc": 0.0}.items():
        assert paths.loc[predictor, "std"] == pytest.approx(beta, abs=0.05), predictor
    fit = sem.fit_indices(fiml).iloc[0]
    assert fit["df"] == 80 and fit["p"] > 0.01 and fit["missing"] == "fiml"
    assert np.isfinite(fiml.se).all()      # at the optimum the information matrix is positive definite


def test_fiml_with_four_missing_answers_matches_lavaan():
    """Two children's x3 and x8 answers removed (4 of 2709): FIML keeps all 301 children and equals lavaan's
    cfa(..., missing = "ml") (tests/reference/lavaan_hs_missing_*.csv) parameter by parameter."""
    data = HS.get_data().copy()
    data.loc[data.index[[10, 200]], ["x3", "x8"]] = np.nan
    model = sem.fit(HS.get_model(), data)
    assert model.n_obs == 301 and model.missing == "fiml"
    assert_matches_lavaan(model, "hs_missing")


def ordinal(n: int, loadings: list[float], phi: float, seed: int) -> pd.DataFrame:
    """Five-point items cut from normal responses with planted loadings (two factors correlated phi) at
    skewed thresholds, as the Likert items' answers lean to agreement."""
    rng = np.random.default_rng(seed)
    f = rng.multivariate_normal([0, 0], [[1, phi], [phi, 1]], n)
    cuts = [-1.6, -0.9, -0.1, 0.9]
    return pd.DataFrame({f"{name}{i + 1}": np.searchsorted(cuts, lam * f[:, k] + np.sqrt(1 - lam**2) * rng.normal(size=n)) + 1.0
                         for k, name in enumerate("ab") for i, lam in enumerate(loadings)})


def test_bivariate_normal_cdf_equals_scipy():
    for h, k, rho in [(0.3, -0.5, 0.6), (-1.2, 0.0, -0.4), (1.5, 2.0, 0.9), (0.0, 0.0, 0.3)]:
        ref = stats.multivariate_normal([0, 0], [[1, rho], [rho, 1]]).cdf([h, k])
        assert sem.bivariate_normal_cdf(h, k, rho) == pytest.approx(ref, abs=1e-6)


def test_tetrachoric_of_median_splits_has_its_closed_form():
    """Both margins split at the median: P(both high) = 1/4 + asin(rho) / (2 pi) (Sheppard, 1899)."""
    x = pd.Series([1] * 35 + [1] * 15 + [2] * 15 + [2] * 35)
    y = pd.Series([1] * 35 + [2] * 15 + [1] * 15 + [2] * 35)
    rho, _ = sem.polychoric(x, y)
    assert rho == pytest.approx(np.sin(2 * np.pi * (0.35 - 0.25)), abs=1e-6)


def test_polychoric_standard_error_matches_its_sampling_spread():
    """The influence-function SE against the standard deviation over 200 planted samples (within 15%)."""
    draws = [sem.polychoric(d["a1"], d["a2"]) for d in (ordinal(300, [0.8, 0.7, 0.6], 0.4, s) for s in range(200))]
    rhos = np.array([r for r, _ in draws])
    ses = np.array([inf.std() / np.sqrt(len(inf)) for _, inf in draws])
    assert rhos.mean() == pytest.approx(0.8 * 0.7, abs=0.01)
    assert ses.mean() == pytest.approx(rhos.std(ddof=1), rel=0.15)


def test_dwls_on_polychorics_recovers_planted_loadings_where_ml_attenuates():
    """Tolerance .05: about three standard errors of a standardized loading at N = 2000 (their spread over
    eight planted samples was .011-.026, their mean within .01 of the planted value)."""
    data = ordinal(2000, [0.8, 0.7, 0.6], 0.4, seed=21)
    model = "A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3"
    dwls, ml = sem.fit(model, data, estimator="DWLS"), sem.fit(model, data)
    assert sem.loadings(dwls)["std"].to_numpy() == pytest.approx([0.8, 0.7, 0.6] * 2, abs=0.05)
    assert sem.factor_correlations(dwls).loc["A", "B"] == pytest.approx(0.4, abs=0.05)
    assert (sem.loadings(ml)["std"].to_numpy() < sem.loadings(dwls)["std"].to_numpy()).all()
    fit = sem.fit_indices(dwls).iloc[0]
    assert fit["estimator"] == "DWLS" and fit["df"] == 8 and fit["p"] > 0.01 and fit["n"] == 2000


def test_dwls_standard_errors_and_test_match_their_sampling_distribution():
    """Over 100 planted samples (N = 300): the sandwich SEs of a loading and of the factor covariance agree
    with the estimates' spread within 15% (the spread of 100 draws is itself uncertain by about 7%; on
    these seeds they agree to 1%), and the scaled-shifted chi-square of the true model averages near its
    df (8)."""
    estimates, ses, chi2 = [], [], []
    for seed in range(100):
        model = sem.fit("A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3", ordinal(300, [0.8, 0.7, 0.6], 0.4, 500 + seed), estimator="DWLS")
        table = sem.estimates(model)
        rows = table[((table["rhs"] == "a2") & (table["op"] == "=~")) | ((table["op"] == "~~") & table["lhs"].isin(["A", "B"])
                                                                          & table["rhs"].isin(["A", "B"]) & (table["lhs"] != table["rhs"]))]
        estimates.append(rows["est"].to_numpy())
        ses.append(rows["se"].to_numpy())
        chi2.append(sem.fit_indices(model).iloc[0]["chi2"])
    assert np.mean(ses, axis=0) == pytest.approx(np.std(estimates, axis=0, ddof=1), rel=0.15)
    assert 7 < np.mean(chi2) < 9


def near(value: float, printed: float) -> bool:
    """Equal to a number lavaan prints (three decimals) to its printed decimals: within half a unit of the last."""
    return value == pytest.approx(printed, abs=5e-4)


def matches_lavaan(model, loadings: dict, latent: dict, std: list, test: dict, fit: dict) -> None:
    """Assert a DWLS fit of two factors of three items equals lavaan's printed WLSMV output: free loadings (est,
    se, z), factor (co)variances (est, se, z) keyed by sorted factor pair, std.all loadings, test statistics
    and fit indices (on 8 df)."""
    table = sem.loadings(model).set_index("item")
    for item, printed in loadings.items():
        assert all(near(v, p) for v, p in zip(table.loc[item, ["est", "se", "z"]], printed)), item
    assert all(near(v, p) for v, p in zip(table["std"], std))
    names = set(sem.latent_names(model))   # noqa: F841 (used by the query below)
    rows = sem.estimates(model).query("op == '~~' and lhs in @names and rhs in @names")
    assert len(rows) == len(latent)
    for row in rows.itertuples():
        assert all(near(v, p) for v, p in zip((row.est, row.se, row.z), latent[tuple(sorted((row.lhs, row.rhs)))])), row
    assert all(near(model.test[k], p) for k, p in test.items()), test
    row = sem.fit_indices(model).iloc[0]
    assert row["df"] == 8 and all(near(row[k], p) for k, p in fit.items()), fit


@pytest.fixture(scope="module")
def mplus_ex52():
    data = pd.read_csv(REFERENCE / "ex5.2.dat", sep=r"\s+", header=None, names=[f"u{i}" for i in range(1, 7)])
    return sem.fit("f1 =~ u1 + u2 + u3\nf2 =~ u4 + u5 + u6", data, estimator="DWLS")


def test_dwls_matches_lavaan_wlsmv_on_mplus_example_5_2(mplus_ex52):
    """Mplus example 5.2 (500 respondents, six binary items, two factors; tests/reference/README.md) under
    lavaan's sem(..., estimator = "WLSMV", ordered = ...), delta parameterisation, first loading fixed at 1:
    lavaan 0.6-17 as printed in lucdw/lavaan-mplus (Categorical/ex5.2.WLSMV.out_mimlavaan.log) and the z
    values of lavaan 0.6-14, each to its printed decimals. Loadings 1.067, 1.001, 1.109, 1.030 (SE .043,
    .039, .054, .047; z 24.637, 25.887, 20.461, 21.966), std.all .895 .955 .895 .858 .952 .884; factor
    variances .800 (.046, z 17.422) and .736 (.052, z 14.085), covariance -.021 (.049, z -.431), correlation
    -.027; chi-square 2.454 (standard) and 5.474 scaled-shifted on 8 df with scaling factor .629; baseline
    4319.297, scaled 2803.017, factor 1.544; CFI 1.000, TLI 1.002, RMSEA .000 (.000-.040), SRMR .024.
    Mplus 8.2 on the same data prints the DWLS minimum as 0.24587142D-02 (F / 2); its chi-square (5.482)
    and SEs use N where lavaan uses N - 1. Thresholds are not exposed (they are the margins' normal quantiles)."""
    matches_lavaan(
        mplus_ex52,
        loadings={"u2": (1.067, 0.043, 24.637), "u3": (1.001, 0.039, 25.887), "u5": (1.109, 0.054, 20.461),
                  "u6": (1.030, 0.047, 21.966)},
        latent={("f1", "f1"): (0.800, 0.046, 17.422), ("f2", "f2"): (0.736, 0.052, 14.085),
                ("f1", "f2"): (-0.021, 0.049, -0.431)},
        std=[0.895, 0.955, 0.895, 0.858, 0.952, 0.884],
        test={"chi2_standard": 2.454, "base_chi2_standard": 4319.297, "base_chi2": 2803.017, "base_scaling": 1.544},
        fit={"chi2": 5.474, "scaling": 0.629, "cfi": 1.000, "tli": 1.002, "rmsea": 0.000, "rmsea_low": 0.000,
             "rmsea_high": 0.040, "srmr": 0.024})
    assert near(sem.factor_correlations(mplus_ex52).loc["f1", "f2"], -0.027)
    assert mplus_ex52.test["chi2_standard"] / (500 - 1) / 2 == pytest.approx(0.24587142e-2, rel=1e-6)   # Mplus' F / 2


def test_dwls_matches_lavaan_wlsmv_on_five_point_items():
    """Five-point items (tests/reference/five_point.csv: 300 respondents, two factors of three items, skewed
    thresholds, drawn by `ordinal` below) under lavaan 0.6-14's sem(..., estimator = "WLSMV", ordered = ...),
    its printed summary (tests/reference/README.md), to the printed decimals: loadings .968 (.134, z 7.216),
    .738 (.108, 6.843), .750 (.135, 5.551), .746 (.118, 6.319), std.all .724 .701 .534 .740 .555 .552;
    factor variances .525 (.088, 5.942) and .547 (.103, 5.323), covariance .236 (.049, 4.797); chi-square
    2.972 standard, 4.708 scaled-shifted on 8 df, scaling factor .702; baseline 432.480, scaled 346.101;
    CFI 1.000, TLI 1.019, RMSEA .000 (.000-.045), SRMR .022. With more than two categories the polychorics'
    asymptotic variances depend on the information used (lavaan: observed), which binary items do not show."""
    model = sem.fit("A =~ a1 + a2 + a3\nB =~ b1 + b2 + b3", pd.read_csv(REFERENCE / "five_point.csv"), estimator="DWLS")
    matches_lavaan(
        model,
        loadings={"a2": (0.968, 0.134, 7.216), "a3": (0.738, 0.108, 6.843), "b2": (0.750, 0.135, 5.551),
                  "b3": (0.746, 0.118, 6.319)},
        latent={("A", "A"): (0.525, 0.088, 5.942), ("B", "B"): (0.547, 0.103, 5.323), ("A", "B"): (0.236, 0.049, 4.797)},
        std=[0.724, 0.701, 0.534, 0.740, 0.555, 0.552],
        test={"chi2_standard": 2.972, "base_chi2_standard": 432.480, "base_chi2": 346.101},
        fit={"chi2": 4.708, "scaling": 0.702, "cfi": 1.000, "tli": 1.019, "rmsea": 0.000, "rmsea_low": 0.000,
             "rmsea_high": 0.045, "srmr": 0.022})


def test_compare_estimators_names_each_estimator_with_its_n():
    data = planted({"pe": 0.6, "ee": 0.0, "si": 0.0, "fc": 0.0}, n=300, seed=3).round().clip(-2, 2)
    data.iloc[:30, 0] = np.nan
    table = sem.compare_estimators(MODEL, data)
    assert table[["estimator", "missing", "n", "few_cases"]].values.tolist() == [
        ["ML", "fiml", 300, False], ["MLR", "fiml", 300, False], ["ML", "listwise", 270, False], ["DWLS", "listwise", 270, False]]
    assert {"beta bi~pe", "p bi~pe", "chi2", "cfi", "tli", "rmsea", "srmr"} <= set(table.columns)


def test_cfi_is_bounded_by_one_as_lavaan_and_tli_is_not():
    """Data generated from the model can fit better than chance: chi-square below its df (51.3 on 80 here)."""
    fit = sem.fit_indices(sem.fit(MODEL, planted({"pe": 0.6, "ee": 0.0, "si": 0.0, "fc": 0.0}, seed=12))).iloc[0]
    assert fit["chi2"] < fit["df"]
    assert fit["cfi"] == 1.0 and fit["tli"] > 1.0 and fit["rmsea"] == 0.0 and fit["rmsea_low"] == 0.0


def test_the_analytic_gradient_and_hessian_equal_numerical_derivatives_of_the_fiml_likelihood():
    """A second computation: central differences of the likelihood (for the gradient) and of the analytic
    gradient (for the observed information), on the 10%-missing reference data with an observed covariate,
    at the estimates and away from them (where the curvature of the moments counts)."""
    data = pd.read_csv(REFERENCE / "ten_percent.csv")
    model = sem.fit(REPORT + "\nbi ~ age", data)
    x = data[model.ram.observed]
    likelihood = sem.Likelihood(model.ram, sem.Patterns(x[x.drop(columns="age").notna().any(axis=1)].to_numpy()))
    rng = np.random.default_rng(1)
    for theta in (model.theta, model.theta + rng.normal(0, 0.02, len(model.theta))):
        h = 1e-6
        steps = np.eye(len(theta)) * h
        numeric_gradient = [(likelihood.value(theta + e) - likelihood.value(theta - e)) / (2 * h) for e in steps]
        numeric_hessian = np.array([(likelihood.gradient(theta + e) - likelihood.gradient(theta - e)) / (2 * h) for e in steps])
        assert likelihood.gradient(theta) == pytest.approx(numeric_gradient, rel=1e-5, abs=1e-3)
        assert likelihood.hessian(theta) == pytest.approx((numeric_hessian + numeric_hessian.T) / 2, rel=1e-5, abs=1e-3)


def test_a_polychoric_with_empty_cells_far_from_the_diagonal_keeps_a_finite_influence():
    """A strong planted correlation (0.88) with a rare extreme category, at N = 100,000: cells far from the
    diagonal are empty and their model probability underflows. The correlation is recovered within 3 standard
    errors and every case's influence is finite (before: NaN, and DWLS failed at N = 200,000)."""
    rng = np.random.default_rng(3)
    z = rng.multivariate_normal([0, 0], [[1, 0.88], [0.88, 1]], 100_000)
    x = pd.Series(np.digitize(z[:, 0], np.quantile(z[:, 0], [0.0002, 0.011, 0.16, 0.62])) + 1.0)
    y = pd.Series(np.digitize(z[:, 1], np.quantile(z[:, 1], [0.002, 0.039, 0.26, 0.68])) + 1.0)
    assert (pd.crosstab(x, y) == 0).any().any()
    rho, influence = sem.polychoric(x, y)
    assert np.isfinite(influence).all()
    assert abs(rho - 0.88) < 3 * influence.std() / np.sqrt(len(x))


# ---------------------------------------------------------------- lavaan 0.6-14 on the reference data sets

REPORT = "\n".join(f"{k} =~ {k}_1 + {k}_2 + {k}_3" for k in ("pe", "ee", "si", "fc", "bi")) + "\nbi ~ pe + ee + si + fc"
MEASUREMENT = REPORT.rsplit("\n", 1)[0]
TOLERANCE = {"est": 2.3e-5, "se": 2.3e-5, "std": 7e-6, "std_se": 7e-6, "std_low": 2e-5, "std_high": 2e-5}


def lavaan_estimates(name: str) -> pd.DataFrame:
    """parameterEstimates beside standardizedSolution as sem_reference.R wrote them, intercepts left out; lavaan's
    SE 0 of a fixed value (and the interval it gives) as ours, no SE."""
    table = pd.read_csv(REFERENCE / f"lavaan_{name}_est.csv", keep_default_na=False, na_values=["NA"])
    table.loc[table["se"] == 0, "se"] = np.nan
    table.loc[table["std_se"] == 0, ["std_se", "std_low", "std_high"]] = np.nan
    return table[~table["op"].isin(["~1", "|", "~*~"])]


def lavaan_fit(name: str) -> pd.Series:
    return pd.read_csv(REFERENCE / f"lavaan_{name}_fit.csv").set_index("measure")["value"]


def assert_matches_lavaan(model, name: str, columns=tuple(TOLERANCE)) -> None:
    """Every parameter lavaan reports (est, se, std.all with its SE and 95% CI), each within TOLERANCE."""
    merged = lavaan_estimates(name).merge(sem.estimates(model), on=["lhs", "op", "rhs"], suffixes=("_lavaan", ""),
                                          how="left", validate="one_to_one")
    assert merged["est"].notna().all(), merged[merged["est"].isna()]
    for column in columns:
        assert merged[column].to_numpy() == pytest.approx(merged[f"{column}_lavaan"].to_numpy(), abs=TOLERANCE[column],
                                                          nan_ok=True), column


def assert_indices_match_lavaan(model, name: str, robust: float = 2e-7) -> None:
    """chi-square (relative 4e-6), df, CFI, TLI, RMSEA and its CI (2e-7; `robust` for MLR's robust ones), SRMR
    both ways (1e-5) as lavaan's fitMeasures."""
    ours, theirs = sem.fit_indices(model).iloc[0], lavaan_fit(name)
    scaled = model.estimator != "ML"
    suffix = {"MLR": ".robust", "DWLS": ".scaled"}.get(model.estimator, "")
    assert ours["chi2"] == pytest.approx(theirs["chisq.scaled" if scaled else "chisq"], rel=4e-6)
    assert ours["df"] == theirs["df"] and ours["n"] == theirs.get("ntotal", 164)   # WLSMV does not print ntotal
    if scaled:
        assert ours["scaling"] == pytest.approx(theirs["chisq.scaling.factor"], rel=4e-6)
    tolerance = robust if model.estimator == "MLR" else 2e-7
    for mine, lavaans in (("cfi", "cfi"), ("tli", "tli"), ("rmsea", "rmsea"), ("rmsea_low", "rmsea.ci.lower"),
                          ("rmsea_high", "rmsea.ci.upper")):
        assert ours[mine] == pytest.approx(theirs[lavaans + suffix], abs=tolerance), mine
    assert ours["srmr"] == pytest.approx(theirs["srmr"], abs=1e-5)
    assert ours["srmr_nomean"] == pytest.approx(theirs["srmr_bentler_nomean"], abs=1e-5)


@pytest.fixture(scope="module")
def ten_percent():
    return pd.read_csv(REFERENCE / "ten_percent.csv")


@pytest.fixture(scope="module")
def heywood():
    return pd.read_csv(REFERENCE / "heywood.csv")


@pytest.mark.parametrize("name, estimator, missing", [
    ("ten_ml", "ML", "fiml"), ("ten_mlr", "MLR", "fiml"), ("ten_ml_listwise", "ML", "listwise")])
def test_the_report_model_on_ten_percent_missing_answers_matches_lavaan(ten_percent, name, estimator, missing):
    """600 respondents, 10% of each item's answers missing (more often among the older: missing at random),
    222 missing-data patterns, 164 complete cases: lavaan's sem(..., missing = "ml") with ML and MLR, and
    its default (listwise) ML. lavaan's FIML-corrected robust indices (MLR) agree within 2e-6, not 2e-7: lavaan's
    EM for the unrestricted moments stops at a change of 1e-5 (lav_mvnorm_missing_h1_estimate_moments), and
    the ML statistic on those moments moves with them (lavaan's XX3 101.61104, ours 101.61360 at EM's optimum;
    its scaling 1.3001411, ours 1.3001401)."""
    model = sem.fit(REPORT, ten_percent, estimator, missing)
    assert_matches_lavaan(model, name)
    assert_indices_match_lavaan(model, name, robust=2e-6)


def test_dwls_on_the_complete_cases_matches_lavaan_wlsmv(ten_percent):
    """The 164 complete cases under lavaan's WLSMV: estimates and SEs (the items' residual variances are no
    parameters in the delta parameterisation), the scaled-shifted test and its indices, RMSEA with N - 1."""
    model = sem.fit(REPORT, ten_percent, "DWLS")
    assert_matches_lavaan(model, "ten_dwls", columns=("est", "se", "std"))
    assert_indices_match_lavaan(model, "ten_dwls")


def test_the_estimator_table_warns_where_complete_cases_are_fewer_than_sample_statistics(ten_percent):
    """164 complete cases against 120 covariances and 15 means (ML) or 105 polychorics and 60 thresholds (DWLS)."""
    table = sem.compare_estimators(REPORT, ten_percent).set_index(["estimator", "missing"])
    assert table["n"].tolist() == [600, 600, 164, 164]
    assert table["few_cases"].tolist() == [False, False, False, True]


def test_a_heywood_case_is_estimated_as_lavaan_with_its_negative_variance_named(heywood):
    """pe_1's standardized loading is 1.19 in the population (tests/reference/make_sem_data.py): lavaan converges
    with a negative residual variance (-0.090, SE 0.043) and warns; so do we, to lavaan's decimals, in the
    measurement model and in the structural model."""
    for name, description in (("heywood_cfa", MEASUREMENT), ("heywood_ml", REPORT)):
        model = sem.fit(description, heywood)
        assert_matches_lavaan(model, name)
        negative = sem.negative_variances(model)
        assert negative["variable"].tolist() == ["pe_1"]
        assert negative.iloc[0]["est"] == pytest.approx(-0.0901537, abs=2e-5)
        assert negative.iloc[0]["se"] == pytest.approx(0.0433191, abs=2e-5)


def test_an_observed_covariate_is_fixed_x_as_lavaan_and_its_standardized_path_does_not_depend_on_its_unit(ten_percent):
    """The report's model plus intention on age (years): lavaan's sem(..., missing = "ml"), fixed.x = TRUE
    (age's variance and mean at the sample's, no covariance with the factors), every estimate, SE and std.all
    within 1e-4; with age standardized the std.all values and their SEs stay within 1e-6, and the
    unstandardized path is the years' path times SD(age)."""
    years = sem.fit(REPORT + "\nbi ~ age", ten_percent)
    assert_matches_lavaan(years, "ten_age")
    assert_indices_match_lavaan(years, "ten_age")
    standardized = ten_percent.assign(age=(ten_percent["age"] - ten_percent["age"].mean()) / ten_percent["age"].std())
    z = sem.fit(REPORT + "\nbi ~ age", standardized)
    assert_matches_lavaan(z, "ten_age_z")
    a, b = sem.estimates(years), sem.estimates(z)
    assert a["std"].to_numpy() == pytest.approx(b["std"].to_numpy(), abs=1e-6, nan_ok=True)
    assert a["std_se"].to_numpy() == pytest.approx(b["std_se"].to_numpy(), abs=1e-6, nan_ok=True)
    path = sem.paths(years).set_index("predictor").loc["age"]
    assert path["est"] * ten_percent["age"].std() == pytest.approx(sem.paths(z).set_index("predictor").loc["age", "est"], rel=1e-6)


def test_coverage_is_lavaans(ten_percent):
    """lavInspect(fit, "coverage"): the share of respondents answering both of two items."""
    items = list(ten_percent.columns[:15])
    expected = pd.read_csv(REFERENCE / "lavaan_ten_coverage.csv", index_col=0)
    assert sem.coverage(ten_percent, items).to_numpy() == pytest.approx(expected.loc[items, items].to_numpy(), abs=1e-12)
    assert len(sem.patterns(ten_percent, items)) == 222 and sem.patterns(ten_percent, items)["n"].sum() == 600


def test_a_binary_pair_with_an_empty_cell_gets_lavaans_half_count():
    """A 2 x 2 table with one empty cell (tests/reference/binary_empty.csv): lavCor(..., ordered = ) gives 0.9065147
    after adding 0.5 to the empty cell and its diagonal partner and taking it from the other two."""
    data = pd.read_csv(REFERENCE / "binary_empty.csv")
    rho, influence = sem.polychoric(data["u1"], data["u2"])
    assert rho == pytest.approx(pd.read_csv(REFERENCE / "lavaan_binary_empty.csv")["rho"].iloc[0], abs=1e-6)
    assert np.isfinite(influence).all()


def test_chapter_05_shows_the_heywood_model_with_its_negative_variance_named(export, cb, heywood, tmp_path):
    """The synthetic default's first 426 respondents with the Heywood items (tests/reference/heywood.csv): chapter 05
    estimates the model (no "could not be estimated"), its estimates equal lavaan's within 2e-3, and the page
    names the negative variance with its estimate and SE, in both languages."""
    from helpers.chapter import Intention
    from helpers.ingest.io import save_processed
    from helpers.prepare.cleaning import clean

    data = clean(export, cb).data.head(len(heywood)).reset_index(drop=True)
    data[list(heywood.columns)] = heywood.to_numpy()
    processed = save_processed(data, tmp_path / "heywood.parquet")
    for lang, said in (("en", "**Negative variance** in the structural model: the (residual) variance of"),
                       ("nl", "**Negatieve variantie** in het structureel model: de (residuele) variantie van")):
        ch = Intention(processed, lang=lang, artifacts=tmp_path / lang)
        page = ch.boundary().data
        assert said in page and f"*{ch.label('pe_1')}*" in page and ("−0.090 (SE 0.043)" in page or "−0,090 (SE 0,043)" in page)
        assert "could not be estimated" not in str(ch.structural_model()._repr_html_()) + str(ch.estimators()._repr_html_())
    merged = lavaan_estimates("heywood_ml").merge(sem.estimates(ch.model), on=["lhs", "op", "rhs"])
    assert merged["est_x"].to_numpy() == pytest.approx(merged["est_y"].to_numpy(), abs=2e-3)


def test_reliability_and_htmt_keep_the_conventions_their_tables_name(ten_percent):
    """Where the validity and HTMT tables say they depart from semTools' defaults (data/messages.yaml), they do
    (semTools 0.5-6 on the complete cases, tests/reference/semtools_conventions.csv): HTMT is semTools' htmt(htmt2 =
    FALSE), not its default HTMT2; CR and AVE, from the standardized loadings, are not compRelSEM's and AVE's."""
    complete = ten_percent.iloc[:, :15].dropna()
    factors = {f: [f"{f}_{i}" for i in (1, 2, 3)] for f in ("pe", "ee", "si", "fc", "bi")}
    semtools = pd.read_csv(REFERENCE / "semtools_conventions.csv", keep_default_na=False)
    ours = sem.htmt(complete, factors)
    for statistic, equal in (("htmt_arithmetic", True), ("htmt2", False)):
        theirs = semtools[semtools["statistic"] == statistic]
        gap = max(abs(ours.loc[a, b] - value) for a, b, value in zip(theirs["a"], theirs["b"], theirs["value"]))
        assert gap < 1e-12 if equal else gap > 0.01, statistic
    reliability = sem.reliability(sem.fit(sem.model_text(factors), complete, missing="listwise")).set_index("factor")
    for statistic, column in (("compRelSEM", "cr"), ("AVE", "ave")):
        theirs = semtools[semtools["statistic"] == statistic].set_index("a")["value"]
        assert (reliability[column] - theirs).abs().max() > 0.004, statistic
