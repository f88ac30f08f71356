"""Every path of the project, built from one place (the repository root)."""
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
