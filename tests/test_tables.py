"""Report tables: small cells hidden, Chart 1 grouping, sample tables."""
import pandas as pd

from helpers.disclosure import hide_small
from helpers.present.tables import sample_table, start_year_groups


def test_small_cells_are_hidden_but_zero_is_shown():
    assert hide_small(pd.Series([0, 1, 4, 5, 222]), 5).tolist() == ["0", "[c]", "[c]", "5", "222"]


def test_sample_table_hides_small_cells_and_their_percentages(cb):
    df = pd.DataFrame({"gender": pd.array([1] * 6 + [2] * 5 + [3] * 2, dtype="Int64")})
    table = sample_table(df, "gender", cb, "en", min_cell=5)
    # 13 - 6 would give the 2 away: the next smallest cell (5) is hidden with it
    assert table["n"].tolist() == ["6", "[c]", "[c]", "13"]
    assert table["%"].tolist() == [46.2, "[c]", "[c]", 100.0]
    assert sample_table(df, "gender", cb, "en", min_cell=1)["n"].tolist() == ["6", "5", "2", "13"]


def test_start_year_groups_single_recent_years_and_one_earlier_bar():
    years = [1985, 1999, 2009, 2010, 2015, 2019, 2020, 2024] * 5
    table = start_year_groups(pd.DataFrame({"start_year": years}), after=2019, min_cell=5, lang="en")
    counts = dict(zip(table.iloc[:, 0], table["n"]))
    assert list(counts)[:2] == ["<2010", "2010"] and list(counts)[-1] == "2024"
    assert counts["<2010"] == 15 and counts["2010"] == 5 and counts["2024"] == 5 and counts["2022"] == 0
    assert table["n"].sum() == len(years)


def test_start_year_groups_hide_small_cells_and_a_neighbour():
    table = start_year_groups(pd.DataFrame({"start_year": [2019] * 20 + [2020] * 3 + [2021] * 6}), after=2019, min_cell=5, lang="en")
    counts = dict(zip(table.iloc[:, 0], table["n"]))
    assert pd.isna(counts["2020"]) and pd.isna(counts["2021"]) and counts["2019"] == 20


def test_small_cells_are_one_to_min_cell_minus_one():
    from helpers.disclosure import is_small, without_small
    counts = pd.Series([0, 1, 4, 5])
    assert is_small(counts, 5).tolist() == [False, True, True, False]
    assert without_small(counts, 5).isna().tolist() == [False, True, True, False]
