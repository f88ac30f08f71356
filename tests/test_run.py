"""The runner: bad input leaves earlier reports untouched; a failing notebook is reported and kept;
the synthetic default renders end to end with the synthetic-data banner first."""
import hashlib
from pathlib import Path

import nbformat
import pytest

from helpers import run

CORPUS = Path(__file__).parent / "bad_exports"


def snapshot(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir())}


@pytest.fixture
def earlier_reports(tmp_path) -> Path:
    out = tmp_path / "reports"
    out.mkdir()
    (out / "index.html").write_text("<p>an earlier run</p>", encoding="utf-8")
    (out / "01_cleaning.html").write_bytes(b"\x00earlier bytes\xff")
    return out


@pytest.mark.parametrize("bad", ["duplicate_ids.csv", "truncated_last_line.csv", "empty.csv"])
def test_bad_export_exits_2_and_leaves_reports_byte_for_byte(bad, earlier_reports, capsys):
    before = snapshot(earlier_reports)
    code = run.main(["--raw", str(CORPUS / bad), "--out", str(earlier_reports)])
    assert code == 2
    assert snapshot(earlier_reports) == before
    assert str(CORPUS / bad) in capsys.readouterr().err


def test_failing_notebook_exits_1_names_the_cell_and_keeps_its_copy(tmp_path, earlier_reports, monkeypatch, capsys):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": run.KERNEL, "display_name": run.KERNEL, "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("lang = 'nl'", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("1 / 0")]
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nbformat.write(nb, notebooks / "09_broken.ipynb")
    monkeypatch.setattr(run, "NOTEBOOKS_DIR", notebooks)
    monkeypatch.setattr(run, "BUILD_DIR", tmp_path / "build")
    before = snapshot(earlier_reports)
    assert run.main(["--out", str(earlier_reports)]) == 1
    err = capsys.readouterr().err
    assert "09_broken.ipynb, cell In [3]: ZeroDivisionError" in err   # 1 parameters, 2 papermill's injected, 3
    assert (tmp_path / "build" / "failed" / "09_broken.ipynb").is_file()
    assert snapshot(earlier_reports) == before


@pytest.mark.slow
def test_synthetic_default_renders_every_report_with_the_banner_first(tmp_path):
    out = tmp_path / "reports"
    assert run.main(["--out", str(out)]) == 0
    stems = [nb.stem for nb in run.notebooks()]
    pages = {p.name for p in out.iterdir() if p.suffix == ".html"}
    assert pages == {"index.html"} | {f"{s}.html" for s in stems} | {f"{s}.full.html" for s in stems}
    for page in pages - {"index.html"}:
        body = (out / page).read_text(encoding="utf-8").split("<body", 1)[1]
        title = body.index(" · ")   # every notebook's title is "NN · ..."
        assert "synthetic data" in body[:title], page
    reviewer, full = ((out / f"01_cleaning{s}").read_text(encoding="utf-8") for s in (".html", ".full.html"))
    assert "read_export" not in reviewer and "read_export" in full
    assert "Tabel 1" in reviewer and "&lt;5" in reviewer
    index = (out / "index.html").read_text(encoding="utf-8")
    assert all(f"{s}.html" in index for s in stems) and "synthetic_default.csv" in index
    assert "warnings" not in index, "a notebook wrote to stderr (a warning cell)"
    kept = {p.name for p in (out / "02_usage_files").iterdir()}
    assert {"usage_work_vs_free.png", "usage_work_vs_free.svg", "usage_frequency.csv"} <= kept
