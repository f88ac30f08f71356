"""The downloads beside every table, as their readers open them: NAME.csv (the block's result frame, for
pandas and R) and NAME.xlsx (the page's table with numeric cells, and an 'about' sheet)."""
from __future__ import annotations

from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from helpers.chapter import Intention, ProsCons, Usage
from helpers.disclosure import HIDDEN
from helpers.ingest.io import save_processed
from helpers.prepare.cleaning import clean
from helpers.present.text import parse, t


@pytest.fixture(scope="module")
def processed(tmp_path_factory, export, cb) -> Path:
    return save_processed(clean(export, cb).data, tmp_path_factory.mktemp("processed") / "survey.parquet")


def shown(chapter, calls: list[str]):
    for call in calls:
        eval(f"chapter.{call}", {"chapter": chapter})
    return chapter


@pytest.fixture(scope="module")
def chapters(processed, tmp_path_factory):
    """Chapters 02, 03 and 05 with their blocks shown, each keeping its downloads in a folder of its own."""
    folder = tmp_path_factory.mktemp("files")
    return [
        shown(Usage(processed, lang="nl", artifacts=folder / "02"), ["frequency()", "groups()", "chart()", "shares('system', 'systems_title', top=6)",
                                                                     "paired_comparison('use_work', 'use_free', 'usage_tests_title')", "published()"]),
        shown(ProsCons(processed, lang="en", artifacts=folder / "03"), ["likert('pro')", "paired_tests('pros')", "likert('task', 'tasks_title')"]),
        shown(Intention(processed, lang="nl", artifacts=folder / "05"), ["scales('utaut')", "measurement_model()", "structural_model()"]),
    ]


def test_every_csv_reads_with_pandas_defaults_into_its_blocks_result_frame(chapters):
    compared = 0
    for chapter in chapters:
        for name, frame in chapter.results.items():
            pd.testing.assert_frame_equal(pd.read_csv(Path(chapter.artifacts) / f"{name}.csv"), frame, check_exact=True)
            compared += 1
    assert compared >= 15


def test_a_hidden_value_is_empty_in_the_csv_and_flagged(chapters):
    frame = pd.read_csv(Path(chapters[0].artifacts) / "use_work_by_use_free.csv")
    flags = [c for c in frame if c.startswith("hidden_")]
    assert flags and all(frame[c].dtype == bool for c in flags)
    assert any(frame[c].any() for c in flags)   # the default's cross-table hides cells
    for flag in flags:
        assert frame.loc[frame[flag], flag.removeprefix("hidden_")].isna().all()
    assert not (frame.astype(str) == HIDDEN).any().any()


def workbook_cells(path: Path) -> tuple[list[list], dict[str, str]]:
    book = openpyxl.load_workbook(path)
    table, about = book.worksheets
    return [[c.value for c in row] for row in table.iter_rows()], {r[0].value: r[1].value for r in about.iter_rows()}


def test_every_xlsx_is_the_pages_table_with_numeric_cells_and_says_what_it_is(chapters):
    for chapter in chapters:
        for name in chapter.results:
            if not (Path(chapter.artifacts) / f"{name}.xlsx").exists():
                continue   # a chart's numbers: CSV only
            rows, about = workbook_cells(Path(chapter.artifacts) / f"{name}.xlsx")
            lang = chapter.lang
            assert about[t("about_mark", lang)] == t("small_cell_note", lang, min_cell=chapter.min_cell)
            assert t("chart_data_synthetic", lang) == about[t("about_data", lang)] and name in about[t("about_numbers", lang)]
            for row in rows[1:]:
                for value in row:
                    assert not (isinstance(value, str) and parse(value, lang) is not None), (name, value)   # no number as text
    rows, about = workbook_cells(Path(chapters[0].artifacts) / "usage_frequency.xlsx")
    assert rows[1][1] == 63 and isinstance(rows[1][2], float) and about[t("about_base", "nl")] == t("about_base_rows", "nl")


def test_the_workbook_of_a_table_with_a_hidden_cell_shows_the_mark_as_text(chapters):
    rows, _ = workbook_cells(Path(chapters[0].artifacts) / "use_work_by_use_free.xlsx")
    assert HIDDEN in [v for row in rows for v in row] and any(isinstance(v, int) for row in rows[1:] for v in row)


def test_a_runs_downloads_are_all_there_and_readable(rendered):
    """Every table of a rendered run (02, both languages) has its CSV and its workbook; each CSV reads with
    pandas' defaults and holds no mark, each workbook has its two sheets."""
    for run in ("synthetic_default", "synthetic_default_en"):
        files = rendered / run / "02_usage_files"
        csvs, books = {p.stem for p in files.glob("*.csv")}, {p.stem for p in files.glob("*.xlsx")}
        assert books and books <= csvs
        for stem in csvs:
            frame = pd.read_csv(files / f"{stem}.csv")
            assert not (frame.astype(str) == HIDDEN).any().any(), stem
        for stem in books:
            assert len(openpyxl.load_workbook(files / f"{stem}.xlsx").worksheets) == 2
