"""Report tables: small cells hidden, Chart 1 grouping, sample tables."""
import pandas as pd

from helpers.disclosure import HIDDEN
from helpers.present.tables import (
    ave_note,
    choice_result,
    crosstab_result,
    estimators_result,
    matrix_result,
    start_year_result,
    strata_result,
    ttest_result,
    usage_frequency_result,
)

# 33 respondents: 3 never use it at work (a small cell), 9 in free time
FEW_NEVER = pd.DataFrame({"use_work": [1] * 3 + [2] * 10 + [3] * 8 + [4] * 6 + [5] * 6,
                          "use_free": [1] * 9 + [2] * 4 + [3] * 7 + [4] * 7 + [5] * 6})


def test_a_choice_tables_result_hides_small_cells_and_their_percentages(cb):
    df = pd.DataFrame({"learn_location": pd.array([1] * 6 + [2] * 5 + [3] * 2, dtype="Int64")})
    result = choice_result(df, "learn_location", cb, "en", min_cell=5)
    # 13 - 6 would give the 2 away: the next smallest cell (5) is hidden with it
    assert result.printed("en")["n"].tolist() == ["6", "[c]", "[c]", "13"]
    assert result.printed("en")["%"].tolist() == ["46.2", "[c]", "[c]", "100.0"]
    frame = result.frame   # the numbers: codes, floats, hidden values NaN with their flag
    assert frame["code"].tolist() == [1.0, 2.0, 3.0] and frame["base"].tolist() == [13.0] * 3
    assert frame["n"].tolist()[0] == 6.0 and frame["n"].isna().tolist() == [False, True, True]
    assert frame["hidden_n"].tolist() == [False, True, True] and frame["hidden_percent"].tolist() == [False, True, True]
    assert choice_result(df, "learn_location", cb, "en", min_cell=1).printed("en")["n"].tolist() == ["6", "5", "2", "13"]


def test_a_table_the_report_prints_keeps_its_published_figures_shown_where_the_rule_allows(cb):
    """Table 1 (gender): the report publishes every answer's n and %; with 'prefer not to say' small, the cell hidden
    with it is the largest of the equally published (it hides the small one in the widest range), so the share of
    men the report quotes stays checkable, as on the synthetic default (222, 254, 2) and in Table 2 (4, 41, 433)."""
    for name, counts, shown in (("gender", [222, 254, 2], ["222", "[c]", "[c]"]), ("education_level", [4, 41, 433], ["[c]", "41", "[c]"])):
        df = pd.DataFrame({name: pd.array([code for code, n in enumerate(counts, start=1) for _ in range(n)], dtype="Int64")})
        assert choice_result(df, name, cb, "en", min_cell=5).printed("en")["n"].tolist()[:3] == shown


def test_start_year_groups_single_recent_years_and_one_earlier_bar():
    years = [1985, 1999, 2009, 2010, 2015, 2019, 2020, 2024] * 5
    table = start_year_result(pd.DataFrame({"start_year": years}), after=2019, min_cell=5).frame
    counts = dict(zip(table["year"], table["n"]))
    assert list(counts)[:2] == ["<2010", "2010"] and list(counts)[-1] == "2024"
    assert counts["<2010"] == 15 and counts["2010"] == 5 and counts["2024"] == 5 and counts["2022"] == 0
    assert table["n"].sum() == len(years)


def test_start_year_groups_hide_small_cells_and_a_neighbour():
    table = start_year_result(pd.DataFrame({"start_year": [2019] * 20 + [2020] * 3 + [2021] * 6}), after=2019, min_cell=5).frame
    counts = dict(zip(table["year"], table["n"]))
    assert pd.isna(counts["2020"]) and pd.isna(counts["2021"]) and counts["2019"] == 20


def test_small_cells_are_one_to_min_cell_minus_one():
    from helpers.disclosure import is_small, without_small
    counts = pd.Series([0, 1, 4, 5])
    assert is_small(counts, 5).tolist() == [False, True, True, False]
    assert without_small(counts, 5).isna().tolist() == [False, True, True, False]


def test_a_choice_tables_total_is_computed_from_the_rows(cb):
    """Three answers and one missing: the total n counts all four rows, the % total is that of the answered rows;
    the percentages' base is the three who answered."""
    df = pd.DataFrame({"gender": pd.array([1, 1, 2, None], dtype="Int64")})
    result = choice_result(df, "gender", cb, "en", min_cell=1)
    assert result.printed("en")["n"].iloc[-1] == "4" and result.printed("en")["%"].iloc[-1] == "100.0"
    assert result.frame["base"].iloc[0] == 3 and result.frame["percent"].iloc[0] == 200 / 3


def test_estimators_table_puts_estimators_side_by_side(cb):
    comparison = pd.DataFrame({
        "estimator": ["ML", "DWLS"], "missing": ["fiml", "listwise"], "n": [478, 414], "chi2": [68.3, 60.7], "df": [80, 80],
        "p": [0.82, 0.95], "scaling": [float("nan"), float("nan")], "cfi": [1.0, 1.0], "tli": [1.004, 1.002],
        "rmsea": [0.0, 0.0], "rmsea_low": [0.0, 0.0], "rmsea_high": [0.016, 0.004], "srmr": [0.018, 0.022],
        "beta bi~pe": [0.602, 0.619], "p bi~pe": [0.0000001, 0.0000002]})
    table = estimators_result(comparison, cb, "en").printed("en").set_index("Statistic")
    assert list(table.columns) == ["ML, missing answers by FIML (the report's model)",
                                   "DWLS on polychoric correlations (ordinal, WLSMV), complete answers"]
    assert table.loc["N"].tolist() == ["478", "414"]
    assert table.loc[f"β {cb.text('bi', 'en')} ← {cb.text('pe', 'en')}"].tolist() == ["0.602 (< .001)", "0.619 (< .001)"]


def test_htmt_table_marks_values_above_the_threshold(cb):
    matrix = pd.DataFrame([[None, None], [0.9, None]], index=["pe", "ee"], columns=["pe", "ee"], dtype=float)
    table = matrix_result(matrix, "htmt", cb, "en", flag_above=0.85).printed("en")
    assert table.iloc[1, 1] == "0.900 !" and table.iloc[0, 1] == ""


def test_ttest_table_shows_raw_and_holm_p_with_the_family_named(cb):
    res = pd.DataFrame({"a": ["pro_time_saving"], "b": ["pro_data"], "n": [415], "mean_a": [4.3], "mean_b": [3.7],
                        "t": [12.1], "dof": [414], "p": [0.02], "p_holm": [0.04], "d_z": [0.594]})
    result = ttest_result(res, "pros", cb, "en")
    table = result.printed("en")
    assert table["p (unadjusted; a robustness check)"].tolist() == [".020"]
    assert table["p (Holm, family of 1 tests; criterion: p < .001)"].tolist() == [".040"]   # the family's standard: Holm
    assert result.frame[["p", "p_holm", "d_z"]].iloc[0].tolist() == [0.02, 0.04, 0.594]   # numbers, not their print


def test_strata_display_names_a_stratum_without_respondents(cb):
    from helpers.analysis.weighting import strata_table
    table = strata_result(strata_table(pd.Series([1, 1, 1]), {1: 80, 2: 20}), cb, "gov_type", "en", min_cell=1).printed("en")
    assert table["Status"].tolist() == ["kept", "no respondents: its population share goes to the other strata"]
    assert table["% Population"].tolist() == ["80.0", "20.0"] and table["n"].tolist() == ["3", "0"]


def test_ave_note_names_the_weak_factors_only(cb):
    rel = pd.DataFrame({"factor": ["pe", "si"], "cr": [0.9, 0.7], "ave": [0.7, 0.45], "ave_below_50": [False, True]})
    assert cb.in_sentence("si", "en") in ave_note(rel, cb, "en") and cb.in_sentence("pe", "en") not in ave_note(rel, cb, "en")
    assert ave_note(rel.iloc[:1], cb, "en") == ""


def test_crosstab_counts_are_the_planted_pairs_under_the_codebooks_labels(cb):
    """Every category in codebook order (an empty one too), each pair counted; a respondent without both answers is not."""
    planted = {(1, 1): 7, (1, 2): 2, (2, 2): 5, (4, 5): 3, (5, 4): 1, (5, 5): 9}
    pairs = [pair for pair, n in planted.items() for _ in range(n)] + [(3, None), (None, 2)]
    df = pd.DataFrame(pairs, columns=["use_work", "use_free"]).astype("Int64")
    for lang in ("nl", "en"):
        result = crosstab_result(df, "use_work", "use_free", cb, lang, min_cell=1)
        rows, columns = cb.labels("use_work", lang), cb.labels("use_free", lang)
        assert result.printed(lang).columns.tolist() == [cb.text("use_work", lang), *columns.values(), "Totaal" if lang == "nl" else "Total"]
        assert result.printed(lang).iloc[:-1, 0].tolist() == list(rows.values())
        cells = result.frame.iloc[:-1][[f"use_free_{c}" for c in columns]]
        assert cells.to_numpy().tolist() == [[planted.get((r, c), 0) for c in columns] for r in rows]
        assert result.frame["total"].iloc[-1] == sum(planted.values()) and result.frame["code"].iloc[-1] == "total"


def test_a_hidden_never_count_hides_the_users_base_too(cb):
    """All (33) minus users (30) would give the 3 never-users away: at work the users' base and every share
    of users (8 of them at 26.7% gives 30 back) are hidden; in free time, 9 never-users, they are shown."""
    result = usage_frequency_result(FEW_NEVER, cb, "en", min_cell=5)
    table = result.printed("en")
    work, free = ([c for c in table.columns if c.startswith(context)] for context in ("Work", "Free"))
    assert table.loc[0, work[0]] == HIDDEN
    assert "(N=33)" in work[1] and "(N=[c])" in work[2] and not any("(N=30)" in c for c in table.columns)
    assert (table[work[2]] == HIDDEN).all()
    assert "(N=24)" in free[2] and (table[free[2]] != HIDDEN).any()
    at_work = result.frame[result.frame["context"] == "work"]
    assert at_work["base_users"].isna().all() and at_work["percent_users"].isna().all() and at_work["hidden_base_users"].all()
