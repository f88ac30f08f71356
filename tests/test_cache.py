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


def keys(books, export="export-a", processed="processed-a", **options):
    return cache.notebook_keys(books, cache.shared_key(export, {"lang": "nl", "min_cell": 5, **options}), processed)


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


def test_changed_processed_data_changes_every_analysis_key_and_not_the_cleaning_key(books):
    first, other = keys(books), keys(books, processed="processed-b")
    assert [stem for stem in first if first[stem] != other[stem]] == ["02_usage", "03_pros_cons"]


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


def test_outputs_are_recorded_with_their_hashes_and_checked(tmp_path):
    (tmp_path / "02_usage_files").mkdir()
    for name in ("02_usage.html", "02_usage.full.html", "02_usage_files/chart.svg", "03_pros_cons.html"):
        (tmp_path / name).write_text(name, encoding="utf-8")
    recorded = cache.outputs_of(tmp_path, "02_usage")
    assert set(recorded) == {"02_usage.html", "02_usage.full.html", "02_usage_files/chart.svg"}
    assert cache.intact(tmp_path, recorded)
    (tmp_path / "02_usage_files" / "chart.svg").write_text("changed", encoding="utf-8")
    assert not cache.intact(tmp_path, recorded)
    (tmp_path / "02_usage_files" / "chart.svg").unlink()
    assert not cache.intact(tmp_path, recorded) and not cache.intact(tmp_path, {})


def test_a_folder_hash_ignores_where_the_folder_is(tmp_path):
    for folder in ("staging/data", "data"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "run.parquet").write_bytes(b"rows")
    assert cache.folder_hash(tmp_path / "staging" / "data") == cache.folder_hash(tmp_path / "data") != ""
    assert cache.folder_hash(tmp_path / "missing") == ""
