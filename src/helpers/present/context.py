"""This survey beside related studies (data/context.yaml): other populations, other questions, so a
comparison and never a trend; and this survey's own use of generative AI by age group and education."""
from __future__ import annotations

import pandas as pd
import yaml

from helpers.disclosure import HIDDEN, share_hidden, shown_counts, suppress
from helpers.paths import DATA_DIR
from helpers.present.text import t


def studies(lang: str) -> pd.DataFrame:
    """The related studies' figures with their population and source."""
    rows = yaml.safe_load((DATA_DIR / "context.yaml").read_text(encoding="utf-8"))["studies"]
    return pd.DataFrame({t("col_population", lang): [r["population"][lang] for r in rows],
                         t("col_indicator", lang): [r["what"][lang] for r in rows],
                         "%": [r["value"] for r in rows], t("col_source", lang): [r["source"] for r in rows]})


def use_by(df: pd.DataFrame, groups: pd.Series, lang: str, min_cell: int) -> pd.DataFrame:
    """Per group: n, % ever using generative AI at work and % at least weekly (of those who answered).
    The groups add up to everyone who answered, so their counts are suppressed as one set; a share is
    hidden with its group, or when its count or complement is small."""
    use = df["use_work"].astype("Float64")
    answered = use.notna()
    n = answered.groupby(groups, observed=False).sum()
    hidden = suppress(n, min_cell)

    def share(codes_from: int) -> list:
        users = (use >= codes_from).fillna(False).groupby(groups, observed=False).sum()
        blocked = hidden.to_numpy() | share_hidden(users, n, min_cell)
        return [HIDDEN if b or not total else round(100 * u / total, 1) for u, total, b in zip(users, n, blocked)]

    return pd.DataFrame({t("col_group", lang): n.index.astype(str), "n": shown_counts(n, hidden).to_numpy(),
                         t("share_ever_work", lang): share(2), t("share_weekly_work", lang): share(4)})
