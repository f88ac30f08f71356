"""A block's result: its numbers first, then the table a page prints (a view of them), made once.

A result's `frame` is tidy: variable names (`variable`, codes in `code`), numbers as floats, a row per
variable or category, no total rows (a total is a column, `base`). A value the small-cell policy hides is
NaN and flagged True in its column's `hidden_<column>` (every column the policy protects has its flag),
so the frame is what may leave the kernel: NAME.csv is the frame as it is, and `pd.read_csv` reads it back.
Its `view` prints it in a language: every number through `cells` (text.number to the decimals of its
kind, p values APA style, intervals bracketed), a hidden value as the mark, a missing one as a dash.

>>> frame = masked(pd.DataFrame({"variable": ["a", "b"], "n": [3.0, 40.0]}), {"n": [True, False]})
>>> frame.to_dict("list")
{'variable': ['a', 'b'], 'n': [nan, 40.0], 'hidden_n': [True, False]}
>>> cells(frame, "n", 0, "nl")
['[c]', '40']
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from helpers.disclosure import HIDDEN
from helpers.present.text import format_p, interval, localise, number

DASH = "—"   # a value that could not be computed (not a hidden one: that is HIDDEN)
HIDDEN_PREFIX = "hidden_"


@dataclass
class Result:
    """What a block computed: `frame` (tidy numbers, hidden values NaN and flagged), `view` (frame, lang) ->
    the printed table, `base` whose answers the numbers describe ('all', 'users', or a subset's query)."""

    frame: pd.DataFrame
    view: Callable[[pd.DataFrame, str], pd.DataFrame]
    base: str = "all"
    notes: list[str] = field(default_factory=list)

    def printed(self, lang: str) -> pd.DataFrame:
        return self.view(self.frame, lang)


def tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` as its CSV reads back: an empty text is no text (NaN), a column with no value at all is a column
    of floats (NaN), whatever it would hold; the index dropped."""
    texts = [c for c in frame.columns if pd.api.types.is_object_dtype(frame[c]) or pd.api.types.is_string_dtype(frame[c])]
    frame = frame.reset_index(drop=True).assign(**{c: frame[c].reset_index(drop=True).replace("", np.nan) for c in texts})
    empty = [c for c in frame.columns if frame[c].isna().all() and not pd.api.types.is_float_dtype(frame[c])]
    return frame.astype(dict.fromkeys(empty, float))


def masked(frame: pd.DataFrame, hidden: dict[str, Sequence[bool]]) -> pd.DataFrame:
    """`frame` with the hidden values of each column in `hidden` set to NaN and flagged in `hidden_<column>`
    (after the frame's own columns); numbers become floats so that a hidden value can be NaN."""
    out = frame.copy()
    for column, mask in hidden.items():
        mask = np.asarray(mask, dtype=bool)
        out[column] = pd.to_numeric(out[column]).astype(float).mask(mask)
        out[f"{HIDDEN_PREFIX}{column}"] = mask
    return out


def hidden_mask(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Which values of `column` are hidden (its flag; no flag: none)."""
    flag = f"{HIDDEN_PREFIX}{column}"
    return frame[flag].to_numpy(dtype=bool) if flag in frame else np.zeros(len(frame), dtype=bool)


def cells(frame: pd.DataFrame, column: str, decimals: int, lang: str) -> list[str]:
    """A column's numbers as a page prints them: to `decimals` places in the page's language, a hidden one as
    the mark, a missing one as a dash."""
    hidden = hidden_mask(frame, column)
    return [HIDDEN if h else DASH if pd.isna(v) else number(v, decimals, lang) for v, h in zip(frame[column], hidden)]


def p_cells(frame: pd.DataFrame, column: str, lang: str) -> list[str]:
    """p values APA style ('< ,001', ',032'), in the page's language; hidden as the mark."""
    hidden = hidden_mask(frame, column)
    return [HIDDEN if h else DASH if pd.isna(p) else localise(format_p(p), lang) for p, h in zip(frame[column], hidden)]


def interval_cells(frame: pd.DataFrame, low: str, high: str, decimals: int, lang: str) -> list[str]:
    """Intervals '[low, high]' ('[0,12; 0,34]' in Dutch); hidden when either bound is."""
    hidden = hidden_mask(frame, low) | hidden_mask(frame, high)
    return [HIDDEN if h else DASH if pd.isna(lo) or pd.isna(hi) else interval(lo, hi, decimals, lang)
            for lo, hi, h in zip(frame[low], frame[high], hidden)]


def with_total(printed: pd.DataFrame, total: dict) -> pd.DataFrame:
    """A printed table with its total row last (`total`: printed column -> printed value; the rest empty)."""
    return pd.concat([printed, pd.DataFrame([{c: total.get(c, "") for c in printed.columns}])], ignore_index=True)
