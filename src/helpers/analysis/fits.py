"""One fit per model per run: fitted models kept under what they were made from (sem.fit_key: sem.py's version,
the model text, the estimator, the missing-data method, the rows and columns), in process and in a file.

Chapter 05 fits the report's model and the measurement model under the estimators it shows; given a file (the
runner gives one in the run's data folder, beside the processed data), it writes there each fit's tidy results
(sem.Results: estimates with SEs and standardized values, fit indices, N). Chapters 00 and 10, which restate the
model's findings, read them instead of fitting again, but only under the same key: a notebook run by hand (no
file), a subset, another model or changed code fits itself.

>>> fits = Fits("build/runs/run/data/model_fits.json", writes=True)   # doctest: +SKIP
>>> fits.model(text, data)                                             # doctest: +SKIP
"""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from helpers.analysis import sem
from helpers.ingest.provenance import write_atomic


class Fits:
    """Models fitted once per key (`model`) in this process; with `path`, their results written there (`writes`:
    the model's own chapter, which makes every fit it shows and never reads one) or read from there (`stored`)."""

    def __init__(self, path: str | Path | None = None, writes: bool = False):
        self.path, self.writes = Path(path) if path else None, writes
        self.models: dict[str, sem.Model] = {}
        self.written: dict[str, dict] = {}
        self._read: dict[str, dict] | None = {} if writes else None

    def model(self, description: str, data: pd.DataFrame, estimator: str = "ML", missing: str = "fiml") -> sem.Model:
        """The model fitted on `data` (sem.fit, same arguments), once per key; its results written to the file
        when this store writes one."""
        key = sem.fit_key(description, data, estimator, missing)
        if key not in self.models:
            self.models[key] = sem.fit(description, data, estimator, missing)
            if self.writes and self.path:
                self.written[key] = as_json(sem.Results.of(self.models[key]))
                write_atomic(self.path, lambda tmp: tmp.write_text(json.dumps(self.written, allow_nan=False), encoding="utf-8"))
        return self.models[key]

    def stored(self, description: str, data: pd.DataFrame, estimator: str = "ML", missing: str = "fiml") -> sem.Model | sem.Results | None:
        """This fit if it is at hand: fitted in this process (the model), else in the file (its results); None
        when neither holds it (another model, other rows or columns, other code, no file)."""
        key = sem.fit_key(description, data, estimator, missing)
        if key in self.models:
            return self.models[key]
        if self._read is None:
            self._read = read(self.path)
        return from_json(self._read[key]) if key in self._read else None


def read(path: Path | None) -> dict[str, dict]:
    """A fits file's entries by key; none when there is no file or it cannot be read (then each fit is made again)."""
    try:
        return json.loads(path.read_text(encoding="utf-8")) if path else {}
    except (OSError, ValueError):
        return {}


def as_json(results: sem.Results) -> dict:
    """A fit's results as JSON: its frames column by column with their dtypes, NaN as null, each float exactly
    (JSON's shortest repr reads back to the same double)."""
    def frame(f: pd.DataFrame) -> dict:
        return {"dtypes": f.dtypes.astype(str).to_dict(), "columns": f.astype(object).where(f.notna(), None).to_dict("list")}

    return {"model": results.description, "estimator": results.estimator, "missing": results.missing, "n_obs": results.n_obs,
            "parameters": frame(results.parameters), "indices": frame(results.indices)}


def from_json(entry: dict) -> sem.Results:
    def frame(f: dict) -> pd.DataFrame:
        return pd.DataFrame(f["columns"]).astype(f["dtypes"])

    return sem.Results(entry["model"], entry["estimator"], entry["missing"], entry["n_obs"], frame(entry["parameters"]),
                       frame(entry["indices"]))
