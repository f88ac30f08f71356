"""A hostile export and its run, shared by tests/test_hostile_export.py and the browser test.

The file is named like an HTML tag with a script; its text cells (identifiers, postcodes, every open
answer) hold HTML, script, spreadsheet formulas and control characters. A payload that runs sets
`window.__pwned` or opens a dialog.
"""
from __future__ import annotations

import io
from contextlib import redirect_stderr
from pathlib import Path

import pytest

from helpers.runner import run
from helpers.synth import generate, load_params

FILE_NAME = "<img src=x onerror=alert(1)>.csv"
RUN_NAME = "hostile"
PAYLOADS = [
    "<script>window.__pwned = 1; alert(1)</script>",
    '<img src=x onerror="window.__pwned = 1; alert(2)">',
    '"><svg onload=alert(3)>',
    '=HYPERLINK("http://x","y")',
    "+SUM(1,2)",
    "@cmd",
    "bell\x07escape\x1bform\x0cfeed",
]
TEXT_COLUMNS = ("never_reason_work_other_text", "never_reason_free_other_text", "remarks_text")


def hostile_export(folder: Path) -> Path:
    """The synthetic default's rows with hostile text cells, written as CSV under a hostile file name."""
    df = generate(load_params()).astype({c: "object" for c in ("respondent_id", "postcode", *TEXT_COLUMNS)})
    for column in TEXT_COLUMNS:
        df[column] = [PAYLOADS[i % len(PAYLOADS)] for i in range(len(df))]
    df["respondent_id"] = [f"{PAYLOADS[i % 3]}{i}" for i in range(len(df))]
    df.loc[df.index[:3], "postcode"] = PAYLOADS[:3]
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / FILE_NAME
    df.to_csv(path, index=False)
    return path


def build_hostile_run(folder: Path) -> tuple[int, Path, str]:
    """Run the pipeline on the hostile export into folder/reports/hostile (build and processed data in
    `folder` too); returns the exit code, the run's folder and everything written to standard error
    (by this process and by the notebooks' processes)."""
    messages, log = io.StringIO(), folder / "stderr.txt"
    with pytest.MonkeyPatch.context() as patch, run.stderr_to(log), redirect_stderr(messages):
        patch.setattr(run, "BUILD_DIR", folder / "build")
        patch.setattr(run, "PROCESSED_DIR", folder / "processed")
        code = run.main(["--raw", str(hostile_export(folder / "raw")), "--out", str(folder / "reports"), "--name", RUN_NAME])
    return code, folder / "reports" / RUN_NAME, messages.getvalue() + log.read_text(encoding="utf-8", errors="replace")
