"""Every rendered report in a real browser (headless Debian Chromium, driven by Playwright): no console
errors, every image decoded, every internal link resolves, an axe-core audit without serious or critical
violations, and a screenshot saved beside the report; the same for each run's combined document (book.html),
whose PDF (book.pdf) has the chapters' titles as its outline. Run by `make browser-test` after the reports of
both languages are built (with --pdf); it reads what is in reports/.
"""
import re
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from helpers.ingest.codebook import load_codebook
from helpers.paths import REPORTS_DIR
from tests.page_language import Visible, foreign
from tests.test_document import check_pdf

pytestmark = pytest.mark.browser

AXE = Path(__file__).parent / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
         "--disable-component-update", "--disable-sync"]
PAGES = sorted([*REPORTS_DIR.glob("*/[0-9][0-9]_*.html"), *REPORTS_DIR.glob("*/index.html"), REPORTS_DIR / "index.html",
                *REPORTS_DIR.glob("*/book.html")])
PAGES = [p for p in PAGES if p.exists() and not p.name.endswith(".full.html")]


def test_there_are_reports_in_both_languages():
    runs = {p.parent.name for p in PAGES if p.parent != REPORTS_DIR}
    assert any(r.endswith("_en") for r in runs) and any(not r.endswith("_en") for r in runs), runs


@pytest.mark.parametrize("page_path", [*PAGES, *REPORTS_DIR.glob("*/assumptions.html")], ids=lambda p: str(p.relative_to(REPORTS_DIR)))
def test_a_page_speaks_its_language_only(page_path):
    """Every chapter, run index, landing page, book and assumptions page: no word of the other language outside what
    is marked as such; in Dutch no decimal point and no negative zero (tests/page_language.py)."""
    html = page_path.read_text(encoding="utf-8")
    assert not foreign(html, re.search(r'<html lang="(\w+)"', html).group(1))


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield chromium
        chromium.close()


@pytest.mark.parametrize("page_path", PAGES, ids=lambda p: str(p.relative_to(REPORTS_DIR)))
def test_page_in_a_real_browser(browser, page_path):
    page = browser.new_page(viewport={"width": 1200, "height": 900}, bypass_csp=True)   # the axe script is injected below
    errors = []
    page.on("console", lambda message: errors.append(f"{message.text} {message.location}") if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page_path.as_uri())
    page.wait_for_load_state("load")
    assert not errors, errors
    undecoded = page.evaluate("Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.alt)")
    assert not undecoded, undecoded
    # a fragment resolves to the element whose id is the fragment as written, or percent-decoded (HTML spec)
    missing = page.evaluate("Array.from(document.querySelectorAll('a[href^=\"#\"]')).map(a => a.getAttribute('href').slice(1))"
                            ".filter(f => !document.getElementById(f) && !document.getElementById(decodeURIComponent(f)))")
    assert not missing, f"links to no element: {missing}"
    files = page.evaluate("Array.from(document.querySelectorAll('a[href]')).map(a => a.getAttribute('href')).filter(h => !h.startsWith('#') && !h.includes('://'))")
    broken = [f for f in files if not (page_path.parent / f.split("#")[0]).exists()]
    assert not broken, f"links to missing files: {broken}"
    if re.match(r"\d\d_", page_path.name):   # a chapter: the book's frame, its links among those resolved above
        frame = page.evaluate("({language: document.querySelectorAll('header a[hreflang]').length,"
                              " pager: document.querySelectorAll('a[rel=prev], a[rel=next]').length,"
                              " current: document.querySelectorAll('nav a[aria-current=page]').length})")
        assert frame == {"language": 1, "pager": frame["pager"] or 1, "current": 1} and frame["pager"], frame
    page.evaluate(AXE.read_text(encoding="utf-8"))   # through the debugging protocol: the page's policy forbids scripts
    violations = page.evaluate("async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
                               ".filter(v => ['serious', 'critical'].includes(v.impact))"
                               ".map(v => `${v.id} (${v.impact}): ${v.nodes.length} node(s), e.g. ${v.nodes[0].target.join(' ')}`)")
    assert not violations, violations
    shots = page_path.parent / "screenshots"
    shots.mkdir(exist_ok=True)
    page.screenshot(path=str(shots / f"{page_path.stem}.png"), full_page=page_path.name != "book.html")   # the book: its first screen
    page.close()


@pytest.mark.parametrize("book", sorted(REPORTS_DIR.glob("*/book.html")), ids=lambda p: p.parent.name)
def test_each_book_has_its_pdf_with_the_chapters_as_outline(book):
    check_pdf(book.with_suffix(".pdf").read_bytes(), book.read_text(encoding="utf-8"))


def dutch_only_labels() -> set[str]:
    """Codebook labels and texts whose Dutch wording differs from the English (the ones that would show
    a Dutch label left in an English report)."""
    cb = load_codebook()
    labels = set()
    for var in cb.variables.values():
        pairs = [(var.text["nl"], var.text["en"])] + [(v["nl"], v["en"]) for v in (var.values or {}).values()]
        labels |= {nl for nl, en in pairs if nl != en and len(nl) > 4}
    labels |= {spec["nl"] for spec in cb.scales.values() if spec["nl"] != spec["en"]}
    return labels


@pytest.mark.parametrize("page_path", [p for p in PAGES if p.parent.name.endswith("_en") and p.name != "index.html"],
                         ids=lambda p: p.name)
def test_no_dutch_label_left_in_an_english_report(page_path):
    parser = Visible("en")   # what is marked Dutch (the report's quoted sentences, its title) is left out
    parser.feed(page_path.read_text(encoding="utf-8"))
    text = re.sub(r"\s+", " ", " ".join(parser.text))
    left = sorted(label for label in dutch_only_labels() if re.search(rf"(?<!\w){re.escape(label)}(?!\w)", text))
    assert not left, left
