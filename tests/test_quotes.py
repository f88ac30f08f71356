"""Every claim a page quotes is in its verdict table (issue 22, item 1): each sentence of the report a page quotes is
transcribed once in data/published.yaml (verbatim Dutch, a translation, its page, the claims it rests on), written
by one helper (Chapter.quote) with those claims' ids, and judged on that page, by the same verdicts as its
published-versus-reproduced table; on the runner's pages of the default and of the planted-contrary export, in both
languages, no quoted sentence lacks a verdict row and no quote lacks an id (slow)."""
import json
import re

import pandas as pd
import pytest
from bs4 import BeautifulSoup
from IPython.display import Markdown

from helpers.chapter import Cleaning, Conclusion, Intention, KeyFindings, Literacy, Places, ProsCons, Usage
from helpers.chapter.base import Chapter, Table
from helpers.ingest.io import save_processed
from helpers.paths import DATA_DIR, NOTEBOOKS_DIR
from helpers.prepare.cleaning import clean
from helpers.present import published
from helpers.synth import generate, load_params, write_export

PAGES = {"00_key_findings": KeyFindings, "01_cleaning": Cleaning, "02_usage": Usage, "03_pros_cons": ProsCons,
         "04_literacy": Literacy, "05_intent_sem": Intention, "07_regional_map": Places, "10_conclusion": Conclusion}
QUOTE_CELL = re.compile(r'^ch\.quote\("([^"]+)"\)$')


def quoted_in_notebooks() -> dict[str, list[str]]:
    """Each quote id a notebook's cells quote, with the notebooks that quote it."""
    found: dict[str, list[str]] = {}
    for path in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")):
        for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
            match = QUOTE_CELL.match("".join(cell["source"]).strip()) if cell["cell_type"] == "code" else None
            if match:
                found.setdefault(match.group(1), []).append(path.stem)
    return found


def test_each_quote_is_transcribed_with_its_translation_place_and_claims():
    quotes = published.quotes()
    assert len(quotes) >= 20
    for qid, q in quotes.items():
        assert q["nl"].strip() and q["en"].strip() and q["claims"], qid
        assert published.section_name(q["section"], "nl") and published.section_name(q["section"], "en"), qid
        assert set(q["claims"]) <= set(published.load_published().index), qid


def test_each_quote_is_quoted_once_on_its_page_and_every_quote_cell_names_one():
    """The notebooks quote the report only through ch.quote, each transcribed sentence once, on the page it names."""
    found = quoted_in_notebooks()
    assert set(found) == set(published.quotes()), set(found) ^ set(published.quotes())
    assert {qid: pages for qid, pages in found.items() if pages != [published.quote(qid)["page"]]} == {}


def test_an_unknown_quote_is_refused_with_the_known_ones():
    with pytest.raises(KeyError, match="no quote 'key.99'.*key.1"):
        published.quote("key.99")


@pytest.fixture(scope="module")
def processed(tmp_path_factory, export, cb):
    return save_processed(clean(export, cb).data, tmp_path_factory.mktemp("processed") / "survey.parquet")


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_a_quote_shows_the_reports_words_its_ids_and_the_pages_verdicts(processed, lang):
    """The Dutch words marked lang="nl" with the claim ids, the translation beside them on an English page only, and one
    line per claim with the status and values of the page's own verdict table."""
    ch = Usage(processed, lang=lang)
    q = published.quote("usage.systems")
    page = BeautifulSoup(ch.quote("usage.systems")._repr_html_(), "html.parser")
    words = page.blockquote.q
    assert words["lang"] == "nl" and words["data-claim"].split() == q["claims"] and words.get_text() == q["nl"]
    translation = page.blockquote.find(class_="translation")
    assert (translation is not None) == (lang == "en") and (translation is None or q["en"] in translation.get_text())
    verdicts = ch.verdicts()
    lines = page.find("ul", class_="verdicts").find_all("li")
    assert [li["data-claim"] for li in lines] == q["claims"]
    for li in lines:
        status = published.t(f"published_status_{verdicts.loc[li['data-claim'], 'status']}", lang)
        assert li.strong.get_text() == status and verdicts.loc[li["data-claim"], "figure"] in li.get_text()


def test_a_quote_on_a_page_that_does_not_judge_its_claims_is_refused(processed):
    with pytest.raises(ValueError, match="rests on claims this page does not judge"):
        Usage(processed, lang="en").quote("pros.footnote_9")


def test_the_quoted_words_are_escaped_where_they_enter_the_html(processed, monkeypatch):
    planted = {**published.quote("usage.role"), "nl": "<script>alert(1)</script> & co", "en": "<b>bold</b>"}
    monkeypatch.setitem(published.quotes(), "usage.role", planted)
    html = Usage(processed, lang="en").quote("usage.role")._repr_html_()
    assert "<script>" not in html and "&lt;script&gt;" in html and "<b>" not in html and "&amp; co" in html


def test_every_quote_rests_on_claims_its_pages_chapter_judges(chapters):
    """For each page that quotes the report, its chapter's verdicts hold a row for every claim its quotes name."""
    by_page: dict[str, set[str]] = {}
    for q in published.quotes().values():
        by_page.setdefault(q["page"], set()).update(q["claims"])
    assert set(by_page) <= set(chapters)
    for page, claims in by_page.items():
        judged = set(chapters[page].verdicts().index)
        assert claims <= judged, (page, claims - judged)


@pytest.mark.parametrize("statuses, shown", [
    (["agrees", "agrees"], "published_none_notable"),
    (["agrees", "not_shown"], "published_none_shown_differs"),
    (["agrees", "not_judged"], None),      # a claim not judged: listed, and 'no claim differs' is not said
    (["agrees", "differs"], None)])
def test_the_summary_counts_every_status_and_says_no_claim_differs_only_when_every_claim_is_judged(processed, monkeypatch, statuses, shown):
    ch = Usage(processed, lang="en")
    verdicts = ch.verdicts().iloc[:len(statuses)].assign(status=statuses, note="")
    monkeypatch.setattr(Chapter, "verdicts", lambda self: verdicts)
    counts, second, *_ = ch.published().parts
    assert all(published.t(f"published_status_{s}", "en") in counts.data for s in published.STATUSES)
    if shown is None:
        assert isinstance(second, Table) and len(second.frame) == 1
    else:
        assert isinstance(second, Markdown) and second.data == published.t(shown, "en", n=1)


# --- The runner's pages --------------------------------------------------------------------------------------

ITEM_1 = {   # issue 22, item 1: each claim's verdict on the default and on the planted-contrary export
    "key.si.low": ("inconsistent", "differs"), "utaut.si.low": ("inconsistent", "differs"), "utaut.fc.low": ("inconsistent", "differs"),
    "sample.gov.in_proportion": ("inconsistent", "differs"),
    "systems.copilot.work_vs_free": ("agrees", "differs"), "systems.dalle.work_vs_free": ("agrees", "differs"),
    "places.top": ("agrees", "differs"), "conclusion.tasks.translate": ("agrees", "differs"),
    "sem.contributes.pe": ("agrees", "differs"), "sem.contributes.ee": ("differs", "agrees"),
    "sem.contributes.si": ("differs", "differs"), "sem.contributes.fc": ("differs", "differs"),
    "conclusion.adoption.work": ("agrees", "agrees"), "conclusion.adoption.free": ("agrees", "agrees"),
    "key.tasks.supporting_tool": ("not_judged", "not_judged"), "conclusion.systems.openai": ("not_judged", "not_judged"),
}


@pytest.fixture(scope="module")
def pages(tmp_path_factory, export_csv):
    """The runner's reviewer pages that quote the report, for the default and the planted-contrary export, in both
    languages: {(export, lang): run folder}."""
    from helpers.runner import run

    params = load_params(DATA_DIR / "synthetic" / "contrary.yaml")
    contrary = write_export(generate(params), tmp_path_factory.mktemp("raw") / "contrary.csv", params)
    out = tmp_path_factory.mktemp("reports")
    made = {}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "BUILD_DIR", out.parent / "build")
        patch.setattr(run, "PROCESSED_DIR", out.parent / "processed")
        for name, raw in (("default", export_csv), ("contrary", contrary)):
            for lang in ("nl", "en"):
                assert run.main(["--raw", str(raw), "--out", str(out), "--lang", lang, "--only", *sorted(PAGES)]) == 0
                made[name, lang] = out / f"{raw.stem}{'_en' if lang == 'en' else ''}"
    return made


def page_quotes(folder, page: str) -> tuple[list, pd.DataFrame | None]:
    html = BeautifulSoup((folder / f"{page}.html").read_text(encoding="utf-8"), "html.parser")
    verdicts = folder / f"{page}_files" / "published_vs_reproduced.csv"
    return html.find_all("blockquote"), pd.read_csv(verdicts).set_index("id") if verdicts.is_file() else None


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("name", ["default", "contrary"])
def test_no_quoted_sentence_without_its_verdict_rows_on_the_runners_pages(pages, name, lang):
    folder = pages[name, lang]
    seen = set()
    for page in PAGES:
        quotes, verdicts = page_quotes(folder, page)
        for block in quotes:
            words = block.find("q", attrs={"data-claim": True})
            assert words is not None and words["data-claim"].split() and words["lang"] == "nl", (page, block)   # no quote without an id
            assert (block.find(class_="translation") is not None) == (lang == "en"), page
            for fid in words["data-claim"].split():
                assert verdicts is not None and fid in verdicts.index and verdicts.loc[fid, "status"] in published.STATUSES, (page, fid)
                shown = block.find_next("ul", class_="verdicts").find("li", attrs={"data-claim": fid})
                assert shown.strong.get_text() == published.t(f"published_status_{verdicts.loc[fid, 'status']}", lang), (page, fid)
            seen.add(block["id"].removeprefix("quote-"))
    assert seen == set(published.quotes())


@pytest.mark.slow
@pytest.mark.parametrize("lang", ["nl", "en"])
@pytest.mark.parametrize("name", ["default", "contrary"])
def test_every_page_of_both_runs_speaks_its_language(pages, name, lang):
    """Issue 22's acceptance: no word of the other language (a fixed list) outside elements marked as another
    language, every number on a Dutch page in the formatter's Dutch form, on every page the run wrote (the chapters,
    both their versions, the run's index and its assumptions page): the default and the planted-contrary export."""
    from tests.page_language import foreign

    written = sorted(pages[name, lang].glob("*.html"))
    assert {"index.html", "assumptions.html"} <= {p.name for p in written}
    assert {p.name: found for p in written if (found := foreign(p.read_text(encoding="utf-8"), lang))} == {}


@pytest.mark.slow
def test_item_1s_claims_are_judged_and_follow_the_planted_contrary_export(pages):
    """The claims issue 22 found quoted without a verdict: judged on both exports (not 'not shown'), 'report
    inconsistent' where the report's own figures contradict its words, 'not judged' only where no reading exists,
    and on the contrary export each verdict moves where the plant contradicts the claim."""
    for lang in ("nl", "en"):
        for column, name in enumerate(("default", "contrary")):
            verdicts = pd.concat([page_quotes(pages[name, lang], page)[1] for page in PAGES if page_quotes(pages[name, lang], page)[1] is not None])
            found = {fid: verdicts.loc[fid, "status"] for fid in ITEM_1}
            assert found == {fid: expected[column] for fid, expected in ITEM_1.items()}, (name, lang, found)


def unprinted(chapters: dict) -> list[str]:
    """Claims judged on a page whose figure no cell of a table prints (published.printed_cells), or whose cell names
    no row, or several for a single figure, of the table the page prints it in."""
    kinds = published.load_published()["kind"]
    faults = []
    for page, ch in chapters.items():
        for fid, value in ch.published_figures().items():
            cells = published.printed_cells(fid, value)
            if not cells and kinds[fid] not in ("test", "only", "unjudged"):
                faults.append(f"{page}: {fid} printed nowhere")
            for cell in cells:
                frame = ch.printed(cell.table)
                rows = pd.concat([frame[c].isin(v if isinstance(v, tuple) else (v,)) for c, v in cell.rows.items()], axis=1).all(axis=1)
                if rows.sum() == 0 or (rows.sum() > 1 and not cell.summed):
                    faults.append(f"{page}: {fid} in {cell.table}: {int(rows.sum())} rows")
    return faults


@pytest.fixture(scope="module")
def chapters(processed, export_csv, tmp_path_factory):
    """Every page with published claims, made on the synthetic default."""
    made = {page: made(processed, lang="en") for page, made in PAGES.items() if made is not Cleaning}
    return {"01_cleaning": Cleaning(export_csv, processed=tmp_path_factory.mktemp("p") / "p.parquet", lang="en"), **made}


def test_every_claim_of_a_value_or_an_order_names_the_cell_its_page_prints(chapters, monkeypatch):
    """A verdict's 'not shown' comes from that cell's flag: every value and ranking claim names one cell (a
    ranking: its options) that its table prints; a claim mapped to none is caught (planted)."""
    assert unprinted(chapters) == []
    monkeypatch.setattr(published, "other_cell", lambda fid: None)
    assert "04_literacy: lit.lit_tech_1.mean printed nowhere" in unprinted({"04_literacy": chapters["04_literacy"]})


def test_the_page_language_check_leaves_the_reports_quoted_words_as_written():
    """A page quotes the report as written (its Dutch words, its '65.9%'); the same words outside a quote are caught."""
    from tests.page_language import foreign

    quoted = '<html><body><p><q lang="nl" data-claim="x">De meerderheid van de respondenten (65.9%)</q> (the majority)</p></body></html>'
    assert foreign(quoted.replace("(the majority)", ""), "en") == [] and foreign(quoted.replace(" (the majority)", ""), "nl") == []
    loose = '<html><body><p>De meerderheid van de respondenten (65.9%)</p></body></html>'
    assert foreign(loose, "en") == ["van de", "respondenten"] and foreign(loose, "nl") == ["65.9"]
