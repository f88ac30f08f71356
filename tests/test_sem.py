"""The SEM helper against lavaan's published results on the two classic data sets semopy ships, against
OLS where a model has only observed variables, and on data with planted structural paths."""
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from semopy import examples

from helpers.analysis import sem
from helpers.synth import empirical_normal

HS = examples.holzinger39
PD = examples.political_democracy


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


def test_composite_reliability_and_ave_by_hand(hs):
    lam = sem.loadings(hs).query("factor == 'visual'")["std"].to_numpy()
    row = sem.reliability(hs).set_index("factor").loc["visual"]
    assert row["cr"] == pytest.approx(lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum()))
    assert row["ave"] == pytest.approx(np.mean(lam**2))


def test_fornell_larcker_holds_sqrt_ave_and_factor_correlations(hs):
    table = sem.fornell_larcker(hs)
    assert table.loc["visual", "visual"] == pytest.approx(np.sqrt(sem.reliability(hs).set_index("factor").loc["visual", "ave"]))
    assert table.loc["textual", "visual"] == pytest.approx(0.459, abs=5e-4)   # lavaan std.all: visual ~~ textual .459


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


def test_cfi_is_bounded_by_one_as_lavaan_and_tli_is_not():
    """Data generated from the model can fit better than chance: chi-square below its df (51.3 on 80 here)."""
    fit = sem.fit_indices(sem.fit(MODEL, planted({"pe": 0.6, "ee": 0.0, "si": 0.0, "fc": 0.0}, seed=12))).iloc[0]
    assert fit["chi2"] < fit["df"]
    assert fit["cfi"] == 1.0 and fit["tli"] > 1.0 and fit["rmsea"] == 0.0 and fit["rmsea_low"] == 0.0


def test_a_model_with_too_few_complete_cases_is_not_estimable_and_says_why():
    text = "f =~ a + b + c"
    data = pd.DataFrame({"a": [1.0, 2, 3, 4], "b": [2.0, 1, 4, 3], "c": [1.0, 3, 2, None]})
    assert not sem.estimable(text, data)   # 3 complete cases, 3 observed variables
    with pytest.raises(ValueError, match="too few respondents for the model: 3 answered all of its 3 observed variables"):
        sem.fit(text, data)
