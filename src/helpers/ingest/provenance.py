"""Where a report came from: content hashes of files, the sidecar that marks an export as synthetic, and the
commit of the code. Standard library only, so the runner can answer "nothing to do" without loading pandas."""
from __future__ import annotations

import hashlib
import json
import os
import subprocess
import tempfile
from pathlib import Path

from helpers.paths import (
    CODEBOOK,
    HELPERS_DIR,
    ROOT,
    SYNTHETIC_DEFAULT_EXPORT,
    SYNTHETIC_DEFAULT_PARAMS,
)


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


def write_atomic(path: str | Path, write) -> Path:
    """Call write(tmp_path) and move the result into place, so no reader sees half a file; it gets the permissions
    a file written in place gets (0644 under the usual umask 022), not the temporary file's owner-only 0600."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~umask())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return path


def umask() -> int:
    """The process's umask (Python reads it only by setting it: set and set back at once)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


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


def code_commit(root: Path = ROOT) -> str:
    """The commit the code is at (`git rev-parse --short HEAD`), with "+changes" when the working tree differs
    from it (modified or untracked files); "unknown" outside a git checkout."""
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True, check=True).stdout.strip()

    if not (root / ".git").exists():
        return "unknown"
    try:
        return git("rev-parse", "--short", "HEAD") + ("+changes" if git("status", "--porcelain") else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
