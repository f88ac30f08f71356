"""Notebook hygiene: committed in Jupyter's own format without outputs, with a parameters cell and the
project's kernel; a notebook run and saved in JupyterLab changes nothing git or the runner sees."""
import json
import os
import re
import shlex
import subprocess
import sys
from functools import cache
from pathlib import Path

import nbformat
import pytest
import yaml

from helpers.paths import NOTEBOOKS_DIR, ROOT
from helpers.runner import cache as runner_cache
from helpers.runner import notebook_format
from helpers.runner.notebook_format import CLI_DEFAULT_KEYS, EXTRA_KEYS, normalised
from helpers.runner.run import KERNEL, notebooks

NOTEBOOKS = notebooks()
EVERY = sorted(NOTEBOOKS_DIR.glob("*.ipynb"))   # 08 too (the runner leaves it out without a comparison)


def git_in(folder: Path, *args: str, check: bool = True) -> str:
    return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True, check=check).stdout.strip()


@cache
def committed(path: Path) -> str:
    """What `git add` would stage of a notebook: its working copy through the clean filter its clone names
    (`make env` installs it), else the working copy itself (no filter, or no git: it would go in as it is)."""
    text = path.read_text(encoding="utf-8")
    driver = git_in(path.parent, "check-attr", "filter", "--", path.name, check=False).rpartition(": ")[2]
    clean = driver not in ("", "unspecified", "unset") and git_in(path.parent, "config", f"filter.{driver}.clean", check=False)
    if not clean:
        return text
    return subprocess.run(clean, shell=True, cwd=git_in(path.parent, "rev-parse", "--show-toplevel"), input=text,
                          capture_output=True, text=True, check=True).stdout


def test_the_notebooks_follow_the_reports_order():
    """Key findings and introduction first, the method (cleaning) next, the conclusion last."""
    names = [nb.name for nb in NOTEBOOKS]
    assert names[:2] == ["00_key_findings.ipynb", "01_cleaning.ipynb"] and names[-1] == "10_conclusion.ipynb"


def test_every_notebook_is_checked():
    assert {nb.name for nb in notebooks(compare=True)} <= {nb.name for nb in EVERY}
    assert "08_waves.ipynb" in {nb.name for nb in EVERY}


@pytest.mark.parametrize("path", EVERY, ids=lambda p: p.name)
def test_committed_without_outputs(path):
    nb = json.loads(committed(path))
    dirty = [i for i, c in enumerate(nb["cells"]) if c["cell_type"] == "code" and (c["outputs"] or c["execution_count"])]
    assert not dirty, (f"{path.name}: cells {dirty} carry outputs that git would commit: `make env` installs the filter "
                       "that strips them, `make notebooks-clean` clears them")


@pytest.mark.parametrize("path", EVERY, ids=lambda p: p.name)
def test_has_parameters_cell_and_named_kernel(path):
    nb = json.loads(committed(path))
    tagged = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name}: needs exactly one cell tagged 'parameters'"
    source = "".join(tagged[0]["source"])
    assert "lang = " in source and "min_cell = " in source
    assert nb["metadata"]["kernelspec"]["name"] == KERNEL


@pytest.mark.parametrize("path", EVERY, ids=lambda p: p.name)
def test_committed_in_jupyters_own_format(path):
    text = committed(path)
    assert normalised(text) == text, f"{path.name} is not as JupyterLab saves it: run make notebooks-clean"


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
        (folder / path.name).write_text(committed(path), encoding="utf-8")
        jupyter_save(jupyter_contents, path.name)
    assert not [p.name for p in EVERY if committed(p) != (folder / p.name).read_text(encoding="utf-8")]


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


OPTIONS = ["--keep-id", "--extra-keys", " ".join(EXTRA_KEYS)]   # nbstripout's, in the git filter and the hook
LANGUAGE_INFO = {"name": "python", "codemirror_mode": {"name": "ipython", "version": 3}, "pygments_lexer": "ipython3"}


def test_nbstripout_filter_and_hook_strip_as_the_check_does(tmp_path):
    """Outputs, counts, the Python version and nbstripout's own defaults go; the rest of language_info (its nested
    codemirror version too) and the collapsed narrative stay, in the git filter, the hook and the check alike."""
    hooks = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))["repos"]
    nbstripout = next(h for repo in hooks for h in repo["hooks"] if h["id"] == "nbstripout")
    assert nbstripout["args"] == OPTIONS
    assert any("helpers.runner.notebook_format --check" in h.get("entry", "") for repo in hooks for h in repo["hooks"])
    assert f'-m nbstripout {OPTIONS[0]} {OPTIONS[1]} "{OPTIONS[2]}"' in (ROOT / "Makefile").read_text(encoding="utf-8")
    ran = planted({**LANGUAGE_INFO, "version": "3.11.2"}, execution_count=3, outputs=[nbformat.v4.new_output("stream", text="1\n")])
    for key in CLI_DEFAULT_KEYS:   # each planted where JupyterLab or a widget would write it
        where, name = key.rsplit(".", 1)
        for holder in [ran] if where == "metadata" else ran.cells:
            holder.metadata[name] = True
    ran = nbformat.writes(ran)
    filtered = subprocess.run([sys.executable, "-m", "nbstripout", *OPTIONS], input=ran, cwd=tmp_path,
                              capture_output=True, text=True, check=True).stdout   # what the git filter commits
    assert filtered == normalised(ran) == nbformat.writes(planted(LANGUAGE_INFO)) + "\n"


@pytest.mark.parametrize("path", EVERY, ids=lambda p: p.name)
def test_the_header_says_how_to_make_its_page_by_hand(path):
    """Under the title, in both languages and on the page with code: the runner's command that runs this notebook."""
    header = nbformat.reads(committed(path), as_version=4).cells[2:4]
    assert [c.metadata.get("tags") for c in header] == [["lang-nl", "full-only"], ["lang-en", "full-only"]]
    for cell in header:
        args = shlex.split(re.search(r"`\.venv/bin/python -m helpers\.runner ([^`]*)`", cell.source).group(1))
        assert path in notebooks(args[args.index("--only") + 1:], compare="--compare-with" in args), cell.source


@pytest.mark.parametrize("path", EVERY, ids=lambda p: p.name)
def test_every_narrative_cell_exists_in_both_languages(path):
    nb = json.loads(committed(path))
    tags = [c.get("metadata", {}).get("tags", []) for c in nb["cells"] if c["cell_type"] == "markdown"]
    assert all("lang-nl" in t or "lang-en" in t for t in tags), f"{path.name}: a markdown cell without lang-nl/lang-en"
    assert sum("lang-nl" in t for t in tags) == sum("lang-en" in t for t in tags)


CHECKS = [test_committed_without_outputs, test_has_parameters_cell_and_named_kernel, test_committed_in_jupyters_own_format,
          test_every_narrative_cell_exists_in_both_languages]


@pytest.fixture(scope="module")
def clone(tmp_path_factory) -> Path:
    """A fresh clone of this repository's HEAD after `make env` (twice: it is idempotent); its .venv is this
    environment (`-o`: make does not build another)."""
    path = tmp_path_factory.mktemp("clone") / "repo"
    subprocess.run(["git", "clone", "--quiet", str(ROOT), str(path)], check=True)
    for notebook in (path / "notebooks").glob("*.ipynb"):   # older than the index: git need not re-read them all
        os.utime(notebook, (notebook.stat().st_mtime - 60,) * 2)   # through the filter (racily clean files) at each call
    git_in(path, "update-index", "--refresh")
    (path / ".venv").symlink_to(sys.prefix)
    with open(path / ".git" / "info" / "exclude", "a", encoding="utf-8") as exclude:
        exclude.write(".venv\n")   # .gitignore's `.venv/` matches a folder, not this link
    for _ in range(2):
        subprocess.run(["make", "-o", ".venv/.installed", "env"], cwd=path, check=True, capture_output=True)
    return path


def test_make_env_installs_the_notebook_filter_once(clone):
    """The clone's own .venv, with the repository's options; once however often make env runs."""
    command = '.venv/bin/python -m nbstripout {} {} "{}"'.format(*OPTIONS)
    assert git_in(clone, "config", "--get-all", "filter.nbstripout.clean") == command
    assert git_in(clone, "config", "--get-all", "diff.ipynb.textconv") == command + " -t"


def executed_as_in_jupyterlab(path: Path, parameters: str) -> nbformat.NotebookNode:
    """The notebook with every cell run by the project's kernel (`parameters` set after its parameters cell, as
    papermill would, and taken out again): outputs, execution counts and the kernel's language_info."""
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    at = next(i for i, c in enumerate(nb.cells) if "parameters" in c.metadata.get("tags", [])) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(parameters))
    NotebookClient(nb, kernel_name=KERNEL, resources={"metadata": {"path": str(path.parent)}}, timeout=600).execute()
    del nb.cells[at]
    return nb


def test_a_notebook_run_and_saved_in_jupyterlab_changes_nothing_git_or_the_runner_sees(clone, export_csv, tmp_path, monkeypatch):
    """01 with every cell run and saved as JupyterLab saves it (outputs, the kernel's language_info with its Python
    version): git sees no change (the filter run from notebooks/ too) and stages nothing, the notebook checks pass
    on what git would commit, and the runner's cache key is the committed notebook's. Every other notebook opened
    with the kernel and saved would commit as it is."""
    from jupyter_server.services.contents.filemanager import FileContentsManager

    path = clone / "notebooks" / "01_cleaning.ipynb"
    key = runner_cache.notebook_keys([path], "shared", "", "")
    ran = executed_as_in_jupyterlab(path, f"raw = {str(export_csv)!r}\nprocessed = {str(tmp_path / 'processed.parquet')!r}")
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter-data"))
    FileContentsManager(root_dir=str(path.parent)).save({"type": "notebook", "format": "json", "content": ran}, path.name)
    saved = nbformat.read(path, as_version=4)
    assert saved.metadata.language_info.version and sum(len(c.get("outputs", [])) for c in saved.cells) > 10
    assert git_in(path.parent, "diff") == ""
    git_in(clone, "add", "--all")   # (git status lists a file whose size changed until git add looks at its content)
    assert git_in(clone, "status", "--porcelain") == ""   # nothing staged: nothing to commit
    for check in CHECKS:
        check(path)
    assert runner_cache.notebook_keys([path], "shared", "", "") == key
    for other in EVERY:   # as the git filter would commit it (test_nbstripout_filter_and_hook_strip_as_the_check_does)
        opened = nbformat.reads(committed(other), as_version=4)
        opened.metadata.language_info = ran.metadata.language_info
        assert normalised(nbformat.writes(opened)) == committed(other), f"{other.name}: its language_info is not the kernel's"
