"""The wave comparison recovers the shifts planted in the synthetic second wave, and finds none where none
was planted."""
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


def test_share_difference_by_hand():
    import pandas as pd
    a, b = pd.Series([1] * 30 + [0] * 70), pd.Series([1] * 45 + [0] * 55)
    row = share_difference(a, b, (1,))
    assert (row["a"], row["b"], row["difference"]) == pytest.approx((30.0, 45.0, 15.0))
    assert row["ci_low"] < 15 < row["ci_high"] and 0.01 < row["p"] < 0.05


def test_mean_difference_matches_welch():
    import pandas as pd
    from scipy import stats
    a, b = pd.Series([1.0, 2, 3, 4, 5]), pd.Series([2.0, 4, 6, 8])
    row = mean_difference(a, b)
    assert row["difference"] == pytest.approx(2.0) and row["p"] == pytest.approx(stats.ttest_ind(b, a, equal_var=False).pvalue)
