"""Report tables: labelled (nl/en), small cells hidden, styled with their published caption."""
from __future__ import annotations

import pandas as pd
from pandas.io.formats.style import Styler

from helpers.cleaning import RULE_TEXT, Cleaned
from helpers.codebook import Codebook
from helpers.stats import frequency_table
from helpers.text import t


def hide_small(counts: pd.Series, min_cell: int) -> pd.Series:
    """Counts as text, with 1..min_cell-1 shown as '<min_cell' (0 stays 0: an empty cell identifies no one)."""
    small = (counts > 0) & (counts < min_cell)
    return counts.astype(int).astype(str).where(~small, t("small_cell", min_cell=min_cell))


def sample_table(df: pd.DataFrame, name: str, cb: Codebook, lang: str, min_cell: int) -> pd.DataFrame:
    """Table 1-3 layout: category, n and % of respondents, small cells hidden, total last."""
    freq = frequency_table(df, name, cb, lang, drop_empty=True)
    small = (freq["n"] > 0) & (freq["n"] < min_cell)
    table = pd.DataFrame({
        t("col_category", lang): freq["label"],
        t("col_n", lang): hide_small(freq["n"], min_cell),
        t("col_percent", lang): freq["percent"].round(1).astype(str).where(~small, "·"),
    })
    total = pd.DataFrame({t("col_category", lang): [t("total", lang)], t("col_n", lang): [str(int(freq["n"].sum()))],
                          t("col_percent", lang): ["100.0"]})
    return pd.concat([table, total], ignore_index=True)


def flow_table(result: Cleaned, lang: str) -> pd.DataFrame:
    """The exclusion flow: responses in, excluded per rule (in order), sample kept."""
    steps = [t("step_input", lang)] + [RULE_TEXT[r][lang] for r in result.flow["rule"].iloc[1:]] + [t("step_kept", lang)]
    excluded = [""] + [str(n) for n in result.flow["excluded"].iloc[1:]] + [""]
    remaining = result.flow["remaining"].tolist() + [result.flow["remaining"].iloc[-1]]
    return pd.DataFrame({t("col_step", lang): steps, t("col_excluded", lang): excluded, t("col_remaining", lang): remaining})


def account_table(result: Cleaned, lang: str) -> pd.DataFrame:
    """Every input row accounted for: rows per status, and the total equal to the rows read."""
    counts = result.account["status"].value_counts().reindex(["kept", *(f"excluded: {r}" for r in RULE_TEXT)], fill_value=0)
    labels = [t("status_kept", lang)] + [t("status_excluded", lang, rule=RULE_TEXT[r][lang]) for r in RULE_TEXT]
    table = pd.DataFrame({t("col_status", lang): labels, t("col_rows", lang): counts.to_numpy()})
    total = pd.DataFrame({t("col_status", lang): [t("total", lang)], t("col_rows", lang): [len(result.account)]})
    return pd.concat([table, total], ignore_index=True)


def start_year_groups(df: pd.DataFrame, after: int, min_cell: int, lang: str, single_years: int = 15) -> pd.DataFrame:
    """Chart 1 data: one bar per start year for the last `single_years` years up to the latest, earlier
    years in one bar; small cells hidden. `after` is the report's cut-off (shares after it are quoted)."""
    year = df["start_year"].dropna().astype(int)
    last = max(int(year.max()), after + 1)
    first_single = last - single_years + 1
    grouped = year.map(lambda y: str(y) if y >= first_single else f"<{first_single}")
    order = [f"<{first_single}"] + [str(y) for y in range(first_single, last + 1)]
    counts = grouped.value_counts().reindex(order, fill_value=0)
    shown = (counts == 0) | (counts >= min_cell)
    return pd.DataFrame({
        t("chart_1_axis", lang): order,
        t("col_n", lang): counts.where(shown).to_numpy(),
        t("col_percent", lang): (100 * counts / counts.sum()).where(shown).round(1).to_numpy(),
    })


def describe_numeric(df: pd.DataFrame, name: str, lang: str) -> pd.DataFrame:
    """N, mean, SD and median of a numeric variable (no minimum or maximum: they single people out)."""
    x = df[name].dropna().astype(float)
    stats = {"stat_n": f"{len(x)}", "stat_mean": f"{x.mean():.1f}", "stat_sd": f"{x.std():.1f}", "stat_median": f"{x.median():.1f}"}
    return pd.DataFrame({t("col_statistic", lang): [t(k, lang) for k in stats], t("col_value", lang): list(stats.values())})


def styled(table: pd.DataFrame, caption: str, decimals: int = 1) -> Styler:
    """A table as the report shows it: caption above, no index, numbers to `decimals` places."""
    return table.style.hide(axis="index").set_caption(caption).format(precision=decimals, na_rep="—")


def source_table(provenance: dict, lang: str) -> pd.DataFrame:
    """The data source as a reviewer needs it: file, rows, checksum, synthetic or not."""
    rows = {
        "source_file": provenance["file"],
        "source_rows": provenance.get("rows_in", ""),
        "source_sha256": provenance["sha256"],
        "source_synthetic": t("answer_yes" if provenance["synthetic"] else "answer_no", lang),
    }
    return pd.DataFrame({t("col_statistic", lang): [t(k, lang) for k in rows], t("col_value", lang): list(rows.values())})
