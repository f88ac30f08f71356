"""The wave comparison recovers the shifts planted in the synthetic second wave, and finds none where none
was planted."""
import pandas as pd
import pytest

from helpers.analysis.waves import compare_waves, mean_difference, share_difference
from helpers.paths import SYNTHETIC_PARAMS_DIR
from helpers.prepare.cleaning import clean
from helpers.synth import generate, load_params


@pytest.fixture(scope="module")
def comparison(cb, params):
    wave2 = load_params(SYNTHETIC_PARAMS_DIR / "wave2.yaml")
    first, second = clean(generate(params, cb=cb), cb).data, clean(generate(wave2, cb=cb), cb).data
    return compare_waves(first, second).set_index("id"), params, wave2


def planted_mean(params, items):
    return sum(params["likert"][i]["mean"] for i in items) / len(items)


def test_planted_share_shifts_are_recovered(comparison):
    table, base, wave2 = comparison
    counts = base["usage"]["use_work"]["counts"]   # the base gives counts, the second wave shares
    base_weekly = 100 * (counts[4] + counts[5]) / sum(counts.values())
    wave2_weekly = sum(wave2["usage"]["use_work"]["shares"][code] for code in (4, 5))
    assert table.loc["use_work_weekly", "difference"] == pytest.approx(wave2_weekly - base_weekly, abs=0.3)
    chatgpt = [p["usage"]["system_work"]["shares"]["chatgpt"] for p in (base, wave2)]
    assert table.loc["system_chatgpt", "difference"] == pytest.approx(chatgpt[1] - chatgpt[0], abs=0.3)
    assert table.loc["use_work_weekly", "p"] < 0.01


@pytest.mark.parametrize("scale, items", [("pe", ["pe_1", "pe_2", "pe_3"]), ("si", ["si_1", "si_2", "si_3"]),
                                          ("lit_tech", [f"lit_tech_{i}" for i in range(1, 7)])])
def test_planted_mean_shifts_are_recovered(comparison, scale, items):
    table, base, wave2 = comparison
    planted = planted_mean(wave2, items) - planted_mean(base, items)
    row = table.loc[scale]
    assert row["difference"] == pytest.approx(planted, abs=0.04)
    assert row["ci_low"] < planted < row["ci_high"] and row["p"] < 0.001


@pytest.mark.parametrize("indicator", ["ee", "fc", "support_inspiration", "lit_crit"])
def test_no_shift_where_none_was_planted(comparison, indicator):
    row = comparison[0].loc[indicator]
    assert abs(row["difference"]) < 0.05 and row["p"] > 0.05


def test_share_difference_matches_the_published_score_interval_and_test():
    """Fagerland, Lydersen & Laake (2015, Stat Methods Med Res 24:224), example 7/34 vs 1/34: the
    Miettinen-Nurminen score interval for the difference, printed 0.028 to 0.34 (R PropCIs::diffscoreci:
    0.0270 to 0.3453). The score test is Pearson's chi-square without continuity correction times
    (N - 1) / N (Miettinen & Nurminen, 1985): scipy's contingency chi-square, rescaled."""
    from scipy.stats import chi2, chi2_contingency
    first, second = pd.Series([1] * 1 + [0] * 33), pd.Series([1] * 7 + [0] * 27)
    row = share_difference(first, second, (1,))
    assert row["difference"] == pytest.approx(100 * 6 / 34)
    assert (round(row["ci_low"] / 100, 2), round(row["ci_high"] / 100, 2)) == (0.03, 0.34)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((2.70, 34.53), abs=0.2)
    pearson = chi2_contingency([[7, 27], [1, 33]], correction=False).statistic
    assert row["p"] == pytest.approx(chi2.sf(pearson * 67 / 68, 1))


def test_mean_difference_matches_r_welch_on_the_sleep_data():
    """R: t.test(extra ~ group, data = sleep): t = -1.8608, df = 17.776, p = 0.07939, 95% CI of
    group 1 minus group 2 [-3.3654832, 0.2054832] (Student's sleep data, 1908)."""
    g1 = pd.Series([0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0])
    g2 = pd.Series([1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4])
    row = mean_difference(g1, g2)
    assert row["difference"] == pytest.approx(1.58)
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((-0.2054832, 3.3654832), abs=1e-6)
    assert row["p"] == pytest.approx(0.07939, abs=5e-6)


def test_the_family_carries_benjamini_hochberg_adjusted_p(comparison):
    table = comparison[0]
    assert (table["p_adj"] >= table["p"]).all() and table["family"].nunique() == 1
    assert table.loc["use_work_weekly", "p_adj"] < 0.05 and table.loc["ee", "p_adj"] > 0.05
