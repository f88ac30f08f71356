"""Saved artefacts: a table's CSV copy never carries a cell a spreadsheet would run as a formula."""
import csv

import pandas as pd

from helpers.present.report import keep_frame

FORMULAS = ['=HYPERLINK("http://x","y")', "+cmd|' /C calc'!A0", "-2+3", "@SUM(A1:A2)", "\tTAB", "\rCR"]


def test_a_csv_cell_that_starts_like_a_formula_is_quoted_with_an_apostrophe(tmp_path):
    table = pd.DataFrame({"=label": FORMULAS, "n": range(len(FORMULAS))})
    keep_frame(table, "t", tmp_path)
    with open(tmp_path / "t.csv", newline="", encoding="utf-8") as f:
        header, *rows = list(csv.reader(f))
    assert header == ["'=label", "n"]
    assert [r[0] for r in rows] == [f"'{v}" for v in FORMULAS]
    assert table["=label"].iloc[0] == FORMULAS[0]   # the table the notebook shows is unchanged


def test_numbers_and_ordinary_text_stay_as_they_are(tmp_path):
    table = pd.DataFrame({"label": ["Man", "a = b", "-0.5", "<5"], "difference": [-1.5, 0.0, 2.25, -3.0]})
    keep_frame(table, "t", tmp_path)
    back = pd.read_csv(tmp_path / "t.csv", keep_default_na=False)
    assert back["label"].tolist() == ["Man", "a = b", "-0.5", "<5"]
    assert back["difference"].tolist() == [-1.5, 0.0, 2.25, -3.0] and back["difference"].dtype == float
