"""The report's published figures (data/published.yaml) beside the values computed from the data.

>>> compare({"sample.respondents": 478}, lang="en")     # doctest: +SKIP
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd
import yaml

from helpers.codebook import check_lang
from helpers.paths import DATA_DIR
from helpers.text import format_p, t

# Default tolerances by kind of figure (absolute): counts exact, percentages in points. Two kinds are
# claims rather than values: p_below (the report says p < value) and more_than (reproduced > value).
TOLERANCE = {"count": 0, "percent": 2.0, "mean": 0.05, "sd": 0.05, "alpha": 0.03, "r": 0.05, "p_below": 0, "more_than": 0}


@lru_cache(maxsize=1)
def load_published() -> pd.DataFrame:
    """One row per published figure: id, section, kind, value, tolerance, nl, en, note."""
    figures = yaml.safe_load((DATA_DIR / "published.yaml").read_text(encoding="utf-8"))["figures"]
    table = pd.DataFrame(figures).set_index("id")
    if table.index.duplicated().any():
        raise ValueError(f"data/published.yaml repeats ids {table.index[table.index.duplicated()].tolist()}")
    if "tolerance" not in table:
        table["tolerance"] = float("nan")
    table["tolerance"] = table["tolerance"].fillna(table["kind"].map(TOLERANCE))
    return table


def claim(kind: str, value: float) -> str:
    """How the report states a figure: a value, 'p < .001', or '> 70'."""
    if kind == "p_below":
        return f"p < {value:g}".replace("0.", ".")
    return f"> {value:g}" if kind == "more_than" else f"{value:g}"


def shown(kind: str, value: float) -> str:
    """A reproduced value at the precision its kind is published with ('·' when hidden)."""
    if pd.isna(value):
        return "·"
    if kind == "p_below":
        return "p " + format_p(value) if value < 0.001 else f"p = {format_p(value)}"
    return f"{value:.0f}" if kind == "count" else f"{value:.1f}" if kind in ("percent", "more_than") else f"{value:.2f}"


def compare(computed: dict[str, float], lang: str = "nl", hidden: set[str] = frozenset()) -> pd.DataFrame:
    """Published value, reproduced value, difference and whether it is within tolerance, per figure.

    Figures computed but not published are refused (a typo would otherwise pass unseen); `hidden`
    ids rest on small cells: their reproduced value and difference are not shown, their verdict is.
    """
    check_lang(lang)
    published = load_published()
    unknown = sorted(set(computed) - set(published.index))
    if unknown:
        raise KeyError(f"not in data/published.yaml: {unknown}")
    rows = published.loc[list(computed)]
    reproduced = pd.Series(computed, dtype=float)
    difference = (reproduced - rows["value"]).where(rows["kind"] != "p_below")
    within = (difference.abs() <= rows["tolerance"] + 1e-9)
    within = within.mask(rows["kind"] == "p_below", reproduced < rows["value"])
    within = within.mask(rows["kind"] == "more_than", reproduced > rows["value"])
    visible = ~rows.index.isin(list(hidden))
    return pd.DataFrame({
        t("col_figure", lang): rows[lang],
        t("col_published", lang): [claim(kind, value) for kind, value in zip(rows["kind"], rows["value"])],
        t("col_reproduced", lang): [shown(k, v) for k, v in zip(rows["kind"], reproduced.where(visible))],
        t("col_difference", lang): difference.where(visible).round(2),
        t("col_tolerance", lang): rows["tolerance"],
        t("col_within", lang): within.map({True: t("answer_yes", lang), False: t("answer_no", lang)}),
    })
