"""Safe names and the inside-its-folder check that every write and delete of a run goes through."""
import pytest

from helpers.ingest.io import default_processed
from helpers.paths import PROCESSED_DEFAULT, SAFE_NAME, slug, within


@pytest.mark.parametrize("text, expected", [("my export", "my_export"), ("wave-2_final", "wave-2_final"),
                                            ("../../etc", "etc"), ("<script>x</script>", "script_x_script"),
                                            ("...", "export")])
def test_slug_keeps_only_letters_digits_dash_underscore(text, expected):
    assert slug(text) == expected and SAFE_NAME.fullmatch(slug(text))


def test_within_refuses_a_path_that_leaves_its_folder(tmp_path):
    assert within(tmp_path / "run" / "a.html", tmp_path / "run") == tmp_path / "run" / "a.html"
    for outside in (tmp_path / "run" / "..", tmp_path / "run" / ".." / "other", tmp_path / "run2"):
        with pytest.raises(ValueError, match="outside"):
            within(outside, tmp_path / "run")


def test_another_export_never_gets_the_synthetic_defaults_processed_path(tmp_path):
    first, second = tmp_path / "synthetic_default.csv", tmp_path / "b" / "synthetic_default.csv"
    second.parent.mkdir()
    first.write_text("id\n1\n", encoding="utf-8")
    second.write_text("id\n2\n", encoding="utf-8")
    assert default_processed(None) == PROCESSED_DEFAULT
    assert len({default_processed(first), default_processed(second), PROCESSED_DEFAULT}) == 3
    assert default_processed(first).name.startswith("synthetic_default.")


def test_cleaning_run_by_hand_with_another_export_leaves_the_defaults_data_alone(tmp_path, monkeypatch, export_csv):
    """01_cleaning in JupyterLab with `raw=` and no `processed=`: the default's processed data keeps its bytes."""
    from helpers.chapter import Cleaning
    from helpers.ingest import io

    processed = tmp_path / "processed"
    monkeypatch.setattr(io, "PROCESSED_DIR", processed)
    monkeypatch.setattr(io, "PROCESSED_DEFAULT", processed / PROCESSED_DEFAULT.name)
    processed.mkdir()
    io.PROCESSED_DEFAULT.write_bytes(b"the default's data")
    other = tmp_path / "wave 2.csv"
    other.write_bytes(export_csv.read_bytes())
    written = Cleaning(other).save()
    assert written == io.default_processed(other) and written.parent == processed and written.name.startswith("wave_2.")
    assert io.PROCESSED_DEFAULT.read_bytes() == b"the default's data"
