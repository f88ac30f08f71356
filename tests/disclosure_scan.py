"""A disclosure scanner: reads every artefact of one run and lists each small count it shows or implies.

`scan_run(run_dir, min_cell)` returns Findings (file, table or figure, cell, rule, value). A small count
is 1..min_cell-1 respondents; a hidden cell is shown as "[c]" (helpers.disclosure.HIDDEN), "<k", "·", "—"
or empty.

What it reads: the reviewer pages (NAME.html: every table, the narrative text, every img alt text), the
combined reviewer document (book.html, read as a page: it holds every page's content again), the run's
index.html, every CSV, SVG and key_figure.txt in NAME_files/. A Dutch page (<html lang="nl">) and its key
figure write numbers as Dutch does ("13,2", "12 345"): they are read as numbers ("13.2", "12345"). SVGs
are read for <text>, <title> and <desc>; matplotlib writes text as paths (rcParams['svg.fonttype'] ==
'path'), so today an SVG holds no readable text and a chart's labels are checked through its alt text. The
.full.html pages show the same outputs as the reviewer pages and are not read, nor is book.pdf (printed
from book.html). PNG pixels are not read.

The rules, and exactly what each checks:
(a) direct: a table cell in a count column (header "n", "N", "…: n", "… (N)" with "value (n)" cells,
    one containing "aantal", the catalogue's rows/excluded/remaining/answers-given columns, or every
    column of a crosstab: a table whose columns after the first hold only integers and hidden marks)
    holding 1..min_cell-1; a "(n)"/"(N)" row of the published-versus-reproduced table whose computed
    value is 1..min_cell-1; a phrase "n = 3", "N=3", "(N=3)", "n 3", "n: 3", "3 van N = 478", "3 of N = 478",
    "3 respondenten", "3 respondents" in narrative, captions, headers, alt texts, SVG text and key figures;
    an alt-text segment "label: 3" (a chart's count label).
(b) percentage x base: a percentage (column header "%…", "…: % …", "% …", not "95% CI"; in alt texts
    "(N=415) 22.2", "% 22.2" or "22%" under a title "(N=415)") with its base: "(N=…)" in the header, else
    in the caption, else the table's total row, else the row's own n/N (a group's size, as in "use by
    age"). Every count the shown digits allow (p ± half a unit of its last digit) is computed; a finding
    when all of them, or all of their complements (base - count), lie in 1..min_cell-1. A percentage
    that may be 0 or 100 is passed over: it says nothing its base does not (the base is rule a's).
    In the weighted table the unweighted value of a row of kind "%" is a percentage of the row's n. In a
    sentence, a percentage is a share of the N stated next after it, in parentheses ("(4.2% often or
    always; N = 24)", "Claude (65.4% of users), then Copilot (46.2%; N = 26)"); "95% CI" ("95% BI") is none.
(c) differencing within a table: a table with a total row ("Totaal"/"Total" first): the total minus
    the shown cells of a count column, when at least one cell is hidden, in 1..min_cell-1; the same for
    a percentage column whose total reads 100 (through its base, with rounding as in b).
(d) across tables of the run that share a total: (1) a table whose categories equal another table's
    categories with a total row (same count column name) is differenced against that total; (2) a
    crosstab row or column whose label has a count in a one-count table elsewhere is differenced
    against it; (3) a "(n)" row of the published-versus-reproduced table whose computed value is hidden
    but recoverable as published + difference, or lies within a tolerance of a small published value.

What it does not check: percentages in a sentence after its last "(… N = …)" ("… (N = 63); 22.2% of
them"), means and SDs of small groups, weighted percentages, the waves table's "value (n)"
percentages, counts in a sentence not phrased as above ("63 van de 478"), differencing through more than
one step, rows of a multiple-response table against the number of respondents (options overlap), the PNG
images, the raw notebooks and the processed data.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import pandas as pd
from bs4 import BeautifulSoup

from helpers.disclosure import HIDDEN
from helpers.present.text import t

LANGS = ("nl", "en")
NUMBER = re.compile(r"[+-]?\d+(?:\.\d+)?")
BASE = re.compile(r"\(N\s*=\s*(\d+)\)")
COUNT_PHRASE = re.compile(r"(?<![\w.])[nN]\s*(?:=|:)?\s*(\d+)(?!\d)(?![.,]\d)(?!\s*%)")
TEXT_COUNT = re.compile(r"(?<![\w.])(\d+)\s+(?:(?:van|of)\s+N\s*=\s*\d+|respondent(?:en|s)?\b)")
SENTENCE = re.compile(r"(?<=[.!?])\s+")
BASED_GROUP = re.compile(r"\([^()]*\bN\s*=\s*(\d+)[^()]*\)")   # "(…; N = 415)": the base of the percentages before it
TEXT_PERCENT = re.compile(r"(?<![\w.])(\d+(?:\.\d+)?)%(?!\s*(?:CI|BI)\b)")
ALT_COUNT = re.compile(r"^([^:;]+):\s(\d+)(?:\s\(−(\d+)\))?$")
ALT_BASED = re.compile(r"\(N=(\d+)\)\s+(\d+(?:\.\d+)?)(?![\d%])")
ALT_PERCENT = re.compile(r"%\s(\d+(?:\.\d+)?)|(\d+(?:\.\d+)?)%")


@dataclass(frozen=True)
class Finding:
    file: str    # relative to the run folder
    where: str   # the table's caption, the figure's alt text or "text"
    cell: str    # row · column, or the phrase
    rule: str    # a direct, b percent x base, c total minus parts, d across tables
    value: str   # what is shown and the count it gives away

    def __str__(self) -> str:
        return f"{self.file} | {self.where[:60]} | {self.cell[:70]} | ({self.rule}) {self.value}"


@dataclass
class Table:
    file: str
    title: str
    header: list[str]
    rows: list[list[str]]
    base_of: dict[int, int] = field(default_factory=dict)   # a percentage column -> the column of its base in the same row


def words(*keys: str) -> set[str]:
    """The catalogue's wording of `keys` in both languages."""
    return {t(k, lang) for k in keys for lang in LANGS}


COUNT_HEADERS = words("col_rows", "col_excluded", "col_remaining", "col_answers_given")
TOTAL = words("total")
PUBLISHED = words("col_figure")
YES = words("answer_yes")
UNWEIGHTED = words("col_unweighted")   # the weighted table: a percentage in the rows of kind "%"


# --- Reading a run -------------------------------------------------------------------------------

def scan_run(run_dir: Path, min_cell: int) -> list[Finding]:
    """Every small count shown or implied by the run's artefacts (rules a-d of the module's docstring)."""
    run_dir = Path(run_dir)
    tables, texts = [], []
    pages = [p for p in sorted(run_dir.glob("*.html")) if not p.name.endswith(".full.html")]
    langs = {}
    for page in pages:
        page_tables, page_texts, langs[page.stem] = read_page(page, run_dir)
        tables += page_tables
        texts += page_texts
    for path in sorted(run_dir.glob("*_files/*")):
        name = str(path.relative_to(run_dir))
        if path.suffix == ".csv":
            tables.append(read_csv(path, name))
            texts.append((name, "header", " ".join(tables[-1].header)))
        elif path.suffix == ".svg":
            texts += [(name, "svg text", s) for s in svg_texts(path)]
        elif path.name == "key_figure.txt":
            lang = langs.get(path.parent.name.removesuffix("_files"))
            texts.append((name, "key figure", delocalise(path.read_text(encoding="utf-8"), lang)))
    findings = [f for table in tables for f in scan_table(table, min_cell)]
    findings += [f for text in texts for f in scan_text(*text, min_cell)]
    findings += across_tables(tables, min_cell)
    return list(dict.fromkeys(findings))


def read_page(path: Path, run_dir: Path) -> tuple[list[Table], list[tuple[str, str, str]], str | None]:
    """A page's tables, its texts (narrative without tables, styles and scripts; captions; alt texts), its
    language."""
    name = str(path.relative_to(run_dir))
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    lang = soup.html.get("lang") if soup.html else None
    tables = [html_table(tag, name, lang) for tag in soup.find_all("table")]
    texts = [(name, "alt text", delocalise(img.get("alt", ""), lang)) for img in soup.find_all("img")]
    texts += [(name, "caption: " + table.title, " ".join([table.title, *table.header])) for table in tables]
    for tag in soup.find_all(["table", "style", "script"]):
        tag.decompose()
    texts.append((name, "text", delocalise(soup.get_text(" "), lang)))
    return tables, texts, lang


def html_table(tag, file: str, lang: str | None) -> Table:
    """A table as caption, header (the last header row) and body rows of cell texts."""
    caption = tag.find("caption")
    rows = [[delocalise(cell.get_text(" ", strip=True), lang) for cell in tr.find_all(["td", "th"])]
            for tr in tag.find_all("tr")]
    head_rows = tag.find("thead").find_all("tr") if tag.find("thead") else []
    header = rows[len(head_rows) - 1] if head_rows else []
    title = delocalise(caption.get_text(" ", strip=True), lang) if caption else ""
    return Table(file, title, header, rows[len(head_rows):])


def delocalise(text: str, lang: str | None) -> str:
    """Numbers as Dutch writes them (helpers.present.text.number: decimal comma, a no-break space between
    thousands) with a decimal point and no space ("13,2" -> "13.2", "12 345" -> "12345"), for the rules
    below; other languages' text unchanged."""
    if lang != "nl":
        return text
    return re.sub(r"(?<=\d)\u00a0(?=\d{3}(?!\d))", "", re.sub(r"(?<=\d),(?=\d)", ".", text))


IDENTIFIERS = {"variable", "variables", "code", "context", "option", "group", "step", "status", "reason", "id", "scale", "a", "b",
               "x", "y", "predictor", "outcome", "factor", "item", "test", "kind", "level", "label_x", "label_y", "scale_label"}
TIDY_PERCENT = re.compile(r"percent(_\w+)?|share_\w+")


def read_csv(path: Path, name: str) -> Table:
    """A download as a table: a result's tidy frame (helpers.present.result), its label (or first) column first,
    identifiers and hidden-value flags left out, whole-number floats ('12.0') as whole numbers, and each
    percentage's base in the same row (`percent` of `base`, `percent_<x>` of `base_<x>`, a `share_` of `n`)."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    first = "label" if "label" in frame else frame.columns[0]
    columns = [first, *(c for c in frame.columns if c != first and c not in IDENTIFIERS and not c.startswith("hidden_"))]
    frame = frame[columns].apply(lambda column: column if TIDY_PERCENT.fullmatch(column.name) else column.str.replace(r"^(-?\d+)\.0$", r"\1", regex=True))
    base_of = {i: columns.index(base) for i, c in enumerate(columns) if TIDY_PERCENT.fullmatch(c)
               for base in [("n" if c.startswith("share_") else c.replace("percent", "base", 1))] if base in columns}
    return Table(name, path.stem, [str(c) for c in frame.columns], frame.to_numpy().tolist(), base_of)


def svg_texts(path: Path) -> list[str]:
    """The readable text of an SVG: its <text>, <title> and <desc> elements."""
    return [" ".join(el.itertext()) for el in ElementTree.parse(path).iter()
            if el.tag.rsplit("}", 1)[-1] in ("text", "title", "desc")]


# --- Cells ---------------------------------------------------------------------------------------

def number(cell: str) -> float | None:
    cell = cell.strip().replace("−", "-")
    return float(cell) if NUMBER.fullmatch(cell) else None


def integer(cell: str) -> int | None:
    value = number(cell)
    return int(value) if value is not None and value == int(value) and "." not in cell else None


def hidden(cell: str) -> bool:
    return cell.strip() in ("", "·", "—", "-", HIDDEN) or bool(re.fullmatch(r"<\s*\d+", cell.strip()))


def small(count: int, min_cell: int) -> bool:
    return 1 <= count < min_cell


def decimals(cell: str) -> int:
    """Decimal places a number was rounded to, as far as its text tells: trailing zeros may be padding
    ("85.20" from a table formatted to two places holds 85.2)."""
    return len(cell.partition(".")[2].rstrip("0"))


def counts_from(percent: str, base: int) -> range:
    """Every count of `base` that a percentage as shown (rounded to its digits) can stand for; none when it
    can be 0 or all of the base (then it says nothing the base does not)."""
    half = 0.5 * 10 ** -decimals(percent)
    p = float(percent)
    counts = range(math.ceil((p - half) * base / 100 - 1e-9), math.floor((p + half) * base / 100 + 1e-9) + 1)
    return range(0) if 0 in counts or base in counts else counts


def all_small(counts, min_cell: int) -> bool:
    counts = list(counts)
    return bool(counts) and all(small(c, min_cell) for c in counts)


def gives_away(percent: str, base: int, min_cell: int) -> bool:
    """Whether a percentage as shown, of `base`, stands only for small counts or only for small complements."""
    counts = counts_from(percent, base)
    return all_small(counts, min_cell) or all_small([base - c for c in counts], min_cell)


# --- One table -----------------------------------------------------------------------------------

def is_count_header(header: str) -> bool:
    h = header.strip()
    return (h in ("n", "N") or bool(re.search(r":\s*[nN]$", h)) or "aantal" in h.lower() or h in COUNT_HEADERS
            or h.endswith("(N)") or h in TIDY_COUNTS or h.startswith(("n_", "base_")))


TIDY_COUNTS = {"base", "total", "excluded", "remaining"}   # a result frame's count columns besides n


def is_percent_header(header: str) -> bool:
    return ("%" in header and not re.search(r"\d\s*%", header)) or bool(TIDY_PERCENT.fullmatch(header.strip()))


def is_crosstab(table: Table) -> bool:
    """Every column after the first holds only whole numbers and hidden marks, at least one number each,
    and none is a percentage."""
    columns = list(zip(*table.rows))[1:] if table.rows else []
    return bool(columns) and not any(map(is_percent_header, table.header)) and all(all(integer(c) is not None or hidden(c) for c in col) and any(integer(c) is not None for c in col)
                                 for col in columns)


def count_columns(table: Table) -> list[int]:
    if is_crosstab(table):
        return list(range(1, len(table.header)))
    return [i for i, h in enumerate(table.header) if (i or len(table.header) == 1) and is_count_header(h)]


def total_row(table: Table) -> list[str] | None:
    return next((r for r in table.rows if r and r[0].strip() in TOTAL), None)


def body(table: Table) -> list[list[str]]:
    return [r for r in table.rows if r and r[0].strip() not in TOTAL]


def cell_count(header: str, cell: str) -> int | None:
    """The count a cell of a count column shows ('value (n)' under a header '… (N)')."""
    if header.strip().endswith("(N)"):
        match = re.search(r"\((\d+)\)\s*$", cell)
        return int(match.group(1)) if match else None
    return integer(cell)


def scan_table(table: Table, min_cell: int) -> list[Finding]:
    findings = direct_cells(table, min_cell) + percent_cells(table, min_cell) + total_minus_parts(table, min_cell)
    if table.header and table.header[0].strip() in PUBLISHED:
        findings += published_rows(table, min_cell)
    return findings


def finding(table: Table, row: list[str], column: str, rule: str, value: str) -> Finding:
    return Finding(table.file, table.title, f"{row[0] if row else ''} · {column}", rule, value)


def direct_cells(table: Table, min_cell: int) -> list[Finding]:
    """Rule a: a small count in a count column."""
    out = []
    for i in count_columns(table):
        for row in table.rows:
            count = cell_count(table.header[i], row[i]) if i < len(row) else None
            if count is not None and small(count, min_cell):
                out.append(finding(table, row, table.header[i], "a", f"n = {count}"))
    return out


def percent_base(table: Table, column: int, row: list[str]) -> int | None:
    """The base of a percentage cell: its base column in the same row (a result frame), (N=…) in its header, the
    caption, the total row, or the row's own n."""
    if column in table.base_of:
        return integer(row[table.base_of[column]])
    for text in (table.header[column], table.title):
        if match := BASE.search(text):
            return int(match.group(1))
    counts = [i for i in count_columns(table) if i < len(row)]
    total = total_row(table)
    if total and counts and integer(total[counts[0]]) is not None:
        return integer(total[counts[0]])
    own = [integer(row[i]) for i in counts if integer(row[i]) is not None]
    return own[0] if own else None


def percent_cells(table: Table, min_cell: int) -> list[Finding]:
    """Rule b: a percentage and its base give a small count, or a small complement."""
    out = []
    for i, header in enumerate(table.header):
        if not i or i in count_columns(table):
            continue
        for row in body(table):
            percent = is_percent_header(header) or (header.strip() in UNWEIGHTED and "%" in row)
            if not percent or i >= len(row) or number(row[i]) is None or (base := percent_base(table, i, row)) is None:
                continue
            out += implied(table, row, header, row[i].strip(), base, min_cell)
    return out


def implied(table: Table, row: list[str], header: str, percent: str, base: int, min_cell: int) -> list[Finding]:
    counts = counts_from(percent, base)
    if all_small(counts, min_cell):
        return [finding(table, row, header, "b", f"{percent}% of {base} = {counts[0]}")]
    if all_small([base - c for c in counts], min_cell):
        return [finding(table, row, header, "b", f"{percent}% of {base}: complement {base - counts[-1]}")]
    return []


def total_minus_parts(table: Table, min_cell: int) -> list[Finding]:
    """Rule c: the total row minus the shown cells of a column leaves a small count."""
    total = total_row(table)
    if total is None:
        return []
    out = []
    for i in count_columns(table):
        out += differenced(table, i, integer(total[i]), "c", min_cell)
    for i, header in enumerate(table.header):
        if i and is_percent_header(header) and number(total[i]) == 100:
            cells = [r[i] for r in body(table)]
            if any(hidden(c) for c in cells) and (base := percent_base(table, i, total)):
                rest = 100 - sum(number(c) for c in cells if not hidden(c))
                digits = max(map(decimals, cells), default=0)
                spread = 0.5 * 10 ** -digits * len(cells)
                counts = range(math.ceil((rest - spread) * base / 100), math.floor((rest + spread) * base / 100) + 1)
                if all_small(counts, min_cell):
                    out.append(finding(table, total, header, "c", f"100 - shown % = {rest:.1f}% of {base}"))
    return out


def differenced(table: Table, column: int, total: int | None, rule: str, min_cell: int, label: str = "") -> list[Finding]:
    """A column's total minus its shown cells, when cells are hidden and the rest is small."""
    cells = [r[column] for r in body(table) if column < len(r)]
    shown = [integer(c) for c in cells if integer(c) is not None]
    if total is None or not any(hidden(c) for c in cells) or len(shown) + sum(map(hidden, cells)) != len(cells):
        return []
    rest = total - sum(shown)
    if not small(rest, min_cell):
        return []
    return [finding(table, ["Σ hidden"], table.header[column], rule, f"{label}total {total} - shown {sum(shown)} = {rest}")]


def published_rows(table: Table, min_cell: int) -> list[Finding]:
    """Rules a and d on published versus reproduced: a '(n)' row's computed value, shown or recoverable."""
    out = []
    for row in table.rows:
        if len(row) < 6 or not re.search(r"\((n|N)\)$", row[0].strip()):
            continue
        published, computed, difference, tolerance, within = (number(row[1]), row[2], number(row[3]), number(row[4]),
                                                              row[5].strip())
        if integer(computed) is not None and small(integer(computed), min_cell):
            out.append(finding(table, row, table.header[2], "a", f"n = {computed}"))
        elif hidden(computed) and published is not None and difference is not None and small(round(published + difference), min_cell):
            out.append(finding(table, row, table.header[3], "d", f"published {row[1]} + difference {row[3]}"))
        elif hidden(computed) and published is not None and tolerance is not None and within in YES:
            counts = range(math.ceil(published - tolerance), math.floor(published + tolerance) + 1)
            if all_small(counts, min_cell):
                out.append(finding(table, row, table.header[5], "d", f"published {row[1]} ± {row[4]}: within"))
    return out


# --- Texts ---------------------------------------------------------------------------------------

def scan_text(file: str, where: str, text: str, min_cell: int) -> list[Finding]:
    """Rules a and b in a text: count phrases, percentages with the base that follows them; in alt texts
    also count labels and percentages with a base."""
    where = where if where != "alt text" else "alt: " + text[:50]
    out = [Finding(file, where, m.group(0), "a", f"n = {m.group(1)}")
           for pattern in (COUNT_PHRASE, TEXT_COUNT) for m in pattern.finditer(text) if small(int(m.group(1)), min_cell)]
    for sentence in SENTENCE.split(" ".join(text.split())):
        start = 0
        for group in BASED_GROUP.finditer(sentence):
            base = int(group.group(1))
            for percent in TEXT_PERCENT.findall(sentence, start, group.end()):
                if gives_away(percent, base, min_cell):
                    out.append(Finding(file, where, sentence[start:group.end()].strip(), "b", f"{percent}% of {base}"))
            start = group.end()
    if where.startswith("alt: "):
        out += alt_segments(file, where, text, min_cell)
    return out


def alt_segments(file: str, where: str, text: str, min_cell: int) -> list[Finding]:
    title, _, rest = text.partition(". ")
    title_base = BASE.search(title)
    out = []
    for segment in rest.split("; "):
        segment = segment.strip().rstrip(".")
        if (m := ALT_COUNT.match(segment)) and any(small(int(g), min_cell) for g in m.groups()[1:] if g):
            out.append(Finding(file, where, segment, "a", "count label"))
        pairs = [(int(b), p) for b, p in ALT_BASED.findall(segment)]
        if not pairs and title_base:
            pairs = [(int(title_base.group(1)), a or b) for a, b in ALT_PERCENT.findall(segment)]
        for base, percent in pairs:
            if gives_away(percent, base, min_cell):
                out.append(Finding(file, where, segment, "b", f"{percent}% of {base}"))
    return out


# --- Across tables -------------------------------------------------------------------------------

def across_tables(tables: list[Table], min_cell: int) -> list[Finding]:
    """Rule d: tables that share a total (the same categories with a total row elsewhere; a crosstab's
    row or column whose label is counted in a one-count table elsewhere)."""
    return same_categories(tables, min_cell) + crosstab_margins(tables, min_cell)


def categories(table: Table) -> frozenset[str]:
    return frozenset(r[0].strip() for r in body(table))


def same_categories(tables: list[Table], min_cell: int) -> list[Finding]:
    with_total = {(categories(t), h): integer(total_row(t)[i]) for t in tables if total_row(t)
                  for i, h in enumerate(t.header) if i in count_columns(t)}
    out = []
    for table in tables:
        if total_row(table) is not None:
            continue
        for i in count_columns(table):
            total = with_total.get((categories(table), table.header[i]))
            out += differenced(table, i, total, "d", min_cell, "other table's ")
    return out


def known_counts(tables: list[Table]) -> dict[str, tuple[int, str]]:
    """Category label -> (count, table) from tables with one count column and a whole number there."""
    known = {}
    for table in tables:
        columns = count_columns(table)
        if len(columns) == 1:
            for row in table.rows:
                if integer(row[columns[0]]) is not None:
                    known.setdefault(row[0].strip(), (integer(row[columns[0]]), table.title))
    return known


def crosstab_margins(tables: list[Table], min_cell: int) -> list[Finding]:
    known = known_counts(tables)
    out = []
    for table in (candidate for candidate in tables if is_crosstab(candidate)):
        for row in body(table):
            cells = row[1:]
            if row[0].strip() in known and any(hidden(c) for c in cells):
                total, source = known[row[0].strip()]
                rest = total - sum(integer(c) for c in cells if integer(c) is not None)
                if small(rest, min_cell):
                    out.append(finding(table, row, "row", "d", f"{total} in '{source[:40]}' - shown = {rest}"))
        for i, header in enumerate(table.header[1:], start=1):
            if header.strip() in known:
                total, source = known[header.strip()]
                out += differenced(table, i, total, "d", min_cell, f"'{source[:40]}' ")
    return out
