"""Frequencies, reliabilities and tests: thin wrappers over pandas, pingouin and scipy, tidy tables out."""
from __future__ import annotations

import pandas as pd
import pingouin as pg

from helpers.codebook import Codebook


def frequency_table(df: pd.DataFrame, name: str, cb: Codebook, lang: str = "nl", drop_empty: bool = False) -> pd.DataFrame:
    """Counts and percentages of a coded variable, in code order, labelled from the codebook.

    Base: respondents who answered (n); missing answers are counted in a separate row when any.

    >>> frequency_table(pd.DataFrame({"gender": [1, 2, 2]}), "gender", load_codebook(), "en")  # doctest: +SKIP
                   label  n  percent
    code
    1                Man  1     33.3
    """
    labels = cb.labels(name, lang)
    counts = df[name].value_counts().reindex(list(labels), fill_value=0)
    table = pd.DataFrame({"label": list(labels.values()), "n": counts.to_numpy()}, index=pd.Index(list(labels), name="code"))
    if drop_empty:
        table = table[table["n"] > 0]
    table["percent"] = 100 * table["n"] / counts.sum()
    missing = int(df[name].isna().sum())
    if missing:
        table.loc[pd.NA] = {"label": {"nl": "Geen antwoord", "en": "No answer"}[lang], "n": missing, "percent": float("nan")}
    return table


def cronbach_alpha(df: pd.DataFrame, items: list[str], ci: float = 0.95) -> pd.DataFrame:
    """Cronbach's alpha with its confidence interval (pingouin.cronbach_alpha, listwise deletion).

    The interval is Feldt's F-based interval as pingouin computes it.
    """
    data = df[items].astype(float).dropna()
    alpha, (low, high) = pg.cronbach_alpha(data=data, nan_policy="listwise", ci=ci)
    return pd.DataFrame({"alpha": [alpha], "ci_low": [low], "ci_high": [high], "n": [len(data)], "k": [len(items)]})
