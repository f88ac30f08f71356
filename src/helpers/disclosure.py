"""The small-cell policy: one home for what may be shown of counts that could single people out."""
from __future__ import annotations

import pandas as pd


def is_small(counts, min_cell: int):
    """Cells that could single people out: 1 to min_cell - 1 respondents (an empty cell identifies no one)."""
    return (counts > 0) & (counts < min_cell)


def small_mark(min_cell: int) -> str:
    """How a hidden count is shown, the same in every language and artefact."""
    return f"<{min_cell}"


def hide_small(counts: pd.Series, min_cell: int) -> pd.Series:
    """Counts as text, small cells shown as '<min_cell'."""
    return counts.astype(int).astype(str).where(~is_small(counts, min_cell), small_mark(min_cell))


def without_small(counts: pd.Series, min_cell: int) -> pd.Series:
    """Counts as numbers for a chart, small cells left out (NaN)."""
    return counts.where(~is_small(counts, min_cell))


def protected_counts(table: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Every count column of a table with its small cells hidden ('<min_cell')."""
    out = table.copy()
    for col in out.columns[1:]:
        out[col] = hide_small(out[col], min_cell)
    return out
