"""The benchmark's reading of a run's combined document (the rest of `make bench` runs the whole pipeline)."""
import json

from helpers.runner import bench


def test_the_combined_documents_time_and_size_are_read_from_its_run(tmp_path):
    (tmp_path / "book.html").write_bytes(b"x" * 2**20)
    (tmp_path / "book.pdf").write_bytes(b"x" * 2**19)
    entry = {"key": "k", "seconds": {"html": 0.12, "pdf": 4.3}, "outputs": {"book.html": "a", "book.pdf": "b"}}
    (tmp_path / "manifest.json").write_text(json.dumps({"reports": {}, "document": entry}), encoding="utf-8")
    assert bench.document(tmp_path) == {"book.html": (0.12, 1.0), "book.pdf": (4.3, 0.5)}
    entry["outputs"].pop("book.pdf")   # printed only when asked
    (tmp_path / "manifest.json").write_text(json.dumps({"reports": {}, "document": entry}), encoding="utf-8")
    assert bench.document(tmp_path) == {"book.html": (0.12, 1.0)}
