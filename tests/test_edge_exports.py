"""The matrix of edge exports (issue 12): each either renders every report (exit 0) or is refused with one
clear error (exit 2) that leaves reports/ and data/processed/ byte for byte as they were; never exit 1,
never a traceback. Each export comes from the synthetic generator plus small edits, written as Excel in
a Belgian locale writes it (semicolons, decimal commas, thousands points, CRLF, cp1252, a `sep=` line).

The refused cases run in `make test`; the cases that render every report run with `make test-all`."""
from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from helpers.ingest.codebook import load_codebook
from helpers.prepare.cleaning import account_path, clean
from helpers.runner import run
from helpers.synth import generate, load_params, merged

NEVER = {"counts": {1: 1, 2: 0, 3: 0, 4: 0, 5: 0}}


@cache
def generated(n: int) -> pd.DataFrame:
    """The synthetic export with n valid respondents."""
    return generate(load_params(), n)


def generated_with(override: dict, n: int = 60) -> pd.DataFrame:
    """A synthetic export from the default parameters with `override` merged in."""
    return generate(merged(load_params(), override), n)


def keeping(df: pd.DataFrame, k: int) -> pd.DataFrame:
    """The export with all but its first k valid respondents failing the control question."""
    cb = load_codebook()
    valid = clean(df, cb).data["respondent_id"]
    out = df.copy()
    out.loc[out["respondent_id"].isin(valid.iloc[k:]), "control"] = next(c for c in cb["control"].codes if c != cb["control"].correct_answer)
    return out


def with_columns(df: pd.DataFrame, **values) -> pd.DataFrame:
    """The export with whole columns replaced (a list is repeated down the rows)."""
    out = df.astype({name: object for name in values})
    for name, value in values.items():
        out[name] = (value * len(out))[: len(out)] if isinstance(value, list) else value
    return out


def excel_cell(value) -> str:
    """A cell as Excel (Belgian locale) writes it: '950', '812,5', '1.234,5'; empty when missing."""
    if pd.isna(value):
        return ""
    if isinstance(value, float):
        text = f"{value:,.1f}".removesuffix(".0") if value % 1 == 0 else f"{value:,.1f}"
        return text.replace(",", " ").replace(".", ",").replace(" ", ".")
    text = str(value)
    return f'"{text.replace(chr(34), 2 * chr(34))}"' if any(ch in text for ch in ';"\n') else text


def excel_export(df: pd.DataFrame, path: Path) -> Path:
    """The export as Excel saves 'CSV (puntkomma gescheiden)' in Belgium."""
    lines = ["sep=;", ";".join(df.columns)] + [";".join(excel_cell(v) for v in row) for row in df.astype(object).itertuples(index=False)]
    path.write_bytes(("\r\n".join(lines) + "\r\n").encode("cp1252"))
    return path


def whole_durations(df: pd.DataFrame) -> pd.DataFrame:
    """Durations in whole seconds, one of them 1234 s: Excel then writes '1.234' and no cell shows a decimal mark."""
    out = df.copy()
    out["duration_s"] = out["duration_s"].round()
    out.loc[out["consent"].eq(1).idxmax(), "duration_s"] = 1234.0
    return out


# Mapping files given with a case (file text), as a user writes them; runner options given with a case.
MAPPINGS = {"mapping_names_a_column_the_export_lacks": "columns:\n  Q99: age\n"}
OPTIONS = {"weighting_none": ["--weighting", "none"]}


def nobody_consenting(df: pd.DataFrame) -> pd.DataFrame:
    """Every respondent declined consent, so was asked nothing further (issue 24: a TypeError, exit 1, before)."""
    routed = [name for name, var in load_codebook().variables.items() if var.ask_if]
    return with_columns(df, consent=2, **{name: "" for name in routed})


def text_columns_empty(df: pd.DataFrame) -> pd.DataFrame:
    return with_columns(df, **{n: "" for n, v in load_codebook().variables.items() if v.type == "text"})


# Case name -> (the export, expected exit code, words the error must contain ({rows}: the export's rows));
# each export is built when a test needs it.
CASES = {
    "left_30": (lambda: generated(30), 0, []),
    "left_3": (lambda: keeping(generated(30), 3), 0, []),
    "left_1": (lambda: keeping(generated(30), 1), 0, []),
    "left_0": (lambda: keeping(generated(30), 0), 2, ["nobody is left after cleaning", "{rows} rows read", "kept 0"]),
    "nobody_consented": (lambda: nobody_consenting(generated(30)), 2,
                         ["nobody is left after cleaning", "{rows} rows read", "no_consent {rows}", "kept 0"]),
    "thousands_without_a_decimal_mark": (lambda: whole_durations(generated(30)), 2,
                                         ["'duration_s': a thousands separator or a decimal mark?", "value '1.234'"]),
    "mapping_names_a_column_the_export_lacks": (lambda: generated(30), 2, ["columns: 'Q99: age' names a column the export lacks"]),
    "one_government_type": (lambda: generated_with({"profile": {"gov_type": {"counts": {1: 1, 2: 0, 3: 0}}}}), 0, []),
    "government_type_without_population": (
        lambda: generated_with({"profile": {"gov_type": {"counts": {1: 5, 2: 4, 3: 1}}}}), 0, []),
    "every_postcode_invalid": (lambda: with_columns(generated(60), postcode=["0000", "75001", "abcd", "", "99999"]), 0, []),
    "no_free_text": (lambda: text_columns_empty(generated(60)), 0, []),
    "every_item_of_a_scale_missing": (lambda: with_columns(generated(60), pe_1="", pe_2="", pe_3=""), 0, []),
    "nobody_uses_generative_ai": (lambda: generated_with({"usage": {"use_work": NEVER, "use_free": NEVER}}), 0, []),
    "weighting_none": (lambda: generated(60), 0, []),
}
TOO_FEW = "Te weinig respondenten (minder dan 5) om dit te tonen."
# What a rendered case's page says of it (the Dutch page, the default): the report is honest about the edge.
SAYS = {
    "left_3": ("03_pros_cons", TOO_FEW),
    "left_1": ("02_usage", TOO_FEW),
    "government_type_without_population": ("09_context", "Niet gewogen: voor Andere overheid"),
    "weighting_none": ("09_context", "Geen weging: alle cijfers zijn ongewogen."),
    "every_postcode_invalid": ("07_regional_map", "respondenten staan niet op de kaart"),
    "nobody_uses_generative_ai": ("03_pros_cons", TOO_FEW),
}


REFUSED = ["left_0", "nobody_consented", "thousands_without_a_decimal_mark", "mapping_names_a_column_the_export_lacks"]
RENDERED = ["left_30", "left_3", "left_1", "one_government_type", "government_type_without_population",
            "every_postcode_invalid", "no_free_text", "every_item_of_a_scale_missing", "nobody_uses_generative_ai", "weighting_none"]


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture
def pipeline(tmp_path, monkeypatch):
    """Run the whole pipeline on a case into tmp_path; earlier reports and processed data already there."""
    monkeypatch.setattr(run, "BUILD_DIR", tmp_path / "build")
    monkeypatch.setattr(run, "PROCESSED_DIR", tmp_path / "processed")
    out = tmp_path / "reports"
    for folder in (out / "earlier", tmp_path / "processed"):
        folder.mkdir(parents=True)
        (folder / "earlier.bin").write_bytes(b"\x00earlier bytes\xff")

    def go(name: str) -> tuple[int, Path, pd.DataFrame]:
        export = CASES[name][0]()
        raw = excel_export(export, tmp_path / f"{name}.csv")
        mapping = tmp_path / f"{name}.mapping.yaml"
        if name in MAPPINGS:
            mapping.write_text(MAPPINGS[name], encoding="utf-8")
        options = (["--mapping", str(mapping)] if name in MAPPINGS else []) + OPTIONS.get(name, [])
        return run.main(["--raw", str(raw), "--out", str(out), "--jobs", "2", *options]), raw, export
    return go


def test_every_case_is_in_the_matrix():
    assert sorted(REFUSED + RENDERED) == sorted(CASES)


def test_excel_cells_are_written_as_belgian_excel_writes_them():
    assert [excel_cell(v) for v in (950.0, 812.5, 1234.5, 1234.0, 3, "a;b")] == ["950", "812,5", "1.234,5", "1.234", "3", '"a;b"']


@pytest.mark.parametrize("name", REFUSED)
def test_a_refused_export_exits_2_with_the_account_and_touches_nothing(name, pipeline, tmp_path, capsys):
    before = snapshot(tmp_path / "reports"), snapshot(tmp_path / "processed")
    code, raw, export = pipeline(name)
    err = capsys.readouterr().err
    assert code == CASES[name][1] == 2, err
    assert all(word.format(rows=len(export)) in err for word in CASES[name][2]) and (raw.name in err or f"{name}.mapping.yaml" in err), err
    assert "Traceback" not in err
    assert (snapshot(tmp_path / "reports"), snapshot(tmp_path / "processed")) == before



@pytest.mark.slow
@pytest.mark.parametrize("name", RENDERED)
def test_an_edge_export_renders_every_report_and_accounts_for_every_row(name, pipeline, tmp_path, capsys):
    code, raw, export = pipeline(name)
    err = capsys.readouterr().err
    assert code == 0, err
    assert "Traceback" not in err
    stems = [nb.stem for nb in run.notebooks()]
    assert all((tmp_path / "reports" / name / f"{stem}.html").is_file() for stem in stems)
    if name in SAYS:
        stem, text = SAYS[name]
        assert text in (tmp_path / "reports" / name / f"{stem}.html").read_text(encoding="utf-8")
    processed = tmp_path / "processed" / f"{name}.parquet"
    account = pd.read_parquet(account_path(processed))
    assert len(account) == len(export)   # rows in = rows kept + rows excluded, each with its status
    assert (account["status"] == "kept").sum() == len(pd.read_parquet(processed))
    assert account["status"].str.fullmatch(r"kept|excluded: \w+").all()
