"""The benchmark's reading of a run's combined document (the rest of `make bench` runs the whole pipeline)."""
import json
import re

from helpers.paths import ROOT
from helpers.runner import bench
from tests.test_conventions import readme_section


def test_the_combined_documents_time_and_size_are_read_from_its_run(tmp_path):
    (tmp_path / "book.html").write_bytes(b"x" * 2**20)
    (tmp_path / "book.pdf").write_bytes(b"x" * 2**19)
    entry = {"key": "k", "seconds": {"html": 0.12, "pdf": 4.3}, "outputs": {"book.html": "a", "book.pdf": "b"}}
    (tmp_path / "manifest.json").write_text(json.dumps({"reports": {}, "document": entry}), encoding="utf-8")
    assert bench.document(tmp_path) == {"book.html": (0.12, 1.0), "book.pdf": (4.3, 0.5)}
    entry["outputs"].pop("book.pdf")   # printed only when asked
    (tmp_path / "manifest.json").write_text(json.dumps({"reports": {}, "document": entry}), encoding="utf-8")
    assert bench.document(tmp_path) == {"book.html": (0.12, 1.0)}


QUOTED = ("(a) full pipeline", "(b) naive", "(a) / (b)", "(c) no-op", "(d) N = 200,000: full pipeline", "(d) N = 200,000: peak",
          "(f) combined document", "(f) book.pdf", "(g) the runner's own bookkeeping")


def test_the_readme_quotes_the_last_benchmark_as_it_printed_it():
    """README's 'Speed and memory' gives BENCHMARK.md's date and every figure of the rows it speaks of, as `make bench`
    printed them, so a new benchmark cannot leave the README behind."""
    benchmark = (ROOT / "BENCHMARK.md").read_text(encoding="utf-8")
    measured = {cells[0]: cells[1] for line in benchmark.splitlines() if line.startswith("| (")
                for cells in [[c.strip() for c in line.strip("|").split("|")]]}
    figures = [re.search(r"on (\d{4}-\d{2}-\d{2})", benchmark).group(1)]
    for row in QUOTED:
        cell = next(value for what, value in measured.items() if what.startswith(row))
        figures += re.findall(r"\d[\d,]*(?:\.\d+)?", re.sub(r"\((?:a|b)\)", "", cell))
    section = readme_section("Speed and memory")
    assert [f for f in figures if not re.search(rf"(?<![\d.,]){re.escape(f)}(?![\d])", section)] == []
