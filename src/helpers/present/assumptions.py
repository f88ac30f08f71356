"""data/ASSUMPTIONS.md as a page of every run (assumptions.html): every choice this project made where the report
is silent, each under its id, the target of the links that the pages' mark † leads to (Chapter.versions)."""
from __future__ import annotations

import html
import re

import mistune

from helpers.paths import DATA_DIR
from helpers.present.text import t

SOURCE = DATA_DIR / "ASSUMPTIONS.md"
FIRST_CELL = re.compile(r"<tr>\s*<td>([a-z][a-z0-9-]*)</td>")
DUTCH_QUOTE = re.compile(r"„([^”<]*)”")


def ids() -> list[str]:
    """The ids of the choices: the first column of the tables of data/ASSUMPTIONS.md headed `| id |` (in order)."""
    tables = re.findall(r"^\| id \|.*\n\|[-| ]+\|\n((?:\|.*\n)+)", SOURCE.read_text(encoding="utf-8"), flags=re.M)
    return [row.split("|")[1].strip() for table in tables for row in table.splitlines()]


def body(lang: str) -> str:
    """What the page and the book's last chapter show: the title and intro in `lang`, then the text as written (English,
    marked so; the report's Dutch quoted „so” is marked Dutch), markdown escaped, each choice's row the anchor of
    its id."""
    text = mistune.create_markdown(escape=True, plugins=["table"])(SOURCE.read_text(encoding="utf-8"))
    text = FIRST_CELL.sub(lambda m: f'<tr id="{m[1]}">\n  <td>{m[1]}</td>', text)
    text = DUTCH_QUOTE.sub(r'<q lang="nl">\1</q>', text)   # the report's Dutch, quoted „so”
    text = re.sub(r"<h1>.*?</h1>\n?", "", text, count=1)   # its English heading: the title in `lang` stands for it
    return (f'<h1>{html.escape(t("assumptions_title", lang))}</h1>\n<p>{html.escape(t("assumptions_intro", lang))}</p>\n'
            f'<article lang="en">{text}</article>')


def page(lang: str) -> str:
    """The page of a run, its frame in `lang`."""
    title = html.escape(t("assumptions_title", lang))
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head><meta charset="utf-8">\n'
            '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; style-src \'unsafe-inline\'; '
            'base-uri \'none\'; form-action \'none\'">\n'
            f'<title>{title}</title>\n'
            '<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}'
            'table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top}'
            'tr:target{background:#fff3c4}</style></head>\n'
            f'<body><p><a href="index.html">{html.escape(t("back_to_index", lang))}</a></p>\n{body(lang)}\n</body></html>\n')
