"""Content hashes of a run's inputs, and which notebooks they make stale. Light: standard library only,
so a run with nothing to do answers in well under a second.

A notebook's key hashes everything its report depends on: the environment (Python, requirements.txt),
the shared code and data files (src/helpers, codebook, messages, published figures), the run's
options, the export, and the notebook itself. Analysis notebooks also depend on the cleaning
notebook's key (its processed data), so a new export re-runs everything, a changed analysis notebook
only itself. Inputs are recognised by content, never by file time.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from helpers.paths import CODEBOOK, DATA_DIR, ROOT, SYNTHETIC_DEFAULT_EXPORT, SYNTHETIC_DEFAULT_PARAMS

HELPERS_DIR = Path(__file__).resolve().parent
CLEANING = "01_cleaning"


def sha256_file(path: str | Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sha256_files(paths: list[Path]) -> str:
    """One hash over several files: their names (relative to the repository) and contents."""
    digest = hashlib.sha256()
    for path in sorted(paths):
        digest.update(str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path.name).encode())
        digest.update(sha256_file(path).encode())
    return digest.hexdigest()


def sha256_text(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def code_inputs() -> list[Path]:
    """The shared code and data every report depends on."""
    return [*HELPERS_DIR.glob("*.py"), CODEBOOK, DATA_DIR / "messages.yaml", DATA_DIR / "published.yaml"]


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


def synthetic_inputs(params: Path) -> str:
    """Hash of what the synthetic export is made from: generator code, codebook, parameter files."""
    files = [HELPERS_DIR / "synth.py", CODEBOOK, *params.parent.glob("*.yaml")]
    return sha256_files([f for f in files if f.exists()])


def manifest_path(export: Path) -> Path:
    """The sidecar that marks an export as synthetic (written by helpers.synth)."""
    return export.with_name(export.name + ".synthetic.json")


def provenance(path: str | Path) -> dict:
    """What a reader needs to know about the data source: file, checksum, synthetic or not (and its seed)."""
    path = Path(path)
    manifest = manifest_path(path)
    source = {"file": path.name, "sha256": sha256_file(path), "synthetic": manifest.exists()}
    if manifest.exists():
        source["seed"] = json.loads(manifest.read_text(encoding="utf-8"))["seed"]
    return source


def synthetic_default_is_current() -> bool:
    """Whether the synthetic default export exists and was made from today's generator inputs."""
    manifest = manifest_path(SYNTHETIC_DEFAULT_EXPORT)
    if not (SYNTHETIC_DEFAULT_EXPORT.exists() and manifest.exists()):
        return False
    recorded = json.loads(manifest.read_text(encoding="utf-8")).get("inputs_sha256")
    return recorded == synthetic_inputs(SYNTHETIC_DEFAULT_PARAMS)
