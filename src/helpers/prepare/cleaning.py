"""Exclusion rules, the row account, and the variables derived from the answers.

Rules are applied in order; a row is excluded by the first rule it fails, so the counts per rule
add up to the rows excluded, and every input row appears once in the account.

>>> result = clean(read_export(path))          # doctest: +SKIP
>>> result.flow                                 # input, each rule, kept
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers.ingest.codebook import Codebook, load_codebook
from helpers.ingest.io import FINISHED, ExportError

RULES = ("unfinished", "no_consent", "control_failed", "too_fast")   # unfinished: only when the export says (FINISHED)
NOTES = ("duration_unknown", "no_age_group", "no_education_level")   # kept rows the account singles out
# This project's choices in cleaning where the report is silent (data/ASSUMPTIONS.md, by id), with what each marks
# on a page: a rule's or a note's row, or the whole exclusion flow; the reading of missing-value texts marks nothing.
CHOICES = {"exclusion-order": "flow", "speeder-rule": "too_fast", "unknown-duration": "duration_unknown", "missing-values": None}
RULE_TEXT = {
    "unfinished": {"nl": "Niet afgerond (door de enquêtetool afgesloten)", "en": "Not finished (closed by the survey tool)"},
    "no_consent": {"nl": "Geen akkoord met de voorwaarden", "en": "Did not consent"},
    "control_failed": {"nl": "Fout antwoord op de controlevraag", "en": "Wrong answer to the control question"},
    "too_fast": {"nl": "Ongeloofwaardig snelle invultijd", "en": "Implausibly fast completion"},
}


@dataclass(frozen=True)
class Cleaned:
    data: pd.DataFrame      # kept rows, with derived variables
    account: pd.DataFrame   # one row per input row: row, respondent_id, status, note (NOTES joined by '; ')
    flow: pd.DataFrame      # step, rule, excluded, remaining
    speeder_threshold_s: float


def rules_of(df: pd.DataFrame) -> list[str]:
    """The rules an export is judged by: 'unfinished' only when it says which responses were finished."""
    return [rule for rule in RULES if rule != "unfinished" or FINISHED in df]


def exclusion_reasons(df: pd.DataFrame, cb: Codebook, speeder_share_of_median: float) -> tuple[pd.Series, float]:
    """The first rule each row fails ('' when it passes all), and the speeder threshold in seconds.

    unfinished: a response the survey tool closed before its end (Qualtrics' Finished = 0), when the export
    carries that column (FINISHED, from the mapping file's `finished`); first, as such a row's other answers
    are incomplete.

    too_fast: completion time below `speeder_share_of_median` times the median time of the
    consenting respondents (a relative speeder rule, cf. Greszki, Meyer & Schoen, 2015). An unknown
    (empty) duration is not judged: such a row is not a speeder; without a known duration of a consenting
    respondent the threshold is NaN and nobody is a speeder.
    """
    consented = df["consent"].eq(1).fillna(False)
    control_ok = df["control"].eq(cb["control"].correct_answer).fillna(False)
    median = df.loc[consented, "duration_s"].median()   # NA when nobody consented (or no duration is known)
    threshold = float("nan") if pd.isna(median) else float(speeder_share_of_median * median)
    too_fast = df["duration_s"].lt(threshold).fillna(False)
    failing = {"unfinished": ~df[FINISHED] if FINISHED in df else None, "no_consent": ~consented,
               "control_failed": ~control_ok, "too_fast": too_fast}
    rules = rules_of(df)
    reason = np.select([failing[rule] for rule in rules], rules, default="")
    return pd.Series(reason, index=df.index, name="reason"), threshold


def clean(df: pd.DataFrame, cb: Codebook | None = None, speeder_share_of_median: float = 0.4) -> Cleaned:
    """Apply the exclusion rules in order and derive education level and scale scores; an export of which
    nobody is left is refused (ExportError) with the row account."""
    cb = cb or load_codebook()
    reason, threshold = exclusion_reasons(df, cb, speeder_share_of_median)
    steps = [("input", "", 0, len(df))]
    remaining = len(df)
    for rule in rules_of(df):
        n = int((reason == rule).sum())
        remaining -= n
        steps.append(("rule", rule, n, remaining))
    flow = pd.DataFrame(steps, columns=["step", "rule", "excluded", "remaining"])
    if remaining == 0:
        excluded = ", ".join(f"{rule} {n}" for _, rule, n, _ in steps[1:])
        raise ExportError(f"{df.attrs.get('provenance', {}).get('file', 'the export')}: nobody is left after cleaning: "
                          f"{len(df)} rows read; excluded by rule: {excluded}; kept 0")
    kept = add_derived(df.loc[reason == ""].drop(columns=FINISHED, errors="ignore").reset_index(drop=True), cb)
    kept.attrs["provenance"] = {**df.attrs.get("provenance", {}), "rows_in": len(df), "rows_kept": len(kept)}
    note = pd.Series("", index=df.index)
    note[reason == ""] = notes(kept, cb).to_numpy()
    account = pd.DataFrame({
        "row": np.arange(1, len(df) + 1),
        "respondent_id": df["respondent_id"].to_numpy(),
        "status": np.where(reason == "", "kept", "excluded: " + reason),
        "note": note.to_numpy(),
    })
    return Cleaned(kept, account, flow, threshold)


def notes(kept: pd.DataFrame, cb: Codebook) -> pd.Series:
    """Per kept row, what the account should say of it (NOTES, joined by '; '): an unknown duration, no age
    group, no education level."""
    flags = {"duration_unknown": kept["duration_s"].isna(), "no_age_group": age_groups(kept["age"], cb).isna(),
             "no_education_level": kept["education_level"].isna()}
    joined = pd.Series("", index=kept.index, dtype=object)
    for name in NOTES:
        joined = joined.where(~flags[name].to_numpy(dtype=bool), joined + name + "; ")
    return joined.str.removesuffix("; ")


def add_derived(df: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    """Derived variables of the codebook and one score column per scale."""
    out = df.copy()
    for name, spec in cb.derived.items():
        out[name] = out[spec["from"]].map(spec["map"]).astype("Int64")
    return pd.concat([out, scale_scores(out, cb)], axis=1)


def scale_scores(df: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    """Mean of the answered items per scale, missing when fewer than the codebook's min_answered."""
    scores = {}
    for scale, spec in cb.scales.items():
        items = df[cb.scale_items(scale)].astype("Float64")
        answered = items.notna().sum(axis=1)
        scores[scale] = items.mean(axis=1).where(answered >= spec["min_answered"])
    return pd.DataFrame(scores, index=df.index).astype("Float64")


def account_path(processed: str | Path) -> Path:
    """Where the row account of a processed dataset is kept (beside it)."""
    processed = Path(processed)
    return processed.with_name(processed.stem + ".row_account.parquet")


def age_groups(age: pd.Series, cb: Codebook | None = None) -> pd.Series:
    """Age in the codebook's groups ('16-30', ..., '65-75': from the age variable's minimum, `groups` and
    maximum); missing when the age is."""
    var = (cb or load_codebook())["age"]
    starts = [var.min, *var.groups]
    ends = [s - 1 for s in var.groups] + [var.max]
    labels = [f"{lo}-{hi}" for lo, hi in zip(starts, ends)]
    return pd.cut(age.astype(float), [lo - 0.5 for lo in starts] + [var.max + 0.5], labels=labels)


def education_groups(df: pd.DataFrame, cb: Codebook, lang: str) -> pd.Series:
    labels = cb.labels("education_level", lang)
    return pd.Categorical(df["education_level"].map(labels), categories=list(labels.values()))
