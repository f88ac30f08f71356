"""The runner: bad input leaves earlier reports untouched; a failing notebook is reported and kept; the model's
notebook runs before the summaries that read its fits; the synthetic default renders end to end with the
synthetic-data banner first."""
import hashlib
import html
import json
import sys
from pathlib import Path

import nbformat
import pytest

from helpers.paths import SYNTHETIC_PARAMS_DIR
from helpers.runner import run
from helpers.synth import generate, load_params, write_export
from tests.test_faults import CLEANING, PARAMETERS, write_toy

CORPUS = Path(__file__).parent / "bad_exports"


@pytest.fixture(autouse=True)
def own_folders(tmp_path, monkeypatch):
    """Every run of these tests builds and publishes into tmp_path."""
    monkeypatch.setattr(run, "BUILD_DIR", tmp_path / "build")
    monkeypatch.setattr(run, "PROCESSED_DIR", tmp_path / "processed")


@pytest.fixture
def earlier_reports(tmp_path) -> Path:
    out = tmp_path / "reports"
    (out / "duplicate_ids").mkdir(parents=True)
    (out / "index.html").write_text("<p>an earlier run</p>", encoding="utf-8")
    (out / "duplicate_ids" / "01_cleaning.html").write_bytes(b"\x00earlier bytes\xff")
    return out


def snapshot_tree(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("bad", ["duplicate_ids.csv", "truncated_last_line.csv", "empty.csv"])
def test_bad_export_exits_2_and_leaves_reports_byte_for_byte(bad, earlier_reports, capsys):
    before = snapshot_tree(earlier_reports)
    assert run.main(["--raw", str(CORPUS / bad), "--out", str(earlier_reports)]) == 2
    assert snapshot_tree(earlier_reports) == before
    assert str(CORPUS / bad) in capsys.readouterr().err


@pytest.mark.parametrize("missing", ["--raw", "--mapping"])
def test_a_missing_export_or_mapping_file_exits_2_in_one_line(missing, earlier_reports, export_csv, tmp_path, capsys):
    absent = tmp_path / "not here.yaml"
    given = {"--raw": ["--raw", str(absent)], "--mapping": ["--raw", str(export_csv), "--mapping", str(absent)]}[missing]
    before = snapshot_tree(earlier_reports)
    assert run.main([*given, "--out", str(earlier_reports)]) == 2
    what = "file" if missing == "--raw" else "mapping file"
    assert capsys.readouterr().err.splitlines() == [f"error: {absent}: no such {what}"]
    assert snapshot_tree(earlier_reports) == before


def test_failing_notebook_exits_1_names_the_cell_and_keeps_its_copy(tmp_path, earlier_reports, export_csv, monkeypatch, capsys):
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": run.KERNEL, "display_name": run.KERNEL, "language": "python"}})
    nb.cells = [nbformat.v4.new_code_cell("lang = 'nl'", metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell("1 / 0")]
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    nbformat.write(nb, notebooks / "09_broken.ipynb")
    monkeypatch.setattr(run, "NOTEBOOKS_DIR", notebooks)
    before = snapshot_tree(earlier_reports)
    assert run.main(["--raw", str(export_csv), "--out", str(earlier_reports)]) == 1
    err = capsys.readouterr().err
    assert "09_broken.ipynb, cell In [3]: ZeroDivisionError" in err   # 1 parameters, 2 papermill's injected, 3
    assert (tmp_path / "build" / "runs" / "synthetic_default" / "failed" / "09_broken.ipynb").is_file()
    assert snapshot_tree(earlier_reports) == before


@pytest.mark.slow
def test_synthetic_default_renders_every_report_incrementally(tmp_path, export_csv, monkeypatch):
    monkeypatch.setattr(run, "BUILD_DIR", tmp_path / "build")          # never the working tree
    monkeypatch.setattr(run, "PROCESSED_DIR", tmp_path / "processed")
    out = tmp_path / "reports"
    assert run.main(["--raw", str(export_csv), "--out", str(out)]) == 0
    run_dir = out / "synthetic_default"
    stems = [nb.stem for nb in run.notebooks()]
    pages = {p.name for p in run_dir.iterdir() if p.suffix == ".html"}
    assert pages == {"index.html", "book.html", "assumptions.html"} | {f"{s}.html" for s in stems} | {
        f"{s}.full.html" for s in stems}
    for page in pages - {"index.html", "book.html", "assumptions.html"}:
        body = (run_dir / page).read_text(encoding="utf-8").split("<body", 1)[1]
        assert "Synthetische gegevens." in body[:body.index(" · ")], page   # the banner comes before the title
        assert "[c] = niet getoond" in body and "sdcMicro" in body, page   # the small-cell policy and its source
    reviewer, full = ((run_dir / f"01_cleaning{s}").read_text(encoding="utf-8") for s in (".html", ".full.html"))
    code = '<span class="n">exclusions</span>'   # the cell `ch.exclusions()` as nbconvert highlights it
    assert code not in reviewer and code in full
    assert "Tabel 1" in reviewer and "[c]" in reviewer
    assert "Uitsluitingen" in reviewer and "Exclusions" not in reviewer   # the Dutch narrative only
    index = (run_dir / "index.html").read_text(encoding="utf-8")
    assert all(f"{s}.html" in index for s in stems) and "synthetic_default.csv" in index and ">576<" in index
    assert "waarschuwing" not in index, "a notebook wrote to stderr (a warning cell)"
    assert index.count('<p class="key">') == len(stems) and '<p class="key"></p>' not in index   # each headline kept
    assert "synthetic_default/index.html" in (out / "index.html").read_text(encoding="utf-8")
    listed = [item for r in json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))["reports"].values()
              for item in [{**i, "page": r["notebook"]} for i in r["numbering"]]]
    assert {"Tabel 1.3", "Figuur 2.1", "Tabel 10.1"} <= {i["label"] for i in listed}
    for item in listed:   # the landing page's list matches the pages: each number is in its page, with its place
        page = html.unescape((run_dir / f"{item['page']}.html").read_text(encoding="utf-8"))
        assert item["label"] in page and f">{item['label']}<" in index, item
        assert (item["report"] or "niet in het rapport") in page, item
    kept = {p.name for p in (run_dir / "02_usage_files").iterdir()}
    assert {"usage_work_vs_free.png", "usage_work_vs_free.svg", "usage_frequency.csv"} <= kept
    before = snapshot_tree(out)
    assert run.main(["--raw", str(export_csv), "--out", str(out)]) == 0   # nothing changed: nothing runs, nothing is rewritten
    assert snapshot_tree(out) == before

    # A second wave, exported as semicolon CSV with decimal commas, into its own folder with the comparison.
    first_run = snapshot_tree(run_dir)
    wave2 = load_params(SYNTHETIC_PARAMS_DIR / "wave2.yaml")
    raw = write_export(generate(wave2), tmp_path / "raw" / "wave2.csv", wave2, sep=";", decimal=",")
    assert run.main(["--raw", str(raw), "--out", str(out), "--compare-with", "synthetic_default"]) == 0
    assert (out / "wave2" / "08_waves.html").is_file() and (out / "wave2" / "07_regional_map.html").is_file()
    assert snapshot_tree(run_dir) == first_run
    landing = (out / "index.html").read_text(encoding="utf-8")
    assert "synthetic_default/index.html" in landing and "wave2/index.html" in landing


def test_install_kernel_user_registers_it_in_the_users_jupyter(tmp_path, monkeypatch):
    from jupyter_client.kernelspec import KernelSpecManager

    (tmp_path / "home").mkdir()
    monkeypatch.setenv("HOME", str(tmp_path / "home"))                 # never the real user's Jupyter
    monkeypatch.setenv("JUPYTER_DATA_DIR", str(tmp_path / "jupyter"))
    assert run.main(["--install-kernel", "--user"]) == 0
    spec_dir = tmp_path / "jupyter" / "kernels" / run.KERNEL
    spec = json.loads((spec_dir / "kernel.json").read_text(encoding="utf-8"))
    assert spec["argv"][0] == sys.executable and spec["display_name"] == f"Python ({run.KERNEL})"
    monkeypatch.setenv("JUPYTER_PREFER_ENV_PATH", "0")   # as a JupyterLab outside this environment looks
    assert KernelSpecManager().find_kernel_specs()[run.KERNEL] == str(spec_dir)


def test_a_page_names_each_file_where_it_is_published_never_a_path_of_the_machine(tmp_path):
    """papermill's injected parameters, a warning and a traceback, as an executed notebook holds them: every path is
    where the file is once published (in the project relative to notebooks/, outside it by name), none absolute."""
    from helpers.paths import ROOT
    from helpers.runner.workspace import Workspace, shown_as

    ws = Workspace("wave2", tmp_path / "reports", ROOT / "build", ROOT / "data" / "processed")
    offered = {"raw": str(tmp_path / "exports" / "wave2.csv"), "mapping": None}
    parameters = (f'processed = "{ws.staging / "data" / "wave2.parquet"}"\n'
                  f'artifacts = "{ws.staging / "reports" / "02_usage_files"}"\nraw = "{offered["raw"]}"\n')
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(parameters, metadata={"tags": ["injected-parameters"]}, outputs=[
        nbformat.v4.new_output("stream", name="stderr", text=f"{ROOT}/.venv/lib/python3.11/site-packages/x.py:3: FutureWarning\n"),
        nbformat.v4.new_output("error", ename="E", evalue="e", traceback=[f"File {ROOT}/src/helpers/present/plots.py:1"])])])
    shown = run.shown_paths(nb, shown_as(ws, offered))
    cell = shown.cells[0]
    assert cell.source == ('processed = "../data/processed/wave2.parquet"\nartifacts = "wave2/02_usage_files"\n'
                           'raw = "wave2.csv"\n')
    assert cell.outputs[0]["text"].startswith(".venv/lib/") and cell.outputs[1]["traceback"] == ["File src/helpers/present/plots.py:1"]
    assert str(tmp_path) not in json.dumps(shown) and str(ROOT) not in json.dumps(shown) and "staging." not in json.dumps(shown)
def test_the_model_runs_before_the_summaries_that_read_its_fits_which_are_in_their_keys(tmp_path, monkeypatch, capsys):
    """Toys named as the report's notebooks, on two workers: 05 waits until 02 has started (the rest runs beside it)
    and writes the fits file the runner gives it; 00 and 10 fail unless that file is there, and keep what they read.
    Then a changed fits file re-runs 00 and 10 only, a changed 05 re-runs 05, 00 and 10 and keeps the processed data."""
    notebooks, started = tmp_path / "notebooks", tmp_path / "02 started"
    notebooks.mkdir()
    write_toy(notebooks, "01_cleaning", CLEANING)
    write_toy(notebooks, "02_usage", f"import pathlib\npathlib.Path({str(started)!r}).write_text('yes')")

    def model(fits: str) -> None:
        write_toy(notebooks, "05_intent_sem", f"import pathlib, time\nfor _ in range(1200):\n    if pathlib.Path({str(started)!r}).exists(): break\n"
                  f"    time.sleep(0.1)\nelse:\n    raise TimeoutError('02 did not start beside 05')\npathlib.Path(fits).write_text({fits!r})",
                  PARAMETERS + "\nfits = None")

    model("fits of 05")
    for stem in ("00_key_findings", "10_conclusion"):
        write_toy(notebooks, stem, "import pathlib\nread = pathlib.Path(fits).read_text()\npathlib.Path(artifacts).mkdir(parents=True)\n"
                  "(pathlib.Path(artifacts) / 'read.txt').write_text(read)", PARAMETERS + "\nfits = None")
    monkeypatch.setattr(run, "NOTEBOOKS_DIR", notebooks)
    raw, out = tmp_path / "toy.csv", tmp_path / "reports"
    raw.write_text("id,answer\n1,yes\n", encoding="utf-8")
    data = tmp_path / "build" / "runs" / "toy" / "data"

    def ran(expected_read: str) -> str:
        assert run.main(["--raw", str(raw), "--out", str(out), "--jobs", "2"]) == 0, capsys.readouterr().err
        for stem in ("00_key_findings", "10_conclusion"):
            assert (out / "toy" / f"{stem}_files" / "read.txt").read_text() == expected_read
        return capsys.readouterr().err

    assert "(00_key_findings, 10_conclusion after 05_intent_sem)" in ran("fits of 05")
    assert (data / "model_fits.json").read_text() == "fits of 05" and (data / "toy.parquet").is_file()
    (data / "model_fits.json").write_text("other fits")
    assert "2 of 5 reports to (re)build: 00_key_findings, 10_conclusion" in ran("other fits")
    model("fits of the edited 05")
    assert "3 of 5 reports to (re)build: 00_key_findings, 05_intent_sem, 10_conclusion" in ran("fits of the edited 05")
    assert sorted(p.name for p in data.iterdir()) == ["model_fits.json", "toy.parquet"]
    assert run.main(["--raw", str(raw), "--out", str(out), "--jobs", "2"]) == 0
    assert "nothing to run" in capsys.readouterr().err
