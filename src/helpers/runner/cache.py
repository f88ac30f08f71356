"""Content hashes of a run's inputs, and which notebooks they make stale. Light: standard library only,
so a run with nothing to do answers in well under a second.

A notebook's key hashes everything its report depends on: the environment (Python, requirements.txt),
the shared code, templates and data files (src/helpers, data/*.yaml), the run's
options, the export, and the notebook itself. Analysis notebooks also depend on the cleaning
notebook's key (its processed data), so a new export re-runs everything, a changed analysis notebook
only itself. Inputs are recognised by content, never by file time.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from helpers.ingest.provenance import sha256_file, sha256_files
from helpers.paths import DATA_DIR, HELPERS_DIR, ROOT

CLEANING = "01_cleaning"


def sha256_text(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def code_inputs() -> list[Path]:
    """The shared code and data every report depends on."""
    code = [f for f in HELPERS_DIR.rglob("*") if f.is_file() and "__pycache__" not in f.parts]
    return [*code, *DATA_DIR.glob("*.yaml")]


def environment() -> str:
    return sha256_text(sys.version, sha256_file(ROOT / "requirements.txt"))


def notebook_keys(notebooks: list[Path], export_sha: str, options: dict) -> dict[str, str]:
    """Each notebook's cache key (see the module docstring)."""
    shared = sha256_text(environment(), sha256_files(code_inputs()), json.dumps(options, sort_keys=True), export_sha)
    keys = {nb.stem: sha256_text(shared, sha256_file(nb)) for nb in notebooks}
    cleaning = keys.get(CLEANING, shared)
    return {stem: key if stem == CLEANING else sha256_text(cleaning, key) for stem, key in keys.items()}


def stale(keys: dict[str, str], done: dict[str, str], present: set[str]) -> list[str]:
    """Notebooks to run: their key differs from the last successful run's, or their report is missing.
    When the cleaning notebook runs, everything after it runs too (its processed data is rewritten)."""
    todo = [stem for stem, key in keys.items() if done.get(stem) != key or stem not in present]
    return list(keys) if CLEANING in todo else todo
