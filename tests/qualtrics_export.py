"""The synthetic default's answers written out as Qualtrics writes its exports, from the hand-written survey header
in tests/qualtrics/ (its question texts, QIDs and answer choices; key.yaml says which codebook variable each
column holds): a CSV with numeric values, a CSV with choice text, and its SPSS file. As Qualtrics writes them: the
three header rows, UTF-8 with BOM and CRLF, metadata columns (dates, IP address, location, recipient), an
unselected option of a multiple-response question blank, 'seen but unanswered' as -99 (the export option), whole
seconds, response ids R_…; the SPSS file with variable labels, value labels and -99 declared missing."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import html
import io
import json
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyreadstat
import yaml

from helpers.ingest.provenance import manifest_path

FIXTURE = Path(__file__).parent / "qualtrics"
FORMS = ("numeric", "choice_text", "spss")
UNANSWERED = -99   # Qualtrics' "Recode seen but unanswered questions as -99"
SPSS_NAMES = {"Duration (in seconds)": "Duration__in_seconds_"}   # SPSS names hold no spaces or brackets
BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


@cache
def header() -> tuple[list[str], list[str], list[str]]:
    """The survey's three header rows: column names, question texts, ImportIds."""
    with open(FIXTURE / "header.csv", encoding="utf-8-sig", newline="") as handle:
        names, texts, ids = list(csv.reader(handle))
    return names, texts, ids


@cache
def key() -> dict:
    """key.yaml: export column -> codebook name; coded column -> {recode value: choice text}."""
    return yaml.safe_load((FIXTURE / "key.yaml").read_text(encoding="utf-8"))


def response_id(respondent_id) -> str:
    """The Qualtrics response id a row gets ('R_' and 15 letters or digits), the same for the same respondent."""
    number = int.from_bytes(hashlib.sha256(f"response {respondent_id}".encode()).digest()[:12], "big")
    return "R_" + "".join(BASE62[(number >> (6 * i)) % 62] for i in range(15))


def shown(export: pd.DataFrame, cb, name: str) -> pd.Series:
    """Whether the question of `name` was shown to each respondent (its routing)."""
    ask_if = cb[name].ask_if
    return export.eval(ask_if).fillna(False).astype(bool) if ask_if else pd.Series(True, index=export.index)


def metadata(export: pd.DataFrame, form: str) -> dict[str, list]:
    """Qualtrics' own columns for each response: dates, status, IP address, progress, whole seconds, finished,
    ids, a recipient for the responses of the e-mail distribution, location, language."""
    start = [dt.datetime(2024, 5, 13, 8, 0) + dt.timedelta(minutes=47 * i) for i in range(len(export))]
    seconds = export["duration_s"].round().astype(int).tolist()
    end = [s + dt.timedelta(seconds=d) for s, d in zip(start, seconds)]
    mailed = [i % 5 == 0 for i in range(len(export))]
    return {
        "StartDate": start, "EndDate": end, "Status": [0] * len(export),
        "IPAddress": [f"192.0.2.{i % 250 + 1}" for i in range(len(export))], "Progress": [100] * len(export),
        "Duration (in seconds)": seconds, "Finished": [1] * len(export), "RecordedDate": end,
        "ResponseId": [response_id(r) for r in export["respondent_id"]],
        "RecipientLastName": ["Peeters" if m else "" for m in mailed], "RecipientFirstName": ["An" if m else "" for m in mailed],
        "RecipientEmail": [f"an.peeters{i}@example.org" if m else "" for i, m in enumerate(mailed)],
        "ExternalReference": [""] * len(export),
        "LocationLatitude": [f"{50.85 + (i % 7) / 100:.4f}" for i in range(len(export))],
        "LocationLongitude": [f"{4.35 + (i % 5) / 100:.4f}" for i in range(len(export))],
        "DistributionChannel": ["email" if m else "anonymous" for m in mailed], "UserLanguage": ["NL"] * len(export),
    }


def answers(export: pd.DataFrame, cb, form: str) -> dict[str, list]:
    """Each answer column of the header: the respondent's answer as a code (numeric, SPSS) or its choice text; a
    selected option 1 or its text, an unselected one blank; a question shown but not answered -99 (a text entry
    left empty stays blank), one not shown blank."""
    names, texts, _ = header()
    out = {}
    for column, text in zip(names, texts):
        name = key()["columns"].get(column)
        if name is None or column in ("ResponseId", "Duration (in seconds)"):
            continue
        var, values, seen = cb[name], export[name], shown(export, cb, name)
        if var.type in ("text", "postcode"):
            out[column] = ["" if pd.isna(v) else str(v) for v in values]
            continue
        choices = key()["choices"].get(column, {})
        option = html.unescape(text.rsplit(" - ", 1)[-1])

        def cell(value, was_shown):
            if pd.isna(value):
                return UNANSWERED if was_shown and var.type != "integer" else None
            if var.type == "multi":
                return None if value == 0 else (option if form == "choice_text" else 1)
            return choices[int(value)] if form == "choice_text" and choices else int(value)
        out[column] = [cell(v, s) for v, s in zip(values, seen)]
    return out


def write_csv(rows: dict[str, list], path: Path, form: str) -> None:
    """The CSV as Qualtrics writes it: UTF-8 with BOM, CRLF, the three header rows, dates as 'YYYY-MM-DD hh:mm:ss'."""
    names, texts, ids = header()
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in (names, texts, ids):
        writer.writerow(row)
    status = {0: "IP Address"} if form == "choice_text" else {0: 0}
    finished = {1: "True"} if form == "choice_text" else {1: 1}
    for i in range(len(rows["ResponseId"])):
        line = []
        for column in names:
            value = rows[column][i]
            value = status[value] if column == "Status" else finished[value] if column == "Finished" else value
            line.append(value.strftime("%Y-%m-%d %H:%M:%S") if isinstance(value, dt.datetime) else "" if value is None else value)
        writer.writerow(line)
    path.write_bytes(b"\xef\xbb\xbf" + buffer.getvalue().encode("utf-8"))


def write_sav(rows: dict[str, list], path: Path, cb) -> None:
    """Qualtrics' SPSS file: its variable names, question texts as variable labels, answer choices as value labels
    (a multiple-response option: 1 labelled with its text), -99 declared missing, text entries as strings."""
    names, texts, _ = header()
    frame, labels, value_labels, missing = {}, [], {}, {}
    for column, text in zip(names, texts):
        name = key()["columns"].get(column)
        values = rows[column]
        numeric = column in ("Status", "Progress", "Duration (in seconds)", "Finished") or (
            name is not None and cb[name].type in ("categorical", "likert", "multi"))
        spss = SPSS_NAMES.get(column, column)
        if isinstance(values[0], dt.datetime):
            frame[spss] = pd.to_datetime(values)
        elif numeric:
            frame[spss] = np.array([np.nan if v is None else float(v) for v in values])
        else:
            frame[spss] = ["" if v is None else str(v) for v in values]
        labels.append(html.unescape(text))
        if column in key()["choices"]:
            value_labels[spss] = {float(code): label for code, label in key()["choices"][column].items()}
        elif name is not None and cb[name].type == "multi":
            value_labels[spss] = {1.0: html.unescape(text.rsplit(" - ", 1)[-1])}
        if name is not None and cb[name].type in ("categorical", "likert", "multi"):
            missing[spss] = [float(UNANSWERED)]
    value_labels["Finished"] = {0.0: "False", 1.0: "True"}
    value_labels["Status"] = {0.0: "IP Address", 1.0: "Survey Preview", 2.0: "Survey Test", 4.0: "Imported", 8.0: "Spam"}
    pyreadstat.write_sav(pd.DataFrame(frame), path, column_labels=labels, variable_value_labels=value_labels,
                         missing_ranges=missing)


def qualtrics_export(export: pd.DataFrame, cb, path: Path, form: str, seed: int) -> Path:
    """The export written as Qualtrics writes it in `form` (FORMS), marked synthetic (its seed) as the generator
    marks the default."""
    rows = metadata(export, form) | answers(export, cb, form)
    if form == "spss":
        write_sav(rows, path, cb)
    else:
        write_csv(rows, path, form)
    manifest_path(path).write_text(json.dumps({"synthetic": True, "generator": "tests.qualtrics_export", "seed": seed}),
                                   encoding="utf-8")
    return path


def spss_name(column: str, form: str) -> str:
    return SPSS_NAMES.get(column, column) if form == "spss" else column


def key_mapping(path: Path, form: str) -> Path:
    """The answer key as a mapping file (written by hand, as a user who knows the survey would): every answer column,
    the metadata ignored, Finished as the completion flag, unselected options blank."""
    names = header()[0]
    spec = {"columns": {spss_name(c, form): n for c, n in key()["columns"].items()},
            "ignore": [spss_name(c, form) for c in names if c not in key()["columns"] and c != "Finished"],
            "finished": "Finished", "unselected": "blank"}
    path.write_text(yaml.safe_dump(spec, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def as_qualtrics_writes(df: pd.DataFrame) -> pd.DataFrame:
    """The codebook export's rows as a Qualtrics export gives them back: its response ids, whole seconds."""
    out = df.copy()
    out["respondent_id"] = out["respondent_id"].map(response_id).astype(df["respondent_id"].dtype)
    out["duration_s"] = out["duration_s"].round()
    return out

