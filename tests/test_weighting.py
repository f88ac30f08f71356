"""Post-stratification checked on an example small enough to compute by hand."""
import numpy as np
import pandas as pd
import pytest
from scipy import stats

from helpers.analysis.weighting import (
    design_wilson,
    kish_ess,
    load_population,
    poststratify,
    strata_table,
    weighted_headline,
    weighted_mean_se,
)

# Six local (1) and four Flemish (2) respondents; the population is 80% local, 20% Flemish.
STRATA = pd.Series([1, 1, 1, 1, 1, 1, 2, 2, 2, 2])
USE = pd.Series([1, 1, 1, 0, 0, 0, 1, 1, 1, 1])     # half the local staff, all the Flemish staff


def test_weights_by_hand():
    w = poststratify(STRATA, {1: 800, 2: 200})
    assert w.iloc[0] == pytest.approx(0.8 / 0.6) and w.iloc[-1] == pytest.approx(0.2 / 0.4)
    assert w.mean() == pytest.approx(1.0)


def test_weighted_share_and_its_standard_error_by_hand():
    """Unweighted 70%; weighted 0.8 x 50% + 0.2 x 100% = 60%. The post-stratified variance (Lohr, 2019,
    4.4) is sum W_h^2 s_h^2 / n_h: local s^2 = 6/5 x 1/4 = 0.3 over 6, Flemish 0: 0.64 x 0.05 = 0.032."""
    w = poststratify(STRATA, {1: 800, 2: 200})
    row = weighted_mean_se(USE, w, STRATA).iloc[0]
    assert row["estimate"] == pytest.approx(0.6) and row["n"] == 10
    assert row["se"] == pytest.approx(np.sqrt(0.8**2 * 0.3 / 6 + 0.2**2 * 0 / 4))
    assert (row["ci_low"], row["ci_high"]) == pytest.approx((0.6 - 1.96 * np.sqrt(0.032), 0.6 + 1.96 * np.sqrt(0.032)))


def test_without_weights_the_standard_error_is_the_simple_random_sample_one():
    """One stratum, weights 1: SE = s / sqrt(n) with s the sample SD (n - 1)."""
    y = pd.Series([1.0, 2, 4, 7, 11])
    row = weighted_mean_se(y, pd.Series(1.0, index=y.index), pd.Series(1, index=y.index)).iloc[0]
    assert row["se"] == pytest.approx(np.std([1, 2, 4, 7, 11], ddof=1) / np.sqrt(5))


def test_a_stratum_without_respondents_is_named_not_dropped():
    table = strata_table(pd.Series([1, 1, 2]), {1: 50, 2: 30, 3: 20}).set_index("stratum")
    assert table["status"].to_dict() == {1: "kept", 2: "kept", 3: "no respondents"}
    assert table.loc[1, "weight"] == pytest.approx((50 / 80) / (2 / 3)) and np.isnan(table.loc[3, "weight"])


def test_kish_effective_sample_size_by_hand():
    """(6 x 4/3 + 4 x 1/2)^2 / (6 x 16/9 + 4 x 1/4) = 100 / (32/3 + 1) = 8.571..."""
    assert kish_ess(poststratify(STRATA, {1: 800, 2: 200})) == pytest.approx(100 / (32 / 3 + 1))
    assert kish_ess(pd.Series([1.0] * 10)) == pytest.approx(10)


def test_a_stratum_without_population_is_refused():
    with pytest.raises(ValueError, match=r"\[3\]"):
        poststratify(pd.Series([1, 3]), {1: 10, 2: 5})


def test_headline_table_has_both_estimates():
    df = pd.DataFrame({"use": USE, "score": [1.0, 2, 3, 4, 5, 1, 2, 3, 4, 5]})
    df["gov_type"] = STRATA
    table = weighted_headline(df, poststratify(STRATA, {1: 800, 2: 200}), [("use", "use", (1,))], ["score"], by="gov_type").set_index("id")
    assert table.loc["use", "unweighted"] == pytest.approx(70.0) and table.loc["use", "weighted"] == pytest.approx(60.0)
    assert table.loc["use", "se"] == pytest.approx(100 * np.sqrt(0.032))


def test_population_margin_is_the_reports():
    assert load_population()["gov_type"]["counts"] == {1: 171333, 2: 29517}


def test_no_weighting_means_weights_of_one():
    from helpers.analysis.weighting import weights
    df = pd.DataFrame({"gov_type": [1, 2, 2]})
    assert weights(df, None).tolist() == [1.0, 1.0, 1.0]
    assert weights(df, "gov_type").mean() == pytest.approx(1.0)


def test_a_stratum_without_population_falls_back_to_unweighted_and_is_named():
    from helpers.analysis.weighting import weights
    from helpers.present.report import weighting_note
    w = weights(pd.DataFrame({"gov_type": [1, 2, 3, 3]}), "gov_type")   # 3 (other government) has no count
    assert w.tolist() == [1.0] * 4 and w.attrs["unweightable"] == [3]
    note = weighting_note(w, "gov_type", "Type of government", "a source", "en").data
    assert note.startswith("Not weighted") and "Other government" in note


def test_weighted_estimates_of_nobody_are_missing_not_an_error():
    nobody = pd.Series([None, None], dtype="Float64")
    estimate = weighted_mean_se(nobody, pd.Series([1.0, 1.0]), pd.Series([1, 2])).iloc[0]
    assert estimate["n"] == 0 and estimate[["estimate", "se", "ci_low", "ci_high"]].isna().all()
    assert pd.isna(kish_ess(pd.Series([], dtype=float)))


def test_headline_of_an_indicator_nobody_answered_is_missing():
    df = pd.DataFrame({"use": pd.array([None, None], dtype="Int64"), "score": pd.array([None, None], dtype="Float64")})
    table = weighted_headline(df, pd.Series([1.0, 1.0]), [("use", "use", (1,))], ["score"])
    assert table[["unweighted", "weighted", "ess"]].astype(float).isna().all(axis=None) and table["n"].tolist() == [0, 0]


def test_design_wilson_is_wilson_at_the_effective_n_by_hand():
    """p = .6 with SE .1 has n* = .24 / .01 = 24; Wilson (1927) at n = 24, z = 1.96:
    (p + z^2/2n +- z sqrt(p(1-p)/n + z^2/4n^2)) / (1 + z^2/n)."""
    z, n, p = stats.norm.ppf(0.975), 24, 0.6
    centre, half = p + z**2 / (2 * n), z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2))
    expected = ((centre - half) / (1 + z**2 / n), (centre + half) / (1 + z**2 / n))
    assert design_wilson(0.6, 0.1, 10) == pytest.approx(expected)
