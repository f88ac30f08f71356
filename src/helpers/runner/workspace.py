"""A run's folders, its lock and its manifest: where a run writes, and the check that it writes nowhere else.

    <out>/<name>/              the published reports, manifest.json (each report's key and output hashes), index.html
    build/runs/<name>/         the run's own state:
        data/                  its processed data, what its analysis notebooks read (and --compare-with <name>), and
                               model_fits.json, the model's fits that 05 keeps for 00 and 10 (helpers.analysis.fits)
        staging.<pid>/         what one process builds (reports/, data/), published only when the run succeeds
        executed/, failed/     the executed notebooks (failed/: kept for debugging)
        runtime/               the kernels' connection files
    build/runs/<name>.lock     held by the run working on <name>; a second run of it waits
    data/processed/<name>.*    a copy of data/, published when the run succeeds (for notebooks run by hand)

A run's name is a safe slug (letters, digits, '-', '_'), and every file a run writes or deletes is checked
to lie inside one of its folders.
"""
from __future__ import annotations

import json
import os
import shutil
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from helpers.ingest.provenance import sha256_file, write_atomic
from helpers.paths import NOTEBOOKS_DIR, ROOT, SAFE_NAME, slug, within


class UnsafeName(ValueError):
    """A run name that could leave its folder (`..`, `/`, other characters): exit code 2."""


def checked_name(name: str, option: str) -> str:
    """`name`, once checked to be a safe slug; UnsafeName otherwise."""
    if not SAFE_NAME.fullmatch(name):
        raise UnsafeName(f"{option} {name!r}: a run name holds only letters, digits, '-' and '_'")
    return name


def run_names(raw: Path, name: str | None, languages: list[str]) -> dict[str, str]:
    """Each language's run folder: the export's file name without extension as a slug (or `name`, once checked),
    with `_<lang>` added for a language other than Dutch; a `name` given for one language is that run's name.

    >>> run_names(Path("my export.csv"), None, ["nl", "en"]), run_names(Path("x.csv"), "wave2", ["en"])
    ({'nl': 'my_export', 'en': 'my_export_en'}, {'en': 'wave2'})
    """
    if name is not None and len(languages) == 1:
        return {languages[0]: checked_name(name, "--name")}
    base = checked_name(name, "--name") if name is not None else slug(raw.stem)
    return {lang: base if lang == "nl" else f"{base}_{lang}" for lang in languages}


@dataclass(frozen=True)
class Workspace:
    """The folders of one run (see the module docstring)."""
    name: str
    out: Path
    build: Path
    published: Path

    @property
    def run_dir(self) -> Path:
        return within(self.out / self.name, self.out)

    @property
    def home(self) -> Path:
        return within(self.build / "runs" / self.name, self.build)

    @property
    def data(self) -> Path:
        return self.home / "data"

    @property
    def processed(self) -> Path:
        """The run's own processed dataset (the row account lies beside it)."""
        return self.data / f"{self.name}.parquet"

    @property
    def staging(self) -> Path:
        return self.home / f"staging.{os.getpid()}"

    @property
    def manifest(self) -> Path:
        return self.run_dir / "manifest.json"


def shown_as(ws: Workspace, offered: dict) -> dict[str, str]:
    """What a page says of the paths a run hands its notebooks (papermill's parameters): where each file will be once
    published, inside the project relative to the notebooks folder (as a notebook run by hand takes them), outside
    it by its name alone; never the staging folder that is gone by then, nor a machine's absolute path."""
    def shown(path: Path) -> str:
        path = Path(path).resolve()
        return os.path.relpath(path, NOTEBOOKS_DIR) if path.is_relative_to(ROOT) else path.name

    places = {ws.staging / "reports": ws.run_dir, ws.staging / "data" / ws.processed.name: ws.published / ws.processed.name,
              ws.processed: ws.published / ws.processed.name, ws.staging: ws.home}
    places |= {Path(offered[key]): Path(offered[key]) for key in ("raw", "mapping", "compare_with") if offered.get(key)}
    return {str(path): shown(place) for path, place in places.items()}


@contextmanager
def locked(ws: Workspace, say):
    """Hold the run's lock; when another run holds it, say so and wait. The operating system frees a lock
    whose holder died, so a killed run never blocks the next one."""
    from filelock import FileLock, Timeout

    lock = FileLock(ws.home.with_name(f"{ws.name}.lock"))
    ws.home.parent.mkdir(parents=True, exist_ok=True)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        say(f"waiting: another run is building {ws.run_dir} (it holds {lock.lock_file})")
        lock.acquire()
    try:
        yield
    finally:
        lock.release()


def remove(path: Path, folder: Path) -> None:
    """Delete a file or folder, once checked to lie inside `folder`."""
    within(path, folder)
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink(missing_ok=True)


def clear_leftovers(ws: Workspace) -> None:
    """Remove what runs that died left behind (staging, kernel connection files); call with the lock held."""
    for left in [*ws.home.glob("staging.*"), ws.home / "runtime"]:
        remove(left, ws.home)


def fresh_staging(ws: Workspace) -> Path:
    """An empty staging folder for this process."""
    for part in ("reports", "data"):
        (ws.staging / part).mkdir(parents=True)
    return ws.staging


def publish(ws: Workspace) -> None:
    """Move what the run built into place: its reports (replacing only those files and figure folders) and its
    data: when the cleaning notebook ran, the whole data folder (with the model's fits when 05 ran); else the
    model's fits alone, beside the processed data they were made from."""
    ws.run_dir.mkdir(parents=True, exist_ok=True)
    for built in sorted((ws.staging / "reports").iterdir()):
        target = within(ws.run_dir / built.name, ws.run_dir)
        if built.is_dir():
            remove(target, ws.run_dir)
        os.replace(built, target)
    staged = ws.staging / "data"
    if (staged / ws.processed.name).is_file():
        remove(ws.data, ws.home)
        os.replace(staged, ws.data)
    else:
        for built in sorted(staged.iterdir()):
            os.replace(built, within(ws.data / built.name, ws.data))


def publish_processed(ws: Workspace) -> list[str]:
    """Copy the run's processed data to data/processed/ where the copy there is missing or differs (a
    notebook run by hand may have overwritten it); the names copied."""
    copied = []
    for own in sorted(ws.data.glob(f"{ws.name}.*")):
        target = within(ws.published / own.name, ws.published)
        if not target.is_file() or sha256_file(target) != sha256_file(own):
            write_atomic(target, lambda tmp, own=own: shutil.copyfile(own, tmp))
            copied.append(own.name)
    return copied


def read_manifest(path: Path, say) -> dict:
    """The last successful run's manifest. An unreadable one (truncated, edited) is a warning and counts as
    none, so every report is rebuilt."""
    if not path.is_file():
        return {"reports": {}}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        if all(isinstance(r, dict) and isinstance(r.get("outputs", {}), dict) for r in manifest["reports"].values()):
            return manifest
    except (ValueError, KeyError, TypeError, AttributeError):
        pass
    say(f"warning: {path} is unreadable (truncated or edited); it counts as missing: the run's reports are rebuilt")
    return {"reports": {}}


def write_manifest(path: Path, manifest: dict) -> None:
    write_atomic(path, lambda tmp: tmp.write_text(json.dumps(manifest, indent=2, ensure_ascii=False), encoding="utf-8"))
