"""This survey beside related studies (data/context.yaml): other populations, other questions, so a
comparison and never a trend; and this survey's own use of generative AI by age group and education."""
from __future__ import annotations

import pandas as pd
import yaml

import numpy as np

from helpers.disclosure import share_hidden, suppress
from helpers.paths import DATA_DIR
from helpers.present.result import Result, cells, masked
from helpers.present.text import t

PCT = 1   # percentages to one decimal, as every table (tables.DECIMALS)


def studies_result(lang: str) -> Result:
    """The related studies' figures (%) with their population and source."""
    rows = yaml.safe_load((DATA_DIR / "context.yaml").read_text(encoding="utf-8"))["studies"]
    frame = pd.DataFrame({"id": [r["id"] for r in rows], "population": [r["population"][lang] for r in rows],
                          "label": [r["what"][lang] for r in rows], "percent": [float(r["value"]) for r in rows],
                          "source": [r["source"] for r in rows]})
    return Result(frame, studies_view)


def studies_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col_population", lang): frame["population"], t("col_indicator", lang): frame["label"],
                         "%": cells(frame, "percent", 0, lang), t("col_source", lang): frame["source"]})


def use_by_result(df: pd.DataFrame, groups: pd.Series, min_cell: int, published: pd.Series | None = None) -> Result:
    """Per group: n, % ever using generative AI at work (`share_ever`) and % at least weekly (`share_weekly`),
    of those who answered. The groups add up to everyone who answered, so their counts are suppressed as one
    set, as the table of the groups' own variable suppresses them (`published`, by group: so two tables of
    the same groups never hide different cells, which together would give one away); a share is hidden with
    its group, or when its count or complement is small."""
    use = df["use_work"].astype("Float64")
    answered = use.notna()
    n = answered.groupby(groups, observed=False).sum()
    hidden = suppress(n, min_cell, published=published).to_numpy()
    frame = pd.DataFrame({"group": n.index.astype(str), "n": n.to_numpy(dtype=float)})
    masks = {"n": hidden}
    for column, codes_from in (("share_ever", 2), ("share_weekly", 4)):
        users = (use >= codes_from).fillna(False).groupby(groups, observed=False).sum()
        frame[column] = (100 * users / n.where(n > 0)).to_numpy(dtype=float)
        masks[column] = hidden | np.asarray(share_hidden(users, n, min_cell), dtype=bool)
    return Result(masked(frame, masks), use_by_view)


def use_by_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col_group", lang): frame["group"], "n": cells(frame, "n", 0, lang),
                         t("share_ever_work", lang): cells(frame, "share_ever", PCT, lang),
                         t("share_weekly_work", lang): cells(frame, "share_weekly", PCT, lang)})
