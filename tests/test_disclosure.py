"""The small-cell policy: no hidden count follows from a shown total, a share or a neighbour."""
import itertools

import pandas as pd
import pytest

from helpers.disclosure import protected_counts, share_hidden, suppress, suppress_table


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
    assert shown_counts(counts, suppress(counts, 5), 5).tolist() == ["0", "[c]", "[c]", "5", "222"]
