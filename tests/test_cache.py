"""The cache decision: what re-runs when what changes (content, not file times)."""
import os
import time

import pytest

from helpers.paths import DATA_DIR, HELPERS_DIR, TEMPLATES_DIR
from helpers.runner import cache

NOTEBOOK_TEXT = {"01_cleaning": "clean", "02_usage": "usage", "03_pros_cons": "pros"}


@pytest.fixture
def books(tmp_path):
    paths = []
    for stem, text in NOTEBOOK_TEXT.items():
        path = tmp_path / f"{stem}.ipynb"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    return paths


def keys(books, export="export-a", **options):
    return cache.notebook_keys(books, export, {"lang": "nl", "min_cell": 5, **options})


def test_nothing_changed_nothing_runs(books):
    first = keys(books)
    assert cache.stale(keys(books), first, set(first)) == []


def test_a_changed_analysis_notebook_reruns_only_itself(books):
    first = keys(books)
    books[2].write_text("pros, edited", encoding="utf-8")
    assert cache.stale(keys(books), first, set(first)) == ["03_pros_cons"]


def test_a_changed_export_reruns_everything(books):
    first = keys(books)
    assert cache.stale(keys(books, export="export-b"), first, set(first)) == list(NOTEBOOK_TEXT)


def test_a_changed_cleaning_notebook_or_option_reruns_everything(books):
    first = keys(books)
    assert cache.stale(keys(books, lang="en"), first, set(first)) == list(NOTEBOOK_TEXT)
    books[0].write_text("clean, edited", encoding="utf-8")
    assert cache.stale(keys(books), first, set(first)) == list(NOTEBOOK_TEXT)


def test_a_missing_report_is_rebuilt(books):
    first = keys(books)
    assert cache.stale(keys(books), first, {"01_cleaning", "03_pros_cons"}) == ["02_usage"]


def test_file_times_do_not_matter(books):
    first = keys(books)
    later = time.time() + 3600
    for path in books:
        os.utime(path, (later, later))
    assert keys(books) == first


def test_code_templates_and_data_files_are_inputs():
    inputs = set(cache.code_inputs())
    assert {HELPERS_DIR / "analysis" / "stats.py", TEMPLATES_DIR / "offline" / "index.html.j2",
            DATA_DIR / "population.yaml", DATA_DIR / "context.yaml"} <= inputs
