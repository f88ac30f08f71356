"""Read any export (CSV, Qualtrics CSV, XLSX, SPSS .sav), map its columns, validate it (pandera).

Every format is first read as text cells, then converted and checked by one pandera schema built
from the codebook, so the same answers give the same typed data whatever the format. A problem
raises ExportError naming the file, the column, the row(s) and the value(s).

>>> df = read_export("data/raw/synthetic_default.csv")      # doctest: +SKIP
>>> df = read_export("export.csv", mapping="qualtrics_map.yaml")  # doctest: +SKIP
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

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
MAX_LISTED = 5


class ExportError(ValueError):
    """An export that cannot be used as it is; the message says where and why."""


@dataclass(frozen=True)
class Cells:
    """An export as text cells, with how data rows map to the file's own rows or lines."""

    table: pd.DataFrame
    row_word: str           # what the file calls a row: "line", "sheet row", "case"
    first_data_row: int     # the file's number of the first data row

    def where(self, index: int) -> str:
        return f"row {index + 1} ({self.row_word} {index + self.first_data_row})"


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


def _csv_cells(path: Path) -> Cells:
    """Text cells of a CSV export, parsed by pyarrow (fast at any size); rows with the wrong number of
    fields and unterminated quotes are refused with their line (record) number."""
    raw = path.read_bytes()
    if not raw.strip():
        raise ExportError(f"{path}: the file is empty")
    text = _decode(path, raw)
    header_line = text.splitlines()[0]
    delimiter = max(DELIMITERS, key=header_line.count)
    if header_line.count(delimiter) == 0:
        raise ExportError(f"{path}: line 1 (the header) has no comma, semicolon or tab, so its columns cannot be "
                          f"told apart: {header_line[:80]!r}. Export as CSV with one of those delimiters.")
    header = next(csv.reader([header_line], delimiter=delimiter))
    ragged = []

    def note_ragged(row) -> str:
        unclosed = " and a quoted value that never closes" if row.text.count('"') % 2 else ""
        ragged.append(f"line {row.number} has {row.actual_columns}{unclosed}")
        return "skip"

    try:
        table = pacsv.read_csv(
            pa.BufferReader(text.encode("utf-8")),
            read_options=pacsv.ReadOptions(use_threads=False, column_names=header, skip_rows=1),
            parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True, invalid_row_handler=note_ragged),
            convert_options=pacsv.ConvertOptions(column_types={c: pa.string() for c in header}, strings_can_be_null=False),
        )
    except pa.ArrowInvalid as err:
        snippet = str(err).split(": ", 2)[-1][:40]
        line = text[: max(text.find(snippet), 0)].count("\n") + 1
        raise ExportError(f"{path}: line {line}: the file ends inside a quoted value or is malformed ({err}); "
                          "was it cut off?") from None
    if ragged:
        listed = "; ".join(ragged[:MAX_LISTED])
        raise ExportError(f"{path}: {len(ragged)} row(s) do not have the header's {len(header)} fields ({listed}); "
                          "a cut-off last line or a stray delimiter?")
    cells = table.to_pandas().astype("object")
    first_data_row = 2
    head = cells.head(2)
    import_rows = [i for i in range(len(head)) if head.iloc[i].astype(str).str.startswith('{"ImportId"').any()]
    if import_rows:   # Qualtrics: question texts and ImportIds under the header
        cells = cells.iloc[import_rows[0] + 1:].reset_index(drop=True)
        first_data_row += import_rows[0] + 1
    return Cells(cells, "line", first_data_row)


def _excel_cells(path: Path) -> Cells:
    table = pd.read_excel(path, dtype=str, keep_default_na=False, engine="openpyxl")
    return Cells(table.astype("object"), "sheet row", 2)


def _sav_cells(path: Path) -> Cells:
    table, _meta = pyreadstat.read_sav(path, apply_value_formats=False, user_missing=False)

    def as_text(value) -> str:
        if isinstance(value, float):
            return "" if pd.isna(value) else (str(int(value)) if value.is_integer() else repr(value))
        return "" if value is None else str(value)

    return Cells(table.map(as_text).astype("object"), "case", 1)


READERS = {".csv": _csv_cells, ".txt": _csv_cells, ".xlsx": _excel_cells, ".sav": _sav_cells}


def read_cells(path: str | Path) -> Cells:
    """An export as text cells, whatever its format."""
    path = Path(path)
    if not path.is_file():
        raise ExportError(f"{path}: no such file")
    if path.suffix.lower() not in READERS:
        raise ExportError(f"{path}: unknown format {path.suffix!r}; use one of {', '.join(READERS)}")
    cells = READERS[path.suffix.lower()](path)
    if cells.table.columns.duplicated().any():
        dup = cells.table.columns[cells.table.columns.duplicated()].tolist()
        raise ExportError(f"{path}: the header repeats column(s) {dup}")
    if cells.table.empty:
        raise ExportError(f"{path}: the file has a header but no data rows")
    return cells


# --- Mapping ---------------------------------------------------------------------------------

def load_mapping(path: str | Path, cb: Codebook) -> dict:
    """A column-mapping file: {columns: {export column: codebook name}, ignore: [export columns]}."""
    path = Path(path)
    spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    columns, ignore = spec.get("columns", {}) or {}, spec.get("ignore", []) or []
    unknown = sorted(set(columns.values()) - set(cb.names))
    if unknown:
        raise ExportError(f"{path}: maps to name(s) that are not in the codebook: {unknown}")
    return {"columns": {str(k): v for k, v in columns.items()}, "ignore": [str(c) for c in ignore]}


def apply_mapping(table: pd.DataFrame, mapping: dict | None) -> pd.DataFrame:
    if not mapping:
        return table
    return table.drop(columns=[c for c in mapping["ignore"] if c in table.columns]).rename(columns=mapping["columns"])


# --- Validation ------------------------------------------------------------------------------

def _as_numbers(series: pd.Series, whole: bool) -> pd.Series:
    """Numbers from text cells, vectorised: empty is missing, a decimal comma is accepted; a cell that is
    no number (or, with `whole`, no whole number) keeps its text, so validation reports it with its row.
    (pandera would truncate 2.5 to 2 when coercing floats to integers: that must not happen silently.)"""
    text = series.astype("string").str.strip()
    text = text.mask(text == "")
    numbers = pd.to_numeric(text, errors="coerce")
    failed = numbers.isna() & text.notna()
    if failed.any():
        numbers[failed] = pd.to_numeric(text[failed].str.replace(r"^(-?\d+),(\d+)$", r"\1.\2", regex=True), errors="coerce")
        failed = numbers.isna() & text.notna()
    if whole:
        failed |= numbers.notna() & (numbers % 1 != 0)
    if failed.any():
        return numbers.astype("object").where(~failed, text.astype("object"))
    return numbers


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


def _describe_check(check: str, cb: Codebook, column: str | None) -> str:
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
    cell_cases["problem"] = [_describe_check(c, cb, col) for c, col in zip(cell_cases["check"], cell_cases["column"])]
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
    for name in set(table.columns) & set(cb.names):
        kind = cb[name].type
        table[name] = _as_text(table[name]) if kind in ("id", "text", "postcode") else _as_numbers(table[name], kind != "number")
    try:
        valid = export_schema(cb).validate(table, lazy=True)
    except pdschema.errors.SchemaErrors as err:
        raise ExportError(_explain(path, cells, err.failure_cases, cb)) from None
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
