"""The mapping assistant (helpers.ingest.mapping) on the synthetic default written out as Qualtrics writes its exports,
from a survey header typed by hand (tests/qualtrics/): every answer column placed as the answer key says, no question
paired with its twin, the metadata ignored and personal data never read; codes checked against their labels; an
accepted mapping carried over to the next wave; the proposal never written over a file; and, end to end, each
export's reports equal the codebook export's."""
from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pandas as pd
import pyreadstat
import pytest
import yaml

from helpers.ingest import mapping
from helpers.ingest.io import FINISHED, ExportError, read_export
from helpers.ingest.mapping import CARRIED, LIKELY, SURE, UNSURE, propose, render, similarity, tool_column, write_proposal
from helpers.runner import run
from tests.qualtrics_export import FORMS, as_qualtrics_writes, header, key, key_mapping, spss_name

METADATA = header()[0][:17]   # Qualtrics' own columns, StartDate … UserLanguage
PERSONAL = ["IPAddress", "RecipientLastName", "RecipientFirstName", "RecipientEmail", "ExternalReference",
            "LocationLatitude", "LocationLongitude"]
TWINS = [("use_work", "use_free"), ("never_reason_work_other_text", "never_reason_free_other_text"),
         *((f"never_reason_work_{s}", f"never_reason_free_{s}") for s in
           ("skills", "no_benefit", "privacy", "unreliable", "not_allowed", "no_access", "ethics", "other")),
         *((f"system_work_{s}", f"system_free_{s}") for s in
           ("chatgpt", "copilot", "dalle", "claude", "gemini", "local_llm", "midjourney", "perplexity", "other"))]


def answer_key(form: str) -> dict[str, str]:
    """Export column -> the codebook variable it holds (tests/qualtrics/key.yaml), in the form's column names."""
    return {spss_name(column, form): name for column, name in key()["columns"].items()}


def placed(proposal) -> dict[str, str]:
    return {d.column: d.name for d in proposal.decisions if d.name and d.name != FINISHED and not d.unplaced}


@pytest.fixture(scope="module")
def proposals(qualtrics, cb):
    return {form: propose(path, cb=cb) for form, path in qualtrics.items()}


@pytest.mark.parametrize("form", FORMS)
def test_every_answer_column_is_placed_as_the_answer_key_says_and_none_is_flagged(form, proposals):
    proposal = proposals[form]
    assert placed(proposal) == answer_key(form)
    assert [d.column for d in proposal.decisions if d.unplaced] == []
    assert proposal.unselected == "blank" and proposal.recode == {}
    reworded = {"Q9", "Q10_5", *(f"Q12_{i}" for i in range(1, 10)), "Q14_3", "Q15_4", "Q25_1", "Q26_5", "Q29_2", "Q30_2", "Q37_2"}
    assert {d.column for d in proposal.decisions if d.how == LIKELY} == reworded   # the rest: texts equal, sure


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("work, free", TWINS)
def test_a_work_question_is_never_paired_with_its_free_time_twin(work, free, form, proposals):
    columns = {name: column for column, name in answer_key(form).items()}
    decided = placed(proposals[form])
    assert (decided[columns[work]], decided[columns[free]]) == (work, free)


def test_a_free_time_text_closer_to_the_work_question_is_still_not_placed_as_work(cb, tmp_path):
    text = "Hoe vaak gebruikt u generatieve AI voor uw vrije uren?"
    assert similarity(text, cb.text("use_work")) > similarity(text, cb.text("use_free"))   # difflib alone would err
    export = tmp_path / "export.csv"
    export.write_text(f"ResponseId,Q9\r\nResponse ID,{text}\r\n" '"{""ImportId"":""_recordId""}","{""ImportId"":""QID9""}"\r\n'
                      "R_1,2\r\n", encoding="utf-8-sig")
    decision = next(d for d in propose(export, cb=cb).decisions if d.column == "Q9")
    assert (decision.name, decision.how) == ("use_free", LIKELY) and "not use_work: the text says vrije" in decision.why


@pytest.mark.parametrize("form", FORMS)
def test_metadata_is_ignored_and_personal_data_is_never_read(form, qualtrics, cb, monkeypatch):
    read = []
    real = mapping.read_cells
    monkeypatch.setattr(mapping, "read_cells", lambda *a, **k: read.append(cells := real(*a, **k)) or cells)
    proposal = propose(qualtrics[form], cb=cb)
    ignored = {d.column for d in proposal.decisions if d.ignore}
    assert ignored == {spss_name(c, form) for c in METADATA} - {"ResponseId", spss_name("Duration (in seconds)", form), "Finished"}
    assert [(d.column, d.how) for d in proposal.decisions if d.name == FINISHED] == [("Finished", SURE)]
    assert not set(PERSONAL) & {column for cells in read for column in cells.table.columns}
    text = render(proposal)
    assert all(f"  - {column}   # personal data" in text for column in PERSONAL)


@pytest.mark.parametrize("column, import_id, expected", [
    ("ResponseId", "_recordId", "respondent_id"), ("Duration__in_seconds_", "", "duration_s"), ("Finished", "finished", FINISHED),
    ("Q_RecaptchaScore", "Q_RecaptchaScore", None), ("Q10_DO", "QID10_DO", None), ("IPAddress", "ipAddress", None),
])
def test_a_survey_tools_own_columns_are_known_by_name_or_import_id(column, import_id, expected):
    assert tool_column(column, import_id)[0] == expected
    assert tool_column("Q10_3", "QID10_3") is None


def test_the_proposal_is_a_mapping_file_the_reader_accepts_and_is_never_written_over_a_file(qualtrics, export, cb, tmp_path):
    raw = Path(shutil.copy(qualtrics["numeric"], tmp_path / "export.csv"))
    first = write_proposal(propose(raw, cb=cb))
    before = first.read_bytes()
    second = write_proposal(propose(raw, cb=cb))
    assert (first.name, second.name) == ("export.mapping.yaml", "export.mapping.2.yaml") and first.read_bytes() == before
    df = read_export(raw, first, cb)
    assert df.pop(FINISHED).all()
    pd.testing.assert_frame_equal(df, as_qualtrics_writes(export), check_exact=True)


def edited_header(raw: Path, target: Path, column: str, text: str) -> Path:
    """The export with one column's question text changed (a next wave's reworded question)."""
    rows = list(csv.reader(io.StringIO(raw.read_bytes().decode("utf-8-sig"), newline="")))
    rows[1][rows[0].index(column)] = text
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(rows)
    target.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))
    return target


def test_a_next_wave_keeps_the_accepted_decisions_and_proposes_only_what_changed(qualtrics, cb, tmp_path):
    wave1 = Path(shutil.copy(qualtrics["numeric"], tmp_path / "wave1.csv"))
    accepted = write_proposal(propose(wave1, cb=cb))
    spec = yaml.safe_load(accepted.read_text(encoding="utf-8"))
    del spec["columns"]["Q38"]
    spec["ignore"].append("Q38")   # the user's decision: the open remarks stay out
    accepted.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    wave2 = edited_header(wave1, tmp_path / "wave2.csv", "Q22", "Ik zie voordelen in generatieve AI voor mijn werk.")
    proposal = propose(wave2, previous=accepted, cb=cb)
    how = {d.column: d for d in proposal.decisions}
    assert how["Q38"].ignore and how["Q38"].how == CARRIED
    assert how["Q22"].name == "pros_agree" and how["Q22"].how == LIKELY   # its text changed: proposed again
    answers = set(answer_key("numeric")) - {"ResponseId", "Duration (in seconds)", "Q22"}
    assert {c for c in answers if how[c].how != CARRIED} == set()
    assert proposal.unselected == "blank" and f"from {accepted.name}" in proposal.unselected_why


# --- Codes against labels: SPSS exports coded otherwise ----------------------------------------

def spss_recoded(sav: Path, target: Path, columns: list[str], codes: dict[int, int], labels: dict[int, str]) -> Path:
    """The SPSS export with `columns` coded otherwise: each code c written as codes[c], labelled `labels`."""
    df, meta = pyreadstat.read_sav(sav, user_missing=True)
    value_labels = dict(meta.variable_value_labels)
    for column in columns:
        df[column] = df[column].map(lambda v: codes.get(int(v), v) if pd.notna(v) else v)
        value_labels[column] = {float(c): label for c, label in labels.items()}
    pyreadstat.write_sav(df, target, column_labels=meta.column_labels, variable_value_labels=value_labels,
                         missing_ranges={c: [-99.0] for c in meta.missing_ranges})
    return target


AGREE_COLUMNS = [c for c, n in key()["columns"].items() if key()["choices"].get(c) == key()["choices"]["Q22"]]
AGREE_LABELS = key()["choices"]["Q22"]


def test_an_export_coded_0_to_4_runs_once_the_proposed_recode_is_accepted(qualtrics, export, cb, tmp_path):
    sav = spss_recoded(qualtrics["spss"], tmp_path / "export.sav", AGREE_COLUMNS, {c: c - 1 for c in range(1, 6)},
                       {c - 1: label for c, label in AGREE_LABELS.items()})
    proposal = propose(sav, cb=cb)
    assert proposal.recode == {c: {0: 1, 1: 2, 2: 3, 3: 4, 4: 5} for c in AGREE_COLUMNS} and len(AGREE_COLUMNS) == 27
    assert [d.column for d in proposal.decisions if d.unplaced] == []
    df = read_export(sav, write_proposal(proposal), cb)
    df.pop(FINISHED)
    pd.testing.assert_frame_equal(df, as_qualtrics_writes(export), check_exact=True)
    with pytest.raises(ExportError) as caught:   # the answer key's mapping has no recode: refused, both labels named
        read_export(sav, key_mapping(tmp_path / "key.yaml", "spss"), cb)
    assert ("column 'Q22' (pros_agree): code 0 is 'Helemaal oneens' in the export, but the codebook has no code 0 "
            "('Helemaal oneens' is the codebook's 1)") in str(caught.value)


@pytest.mark.parametrize("codes, labels, recode", [
    ({1: 2, 2: 1}, {1: "Vrouw", 2: "Man", 3: "Zeg ik liever niet"}, {1: 2, 2: 1, 3: 3}),    # another order
    ({3: 99}, {1: "Man", 2: "Vrouw", 99: "Zeg ik liever niet"}, {1: 1, 2: 2, 99: 3}),     # 99 for 'prefer not to say'
])
def test_labels_that_contradict_the_codebook_become_a_proposed_recode_and_are_refused_without_it(
        codes, labels, recode, qualtrics, export, cb, tmp_path):
    sav = spss_recoded(qualtrics["spss"], tmp_path / "export.sav", ["Q2"], codes, labels)
    with pytest.raises(ExportError) as caught:
        read_export(sav, key_mapping(tmp_path / "key.yaml", "spss"), cb)
    wrong = next(c for c, to in recode.items() if c != to)
    expected = {1: "Man", 2: "Vrouw", 3: "Zeg ik liever niet"}
    assert (f"column 'Q2' (gender): code {wrong} is '{labels[wrong]}' in the export, but "
            + (f"{wrong} is '{expected[wrong]}' in the codebook" if wrong in expected else f"the codebook has no code {wrong}")
            + f" ('{labels[wrong]}' is the codebook's {recode[wrong]})") in str(caught.value)
    proposal = propose(sav, cb=cb)
    assert proposal.recode == {"Q2": recode}
    df = read_export(sav, write_proposal(proposal), cb)
    df.pop(FINISHED)
    pd.testing.assert_frame_equal(df, as_qualtrics_writes(export), check_exact=True)


def test_what_the_assistant_cannot_place_is_listed_and_the_run_refuses_until_decided(qualtrics, cb, tmp_path):
    sav = spss_recoded(qualtrics["spss"], tmp_path / "export.sav", ["Q2"], {}, {1: "Man", 2: "Vrouw", 3: "Anders"})
    proposal = propose(sav, cb=cb)
    unplaced = [d for d in proposal.decisions if d.unplaced]
    assert [(d.column, d.how) for d in unplaced] == [("Q2", UNSURE)] and "3 'Anders' are no answer of gender" in unplaced[0].why
    written = write_proposal(proposal)
    with pytest.raises(ExportError, match=r"unplaced: 'Q2' not decided yet"):
        read_export(sav, written, cb)


def test_a_question_the_codebook_lacks_is_left_to_decide(qualtrics, cb, tmp_path):
    raw = edited_header(qualtrics["numeric"], tmp_path / "export.csv", "Q38", "Hoe heeft u over deze enquête gehoord?")
    decision = next(d for d in propose(raw, cb=cb).decisions if d.column == "Q38")
    assert decision.unplaced and decision.name is None


# --- The command --------------------------------------------------------------------------------

def test_make_mapping_writes_beside_the_export_and_says_what_to_decide(qualtrics, tmp_path, capsys):
    raw = Path(shutil.copy(qualtrics["numeric"], tmp_path / "export.csv"))
    assert run.main(["--raw", str(raw), "--propose-mapping"]) == 0
    said = capsys.readouterr().err
    assert "146 columns: 131 mapped (113 sure, 18 likely, 0 carried over), 14 ignored" in said and "0 to decide" in said
    assert f"make reports RAW={raw} MAPPING={tmp_path / 'export.mapping.yaml'}" in said
    assert run.main(["--propose-mapping"]) == 2
    assert run.main(["--raw", str(tmp_path / "none.csv"), "--propose-mapping"]) == 2
    assert run.main(["--raw", str(raw), "--propose-mapping", "--from", str(tmp_path / "none.yaml")]) == 2
    said = capsys.readouterr().err
    assert "none.csv: no such file" in said and "none.yaml: no such mapping file" in said and "Traceback" not in said


# --- End to end: the runner with the proposed mapping --------------------------------------------

@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Where the end-to-end runs go (reports, build, processed data), outside the working tree."""
    root = tmp_path_factory.mktemp("runs")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(run, "BUILD_DIR", root / "build")
        patch.setattr(run, "PROCESSED_DIR", root / "processed")
        yield root


@pytest.fixture(scope="module")
def reference_run(runs, export_csv):
    assert run.main(["--raw", str(export_csv), "--out", str(runs / "reports")]) == 0
    return export_csv.stem


@pytest.mark.slow
@pytest.mark.parametrize("form", FORMS)
def test_make_reports_with_the_proposed_mapping_gives_the_codebook_exports_data_and_verdicts(
        form, runs, reference_run, qualtrics, cb, capsys):
    proposal = write_proposal(propose(qualtrics[form], cb=cb))
    assert run.main(["--raw", str(qualtrics[form]), "--mapping", str(proposal), "--out", str(runs / "reports")]) == 0, \
        capsys.readouterr().err
    name = qualtrics[form].stem
    processed = pd.read_parquet(runs / "processed" / f"{name}.parquet")
    assert len(processed) == 478
    reference = pd.read_parquet(runs / "processed" / f"{reference_run}.parquet")
    pd.testing.assert_frame_equal(processed, as_qualtrics_writes(reference), check_exact=True)
    tables = sorted((runs / "reports" / reference_run).glob("*_files/published_vs_reproduced.csv"))
    judging = [nb.stem for nb in run.notebooks() if "ch.published()" in nb.read_text(encoding="utf-8")]
    assert [t.parent.name.removesuffix("_files") for t in tables] == sorted(judging) and len(judging) >= 8
    for table in tables:
        ours = runs / "reports" / name / table.relative_to(runs / "reports" / reference_run)
        assert ours.read_bytes() == table.read_bytes(), table.parent.name
    account = pd.read_parquet(runs / "processed" / f"{name}.row_account.parquet")
    assert account["status"].value_counts().to_dict() == {"kept": 478, "excluded: control_failed": 38,
                                                          "excluded: no_consent": 31, "excluded: too_fast": 29}


@pytest.mark.slow
def test_the_runner_refuses_an_spss_export_coded_0_to_4_naming_both_labels_and_runs_it_with_the_proposed_recode(
        runs, qualtrics, cb, tmp_path, capsys):
    sav = spss_recoded(qualtrics["spss"], tmp_path / "coded_0_4.sav", AGREE_COLUMNS, {c: c - 1 for c in range(1, 6)},
                       {c - 1: label for c, label in AGREE_LABELS.items()})
    published = lambda: {p: p.stat().st_mtime_ns for folder in ("reports", "processed") for p in (runs / folder).rglob("*")}  # noqa: E731
    before = published()
    assert run.main(["--raw", str(sav), "--mapping", str(key_mapping(tmp_path / "key.yaml", "spss")), "--only", "01",
                     "--out", str(runs / "reports")]) == 2
    said = capsys.readouterr().err
    assert "column 'Q22' (pros_agree): code 0 is 'Helemaal oneens' in the export, but the codebook has no code 0" in said
    assert "Traceback" not in said and published() == before   # refused: nothing published
    proposal = write_proposal(propose(sav, cb=cb))
    assert run.main(["--raw", str(sav), "--mapping", str(proposal), "--only", "01", "--out", str(runs / "reports")]) == 0, \
        capsys.readouterr().err
    assert len(pd.read_parquet(runs / "processed" / "coded_0_4.parquet")) == 478


def test_codes_outside_the_codebooks_without_labels_to_tell_their_meaning_are_left_to_decide(qualtrics, cb, tmp_path):
    raw = qualtrics["numeric"]
    lines = raw.read_bytes().split(b"\r\n")
    names = lines[0].decode("utf-8-sig").split(",")
    row = lines[3].decode("utf-8").split(",")   # the first response, numeric cells without commas inside
    assert row[names.index("Q2")] in {"1", "2", "3"}
    row[names.index("Q2")] = "0"
    lines[3] = ",".join(row).encode("utf-8")
    (tmp_path / "export.csv").write_bytes(b"\r\n".join(lines))
    decision = next(d for d in propose(tmp_path / "export.csv", cb=cb).decisions if d.column == "Q2")
    assert decision.unplaced and "'0' are neither codes of gender (1, 2, 3) nor its answers" in decision.why
