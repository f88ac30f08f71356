"""Post-stratification checked on an example small enough to compute by hand."""
import pandas as pd
import pytest

from helpers.analysis.weighting import (
    kish_ess,
    load_population,
    poststratify,
    weighted_headline,
    weighted_mean,
    weighted_share,
)

# Six local (1) and four Flemish (2) respondents; the population is 80% local, 20% Flemish.
STRATA = pd.Series([1, 1, 1, 1, 1, 1, 2, 2, 2, 2])
USE = pd.Series([1, 1, 1, 0, 0, 0, 1, 1, 1, 1])     # half the local staff, all the Flemish staff


def test_weights_by_hand():
    w = poststratify(STRATA, {1: 800, 2: 200})
    assert w.iloc[0] == pytest.approx(0.8 / 0.6) and w.iloc[-1] == pytest.approx(0.2 / 0.4)
    assert w.mean() == pytest.approx(1.0)


def test_weighted_share_by_hand():
    """Unweighted 70%; weighted 0.8 x 50% + 0.2 x 100% = 60%."""
    w = poststratify(STRATA, {1: 800, 2: 200})
    assert weighted_share(USE, (1,), w) == pytest.approx(60.0)
    assert weighted_mean(USE, w) == pytest.approx(0.6)


def test_kish_effective_sample_size_by_hand():
    """(6 x 4/3 + 4 x 1/2)^2 / (6 x 16/9 + 4 x 1/4) = 100 / (32/3 + 1) = 8.571..."""
    assert kish_ess(poststratify(STRATA, {1: 800, 2: 200})) == pytest.approx(100 / (32 / 3 + 1))
    assert kish_ess(pd.Series([1.0] * 10)) == pytest.approx(10)


def test_a_stratum_without_population_is_refused():
    with pytest.raises(ValueError, match=r"\[3\]"):
        poststratify(pd.Series([1, 3]), {1: 10, 2: 5})


def test_headline_table_has_both_estimates():
    df = pd.DataFrame({"use": USE, "score": [1.0, 2, 3, 4, 5, 1, 2, 3, 4, 5]})
    table = weighted_headline(df, poststratify(STRATA, {1: 800, 2: 200}), [("use", "use", (1,))], ["score"]).set_index("id")
    assert table.loc["use", "unweighted"] == pytest.approx(70.0) and table.loc["use", "weighted"] == pytest.approx(60.0)


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
    assert pd.isna(weighted_mean(nobody, pd.Series([1.0, 1.0]))) and pd.isna(weighted_share(nobody, (1,), pd.Series([1.0, 1.0])))
    assert pd.isna(kish_ess(pd.Series([], dtype=float)))


def test_headline_of_an_indicator_nobody_answered_is_missing():
    df = pd.DataFrame({"use": pd.array([None, None], dtype="Int64"), "score": pd.array([None, None], dtype="Float64")})
    table = weighted_headline(df, pd.Series([1.0, 1.0]), [("use", "use", (1,))], ["score"])
    assert table[["unweighted", "weighted", "ess"]].astype(float).isna().all(axis=None) and table["n"].tolist() == [0, 0]
