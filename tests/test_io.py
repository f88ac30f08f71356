"""Reading exports: every supported format gives the same processed data; mapping files work."""
import hashlib

import pandas as pd
import pyreadstat
import pytest
import yaml

from helpers.ingest.io import FINISHED, ExportError, load_processed, read_cells, read_export, save_processed
from helpers.prepare.cleaning import clean
from tests.conftest import write_csv, write_sav, write_xlsx
from tests.qualtrics_export import FORMS, as_qualtrics_writes, key_mapping


@pytest.fixture(scope="module")
def reference(export_csv, cb):
    return clean(read_export(export_csv), cb).data


@pytest.mark.parametrize("fmt", ["semicolon_decimal_comma_cp1252", "utf8_bom_crlf", "tab", "xlsx", "sav"])
def test_every_format_gives_identical_processed_data(fmt, export, cb, tmp_path, reference):
    if fmt == "semicolon_decimal_comma_cp1252":
        path = write_csv(export, tmp_path / "export.csv", sep=";", decimal=",", encoding="cp1252")
        assert b"," in path.read_bytes().split(b"\n")[1], "the semicolon file should carry decimal commas"
    elif fmt == "utf8_bom_crlf":
        path = write_csv(export, tmp_path / "export.csv", encoding="utf-8-sig")
    elif fmt == "tab":
        path = write_csv(export, tmp_path / "export.txt", sep="\t")
    elif fmt == "xlsx":
        path = write_xlsx(export, tmp_path / "export.xlsx")
    else:
        path = write_sav(export, tmp_path / "export.sav")
    processed = clean(read_export(path), cb).data
    pd.testing.assert_frame_equal(processed, reference, check_exact=True)


@pytest.mark.parametrize("form", FORMS)
def test_a_qualtrics_export_reads_as_the_codebook_export_with_its_answer_key(form, qualtrics, export, cb, tmp_path):
    """Numeric values, choice text, SPSS: unselected options blank, -99 not answered, labels for codes, the
    metadata left out, Finished read; the same answers as the codebook export (in Qualtrics' ids and seconds)."""
    df = read_export(qualtrics[form], key_mapping(tmp_path / "key.yaml", form), cb)
    assert df.pop(FINISHED).all()
    pd.testing.assert_frame_equal(df, as_qualtrics_writes(export), check_exact=True)


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


# --- Exports as real tools write them: bytes made here, not by the generator's writer ----------

def text_rows(export, n: int = 6, decimal: str = ",") -> list[dict[str, str]]:
    """n consenting rows of the synthetic export as text cells, fractions with the given decimal mark."""
    rows = export[export["consent"] == 1].head(n)
    def cell(v) -> str:
        return "" if pd.isna(v) else str(v).replace(".", decimal) if isinstance(v, float) else str(v)
    return [{c: cell(v) for c, v in row.items()} for row in rows.astype(object).to_dict("records")]


def excel_csv(rows: list[dict], path, sep: str = ";", encoding: str = "cp1252",
              sep_line: bool = False, trailing: int = 0, bom: bool = False):
    """A CSV as Excel saves it: CRLF, `sep=` line on request, empty trailing columns, values quoted only
    where they must be."""
    def cell(value: str) -> str:
        return f'"{value.replace(chr(34), 2 * chr(34))}"' if any(ch in value for ch in (sep, '"', "\n")) else value

    header = list(rows[0])
    lines = ([f"sep={sep}"] if sep_line else []) + [sep.join(header + [""] * trailing)]
    lines += [sep.join([cell(r[c]) for c in header] + [""] * trailing) for r in rows]
    data = "\r\n".join(lines) + "\r\n"
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode(encoding))
    return path


def test_decimal_comma_file_reads_whole_numbers_decimals_and_thousands(export, tmp_path):
    rows = text_rows(export, 4)
    for row, duration in zip(rows, ["950", "812,5", "1.234,5", "1.234"]):
        row["duration_s"] = duration   # as Excel writes them in a Belgian locale
    df = read_export(excel_csv(rows, tmp_path / "export.csv"))
    assert df["duration_s"].tolist() == [950.0, 812.5, 1234.5, 1234.0]


def test_decimal_point_file_reads_a_thousands_comma(export, tmp_path):
    rows = text_rows(export, 3, decimal=".")
    rows[0]["duration_s"], rows[1]["duration_s"], rows[2]["duration_s"] = "950", "812.5", "1,234"
    df = read_export(excel_csv(rows, tmp_path / "export.csv", sep=",", encoding="utf-8"))
    assert df["duration_s"].tolist() == [950.0, 812.5, 1234.0]


def test_a_number_that_could_be_two_numbers_is_refused_naming_it(export, tmp_path):
    rows = text_rows(export, 3)
    for row, duration in zip(rows, ["950", "1.234", "700"]):
        row["duration_s"] = duration
    with pytest.raises(ExportError, match=r"'duration_s': a thousands separator or a decimal mark\?.*row 2 \(line 3\): value '1\.234'"):
        read_export(excel_csv(rows, tmp_path / "export.csv"))


def test_a_file_with_both_decimal_marks_is_refused(export, tmp_path):
    rows = text_rows(export, 3)
    rows[0]["duration_s"], rows[1]["duration_s"], rows[2]["duration_s"] = "812,5", "900", "700.25"
    with pytest.raises(ExportError, match=r"mixed decimal marks: column 'duration_s', row 1 \(line 2\): value '812,5'.*row 3 \(line 4\): value '700\.25'"):
        read_export(excel_csv(rows, tmp_path / "export.csv"))


def test_missing_value_codes_are_missing_and_infinity_is_refused(export, tmp_path, cb):
    rows = text_rows(export, 4)
    rows[0]["age"], rows[1]["age"], rows[2]["pe_1"], rows[3]["start_year"] = "#N/A", "n.v.t.", "NaN", "nvt"
    df = read_export(excel_csv(rows, tmp_path / "export.csv"))
    assert df["age"].isna().tolist()[:3] == [True, True, False] and pd.isna(df.loc[2, "pe_1"]) and pd.isna(df.loc[3, "start_year"])
    assert {"#n/a", "n.v.t."} <= cb.missing_values
    rows[0]["duration_s"], rows[2]["duration_s"], rows[1]["consent"] = "inf", "-inf", "#N/A"
    with pytest.raises(ExportError) as caught:
        read_export(excel_csv(rows, tmp_path / "export.csv"))
    assert "column 'duration_s': not a number: row 1 (line 2): value 'inf'; row 3 (line 4): value '-inf'" in str(caught.value)
    assert "column 'consent': empty, but required: row 2 (line 3): (empty)" in str(caught.value)


def test_error_lines_are_the_files_own_after_multiline_values_and_blank_lines(export, tmp_path):
    rows = text_rows(export, 5)
    rows[0]["remarks_text"] = "Eerste regel\nTweede regel\nDerde regel"   # the record spans lines 2-4
    rows[3]["age"] = "veertig"
    path = excel_csv(rows, tmp_path / "export.csv")
    data = path.read_bytes().replace(b"\r\n", b"\r\n\r\n", 1)   # a blank line after the header: line 2
    path.write_bytes(data)
    with pytest.raises(ExportError, match=r"'age': not a whole number: row 4 \(line 8\): value 'veertig'"):
        read_export(path)


def test_ragged_row_is_named_by_its_own_line(export, tmp_path):
    rows = text_rows(export, 4)
    rows[0]["remarks_text"] = "Twee\nregels"
    path = excel_csv(rows, tmp_path / "export.csv")
    lines = path.read_bytes().split(b"\r\n")
    lines[3] = lines[3].rsplit(b";", 3)[0]   # the third data record (line 5: the first spans 2-3) lost its last fields
    path.write_bytes(b"\r\n".join(lines))
    with pytest.raises(ExportError, match=r"line 5 has"):
        read_export(path)


def test_a_5_mb_free_text_answer_is_read_whole(export, tmp_path):
    rows = text_rows(export, 3)
    rows[1]["remarks_text"] = "lang antwoord; " * 350_000   # 5.25 MB, with the delimiter inside
    df = read_export(excel_csv(rows, tmp_path / "export.csv", encoding="utf-8"))
    assert len(df.loc[1, "remarks_text"]) == len(rows[1]["remarks_text"].strip())


def test_excel_quirks_bom_crlf_sep_line_trailing_columns_cp1252(export, tmp_path):
    rows = text_rows(export, 3)
    rows[0]["remarks_text"] = "Café ‘goed’"
    plain = read_export(excel_csv(rows, tmp_path / "plain.csv", encoding="utf-8"))
    quirky = read_export(excel_csv(rows, tmp_path / "quirky.csv", sep_line=True, trailing=3))
    bom = read_export(excel_csv(rows, tmp_path / "bom.csv", encoding="utf-8", bom=True, sep_line=True))
    pd.testing.assert_frame_equal(quirky, plain)
    pd.testing.assert_frame_equal(bom, plain)
    assert plain.loc[0, "remarks_text"] == "Café ‘goed’"
    rows[2]["age"] = "veertig"   # after the sep= line the header is line 2
    with pytest.raises(ExportError, match=r"row 3 \(line 5\): value 'veertig'"):
        read_export(excel_csv(rows, tmp_path / "quirky.csv", sep_line=True, trailing=2))


def test_a_column_without_a_name_that_holds_values_is_refused(export, tmp_path):
    rows = text_rows(export, 3)
    path = excel_csv(rows, tmp_path / "export.csv", trailing=1)
    path.write_bytes(path.read_bytes().replace(b";\r\n", b";x\r\n").replace(b";x\r\n", b";\r\n", 2))
    with pytest.raises(ExportError, match=rf"column {len(rows[0]) + 1} has no name in the header but holds values \(row 2 \(line 3\): value 'x'\)"):
        read_export(path)


@pytest.mark.parametrize("text, expected", [
    ("columns:\n  Q1: consent\n  Q2 age\n ignore: [x]\n", r"map\.yaml: line \d+: not valid YAML"),
    ("- Q1: consent\n- Q2: age\n", r"map\.yaml: a mapping file holds 'columns' .* not list"),
    ("columns:\n  Q99: consent\n", r"map\.yaml: columns: 'Q99: consent' names a column the export lacks"),
    ("columns:\n  Q1: consent\nignore: [IPAddress]\n", r"map\.yaml: ignore: 'IPAddress' names a column the export lacks"),
    ("columns:\n  Q1: consent\n  Q2: consent\n", r"map\.yaml: columns: 'Q1' and 'Q2' both map to 'consent'"),
    ("columns:\n  Q1: age\n", r"map\.yaml: columns: 'Q1: age' renames onto a column the export already has"),
    ("columns: {Q1: consent}\nunplaced: [Q2]\n", r"map\.yaml: unplaced: 'Q2' not decided yet"),
    ("columns: {Q1: consent}\nunselected: empty\n", r"map\.yaml: unselected: 'empty' must be 'zero'"),
    ("columns: {Q1: consent}\nrecode: {Q1: {1: 7}}\n", r"map\.yaml: recode: 'Q1': 7 is no code of consent \(its codes: 1, 2\)"),
    ("columns: {Q1: consent}\nrecode: {Q2: {1: 2}}\n", r"map\.yaml: recode: 'Q2' is no export column that 'columns' maps"),
    ("columns: {Q1: consent}\nrecode: {Q1: {a: 2}}\n", r"map\.yaml: recode: 'Q1' must map whole export codes"),
    ("columns: {Q1: consent}\nfinished: Q1\n", r"map\.yaml: finished: 'Q1' must name one export column"),
    ("columns: {Q1: consent}\nfinished: Q9\n", r"map\.yaml: finished: 'Q9' names a column the export lacks"),
    ("columns: {Q1: consent}\nextra: 1\n", r"map\.yaml: a mapping file holds .* not key\(s\) \['extra'\]"),
])
def test_a_broken_mapping_file_is_refused_in_one_line_naming_the_entry(text, expected, export, tmp_path):
    rows = text_rows(export, 2)
    for row in rows:
        row["Q1"], row["Q2"] = row.pop("consent"), row.pop("gender")
    path = excel_csv(rows, tmp_path / "export.csv")
    mapping = tmp_path / "map.yaml"
    mapping.write_text(text, encoding="utf-8")
    with pytest.raises(ExportError, match=expected) as caught:
        read_export(path, mapping=mapping)
    assert "\n" not in str(caught.value)


def test_blank_rows_are_skipped_and_later_rows_keep_their_own_numbers(export, tmp_path):
    rows = text_rows(export, 3)
    rows[2]["age"] = "veertig"
    path = excel_csv(rows, tmp_path / "export.csv")
    lines = path.read_bytes().split(b"\r\n")
    blank = b";" * (len(rows[0]) - 1)   # Excel's CSV line for an empty sheet row
    path.write_bytes(b"\r\n".join(lines[:2] + [blank, blank] + lines[2:]))
    with pytest.raises(ExportError, match=r"'age': not a whole number: row 3 \(line 6\): value 'veertig'"):
        read_export(path)
    rows[2]["age"] = "40"
    sheet = pd.DataFrame(rows)
    sheet = pd.concat([sheet.iloc[:1], pd.DataFrame([{c: None for c in sheet}]), sheet.iloc[1:]], ignore_index=True)
    assert len(read_export(write_xlsx(sheet, tmp_path / "export.xlsx"))) == 3


# --- As survey tools write answers: blank options, -99, labels, recodes, value labels --------------

def routed_rows(export, cb) -> list[dict[str, str]]:
    """Three consenting rows as text cells: one never using AI at work (asked why), two using it (asked which
    systems), with the work reasons and systems as a Qualtrics export writes them: selected 1, else blank."""
    never = export[(export["consent"] == 1) & (export["use_work"] == 1)].head(1)
    users = export[(export["consent"] == 1) & (export["use_work"] >= 2)].head(2)
    rows = text_rows(pd.concat([never, users]), 3, decimal=".")
    for row in rows:
        for name in cb.blocks["never_reason_work"] + cb.blocks["system_work"]:
            row[name] = "1" if row[name] == "1" else ""
    return rows


def write_mapping(path, **spec):
    path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    return path


def test_a_blank_option_is_not_selected_where_the_question_was_shown_and_not_asked_elsewhere(export, cb, tmp_path):
    rows = routed_rows(export, cb)
    rows[1]["system_work_chatgpt"], rows[1]["system_work_copilot"] = "", "1"
    for name in cb.blocks["system_work"]:
        rows[2][name] = "-99"   # Qualtrics: seen but unanswered
    rows[1]["system_work_claude"] = "-99"   # beside a selected option: an export writing unselected options as -99
    path = excel_csv(rows, tmp_path / "export.csv", sep=",", encoding="utf-8")
    df = read_export(path, write_mapping(tmp_path / "map.yaml", columns={}, unselected="blank"), cb)
    reasons, systems = cb.blocks["never_reason_work"], cb.blocks["system_work"]
    assert df.loc[0, reasons].notna().all() and df.loc[0, reasons].sum() >= 1 and df.loc[0, systems].isna().all()   # not asked
    assert df.loc[1, ["system_work_chatgpt", "system_work_copilot", "system_work_claude"]].tolist() == [0, 1, 0]
    assert df.loc[1, reasons].isna().all() and df.loc[2, systems].isna().all()   # seen, not answered: not 'selected nothing'
    zero = read_export(path, write_mapping(tmp_path / "zero.yaml", columns={}), cb)   # the default: an empty cell is not asked
    assert pd.isna(zero.loc[1, "system_work_chatgpt"]) and zero.loc[1, "system_work_claude"] == 0


def test_answers_written_as_labels_are_read_through_the_codebook_in_either_language(export, cb, tmp_path):
    rows = text_rows(export, 3, decimal=".")
    rows[0]["gender"], rows[1]["gender"], rows[2]["gender"] = "Vrouw", "  prefer NOT to   say ", "1"
    rows[0]["education"], rows[1]["pe_1"] = "Bachelor / regentaat", "Eerder eens"
    df = read_export(excel_csv(rows, tmp_path / "export.csv", sep=",", encoding="utf-8"))
    assert df["gender"].tolist() == [2, 3, 1] and df.loc[0, "education"] == 5 and df.loc[1, "pe_1"] == 4
    rows[2]["gender"] = "Vrouwelijk"
    with pytest.raises(ExportError) as caught:
        read_export(excel_csv(rows, tmp_path / "export.csv", sep=",", encoding="utf-8"))
    assert ("export.csv: 1 problem(s):\n  - column 'gender': neither a code nor an answer of this question (1 Man, 2 Vrouw, "
            "3 Zeg ik liever niet): row 3 (line 4): value 'Vrouwelijk'") in str(caught.value)


def test_a_recode_reads_another_coding_and_refuses_a_code_it_does_not_list(export, cb, tmp_path):
    rows = text_rows(export, 3, decimal=".")
    for row in rows:
        row["Q1"] = str(int(row.pop("pe_1")) - 1)   # 0-4
    path = excel_csv(rows, tmp_path / "export.csv", sep=",", encoding="utf-8")
    recode = {"Q1": {0: 1, 1: 2, 2: 3, 3: 4, 4: 5}}
    df = read_export(path, write_mapping(tmp_path / "map.yaml", columns={"Q1": "pe_1"}, recode=recode), cb)
    assert df["pe_1"].tolist() == [int(r["Q1"]) + 1 for r in rows]
    recode["Q1"].pop(int(rows[1]["Q1"]))
    with pytest.raises(ExportError, match=r"column 'Q1' \(pe_1\): a code the mapping file's recode for this column does "
                                          rf"not list: row 2 \(line 3\): value '{rows[1]['Q1']}'"):
        read_export(path, write_mapping(tmp_path / "map.yaml", columns={"Q1": "pe_1"}, recode=recode), cb)


def sav_with_gender_labels(export, tmp_path, labels: dict[float, str]):
    """The codebook export as SPSS, gender carrying value labels."""
    path = write_sav(export, tmp_path / "export.sav")
    df, meta = pyreadstat.read_sav(path)
    pyreadstat.write_sav(df, path, variable_value_labels={"gender": labels})
    return path


def test_spss_value_labels_that_contradict_the_codebook_are_refused_naming_both_labels(export, cb, tmp_path):
    assert len(read_export(sav_with_gender_labels(export, tmp_path, {1.0: "Man", 2.0: "vrouw", 3.0: "Prefer not to say"}))) == len(export)
    with pytest.raises(ExportError) as caught:
        read_export(sav_with_gender_labels(export, tmp_path, {1.0: "Vrouw", 2.0: "Man", 3.0: "Zeg ik liever niet"}))
    message = str(caught.value)
    assert "export.sav: 2 problem(s)" in message
    assert ("column 'gender': code 1 is 'Vrouw' in the export, but 1 is 'Man' in the codebook ('Vrouw' is the codebook's 2); "
            "add a recode to the mapping file (`make mapping` proposes one)") in message
    assert "code 2 is 'Man' in the export, but 2 is 'Vrouw' in the codebook ('Man' is the codebook's 1)" in message


def test_metadata_a_mapping_ignores_is_never_read(qualtrics, tmp_path):
    cells = read_cells(qualtrics["numeric"], leave_out=["IPAddress", "RecipientEmail", "LocationLatitude"])
    assert cells.left_out == ("IPAddress", "RecipientEmail", "LocationLatitude")
    assert not {"IPAddress", "RecipientEmail", "LocationLatitude"} & set(cells.table.columns)
    assert not cells.table.isin(["192.0.2.1", "an.peeters0@example.org"]).any().any()
    assert cells.texts["Q1"] == "Gaat u akkoord met de voorwaarden van dit onderzoek?" and cells.import_ids["Q14_3"] == "QID31_3"


def test_a_completion_flag_other_than_finished_or_not_is_refused(qualtrics, tmp_path):
    path = qualtrics["choice_text"]
    lines = path.read_bytes().split(b"\r\n")
    lines[5] = lines[5].replace(b",True,", b",Maybe,", 1)   # the third response
    broken = tmp_path / "export.csv"
    broken.write_bytes(b"\r\n".join(lines))
    with pytest.raises(ExportError, match=r"column 'Finished' \(finished\): neither finished \(1, True\) nor not \(0, False\): "
                                          r"row 3 \(line 6\): value 'Maybe'"):
        read_export(broken, key_mapping(tmp_path / "key.yaml", "choice_text"))
