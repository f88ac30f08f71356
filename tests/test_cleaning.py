"""Exclusion rules and the row account, on a hand-made export whose answers are known."""
import pandas as pd

from helpers.prepare.cleaning import account_path, clean, scale_scores


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
