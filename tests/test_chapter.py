"""The notebook-facing API: one object per notebook; cells of one line that thread no arguments."""
import ast
import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from helpers.chapter import Cleaning, Context, Intention, ProsCons, Usage
from helpers.disclosure import HIDDEN, is_small
from helpers.ingest.io import save_processed
from helpers.paths import NOTEBOOKS_DIR, ROOT
from helpers.prepare.cleaning import clean
from helpers.present import text
from tests.disclosure_scan import scan_run
from tests.test_disclosure import PLANTED, disclosed

NOTEBOOKS = sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb"))
CHAPTER_ENDS = {"ch.published()", "ch.findings()", "ch.versions()"}   # the one call every chapter ends with


def code_cells(path: Path) -> list[dict]:
    nb = json.loads(path.read_text(encoding="utf-8"))
    return [c for c in nb["cells"] if c["cell_type"] == "code"]


def source(cell: dict) -> str:
    return "".join(cell["source"]).strip()


def is_parameters(cell: dict) -> bool:
    return "parameters" in cell.get("metadata", {}).get("tags", [])


MAX_LINES = 3


def thick_cells(cells: list[dict]) -> list[str]:
    """What makes a notebook more than a narrative: a code cell longer than MAX_LINES (the parameters cell
    declares one parameter a line, papermill's convention, and is exempt), or, once the chapter `ch` is made,
    a cell that is not one call on it with literal arguments (a parameter threaded through again, a helper
    called beside the chapter, a variable made)."""
    faults, made = [], False
    for cell in (c for c in cells if not is_parameters(c)):
        text = source(cell)
        if len(text.splitlines()) > MAX_LINES:
            faults.append(f"{len(text.splitlines())} lines: {text!r}")
        tree = ast.parse(text)
        if made and not (len(tree.body) == 1 and is_literal_call_on_chapter(tree.body[0])):
            faults.append(f"not one call on the chapter with literal arguments: {text!r}")
        made = made or any(isinstance(n, ast.Name) and n.id == "ch" and isinstance(n.ctx, ast.Store) for n in ast.walk(tree))
    return faults if made else [*faults, "no cell makes the chapter (ch = ...)"]


def is_literal_call_on_chapter(statement: ast.stmt) -> bool:
    call = statement.value if isinstance(statement, ast.Expr) else None
    return (isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Name)
            and call.func.value.id == "ch" and all(map(is_literal, [*call.args, *(k.value for k in call.keywords)])))


def is_literal(node: ast.expr) -> bool:
    try:
        ast.literal_eval(node)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_cell_is_short_and_one_call_on_the_chapter(path):
    """Data, language, threshold and artefact folder go into the chapter once, in the cell that makes it;
    every later cell is one call on it, at most three lines (every notebook, 08 included)."""
    faults = thick_cells(code_cells(path))
    assert not faults, f"{path.name}: {faults}"


THICK = {
    "four lines": "ch.likert(\n    'pro',\n    'my_title',\n)",
    "a parameter threaded through again": "ch.likert('pro', lang=lang)",
    "a helper called beside the chapter": "report.keep(ch.likert('pro'), 'advantages', artifacts)",
    "two calls in one cell": "ch.likert('pro')\nch.likert('con')",
}


@pytest.mark.parametrize("kind", THICK)
def test_a_thick_cell_is_caught(kind):
    """The check above can fail: a planted chapter passes it, and with one thick cell more it does not."""
    cells = [{"source": "lang = 'nl'\nmin_cell = 5\nartifacts = None\nprocessed = None", "metadata": {"tags": ["parameters"]}},
             {"source": "from helpers.chapter import ProsCons\nch = ProsCons(processed, lang=lang)", "metadata": {}},
             {"source": "ch.likert(['pro_time_saving', 'pro_data'], 'my_title', chart=False)", "metadata": {}}]
    assert thick_cells(cells) == []
    assert len(thick_cells([*cells, {"source": THICK[kind], "metadata": {}}])) == 1


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
    assert "(not in the report)" in ch.table(pd.DataFrame({"a": [1.5]}), "A table of our own", "ours").caption
    kept = pd.read_csv(tmp_path / "system.csv")
    assert len(kept) == 9 * 2   # every system in both contexts, though the chart shows the six most used
    pd.testing.assert_frame_equal(kept, ch.results["system"])   # the download is the block's result frame
    ch.frequency()   # its cell run again: the table keeps its number
    assert [i["label"] for i in json.loads((tmp_path / "numbering.json").read_text(encoding="utf-8"))] == \
        ["Table 2.1", "Figure 2.1", "Table 2.2", "Table 2.3"]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_share_charts_axis_names_the_base_its_title_names(processed, lang):
    """Each share is of those the question was asked (its routing): non-users, users, paying users; never '% of respondents'."""
    ch = Usage(processed, lang=lang, min_cell=5)
    figures = {block: ch.shares(block, title, top=top).parts[-1].fig
               for block, title, top in (("never_reason", "reasons_title", None), ("system", "systems_title", 6), ("paid", "paid_which_title", None))}
    axes = {block: fig.axes[0].get_xlabel() for block, fig in figures.items()}
    assert axes == {"never_reason": text.t("axis_percent_non_users", lang), "system": text.t("axis_percent_users", lang),
                    "paid": text.t("axis_percent_payers", lang)}
    users, paying = {"nl": ("gebruikers", "betalende gebruikers"), "en": ("users", "paying users")}[lang]
    assert users in figures["system"]._suptitle.get_text() and paying in figures["paid"]._suptitle.get_text()


@pytest.fixture
def planted_pairs(processed, tmp_path) -> Path:
    """Work (rows) and free-time (columns) use as in test_disclosure.PLANTED (codes 1-5), and two respondents
    without both answers."""
    counts = PLANTED.set_index("answer").to_numpy()
    pairs = [(r + 1, c + 1) for (r, c), n in np.ndenumerate(counts) for _ in range(n)] + [(3, None), (None, 2)]
    data = pd.read_parquet(processed).head(len(pairs)).reset_index(drop=True)
    data[["use_work", "use_free"]] = pd.DataFrame(pairs, dtype="Int64")
    return save_processed(data, tmp_path / "planted.parquet")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_paired_comparison_shows_the_cross_table_protected_then_its_tests(planted_pairs, cb, tmp_path, lang):
    """At min_cell 3 no frequency of either answer is hidden: the cross-table is shown, its cells of 1 and 2
    hidden so that no intruder's audit (test_disclosure.disclosed) recovers them."""
    ch = Usage(planted_pairs, lang=lang, min_cell=3, artifacts=tmp_path / "run" / "02_usage_files")
    block = ch.paired_comparison("use_work", "use_free", "usage_tests_title")
    crosstab, tests = (part.printed for part in block.parts)
    total = text.t("total", lang)
    assert crosstab.iloc[:, 0].tolist() == [*cb.labels("use_work", lang).values(), total]   # labels, in codebook order
    assert crosstab.columns.tolist() == [cb.text("use_work", lang), *cb.labels("use_free", lang).values(), total]
    assert crosstab.iloc[-1, -1] == "186"   # the pairs; the report's chi-square pools both answers as groups (187 + 187)
    assert tests["N"].tolist() == ["374", "186", "186", "186"]
    shown = crosstab.set_axis(["answer", *PLANTED.columns[1:], "Total"], axis=1).assign(answer=[*PLANTED["answer"], "Total"])
    assert disclosed(shown, 3) == [] and (shown == HIDDEN).to_numpy().sum() >= 4
    page = block._repr_html_()
    assert "use_work" not in page and "use_free" not in page
    assert [c.caption.split(". ")[0] for c in block.parts] == [f"{text.t('table_label', lang)} 2.{i}" for i in (1, 2)]
    assert {p.name for p in (tmp_path / "run" / "02_usage_files").glob("*.csv")} == {"use_work_by_use_free.csv", "use_work_vs_use_free.csv"}
    (tmp_path / "run" / "02_usage.html").write_text(f'<html lang="{lang}"><body>{page}</body></html>', encoding="utf-8")
    assert scan_run(tmp_path / "run", 3) == []
    unprotected = Usage(planted_pairs, lang=lang, min_cell=1).paired_comparison("use_work", "use_free", "usage_tests_title")
    (tmp_path / "run" / "02_usage.html").write_text(f'<html lang="{lang}"><body>{unprotected._repr_html_()}</body></html>',
                                                    encoding="utf-8")
    assert {f.rule for f in scan_run(tmp_path / "run", 3)} == {"a"}   # the scan can fail: the small cells, shown


def test_the_cross_table_is_left_out_when_the_frequency_table_hides_a_cell(planted_pairs, tmp_path):
    """At min_cell 5 the frequency table hides 'monthly' at work (4 respondents): the cross-table's margins
    would give it away, so only the tests are shown, with a note saying why."""
    files = tmp_path / "02_usage_files"
    block = Usage(planted_pairs, lang="en", min_cell=5, artifacts=files).paired_comparison("use_work", "use_free", "usage_tests_title")
    note, tests = block.parts
    assert "cross-table of both answers is not shown" in note.data and tests.frame["n"].tolist() == [374, 186, 186, 186]
    assert {p.name for p in files.glob("*.csv")} == {"use_work_vs_use_free.csv"}


def test_open_answers_are_shown_only_when_the_chapter_is_made_to_show_them(processed):
    """Personal data: by default only how many open answers were given; the texts with show_free_text."""
    column = "never_reason_work_other_text"
    given = pd.read_parquet(processed)[column].dropna()
    counted = Usage(processed, lang="en").free_text(column).data
    assert counted.shape == (1, 1) and counted.iloc[0, 0] == (HIDDEN if is_small(len(given), 5) else str(len(given)))
    shown = Usage(processed, True, lang="en").free_text(column).data
    assert len(given) > 0 and sorted(shown.iloc[:, 0]) == sorted(given)


def test_the_readmes_add_a_table_step_works_as_written(processed, tmp_path, monkeypatch):
    """README, 'Add a table to a chapter', step 1: its cell, with its title added to the message catalogue."""
    section = (ROOT / "README.md").read_text(encoding="utf-8").split("### Add a table to a chapter\n", 1)[1].split("\n#", 1)[0]
    cell, key = re.search(r"`(ch\.\w+\(.*?\))`", section).group(1), re.search(r"`(\w+): \{nl: ", section).group(1)
    messages = text.catalogue()
    monkeypatch.setattr(text, "catalogue", lambda: messages | {key: {"nl": "Mijn titel", "en": "My title"}})
    block = eval(cell, {"ch": ProsCons(processed, lang="en", artifacts=tmp_path)})   # the README's code, as a notebook runs it
    assert "Table 3.1. My title (N=" in block._repr_html_() and "<figcaption>Figure 3.1 (not in the report)" in block._repr_html_()
    assert {p.suffix for p in tmp_path.glob("pro_time_saving_pro_data.*")} == {".csv", ".xlsx", ".png", ".svg"}


def test_a_chart_that_marks_a_hidden_value_explains_the_mark_under_it(processed):
    ch = Usage(processed, lang="en", min_cell=5)
    footers = {}
    for case, label, n in (("shown", "12", None), ("hidden label", HIDDEN, None), ("hidden base", "12", 3)):
        fig = Figure()
        fig.subplots().text(0.5, 0.5, label)
        fig.suptitle("A chart")
        ch.figure(fig, "chart", n=n)
        footers[case] = " ".join(fig._supxlabel.get_text().split())
    explained = "[c] = not shown: fewer than 5 respondents"
    assert explained not in footers["shown"] and all(explained in footers[c] for c in ("hidden label", "hidden base"))
    assert "N = [c]" in footers["hidden base"]


def test_blocks_describe_the_chapter_base(processed):
    """03 describes users at work: its Likert block's N is theirs, not all respondents'."""
    ch = ProsCons(processed, lang="en")
    users = int(ch.data["use_work"].ge(2).sum())
    table = ch.likert("pro").frame
    assert set(table["n"]) <= set(range(users - 10, users + 1)) and users < len(ch.data)


def test_frequency_scales_get_the_reports_shares(processed):
    ch = ProsCons(processed, lang="en")
    tasks = ch.likert("task", "tasks_title").parts[0].printed
    agree = ch.likert("pro").parts[0].printed
    assert {"% often", "% often or always", "% rarely or never"} <= set(tasks.columns) and "% 4–5" in agree.columns


def test_cleaning_chapter_writes_processed_data_where_asked(export_csv, tmp_path):
    target = tmp_path / "out.parquet"
    ch = Cleaning(export_csv, processed=target, lang="en")
    assert ch.save() == target and target.exists()
    assert len(pd.read_parquet(target)) == len(ch.data) < len(ch.export)


def test_a_chart_whose_every_bar_is_hidden_is_the_too_few_note_not_an_empty_chart(export_csv, tmp_path):
    """Every start year has fewer than 200 of the respondents: chart 1 would draw no bar."""
    made = {"processed": tmp_path / "out.parquet", "lang": "en", "artifacts": tmp_path / "files"}
    shown = Cleaning(export_csv, min_cell=200, **made).start_years()
    assert "Too few respondents" in shown._repr_markdown_() and not list(tmp_path.rglob("chart_1*"))
    assert "<img" in Cleaning(export_csv, **made).start_years()._repr_html_() and list(tmp_path.rglob("chart_1*.png"))


def test_too_few_respondents_give_an_honest_note_not_a_table(export, cb, tmp_path):
    three = save_processed(clean(export, cb).data.head(3), tmp_path / "three.parquet")
    ch = ProsCons(three, lang="en", min_cell=5, artifacts=tmp_path / "files")
    shown = ch.likert("pro")
    assert "Too few respondents (fewer than 5)" in shown.data and not (tmp_path / "files").exists()


def test_a_model_that_cannot_be_estimated_says_so(export, cb, tmp_path):
    few = save_processed(clean(export, cb).data.head(8), tmp_path / "few.parquet")
    shown = Intention(few, lang="en", min_cell=5).structural_model()
    assert shown.data.startswith("The model could not be estimated on these data (")


def test_unweighted_figures_are_never_called_weighted(processed, export, cb, tmp_path):
    """WEIGHTING=none, or a stratum without a population count: the findings say nothing was weighted, not that
    weighting changed nothing."""
    weighted = Context(processed, lang="en").finding_sentences()[0]
    assert weighted.startswith(("Weighted to the population", "Weighting hardly changes"))
    other = clean(export, cb).data.assign(gov_type=lambda d: d["gov_type"].fillna(1).where(d.index % 10 > 0, 3))
    for ch in (Context(processed, None, lang="en"), Context(save_processed(other, tmp_path / "other.parquet"), lang="en")):
        sentences = ch.finding_sentences()
        assert sentences[0] == ch.weighting_note().data and sentences[0].startswith(("No weighting", "Not weighted"))


CONCLUSION_WORDS = re.compile(r"significant|over-represent|oververtegenwoordig|sterker vertegenwoordigd|highest|lowest|hoogste|"
                              r"laagste|\blead\b|the only|de enige|planted|geplant", re.I)


def stated_in_markdown(cells: list[dict]) -> list[str]:
    """Markdown lines that state a finding (it would stay the same on any export) or quote the report (a quote is
    written by ch.quote, with the claims it rests on and their verdicts: tests/test_quotes.py)."""
    lines = [line for c in cells if c["cell_type"] == "markdown" for line in "".join(c["source"]).splitlines()]
    return [line for line in lines if CONCLUSION_WORDS.search(line) or line.lstrip().startswith(">")]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_narrative_states_no_finding_and_quotes_the_report_only_through_the_chapter(path):
    assert not stated_in_markdown(json.loads(path.read_text(encoding="utf-8"))["cells"])


def test_a_quote_in_markdown_is_caught():
    planted = [{"cell_type": "markdown", "source": ["> *Het rapport:* de verdeling is \"ongeveer in verhouding\"."]}]
    assert stated_in_markdown(planted) and not stated_in_markdown([{"cell_type": "markdown", "source": ["## De kaart"]}])


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
    ("en", "use at work and in free time (chi-square, Spearman, McNemar): criterion: p as tested, p < .05.",
     "On synthetic data they show that the analysis works"),
    ("nl", "gebruik op het werk en in de vrije tijd (chikwadraat, Spearman, McNemar): criterium: p zoals getoetst, p < ,05.",
     "Op synthetische gegevens tonen ze dat de analyse werkt")])
def test_the_findings_say_how_to_read_them_from_the_threshold_and_the_data_in_use(processed, lang, reading, synthetic, monkeypatch):
    """What significant means comes from the chapter's families' standards (reproduction.STANDARDS), not typed in
    markdown; the synthetic caveat only on synthetic data."""
    from helpers.analysis.reproduction import STANDARDS, Standard

    monkeypatch.setitem(STANDARDS, "usage", Standard("p", ((0.05, "*"),)))
    ch = Usage(processed, lang=lang)
    for generated in (True, False):
        ch.data.attrs["provenance"] = {**ch.data.attrs.get("provenance", {}), "synthetic": generated}
        reading_part, sentences = ch.findings().data.split("\n\n")
        assert reading in reading_part and (synthetic in reading_part) is generated and sentences.startswith("- ")
        assert text.t("findings_inference", lang) in reading_part   # the limits of inference, on every page


def test_what_rests_on_this_projects_choices_is_marked_and_explained_once(processed, tmp_path):
    """Tabel 5.x of Appendix 2 prints the intention items, which the report does not: they are marked, as are the
    systems the report does not name and the speeder rule; the page's last cell explains the mark once and links
    each choice shown to its entry on the assumptions page."""
    ch = Intention(processed, lang="nl")
    appendix = ch.appendix("utaut", "appendix_2_title").printed
    items = appendix[appendix.iloc[:, 1].str.startswith(("Ik ben van plan", "Ik verwacht", "Ik plan"))].iloc[:, 1]
    assert len(items) == 3 and items.str.endswith(" †").all()
    assert not appendix[appendix.iloc[:, 0] == "Prestatieverwachting"].iloc[:, 1].str.contains("†").any()
    note = ch.versions().parts[0].data
    assert note.count("†") == 1 and "(assumptions.html#intention-items)" in note
    usage = Usage(processed, lang="en")
    systems = usage.shares("system", "systems_title", top=6).parts[0].printed.iloc[:, 0].tolist()
    assert [s for s in systems if s.endswith("†")] == ["Midjourney †", "Perplexity †", "Other †"]
    assert "†" not in Usage(processed, lang="en").versions().parts[0]._repr_html_()   # nothing shown: no note


@pytest.mark.parametrize("holm", [False, True])
def test_one_standard_per_claim_the_stars_headers_sentences_and_verdicts_agree(processed, monkeypatch, holm):
    """Issue 22, item 3, on chapter 04: the role x literacy family is judged on one p at the report's stars, and the
    report-layout table's stars, the exact table's headers, the finding sentence and the verdict all say the same
    for every pair; declared Holm-adjusted instead (planted), all of them follow, so none reads a second standard."""
    from helpers.analysis.reproduction import STANDARDS, Standard
    from helpers.chapter import Literacy

    if holm:
        monkeypatch.setitem(STANDARDS, "role_literacy", Standard("p_holm", STANDARDS["role_literacy"].levels))
    standard = STANDARDS["role_literacy"]
    ch = Literacy(processed, lang="en")
    layout, detail = (part.printed for part in ch.correlations("role", "literacy").parts)
    criterion = [c for c in detail.columns if "criterion" in c]
    assert len(criterion) == 1 and ("Holm" in criterion[0]) is holm and "** p < .001, * p < .05" in criterion[0]
    assert [c for c in detail.columns if "robustness check" in c] == [c for c in detail.columns if c.startswith("p (") and c not in criterion]
    ch.published()
    verdicts = ch.results["published_vs_reproduced"].set_index("id")
    frame, sentences = ch.results["role_literacy_correlations_exact"], ch.finding_sentences()
    for row in frame.itertuples():
        mark = standard.stars(getattr(row, standard.p))
        cell = layout.set_index(layout.columns[0]).loc[row.label_y, row.label_x]
        assert cell == "ns" if mark == "ns" else cell.endswith(mark) and not cell.endswith("*" + mark), (row.x, row.y, cell)
        said = next(s for s in sentences if s.startswith(f"Role perception {ch.cb.in_sentence(row.x, 'en')} "))
        related = said.split("): ", 1)[1] if "): " in said else ""
        assert (ch.cb.in_sentence(row.y, "en") in related) == (mark != "ns"), (row.x, row.y, said)   # named as related iff starred
        fid = f"role.{row.x}.{row.y}.stars"
        if fid in verdicts.index:
            published = verdicts.loc[fid, "published_claim"]
            assert (verdicts.loc[fid, "status"] == "agrees") == (mark == published), (fid, mark, published)
    netw = verdicts.loc["role.role_netw.lit_tech.stars"]
    assert netw["status"] == ("differs" if holm else "agrees")   # the report's '*' (r = .098) holds unadjusted only
@pytest.mark.parametrize("lang, standardized, arithmetic", [
    ("en", "from the standardized loadings, as Fornell & Larcker, 1981; semTools' compRelSEM and AVE",
     "HTMT of arithmetic means, Henseler, Ringle & Sarstedt, 2015: semTools' htmt with htmt2 = FALSE, not its default HTMT2"),
    ("nl", "uit de gestandaardiseerde ladingen, zoals Fornell & Larcker, 1981; compRelSEM en AVE van semTools",
     "HTMT met rekenkundige gemiddelden, Henseler, Ringle & Sarstedt, 2015: htmt van semTools met htmt2 = FALSE, niet zijn standaard HTMT2")])
def test_the_validity_and_htmt_tables_name_their_conventions_where_they_are_not_semtools_defaults(processed, lang, standardized, arithmetic):
    """tests/test_sem.py checks the conventions against semTools; each table's caption names them and cites them."""
    captions = {part.name: part.caption for part in Intention(processed, lang=lang).measurement_model().parts if hasattr(part, "caption")}
    assert standardized in captions["cfa_validity"] and arithmetic in captions["htmt"]


def test_a_routed_questions_table_says_its_base_is_who_answered_when_some_asked_did_not(processed, tmp_path):
    """The default's 147 payers, 145 of whom said which version: the paid-systems table says its base is who answered
    (issue 22, item 7); with every payer's answer given (planted), or for the systems every user answered, it says
    nothing."""
    ch = Usage(processed, lang="en")
    payers = ch.data["paid_work"].eq(1)
    paid = [c for c in ch.data if c.startswith("paid_") and c != "paid_work"]
    silent = payers & ch.data[paid].isna().all(axis=1)
    assert silent.sum() > 0   # the default plants payers who did not say which
    note = text.t("unanswered_note", "en")
    assert [p.data for p in ch.shares("paid", "paid_which_title").parts if not hasattr(p, "frame")] == [note]
    assert all(hasattr(p, "frame") for p in ch.shares("system", "systems_title").parts)
    df = ch.data.copy()
    df.loc[silent, paid] = 0.0   # every payer answered: selected nothing
    answered = Usage(save_processed(df, tmp_path / "answered.parquet"), lang="en")
    assert all(hasattr(p, "frame") for p in answered.shares("paid", "paid_which_title").parts)
