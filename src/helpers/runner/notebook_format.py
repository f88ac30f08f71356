"""Notebooks in Jupyter's own format: exactly what JupyterLab writes on save, without outputs, English collapsed.

    python -m helpers.runner.notebook_format --check     # exit 1 naming every notebook not in that form
    python -m helpers.runner.notebook_format --fix       # rewrite them so (`make notebooks-clean`)

The form is nbformat's (`nbformat.writes`: sorted keys, one-space indent, cell ids, source as lists of lines,
a trailing newline) after nbstripout's `strip_output` with the repository's options (no outputs, no
execution counts, the cell ids kept, the kernel's Python version left out): the same as the git filter
(`make env` installs it) and the pre-commit hook, which pass the same options to nbstripout's command line.
The narrative's English cells (tag lang-en) are collapsed (`metadata.jupyter.source_hidden`, which both keep), so
JupyterLab shows the Dutch and the English is one click away; the reports drop the other language's cells anyway.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbstripout import strip_output

from helpers.paths import NOTEBOOKS_DIR

# The one machine-dependent key a running kernel writes (JupyterLab saves the rest of metadata.language_info, which
# is committed); nbstripout's command line takes it as `--keep-id --extra-keys "metadata.language_info.version"`
# (the Makefile and .pre-commit-config.yaml) and pops just that nested key.
EXTRA_KEYS = ["metadata.language_info.version"]
# What nbstripout's command line strips besides (its defaults in nbstripout 0.9.1; `strip_output` strips only the
# keys it is given): widget state, signatures, and view state of outputs and timings
CLI_DEFAULT_KEYS = ["metadata.signature", "metadata.widgets", "cell.metadata.collapsed", "cell.metadata.ExecuteTime",
                    "cell.metadata.execution", "cell.metadata.heading_collapsed", "cell.metadata.hidden",
                    "cell.metadata.scrolled"]
COLLAPSED = "lang-en"   # the narrative cells committed collapsed


def normalised(text: str) -> str:
    """A notebook's text as JupyterLab would save it, stripped as nbstripout strips it, its English collapsed.

    >>> normalised('{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}').splitlines()
    ['{', ' "cells": [],', ' "metadata": {},', ' "nbformat": 4,', ' "nbformat_minor": 5', '}']
    """
    nb = nbformat.reads(text, as_version=4)
    strip_output(nb, keep_output=False, keep_count=False, keep_id=True, extra_keys=CLI_DEFAULT_KEYS + EXTRA_KEYS)
    for cell in nb.cells:
        if cell.cell_type == "markdown" and COLLAPSED in cell.metadata.get("tags", []):
            cell.metadata.setdefault("jupyter", {})["source_hidden"] = True
    return nbformat.writes(nb) + "\n"


def not_normalised(paths: list[Path]) -> dict[Path, str]:
    """The notebooks among `paths` that are not in that form, each with the text it should have."""
    texts = ((path, path.read_text(encoding="utf-8")) for path in paths)
    return {path: fixed for path, text in texts if (fixed := normalised(text)) != text}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m helpers.runner.notebook_format", description=__doc__.split("\n")[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--check", action="store_true", help="exit 1 if a notebook is not in Jupyter's own form")
    action.add_argument("--fix", action="store_true", help="rewrite the notebooks that are not")
    parser.add_argument("paths", nargs="*", type=Path, help="notebooks (default: every notebooks/*.ipynb)")
    args = parser.parse_args(argv)
    wrong = not_normalised(args.paths or sorted(NOTEBOOKS_DIR.glob("*.ipynb")))
    for path, text in wrong.items():
        if args.fix:
            path.write_text(text, encoding="utf-8")
        print(f"{'normalised' if args.fix else 'not normalised (make notebooks-clean)'}: {path}", file=sys.stderr)
    return 1 if wrong and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
