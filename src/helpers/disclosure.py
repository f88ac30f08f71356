"""The small-cell policy: one home for what may be shown of counts that could single people out.

The threshold rule with secondary suppression, as national statistics offices practise it
(Hundepool et al., *Statistical Disclosure Control*, Wiley 2012, ch. 5; the reference tools are
tau-Argus and sdcMicro):

- **Primary suppression.** A count of 1 to `min_cell` - 1 respondents is not shown (an empty cell
  identifies no one).
- **Secondary suppression.** Where counts add up to a total that is shown (the categories of one
  question, a column or row of a cross-table, the steps of the exclusion flow), more cells are hidden,
  the smallest first (for ordered answers: a neighbour), until the hidden cells are at least two and
  together hold at least `min_cell` respondents, so no hidden count follows from the total minus the
  shown ones.
- **Shares and means.** A share is shown only when it is a sum of shown cells and neither its count nor
  its complement (base minus count) is small; the mean of fewer than `min_cell` answers is not shown.

Hidden cells are marked the same way everywhere: HIDDEN ("[c]") in tables, CSV copies, chart labels and
alt text, explained on every page by the message `small_cell_note` and under every chart that shows it
(`chart_hidden_note`).
"""
from __future__ import annotations

import numpy as np
import pandas as pd


def is_small(counts, min_cell: int):
    """Cells that could single people out: 1 to min_cell - 1 respondents (an empty cell identifies no one)."""
    return (counts > 0) & (counts < min_cell)


HIDDEN = "[c]"   # the mark of a hidden cell everywhere ("confidential", as the ONS marks suppressed cells)


def _protected(hidden: np.ndarray, counts: np.ndarray, min_cell: int) -> bool:
    return not hidden.any() or (hidden.sum() >= 2 and counts[hidden].sum() >= min_cell)


def suppress(counts: pd.Series, min_cell: int, ordered: bool = False, published: pd.Series | None = None) -> pd.Series:
    """Which cells of a set of counts with a shown total to hide: primary, then secondary suppression.

    >>> suppress(pd.Series([222, 254, 2]), 5).tolist()
    [True, False, True]
    >>> suppress(pd.Series([1, 40, 60, 3, 90]), 5, ordered=True).tolist()   # a neighbour for ordered answers
    [True, True, False, True, False]
    >>> suppress(pd.Series([222, 254, 2]), 5, published=pd.Series([2, 2, 2])).tolist()   # the largest of equals
    [False, True, True]

    `ordered`: the cells are ordered answers (a Likert item, start years); secondary cells are then taken next
    to hidden ones, so hidden cells form runs that a chart can merge. `published`: how many of the report's
    figures rest on each cell (a table the report prints); secondary cells are then taken where the fewest
    published figures are lost, and among equals the largest, in which the small cell hides in the widest
    range: the report's figures stay checkable where the rule allows it.
    """
    values = counts.fillna(0).to_numpy(dtype=float)
    hidden = np.asarray(is_small(values, min_cell), dtype=bool)
    lost = None if published is None else published.reindex(counts.index, fill_value=0).to_numpy(dtype=float)
    while not _protected(hidden, values, min_cell):
        candidates = ~hidden & (values > 0)
        if ordered:
            near = np.zeros_like(hidden)
            near[1:] |= hidden[:-1]
            near[:-1] |= hidden[1:]
            candidates &= near if (candidates & near).any() else candidates
        if not candidates.any():
            break
        if lost is None:
            pick = np.flatnonzero(candidates)[np.argmin(values[candidates])]
        else:
            fewest = candidates & (lost == lost[candidates].min())
            pick = np.flatnonzero(fewest)[np.argmax(values[fewest])]
        hidden[pick] = True
    return pd.Series(hidden, index=counts.index)


def suppress_table(table: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Hidden cells of a cross-table whose row and column totals are known: primary suppression, then
    secondary in every row and column until each is protected (repeated until nothing changes)."""
    values = table.fillna(0).to_numpy(dtype=float)
    hidden = np.asarray(is_small(values, min_cell), dtype=bool)
    changed = True
    while changed:
        changed = False
        for line_values, line_hidden in [*zip(values, hidden), *zip(values.T, hidden.T)]:
            candidates = ~line_hidden & (line_values > 0)
            if not _protected(line_hidden, line_values, min_cell) and candidates.any():
                line_hidden[np.flatnonzero(candidates)[np.argmin(line_values[candidates])]] = True   # a view into `hidden`
                changed = True
    return pd.DataFrame(hidden, index=table.index, columns=table.columns)


def share_hidden(count, base, min_cell: int):
    """Whether a share (count of base) may not be shown: its count or its complement is small."""
    count, base = np.asarray(count, dtype=float), np.asarray(base, dtype=float)
    return is_small(count, min_cell) | is_small(base - count, min_cell)


def use_frequency_hidden(counts: pd.Series, min_cell: int) -> pd.Series:
    """Hidden cells of a use-frequency distribution (code 1: never): protected among all respondents and
    among users."""
    return suppress(counts, min_cell, ordered=True) | suppress(counts.drop(1), min_cell, ordered=True).reindex(counts.index, fill_value=False)


def share_parts_hidden(counts: pd.Series, codes, hidden: pd.Series, min_cell: int) -> bool:
    """Whether the share of `counts` (answers per code) in `codes` may not be shown beside the table that
    hides `hidden`: one of its answers is hidden there (with the table's shown cells it would give hidden
    ones away), or it or its complement is small."""
    inside = list(codes)
    return bool(hidden[inside].any() or share_hidden(int(counts[inside].sum()), int(counts.sum()), min_cell))


def shown_counts(counts: pd.Series, hidden: pd.Series) -> pd.Series:
    """Counts as text for a table, the hidden ones marked."""
    return counts.astype(int).astype(str).where(~hidden.to_numpy(), HIDDEN)


def split_runs(hidden: pd.Series, codes) -> bool:
    """Whether a sum over `codes` would part hidden cells from each other: some run of neighbouring hidden
    cells lies partly inside `codes`, so the sum minus shown cells would give one of them away.

    >>> split_runs(pd.Series([True, True, False, False, False], index=[1, 2, 3, 4, 5]), (1, 2))
    False
    >>> split_runs(pd.Series([False, False, False, True, True], index=[1, 2, 3, 4, 5]), (4,))
    True
    """
    run = (hidden != hidden.shift()).cumsum()[hidden]
    inside = hidden.index[hidden].isin(list(codes))
    return any(0 < inside[run.to_numpy() == r].sum() < (run.to_numpy() == r).sum() for r in run.unique())


def without_small(counts: pd.Series, min_cell: int) -> pd.Series:
    """Counts as numbers for a chart, hidden cells left out (NaN), secondary suppression included."""
    return counts.where(~suppress(counts, min_cell))


def protected_counts(table: pd.DataFrame, min_cell: int, total: str | None = None) -> pd.DataFrame:
    """A table of counts (first column: labels) with its hidden cells marked, rows and columns protected.
    With a `total` label, a total column and row are added and protected as cells of the table: a small
    total is hidden too, and the total column and row are lines that add up to the grand total."""
    counts = table.set_index(table.columns[0])
    if total is not None:
        counts = counts.assign(**{total: counts.sum(axis=1)})
        counts = pd.concat([counts, counts.sum().rename(total).to_frame().T]).rename_axis(table.columns[0])
    hidden = suppress_table(counts, min_cell)
    marked = counts.astype(int).astype(str).mask(hidden, HIDDEN)
    return marked.reset_index()


def mean_shown(n, min_cell: int):
    """Whether a mean (or SD, correlation, test) of `n` answers may be shown."""
    return np.asarray(n) >= min_cell
