"""Published-versus-reproduced tables: verdicts by tolerance, unknown figures refused, small cells hidden."""
import pytest

from helpers.present.published import TOLERANCE, compare, load_published


def test_every_published_figure_has_a_tolerance_and_both_languages():
    table = load_published()
    assert table["tolerance"].notna().all()
    assert table[["nl", "en"]].notna().all().all()
    assert set(table["kind"]) <= set(TOLERANCE)


def test_verdict_follows_the_tolerance():
    table = compare({"sample.start_after_2019": 58.6, "sample.age.mean": 42.7, "sample.respondents": 478}, lang="en")
    assert table["Within tolerance"].tolist() == ["yes", "no", "yes"]      # 1.9 points; 0.6 years; exact
    assert table["Difference"].tolist() == [1.9, 0.6, 0.0]
    assert table["Reproduced"].tolist() == ["58.6", "42.70", "478"]


def test_a_figure_not_published_is_refused():
    with pytest.raises(KeyError, match="sample.typo"):
        compare({"sample.typo": 1.0})


def test_hidden_figures_keep_their_verdict_but_not_their_value():
    table = compare({"sample.gender.not_said_n": 2}, lang="en", hidden={"sample.gender.not_said_n"})
    assert table["Reproduced"].tolist() == ["·"] and table["Difference"].isna().all()
    assert table["Within tolerance"].tolist() == ["yes"]


def test_claims_are_judged_as_claims():
    table = compare({"usage.chi2.p": 0.0004, "usage.spearman.p": 0.02, "pros.answering.share": 71.0,
                     "tasks.summarise.often": 30.0}, lang="en")
    assert table["Within tolerance"].tolist() == ["yes", "no", "yes", "no"]
    assert table["Published"].tolist() == ["p < .001", "p < .001", "> 70", "> 33.3"]
    assert table["Reproduced"].tolist()[:2] == ["p < .001", "p = .020"]
