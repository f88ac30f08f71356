"""One figure, one print: every number a run prints comes from one value. The chapters run as their notebooks
run them (their code cells, parameters injected as papermill does), and every result they keep is read as a
registry of figures, each identified by its variable (with its answer and context), its statistic and its base
(the respondents it counts, n): one identity, one value, whichever table, chart or download prints it. Sentences
that restate a table's figure print it as the table does."""
from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from helpers.paths import NOTEBOOKS_DIR
from helpers.present.text import localise

IDENTITY = ("variable", "code", "context", "option", "group", "x", "y", "a", "b", "outcome", "predictor", "measure", "kind",
            "estimator", "missing")
BASES = ("n", "base", "n_a", "n_b")


def run_notebook(name: str, parameters: dict) -> dict:
    """A notebook's code cells executed in one namespace, its parameters cell followed by `parameters` (papermill's
    injection); the namespace after the last cell."""
    cells = [c for c in json.loads((NOTEBOOKS_DIR / f"{name}.ipynb").read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code"]
    namespace: dict = {}
    for cell in cells:
        exec("".join(cell["source"]), namespace)
        if "parameters" in cell["metadata"].get("tags", []):
            namespace.update(parameters)
    return namespace


@pytest.fixture(scope="module")
def chapters(tmp_path_factory, export_csv) -> dict:
    """Every chapter of a run on the synthetic default, in Dutch, as its notebook makes and calls it."""
    folder = tmp_path_factory.mktemp("run")
    processed = folder / "survey.parquet"
    common = {"lang": "nl", "min_cell": 5, "artifacts": None}
    made = {"01_cleaning": run_notebook("01_cleaning", {**common, "raw": str(export_csv), "processed": str(processed)})["ch"]}
    for path in sorted(NOTEBOOKS_DIR.glob("[0-9][0-9]_*.ipynb")):
        if path.stem not in ("01_cleaning", "08_waves"):
            made[path.stem] = run_notebook(path.stem, {**common, "processed": str(processed)})["ch"]
    return made


def figures(frame: pd.DataFrame, source: str) -> list[tuple[tuple, float, str]]:
    """A result's figures: (identity, value, where) for every number of a row that names its variable."""
    if "variable" not in frame and not {"x", "y"} <= set(frame) and not {"a", "b"} <= set(frame):
        return []
    keys = [c for c in IDENTITY if c in frame]
    base = next((c for c in BASES if c in frame), None)
    statistics = [c for c in frame.select_dtypes("number").columns if c not in (*keys, *BASES) and not c.startswith("hidden_")]
    found = []
    for _, row in frame.iterrows():
        identity = tuple((k, row[k]) for k in keys if pd.notna(row[k]))
        for statistic in statistics:
            if pd.notna(row[statistic]):
                found.append(((*identity, ("statistic", statistic), ("base", row[base] if base else None)), float(row[statistic]), source))
    return found


def test_one_identity_one_value_across_the_runs_results(chapters):
    registry: dict[tuple, tuple[float, str]] = {}
    clashes, counted = [], 0
    for stem, ch in chapters.items():
        for name, frame in ch.results.items():
            for identity, value, where in figures(frame, f"{stem}/{name}"):
                counted += 1
                first = registry.setdefault(identity, (value, where))
                if not np.isclose(first[0], value, rtol=1e-9, atol=1e-12):
                    clashes.append((identity, first, (value, where)))
    assert counted > 500 and not clashes, clashes[:5]


def test_the_registry_finds_a_figure_printed_in_two_forms():
    """The check can fail: the same mean over the same respondents with two values is a clash."""
    one = pd.DataFrame({"variable": ["lit_tech"], "n": [478.0], "mean": [2.654]})
    two = one.assign(mean=2.664)
    a, b = figures(one, "a")[0], figures(two, "b")[0]
    assert a[0] == b[0] and a[1] != b[1]


def test_a_sentence_restates_cohens_dz_as_its_table_prints_it(chapters):
    """04: the paired t-tests of technical literacy against each other subscale, in the table and in the findings:
    each dz a sentence gives is one the table prints, sign included (the pair oriented as the table orients it)."""
    ch = chapters["04_literacy"]
    table = ch.paired_tests("literacy").printed
    printed = set(table.iloc[:, -1])
    said = re.findall(r"dz = (−?\d+,\d+)", localise(" ".join(ch.finding_sentences()), "nl"))
    assert len(said) >= 4 and set(said) <= printed, (said, printed)


def test_the_weighting_note_prints_the_weights_as_the_strata_table_does(chapters):
    ch = chapters["09_context"]
    weights = [w for w in ch.strata().printed.iloc[:, 4] if w != "—"]
    note = ch.weighting_note().data
    assert min(weights, key=lambda w: float(w.replace(",", "."))) in note and max(weights, key=lambda w: float(w.replace(",", "."))) in note


def test_the_readmes_checklist_names_the_choices_each_page_marks(chapters):
    """README, 'A reviewer's checklist': the choices of this project it lists for a page are those the page marks."""
    from helpers.paths import ROOT

    section = (ROOT / "README.md").read_text(encoding="utf-8").split("### A reviewer's checklist\n", 1)[1].split("\n#", 1)[0]
    listed = {row.split("|")[1].strip()[:2]: set(re.findall(r"`([a-z-]+)`", row.split("|")[4]))
              for row in section.splitlines() if re.match(r"\| \d\d ", row)}
    marked = {stem[:2]: set(ch.assumed) for stem, ch in chapters.items()}
    assert listed == marked
