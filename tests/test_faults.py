"""Faults a researcher's laptop meets, each done to the runner on a temporary copy (never the working tree):
two runs at once, a truncated manifest, deleted or edited outputs, edited data files, a failing notebook,
Ctrl-C, a killed runner, unsafe run names, and `--help` on every entry point.

The runs use three toy notebooks (cleaning, two analyses) that take seconds, not the report's notebooks."""
from __future__ import annotations

import hashlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import nbformat
import psutil
import pytest

from helpers.paths import BUILD_DIR, DATA_DIR, HELPERS_DIR, ROOT
from helpers.present import document
from helpers.runner import bench, cache, run
from helpers.runner.processes import uninterrupted

PARAMETERS = "raw = None\nprocessed = None\nlang = 'nl'\nmin_cell = 5\nartifacts = None"
CLEANING = "import pyarrow.csv, pyarrow.parquet\npyarrow.parquet.write_table(pyarrow.csv.read_csv(raw), processed)"
ANALYSIS = ("import os, pathlib, time\nimport pyarrow.parquet\nrows = pyarrow.parquet.read_metadata(processed).num_rows\n"
            "pathlib.Path(artifacts).mkdir(parents=True, exist_ok=True)\n"
            "(pathlib.Path(artifacts) / 'rows.csv').write_text(str(rows))\n"
            "(pathlib.Path(artifacts) / 'blas.txt').write_text(os.environ.get('OPENBLAS_NUM_THREADS', 'unset'))\n"
            "time.sleep(float(os.environ.get('TOY_SLEEP', '0')))")
TOYS = {"01_cleaning": CLEANING, "02_counts": ANALYSIS, "03_more": ANALYSIS}
NAME = "toy_export"   # the slug of 'toy export.csv'
DRIVER = ("import sys\nfrom pathlib import Path\nfrom helpers.runner import run\n"
          "run.BUILD_DIR, run.PROCESSED_DIR, run.NOTEBOOKS_DIR = map(Path, sys.argv[1:4])\n"
          "sys.exit(run.main(sys.argv[4:]))")


def write_toy(folder: Path, stem: str, code: str, parameters: str = PARAMETERS) -> None:
    nb = nbformat.v4.new_notebook(metadata={"kernelspec": {"name": run.KERNEL, "display_name": run.KERNEL,
                                                           "language": "python"}})
    nb.cells = [nbformat.v4.new_markdown_cell(f"# {stem}"),
                nbformat.v4.new_code_cell(parameters, metadata={"tags": ["parameters"]}),
                nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, folder / f"{stem}.ipynb")


class Lab:
    """A temporary copy of everything a run writes (reports, build, processed data) and its notebooks."""

    def __init__(self, root: Path):
        self.root, self.out, self.build, self.processed = root, root / "reports", root / "build", root / "processed"
        self.notebooks, self.raw = root / "notebooks", root / "raw" / "toy export.csv"

    def patch(self, monkeypatch) -> Lab:
        for attr, value in (("BUILD_DIR", self.build), ("PROCESSED_DIR", self.processed),
                            ("NOTEBOOKS_DIR", self.notebooks)):
            monkeypatch.setattr(run, attr, value)
        return self

    def args(self, *extra: str) -> list[str]:
        return ["--raw", str(self.raw), "--out", str(self.out), "--jobs", "2", *extra]

    def start(self, *extra: str, sleep: float = 0) -> subprocess.Popen:
        """The runner in a process of its own (paths patched the same way), stderr read line by line."""
        proc = subprocess.Popen([sys.executable, "-c", DRIVER, str(self.build), str(self.processed), str(self.notebooks),
                                 *self.args(*extra)], stderr=subprocess.PIPE, text=True,
                                env={**os.environ, "TOY_SLEEP": str(sleep)})
        proc.lines = []
        threading.Thread(target=lambda: proc.lines.extend(proc.stderr), daemon=True).start()
        return proc

    @property
    def manifest(self) -> dict:
        return json.loads((self.out / NAME / "manifest.json").read_text(encoding="utf-8"))


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def snapshot_pages(run_dir: Path) -> dict[str, str]:
    """The reports' pages (not the combined document) and their hashes."""
    return {k: v for k, v in snapshot(run_dir).items() if k.startswith("0") and k.endswith(".html")}


def wait_for(proc: subprocess.Popen, text: str, timeout: float = 180) -> None:
    deadline = time.monotonic() + timeout
    while not any(text in line for line in proc.lines):
        assert proc.poll() is None and time.monotonic() < deadline, f"no {text!r} in {''.join(proc.lines)}"
        time.sleep(0.05)


def gone(processes: list[psutil.Process], timeout: float) -> bool:
    """Whether every process ended (a zombie waiting for its reaper counts as ended) within `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        alive = []
        for proc in processes:
            try:
                if proc.is_running() and proc.status() != psutil.STATUS_ZOMBIE:
                    alive.append(proc)
            except psutil.NoSuchProcess:
                pass
        if not alive:
            return True
        time.sleep(0.1)
    return False


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """One successful toy run, copied by each test."""
    lab = Lab(tmp_path_factory.mktemp("built"))
    lab.notebooks.mkdir()
    for stem, code in TOYS.items():
        write_toy(lab.notebooks, stem, code)
    lab.raw.parent.mkdir()
    lab.raw.write_text("id,answer\n1,yes\n2,no\n3,yes\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as mp:
        assert run.main(lab.patch(mp).args()) == 0
    return lab.root


def test_parallel_kernels_share_the_cores_out_for_blas(built):
    """Two workers on this machine's cores: each kernel's BLAS gets its share, unless the user set it."""
    expected = os.environ.get("OPENBLAS_NUM_THREADS", str(max(1, (os.cpu_count() or 1) // 2)))
    for stem in ("02_counts", "03_more"):
        assert (built / "reports" / NAME / f"{stem}_files" / "blas.txt").read_text() == expected


@pytest.fixture
def lab(built, tmp_path, monkeypatch) -> Lab:
    shutil.copytree(built, tmp_path / "lab")
    return Lab(tmp_path / "lab").patch(monkeypatch)


def test_a_copied_run_is_up_to_date(lab, capsys):
    before = snapshot(lab.root)
    assert run.main(lab.args()) == 0
    assert "nothing to run" in capsys.readouterr().err
    assert snapshot(lab.root) == before


def test_two_runs_at_once_one_waits_and_the_result_is_intact(lab):
    first = lab.start("--force", sleep=2)
    wait_for(first, "to (re)build")
    second = lab.start()
    assert first.wait(300) == 0 and second.wait(300) == 0, "".join(first.lines + second.lines)
    assert any(line.startswith("waiting: another run is building") for line in second.lines)
    assert "nothing to run" in second.lines[-1]   # the first run left everything up to date
    reports = lab.manifest["reports"]
    assert set(reports) == set(TOYS) and all(cache.intact(lab.out / NAME, r["outputs"]) for r in reports.values())
    assert not list((lab.build / "runs" / NAME).glob("staging.*"))


def test_a_truncated_manifest_is_a_warning_and_a_full_rebuild(lab, capsys):
    manifest = lab.out / NAME / "manifest.json"
    manifest.write_bytes(manifest.read_bytes()[:100])
    assert run.main(lab.args()) == 0
    err = capsys.readouterr().err
    assert "warning:" in err and "unreadable" in err and f"{len(TOYS)} of {len(TOYS)} reports to (re)build" in err
    assert set(lab.manifest["reports"]) == set(TOYS)
    assert "toy_export" in (lab.out / "index.html").read_text(encoding="utf-8")


def test_a_notebook_ordered_before_cleaning_still_runs_after_it(lab):
    """The book's order puts 00 (key findings) before 01; it reads the processed data, so 01 runs first all
    the same, and a fresh export rebuilds 00 with the new data."""
    write_toy(lab.notebooks, "00_summary", ANALYSIS)
    write_toy(lab.notebooks, "01_cleaning", f"import time\ntime.sleep(3)\n{CLEANING}")   # 00 would read too early
    lab.raw.write_text("id,answer\n1,yes\n2,no\n3,yes\n4,no\n", encoding="utf-8")
    assert run.main(lab.args()) == 0   # 00 reads the processed data of this export: it exists only once 01 ran
    assert (lab.out / NAME / "00_summary_files" / "rows.csv").read_text() == "4"
    assert list(lab.manifest["reports"]) == ["00_summary", *TOYS]


def test_a_deleted_or_edited_output_rebuilds_only_its_report(lab, capsys):
    (lab.out / NAME / "02_counts_files" / "rows.csv").unlink()
    (lab.out / NAME / "03_more.html").write_text("edited by hand", encoding="utf-8")
    assert run.main(lab.args()) == 0
    assert "2 of 3 reports to (re)build: 02_counts, 03_more" in capsys.readouterr().err
    assert (lab.out / NAME / "02_counts_files" / "rows.csv").read_text() == "3"
    assert "edited by hand" not in (lab.out / NAME / "03_more.html").read_text(encoding="utf-8")


def test_the_combined_document_is_rebuilt_when_a_page_changes_and_not_otherwise(lab, capsys):
    run_dir, book = lab.out / NAME, lab.out / NAME / run.DOCUMENT
    html = book.read_text(encoding="utf-8")
    assert [html.index(f'id="ch-{stem}"') for stem in TOYS] == sorted(html.index(f'id="ch-{stem}"') for stem in TOYS)
    pages = snapshot_pages(run_dir)
    book.unlink()
    assert run.main(lab.args()) == 0
    err = capsys.readouterr().err
    assert "the combined document to (re)build" in err and "reports to (re)build" not in err
    assert snapshot_pages(run_dir) == pages and cache.intact(run_dir, lab.manifest["document"]["outputs"])
    (run_dir / "03_more.html").write_text("edited by hand", encoding="utf-8")
    assert run.main(lab.args()) == 0
    assert "1 of 3 reports to (re)build: 03_more" in capsys.readouterr().err
    new_cell = re.search(r'id="(cell-id=[^"]*)"', document.ONCE.sub("", (run_dir / "03_more.html").read_text(encoding="utf-8")))[1]
    assert f'id="ch-03_more-{new_cell}"' in book.read_text(encoding="utf-8")


@pytest.mark.skipif(document.chromium() is None, reason="the PDF needs Chromium (make book installs it)")
def test_a_pdf_is_printed_when_asked_kept_while_its_pages_stay_and_dropped_when_they_change(lab, capsys):
    pdf = lab.out / NAME / run.PDF
    assert run.main(lab.args("--pdf")) == 0
    assert "the combined document to (re)build" in capsys.readouterr().err
    assert pdf.read_bytes().startswith(b"%PDF") and run.PDF in lab.manifest["document"]["outputs"]
    assert run.main(lab.args()) == 0 and pdf.is_file() and "nothing to run" in capsys.readouterr().err
    (lab.out / NAME / "03_more.html").write_text("edited by hand", encoding="utf-8")
    assert run.main(lab.args()) == 0
    assert not pdf.exists() and set(lab.manifest["document"]["outputs"]) == {run.DOCUMENT}


def test_a_pdf_without_chromium_is_refused_with_exit_2(lab, capsys, monkeypatch):
    monkeypatch.setattr(document, "chromium", lambda: None)
    before = snapshot(lab.root)
    assert run.main(lab.args("--pdf")) == 2
    assert "make book" in capsys.readouterr().err and snapshot(lab.root) == before


def test_changed_processed_data_reruns_everything(lab, capsys):
    own = lab.build / "runs" / NAME / "data" / f"{NAME}.parquet"
    own.write_bytes(own.read_bytes() + b"\0")
    assert run.main(lab.args()) == 0
    assert "3 of 3 reports to (re)build" in capsys.readouterr().err


def test_processed_data_overwritten_by_hand_is_restored_without_a_rerun(lab, capsys):
    published = lab.processed / f"{NAME}.parquet"
    original = published.read_bytes()
    published.write_bytes(b"another export's data")
    assert run.main(lab.args()) == 0
    err = capsys.readouterr().err
    assert "restored from the run's own copy" in err and "nothing to run" in err
    assert published.read_bytes() == original


def test_the_last_line_says_how_much_was_the_runners_own_bookkeeping_as_the_benchmark_reads_it(lab):
    """The notebooks' own time (a 2 s sleep in each toy) is building, not bookkeeping (BENCHMARK.md (g))."""
    proc = lab.start("--force", sleep=2)
    assert proc.wait(300) == 0, "".join(proc.lines)
    wait_for(proc, "bookkeeping")
    elapsed = float(re.search(r" in ([0-9.]+) s, ", proc.lines[-1]).group(1))
    assert 0 < float(bench.BOOKKEEPING.search(proc.lines[-1]).group(1)) <= elapsed - 2


def test_a_failing_analysis_notebook_publishes_nothing(lab, capsys):
    write_toy(lab.notebooks, "03_more", "raise RuntimeError('planted')")
    lab.raw.write_text("id,answer\n1,no\n", encoding="utf-8")   # a new export: cleaning runs, new processed data
    before_out, before_processed = snapshot(lab.out), snapshot(lab.processed)
    before_own = snapshot(lab.build / "runs" / NAME / "data")
    assert run.main(lab.args()) == 1
    err = capsys.readouterr().err
    assert "✗ 03_more FAILED" in err and "RuntimeError: planted" in err and "1 failed" in err
    assert snapshot(lab.out) == before_out and snapshot(lab.processed) == before_processed
    assert snapshot(lab.build / "runs" / NAME / "data") == before_own
    assert (lab.build / "runs" / NAME / "failed" / "03_more.ipynb").is_file()


def test_progress_counts_what_remains_names_failures_and_times_each_notebook(capsys):
    progress = run.Progress(4)
    progress.finished(run.Outcome("01_cleaning", "", 2.04, 0))
    progress.finished(run.Outcome("02_usage", "", 3.5, 0, error="planted"))
    progress.not_run(["03_pros_cons"], "planted")
    progress.finished(run.Outcome("04_skills", "", 1.0, 2))
    lines = [re.sub(r"; \d+ s elapsed]$", "]", line) for line in capsys.readouterr().err.splitlines()]
    assert lines == ["  ✓ 01_cleaning done in 2.0 s  [1 done, 3 to go]",
                     "  ✗ 02_usage FAILED after 3.5 s  [1 done, 1 failed, 2 to go]",
                     "  ✗ not run (planted): 03_pros_cons",
                     "  ✓ 04_skills done in 1.0 s, 2 warning output(s)  [2 done, 1 failed, 0 to go]"]


@pytest.mark.parametrize("edited, reader", [("data/population.yaml", "09_context"), ("data/context.yaml", "09_context"),
                                            ("src/helpers/present/templates/offline/index.html.j2", "02_usage")])
def test_an_edited_data_or_template_file_changes_the_key_of_the_notebook_that_reads_it(edited, reader, tmp_path, monkeypatch):
    data, helpers = tmp_path / "data", tmp_path / "src" / "helpers"
    shutil.copytree(DATA_DIR, data, ignore=shutil.ignore_patterns("raw", "processed"))
    shutil.copytree(HELPERS_DIR, helpers, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(cache, "DATA_DIR", data)
    monkeypatch.setattr(cache, "HELPERS_DIR", helpers)
    books = run.notebooks()

    def keys():
        return cache.notebook_keys(books, cache.shared_key("export", {"lang": "nl"}), "processed", "fits")

    before = keys()
    with open(tmp_path / edited, "a", encoding="utf-8") as file:
        file.write("\n")
    assert keys()[reader] != before[reader]


def command_line(proc: psutil.Process) -> list[str]:
    """A process's command line; none for one that ended meanwhile (a zombie's cannot be read)."""
    try:
        return proc.cmdline()
    except psutil.Error:
        return []


def busy(runner: subprocess.Popen, timeout: float = 180) -> list[psutil.Process]:
    """The runner's descendants once an analysis notebook's kernel runs (it then sleeps in the notebook)."""
    wait_for(runner, "▶ 02_counts started")
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        children = psutil.Process(runner.pid).children(recursive=True)
        kernels = [p for p in children if "ipykernel_launcher" in " ".join(command_line(p))]
        if kernels and all(k.create_time() < time.time() - 1 for k in kernels):
            return children
        time.sleep(0.2)
    raise AssertionError("no kernel was running")


def test_ctrl_c_stops_every_worker_within_5_s_and_leaves_reports_as_they_were(lab):
    before = snapshot(lab.out)
    runner = lab.start("--force", sleep=60)
    children = busy(runner)
    runner.send_signal(signal.SIGINT)
    start = time.monotonic()
    assert runner.wait(10) == 130
    assert time.monotonic() - start < 5
    assert gone(children, timeout=5 - (time.monotonic() - start) + 1)
    time.sleep(0.2)   # the stderr reader catches up
    after = runner.lines[next(i for i, line in enumerate(runner.lines) if "▶ 02_counts" in line) + 1:]
    assert [line for line in after if not line.startswith("  ")] == [
        "interrupted: every worker stopped, nothing half-written; run again to continue\n"]
    assert snapshot(lab.out) == before
    assert not list((lab.build / "runs" / NAME).glob("staging.*"))


def test_a_killed_runner_takes_its_workers_and_kernels_with_it_and_the_next_run_recovers(lab, capsys):
    runner = lab.start("--force", sleep=60)
    children = busy(runner)
    runner.kill()
    runner.wait(5)
    assert gone(children, timeout=10), [p.cmdline() for p in children if p.is_running()]
    assert list((lab.build / "runs" / NAME).glob("staging.*")), "the killed run left its staging"
    assert run.main(lab.args()) == 0   # the lock died with its holder; the reports were never touched
    assert "nothing to run" in capsys.readouterr().err
    assert not list((lab.build / "runs" / NAME).glob("staging.*"))


def test_ctrl_c_while_publishing_lets_the_publication_finish_first():
    published = []
    with pytest.raises(KeyboardInterrupt):
        with uninterrupted():
            os.kill(os.getpid(), signal.SIGINT)
            published.append("every file")
    assert published == ["every file"]


def test_the_landing_page_lists_only_readable_runs_with_safe_names(lab):
    odd = lab.out / "<b>odd"
    shutil.copytree(lab.out / NAME, odd)
    (lab.out / "index.html").unlink()
    run.write_landing(lab.out)
    landing = (lab.out / "index.html").read_text(encoding="utf-8")
    assert f"{NAME}/index.html" in landing and "odd" not in landing


@pytest.mark.parametrize(("option", "name"), [*(("--name", n) for n in ("..", "../x", "a/b", "x y", "")),
                                              *(("--compare-with", n) for n in ("..", "../x", "a/b"))])
def test_an_unsafe_run_name_is_refused_with_exit_2(option, name, lab, capsys):
    before = snapshot(lab.root)
    assert run.main(lab.args(option, name)) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {option}")
    assert snapshot(lab.root) == before


def test_the_default_name_is_a_slug_of_the_export(lab):
    assert (lab.out / NAME / "index.html").is_file()   # built from 'toy export.csv'


def entry_points() -> list[str]:
    """Every module of the helpers that runs as a command: a package's __main__.py, or a module's
    `if __name__ == "__main__":` block; so a new command is checked the day it is added."""
    found = set()
    for path in HELPERS_DIR.rglob("*.py"):
        module = ".".join(path.relative_to(HELPERS_DIR.parent).with_suffix("").parts)
        if path.name == "__main__.py":
            found.add(module.removesuffix(".__main__"))
        elif 'if __name__ == "__main__":' in path.read_text(encoding="utf-8"):
            found.add(module)
    return sorted(found)


def test_every_command_line_entry_point_is_found():
    assert {"helpers.runner", "helpers.runner.bench", "helpers.runner.notebook_format", "helpers.synth"} <= set(entry_points())


@pytest.mark.parametrize("module", entry_points())
def test_help_prints_and_does_no_work(module):
    benchmark = ROOT / "BENCHMARK.md"
    before = benchmark.stat().st_mtime_ns, (BUILD_DIR / "bench").exists()
    done = subprocess.run([sys.executable, "-m", module, "--help"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stdout.startswith("usage:")
    assert (benchmark.stat().st_mtime_ns, (BUILD_DIR / "bench").exists()) == before


def test_make_reports_quotes_a_path_with_a_space():
    done = subprocess.run(["make", "-n", "reports", "RAW=my export.csv", "OUT=my reports", "MAPPING=my map.yaml", "WEIGHTING=none"],
                          cwd=ROOT, capture_output=True, text=True, timeout=60)
    command = next(line for line in done.stdout.replace("\\\n", " ").splitlines() if "-m helpers.runner --out" in line)
    args = shlex.split(command)
    for option, value in (("--raw", "my export.csv"), ("--out", "my reports"), ("--mapping", "my map.yaml"), ("--weighting", "none")):
        assert args[args.index(option) + 1] == value
