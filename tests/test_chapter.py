"""The notebook-facing API: one object per notebook; cells of one line that thread no arguments."""
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from helpers.chapter import Cleaning, Intention, ProsCons, Usage
from helpers.ingest.io import save_processed
from helpers.paths import NOTEBOOKS_DIR
from helpers.prepare.cleaning import clean

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
CHAPTER_ENDS = {"ch.published()", "ch.findings()", "ch.versions()"}   # the one call every chapter ends with
THREADED = re.compile(r"\b(lang|min_cell|artifacts|cb|df)\b")


def code_cells(path: Path) -> list[dict]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    return "".join(cell["source"]).strip()


def is_parameters(cell: dict) -> bool:
    return "parameters" in cell.get("metadata", {}).get("tags", [])


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_code_cells_are_at_most_three_lines(path):
    """The parameters cell declares one parameter per line (papermill's convention); every other cell is short."""
    long = [source(c) for c in code_cells(path) if not is_parameters(c) and len(source(c).splitlines()) > 3]
    assert not long, f"{path.name}: cells longer than 3 lines: {long}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_parameters_are_passed_once(path):
    """Language, threshold, artefact folder and data go into the chapter once, in the cell that makes it."""
    cells = [c for c in code_cells(path) if not is_parameters(c)]
    makes_chapter = [c for c in cells if "ch = " in source(c)]
    assert len(makes_chapter) == 1
    threaded = [source(c) for c in cells if c is not makes_chapter[0] and THREADED.search(source(c))]
    assert not threaded, f"{path.name}: arguments threaded through calls: {threaded}"


def test_no_call_pattern_repeated_across_notebooks():
    seen: dict[str, set[str]] = {}
    for path in NOTEBOOKS:
        for cell in code_cells(path):
            if not is_parameters(cell) and source(cell) not in CHAPTER_ENDS:
                seen.setdefault(source(cell), set()).add(path.name)
    repeated = {cell: names for cell, names in seen.items() if len(names) > 1}
    assert not repeated, repeated


@pytest.fixture(scope="module")
def processed(tmp_path_factory, export, cb) -> Path:
    return save_processed(clean(export, cb).data, tmp_path_factory.mktemp("processed") / "survey.parquet")


def test_tables_and_figures_are_numbered_and_kept(processed, tmp_path):
    ch = Usage(processed, lang="en", min_cell=5, artifacts=tmp_path)
    ch.frequency()
    block = ch.shares("system", "systems_title", top=6)
    html = block._repr_html_()
    where = "in the report: section 1.1 Work vs. free time: chart of the six systems used most per context"
    assert "Table 2.2. Systems used" in html and f"<figcaption>Figure 2.1 ({where})</figcaption>" in html
    assert {"usage_frequency.csv", "system.csv", "system.png", "system.svg"} <= {p.name for p in tmp_path.iterdir()}
    numbered = json.loads((tmp_path / "numbering.json").read_text(encoding="utf-8"))   # the landing page's list
    assert [(i["label"], i["report"]) for i in numbered] == [("Table 2.1", "section 1.1 Work vs. free time: frequency of use (text)"),
                                                            ("Figure 2.1", where.removeprefix("in the report: ")),
                                                            ("Table 2.2", where.removeprefix("in the report: "))]
    assert numbered[1]["title"] == "The six most used systems per context (% of users)"   # the chart's own title
    assert "(not in the report)" in ch.table(pd.DataFrame({"a": [1]}), "A table of our own", "ours").caption
    kept = pd.read_csv(tmp_path / "system.csv")
    assert len(kept) == 9   # every system, though the chart shows the six most used


def test_blocks_describe_the_chapter_base(processed):
    """03 describes users at work: its Likert block's N is theirs, not all respondents'."""
    ch = ProsCons(processed, lang="en")
    users = int(ch.data["use_work"].ge(2).sum())
    table = ch.likert("pro").parts[0].data
    assert set(table["N"]) <= set(range(users - 10, users + 1)) and users < len(ch.data)


def test_frequency_scales_get_the_reports_shares(processed):
    ch = ProsCons(processed, lang="en")
    tasks = ch.likert("task", "tasks_title").parts[0].data
    agree = ch.likert("pro").parts[0].data
    assert {"% often", "% often or always", "% rarely or never"} <= set(tasks.columns) and "% 4–5" in agree.columns


def test_cleaning_chapter_writes_processed_data_where_asked(export_csv, tmp_path):
    target = tmp_path / "out.parquet"
    ch = Cleaning(export_csv, processed=target, lang="en")
    assert ch.save() == target and target.exists()
    assert len(pd.read_parquet(target)) == len(ch.data) < len(ch.export)


def test_too_few_respondents_give_an_honest_note_not_a_table(export, cb, tmp_path):
    three = save_processed(clean(export, cb).data.head(3), tmp_path / "three.parquet")
    ch = ProsCons(three, lang="en", min_cell=5, artifacts=tmp_path / "files")
    shown = ch.likert("pro")
    assert "Too few respondents (fewer than 5)" in shown.data and not (tmp_path / "files").exists()


def test_a_model_that_cannot_be_estimated_says_so(export, cb, tmp_path):
    few = save_processed(clean(export, cb).data.head(8), tmp_path / "few.parquet")
    shown = Intention(few, lang="en", min_cell=5).structural_model()
    assert shown.data.startswith("The model could not be estimated on these data (")


CONCLUSION_WORDS = re.compile(r"significant|over-represent|oververtegenwoordig|sterker vertegenwoordigd|highest|lowest|hoogste|"
                              r"laagste|\blead\b|the only|de enige|planted|geplant", re.I)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_narrative_states_findings_only_as_the_reports_quoted_claims(path):
    """A finding in markdown would stay the same on any export: it must be a quoted claim of the report."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    lines = [line for c in nb["cells"] if c["cell_type"] == "markdown" for line in "".join(c["source"]).splitlines()]
    stated = [line for line in lines if CONCLUSION_WORDS.search(line) and not line.startswith(">")]
    assert not stated, stated


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_each_language_has_one_title_and_no_heading_twice(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    for lang in ("nl", "en"):
        cells = ["".join(c["source"]) for c in nb["cells"] if f"lang-{lang}" in c.get("metadata", {}).get("tags", [])]
        headings = [line for cell in cells for line in cell.splitlines() if line.startswith(("# ", "## "))]
        assert sum(h.startswith("# ") for h in headings) == 1 and len(headings) == len(set(headings)), (lang, headings)


def test_claims_are_numbers_in_the_pages_language_and_sections_stay_sections(processed):
    page = Usage(processed, lang="nl", min_cell=5).published()._repr_html_()
    cells = re.findall(r"<td[^>]*>([^<]*)</td>", page)
    assert "53,1" in cells and "53.1" not in cells                     # a published value, also in a column of words
    assert "1.1 Werk vs. vrije tijd" in cells and not [c for c in cells if c.startswith("1,1 ")]   # the report's section 1.1
    assert any(c.startswith("eerst: ") for c in cells)


@pytest.mark.parametrize("lang, reading, synthetic", [
    ("en", "significant means p < .05, the report's threshold.", "On synthetic data they show that the analysis works"),
    ("nl", "significant betekent p < ,05, de drempel van het rapport.", "Op synthetische gegevens tonen ze dat de analyse werkt")])
def test_the_findings_say_how_to_read_them_from_the_threshold_and_the_data_in_use(processed, lang, reading, synthetic):
    """The threshold comes from the chapter's alpha, not typed in markdown; the synthetic caveat only on synthetic data."""
    ch = Usage(processed, lang=lang, alpha=0.05)
    for generated in (True, False):
        ch.data.attrs["provenance"] = {**ch.data.attrs.get("provenance", {}), "synthetic": generated}
        reading_part, sentences = ch.findings().data.split("\n\n")
        assert reading in reading_part and (synthetic in reading_part) is generated and sentences.startswith("- ")
