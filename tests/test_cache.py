"""The cache decision: what re-runs when what changes (content, not file times)."""
import os
import time

import nbformat
import pytest

from helpers.paths import DATA_DIR, HELPERS_DIR, TEMPLATES_DIR
from helpers.runner import cache

NOTEBOOK_TEXT = {"01_cleaning": "clean", "02_usage": "usage", "03_pros_cons": "pros", "00_key_findings": "key",
                 "05_intent_sem": "model", "10_conclusion": "conclusion"}
ANALYSIS = [stem for stem in NOTEBOOK_TEXT if stem != "01_cleaning"]


def notebook(source: str) -> nbformat.NotebookNode:
    """A notebook as committed: a title and one tagged code cell."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": "genai-survey", "display_name": "Python (genai-survey)",
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_markdown_cell("# Title", id="title", metadata={"tags": ["lang-nl"]}),
                nbformat.v4.new_code_cell(source, id="code", metadata={"tags": ["remove-input"]})]
    return nb


def write(path, nb) -> None:
    path.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


@pytest.fixture
def books(tmp_path):
    paths = []
    for stem, text in NOTEBOOK_TEXT.items():
        path = tmp_path / f"{stem}.ipynb"
        write(path, notebook(text))
        paths.append(path)
    return paths


def keys(books, export="export-a", processed="processed-a", fits="fits-a", **options):
    return cache.notebook_keys(books, cache.shared_key(export, {"lang": "nl", "min_cell": 5, **options}), processed, fits)


def test_nothing_changed_nothing_runs(books):
    first = keys(books)
    assert cache.stale(keys(books), first, set(first)) == []


def test_a_changed_analysis_notebook_reruns_only_itself(books):
    first = keys(books)
    write(books[2], notebook("pros, edited"))
    assert cache.stale(keys(books), first, set(first)) == ["03_pros_cons"]


def test_a_changed_export_reruns_everything(books):
    first = keys(books)
    assert cache.stale(keys(books, export="export-b"), first, set(first)) == list(NOTEBOOK_TEXT)


def test_changed_processed_data_changes_every_analysis_key_and_not_the_cleaning_key(books):
    first, other = keys(books), keys(books, processed="processed-b")
    assert [stem for stem in first if first[stem] != other[stem]] == ANALYSIS


def test_the_models_fits_are_in_the_summaries_keys_and_in_no_other(books):
    first, other = keys(books), keys(books, fits="fits-b")
    assert [stem for stem in first if first[stem] != other[stem]] == ["00_key_findings", "10_conclusion"]


def test_when_the_model_runs_the_summaries_run_too(books):
    """They read the fits it writes anew; with its report missing as with its notebook edited."""
    first = keys(books)
    assert cache.stale(keys(books), first, set(first) - {"05_intent_sem"}) == ["00_key_findings", "05_intent_sem", "10_conclusion"]
    write(books[4], notebook("model, edited"))
    assert cache.stale(keys(books), first, set(first)) == ["00_key_findings", "05_intent_sem", "10_conclusion"]
    write(books[4], notebook("model"))
    write(books[3], notebook("key, edited"))
    assert cache.stale(keys(books), first, set(first)) == ["00_key_findings"]   # not the other way round


def test_a_changed_cleaning_notebook_or_option_reruns_everything(books):
    first = keys(books)
    assert cache.stale(keys(books, lang="en"), first, set(first)) == list(NOTEBOOK_TEXT)
    write(books[0], notebook("clean, edited"))
    assert cache.stale(keys(books), first, set(first)) == list(NOTEBOOK_TEXT)


def test_a_missing_report_is_rebuilt(books):
    first = keys(books)
    assert cache.stale(keys(books), first, set(first) - {"02_usage"}) == ["02_usage"]


def ran_and_saved(nb: nbformat.NotebookNode) -> None:
    """What running every cell and saving in JupyterLab adds: outputs, counts, the kernel's language info, view state."""
    nb.metadata.language_info = {"name": "python", "version": "3.11.7", "codemirror_mode": {"name": "ipython", "version": 3}}
    nb.cells[1].update(execution_count=1, outputs=[nbformat.v4.new_output("execute_result", {"text/plain": "1"}, execution_count=1)])
    nb.cells[1].metadata.update(scrolled=True, execution={"iopub.status.idle": "2026-12-01T10:00:00Z"})
    nb.cells[0].metadata.jupyter = {"source_hidden": True}


def test_a_notebook_run_and_saved_in_jupyterlab_keeps_its_key(books):
    first = keys(books)
    nb = nbformat.read(books[2], as_version=4)
    ran_and_saved(nb)
    nbformat.write(nb, books[2])
    assert cache.stale(keys(books), first, set(first)) == []


EDITS = {
    "a cell's source": lambda nb: nb.cells[1].update(source="pros = 2"),
    "a cell's tags": lambda nb: nb.cells[1].metadata.update(tags=[]),
    "a cell's type": lambda nb: nb.cells.__setitem__(0, nbformat.v4.new_raw_cell("# Title", id="title", metadata={"tags": ["lang-nl"]})),
    "a cell's id": lambda nb: nb.cells[0].update(id="heading"),
    "a cell's attachment": lambda nb: nb.cells[0].update(attachments={"a.png": {"image/png": "iVBORw0KGgo="}}),
    "a cell more": lambda nb: nb.cells.append(nbformat.v4.new_code_cell("", id="empty")),
    "the kernel": lambda nb: nb.metadata.kernelspec.update(name="python3"),
}


@pytest.mark.parametrize("edit", EDITS)
def test_an_edit_that_changes_the_page_changes_the_key(books, edit):
    first = keys(books)
    nb = nbformat.read(books[2], as_version=4)
    EDITS[edit](nb)
    nbformat.write(nb, books[2])
    assert cache.stale(keys(books), first, set(first)) == ["03_pros_cons"]


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


def test_the_processed_hash_ignores_where_the_folder_is_and_the_models_fits(tmp_path):
    for folder in ("staging/data", "data"):
        (tmp_path / folder).mkdir(parents=True)
        (tmp_path / folder / "run.parquet").write_bytes(b"rows")
    before = cache.processed_hash(tmp_path / "data")
    (tmp_path / "data" / cache.FITS).write_text("{}", encoding="utf-8")   # 05's: in the summaries' keys instead
    assert cache.processed_hash(tmp_path / "staging" / "data") == cache.processed_hash(tmp_path / "data") == before != ""
    assert cache.fits_hash(tmp_path / "data" / cache.FITS) != "" == cache.fits_hash(tmp_path / "staging" / "data" / cache.FITS)
    (tmp_path / "data" / "run.parquet").write_bytes(b"other rows")
    assert cache.processed_hash(tmp_path / "data") != before
    assert cache.processed_hash(tmp_path / "missing") == ""
