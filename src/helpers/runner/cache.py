"""Content hashes of a run's inputs and outputs, and which notebooks they make stale. Light: standard library
only, so a run with nothing to do answers in well under a second.

A notebook's key hashes everything it reads: the environment (Python, requirements.txt), the shared code,
templates and data files (src/helpers, data/*.yaml), the run's options, the export, the notebook's cells and
kernel (notebook_hash: not its outputs, so a notebook saved in JupyterLab after running it keeps its key), for
the analysis notebooks the processed data they read (its own hash), and for the summaries (00, 10) the model's fits
they read (FITS, written by 05). A notebook is stale when its key differs from its last successful run's, or when
one of the outputs recorded then (with their hashes) is missing or changed. When the cleaning notebook runs,
everything after it runs too; when the model's notebook runs, the summaries too. Inputs and outputs are
recognised by content, never by file time.
"""
from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

from helpers.ingest.provenance import sha256_file, sha256_files
from helpers.paths import DATA_DIR, HELPERS_DIR, ROOT

CLEANING = "01_cleaning"
MODEL = "05_intent_sem"                         # keeps the model's fits in the run's data folder (FITS) ...
SUMMARIES = ("00_key_findings", "10_conclusion")   # ... which these read: they run after it
FITS = "model_fits.json"


def sha256_text(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def code_inputs() -> list[Path]:
    """The shared code, templates and data files every report depends on."""
    code = [f for f in HELPERS_DIR.rglob("*") if f.is_file() and "__pycache__" not in f.parts]
    return [*code, *DATA_DIR.glob("*.yaml")]


def environment() -> str:
    return sha256_text(sys.version, sha256_file(ROOT / "requirements.txt"))


def shared_key(export_sha: str, options: dict) -> str:
    """What every notebook of a run reads: environment, code, templates, data files, options, export."""
    return sha256_text(environment(), sha256_files(code_inputs()), json.dumps(options, sort_keys=True), export_sha)


def landing_key(out: Path) -> str:
    """What the landing page (out/index.html) is made from: the code and every run's manifest."""
    manifests = sorted(out.glob("*/manifest.json"))
    return sha256_text(sha256_files(code_inputs()), *(f"{m.parent.name}:{sha256_file(m)}" for m in manifests))


def notebook_hash(path: Path) -> str:
    """What of a notebook its report is made from: each cell's type, id (the page's anchor), source, tags and
    attachments, and the kernel; not outputs, execution counts or other metadata (language_info, collapsed cells)."""
    nb = json.loads(path.read_text(encoding="utf-8"))
    cells = [[c["cell_type"], c.get("id"), "".join(c["source"]), c.get("metadata", {}).get("tags", []), c.get("attachments")]
             for c in nb["cells"]]
    return sha256_text(json.dumps([cells, nb["metadata"].get("kernelspec")], sort_keys=True))


def notebook_keys(notebooks: list[Path], shared: str, processed_sha: str, fits_sha: str) -> dict[str, str]:
    """Each notebook's cache key: the shared inputs and the notebook (notebook_hash); the analysis notebooks also
    the processed data they read (`processed_sha`, the hash of the cleaning notebook's output), the summaries
    also the model's fits (`fits_sha`, fits_hash of the file 05 wrote)."""
    return {nb.stem: sha256_text(shared, notebook_hash(nb), "" if nb.stem == CLEANING else processed_sha,
                                 *([fits_sha] if nb.stem in SUMMARIES else [])) for nb in notebooks}


def processed_hash(folder: Path) -> str:
    """One hash over the names (relative to the folder) and contents of the data folder's files but the model's
    fits (FITS: what 05 made of them, in the summaries' keys); '' when it has none."""
    files = sorted(f for f in folder.rglob("*") if f.is_file() and f.name != FITS) if folder.is_dir() else []
    return sha256_text(*(f"{f.relative_to(folder).as_posix()}:{sha256_file(f)}" for f in files)) if files else ""


def fits_hash(path: Path) -> str:
    """The model's fits file by its content; '' when there is none (the summaries then fit the model themselves)."""
    return sha256_file(path) if path.is_file() else ""


def outputs_of(run_dir: Path, stem: str) -> dict[str, str]:
    """The files of a notebook's report (paths relative to the run's folder) with their hashes."""
    files = [run_dir / f"{stem}.html", run_dir / f"{stem}.full.html", *sorted((run_dir / f"{stem}_files").rglob("*"))]
    return {f.relative_to(run_dir).as_posix(): sha256_file(f) for f in files if f.is_file()}


def document_key(shared: str, reports: dict[str, dict]) -> str:
    """What the combined document is made from: the shared inputs and every reviewer page (NAME.html) by its
    hash, as the manifest records them; so it is rebuilt when a page changes and not otherwise."""
    return sha256_text(shared, *(f"{stem}:{r.get('outputs', {}).get(f'{stem}.html', '')}" for stem, r in sorted(reports.items())))


def intact(run_dir: Path, recorded: dict[str, str]) -> bool:
    """Whether every output recorded for a report is in place with the content it had."""
    return bool(recorded) and all((run_dir / name).is_file() and sha256_file(run_dir / name) == sha
                                  for name, sha in recorded.items())


def stale(keys: dict[str, str], done: dict[str, str], whole: set[str]) -> list[str]:
    """Notebooks to run: their key differs from the last successful run's, or their report is not whole.
    When the cleaning notebook runs, everything after it runs too (its processed data is rewritten); when the
    model's notebook runs, the summaries too (its fits are rewritten)."""
    todo = [stem for stem, key in keys.items() if done.get(stem) != key or stem not in whole]
    if CLEANING in todo:
        return list(keys)
    return [stem for stem in keys if stem in todo or MODEL in todo and stem in SUMMARIES]
