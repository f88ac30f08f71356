"""Reading exports: every supported format gives the same processed data; mapping files work."""
import hashlib

import pandas as pd
import pytest

from helpers.ingest.io import ExportError, load_processed, read_export, save_processed
from helpers.prepare.cleaning import clean
from tests.conftest import write_csv, write_qualtrics, write_sav, write_xlsx


@pytest.fixture(scope="module")
def reference(export_csv, cb):
    return clean(read_export(export_csv), cb).data


@pytest.mark.parametrize("fmt", ["semicolon_decimal_comma_cp1252", "utf8_bom_crlf", "tab", "xlsx", "sav", "qualtrics"])
def test_every_format_gives_identical_processed_data(fmt, export, cb, tmp_path, reference):
    mapping = None
    if fmt == "semicolon_decimal_comma_cp1252":
        path = write_csv(export, tmp_path / "export.csv", sep=";", decimal=",", encoding="cp1252")
        assert b"," in path.read_bytes().split(b"\n")[1], "the semicolon file should carry decimal commas"
    elif fmt == "utf8_bom_crlf":
        path = write_csv(export, tmp_path / "export.csv", encoding="utf-8-sig")
    elif fmt == "tab":
        path = write_csv(export, tmp_path / "export.txt", sep="\t")
    elif fmt == "xlsx":
        path = write_xlsx(export, tmp_path / "export.xlsx")
    elif fmt == "sav":
        path = write_sav(export, tmp_path / "export.sav")
    else:
        path, mapping = write_qualtrics(export, cb, tmp_path / "qualtrics.csv")
    processed = clean(read_export(path, mapping=mapping), cb).data
    pd.testing.assert_frame_equal(processed, reference, check_exact=True)


def test_read_values_equal_what_was_written(export, export_csv):
    """Independent of the cleaning: the reader returns the generator's typed frame unchanged."""
    pd.testing.assert_frame_equal(read_export(export_csv), export, check_exact=True)


def test_provenance_marks_synthetic_and_checksums(export_csv, params):
    prov = read_export(export_csv).attrs["provenance"]
    assert prov == {"file": export_csv.name, "sha256": hashlib.sha256(export_csv.read_bytes()).hexdigest(),
                    "synthetic": True, "seed": params["seed"]}


def test_mapping_to_unknown_name_is_refused(export, tmp_path):
    path = write_csv(export, tmp_path / "export.csv")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("columns:\n  Q1: not_a_variable\n", encoding="utf-8")
    with pytest.raises(ExportError, match=r"map\.yaml.*not_a_variable"):
        read_export(path, mapping=mapping)


def test_processed_round_trip_keeps_types_and_provenance(reference, tmp_path):
    path = save_processed(reference, tmp_path / "survey.parquet")
    back = load_processed(path)
    pd.testing.assert_frame_equal(back, reference, check_exact=True)
    assert back.attrs["provenance"]["synthetic"] is True


def test_missing_processed_data_says_what_to_run(tmp_path):
    with pytest.raises(FileNotFoundError, match="make reports"):
        load_processed(tmp_path / "none.parquet")
