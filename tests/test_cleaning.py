"""Exclusion rules and the row account, on a hand-made export whose answers are known."""
import pandas as pd
import pytest

from helpers.ingest.codebook import load_codebook
from helpers.ingest.io import FINISHED, ExportError
from helpers.paths import CODEBOOK
from helpers.prepare.cleaning import account_path, age_groups, clean, scale_scores
from helpers.present.tables import account_result


def tiny_export(cb) -> pd.DataFrame:
    """Seven respondents: one per exclusion rule, one failing two rules, three kept."""
    rows = pd.DataFrame({
        "respondent_id": ["a", "b", "c", "d", "e", "f", "g"],
        "consent":       [2, 1, 1, 1, 1, 1, 1],
        "control":       [None, 4, 2, 2, 2, 2, 5],
        "duration_s":    [20.0, 900.0, 100.0, 800.0, 1000.0, 700.0, 50.0],
        "education":     [None, 6, 6, 6, 4, 2, 6],
    })
    return cb.typed(rows.reindex(columns=cb.names))


def test_each_row_is_excluded_by_its_first_failing_rule(cb):
    result = clean(tiny_export(cb), cb, speeder_share_of_median=0.4)
    # median of the six consenting durations: (700 + 800) / 2 = 750, threshold 300 s
    assert result.speeder_threshold_s == 300.0
    assert result.account["status"].tolist() == [
        "excluded: no_consent", "excluded: control_failed", "excluded: too_fast",
        "kept", "kept", "kept", "excluded: control_failed"]   # g is also too fast: the first rule counts
    assert result.flow[["rule", "excluded", "remaining"]].values.tolist() == [
        ["", 0, 7], ["no_consent", 1, 6], ["control_failed", 2, 4], ["too_fast", 1, 3]]
    assert result.data["respondent_id"].tolist() == ["d", "e", "f"]


def test_account_covers_every_input_row(cb, export):
    result = clean(export, cb)
    assert result.account["row"].tolist() == list(range(1, len(export) + 1))
    assert result.account["respondent_id"].tolist() == export["respondent_id"].tolist()
    assert (result.account["status"] == "kept").sum() == len(result.data)


def test_education_levels_follow_the_report_grouping(cb):
    data = clean(tiny_export(cb), cb).data
    assert data["education_level"].tolist() == [3, 2, 1]   # master, upper secondary, primary


def test_scale_score_needs_the_minimum_number_of_answers(cb):
    items = cb.scale_items("lit_eth")   # three items, min_answered 2
    df = pd.DataFrame({i: pd.array(v, dtype="Int64") for i, v in zip(items, ([1, 5, None], [2, None, None], [3, 4, 4]))})
    scores = scale_scores(df.reindex(columns=[c for s in cb.scales for c in cb.scale_items(s)]), cb)["lit_eth"]
    assert scores.tolist()[:2] == [2.0, 4.5] and pd.isna(scores.iloc[2])


def test_row_account_sits_beside_the_processed_data(tmp_path):
    assert account_path(tmp_path / "survey.parquet") == tmp_path / "survey.row_account.parquet"


def test_a_missing_duration_is_unknown_not_a_speeder_and_is_counted(cb):
    df = tiny_export(cb)
    df.loc[4, "duration_s"] = pd.NA   # e: consenting, right control answer, duration unknown
    result = clean(df, cb, speeder_share_of_median=0.4)
    assert result.account.loc[4, "status"] == "kept" and "duration_unknown" in result.account.loc[4, "note"]
    table = account_result(result, "en", min_cell=1).printed("en")   # every count shown: the account itself is checked
    counts = dict(zip(table["Status"], table["Rows"]))
    assert counts["of which kept with unknown completion time (speeder rule not applied)"] == "1"
    assert counts["Total"] == "7" and counts["kept"] == "3"


def test_rows_without_a_group_are_counted_in_the_account(cb):
    result = clean(tiny_export(cb), cb)   # no ages at all; f has primary education, every kept row a degree
    assert result.account.loc[result.account["status"] == "kept", "note"].tolist() == ["no_age_group"] * 3
    assert (result.account.loc[result.account["status"] != "kept", "note"] == "").all()


def test_age_groups_span_the_codebooks_ages(cb, tmp_path):
    ages = pd.Series([16, 30, 31, 64, 65, 75, None], dtype="Int64")
    assert age_groups(ages, cb).astype(object).tolist()[:6] == ["16-30", "16-30", "31-40", "51-64", "65-75", "65-75"]
    assert pd.isna(age_groups(ages, cb).iloc[6])
    text = CODEBOOK.read_text(encoding="utf-8").replace("    min: 16\n    max: 75\n", "    min: 18\n    max: 70\n", 1)
    (tmp_path / "codebook.yaml").write_text(text, encoding="utf-8")
    other = load_codebook(tmp_path / "codebook.yaml")
    assert list(age_groups(ages, other).cat.categories) == ["18-30", "31-40", "41-50", "51-64", "65-70"]


def test_nobody_left_is_refused_with_the_row_account(cb):
    df = tiny_export(cb)
    df["consent"] = pd.array([2, 2, 2, 1, 1, 1, 1], dtype="Int64")
    df["control"] = pd.array([None, None, None, 4, 4, 2, 2], dtype="Int64")   # f and g: too fast (100 s, 50 s)
    df.loc[[5, 6], "duration_s"] = [100.0, 50.0]
    df.attrs["provenance"] = {"file": "export.csv"}
    with pytest.raises(ExportError, match=r"^export\.csv: nobody is left after cleaning: 7 rows read; excluded by rule: "
                                          r"no_consent 3, control_failed 2, too_fast 2; kept 0$"):
        clean(df, cb)


def test_an_export_where_everybody_declined_consent_is_refused_with_the_counts(cb):
    df = tiny_export(cb)
    df["consent"] = pd.array([2] * 7, dtype="Int64")   # nobody consented: no median duration to judge speeders by
    df.attrs["provenance"] = {"file": "export.csv"}
    with pytest.raises(ExportError, match=r"^export\.csv: nobody is left after cleaning: 7 rows read; excluded by rule: "
                                          r"no_consent 7, control_failed 0, too_fast 0; kept 0$"):
        clean(df, cb)


def test_a_response_the_survey_tool_closed_unfinished_is_excluded_first_and_counted(cb):
    df = tiny_export(cb)
    df[FINISHED] = [True, True, True, False, True, True, False]   # d would be kept; g also fails the control question
    result = clean(df, cb, speeder_share_of_median=0.4)
    assert result.account["status"].tolist() == [
        "excluded: no_consent", "excluded: control_failed", "excluded: too_fast",
        "excluded: unfinished", "kept", "kept", "excluded: unfinished"]
    assert result.flow[["rule", "excluded", "remaining"]].values.tolist() == [
        ["", 0, 7], ["unfinished", 2, 5], ["no_consent", 1, 4], ["control_failed", 1, 3], ["too_fast", 1, 2]]
    assert FINISHED not in result.data
    counts = dict(zip(*account_result(result, "en", min_cell=1).printed("en").iloc[:, :2].T.to_numpy()))
    assert counts["excluded: Not finished (closed by the survey tool)"] == "2" and counts["Total"] == "7"
    without = account_result(clean(tiny_export(cb), cb), "en", min_cell=1).printed("en")
    assert not without.iloc[:, 0].str.contains("Not finished").any()   # an export that does not say: no such rule

