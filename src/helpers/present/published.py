"""The report's published figures (data/published.yaml) beside the values computed from the data.

>>> compare({"sample.respondents": 478}, lang="en")     # doctest: +SKIP
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd
import yaml

from helpers.paths import DATA_DIR
from helpers.present.text import check_lang, format_p, t

# Default tolerances by kind of figure (absolute): counts exact, percentages in points. Three kinds are
# claims rather than values: p_below (the report says p < value), more_than (reproduced > value) and
# stars (the report's "**", "*" or "ns" for a correlation or path).
TOLERANCE = {"count": 0, "percent": 2.0, "mean": 0.05, "sd": 0.05, "alpha": 0.03, "r": 0.05,
             "p_below": 0, "more_than": 0, "stars": 0}


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


def stars(p: float) -> str:
    """The report's notation: ** p < .001, * p < .05, ns otherwise."""
    return "**" if p < 0.001 else "*" if p < 0.05 else "ns"


def claim(kind: str, value) -> str:
    """How the report states a figure: a value, 'p < .001', '> 70' or a star pattern."""
    if kind == "p_below":
        return f"p < {value:g}".replace("0.", ".")
    if kind == "stars":
        return str(value)
    return f"> {value:g}" if kind == "more_than" else f"{value:g}"


def shown(kind: str, value: float) -> str:
    """A reproduced value at the precision its kind is published with ('·' when hidden)."""
    if pd.isna(value):
        return "·"
    if kind in ("p_below", "stars"):
        text = "p " + format_p(value) if value < 0.001 else f"p = {format_p(value)}"
        return f"{text} ({stars(value)})" if kind == "stars" else text
    return f"{value:.0f}" if kind == "count" else f"{value:.1f}" if kind in ("percent", "more_than") else f"{value:.2f}"


def judge(kind: str, published, reproduced: float, tolerance: float) -> tuple[float, bool]:
    """Difference (NaN for claims) and whether the reproduced value bears the published figure out."""
    if kind == "p_below":
        return float("nan"), reproduced < published
    if kind == "stars":
        return float("nan"), stars(reproduced) == published
    difference = reproduced - float(published)
    if kind == "more_than":
        return difference, reproduced > float(published)
    return difference, abs(difference) <= tolerance + 1e-9


def compare(computed: dict[str, float], lang: str = "nl", hidden: set[str] = frozenset()) -> pd.DataFrame:
    """Published value, reproduced value, difference and whether it is within tolerance, per figure.

    Figures computed but not published are refused (a typo would otherwise pass unseen). `hidden` ids
    rest on small cells: their value and difference are not shown, their verdict is. A figure the
    report contradicts itself on (`inconsistent` in published.yaml) is judged 'report inconsistent'.
    """
    check_lang(lang)
    published = load_published()
    unknown = sorted(set(computed) - set(published.index))
    if unknown:
        raise KeyError(f"not in data/published.yaml: {unknown}")
    rows = published.loc[list(computed)]
    verdicts = {"yes": t("answer_yes", lang), "no": t("answer_no", lang), "inconsistent": t("report_inconsistent", lang)}
    table = []
    for fid, row in rows.iterrows():
        value = computed[fid]
        difference, within = judge(row["kind"], row["value"], value, row["tolerance"])
        visible = fid not in hidden
        verdict = "inconsistent" if isinstance(row.get("inconsistent"), str) else "yes" if within else "no"
        table.append({
            t("col_figure", lang): row[lang],
            t("col_published", lang): claim(row["kind"], row["value"]),
            t("col_reproduced", lang): shown(row["kind"], value if visible else float("nan")),
            t("col_difference", lang): round(difference, 2) if visible else float("nan"),
            t("col_tolerance", lang): row["tolerance"] if row["kind"] not in ("p_below", "stars", "more_than") else float("nan"),
            t("col_within", lang): verdicts[verdict],
        })
    return pd.DataFrame(table, index=rows.index)
