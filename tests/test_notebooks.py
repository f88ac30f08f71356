"""Notebook hygiene: committed in Jupyter's own format without outputs, with a parameters cell and the
project's kernel."""
import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
import yaml

from helpers.paths import NOTEBOOKS_DIR, ROOT
from helpers.runner import notebook_format
from helpers.runner.notebook_format import CLI_DEFAULT_KEYS, EXTRA_KEYS, normalised, not_normalised
from helpers.runner.run import KERNEL, notebooks

NOTEBOOKS = notebooks()
EVERY = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))   # 08 too (the runner leaves it out without a comparison)


def test_the_notebooks_follow_the_reports_order():
    """Key findings and introduction first, the method (cleaning) next, the conclusion last."""
    names = [nb.name for nb in NOTEBOOKS]
    assert names[:2] == ["00_key_findings.ipynb", "01_cleaning.ipynb"] and names[-1] == "10_conclusion.ipynb"


def test_every_notebook_is_checked():
    assert {nb.name for nb in notebooks(compare=True)} <= {nb.name for nb in EVERY}
    assert "08_waves.ipynb" in {nb.name for nb in EVERY}


@pytest.mark.parametrize("path", EVERY, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and (c["outputs"] or c["execution_count"])]
    assert not dirty, f"{path.name}: cells {dirty} carry outputs; clear them before committing"


@pytest.mark.parametrize("path", EVERY, ids=lambda p: p.name)
def test_has_parameters_cell_and_named_kernel(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
    source = "".join(tagged[0]["source"])
    assert "lang = " in source and "min_cell = " in source
    assert nb["metadata"]["kernelspec"]["name"] == KERNEL


@pytest.mark.parametrize("path", EVERY, ids=lambda p: p.name)
def test_committed_in_jupyters_own_format(path):
    assert not not_normalised([path]), f"{path.name} is not as JupyterLab saves it: run make notebooks-clean"


@pytest.fixture
def jupyter_contents(tmp_path, monkeypatch):
    """Jupyter's own save (the server side of JupyterLab's), its notebook signatures kept in tmp_path."""
    from jupyter_server.services.contents.filemanager import FileContentsManager

    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter-data"))
    (tmp_path / "notebooks").mkdir()
    return FileContentsManager(root_dir=str(tmp_path / "notebooks"))


def jupyter_save(contents, name: str) -> None:
    contents.save(contents.get(name), name)


def test_opening_and_saving_in_jupyter_changes_no_byte(jupyter_contents):
    folder = Path(jupyter_contents.root_dir)
    for path in EVERY:
        shutil.copy(path, folder)
        jupyter_save(jupyter_contents, path.name)
    changed = [p.name for p in EVERY if (NOTEBOOKS_DIR / p.name).read_bytes() != (folder / p.name).read_bytes()]
    assert not changed


def planted(language_info: dict | None = None, english: dict | None = None, **changes) -> nbformat.NotebookNode:
    """A small notebook in the committed form (its English collapsed, or with the `english` cell metadata), with
    `changes` made to its code cell."""
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": KERNEL, "display_name": KERNEL, "language": "python"}})
    if language_info:
        nb.metadata.language_info = language_info
    english = {"tags": ["lang-en"], "jupyter": {"source_hidden": True}} if english is None else english
    nb.cells = [nbformat.v4.new_markdown_cell("# Een titel\n\nTwee regels.", id="title-nl", metadata={"tags": ["lang-nl"]}),
                nbformat.v4.new_markdown_cell("# A title\n\nTwo lines.", id="title-en", metadata=english),
                nbformat.v4.new_code_cell("x = 1\nx", id="code", **changes)]
    return nb


UNNORMALISED = {
    "an output": lambda: nbformat.writes(planted(outputs=[nbformat.v4.new_output("stream", text="1\n")])) + "\n",
    "an execution count": lambda: nbformat.writes(planted(execution_count=3)) + "\n",
    "the kernel's Python version": lambda: nbformat.writes(planted({"name": "python", "version": "3.11.2"})) + "\n",
    "the English shown": lambda: nbformat.writes(planted(english={"tags": ["lang-en"]})) + "\n",
    "two-space indent": lambda: json.dumps(planted(), indent=2, sort_keys=True) + "\n",
    "source as one string": lambda: json.dumps(planted(), indent=1, sort_keys=True, ensure_ascii=False) + "\n",
    "no trailing newline": lambda: nbformat.writes(planted()),
}


@pytest.mark.parametrize("kind", UNNORMALISED)
def test_a_planted_notebook_not_in_jupyters_format_is_caught_and_fixed(kind, tmp_path):
    path = tmp_path / "planted.ipynb"
    path.write_text(nbformat.writes(planted()) + "\n", encoding="utf-8")
    assert notebook_format.main(["--check", str(path)]) == 0   # the form itself passes
    path.write_text(UNNORMALISED[kind](), encoding="utf-8")
    assert notebook_format.main(["--check", str(path)]) == 1
    assert notebook_format.main(["--fix", str(path)]) == 0
    assert notebook_format.main(["--check", str(path)]) == 0
    fixed = nbformat.read(path, as_version=4)
    assert [c.source for c in fixed.cells] == ["# Een titel\n\nTwee regels.", "# A title\n\nTwo lines.", "x = 1\nx"]
    assert [c.id for c in fixed.cells] == ["title-nl", "title-en", "code"]
    assert fixed.cells[1].metadata == {"tags": ["lang-en"], "jupyter": {"source_hidden": True}}


@pytest.mark.parametrize("kind", ["two-space indent", "source as one string", "no trailing newline"])
def test_a_jupyter_save_rewrites_a_notebook_not_in_its_format(kind, jupyter_contents):
    path = Path(jupyter_contents.root_dir) / "planted.ipynb"   # (the test above can fail: Jupyter would change these)
    path.write_text(UNNORMALISED[kind](), encoding="utf-8")
    jupyter_save(jupyter_contents, path.name)
    assert path.read_text(encoding="utf-8") == normalised(UNNORMALISED[kind]()) != UNNORMALISED[kind]()


LANGUAGE_INFO = {"name": "python", "codemirror_mode": {"name": "ipython", "version": 3}, "pygments_lexer": "ipython3"}


def test_nbstripout_filter_and_hook_strip_as_the_check_does(tmp_path):
    """Outputs, counts, the Python version and nbstripout's own defaults go; the rest of language_info (its nested
    codemirror version too) and the collapsed narrative stay, in the git filter, the hook and the check alike."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"]
    nbstripout = next(h for repo in hooks for h in repo["hooks"] if h["id"] == "nbstripout")
    options = ["--keep-id", "--extra-keys", " ".join(EXTRA_KEYS)]
    assert nbstripout["args"] == options
    assert any("helpers.runner.notebook_format --check" in h.get("entry", "") for repo in hooks for h in repo["hooks"])
    assert f'-m nbstripout {options[0]} {options[1]} "{options[2]}"' in (ROOT / "Makefile").read_text(encoding="utf-8")
    ran = planted({**LANGUAGE_INFO, "version": "3.11.2"}, execution_count=3, outputs=[nbformat.v4.new_output("stream", text="1\n")])
    for key in CLI_DEFAULT_KEYS:   # each planted where JupyterLab or a widget would write it
        where, name = key.rsplit(".", 1)
        for holder in [ran] if where == "metadata" else ran.cells:
            holder.metadata[name] = True
    ran = nbformat.writes(ran)
    filtered = subprocess.run([sys.executable, "-m", "nbstripout", *options], input=ran, cwd=tmp_path,
                              capture_output=True, text=True, check=True).stdout   # what the git filter commits
    assert filtered == normalised(ran) == nbformat.writes(planted(LANGUAGE_INFO)) + "\n"


@pytest.mark.parametrize("path", EVERY, ids=lambda p: p.name)
def test_every_narrative_cell_exists_in_both_languages(path):
    nb = json.loads(path.read_text(encoding="utf-8"))
    tags = [c.get("metadata", {}).get("tags", []) for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert all("lang-nl" in t or "lang-en" in t for t in tags), f"{path.name}: a markdown cell without lang-nl/lang-en"
    assert sum("lang-nl" in t for t in tags) == sum("lang-en" in t for t in tags)
