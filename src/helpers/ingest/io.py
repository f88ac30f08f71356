"""Read any export (CSV, Qualtrics CSV, XLSX, SPSS .sav), map its columns, validate it (pandera).

Every format is first read as text cells, then converted and checked by one pandera schema built
from the codebook, so the same answers give the same typed data whatever the format. Numbers are read
with the file's own decimal mark and thousands separator (decimal_mark, parse_number). A problem raises
ExportError naming the file, the column, the row(s) (with the file's own line) and the value(s); how each
format detail is read is in data/README.md.

>>> df = read_export("data/raw/synthetic_default.csv")      # doctest: +SKIP
>>> df = read_export("export.csv", mapping="qualtrics_map.yaml")  # doctest: +SKIP
"""
from __future__ import annotations

import csv
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pdschema
import pyarrow as pa
import pyarrow.csv as pacsv
import pyreadstat
import yaml

from helpers.ingest.codebook import CODED_TYPES, Codebook, load_codebook
from helpers.ingest.provenance import provenance, sha256_file, write_atomic
from helpers.paths import PROCESSED_DEFAULT, PROCESSED_DIR, slug

DELIMITERS = (",", ";", "\t")
SEP_HINT = re.compile(r"sep=(.)")     # Excel's first line naming the delimiter
UNNAMED = "Unnamed: "                 # how pandas (and this reader) names a column without a header
MAX_BLOCK = (1 << 31) - 1             # pyarrow's largest block: a CSV file is parsed in one block up to 2 GB
MAX_LISTED = 5


class ExportError(ValueError):
    """An export that cannot be used as it is; the message says where and why."""


@dataclass(frozen=True)
class Cells:
    """An export as text cells, with the file's own number (line, sheet row, case) of each data row."""

    table: pd.DataFrame
    row_word: str                               # what the file calls a row: "line", "sheet row", "case"
    numbers: Callable[[], Sequence[int]]        # the file's number of each data row (worked out when an error needs it)

    def where(self, index: int) -> str:
        return f"row {index + 1} ({self.row_word} {self.numbers()[index]})"


def counted_from(first: int, n: int) -> Callable[[], range]:
    """File numbers of n data rows that follow each other from `first` (sheet rows, SPSS cases)."""
    return lambda: range(first, first + n)


# --- Formats to text cells -------------------------------------------------------------------

def _decode(path: Path, raw: bytes) -> str:
    """UTF-8 (with or without BOM) or cp1252; a file mixing both is refused, naming the line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    lines = raw.split(b"\n")
    utf8_lines, bad = [], None
    for number, line in enumerate(lines, start=1):
        try:
            if not line.isascii():
                line.decode("utf-8")
                utf8_lines.append(number)
        except UnicodeDecodeError as err:
            bad = bad or (number, line[err.start:err.start + 1])
    if utf8_lines:
        raise ExportError(f"{path}: mixed encodings: line {bad[0]} has byte 0x{bad[1].hex()} that is not UTF-8, "
                          f"while line {utf8_lines[0]} is UTF-8. Save the file in one encoding (UTF-8).")
    return raw.decode("cp1252")


def record_lines(text: str, first_line: int = 1) -> list[int]:
    """The line on which each record of a CSV text starts (header first): a line ending inside a quoted
    value continues the record; blank lines are skipped, as the parser skips them."""
    starts, quoted = [], False
    for number, line in enumerate(text.split("\n"), start=first_line):
        if not quoted and line.strip("\r"):
            starts.append(number)
        quoted ^= line.count('"') % 2 == 1
    return starts


def _record_lines_of(path: Path) -> list[int]:
    """record_lines of a CSV file, read again when an error needs them (the text is not kept meanwhile)."""
    _, text, header_line = _delimiter(path, _decode(path, path.read_bytes()))
    return record_lines(text, header_line)


def _delimiter(path: Path, text: str) -> tuple[str, str, int]:
    """The delimiter, the text from the header on, and the header's line: Excel's `sep=;` first line is
    obeyed and skipped; otherwise the most frequent of comma, semicolon and tab in the header."""
    first, _, rest = text.partition("\n")
    hint = SEP_HINT.fullmatch(first.strip())
    if hint:
        return hint.group(1), rest, 2
    delimiter = max(DELIMITERS, key=first.count)
    if first.count(delimiter) == 0:
        raise ExportError(f"{path}: line 1 (the header) has no comma, semicolon or tab, so its columns cannot be "
                          f"told apart: {first[:80]!r}. Export as CSV with one of those delimiters.")
    return delimiter, text, 1


def _parse_csv(path: Path, text: str, delimiter: str, header: list[str], lines: Callable[[], list[int]]) -> pd.DataFrame:
    """Every cell as text, parsed by pyarrow (fast at any size; one block, so a very long value is read
    whole); rows with the wrong number of fields and unterminated quotes are refused with their line."""
    data = text.encode("utf-8")
    ragged = []

    def note_ragged(row) -> str:
        unclosed = " and a quoted value that never closes" if row.text.count('"') % 2 else ""
        ragged.append(f"line {lines()[row.number - 1]} has {row.actual_columns}{unclosed}")
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(data),
            read_options=pacsv.ReadOptions(use_threads=False, column_names=header, skip_rows=1,
                                           block_size=min(max(len(data) + 1, 1 << 20), MAX_BLOCK)),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=note_ragged),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in header}, strings_can_be_null=False),
        )
    except pa.ArrowInvalid as err:
        raise ExportError(f"{path}: line {lines()[-1]}: the file ends inside a quoted value or is malformed ({err}); "
                          "was it cut off?") from None
    if ragged:
        listed = "; ".join(ragged[:MAX_LISTED])
        raise ExportError(f"{path}: {len(ragged)} row(s) do not have the header's {len(header)} fields ({listed}); "
                          "a cut-off last line or a stray delimiter?")
    return table.to_pandas().astype("object")


def _without_unnamed(path: Path, cells: Cells) -> Cells:
    """Columns without a name in the header (Excel's trailing empty columns) left out when they are empty;
    one that holds a value is refused, naming the value."""
    table = cells.table
    unnamed = [i for i, name in enumerate(table.columns) if str(name).startswith(UNNAMED)]
    for i in unnamed:
        filled = table.iloc[:, i].astype(str).str.strip() != ""
        if filled.any():
            row = int(filled.to_numpy().argmax())
            raise ExportError(f"{path}: column {i + 1} has no name in the header but holds values "
                              f"({cells.where(row)}: {_show(table.iloc[row, i])})")
    kept = [i for i in range(table.shape[1]) if i not in unnamed]
    return Cells(table.iloc[:, kept], cells.row_word, cells.numbers)


def _csv_cells(path: Path) -> Cells:
    """Text cells of a CSV export, each data row with its own line number in the file."""
    raw = path.read_bytes()
    if not raw.strip():
        raise ExportError(f"{path}: the file is empty")
    text = _decode(path, raw)
    delimiter, text, header_line = _delimiter(path, text)
    header = next(csv.reader([text.partition("\n")[0].rstrip("\r")], delimiter=delimiter))
    header = [name if name.strip() else f"{UNNAMED}{i}" for i, name in enumerate(header)]
    lines = cache(lambda: _record_lines_of(path))
    cells = _parse_csv(path, text, delimiter, header, lines)
    head = cells.head(2)
    import_rows = [i for i in range(len(head)) if head.iloc[i].astype(str).str.startswith('{"ImportId"').any()]
    skip = import_rows[0] + 1 if import_rows else 0   # Qualtrics: question texts and ImportIds under the header
    cells = cells.iloc[skip:].reset_index(drop=True)
    return _without_unnamed(path, Cells(cells, "line", cache(lambda: lines()[1 + skip:])))


def _excel_cells(path: Path) -> Cells:
    table = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    return _without_unnamed(path, Cells(table.astype("object"), "sheet row", counted_from(2, len(table))))


def _sav_cells(path: Path) -> Cells:
    table, _meta = pyreadstat.read_sav(path, apply_value_formats=False, user_missing=False)

    def as_text(value) -> str:
        if isinstance(value, float):
            return "" if pd.isna(value) else (str(int(value)) if value.is_integer() else repr(value))
        return "" if value is None else str(value)

    return Cells(table.map(as_text).astype("object"), "case", counted_from(1, len(table)))


READERS = {".csv": _csv_cells, ".txt": _csv_cells, ".xlsx": _excel_cells, ".sav": _sav_cells}


def without_blank_rows(cells: Cells) -> Cells:
    """Rows whose every cell is empty left out (Excel writes them as ';;;;' lines or empty sheet rows), as blank
    lines are; the other rows keep their file numbers. Only rows with an empty first cell are looked at."""
    table = cells.table
    candidates = np.flatnonzero(table.iloc[:, 0].to_numpy() == "") if table.shape[1] else np.array([], int)
    blank = candidates[(table.iloc[candidates] == "").all(axis=1).to_numpy()]
    if not blank.size:
        return cells
    kept = np.setdiff1d(np.arange(len(table)), blank)
    return Cells(table.iloc[kept].reset_index(drop=True), cells.row_word, cache(lambda: [cells.numbers()[i] for i in kept]))


def read_cells(path: str | Path) -> Cells:
    """An export as text cells, whatever its format."""
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"{path}: no such file")
    if path.suffix.lower() not in READERS:
        raise ExportError(f"{path}: unknown format {path.suffix!r}; use one of {', '.join(READERS)}")
    cells = without_blank_rows(READERS[path.suffix.lower()](path))
    if cells.table.columns.duplicated().any():
        dup = cells.table.columns[cells.table.columns.duplicated()].tolist()
        raise ExportError(f"{path}: the header repeats column(s) {dup}")
    if cells.table.empty:
        raise ExportError(f"{path}: the file has a header but no data rows")
    return cells


# --- Mapping ---------------------------------------------------------------------------------

def load_mapping(path: str | Path, cb: Codebook) -> dict:
    """A column-mapping file: {columns: {export column: codebook name}, ignore: [export columns]}; a file
    that is no such mapping is refused in one line naming the file and the entry."""
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"{path}: no such mapping file")
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise ExportError(f"{path}: {where}not valid YAML ({getattr(err, 'problem', None) or err})") from None
    if not isinstance(spec, dict) or set(spec) - {"columns", "ignore"}:
        found = type(spec).__name__ if not isinstance(spec, dict) else f"key(s) {sorted(set(spec) - {'columns', 'ignore'})}"
        raise ExportError(f"{path}: a mapping file holds 'columns' (export column: codebook name) and 'ignore' "
                          f"(a list), not {found}")
    columns, ignore = spec.get("columns") or {}, spec.get("ignore") or []
    if not isinstance(columns, dict) or not isinstance(ignore, list):
        raise ExportError(f"{path}: 'columns' must map export columns to codebook names and 'ignore' be a list")
    seen = {}
    for column, name in columns.items():
        if name not in cb.variables:
            raise ExportError(f"{path}: columns: '{column}: {name}' maps to a name that is not in the codebook")
        if name in seen:
            raise ExportError(f"{path}: columns: '{seen[name]}' and '{column}' both map to '{name}'")
        seen[name] = column
    return {"file": str(path), "columns": {str(k): v for k, v in columns.items()}, "ignore": [str(c) for c in ignore]}


def apply_mapping(table: pd.DataFrame, mapping: dict | None) -> pd.DataFrame:
    """The export's columns renamed and left out as the mapping says; an entry naming a column the export
    lacks, or renaming onto a column it already has, is refused."""
    if not mapping:
        return table
    for entry, column in [*((f"columns: '{c}: {n}'", c) for c, n in mapping["columns"].items()),
                          *((f"ignore: '{c}'", c) for c in mapping["ignore"])]:
        if column not in table.columns:
            raise ExportError(f"{mapping['file']}: {entry} names a column the export lacks")
    for column, name in mapping["columns"].items():
        if name in table.columns and name not in mapping["columns"] and name not in mapping["ignore"]:
            raise ExportError(f"{mapping['file']}: columns: '{column}: {name}' renames onto a column the export already has")
    return table.drop(columns=mapping["ignore"]).rename(columns=mapping["columns"])


# --- Validation ------------------------------------------------------------------------------

# A number as exports write it, by decimal mark: digits, optionally in groups of three separated by the
# other mark (the thousands separator), optionally a decimal part: '950', '812,5', '1.234,5' or '1,234.5'.
NUMBER = {",": re.compile(r"[+-]?(\d+|\d{1,3}(\.\d{3})+)(,\d+)?"), ".": re.compile(r"[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d+)?")}


def parse_number(cell: str, mark: str | None) -> float | None:
    """A text cell as a number, given the file's decimal mark (None: the file shows none); None when it is
    no number, or when without a known mark it could be two numbers ('1.234': 1234 or 1.234).

    >>> parse_number("1.234,5", ","), parse_number("812,5", ","), parse_number("1.234", None)
    (1234.5, 812.5, None)
    """
    marks = [m for m in ((mark,) if mark else tuple(NUMBER)) if NUMBER[m].fullmatch(cell)]
    values = {float(cell.replace("." if m == "," else ",", "").replace(m, ".")) for m in marks}
    return values.pop() if len(values) == 1 else None


def evidence_of_mark(cell: str) -> str | None:
    """The decimal mark a cell proves, if any: '812,5' and '1.234,5' prove a comma, '812.5' a point;
    '950' and '1.234' (a thousands separator or a decimal mark?) prove nothing."""
    fits = [m for m in NUMBER if NUMBER[m].fullmatch(cell)]
    return fits[0] if len(fits) == 1 else None


def decimal_mark(path: Path, cells: Cells, columns: list[str]) -> str | None:
    """The file's decimal mark, from the cells that prove one; a file that proves both is refused, naming
    a cell of each."""
    first = {}
    for name in columns:
        column = cells.table[name].astype("string").str.strip()
        for cell in column.dropna().unique():
            mark = evidence_of_mark(cell)
            if mark and mark not in first:
                first[mark] = f"column {name!r}, {cells.where(int((column == cell).to_numpy().argmax()))}: value '{cell}'"
        if len(first) == 2:
            raise ExportError(f"{path}: mixed decimal marks: {first[',']} has a decimal comma, {first['.']} a decimal "
                              "point; export all numbers with one decimal mark")
    return next(iter(first), None)


def _as_numbers(series: pd.Series, mark: str | None, whole: bool, missing: frozenset[str]) -> tuple[pd.Series, pd.Series]:
    """Numbers from text cells, and the cells that are no number (or, with `whole`, no whole number):
    empty or a missing-value code of the codebook is missing. Each distinct text is parsed once.
    (Checked here, not by pandera: its coercion would read 'inf' as a number and truncate 2.5 to 2.)"""
    text = series.astype("string").str.strip()
    codes, distinct = pd.factorize(text)
    parsed = [float("nan") if cell == "" or cell.casefold() in missing else parse_number(cell, mark) for cell in distinct]
    failed = np.array([p is None for p in parsed] + [False])
    values = np.array([np.nan if p is None else p for p in parsed] + [np.nan])
    if whole:
        failed |= ~np.isnan(values) & (values % 1 != 0)
    return pd.Series(values[codes], index=series.index), pd.Series(failed[codes], index=series.index)   # code -1: the NaN


def unreadable_cases(text: pd.Series, failed: pd.Series, dtype: str) -> pd.DataFrame:
    """Cells that are no number, as pandera lists failure cases (column, index, check, value)."""
    return pd.DataFrame({"column": text.name, "index": text.index[failed], "check": f"coerce_dtype('{dtype}')",
                         "failure_case": text[failed].to_numpy()})


def _as_text(series: pd.Series) -> pd.Series:
    """Text cells: trimmed, empty is missing."""
    text = series.astype("string").str.strip()
    return text.mask(text == "")


def export_schema(cb: Codebook) -> pdschema.DataFrameSchema:
    """The pandera schema of an export: every codebook column, nothing else, with its type and values."""
    columns = {}
    for name, var in cb.variables.items():
        nullable = not var.required
        if var.type == "id":
            columns[name] = pdschema.Column("string", nullable=False, unique=True, coerce=True)
        elif var.type in ("text", "postcode"):
            columns[name] = pdschema.Column("string", nullable=True, coerce=True)
        elif var.type == "number":
            checks = [pdschema.Check.ge(var.min)] if var.min is not None else []
            columns[name] = pdschema.Column("Float64", checks, nullable=nullable, coerce=True)
        else:
            checks = []
            if var.type in CODED_TYPES:
                checks.append(pdschema.Check.isin(var.codes))
            if var.min is not None or var.max is not None:
                checks.append(pdschema.Check.in_range(var.min, var.max))
            columns[name] = pdschema.Column("Int64", checks, nullable=nullable, coerce=True)
    return pdschema.DataFrameSchema(columns, strict=True, ordered=False)


def _describe_check(check: str, cb: Codebook, column: str | None, value) -> str:
    if check.startswith(("coerce_dtype", "dtype")) and isinstance(value, str) and all(p.fullmatch(value) for p in NUMBER.values()):
        return ("a thousands separator or a decimal mark? (no other number in the file shows its decimal mark; "
                "export numbers without thousands separators)")
    if check.startswith(("coerce_dtype", "dtype")):
        return "not a whole number" if "Int64" in check else "not a number"
    if check.startswith("isin"):
        codes = cb[column].codes
        return f"not an allowed code (allowed: {', '.join(map(str, codes))})"
    if check.startswith(("in_range", "greater_than")):
        var = cb[column]
        return f"out of range ({var.min} to {var.max})" if var.max is not None else f"below the minimum {var.min}"
    return {"field_uniqueness": "a duplicate (must be unique)", "not_nullable": "empty, but required"}.get(check, check)


def _show(value) -> str:
    return "(empty)" if pd.isna(value) else f"value '{value}'"


def _explain(path: Path, cells: Cells, cases: pd.DataFrame, cb: Codebook) -> str:
    lines = []
    for case in cases.itertuples():
        if case.check == "column_in_dataframe":
            lines.append(f"column {case.failure_case!r}: missing (the codebook requires it; see data/README.md)")
        elif case.check == "column_in_schema":
            lines.append(f"column {case.failure_case!r}: unknown (not in the codebook; rename it or list it under "
                         "'ignore' in a mapping file)")
    cell_cases = cases.dropna(subset=["index"]).copy()
    cell_cases["problem"] = [_describe_check(c, cb, col, v)
                             for c, col, v in zip(cell_cases["check"], cell_cases["column"], cell_cases["failure_case"])]
    cell_cases = cell_cases.drop_duplicates(subset=["column", "index", "problem"])
    for (column, problem), group in cell_cases.groupby(["column", "problem"], sort=False):
        shown = "; ".join(f"{cells.where(int(i))}: {_show(v)}"
                          for i, v in zip(group["index"][:MAX_LISTED], group["failure_case"][:MAX_LISTED]))
        more = f" and {len(group) - MAX_LISTED} more" if len(group) > MAX_LISTED else ""
        lines.append(f"column {column!r}: {problem}: {shown}{more}")
    return f"{path}: {len(lines)} problem(s):\n" + "\n".join(f"  - {line}" for line in lines)


def read_export(path: str | Path, mapping: str | Path | None = None, cb: Codebook | None = None) -> pd.DataFrame:
    """A validated export: one row per respondent, codebook columns in codebook order, typed."""
    cb = cb or load_codebook()
    path = Path(path)
    cells = read_cells(path)
    table = apply_mapping(cells.table, load_mapping(mapping, cb) if mapping else None)
    cells = Cells(table, cells.row_word, cells.numbers)
    numeric = [name for name in table.columns if name in cb.variables and cb.dtype(name) != "string"]
    mark = decimal_mark(path, cells, numeric)
    unreadable = []
    for name in set(table.columns) & set(cb.names):
        if name not in numeric:
            table[name] = _as_text(table[name])
            continue
        text = table[name]
        table[name], failed = _as_numbers(text, mark, cb[name].type != "number", cb.missing_values)
        unreadable.append(unreadable_cases(text.astype(str).str.strip(), failed, cb.dtype(name)))
    cases = pd.concat(unreadable) if unreadable else pd.DataFrame(columns=["column", "index", "check", "failure_case"])
    try:
        valid = export_schema(cb).validate(table, lazy=True)
    except pdschema.errors.SchemaErrors as err:
        found = err.failure_cases
        cases = pd.concat([cases, found[~found.set_index(["column", "index"]).index.isin(cases.set_index(["column", "index"]).index)]])
    if len(cases):
        raise ExportError(_explain(path, cells, cases, cb)) from None
    valid = cb.typed(valid).reset_index(drop=True)
    valid.attrs["provenance"] = provenance(path)
    return valid


# --- Provenance and processed data -----------------------------------------------------------

def default_processed(raw: str | Path | None) -> Path:
    """Where the cleaning notebook keeps the processed data when it is given no `processed` path: the
    synthetic default's file, or for another export a file carrying that export's name and checksum, so a
    notebook run by hand with `raw=` never overwrites the default's (or another export's) data.

    >>> default_processed("data/raw/wave 2.csv").name   # doctest: +SKIP
    'wave_2.3f1c0a9b7e2d.parquet'
    """
    if raw is None:
        return PROCESSED_DEFAULT
    return PROCESSED_DIR / f"{slug(Path(raw).stem)}.{sha256_file(raw)[:12]}.parquet"


def save_processed(df: pd.DataFrame, path: str | Path) -> Path:
    """Write the processed dataset as parquet (atomically; provenance kept in its metadata)."""
    return write_atomic(path, lambda tmp: df.to_parquet(tmp, index=False, engine="pyarrow"))


def load_processed(path: str | Path) -> pd.DataFrame:
    """Read the processed dataset written by the cleaning notebook (df.attrs['provenance'] included)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no processed data; run the cleaning notebook (01) or `make reports` first")
    return pd.read_parquet(path, engine="pyarrow")
