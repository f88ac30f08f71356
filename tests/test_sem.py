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
    return sem.fit(HS.get_model(), HS.get_data())


@pytest.fixture(scope="module")
def democracy():
    return sem.fit(PD.get_model(), PD.get_data())


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
    return sem.fit(HS.get_model(), HS.get_data(), estimator="MLR")


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
    cov = sem.estimates(hs_mlr).query("op == '~~' and lval != rval").set_index(["lval", "rval"])["se"]
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


def test_fiml_with_four_missing_answers_stays_at_the_complete_data_solution():
    """Two children's x3 and x8 answers removed (4 of 2709): FIML keeps all 301 children, its loadings
    stay within 2% of lavaan's complete-data ones, and its observed-information SEs within 3% of those
    semopy computes for the complete data with numdifftools (a second implementation of the Hessian),
    parameter by parameter: which also checks that each SE sits with its own parameter."""
    from semopy.stats import calc_se

    data = HS.get_data().copy()
    data.loc[data.index[[10, 200]], ["x3", "x8"]] = np.nan
    model = sem.fit(HS.get_model(), data)
    assert model.n_obs == 301 and model.missing == "fiml"
    free = sem.loadings(model).set_index("item").loc[["x2", "x3", "x5", "x6", "x8", "x9"]]
    assert free["est"].to_numpy() == pytest.approx([0.554, 0.729, 1.113, 0.926, 1.180, 1.082], rel=0.02)
    complete = sem.fit(HS.get_model(), HS.get_data())
    observed = pd.Series(calc_se(complete, information="observed"), index=sem._active(complete))
    mine = sem.estimates(model).query("op == '~' and rval != '1'").dropna()
    assert mine["se"].to_numpy() == pytest.approx(observed.iloc[:6].to_numpy(), rel=0.03)
    assert sem.fit_indices(model).iloc[0]["chi2"] == pytest.approx(85.306, rel=0.02)


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
        rows = table[((table["lval"] == "a2") & (table["op"] == "~")) | ((table["op"] == "~~") & table["lval"].isin(["A", "B"])
                                                                          & table["rval"].isin(["A", "B"]) & (table["lval"] != table["rval"]))]
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
    rows = sem.estimates(model).query("op == '~~' and lval in @names and rval in @names")
    assert len(rows) == len(latent)
    for row in rows.itertuples():
        assert all(near(v, p) for v, p in zip((row.est, row.se, row.z), latent[tuple(sorted((row.lval, row.rval)))])), row
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
    assert table[["estimator", "missing", "n"]].values.tolist() == [
        ["ML", "fiml", 300], ["ML", "listwise", 270], ["MLR", "listwise", 270], ["DWLS", "listwise", 270]]
    assert {"beta bi~pe", "p bi~pe", "chi2", "cfi", "tli", "rmsea", "srmr"} <= set(table.columns)


def test_cfi_is_bounded_by_one_as_lavaan_and_tli_is_not():
    """Data generated from the model can fit better than chance: chi-square below its df (51.3 on 80 here)."""
    fit = sem.fit_indices(sem.fit(MODEL, planted({"pe": 0.6, "ee": 0.0, "si": 0.0, "fc": 0.0}, seed=12))).iloc[0]
    assert fit["chi2"] < fit["df"]
    assert fit["cfi"] == 1.0 and fit["tli"] > 1.0 and fit["rmsea"] == 0.0 and fit["rmsea_low"] == 0.0


def test_the_fiml_objective_and_gradient_by_pattern_are_semopys_per_respondent_ones(export, cb):
    """A second implementation: per missing-data pattern (count, mean, scatter) against semopy's
    ModelMeans.obj_fiml and grad_fiml, at the start values and at two points around them, on the synthetic
    default."""
    import semopy

    from helpers.analysis import reproduction
    from helpers.prepare.cleaning import clean

    factors = reproduction.intention_model(cb)
    description = sem.model_text(factors, "bi", ["pe", "ee", "si", "fc"])
    data = clean(export, cb).data[[i for items in factors.values() for i in items]].astype(float)
    model = semopy.ModelMeans(description)
    sem._fiml_start(model, description, data)
    model.prepare_fiml()
    assert len(model.fiml_data) > 1   # there are patterns of missing answers to sum over
    semopys_fun, semopys_grad = model.get_objective("FIML")
    fun, grad = sem.fiml_by_pattern(model)
    rng = np.random.default_rng(1)
    for shift in (0, 0.05, 0.1):
        x = model.param_vals + rng.normal(0, shift, len(model.param_vals))
        assert fun(x) == pytest.approx(semopys_fun(x), rel=1e-12)
        assert grad(x) == pytest.approx(semopys_grad(x), rel=1e-9, abs=1e-9)


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
