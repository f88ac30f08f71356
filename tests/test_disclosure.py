"""The small-cell policy: no hidden count follows from a shown total, a share or a neighbour."""
import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import linprog

from helpers.disclosure import HIDDEN, is_small, protected_counts, share_hidden, suppress, suppress_table


@pytest.mark.parametrize("counts", [[222, 254, 2], [1, 2, 300], [4, 400], [0, 3, 80, 90], [5, 5, 1], [3, 3, 3, 3]])
def test_no_single_hidden_cell_and_hidden_cells_hold_min_cell(counts):
    hidden = suppress(pd.Series(counts), 5).tolist()
    small = [0 < c < 5 for c in counts]
    assert all(h for h, s in zip(hidden, small) if s), "every small cell is hidden"
    if any(hidden):
        # a lone hidden cell is the total minus the shown ones; hidden cells summing below min_cell are a small cell together
        assert sum(hidden) >= 2 and sum(c for c, h in zip(counts, hidden) if h) >= 5


def test_nothing_hidden_when_nothing_is_small():
    assert not suppress(pd.Series([0, 5, 120]), 5).any()


def test_the_reports_table_1_hides_the_next_smallest_cell():
    """478 = 222 + 254 + 2: hiding only the 2 would leave it as 478 - 222 - 254."""
    assert suppress(pd.Series([222, 254, 2], index=["man", "woman", "not said"]), 5).to_dict() == {
        "man": True, "woman": False, "not said": True}


def test_ordered_answers_hide_a_neighbour():
    """The smaller neighbour (80), not the smallest cell (60): hidden cells touch, so a chart can merge them."""
    assert suppress(pd.Series([60, 90, 2, 80, 70]), 5, ordered=True).tolist() == [False, False, True, True, False]
    assert suppress(pd.Series([60, 90, 2, 80, 70]), 5).tolist() == [True, False, True, False, False]


def test_cross_table_protects_every_row_and_column():
    table = pd.DataFrame({"local": [120, 3, 40], "flemish": [60, 30, 2]}, index=["Antwerpen", "Limburg", "Brussel"])
    hidden = suppress_table(table, 5)
    for row, col in itertools.product(range(3), range(2)):
        if 0 < table.iat[row, col] < 5:
            assert hidden.iat[row, col]
    for line, mask in [*zip(table.to_numpy(), hidden.to_numpy()), *zip(table.to_numpy().T, hidden.to_numpy().T)]:
        assert mask.sum() != 1, f"a line with one hidden cell gives it away: {line} {mask}"


def test_protected_counts_marks_hidden_cells():
    table = pd.DataFrame({"place": ["A", "B", "C"], "n": [100, 2, 50]})
    assert protected_counts(table, 5)["n"].tolist() == ["100", "[c]", "[c]"]


def disclosed(shown: pd.DataFrame, min_cell: int) -> list[tuple[str, str, float, float]]:
    """An intruder's audit of a cross-table with a total row and column (last), independent of the policy's
    line-by-line rule: every hidden cell's range given all the table's sums at once and counts >= 0 (linear
    programming, as tau-Argus audits a pattern). A cell is disclosed when its range is one value, or holds
    only small counts (1 to min_cell - 1). Returns (row, column, low, high) of each."""
    values = shown.set_index(shown.columns[0])
    unknown = values.eq(HIDDEN).to_numpy()
    numbers = values.mask(values.eq(HIDDEN), 0).astype(float).to_numpy()
    index = -np.ones(unknown.shape, dtype=int)
    index[unknown] = np.arange(unknown.sum())
    equations, targets = [], []
    for line_index, line_numbers in [*zip(index, numbers), *zip(index.T, numbers.T)]:   # parts - total = 0, each line
        row, signs = np.zeros(unknown.sum()), np.r_[np.ones(len(line_index) - 1), -1]
        for i, sign in zip(line_index, signs):
            if i >= 0:
                row[i] += sign
        equations.append(row)
        targets.append(-(signs * line_numbers).sum())   # the shown cells, moved to the right-hand side
    found = []
    for (r, c), i in zip(np.argwhere(unknown), index[unknown]):
        low, high = [linprog(sense * np.eye(unknown.sum())[i], A_eq=np.array(equations), b_eq=targets).fun * sense
                     for sense in (1, -1)]
        if high - low < 0.5 or (np.ceil(low - 1e-6) >= 1 and np.floor(high + 1e-6) < min_cell):
            found.append((values.index[r], values.columns[c], low, high))
    return found


PLANTED = pd.DataFrame({"answer": ["never", "rarely", "monthly", "weekly", "daily"],
                        "never": [30, 10, 0, 0, 0], "rarely": [2, 40, 1, 12, 0], "monthly": [0, 3, 2, 9, 0],
                        "weekly": [0, 0, 0, 50, 1], "daily": [0, 0, 0, 6, 20]})   # 'monthly' has 3 respondents in all


def planted_with_totals() -> pd.DataFrame:
    counts = PLANTED.set_index("answer")
    with_totals = counts.assign(Total=counts.sum(axis=1))
    with_totals.loc["Total"] = with_totals.sum()
    return with_totals


def test_a_cross_table_with_totals_hides_small_totals_and_gives_nothing_away():
    shown = protected_counts(PLANTED, 5, total="Total")
    with_totals = planted_with_totals()
    marked = shown.set_index("answer")
    hidden = marked.eq(HIDDEN).to_numpy()
    assert marked.loc["Total", "Total"] == "186" and marked.loc["monthly", "Total"] == HIDDEN   # a total of 3 is small too
    assert hidden[is_small(with_totals.to_numpy(), 5)].all()
    assert marked.to_numpy().tolist() == with_totals.astype(str).mask(hidden, HIDDEN).to_numpy().tolist()   # the rest as counted
    assert disclosed(shown, 5) == []


def test_the_audit_finds_what_primary_suppression_alone_gives_away():
    """The audit above can fail: hiding only the small cells leaves each one the total minus the rest."""
    with_totals = planted_with_totals()
    naive = with_totals.astype(str).mask(is_small(with_totals, 5), HIDDEN).reset_index()
    assert {(row, column) for row, column, *_ in disclosed(naive, 5)} >= {("never", "rarely"), ("daily", "weekly")}


def test_a_share_is_hidden_when_its_count_or_complement_is_small():
    assert share_hidden([3, 100, 412, 0], [415, 415, 415, 415], 5).tolist() == [True, False, True, False]


def test_a_likert_chart_pools_an_item_with_a_hidden_answer():
    from helpers.present.plots import protected_distribution

    answers = pd.Series([1] * 2 + [2] * 20 + [3] * 30 + [4] * 100 + [5] * 200)
    shares, pooled = protected_distribution(answers, [1, 2, 3, 4, 5], 5)
    assert pooled and shares[[1, 5]].tolist() == [0, 0]
    assert shares[[2, 3, 4]].round(1).tolist() == [round(100 * 22 / 352, 1), round(100 * 30 / 352, 1), round(100 * 300 / 352, 1)]
    shares, pooled = protected_distribution(pd.Series([1] * 3 + [3] * 100), [1, 2, 3, 4, 5], 5)   # even pooled, 3 disagree
    assert shares.isna().all()


def test_shown_counts_mark_hidden_cells_and_keep_zero():
    from helpers.disclosure import shown_counts

    counts = pd.Series([0, 1, 4, 5, 222])
    assert shown_counts(counts, suppress(counts, 5)).tolist() == ["0", "[c]", "[c]", "5", "222"]
