"""Every path of the project, built from one place (the repository root)."""
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HELPERS_DIR = ROOT / "src" / "helpers"
TEMPLATES_DIR = HELPERS_DIR / "present" / "templates"
DATA_DIR = ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
SYNTHETIC_PARAMS_DIR = DATA_DIR / "synthetic"
CODEBOOK = DATA_DIR / "codebook.yaml"
NOTEBOOKS_DIR = ROOT / "notebooks"
REPORTS_DIR = ROOT / "reports"
BUILD_DIR = ROOT / "build"

SYNTHETIC_DEFAULT_PARAMS = SYNTHETIC_PARAMS_DIR / "default.yaml"
SYNTHETIC_DEFAULT_EXPORT = RAW_DIR / "synthetic_default.csv"
PROCESSED_DEFAULT = PROCESSED_DIR / "synthetic_default.parquet"   # what 01 writes for the synthetic default

SAFE_NAME = re.compile(r"[A-Za-z0-9_-]+")   # a run's name: it becomes a folder name in reports/ and build/


def slug(text: str) -> str:
    """`text` as a safe name: every run of other characters than letters, digits, '-' and '_' becomes one '_'.

    >>> slug("my export (v2)")
    'my_export_v2'
    """
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text).strip("_") or "export"


def within(path: Path, folder: Path) -> Path:
    """`path`, once checked to lie inside `folder` (links and '..' resolved); a ValueError otherwise."""
    if not Path(path).resolve().is_relative_to(Path(folder).resolve()):
        raise ValueError(f"{path} lies outside {folder}")
    return Path(path)
