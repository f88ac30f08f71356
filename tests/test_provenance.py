"""Where a report came from: the commit of the code, named in every report's banner."""
import re
import subprocess

import nbformat
import pytest

from helpers.ingest.provenance import code_commit
from helpers.present.text import LANGS, banner
from helpers.runner import run


def git(repo, *args) -> str:
    return subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org",
                           "-c", "commit.gpgsign=false", *args], capture_output=True, text=True, check=True).stdout.strip()


@pytest.fixture
def repo(tmp_path):
    (tmp_path / "code.py").write_text("x = 1\n", encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "first")
    return tmp_path


def test_the_commit_of_a_clean_tree(repo):
    assert code_commit(repo) == git(repo, "rev-parse", "--short", "HEAD")
    assert re.fullmatch(r"[0-9a-f]{7,}", code_commit(repo))


@pytest.mark.parametrize("change", ["modified", "untracked"])
def test_a_tree_with_changes_says_so(repo, change):
    (repo / ("code.py" if change == "modified" else "new.py")).write_text("x = 2\n", encoding="utf-8")
    assert code_commit(repo) == git(repo, "rev-parse", "--short", "HEAD") + "+changes"


def test_outside_git_the_commit_is_unknown(tmp_path):
    assert code_commit(tmp_path) == "unknown"


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("synthetic", [True, False])
def test_the_banner_names_the_commit(lang, synthetic):
    source = {"file": "export.csv", "sha256": "ab" * 32, "synthetic": synthetic, "seed": 1, "rows": 576}
    assert "commit 1a2b3c4+changes" in banner({**source, "commit": "1a2b3c4+changes"}, lang)
    assert "commit unknown" in banner(source, lang)   # a run recorded before commits were named


def test_every_report_names_the_commit_it_was_built_from(tmp_path, export_csv, monkeypatch):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": run.KERNEL, "display_name": run.KERNEL, "language": "python"}})
    nb.cells = [nbformat.v4.new_markdown_cell("# A report"), nbformat.v4.new_code_cell("lang = 'nl'", metadata={"tags": ["parameters"]})]
    (tmp_path / "notebooks").mkdir()
    nbformat.write(nb, tmp_path / "notebooks" / "01_cleaning.ipynb")
    monkeypatch.setattr(run, "NOTEBOOKS_DIR", tmp_path / "notebooks")
    monkeypatch.setattr(run, "BUILD_DIR", tmp_path / "build")
    monkeypatch.setattr(run, "PROCESSED_DIR", tmp_path / "processed")
    monkeypatch.setattr(run, "code_commit", lambda: "1a2b3c4+changes")
    assert run.main(["--raw", str(export_csv), "--out", str(tmp_path / "reports")]) == 0
    run_dir = tmp_path / "reports" / export_csv.stem
    for page in ("01_cleaning.html", "01_cleaning.full.html", "index.html"):
        assert "commit 1a2b3c4+changes" in (run_dir / page).read_text(encoding="utf-8"), page
