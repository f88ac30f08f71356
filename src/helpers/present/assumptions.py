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


def page(lang: str) -> str:
    """The page, its frame in `lang`, its text as written (English, marked so; the report's Dutch quoted „so” is
    marked Dutch): markdown escaped, each choice's row the anchor of its id."""
    body = mistune.create_markdown(escape=True, plugins=["table"])(SOURCE.read_text(encoding="utf-8"))
    body = FIRST_CELL.sub(lambda m: f'<tr id="{m[1]}">\n  <td>{m[1]}</td>', body)
    body = DUTCH_QUOTE.sub(r'<q lang="nl">\1</q>', body)   # the report's Dutch, quoted „so”
    title = html.escape(t("assumptions_title", lang))
    return (f'<!DOCTYPE html>\n<html lang="{lang}">\n<head><meta charset="utf-8"><title>{title}</title>\n'
            '<style>body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}'
            'table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.3rem .5rem;vertical-align:top}'
            'tr:target{background:#fff3c4}</style></head>\n'
            f'<body><p><a href="index.html">{html.escape(t("back_to_index", lang))}</a></p>\n'
            f'<p>{html.escape(t("assumptions_intro", lang))}</p>\n<article lang="en">{body}</article>\n</body></html>\n')
