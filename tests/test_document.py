"""The combined reviewer document (helpers.present.document): every page's content in chapter order, ids unique,
anchors that resolve, the banner first, one language; its PDF has pages and the chapter titles as its outline.
The end-to-end checks read the document of the run tests/test_book.py reads too (`rendered`: chapters 01 and 02,
both languages)."""
import re
from collections import Counter
from html import escape, unescape

import pytest

from helpers.present import assumptions, document, text
from tests.page_language import Visible, foreign

HOSTILE = '<img src=x onerror="alert(1)">'
HEAD = '<!DOCTYPE html><html><head><title>x</title><style type="text/css">:root{--a:1}</style></head><body>'


def page(stem: str, title: str) -> str:
    """A reviewer page as the runner renders it: frame, then <main> with the banner cell, a heading whose
    anchor every page has, a styled table (pandas Styler: its ids in a style block) and a link to another page."""
    return (HEAD + '<header class="book-head"><a href="index.html">Book</a></header><main>'
            '<!-- book:run-banner --><div class="jp-Cell jp-MarkdownCell" id="cell-id=banner"><p><strong>Synthetic data.</strong>'
            ' Code: commit abc1234.</p><p>[c] = not shown: fewer than 5 respondents</p></div><!-- /book:run-banner -->'
            f'<div class="jp-Cell jp-MarkdownCell" id="cell-id={stem}"><h1 id="{stem}">{escape(title)}</h1>'
            '<h2 id="References">References<a class="anchor-link" href="#References">¶</a></h2>'
            '<p><a href="#References">refs</a> <a href="01_cleaning.html#References">01</a> '
            f'<a href="{stem}_files/t.csv">csv</a> <a href="../run_en/{stem}.html">en</a></p>'
            '<details><summary>All</summary><p>rows</p></details></div>'
            '<style type="text/css">#T_ab_row0_col0{color:#fff}</style>'
            '<table id="T_ab"><caption>Table 1.1</caption><tr><td id="T_ab_row0_col0">1</td></tr></table>'
            '<!-- book:versions --><div class="jp-Cell" id="cell-id=v"><table id="T_v"><caption>Versions of the packages'
            '</caption><tr><td>pandas</td></tr></table></div><!-- /book:versions -->'
            '</main><nav class="book-nav"><a href="02_usage.html">next</a></nav></body></html>')


def manifest(titles: dict[str, str]) -> dict:
    return {"lang": "en", "finished": "2026-12-01T10:00:00",
            "source": {"file": "synthetic_default.csv", "rows": 576, "sha256": "ab" * 32, "synthetic": True, "seed": 1,
                       "commit": "abc1234"},
            "reports": {stem: {"notebook": stem, "title": title, "seconds": 1.0, "warnings": 0} for stem, title in titles.items()}}


def ids_and_links(html: str) -> tuple[Counter, list[str]]:
    tags = "".join(re.findall(r"<[A-Za-z][^>]*>", html))
    return Counter(re.findall(r'\sid="([^"]*)"', tags)), re.findall(r'\shref="#([^"]*)"', tags)


def test_a_pages_ids_become_the_chapters_and_its_links_follow_them():
    html = document.prefixed(page("02_usage", "02 · Use"), "02_usage", ["01_cleaning", "02_usage"])
    assert 'id="ch-02_usage-References"' in html and 'href="#ch-02_usage-References"' in html
    assert 'href="#ch-01_cleaning-References"' in html   # another chapter of the document
    assert 'href="02_usage_files/t.csv"' in html and 'href="../run_en/02_usage.html"' in html   # files stay files
    assert "#ch-02_usage-T_ab_row0_col0{color:#fff}" in html and 'id="ch-02_usage-T_ab"' in html   # the table keeps its style


def test_the_document_has_every_chapter_in_order_with_unique_ids_and_working_anchors():
    titles = {"01_cleaning": "01 · Cleaning", "02_usage": f"02 · Use {HOSTILE}"}
    html = document.combined({stem: page(stem, title) for stem, title in titles.items()}, "run_en", manifest(titles))
    ids, links = ids_and_links(html)
    assert not [i for i, n in ids.items() if n > 1]
    assert links and not [link for link in links if link not in ids]
    assert html.index('id="ch-01_cleaning"') < html.index('id="ch-02_usage"')
    assert [unescape(t) for t in re.findall(r'<li><a href="#ch-[^"]*">([^<]*)</a>', html)] == [
        "01 · Cleaning", f"02 · Use {HOSTILE}", text.t("assumptions_title", "en")]
    assert "<img src=x" not in html   # a title is text
    assert html.count("<details open>") == 2 and "book-head" not in html.split("</head>")[1] and "book-nav" not in html
    assert html.count("Table 1.1") == 2 and "<script" not in html


def first_words(html: str) -> str:
    """The first words a reader sees (the body's first visible text)."""
    text = Visible()
    text.feed(html.split("<body", 1)[1].split(">", 1)[1])
    return " ".join(" ".join(text.text).split()[:2]).rstrip(".")


def test_what_every_page_states_the_document_states_once():
    """The banner and the small-cell policy first, the package versions last, each once, though every page has them."""
    titles = {"01_cleaning": "01 · Cleaning", "02_usage": "02 · Use"}
    html = document.combined({stem: page(stem, title) for stem, title in titles.items()}, "run_en", manifest(titles))
    assert [html.count(text) for text in ("Synthetic data.", "[c] = not shown", "Versions of the packages")] == [1, 1, 1]
    assert html.index("[c] = not shown") < html.index('id="ch-01_cleaning"') < html.index('id="ch-02_usage"') \
        < html.index("Versions of the packages")
    ids, links = ids_and_links(html)
    assert not [i for i, n in ids.items() if n > 1] and not [link for link in links if link not in ids]


def test_the_book_ends_with_this_projects_choices_where_every_pages_mark_leads():
    """Issue 22: the assumptions are a page of the book; a chapter's link to one choice (its mark †) points at that
    choice's row in the book, for every choice data/ASSUMPTIONS.md lists."""
    linked = page("01_cleaning", "01 · Cleaning").replace("refs</a>", 'refs</a> <a href="assumptions.html#speeder-rule">†</a>')
    html = document.combined({"01_cleaning": linked}, "run_en", manifest({"01_cleaning": "01"}))
    ids, links = ids_and_links(html)
    assert "ch-assumptions-speeder-rule" in links and not [link for link in links if link not in ids]
    assert {f"ch-assumptions-{choice}" for choice in assumptions.ids()} <= set(ids)
    assert html.index('id="ch-01_cleaning"') < html.index('id="ch-assumptions"') < html.index("Versions of the packages")


def test_the_synthetic_banner_comes_first():
    html = document.combined({"01_cleaning": page("01_cleaning", "01 · Cleaning")}, "run_en", manifest({"01_cleaning": "01"}))
    assert first_words(html) == "Synthetic data" and "commit abc1234" in html   # the banner names the code's commit


# --- End to end: the document of a run ------------------------------------------------------------

def pdf_outline(pdf: bytes) -> list[str]:
    """The titles of a PDF's outline (bookmarks: its headings) as Chromium writes them, ASCII as a literal string,
    other text as UTF-16 in hex; the document's own title among them."""
    return [bytes.fromhex(hexa.decode()).decode("utf-16-be") if hexa else re.sub(rb"\\(.)", rb"\1", literal).decode("latin-1")
            for hexa, literal in re.findall(rb"/Title (?:<FEFF([0-9A-Fa-f]*)>|\(((?:\\.|[^\\)])*)\))", pdf)]


def check_pdf(pdf: bytes, book: str) -> None:
    """A PDF of the document `book` (its HTML): a page at least for the title and each chapter, and the chapters'
    titles in order in its outline (where a title wraps over two lines, Chromium drops the space: not compared)."""
    chapters = [re.sub(r"\s", "", title) for title in chapter_titles(book)]
    outline = [re.sub(r"\s", "", title) for title in pdf_outline(pdf)]
    assert pdf.startswith(b"%PDF") and len(re.findall(rb"/Type /Page\b", pdf)) > len(chapters)
    assert [title for title in outline if title in chapters] == chapters


def chapter_titles(html: str) -> list[str]:
    return [unescape(t) for t in re.findall(r'<section class="chapter" id="[^"]*" aria-label="([^"]*)"', html)]


def captions(html: str) -> list[str]:
    """The numbered tables' and figures' captions, in order."""
    return re.findall(r"(?:Tabel|Table|Figuur|Figure) \d+\.\d+", html)


@pytest.mark.slow
@pytest.mark.parametrize("lang, folder", [("nl", "synthetic_default"), ("en", "synthetic_default_en")])
def test_a_runs_document_holds_its_pages_in_order_in_one_language(rendered, lang, folder):
    run_dir = rendered / folder
    html = (run_dir / "book.html").read_text(encoding="utf-8")
    pages = [(run_dir / f"{stem}.html").read_text(encoding="utf-8") for stem in ("01_cleaning", "02_usage")]
    assert chapter_titles(html) == [*(unescape(re.search(r"<title>([^<]*)</title>", p)[1]) for p in pages),
                                    text.t("assumptions_title", lang)]
    assert captions(html) == captions(document.content(pages[0])) + captions(document.content(pages[1])) != []
    ids, links = ids_and_links(html)
    assert not [i for i, n in ids.items() if n > 1] and not [link for link in links if link not in ids]
    assert first_words(html) == ("Synthetische gegevens" if lang == "nl" else "Synthetic data")
    parts = html.split('<section class="chapter"')   # the front matter, then each chapter (each cites in its own language)
    assert len(parts) == 4 and not [found for part in parts if (found := foreign(part, lang))]
    assert 'href="book.html"' in (run_dir / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
@pytest.mark.skipif(document.chromium() is None, reason="the PDF needs Chromium (make book installs it)")
def test_the_pdf_has_pages_and_the_chapter_titles(rendered, tmp_path):
    pdf, book = tmp_path / "book.pdf", rendered / "synthetic_default" / "book.html"
    document.print_pdf(book, pdf)
    check_pdf(pdf.read_bytes(), book.read_text(encoding="utf-8"))
