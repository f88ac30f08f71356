"""The book: what every report page shares besides its content (the study's title, every chapter in
order, previous and next, the same page in the other language when that run is built, and in the other
version, the chapter's downloads). The runner passes `frame(...)` to nbconvert as resources["book"]; the
template (templates/offline/index.html.j2) draws it in plain HTML and CSS.

>>> book = frame([("01_cleaning", "01 · Cleaning"), ("02_usage", "02 · Use")], "02_usage", "en", "wave2", ["a.csv"], True)
>>> book["previous"]["href"], book["next"], book["language"]["href"], book["downloads"][0]["href"]
('01_cleaning.html', None, '../wave2/02_usage.html', '02_usage_files/a.csv')
"""
from __future__ import annotations

from helpers.present.text import LANGS, t

DOWNLOADS = (".csv", ".png", ".svg")
LABELS = ("chapters", "previous", "next", "downloads", "overview")


def other_language(run: str, lang: str) -> tuple[str, str]:
    """The other language and the folder of its run: a run is <export> in Dutch, <export>_en in English."""
    other = next(code for code in LANGS if code != lang)
    return other, run.removesuffix(f"_{lang}") + ("" if other == "nl" else f"_{other}")


def language_link(twin: str | None, lang: str, page: str) -> dict | None:
    """The link to `page` of the run in the other language, `twin` (its folder beside this run's), or None when
    that run is not built."""
    other = next(code for code in LANGS if code != lang)
    return {"href": f"../{twin}/{page}", "label": t("book_in_language", other), "lang": other} if twin else None


def frame(chapters: list[tuple[str, str]], stem: str, lang: str, twin: str | None, files: list[str], reviewer: bool) -> dict:
    """What the template needs for the page of chapter `stem` (of `chapters`, (file stem, title) in
    order): links within this version (reviewer or full), the twin page in the other language's run (`twin`,
    None when it is not built) and in the other version, and the chapter's `files` (names in NAME_files/)."""
    suffix = ".html" if reviewer else ".full.html"
    stems = [s for s, _ in chapters]
    here = stems.index(stem)

    def link(position: int) -> dict | None:
        inside = 0 <= position < len(chapters)
        return {"href": f"{stems[position]}{suffix}", "title": chapters[position][1]} if inside else None

    return {
        "title": t("study_title", lang),
        "chapters": [{**link(i), "current": i == here} for i in range(len(chapters))],
        "previous": link(here - 1), "next": link(here + 1),
        "language": language_link(twin, lang, f"{stem}{suffix}"),
        "version": {"href": f"{stem}{'.full.html' if reviewer else '.html'}",
                    "label": t("book_with_code" if reviewer else "book_without_code", lang)},
        "downloads": [{"href": f"{stem}_files/{name}", "label": name} for name in sorted(files)
                      if name.endswith(DOWNLOADS)],
        "labels": {key: t(f"book_{key}", lang) for key in LABELS},
    }
