"""This survey beside related studies (data/context.yaml): other populations, other questions, so a
comparison and never a trend; and this survey's own use of generative AI by age group and education."""
from __future__ import annotations

import pandas as pd
import yaml

from helpers.disclosure import hide_small, is_small
from helpers.paths import DATA_DIR
from helpers.present.text import t


def studies(lang: str) -> pd.DataFrame:
    """The related studies' figures with their population and source."""
    rows = yaml.safe_load((DATA_DIR / "context.yaml").read_text(encoding="utf-8"))["studies"]
    return pd.DataFrame({t("col_population", lang): [r["population"][lang] for r in rows],
                         t("col_indicator", lang): [r["what"][lang] for r in rows],
                         "%": [r["value"] for r in rows], t("col_source", lang): [r["source"] for r in rows]})


def use_by(df: pd.DataFrame, groups: pd.Series, lang: str, min_cell: int) -> pd.DataFrame:
    """Per group: n, % ever using generative AI at work and % at least weekly; small groups hidden."""
    use = df["use_work"]
    table = pd.DataFrame({"n": use.groupby(groups).count(),
                          "ever": use.ge(2).groupby(groups).mean() * 100,
                          "weekly": use.ge(4).groupby(groups).mean() * 100})
    small = is_small(table["n"], min_cell)
    return pd.DataFrame({t("col_group", lang): table.index.astype(str), "n": hide_small(table["n"], min_cell).to_numpy(),
                         t("share_ever_work", lang): table["ever"].round(1).where(~small).to_numpy(),
                         t("share_weekly_work", lang): table["weekly"].round(1).where(~small).to_numpy()})
