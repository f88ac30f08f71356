"""Notebook hygiene: committed without outputs, with a parameters cell and the project's kernel."""
import json

import pytest

from helpers.runner.run import KERNEL, notebooks

NOTEBOOKS = notebooks()


def test_there_are_notebooks():
    assert NOTEBOOKS and NOTEBOOKS[0].name == "01_cleaning.ipynb"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and (c["outputs"] or c["execution_count"])]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs; clear them before committing"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_has_parameters_cell_and_named_kernel(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
    source = "".join(tagged[0]["source"])
    assert "lang = " in source and "min_cell = " in source
    assert nb["metadata"]["kernelspec"]["name"] == KERNEL




@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_every_narrative_cell_exists_in_both_languages(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    tags = [c.get("metadata", {}).get("tags", []) for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert all("lang-nl" in t or "lang-en" in t for t in tags), f"{path.name}: a markdown cell without lang-nl/lang-en"
    assert sum("lang-nl" in t for t in tags) == sum("lang-en" in t for t in tags)
