"""The combined reviewer document: every reviewer page of a run in one HTML file (book.html) and, when asked,
its PDF (book.pdf, printed by headless Chromium), for reviewers who print or annotate.

Made from the rendered pages (NAME.html), so it shows what they show with the same table and figure numbers:
what every page states first (the data banner and the small-cell policy) once, a title page with the study's
reference, the data source and a table of contents, then each page's content (what its <main> holds, without
those first lines and without its package versions) as a chapter, with its folded parts open, this project's
choices (the run's assumptions.html, where every page's mark † leads) as the last chapter, and the package
versions once at the end. The pages mark what they state for the document to state once (templates/offline:
`<!-- book:run-banner -->`, `<!-- book:versions -->`). Ids are prefixed with the chapter (`ch-02_usage-…`), so they stay unique (nbconvert's heading
anchors repeat from page to page); links within a page or to another chapter point inside the document.

The pages are nbconvert's output as BeautifulSoup serialises it: attribute values in double quotes, '<' and
'>' escaped outside tags. So tags are found by pattern, without parsing 4 MB a second time.

>>> prefixed('<h2 id="Bron">Bron<a href="#Bron">¶</a></h2><a href="03_pros_cons.html#Bron">3</a>', "02_usage", ["03_pros_cons"])
'<h2 id="ch-02_usage-Bron">Bron<a href="#ch-02_usage-Bron">¶</a></h2><a href="#ch-03_pros_cons-Bron">3</a>'
"""
from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from markupsafe import Markup

from helpers.present import assumptions
from helpers.present.landing import run_view, template
from helpers.present.text import t

TAG = re.compile(r"<[A-Za-z][^>]*>")
LINK = re.compile(r'(\s(?:id|href)=")([^"]*)"')
STYLE = re.compile(r"(<style[^>]*>)(.*?)(</style>)", re.S)
OPEN = re.compile(r"<details\b(?![^>]*\sopen[\s=>])")   # folded parts open: a printed page shows them
PAGE_LINK = re.compile(r"(\d\d_[\w-]+|assumptions)\.html(?:#(.*))?")
ASSUMPTIONS = "assumptions"   # the run's page of this project's choices: the document's last chapter
ONCE = re.compile(r"<!-- book:([\w-]+) -->(.*?)<!-- /book:\1 -->", re.S)   # what a page states that the document states once
CHROMIUM = "chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-pdf-header-footer", "--generate-pdf-document-outline"]


def anchor(stem: str, fragment: str | None = None) -> str:
    """The id of a chapter, or of an element in it, inside the document."""
    return f"ch-{stem}" if fragment is None else f"ch-{stem}-{fragment}"


def prefixed(html: str, stem: str, stems: list[str]) -> str:
    """A page's content with every id made the chapter's, and its links within the page and to the
    document's other chapters (`stems`) pointed inside the document; the pages' own style blocks (pandas
    Styler's, `#T_…` selectors) follow their tables' ids."""
    ids = set(re.findall(r'\sid="([^"]*)"', "".join(TAG.findall(html))))

    def link(match: re.Match) -> str:
        attribute, value = match.groups()
        page = PAGE_LINK.fullmatch(value)
        if attribute.strip().startswith("id"):
            value = anchor(stem, value)
        elif value.startswith("#"):
            value = "#" + anchor(stem, value[1:])
        elif page and page[1] in stems:
            value = "#" + anchor(page[1], page[2])
        return f'{attribute}{value}"'

    def style(match: re.Match) -> str:
        rules = re.sub(r"#([A-Za-z_][\w-]*)", lambda m: f"#{anchor(stem, m[1])}" if m[1] in ids else m[0], match[2])
        return match[1] + rules + match[3]

    return TAG.sub(lambda tag: LINK.sub(link, tag[0]), STYLE.sub(style, html))


def content(page: str) -> str:
    """What a rendered page's <main> holds: its content without the frame."""
    return page[page.index("<main>") + len("<main>"):page.rindex("</main>")]


def styles(page: str) -> str:
    """The style blocks of a page's head (JupyterLab's and the frame's)."""
    return "\n".join(m[0] for m in STYLE.finditer(page[:page.index("</head>")]))


def stated_once(page: str) -> dict[str, str]:
    """What a page's content states that the document states once, by name ('run-banner', 'versions')."""
    return {name: html for name, html in ONCE.findall(content(page))}


def combined(pages: dict[str, str], name: str, manifest: dict) -> str:
    """The document: `pages` (file stem -> rendered reviewer page, in the run's chapter order) of run `name`,
    whose manifest gives the chapters' titles, the data source and the date; the first page's first lines and
    package versions stand for every page's."""
    lang = manifest.get("lang", "nl")
    stems = [*pages, ASSUMPTIONS]
    chapters = [{"id": anchor(stem), "title": manifest["reports"][stem]["title"],
                 "body": Markup(prefixed(OPEN.sub("<details open", ONCE.sub("", content(page))), stem, stems))}
                for stem, page in pages.items()]
    chapters.append({"id": anchor(ASSUMPTIONS), "title": t("assumptions_title", lang),   # what the pages' mark † links to
                     "body": Markup(prefixed(assumptions.body(lang), ASSUMPTIONS, stems))})
    once = {part: Markup(prefixed(html, stems[0], stems)) for part, html in stated_once(pages[stems[0]]).items()}
    return template("document.html.j2").render(lang=lang, title=t("study_title", lang), run=run_view(name, manifest),
                                               chapters=chapters, once=once, styles=Markup(styles(next(iter(pages.values())))),
                                               t=lambda key, lang=lang: t(key, lang))


def chromium() -> str | None:
    """Where Chromium is (None when it is not installed: `make book` installs Debian's package)."""
    return shutil.which(CHROMIUM)


def print_pdf(html: Path, pdf: Path) -> None:
    """Print the document to PDF with headless Chromium (A4, as its print style asks), offline: a page
    that loads nothing from outside, a fresh profile that is removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="book-chromium-") as profile:
        done = subprocess.run([chromium() or CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", f"--print-to-pdf={pdf}",
                               html.resolve().as_uri()], capture_output=True, text=True, timeout=300)
    if done.returncode or not pdf.is_file() or pdf.stat().st_size == 0:
        raise RuntimeError(f"Chromium printed no PDF of {html} (exit {done.returncode}): {done.stderr[-500:]}")
