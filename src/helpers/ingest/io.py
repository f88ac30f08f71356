"""Read any export (CSV, Qualtrics CSV, XLSX, SPSS .sav), map its columns, validate it (pandera).

Every format is first read as text cells, with what the export says of its columns (Qualtrics' question
texts and ImportIds, SPSS variable and value labels), then converted and checked by one pandera schema built
from the codebook, so the same answers give the same typed data whatever the format. Numbers are read
with the file's own decimal mark and thousands separator (decimal_mark, parse_number); answers written as
their labels (a choice-text export) through the codebook's labels; codes recoded and unselected options
read as the mapping file says. A problem raises ExportError naming the file, the column, the row(s) (with
the file's own line) and the value(s); how each format detail is read is in data/README.md.

>>> df = read_export("data/raw/synthetic_default.csv")      # doctest: +SKIP
>>> df = read_export("export.csv", mapping="qualtrics_map.yaml")  # doctest: +SKIP
"""
from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pandera.pandas as pdschema
import pyarrow as pa
import pyarrow.csv as pacsv
import pyreadstat
import yaml

from helpers.ingest.codebook import CODED_TYPES, Codebook, answer_key, load_codebook
from helpers.ingest.provenance import provenance, sha256_file, write_atomic
from helpers.paths import PROCESSED_DEFAULT, PROCESSED_DIR, slug

DELIMITERS = (",", ";", "\t")
SEP_HINT = re.compile(r"sep=(.)")     # Excel's first line naming the delimiter
UNNAMED = "Unnamed: "                 # how pandas (and this reader) names a column without a header
MAX_BLOCK = (1 << 31) - 1             # pyarrow's largest block: a CSV file is parsed in one block up to 2 GB
MAX_LISTED = 5
IMPORT_ID = '{"ImportId"'             # how a Qualtrics CSV's third header row starts each cell
UNSELECTED = ("zero", "blank")        # how an export writes an option of a multiple-response question not selected
FINISHED = "finished"                 # the column read_export adds when the mapping names the export's completion flag
COMPLETION = {"1": True, "true": True, "0": False, "false": False}   # how exports write it (Qualtrics: 1/0, True/False)


class ExportError(ValueError):
    """An export that cannot be used as it is; the message says where and why."""


@dataclass(frozen=True)
class Cells:
    """An export as text cells, with the file's own number (line, sheet row, case) of each data row and what
    the export says of its columns."""

    table: pd.DataFrame
    row_word: str                               # what the file calls a row: "line", "sheet row", "case"
    numbers: Callable[[], Sequence[int]]        # the file's number of each data row (worked out when an error needs it)
    texts: dict[str, str] = field(default_factory=dict)        # a column's own text: Qualtrics' question row, SPSS label
    import_ids: dict[str, str] = field(default_factory=dict)   # a column's Qualtrics ImportId
    value_labels: dict[str, dict[str, str]] = field(default_factory=dict)   # code (as its cell reads) -> label (SPSS)
    declared_missing: dict[str, frozenset[str]] = field(default_factory=dict)   # codes the file calls missing (SPSS)
    left_out: tuple[str, ...] = ()              # columns of the file that were not read (read_cells' leave_out)

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


def _parse_csv(path: Path, text: str, delimiter: str, header: list[str], lines: Callable[[], list[int]],
               read: list[str]) -> pd.DataFrame:
    """The cells of the columns `read` as text, parsed by pyarrow (fast at any size; one block, so a very long
    value is read whole; the other columns' values are never kept); rows with the wrong number of fields and
    unterminated quotes are refused with their line."""
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
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in header}, strings_can_be_null=False,
                                                 include_columns=read),
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
    return replace(cells, table=table.iloc[:, kept])


def import_id(cell: str) -> str:
    """The ImportId of a Qualtrics header cell ('{"ImportId":"QID14_3"}' -> 'QID14_3'; the cell itself when it
    is no such JSON)."""
    try:
        return str(json.loads(cell)["ImportId"])
    except (ValueError, KeyError, TypeError):
        return cell


def _csv_cells(path: Path, leave_out: Collection[str]) -> Cells:
    """Text cells of a CSV export, each data row with its own line number in the file; a Qualtrics CSV's two
    rows under the header (question texts, ImportIds) are its columns' texts and ImportIds."""
    raw = path.read_bytes()
    if not raw.strip():
        raise ExportError(f"{path}: the file is empty")
    text = _decode(path, raw)
    delimiter, text, header_line = _delimiter(path, text)
    header = next(csv.reader([text.partition("\n")[0].rstrip("\r")], delimiter=delimiter))
    header = [name if name.strip() else f"{UNNAMED}{i}" for i, name in enumerate(header)]
    lines = cache(lambda: _record_lines_of(path))
    read = [name for name in header if name not in leave_out]
    cells = _parse_csv(path, text, delimiter, header, lines, read)
    head = cells.head(2)
    import_rows = [i for i in range(len(head)) if head.iloc[i].astype(str).str.startswith(IMPORT_ID).any()]
    skip = import_rows[0] + 1 if import_rows else 0   # Qualtrics: question texts and ImportIds under the header
    texts = head.iloc[0].to_dict() if skip == 2 else {}
    ids = {name: import_id(cell) for name, cell in head.iloc[skip - 1].items()} if skip else {}
    cells = Cells(cells.iloc[skip:].reset_index(drop=True), "line", cache(lambda: lines()[1 + skip:]), texts, ids,
                  left_out=tuple(name for name in header if name not in read))
    return _without_unnamed(path, cells)


def _excel_cells(path: Path, leave_out: Collection[str]) -> Cells:
    table = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl", usecols=lambda name: name not in leave_out)
    left_out = tuple(c for c in pd.read_excel(path, nrows=0, engine="openpyxl").columns if c not in table) if leave_out else ()
    return _without_unnamed(path, Cells(table.astype("object"), "sheet row", counted_from(2, len(table)), left_out=left_out))


def _sav_text(value) -> str:
    """An SPSS value as a text cell: a whole number without decimals, system-missing empty."""
    if isinstance(value, float):
        return "" if pd.isna(value) else (str(int(value)) if value.is_integer() else repr(value))
    return "" if value is None else str(value)


def _sav_cells(path: Path, leave_out: Collection[str]) -> Cells:
    """Text cells of an SPSS file with its variable labels, value labels and user-missing codes (kept as codes,
    so that 'not answered' stays apart from an empty, system-missing cell)."""
    _, header = pyreadstat.read_sav(path, metadataonly=True)
    read = [name for name in header.column_names if name not in leave_out]
    table, meta = pyreadstat.read_sav(path, apply_value_formats=False, user_missing=True, usecols=read)
    ranges = {name: [(r["lo"], r["hi"]) for r in spans] for name, spans in meta.missing_ranges.items()}
    declared = {name: frozenset(_sav_text(v) for v in table[name].dropna().unique()
                                if isinstance(v, float) and any(lo <= v <= hi for lo, hi in ranges[name]))
                for name in ranges if name in table}
    return Cells(table.map(_sav_text).astype("object"), "case", counted_from(1, len(table)),
                 texts={name: label for name, label in meta.column_names_to_labels.items() if label},
                 value_labels={name: {_sav_text(float(code)): label for code, label in labels.items()}
                               for name, labels in meta.variable_value_labels.items()},
                 declared_missing=declared, left_out=tuple(name for name in header.column_names if name not in read))


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
    return replace(cells, table=table.iloc[kept].reset_index(drop=True), numbers=cache(lambda: [cells.numbers()[i] for i in kept]))


def read_cells(path: str | Path, leave_out: Collection[str] = ()) -> Cells:
    """An export as text cells, whatever its format; the columns `leave_out` names are not read (personal data
    and metadata a mapping ignores: their values never enter the pipeline)."""
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"{path}: no such file")
    if path.suffix.lower() not in READERS:
        raise ExportError(f"{path}: unknown format {path.suffix!r}; use one of {', '.join(READERS)}")
    cells = without_blank_rows(READERS[path.suffix.lower()](path, frozenset(leave_out)))
    if cells.table.columns.duplicated().any():
        dup = cells.table.columns[cells.table.columns.duplicated()].tolist()
        raise ExportError(f"{path}: the header repeats column(s) {dup}")
    if cells.table.empty:
        raise ExportError(f"{path}: the file has a header but no data rows")
    return cells


# --- Mapping ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Mapping:
    """A column-mapping file, checked (data/README.md): what each export column is and what is left out, how the
    export writes an unselected option, which codes it writes differently from the codebook."""

    file: str
    columns: dict[str, str]                                        # export column -> codebook name
    ignore: list[str]                                              # export columns never read
    unselected: str = "zero"                                       # 'zero', or 'blank' (Qualtrics)
    recode: dict[str, dict[int, int]] = field(default_factory=dict)   # export column -> {export code: codebook code}
    texts: dict[str, str] = field(default_factory=dict)            # each column's own text when the mapping was made
    finished: str | None = None                                    # export column saying whether a response was finished

    @property
    def renames(self) -> dict[str, str]:
        """Export column -> the name it is read as: its codebook name, or FINISHED."""
        return self.columns | ({self.finished: FINISHED} if self.finished else {})

    @property
    def origin(self) -> dict[str, str]:
        """The name a column is read as -> the export column."""
        return {name: column for column, name in self.renames.items()}


MAPPING_KEYS = ("columns", "ignore", "finished", "unselected", "recode", "texts", "unplaced")


def mapping_yaml(path: Path) -> dict:
    """The mapping file's YAML as a dictionary; a missing file, not valid YAML, or no dictionary of known keys is
    refused."""
    if not path.is_file():
        raise ExportError(f"{path}: no such mapping file")
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        raise ExportError(f"{path}: {where}not valid YAML ({getattr(err, 'problem', None) or err})") from None
    if not isinstance(spec, dict) or set(spec) - set(MAPPING_KEYS):
        found = type(spec).__name__ if not isinstance(spec, dict) else f"key(s) {sorted(set(spec) - set(MAPPING_KEYS))}"
        raise ExportError(f"{path}: a mapping file holds 'columns' (export column: codebook name), 'ignore' (a list) and "
                          f"optionally 'finished', 'unselected', 'recode' and 'texts' (data/README.md), not {found}")
    return spec


def _checked_recode(path: Path, recode, columns: dict[str, str], cb: Codebook) -> dict[str, dict[int, int]]:
    """recode: {export column: {export code: codebook code}}, for a column the mapping maps onto a coded variable,
    onto that variable's codes."""
    if not isinstance(recode, dict):
        raise ExportError(f"{path}: 'recode' must map export columns to {{export code: codebook code}}")
    checked = {}
    for column, codes in recode.items():
        entry = f"recode: '{column}'"
        name = columns.get(str(column))
        if name is None or cb[name].type not in CODED_TYPES:
            raise ExportError(f"{path}: {entry} is no export column that 'columns' maps onto a coded variable")
        if not isinstance(codes, dict) or not all(isinstance(c, int) and not isinstance(c, bool) for pair in codes.items() for c in pair):
            raise ExportError(f"{path}: {entry} must map whole export codes to whole codebook codes, e.g. {{0: 1, 1: 2}}")
        wrong = sorted(set(codes.values()) - set(cb[name].codes))
        if wrong:
            raise ExportError(f"{path}: {entry}: {wrong[0]} is no code of {name} (its codes: {', '.join(map(str, cb[name].codes))})")
        checked[str(column)] = dict(codes)
    return checked


def load_mapping(path: str | Path, cb: Codebook) -> Mapping:
    """A column-mapping file (Mapping); a file that is no such mapping, or still lists columns under 'unplaced'
    (not decided yet), is refused in one line naming the file and the entry."""
    path = Path(path)
    spec = mapping_yaml(path)
    columns, ignore = spec.get("columns") or {}, spec.get("ignore") or []
    if not isinstance(columns, dict) or not isinstance(ignore, list):
        raise ExportError(f"{path}: 'columns' must map export columns to codebook names and 'ignore' be a list")
    if spec.get("unplaced"):
        undecided = ", ".join(f"'{c}'" for c in spec["unplaced"])
        raise ExportError(f"{path}: unplaced: {undecided} not decided yet: map each under 'columns' or list it under "
                          "'ignore', then remove it from 'unplaced'")
    unselected = spec.get("unselected", "zero")
    if unselected not in UNSELECTED:
        raise ExportError(f"{path}: unselected: '{unselected}' must be 'zero' (an unselected option is 0) or 'blank' "
                          "(it is empty, as in Qualtrics exports)")
    texts, finished = spec.get("texts") or {}, spec.get("finished")
    if not isinstance(texts, dict):
        raise ExportError(f"{path}: 'texts' must map export columns to their text")
    if finished is not None and (not isinstance(finished, str) or finished in columns or finished in ignore):
        raise ExportError(f"{path}: finished: '{finished}' must name one export column (1/True: finished, 0/False: not), "
                          "neither under 'columns' nor under 'ignore'")
    seen = {}
    for column, name in columns.items():
        if name not in cb.variables:
            raise ExportError(f"{path}: columns: '{column}: {name}' maps to a name that is not in the codebook")
        if name in seen:
            raise ExportError(f"{path}: columns: '{seen[name]}' and '{column}' both map to '{name}'")
        seen[name] = column
    columns = {str(k): v for k, v in columns.items()}
    return Mapping(str(path), columns, [str(c) for c in ignore], unselected,
                   _checked_recode(path, spec.get("recode") or {}, columns, cb), {str(k): str(v) for k, v in texts.items()}, finished)


def apply_mapping(cells: Cells, mapping: Mapping | None) -> Cells:
    """The export's columns (and what it says of them) renamed and left out as the mapping says; an entry naming
    a column the export lacks, or renaming onto a column it already has, is refused."""
    if not mapping:
        return cells
    present = {*cells.table.columns, *cells.left_out}
    for entry, column in [*((f"columns: '{c}: {n}'", c) for c, n in mapping.columns.items()),
                          *((f"ignore: '{c}'", c) for c in mapping.ignore),
                          *([(f"finished: '{mapping.finished}'", mapping.finished)] if mapping.finished else [])]:
        if column not in present:
            raise ExportError(f"{mapping.file}: {entry} names a column the export lacks")
    for column, name in mapping.columns.items():
        if name in present and name not in mapping.columns and name not in mapping.ignore:
            raise ExportError(f"{mapping.file}: columns: '{column}: {name}' renames onto a column the export already has")

    def renamed(about: dict) -> dict:
        return {mapping.renames.get(column, column): value for column, value in about.items() if column not in mapping.ignore}

    table = cells.table.drop(columns=[c for c in mapping.ignore if c in cells.table]).rename(columns=mapping.renames)
    return replace(cells, table=table, texts=renamed(cells.texts), import_ids=renamed(cells.import_ids),
                   value_labels=renamed(cells.value_labels), declared_missing=renamed(cells.declared_missing))


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
    empty or a text of `missing` (no_answer) is missing. Each distinct text is parsed once.
    (Checked here, not by pandera: its coercion would read 'inf' as a number and truncate 2.5 to 2.)"""
    text = series.astype("string").str.strip()
    codes, distinct = pd.factorize(text)
    parsed = [float("nan") if cell == "" or cell.casefold() in missing else parse_number(cell, mark) for cell in distinct]
    failed = np.array([p is None for p in parsed] + [False])
    values = np.array([np.nan if p is None else p for p in parsed] + [np.nan])
    if whole:
        failed |= ~np.isnan(values) & (values % 1 != 0)
    return pd.Series(values[codes], index=series.index), pd.Series(failed[codes], index=series.index)   # code -1: the NaN


def unreadable_cases(text: pd.Series, failed: pd.Series, check: str) -> pd.DataFrame:
    """Cells that cannot be read, as pandera lists failure cases (column, index, check, value)."""
    return pd.DataFrame({"column": text.name, "index": text.index[failed], "check": check, "failure_case": text[failed].to_numpy()})


def no_answer(cells: Cells, column: str, cb: Codebook) -> frozenset[str]:
    """Texts that mean no answer in a column: the codebook's missing_values and the codes the file declares missing."""
    return cb.missing_values | cells.declared_missing.get(column, frozenset())


def answers_of(cells: Cells, column: str, name: str, cb: Codebook) -> dict[str, int]:
    """The answers a cell of `column` (holding codebook variable `name`) may give as text, answer_key -> code: the
    codebook's labels, and for a multiple-response option the option's text in the column's own label ('… -
    Selected Choice - ChatGPT'), as a choice-text export writes a selected option."""
    own = cells.texts.get(column, "").rsplit(" - ", 1)
    return cb.answers(name) | ({answer_key(own[1]): 1} if cb[name].type == "multi" and len(own) == 2 else {})


def _as_codes(text: pd.Series, values: pd.Series, failed: pd.Series, answers: dict[str, int],
              recode: dict[int, int] | None) -> tuple[pd.Series, list[pd.DataFrame]]:
    """The codes of a coded column: numbers recoded as the mapping says (a code the recode does not list is
    refused), answers written as labels (a choice-text export) read through `answers` (answer_key -> code); the
    cells that are neither, as failure cases."""
    cases = []
    if recode is not None:
        unlisted = values.notna() & ~values.isin(list(recode))
        values = values.map(recode, na_action="ignore").astype(float)
        cases.append(unreadable_cases(text, unlisted, "recode"))
    keys = text[failed].map(answer_key)
    labelled = keys[keys.isin(list(answers))]
    values, failed = values.copy(), failed.copy()
    values[labelled.index], failed[labelled.index] = labelled.map(answers).astype(float), False
    number = failed.copy()
    number[failed] = np.array([any(pattern.fullmatch(cell) for pattern in NUMBER.values()) for cell in text[failed]], dtype=bool)
    cases += [unreadable_cases(text, failed & ~number, "answer"), unreadable_cases(text, failed & number, "coerce_dtype('Int64')")]
    return values, cases


def _not_selected(table: pd.DataFrame, blank: dict[str, pd.Series], unanswered: dict[str, pd.Series], cb: Codebook,
                  unselected: str) -> None:
    """Options of a multiple-response question that read 'not selected' (0) though their cell is no 0: one written
    as no answer (-99) beside an option selected in the same question (an export that writes every unselected
    option so); with `unselected` 'blank', an empty one where the question was shown (its ask_if holds)."""
    for names in cb.blocks.values():
        names = [name for name in names if name in blank and cb[name].type == "multi"]
        if not names:
            continue
        selected = table[names].eq(1).any(axis=1)
        ask_if = cb[names[0]].ask_if
        shown = table.eval(ask_if).fillna(False).astype(bool) if ask_if else pd.Series(True, index=table.index)
        for name in names:
            table[name] = table[name].mask(unanswered[name] & selected, 0.0)
            if unselected == "blank":
                table[name] = table[name].mask(blank[name] & shown, 0.0)


def _shown_as(name: str, origin: dict[str, str]) -> str:
    """A column as an error names it: the export's own name, and the codebook's when they differ."""
    column = origin.get(name, name)
    return f"'{column}'" if column == name else f"'{column}' ({name})"


def label_contradictions(cells: Cells, cb: Codebook, recode: dict[str, dict[int, int]], origin: dict[str, str]) -> list[str]:
    """Where the export labels a code (SPSS value labels) otherwise than the codebook labels the code it is read as
    (after the mapping's recode): one line per code, naming the column, the code and both labels."""
    problems = []
    for name, labels in cells.value_labels.items():
        if name not in cb.variables or cb[name].type not in ("categorical", "likert"):
            continue   # a multiple-response option is labelled with its own text: the mapping placed it
        missing = no_answer(cells, name, cb)
        for cell, label in labels.items():
            number = parse_number(cell, None)
            if cell.casefold() in missing or number is None or number % 1 or (name in recode and number not in recode[name]):
                continue
            code = int(number)
            target = recode.get(name, {}).get(code, code)
            expected = cb[name].values.get(target)
            if expected and answer_key(label) in {answer_key(text) for text in expected.values()}:
                continue
            meant = cb.answers(name).get(answer_key(label))
            hint = f" ('{label}' is the codebook's {meant})" if meant is not None else " (no answer of the codebook's is)"
            codebook = f"{target} is '{expected['nl']}' in the codebook" if expected else f"the codebook has no code {target}"
            problems.append(f"column {_shown_as(name, origin)}: code {code} is '{label}' in the export, but {codebook}{hint}; "
                            "add a recode to the mapping file (`make mapping` proposes one)")
    return problems


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
    if check == "answer":
        labels = ", ".join(f"{code} {label}" for code, label in cb.labels(column, "nl").items())
        return f"neither a code nor an answer of this question ({labels})"
    if check == "finished":
        return "neither finished (1, True) nor not (0, False)"
    if check == "recode":
        return "a code the mapping file's recode for this column does not list"
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


def _explain(path: Path, cells: Cells, cases: pd.DataFrame, cb: Codebook, origin: dict[str, str], problems: list[str]) -> str:
    lines = list(problems)
    for case in cases.itertuples():
        if case.check == "column_in_dataframe":
            lines.append(f"column {case.failure_case!r}: missing (the codebook requires it; see data/README.md)")
        elif case.check == "column_in_schema":
            lines.append(f"column {case.failure_case!r}: unknown (not in the codebook; map it or list it under 'ignore' "
                         "in a mapping file: `make mapping` proposes one)")
    cell_cases = cases.dropna(subset=["index"]).copy()
    cell_cases["problem"] = [_describe_check(c, cb, col, v)
                             for c, col, v in zip(cell_cases["check"], cell_cases["column"], cell_cases["failure_case"])]
    cell_cases = cell_cases.drop_duplicates(subset=["column", "index", "problem"])
    for (column, problem), group in cell_cases.groupby(["column", "problem"], sort=False):
        shown = "; ".join(f"{cells.where(int(i))}: {_show(v)}"
                          for i, v in zip(group["index"][:MAX_LISTED], group["failure_case"][:MAX_LISTED]))
        more = f" and {len(group) - MAX_LISTED} more" if len(group) > MAX_LISTED else ""
        lines.append(f"column {_shown_as(column, origin)}: {problem}: {shown}{more}")
    return f"{path}: {len(lines)} problem(s):\n" + "\n".join(f"  - {line}" for line in lines)


def read_export(path: str | Path, mapping: str | Path | None = None, cb: Codebook | None = None) -> pd.DataFrame:
    """A validated export: one row per respondent, codebook columns in codebook order, typed (and FINISHED, whether
    each response was finished, when the mapping names that column)."""
    cb = cb or load_codebook()
    path = Path(path)
    spec = load_mapping(mapping, cb) if mapping else None
    cells = apply_mapping(read_cells(path, spec.ignore if spec else ()), spec)
    origin = spec.origin if spec else {}
    recode = {spec.columns[column]: codes for column, codes in spec.recode.items()} if spec else {}
    table = cells.table
    finished = table.pop(FINISHED).astype(str).str.strip() if spec and spec.finished else None
    numeric = [name for name in table.columns if name in cb.variables and cb.dtype(name) != "string"]
    mark = decimal_mark(path, cells, numeric)
    unreadable, blank, unanswered = [], {}, {}
    for name in set(table.columns) & set(cb.names):
        if name not in numeric:
            table[name] = _as_text(table[name])
            continue
        text, missing = table[name].astype(str).str.strip(), no_answer(cells, name, cb)
        values, failed = _as_numbers(text, mark, cb[name].type != "number", missing)
        if cb[name].type in CODED_TYPES:
            values, cases = _as_codes(text, values, failed, answers_of(cells, name, name, cb), recode.get(name))
            unreadable += cases
        else:
            unreadable.append(unreadable_cases(text, failed, f"coerce_dtype('{cb.dtype(name)}')"))
        table[name], blank[name], unanswered[name] = values, text == "", text.str.casefold().isin(list(missing))
    _not_selected(table, blank, unanswered, cb, spec.unselected if spec else "zero")
    if finished is not None:
        unreadable.append(unreadable_cases(finished.rename(FINISHED), ~finished.str.casefold().isin(list(COMPLETION)), "finished"))
    cases = pd.concat(unreadable) if unreadable else pd.DataFrame(columns=["column", "index", "check", "failure_case"])
    try:
        valid = export_schema(cb).validate(table, lazy=True)
    except pdschema.errors.SchemaErrors as err:
        found = err.failure_cases
        cases = pd.concat([cases, found[~found.set_index(["column", "index"]).index.isin(cases.set_index(["column", "index"]).index)]])
    problems = label_contradictions(cells, cb, recode, origin)
    if len(cases) or problems:
        raise ExportError(_explain(path, cells, cases, cb, origin, problems)) from None
    valid = cb.typed(valid).reset_index(drop=True)
    if finished is not None:
        valid[FINISHED] = finished.str.casefold().map(COMPLETION).astype(bool).to_numpy()
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
    """Read the processed dataset written by the cleaning notebook (df.attrs['provenance'] included). The memory
    pyarrow used on the way is handed back to the system: its pool would keep it (0.34 GB at N = 200,000, more
    than the data themselves) in every kernel for as long as the kernel runs."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"{path}: no processed data; run the cleaning notebook (01) or `make reports` first")
    data = pd.read_parquet(path, engine="pyarrow")
    pa.default_memory_pool().release_unused()
    return data
