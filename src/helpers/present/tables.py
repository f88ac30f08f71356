"""Report tables: each a result first (helpers.present.result: tidy numbers, small cells hidden and
flagged), then its view (the printed table: labelled in nl/en, numbers formatted once, totals added).

Every `*_result` function returns a Result; its frame is what a researcher computes with and what NAME.csv
holds, its view is what the page prints. Columns: `variable` (codebook name), `code` (answer code), `label`
(text), counts `n` and their `base`, `percent`, `mean`, `sd`, `p`, `ci_low`/`ci_high`, ...
"""
from __future__ import annotations

import html
import re
from functools import partial

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from helpers.analysis.reproduction import HEADLINE_SHARES, STANDARDS, Standard, published_cells
from helpers.analysis.stats import (
    chi2_homogeneity,
    cronbach_alpha,
    frequency_table,
    item_analysis,
    likert_summary,
    multi_response,
    scale_summary,
    spearman,
    stuart_maxwell,
    wilcoxon_paired,
)
from helpers.disclosure import (
    HIDDEN,
    is_small,
    mean_shown,
    share_hidden,
    share_parts_hidden,
    split_runs,
    suppress,
    suppress_table,
    use_frequency_hidden,
)
from helpers.ingest.codebook import Codebook, load_codebook
from helpers.prepare.cleaning import CHOICES, NOTES, RULE_TEXT, Cleaned
from helpers.prepare.geo import LEVELS
from helpers.present.result import DASH, Result, cells, hidden_mask, interval_cells, masked, p_cells, with_total
from helpers.present.text import alpha_text, format_p, listing, localise, number, t

# One rule per kind of figure: percentages to 1 decimal, means and SDs to 2, test statistics (t, chi-square)
# to 2, coefficients (loadings, betas, correlations, effect sizes, fit indices, reliabilities) to 3, p values
# APA style (text.format_p). Every view below prints through these.
DECIMALS = {"percent": 1, "mean": 2, "statistic": 2, "coefficient": 3, "weight": 2}
PCT, MEAN, STAT, COEF, WEIGHT = (DECIMALS[k] for k in ("percent", "mean", "statistic", "coefficient", "weight"))
LIKERT_SHARES = {"share_agree": (4, 5), "share_often": (4,), "share_often_always": (4, 5), "share_rarely_never": (1, 2)}


# --- Printing: the one place a table becomes a page's table -------------------------------------

def styled(printed: pd.DataFrame, caption: str, lang: str = "nl") -> Styler:
    """A printed table as the report shows it: caption above, no index, every cell, header and caption
    HTML-escaped, text columns left-aligned. Numbers arrive printed (result.cells); a number left as a
    number (a researcher's table) is written by text.number to two decimals."""
    printed = printed.astype(object).where(printed.notna(), "")   # a view prints numbers itself: what is missing is a text not given
    words = text_columns(printed)
    return (printed.style.hide(axis="index").set_caption(html.escape(caption))
            .format(cell_format(MEAN, lang), escape="html")
            .format_index(escape="html", axis=1)
            .set_table_styles({c: [{"selector": "", "props": "text-align: left"}] for c in words}, overwrite=False))


def text_columns(table: pd.DataFrame) -> list:
    """Columns of words (labels, items, test names) rather than numbers: most of their values hold a word."""
    def wordy(column: pd.Series) -> bool:
        values = column.dropna().astype(str)
        return len(values) > 0 and values.str.contains(r"[^\W\d_]{3}").mean() > 0.5
    return [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c]) and wordy(table[c])]


def cell_format(decimals: int, lang: str):
    """How a cell left as a number is written (text.number); a printed cell stays as it is."""
    def written(value) -> str:
        if isinstance(value, str):
            return value
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return DASH
        if isinstance(value, (bool, np.bool_)):
            return str(value)
        return number(value, 0 if isinstance(value, (int, np.integer)) else decimals, lang)
    return written


def with_n(title: str, n: int, min_cell: int, hide: bool = False) -> str:
    """A title with its base, as the report writes it: 'Title (N=415)'; a small base (or one to `hide`) is
    not given."""
    return f"{title} (N={HIDDEN if hide or is_small(n, min_cell) else n})"


def labelled(frame: pd.DataFrame, cb: Codebook, lang: str, column: str = "variable") -> list[str]:
    return [cb.text(v, lang) for v in frame[column]]


# --- Method and sample (01) --------------------------------------------------------------------

def choice_result(df: pd.DataFrame, name: str, cb: Codebook, lang: str, min_cell: int, sort: bool = False) -> Result:
    """A single-choice question (Table 1-3 layout): n and % per answer of those who answered (`base`),
    answers nobody gave left out, a 'no answer' row (code NaN) when some did not answer; hidden cells by
    the small-cell policy, keeping the report's published figures shown where it can (Tables 1-3:
    reproduction.published_cells). `sort`: largest first, as the report's charts (hidden ones last)."""
    freq = frequency_table(df, name, cb, lang, drop_empty=True)
    hidden = suppress(freq["n"], min_cell, published=published_cells(name)).to_numpy()
    frame = masked(pd.DataFrame({"variable": name, "code": pd.to_numeric(pd.Series(freq.index), errors="coerce").astype(float),
                                 "label": freq["label"].to_numpy(), "n": freq["n"].to_numpy(), "percent": freq["percent"].to_numpy(),
                                 "base": float(freq.loc[freq.index.notna(), "n"].sum())}),
                   {"n": hidden, "percent": hidden})
    if sort:
        frame = frame.sort_values("percent", ascending=False, na_position="last", kind="stable").reset_index(drop=True)
    return Result(frame, choice_view)


def choice_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    printed = pd.DataFrame({t("col_category", lang): frame["label"], t("col_n", lang): cells(frame, "n", 0, lang),
                            t("col_percent", lang): cells(frame, "percent", PCT, lang)})
    answered = frame["code"].notna()
    total = int(frame["base"].iloc[0] + frame.loc[~answered, "n"].sum()) if len(frame) else 0
    return with_total(printed, {t("col_category", lang): t("total", lang), t("col_n", lang): number(total, 0, lang),
                                t("col_percent", lang): number(100 if len(frame) else 0, PCT, lang)})


def flow_result(result: Cleaned, lang: str, min_cell: int) -> Result:
    """The exclusion flow: responses in, excluded per rule (in order), sample kept (`excluded` NaN on the first
    and last row). Exclusion counts add up to the input minus the sample, so they are suppressed as one set; a
    remaining count between two hidden steps would give them away and is hidden too, and so is the input
    when all the excluded together are a small count."""
    excluded = result.flow["excluded"].iloc[1:].reset_index(drop=True)
    hidden = suppress(excluded, min_cell).to_numpy()
    steps = np.flatnonzero(hidden) + 1
    remaining_hidden = np.zeros(len(result.flow) + 1, dtype=bool)
    if len(steps):
        remaining_hidden[steps.min():steps.max()] = True
    remaining_hidden[0] |= bool(is_small(excluded.sum(), min_cell))
    rules = list(result.flow["rule"].iloc[1:])
    frame = pd.DataFrame({"step": ["input", *rules, "kept"],
                          "label": [t("step_input", lang), *(RULE_TEXT[r][lang] for r in rules), t("step_kept", lang)],
                          "assumption": [None, *(rule_choice(r) for r in rules), None],
                          "excluded": [np.nan, *excluded, np.nan],
                          "remaining": [*result.flow["remaining"], result.flow["remaining"].iloc[-1]]})
    return Result(masked(frame, {"excluded": [False, *hidden, False], "remaining": remaining_hidden}), flow_view)


def flow_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    excluded = cells(frame, "excluded", 0, lang)
    return pd.DataFrame({t("col_step", lang): frame["label"], t("col_excluded", lang): ["", *excluded[1:-1], ""],
                         t("col_remaining", lang): cells(frame, "remaining", 0, lang)})


def account_result(result: Cleaned, lang: str, min_cell: int) -> Result:
    """Every input row accounted for: rows per status (kept, excluded by each rule), their total (`base`, the
    rows read), then the kept rows the account singles out (unknown duration, no age group, no education
    level). Exclusion counts are hidden as in the flow; the rows read when all excluded are a small count; a
    small note count."""
    rules = result.flow["rule"].iloc[1:]   # the rules this export was judged by
    counts = result.account["status"].value_counts().reindex(["kept", *(f"excluded: {r}" for r in rules)], fill_value=0)
    noted = pd.Series([int(result.account["note"].str.contains(note, regex=False).sum()) for note in NOTES])
    hidden = [False, *suppress(counts.iloc[1:].reset_index(drop=True), min_cell), *is_small(noted, min_cell)]
    frame = pd.DataFrame({"status": [*counts.index, *(f"note: {n}" for n in NOTES)],
                          "assumption": [None, *(rule_choice(r) for r in rules), *(rule_choice(n) for n in NOTES)],
                          "label": [t("status_kept", lang), *(t("status_excluded", lang, rule=RULE_TEXT[r][lang]) for r in rules),
                                    *(t(f"note_{n}", lang) for n in NOTES)],
                          "n": [*counts, *noted], "base": float(len(result.account))})
    small_total = bool(is_small(counts.iloc[1:].sum(), min_cell))
    return Result(masked(frame, {"n": hidden, "base": [small_total] * len(frame)}), account_view)


def rule_choice(rule: str) -> str | None:
    """This project's choice (ASSUMPTIONS.md id) that an exclusion rule or an account's note rests on, if any."""
    return {marks: choice for choice, marks in CHOICES.items()}.get(rule) or (load_codebook().choice("control") if rule == "control_failed" else None)


def account_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    statuses = ~frame["status"].str.startswith("note: ")
    printed = pd.DataFrame({t("col_status", lang): frame["label"], t("col_rows", lang): cells(frame, "n", 0, lang)})
    total = pd.DataFrame({t("col_status", lang): [t("total", lang)], t("col_rows", lang): [cells(frame, "base", 0, lang)[0]]})
    return pd.concat([printed[statuses.to_numpy()], total, printed[~statuses.to_numpy()]], ignore_index=True)


def start_year_result(df: pd.DataFrame, after: int, min_cell: int, single_years: int = 15) -> Result:
    """Chart 1's numbers: one bar per start year for the last `single_years` years up to the latest, earlier
    years in one bar (`year` '<2010'); hidden counts by the small-cell policy (ordered: a neighbour).
    `after` is the report's cut-off (shares after it are quoted)."""
    year = df["start_year"].dropna().astype(int)
    last = max(int(year.max()), after + 1)
    first_single = last - single_years + 1
    grouped = year.map(lambda y: str(y) if y >= first_single else f"<{first_single}")
    order = [f"<{first_single}"] + [str(y) for y in range(first_single, last + 1)]
    counts = grouped.value_counts().reindex(order, fill_value=0)
    hidden = suppress(counts, min_cell, ordered=True).to_numpy()
    frame = pd.DataFrame({"year": order, "n": counts.to_numpy(), "percent": (100 * counts / counts.sum()).to_numpy(),
                          "base": float(counts.sum())})
    return Result(masked(frame, {"n": hidden, "percent": hidden}), start_year_view)


def start_year_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("chart_1_axis", lang): frame["year"], t("col_n", lang): cells(frame, "n", 0, lang),
                         t("col_percent", lang): cells(frame, "percent", PCT, lang)})


def describe_result(df: pd.DataFrame, name: str, min_cell: int) -> Result:
    """N, mean, SD and median of a numeric variable (no minimum or maximum: they single people out); the
    statistics of fewer than min_cell answers are not shown."""
    x = df[name].dropna().astype(float)
    small = not mean_shown(len(x), min_cell)
    frame = pd.DataFrame({"variable": [name], "n": [float(len(x))], "mean": [x.mean()], "sd": [x.std()], "median": [x.median()]})
    return Result(masked(frame, {"mean": [small], "sd": [small], "median": [small]}), describe_view)


def describe_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    statistics = {"stat_n": cells(frame, "n", 0, lang)[0], "stat_mean": cells(frame, "mean", MEAN, lang)[0],
                  "stat_sd": cells(frame, "sd", MEAN, lang)[0], "stat_median": cells(frame, "median", MEAN, lang)[0]}
    return pd.DataFrame({t("col_statistic", lang): [t(k, lang) for k in statistics], t("col_value", lang): list(statistics.values())})


def source_table(provenance: dict, lang: str) -> pd.DataFrame:
    """The data source as a reviewer needs it: file, rows, checksum, synthetic or not (printed)."""
    rows_in = provenance.get("rows_in", "")
    rows = {
        "source_file": provenance["file"],
        "source_rows": number(rows_in, 0, lang) if isinstance(rows_in, (int, np.integer)) else rows_in,
        "source_sha256": provenance["sha256"],
        "source_synthetic": t("answer_yes" if provenance["synthetic"] else "answer_no", lang),
    }
    return pd.DataFrame({t("col_statistic", lang): [t(k, lang) for k in rows], t("col_value", lang): list(rows.values())})


def population_result(df: pd.DataFrame, name: str, population: dict, cb: Codebook, lang: str, min_cell: int) -> Result:
    """The sample beside the population (data/population.yaml) on one variable: n and % of the sample (the
    small-cell policy applied), the population count and %, and the difference in percentage points of the
    two shares as printed (to one decimal), so that the column is the difference of the numbers beside it."""
    labels = cb.labels(name, lang)
    counts = frequency_counts(df[name], labels)
    pop = pd.Series(population["counts"], dtype=float).reindex(counts.index)
    kept = (counts > 0) | pop.notna()   # a category nobody answered and the population does not count: left out
    counts, pop = counts[kept], pop[kept]
    hidden = suppress(counts, min_cell).to_numpy()
    sample_pct, pop_pct = 100 * counts / counts.sum(), 100 * pop / pop.sum()
    frame = pd.DataFrame({"variable": name, "code": counts.index.astype(float), "label": [labels[c] for c in counts.index],
                          "n": counts.to_numpy(), "percent": sample_pct.to_numpy(), "base": float(counts.sum()),
                          "population": pop.to_numpy(), "population_percent": pop_pct.to_numpy(),
                          "difference": (sample_pct.round(PCT) - pop_pct.round(PCT)).to_numpy()})
    return Result(masked(frame, {"n": hidden, "percent": hidden, "difference": hidden}), population_view)


def population_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col_category", lang): frame["label"], t("col_n", lang): cells(frame, "n", 0, lang),
                         t("col_sample_percent", lang): cells(frame, "percent", PCT, lang),
                         t("col_population", lang): [number(v, 0, lang) if pd.notna(v) else "" for v in frame["population"]],
                         t("col_population_percent", lang): cells(frame, "population_percent", PCT, lang),
                         t("col_difference_points", lang): cells(frame, "difference", PCT, lang)})


# --- Use (02) ----------------------------------------------------------------------------------

def frequency_counts(answers: pd.Series, labels: dict[int, str]) -> pd.Series:
    """Answers per code, every code of the value set (zero included), in code order."""
    return answers.dropna().astype(int).value_counts().reindex(list(labels), fill_value=0)


def usage_frequency_result(df: pd.DataFrame, cb: Codebook, lang: str, min_cell: int) -> Result:
    """Use frequency at work and in free time, a row per context and answer: n, % of all respondents
    (`base`) and % of users (`base_users`, without 'never'). Counts add up to all respondents and, without
    'never', to the users: hidden cells protect both; with 'never' hidden, the users' base and every share
    of users are hidden too (all minus users would give it away)."""
    parts = []
    for context in ("work", "free"):
        counts = frequency_counts(df[f"use_{context}"], cb.labels("use_work", lang))
        users = counts.drop(1)
        hidden = use_frequency_hidden(counts, min_cell)
        users_hidden = (hidden | hidden[1]).to_numpy()
        part = pd.DataFrame({"variable": f"use_{context}", "context": context, "code": counts.index.astype(float),
                             "label": list(cb.labels("use_work", lang).values()), "n": counts.to_numpy(),
                             "percent": (100 * counts / counts.sum()).to_numpy(), "base": float(counts.sum()),
                             "percent_users": (100 * users / users.sum()).reindex(counts.index).to_numpy(),
                             "base_users": float(users.sum())})
        parts.append(masked(part, {"n": hidden, "percent": hidden, "percent_users": users_hidden,
                                   "base_users": [bool(hidden[1] or is_small(users.sum(), min_cell))] * len(part)}))
    return Result(pd.concat(parts, ignore_index=True), usage_frequency_view)


def usage_frequency_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    contexts = {c: frame[frame["context"] == c].reset_index(drop=True) for c in ("work", "free")}
    printed = {t("col_category", lang): contexts["work"]["label"]}
    for context, part in contexts.items():
        label = t(f"context_{context}", lang)
        printed[f"{label}: n"] = cells(part, "n", 0, lang)
        printed[f"{label}: % {t('base_all', lang)} (N={cells(part, 'base', 0, lang)[0]})"] = cells(part, "percent", PCT, lang)
        printed[f"{label}: % {t('base_users', lang)} (N={cells(part, 'base_users', 0, lang)[0]})"] = cells(part, "percent_users", PCT, lang)
    return pd.DataFrame(printed)


def use_share_hidden(df: pd.DataFrame, context: str, codes: tuple[int, ...], cb: Codebook, min_cell: int) -> bool:
    """Whether the share of all respondents answering `codes` to use in `context` may not be shown beside
    the use-frequency table (its hidden cells; disclosure.share_parts_hidden)."""
    counts = frequency_counts(df[f"use_{context}"], cb.labels("use_work", "en"))
    return share_parts_hidden(counts, codes, use_frequency_hidden(counts, min_cell), min_cell)


def usage_groups_result(df: pd.DataFrame, groups: dict[str, tuple[int, ...]], cb: Codebook, lang: str, min_cell: int) -> Result:
    """The report's groupings (daily, at least weekly, ...) of use at work and in free time, on both bases:
    all respondents (`percent`) and users (`percent_users`; NaN for a group that counts non-users, such as
    'rarely or never': users never answer 'never'). A group's share
    is shown only when none of its answers is hidden in the frequency table (so it adds nothing that
    differencing could use) and neither it nor its complement is small."""
    rows = []
    for context in ("work", "free"):
        counts = frequency_counts(df[f"use_{context}"], cb.labels("use_work", lang))
        hidden = use_frequency_hidden(counts, min_cell)
        for group, codes in groups.items():
            row = {"variable": f"use_{context}", "context": context, "group": group, "label": t(f"group_{group}", lang)}
            for suffix, base in (("", counts), ("_users", counts.drop(1))):
                inside = [c for c in codes if c in base.index] if set(codes) <= set(base.index) else []
                n = int(base[inside].sum())
                blocked = bool(inside) and bool(hidden[inside].any() or share_hidden(n, base.sum(), min_cell))
                row |= {f"percent{suffix}": 100 * n / base.sum() if inside and base.sum() else np.nan,
                        f"base{suffix}": float(base.sum()), f"blocked{suffix}": blocked}
            rows.append(row)
    frame = pd.DataFrame(rows)
    frame = masked(frame.drop(columns=["blocked", "blocked_users"]),
                   {"percent": frame["blocked"], "percent_users": frame["blocked_users"]})
    return Result(frame, usage_groups_view)


def usage_groups_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    printed = {}
    for context in ("work", "free"):
        part = frame[frame["context"] == context].reset_index(drop=True)
        printed.setdefault(t("col_category", lang), part["label"])
        label = t(f"context_{context}", lang)
        for suffix, base_name in (("", "base_all"), ("_users", "base_users")):
            printed[f"{label}: % {t(base_name, lang)} (N={number(part[f'base{suffix}'].iloc[0], 0, lang)})"] = \
                cells(part, f"percent{suffix}", PCT, lang)
    return pd.DataFrame(printed)


def multi_response_result(df: pd.DataFrame, blocks: dict[str, str], cb: Codebook, lang: str, min_cell: int) -> Result:
    """Options of one or more multiple-response blocks with the same options (`blocks`: context -> block),
    a row per context and option: n selecting it and % of the cases who answered the question (`base`).
    Rows in the first block's option order. An option's count and share are hidden when the count, or the
    cases that did not select it, are fewer than min_cell, or the base is small."""
    first = next(iter(blocks.values()))
    suffixes = [item.removeprefix(f"{first}_") for item in cb.blocks[first]]
    parts = []
    for context, block in blocks.items():
        res = multi_response(df, [f"{block}_{s}" for s in suffixes])
        hidden = np.asarray(share_hidden(res["n"], res["base"], min_cell) | is_small(res["base"], min_cell), dtype=bool)
        part = pd.DataFrame({"variable": res["item"], "context": context, "option": suffixes,
                             "label": [cb.text(f"{first}_{s}", lang) for s in suffixes], "n": res["n"],
                             "percent": res["pct_cases"], "base": res["base"].astype(float)})
        parts.append(masked(part, {"n": hidden, "percent": hidden, "base": is_small(part["base"], min_cell)}))
    return Result(pd.concat(parts, ignore_index=True), multi_response_view)


def multi_response_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    printed = {}
    for context, part in frame.groupby("context", sort=False):
        part = part.reset_index(drop=True)
        printed.setdefault(t("col_category", lang), part["label"])
        label = t(f"context_{context}", lang)
        printed[f"{label}: n"] = cells(part, "n", 0, lang)
        printed[f"{label}: % {t('of_cases', lang)} (N={cells(part, 'base', 0, lang)[0]})"] = cells(part, "percent", PCT, lang)
    return pd.DataFrame(printed)


def option_shares(frame: pd.DataFrame, lang: str, top: int | None = None) -> pd.DataFrame:
    """A multiple-response result as chart data: a row per option (label), a column of % per context named
    with its base ('Werk (N=415)'); with `top`, only the options among the `top` largest of some context."""
    wide = frame.pivot(index="option", columns="context", values="percent").reindex(frame["option"].unique())
    wide = wide[list(frame["context"].unique())]
    if top:
        wide = wide.loc[sorted(set().union(*(wide[c].nlargest(top).index for c in wide)), key=list(wide.index).index)]
    bases = frame.drop_duplicates("context").set_index("context")
    names = {c: f"{t(f'context_{c}', lang)} (N={cells(bases.loc[[c]], 'base', 0, lang)[0]})" for c in wide.columns}
    labels = frame.drop_duplicates("option").set_index("option")["label"]
    return wide.rename(columns=names).rename_axis(None, axis=1).assign(label=labels.loc[wide.index].to_numpy()).reset_index(drop=True)


def users_shares(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The usage-frequency result as the report's chart: % of users per frequency (never is no use frequency),
    work and free time side by side, each column named with its base."""
    data = {"label": frame.loc[(frame["context"] == "work") & (frame["code"] > 1), "label"].to_numpy()}
    for context in ("work", "free"):
        part = frame[(frame["context"] == context) & (frame["code"] > 1)]
        data[f"{t(f'context_{context}', lang)} (N={cells(part, 'base_users', 0, lang)[0]})"] = part["percent_users"].to_numpy()
    return pd.DataFrame(data)


def bases(chart_data: pd.DataFrame) -> str:
    """The bases named in chart columns ('Werk (N=415)'), each once, in order: '415 / 411'."""
    return " / ".join(dict.fromkeys(n for c in chart_data.columns for n in re.findall(r"\(N=([^)]+)\)", str(c))))


def free_text(df: pd.DataFrame, column: str, lang: str, show: bool, min_cell: int) -> pd.DataFrame:
    """Open answers: only how many were given (hidden when small), unless `show` (a parameter) asks for the texts."""
    answers = df[column].dropna()
    if show:
        return pd.DataFrame({t("col_answer", lang): answers.sort_values().to_numpy()})
    return pd.DataFrame({t("col_answers_given", lang): [HIDDEN if is_small(len(answers), min_cell) else number(len(answers), 0, lang)]})


def crosstab_result(df: pd.DataFrame, a: str, b: str, cb: Codebook, lang: str, min_cell: int) -> Result:
    """The answers to `a` (rows) by those to `b` (columns) of the respondents who gave both: every category in
    codebook order (`code`, `label`), a count column per answer to `b` (`<b>_<code>`), the row totals
    (`total`) and a last row of column totals (`code` 'total'), as pandas' crosstab margins; the totals
    protected as cells of the table (disclosure.suppress_table), so no hidden cell follows from them."""
    rows, columns = cb.labels(a, lang), cb.labels(b, lang)
    pairs = df[[a, b]].dropna().astype(int)
    counts = pd.crosstab(pairs[a], pairs[b]).reindex(index=list(rows), columns=list(columns), fill_value=0)
    counts.columns = [f"{b}_{c}" for c in columns]
    counts["total"] = counts.sum(axis=1)
    counts.loc["total"] = counts.sum()
    hidden = suppress_table(counts, min_cell)
    frame = pd.DataFrame({"code": [str(c) for c in counts.index], "label": [*rows.values(), t("total", lang)]})
    frame = pd.concat([frame, counts.reset_index(drop=True)], axis=1)
    frame = masked(frame, {c: hidden[c].to_numpy() for c in counts.columns})
    frame.attrs["headers"] = {"label": cb.text(a, lang), **{f"{b}_{c}": label for c, label in columns.items()}, "total": t("total", lang)}
    return Result(frame, count_table_view)


def count_table_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A table of counts as printed: its label column and every count column, headers from attrs['headers']."""
    headers = frame.attrs.get("headers", {})
    counts = [c for c in frame.columns if c not in ("code", "label") and not c.startswith("hidden_")]
    return pd.DataFrame({headers.get("label", "label"): frame["label"], **{headers.get(c, c): cells(frame, c, 0, lang) for c in counts}})


def paired_tests_result(df: pd.DataFrame, a: str, b: str) -> Result:
    """Work vs free time: the report's chi-square and Spearman tests, and the paired tests that fit two answers
    of the same respondents (Wilcoxon signed-rank, Stuart-Maxwell): a row per test with its statistic, df,
    p, effect size (Spearman's rho with its 95% CI, the matched-pairs rank-biserial r) and N."""
    chi2, rho = chi2_homogeneity(df, a, b).iloc[0], spearman(df, a, b).iloc[0]
    wil, sm = wilcoxon_paired(df, a, b).iloc[0], stuart_maxwell(df, a, b).iloc[0]
    frame = pd.DataFrame([
        {"test": "chi2", "statistic": chi2["chi2"], "dof": chi2["dof"], "p": chi2["p"], "effect": np.nan, "n": chi2["n"]},
        {"test": "spearman", "statistic": rho["rho"], "dof": np.nan, "p": rho["p"], "effect": rho["rho"],
         "ci_low": rho["ci_low"], "ci_high": rho["ci_high"], "n": rho["n"]},
        {"test": "wilcoxon", "statistic": wil["W"], "dof": np.nan, "p": wil["p"], "effect": wil["rank_biserial"], "n": wil["n"]},
        {"test": "stuart_maxwell", "statistic": sm["chi2"], "dof": sm["dof"], "p": sm["p"], "effect": np.nan, "n": sm["n"]}])
    frame.insert(0, "variables", f"{a} vs {b}")
    frame = frame.astype({"n": float})
    frame.attrs["family"] = "usage"
    return Result(frame, paired_tests_view)


def paired_tests_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    def statistic(row) -> str:
        value = number(row.statistic, COEF if row.test == "spearman" else 0 if row.test == "wilcoxon" else STAT, lang)
        return {"chi2": f"χ²({number(row.dof, 0, lang)}) = {value}", "stuart_maxwell": f"χ²({number(row.dof, 0, lang)}) = {value}",
                "spearman": f"ρ = {value}", "wilcoxon": f"W = {value}"}[row.test] if pd.notna(row.statistic) else DASH

    def effect(row) -> str:
        if row.test == "spearman" and pd.notna(row.ci_low):
            return f"{t('col_ci95', lang)} {interval_cells(frame.loc[[row.Index]], 'ci_low', 'ci_high', COEF, lang)[0]}"
        return t("rank_biserial", lang, r=number(row.effect, COEF, lang)) if row.test == "wilcoxon" and pd.notna(row.effect) else ""

    return pd.DataFrame({t("col_test", lang): [t(f"test_{x}", lang) for x in frame["test"]],
                         t("col_statistic", lang): [statistic(r) for r in frame.itertuples()], **p_columns(frame, ("p",), lang),
                         t("col_effect", lang): [effect(r) for r in frame.itertuples()], "N": cells(frame, "n", 0, lang)})


# --- Likert items, scales, tests (03-05) -------------------------------------------------------

def likert_result(df: pd.DataFrame, items: list[str], cb: Codebook, lang: str, min_cell: int) -> Result:
    """Per item (in the given order): N, M, SD and the shares the report quotes: % 4-5 (`share_agree`:
    agree, useful); for items on the task-frequency scale % often, % often or always and % rarely or never.
    A share is shown only when it is a sum of answers not hidden by the small-cell policy (answer counts
    of an item add up to its N); the mean and SD of fewer than min_cell answers are not shown."""
    summary = likert_summary(df, items, (4, 5))
    few = ~mean_shown(summary["n"].to_numpy(), min_cell)
    frequency_scale = cb[items[0]].values == cb.value_sets["task_frequency"]
    shares = ("share_often", "share_often_always", "share_rarely_never") if frequency_scale else ("share_agree",)
    frame = pd.DataFrame({"variable": items, "label": [cb.text(i, lang) for i in items], "n": summary["n"].astype(float),
                          "mean": summary["mean"], "sd": summary["sd"]})
    hidden = {"mean": few, "sd": few}
    for share in shares:
        values = [protected_share(df[i], LIKERT_SHARES[share], cb.labels(i, lang), min_cell) for i in items]
        frame[share] = [np.nan if v is None else v for v in values]
        hidden[share] = [v is None for v in values]
    return Result(masked(frame, hidden), likert_view)


def likert_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    printed = {t("col_item", lang): frame["label"], "N": cells(frame, "n", 0, lang), "M": cells(frame, "mean", MEAN, lang),
               "SD": cells(frame, "sd", MEAN, lang)}
    for share in (s for s in LIKERT_SHARES if s in frame):
        printed["% 4–5" if share == "share_agree" else t(share, lang)] = cells(frame, share, PCT, lang)
    return pd.DataFrame(printed)


def protected_share(answers: pd.Series, codes: tuple[int, ...], labels: dict[int, str], min_cell: int) -> float | None:
    """% of answers in `codes`, or None when it may not be shown: it would part hidden answers from each other
    (a run of hidden answers partly inside) or it or its complement is small."""
    counts = frequency_counts(answers, labels)
    n = int(counts[list(codes)].sum())
    if split_runs(suppress(counts, min_cell, ordered=True), codes) or share_hidden(n, counts.sum(), min_cell):
        return None
    return 100 * n / counts.sum()


def sorted_by_mean(df: pd.DataFrame, items: list[str]) -> list[str]:
    """Items from the highest mean to the lowest (the report's order for the support options)."""
    return sorted(items, key=lambda i: -df[i].astype(float).mean())


def ttest_result(res: pd.DataFrame, family: str, cb: Codebook, lang: str) -> Result:
    """stats.paired_ttests as the report's footnotes state them: raw p beside the Holm-adjusted p (the
    family: the comparisons in the table, named in its column; which of the two is the criterion, the family's
    standard says: p_columns) and Cohen's d_z."""
    frame = res.assign(label=[f"{cb.text(a, lang)} vs {cb.text(b, lang)}" for a, b in zip(res["a"], res["b"])])
    frame = frame[["a", "b", "label", "n", "mean_a", "mean_b", "t", "dof", "p", "p_holm", "d_z"]].astype({"n": float})
    frame.attrs["family"] = family
    return Result(frame, ttest_view)


def ttest_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col_comparison", lang): frame["label"], "N": cells(frame, "n", 0, lang),
                         t("col_pair_mean", lang, k=1): cells(frame, "mean_a", MEAN, lang),
                         t("col_pair_mean", lang, k=2): cells(frame, "mean_b", MEAN, lang),
                         "t": cells(frame, "t", STAT, lang), "df": cells(frame, "dof", 0, lang),
                         **p_columns(frame, ("p", "p_holm"), lang), t("col_dz", lang): cells(frame, "d_z", COEF, lang)})


def levels_text(standard: Standard, lang: str) -> str:
    """A family's thresholds as the page writes them: 'p < ,001', or the report's stars '** p < ,001, * p < ,05'."""
    if len(standard.levels) == 1:
        return localise(f"p < {alpha_text(standard.alpha)}", lang)
    return localise(", ".join(f"{mark} p < {alpha_text(level)}" for level, mark in standard.levels), lang)


def criterion(family: str, lang: str) -> str:
    """Which p a family's claims are judged on and at which thresholds, for a caption: 'criterion: p Holm-adjusted
    within the family, p < .001' (reproduction.STANDARDS)."""
    standard = STANDARDS[family]
    return t(f"criterion_{standard.p}", lang, levels=levels_text(standard, lang))


P_HEADERS = {"p": "col_p_raw", "p_holm": "col_p_holm", "p_adj": "col_p_bh"}


def p_columns(frame: pd.DataFrame, columns: tuple[str, ...], lang: str) -> dict[str, list[str]]:
    """A table's p values (`columns` of the frame: raw 'p', Holm's 'p_holm', Benjamini-Hochberg's 'p_adj') under
    headers that say which one the family's claims are judged on (its criterion and thresholds, from
    reproduction.STANDARDS by the frame's attrs['family']) and which one is shown as a robustness check."""
    standard = STANDARDS[frame.attrs["family"]]
    if len(columns) == 1 and columns[0] == standard.p:
        return {f"p ({t('p_criterion', lang, levels=levels_text(standard, lang))})": p_cells(frame, standard.p, lang)}
    return {t(P_HEADERS[c], lang, k=len(frame), role=t("p_criterion", lang, levels=levels_text(standard, lang)) if c == standard.p
              else t("p_check", lang)): p_cells(frame, c, lang) for c in columns}


def scale_result(df: pd.DataFrame, scales: list[str], cb: Codebook, lang: str, min_cell: int) -> Result:
    """Per scale: items (k), N, M, SD and Cronbach's alpha with its 95% confidence interval (Feldt); the
    statistics of fewer than min_cell answers are not shown."""
    res = scale_summary(df, {s: cb.scale_items(s) for s in scales})
    few = ~mean_shown(res["n"].to_numpy(), min_cell)
    frame = pd.DataFrame({"variable": res["scale"], "label": [cb.text(s, lang) for s in res["scale"]], "k": res["k"].astype(float),
                          "n": res["n"].astype(float), "mean": res["mean"], "sd": res["sd"], "alpha": res["alpha"],
                          "alpha_low": res["alpha_low"], "alpha_high": res["alpha_high"]})
    return Result(masked(frame, dict.fromkeys(("mean", "sd", "alpha", "alpha_low", "alpha_high"), few)), scale_view)


def scale_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col_scale", lang): frame["label"], "k": cells(frame, "k", 0, lang), "N": cells(frame, "n", 0, lang),
                         "M": cells(frame, "mean", MEAN, lang), "SD": cells(frame, "sd", MEAN, lang), "α": cells(frame, "alpha", COEF, lang),
                         f"{t('col_ci95', lang)} α": interval_cells(frame, "alpha_low", "alpha_high", COEF, lang)})


def definition_result(df: pd.DataFrame, scales: list[str], cb: Codebook, lang: str, min_cell: int) -> Result:
    """The report's definition tables: per scale its definition, an example item (where the report gives
    one), and its mean and SD computed here (hidden below min_cell answers). Scales without a definition in
    the codebook (intention) are left out."""
    scales = [s for s in scales if s in cb.definitions]
    res = scale_summary(df, {s: cb.scale_items(s) for s in scales})
    few = ~mean_shown(res["n"].to_numpy(), min_cell)
    frame = pd.DataFrame({"variable": scales, "label": [cb.text(s, lang) for s in scales],
                          "assumption": [cb.definitions[s].get("choice") for s in scales],
                          "definition": [cb.definitions[s][lang] for s in scales],
                          "example": [cb.definitions[s].get("example", {}).get(lang, "") for s in scales],
                          "n": res["n"].astype(float), "mean": res["mean"], "sd": res["sd"]})
    return Result(masked(frame, {"mean": few, "sd": few}), definition_view)


def definition_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col_scale", lang): frame["label"], t("col_definition", lang): frame["definition"],
                         t("col_example", lang): frame["example"], "M": cells(frame, "mean", MEAN, lang), "SD": cells(frame, "sd", MEAN, lang)})


def appendix_result(df: pd.DataFrame, scales: list[str], cb: Codebook, lang: str, min_cell: int) -> Result:
    """Appendix layout: every item of each scale with N, M, SD, corrected item-total r and alpha if deleted;
    the statistics of fewer than min_cell answers are not shown."""
    parts = [item_analysis(df, cb.scale_items(scale)).assign(scale=scale) for scale in scales]
    res = pd.concat(parts, ignore_index=True)
    few = ~mean_shown(res["n"].to_numpy(), min_cell)
    frame = pd.DataFrame({"scale": res["scale"], "variable": res["item"], "scale_label": [cb.text(s, lang) for s in res["scale"]],
                          "label": [cb.text(i, lang) for i in res["item"]], "n": res["n"].astype(float), "mean": res["mean"],
                          "sd": res["sd"], "r_item_total": res["r_item_total"], "alpha_if_deleted": res["alpha_if_deleted"]})
    return Result(masked(frame, dict.fromkeys(("mean", "sd", "r_item_total", "alpha_if_deleted"), few)), appendix_view)


def appendix_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col_scale", lang): frame["scale_label"], t("col_item", lang): frame["label"], "N": cells(frame, "n", 0, lang),
                         "M": cells(frame, "mean", MEAN, lang), "SD": cells(frame, "sd", MEAN, lang),
                         t("col_r_it", lang): cells(frame, "r_item_total", COEF, lang),
                         t("col_alpha_if_deleted", lang): cells(frame, "alpha_if_deleted", COEF, lang)})


def correlation_result(tidy: pd.DataFrame, family: str, cb: Codebook, lang: str, min_cell: int) -> Result:
    """stats.pearson with the labels: each p as tested and Holm-adjusted within the family of all the correlations
    in the table (which of the two is the criterion, the family's standard says: p_columns); r and p of fewer
    than min_cell pairs not shown."""
    few = ~mean_shown(tidy["n"].to_numpy(), min_cell)
    frame = tidy.assign(label_x=labelled(tidy, cb, lang, "x"), label_y=labelled(tidy, cb, lang, "y"), n=tidy["n"].astype(float))
    frame = masked(frame[["x", "y", "label_x", "label_y", "n", "r", "p", "p_holm"]], dict.fromkeys(("r", "p", "p_holm"), few))
    frame.attrs["family"] = family
    return Result(frame, correlation_detail_view)


def correlation_layout_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The report's layout: rows y, columns x, cells 'r' with the family's stars on its criterion's p
    (reproduction.STANDARDS: the report's '**' p < .001, '*' p < .05), or 'ns'."""
    standard = STANDARDS[frame.attrs["family"]]

    def cell(r, p, hidden) -> str:
        if hidden or pd.isna(p):
            return HIDDEN if hidden else DASH
        mark = standard.stars(p)
        return mark if mark == "ns" else number(r, COEF, lang).replace("0", "", 1) + mark

    shown = frame.assign(cell=[cell(r, p, h) for r, p, h in zip(frame["r"], frame[standard.p], hidden_mask(frame, "r"))])
    wide = shown.pivot(index="label_y", columns="label_x", values="cell")
    wide = wide.loc[list(dict.fromkeys(frame["label_y"])), list(dict.fromkeys(frame["label_x"]))]
    return wide.rename_axis(t("col_scale", lang)).rename_axis(None, axis=1).reset_index()


def correlation_detail_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col_first_scale", lang): frame["label_x"], t("col_second_scale", lang): frame["label_y"],
                         "N": cells(frame, "n", 0, lang), "r": cells(frame, "r", COEF, lang), **p_columns(frame, ("p", "p_holm"), lang)})


# --- Structural equation models (05) -----------------------------------------------------------

def fit_result(fit: pd.DataFrame) -> Result:
    """sem.fit_indices as a result: one row, estimator and missing-data method, chi-square, df, p, CFI,
    TLI, RMSEA with its 90% CI, SRMR, N."""
    return Result(fit.astype({"n": float, "df": float}), fit_view)


def fit_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    f = frame.iloc[0]
    values = {t("col_estimator", lang): t(f"estimator_{f['estimator']}_{f['missing']}", lang), "χ²": cells(frame, "chi2", STAT, lang)[0],
              "df": cells(frame, "df", 0, lang)[0], "p": p_cells(frame, "p", lang)[0], "CFI": cells(frame, "cfi", COEF, lang)[0],
              "TLI": cells(frame, "tli", COEF, lang)[0],
              f"RMSEA [{t('col_ci90', lang)}]": f"{cells(frame, 'rmsea', COEF, lang)[0]} {interval_cells(frame, 'rmsea_low', 'rmsea_high', COEF, lang)[0]}",
              "SRMR": cells(frame, "srmr", COEF, lang)[0], "N": cells(frame, "n", 0, lang)[0]}
    return pd.DataFrame({t("col_statistic", lang): list(values), t("col_value", lang): list(values.values())})


def missing_result(account: pd.DataFrame, cb: Codebook, lang: str, min_cell: int) -> Result:
    """sem.missingness as a result: per item the answers, the missing ones and their share (%) of the rows;
    all three hidden where the missing or the answered are a small count (either gives the other)."""
    hidden = np.asarray(is_small(account["missing"], min_cell) | is_small(account["n"], min_cell), dtype=bool)
    frame = pd.DataFrame({"variable": account["variable"], "label": labelled(account, cb, lang), "n": account["n"].astype(float),
                          "missing": account["missing"].astype(float), "percent": 100 * account["share"]})
    return Result(masked(frame, dict.fromkeys(("n", "missing", "percent"), hidden)), missing_view)


def missing_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col_item", lang): frame["label"], "N": cells(frame, "n", 0, lang),
                         t("col_missing", lang): cells(frame, "missing", 0, lang), "%": cells(frame, "percent", PCT, lang)})


def coverage_result(coverage: pd.DataFrame, answering: int, factors: dict[str, list[str]], cb: Codebook, lang: str,
                    min_cell: int) -> Result:
    """sem.coverage (the share of the `answering` respondents who answered both of two items) as a result: a
    row per item, a column per item, each named by its factor and number ('Prestatieverwachting 2'); a share
    hidden where those who answered both, or the others, are a small count."""
    counts = coverage * answering
    hidden = (is_small(counts.round(), min_cell) | is_small((answering - counts).round(), min_cell)).to_numpy()
    frame = masked(coverage.rename_axis("variable").reset_index(), {c: hidden[:, i] for i, c in enumerate(coverage.columns)})
    short = {item: f"{cb.text(factor, lang)} {number}" for factor, items in factors.items() for number, item in enumerate(items, start=1)}
    frame.insert(1, "label", frame["variable"].map(short))
    frame.attrs["items"] = {item: short[item] for item in coverage.columns}
    return Result(frame, coverage_view)


def coverage_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col_item", lang): frame["label"], **{label: cells(frame, c, COEF, lang) for c, label in frame.attrs["items"].items()}})


def loadings_result(loadings: pd.DataFrame, cb: Codebook, lang: str) -> Result:
    """Measurement model: per item its factor, unstandardized loading (SE), p and standardized loading."""
    frame = loadings.assign(label_factor=labelled(loadings, cb, lang, "factor"), label=labelled(loadings, cb, lang, "item"))
    return Result(frame[["factor", "item", "label_factor", "label", "est", "se", "p", "std"]], loadings_view)


def loadings_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col_scale", lang): frame["label_factor"], t("col_item", lang): frame["label"], "B": cells(frame, "est", COEF, lang),
                         "SE": cells(frame, "se", COEF, lang), "p": [p if p != DASH else "" for p in p_cells(frame, "p", lang)],
                         "λ (std)": cells(frame, "std", COEF, lang)})


def validity_result(reliability: pd.DataFrame, df: pd.DataFrame, cb: Codebook, lang: str) -> Result:
    """Per factor: Cronbach's alpha, composite reliability, average variance extracted and whether it is
    below .50 (see `ave_note` for the sentence that comments it)."""
    alphas = [cronbach_alpha(df, cb.scale_items(f))["alpha"].iloc[0] for f in reliability["factor"]]
    frame = pd.DataFrame({"variable": reliability["factor"], "label": labelled(reliability, cb, lang, "factor"), "alpha": alphas,
                          "cr": reliability["cr"], "ave": reliability["ave"], "ave_below_50": reliability["ave_below_50"]})
    return Result(frame, validity_view)


def validity_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col_scale", lang): frame["label"], "α": cells(frame, "alpha", COEF, lang), "CR": cells(frame, "cr", COEF, lang),
                         "AVE": cells(frame, "ave", COEF, lang),
                         t("col_ave_low", lang): [t("answer_yes" if low else "answer_no", lang) for low in frame["ave_below_50"]]})


def ave_note(reliability: pd.DataFrame, cb: Codebook, lang: str) -> str:
    """The sentence that comments an AVE below .50 (empty when every factor reaches it)."""
    low = reliability.loc[reliability["ave_below_50"], "factor"]
    return t("ave_note", lang, factors=listing([cb.in_sentence(f, lang) for f in low], lang)) if len(low) else ""


def matrix_result(matrix: pd.DataFrame, measure: str, cb: Codebook, lang: str, flag_above: float | None = None) -> Result:
    """A factor x factor matrix of a `measure` (lower triangle; 'fornell_larcker', 'htmt'): a row per factor
    (`variable`, `label`), a column per factor; with `flag_above`, values above it are marked '!' when printed."""
    frame = matrix.rename_axis("variable").reset_index()
    frame.insert(1, "label", labelled(frame, cb, lang))
    frame.insert(2, "measure", measure)
    frame.attrs |= {"headers": {f: cb.text(f, lang) for f in matrix.columns}, "flag_above": flag_above}
    return Result(frame, matrix_view)


def matrix_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    headers, above = frame.attrs["headers"], frame.attrs.get("flag_above")

    def cell(v) -> str:
        return "" if pd.isna(v) else number(v, COEF, lang) + (" !" if above is not None and v > above else "")

    return pd.DataFrame({t("col_scale", lang): frame["label"], **{label: frame[f].map(cell) for f, label in headers.items()}})


def paths_result(paths: pd.DataFrame, r2: pd.DataFrame, cb: Codebook, lang: str) -> Result:
    """Structural model: per path its standardized beta (std.all), B (SE), p and the outcome's R²."""
    r2 = r2.set_index("variable")["r2"]
    frame = paths.assign(label=[f"{cb.text(o, lang)} ← {cb.text(p, lang)}" for o, p in zip(paths["outcome"], paths["predictor"])],
                         r2=[r2.get(o, np.nan) for o in paths["outcome"]])
    columns = ["outcome", "predictor", "label", "std", *(c for c in ("std_ci_low", "std_ci_high") if c in frame), "est", "se", "p", "r2"]
    frame = frame[columns]
    frame.attrs["family"] = "sem"
    return Result(frame, paths_view)


def paths_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col_path", lang): frame["label"], "β": cells(frame, "std", COEF, lang), "B": cells(frame, "est", COEF, lang),
                         "SE": cells(frame, "se", COEF, lang), **p_columns(frame, ("p",), lang), "R²": cells(frame, "r2", COEF, lang)})


def robust_result(res: pd.DataFrame, cb: Codebook, lang: str) -> Result:
    """Regression on scale scores with HC3 standard errors: standardized beta, SE, 95% CI, p, N, R²."""
    frame = res.assign(label=labelled(res, cb, lang, "predictor"), n=res["n"].astype(float))
    return Result(frame[["predictor", "label", "beta", "se", "ci_low", "ci_high", "p", "n", "r2"]], robust_view)


def robust_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col_predictor", lang): frame["label"], "β": cells(frame, "beta", COEF, lang), "SE (HC3)": cells(frame, "se", COEF, lang),
                         t("col_ci95", lang): interval_cells(frame, "ci_low", "ci_high", COEF, lang), "p": p_cells(frame, "p", lang),
                         "N": cells(frame, "n", 0, lang), "R²": cells(frame, "r2", COEF, lang)})


def estimators_result(comparison: pd.DataFrame, cb: Codebook, lang: str) -> Result:
    """sem.compare_estimators: a row per estimator (N, chi-square, df, p, scaling factor, CFI, TLI, RMSEA with
    its 90% CI, SRMR, each path's standardized beta `beta <outcome>~<predictor>` and its p)."""
    frame = comparison.astype({"n": float, "df": float})
    frame.attrs["paths"] = {c.removeprefix("beta "): "β {} ← {}".format(*(cb.text(v, lang) for v in c.removeprefix("beta ").split("~")))
                            for c in comparison.columns if c.startswith("beta ")}
    return Result(frame, estimators_view)


def estimators_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One column per estimator, a row per statistic."""
    rows = {"N": cells(frame, "n", 0, lang),
            "χ² (df)": [f"{c} ({d})" for c, d in zip(cells(frame, "chi2", STAT, lang), cells(frame, "df", 0, lang))],
            "p (χ²)": p_cells(frame, "p", lang),
            t("stat_scaling", lang): [c if c != DASH else "" for c in cells(frame, "scaling", COEF, lang)],
            "CFI": cells(frame, "cfi", COEF, lang), "TLI": cells(frame, "tli", COEF, lang),
            f"RMSEA [{t('col_ci90', lang)}]": [f"{v} {ci}" for v, ci in zip(cells(frame, "rmsea", COEF, lang),
                                                           interval_cells(frame, "rmsea_low", "rmsea_high", COEF, lang))],
            "SRMR": cells(frame, "srmr", COEF, lang)}
    for path, label in frame.attrs["paths"].items():
        rows[label] = [f"{b} ({p})" for b, p in zip(cells(frame, f"beta {path}", COEF, lang), p_cells(frame, f"p {path}", lang))]
    names = [t(f"estimator_{e}_{m}", lang) for e, m in zip(frame["estimator"], frame["missing"])]
    return pd.DataFrame(rows, index=names).T.rename_axis(t("col_statistic", lang)).reset_index()


# --- Places (07) -------------------------------------------------------------------------------

def unknown_places_result(looked_up: pd.DataFrame, pooled_away: int, lang: str, min_cell: int) -> Result:
    """Answers not on the map, per reason (every reason listed, zero included): postcodes without a place,
    and places too small even when pooled (`pooled_away`). With the map's total they add up to every
    respondent, so their counts are suppressed as one set."""
    counts = looked_up["reason"].value_counts().reindex(["missing", "malformed", "not_belgian"], fill_value=0)
    counts = pd.concat([counts, pd.Series({"hidden": pooled_away})])
    labels = [t(f"postcode_{r}", lang) for r in counts.index[:-1]] + [t("level_hidden", lang)]
    frame = pd.DataFrame({"reason": counts.index, "label": labels, "n": counts.to_numpy(), "base": float(counts.sum())})
    return Result(masked(frame, {"n": suppress(counts, min_cell).to_numpy()}), unknown_places_view)


def unknown_places_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    printed = pd.DataFrame({t("col_reason", lang): frame["label"], "n": cells(frame, "n", 0, lang)})
    return with_total(printed, {t("col_reason", lang): t("total", lang), "n": number(frame["base"].iloc[0], 0, lang)})


def places_result(places: pd.DataFrame, unplaced: int, lang: str) -> Result:
    """Every respondent as the map accounts for them (geo.bubbles), largest first within a level: the places drawn
    (municipalities), the pooled ones (a province's or region's other municipalities) and one row off the map
    (`off_map`: the `unplaced` answers and the places too small even pooled). No row is a small count (by
    construction); together they are N."""
    off_map = unplaced + int(places.loc[places["level"] == "hidden", "n"].sum())
    places = places[places["level"] != "hidden"]
    ordered = places.assign(order=places["level"].map({lvl: i for i, lvl in enumerate(LEVELS)}))
    ordered = ordered.sort_values(["order", "n"], ascending=[True, False])
    labels = [name if level == LEVELS[0] else t(f"{level}_{place}", lang) for place, name, level in ordered[["id", "name", "level"]].to_numpy()]
    frame = pd.DataFrame({"id": [*ordered["id"], ""], "label": [*labels, t("off_map", lang)],
                          "level": [*ordered["level"], "off_map"], "n": [*ordered["n"].astype(float), float(off_map)]})
    return Result(frame, places_view)


def places_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    printed = pd.DataFrame({t("col_place", lang): frame["label"], t("col_level", lang): [t(f"level_{lvl}", lang) for lvl in frame["level"]],
                            "n": cells(frame, "n", 0, lang)})
    return with_total(printed, {t("col_place", lang): t("total", lang), "n": number(frame["n"].sum(), 0, lang)})


def province_result(looked_up: pd.DataFrame, lang: str, min_cell: int, by: pd.Series | None = None, by_labels: dict | None = None) -> Result:
    """Respondents per province (Brussels: its region), answers without a place in one 'unknown' row; with `by`
    (codes, labelled by `by_labels`) a column per answer and the totals (`total`, a last row 'total'), all
    protected as cells of one table (disclosure.suppress_table)."""
    province = looked_up["province_id"].map(lambda p: p if isinstance(p, str) else "unknown")
    label = {p: t(f"province_{p}", lang) for p in province.unique()}
    if by is None:
        counts = province.value_counts().to_frame("n")
    else:
        counts = pd.crosstab(province, by.astype("Int64")).reindex(columns=list(by_labels), fill_value=0)
        counts.columns = [f"{by.name}_{c}" for c in counts.columns]
        counts["total"] = counts.sum(axis=1)
        counts.loc["total"] = counts.sum()
        label["total"] = t("total", lang)
    hidden = suppress_table(counts, min_cell)
    frame = pd.concat([pd.DataFrame({"code": counts.index, "label": [label[p] for p in counts.index]}), counts.reset_index(drop=True)], axis=1)
    frame = masked(frame, {c: hidden[c].to_numpy() for c in counts.columns})
    frame.attrs["headers"] = {"label": t("col_place", lang), **({f"{by.name}_{c}": v for c, v in by_labels.items()} if by is not None else {}),
                              "total": t("total", lang)}
    return Result(frame, count_table_view)


# --- Waves and context (08, 09) ----------------------------------------------------------------

def headline_label(fid: str, cb, lang: str) -> str:
    """A readable name for a headline indicator: the codebook's text of its variable or scale."""
    variable = dict((f, v) for f, v, _ in HEADLINE_SHARES).get(fid, fid)
    group = {"use_work_weekly": "group_weekly_plus", "use_free_weekly": "group_weekly_plus", "use_work_daily": "group_daily"}
    return cb.text(variable, lang) + (f": {t(group[fid], lang)}" if fid in group else "")


def waves_result(comparison: pd.DataFrame, names: tuple[str, str], cb: Codebook, lang: str) -> Result:
    """waves.compare_waves with labels: per indicator both values with their n, the difference with its 95%
    CI, p and the Benjamini-Hochberg adjusted p."""
    frame = comparison.assign(label=[headline_label(i, cb, lang) for i in comparison["id"]])
    frame = frame[["id", "label", "kind", "a", "n_a", "b", "n_b", "difference", "ci_low", "ci_high", "p", "p_adj"]].astype({"n_a": float, "n_b": float})
    frame.attrs["names"] = names
    frame.attrs["family"] = "waves"
    return Result(frame, waves_view)


def waves_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    names = frame.attrs["names"]
    digits = [MEAN if k == "M" else PCT for k in frame["kind"]]

    def each(column: str) -> list[str]:
        return [number(v, d, lang) if pd.notna(v) else DASH for v, d in zip(frame[column], digits)]

    def signed(v, d) -> str:
        return ("+" if round(v, d) > 0 else "") + number(v, d, lang)

    return pd.DataFrame({
        t("col_indicator", lang): frame["label"], t("col_unit", lang): frame["kind"],
        f"{names[0]} (N)": [f"{v} ({number(n, 0, lang)})" for v, n in zip(each("a"), frame["n_a"])],
        f"{names[1]} (N)": [f"{v} ({number(n, 0, lang)})" for v, n in zip(each("b"), frame["n_b"])],
        f"{t('col_difference', lang)} [{t('col_ci95', lang)}]": [
            f"{signed(dv, d)} [{signed(lo, d)}{'; ' if lang == 'nl' else ', '}{signed(hi, d)}]"
            for dv, lo, hi, d in zip(frame["difference"], frame["ci_low"], frame["ci_high"], digits)],
        **p_columns(frame, ("p", "p_adj"), lang)})


def waves_chart_data(frame: pd.DataFrame, kind: str) -> pd.DataFrame:
    """One kind of indicator ('%' or 'M') of a waves result with both waves' values, for grouped bars."""
    part = frame[frame["kind"] == kind]
    names = frame.attrs["names"]
    return pd.DataFrame({"label": part["label"].to_numpy(), names[0]: part["a"].to_numpy(), names[1]: part["b"].to_numpy()})


def weighted_result(headline: pd.DataFrame, cb: Codebook, lang: str, min_cell: int) -> Result:
    """Headline indicators unweighted and weighted side by side, the weighted one with its design-based 95%
    CI, with n and Kish's effective n. A share whose count or complement among its n is small is hidden,
    weighted, unweighted and its interval alike; so is every statistic of fewer than min_cell answers."""
    count = (headline["unweighted"] * headline["n"] / 100).round()
    hidden = ((headline["kind"] == "%") & share_hidden(count, headline["n"], min_cell) | ~mean_shown(headline["n"], min_cell)).to_numpy()
    frame = headline.assign(label=[headline_label(i, cb, lang) for i in headline["id"]], n=headline["n"].astype(float))
    frame = frame[["id", "label", "kind", "n", "unweighted", "weighted", "se", "ci_low", "ci_high", "ess"]]
    return Result(masked(frame, dict.fromkeys(("unweighted", "weighted", "se", "ci_low", "ci_high"), hidden)), weighted_view)


def weighted_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    def each(column: str) -> list[str]:
        return [cells(frame.iloc[[i]], column, MEAN if k == "M" else PCT, lang)[0] for i, k in enumerate(frame["kind"])]

    intervals = [interval_cells(frame.iloc[[i]], "ci_low", "ci_high", MEAN if k == "M" else PCT, lang)[0] for i, k in enumerate(frame["kind"])]
    return pd.DataFrame({t("col_indicator", lang): frame["label"], t("col_unit", lang): frame["kind"], "n": cells(frame, "n", 0, lang),
                         t("col_unweighted", lang): each("unweighted"), t("col_weighted", lang): each("weighted"),
                         t("col_ci95", lang): intervals, t("col_ess", lang): cells(frame, "ess", 0, lang)})


def strata_result(strata: pd.DataFrame, cb: Codebook, name: str, lang: str, min_cell: int) -> Result:
    """weighting.strata_table with labels: per stratum population and sample shares (%), n, the weight and
    what happened to the stratum; the strata's counts protected as one set (they add up to N)."""
    labels = cb.labels(name, lang)
    hidden = suppress(strata["n"], min_cell).to_numpy()
    frame = pd.DataFrame({"variable": name, "code": strata["stratum"].astype(float), "label": [labels.get(s, str(s)) for s in strata["stratum"]],
                          "population_percent": 100 * strata["population_share"], "n": strata["n"].astype(float),
                          "percent": 100 * strata["sample_share"], "weight": strata["weight"], "status": strata["status"]})
    return Result(masked(frame, {"n": hidden, "percent": hidden, "weight": hidden}), strata_view)


def strata_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col_stratum", lang): frame["label"], f"% {t('col_population', lang)}": cells(frame, "population_percent", PCT, lang),
                         "n": cells(frame, "n", 0, lang), "% n": cells(frame, "percent", PCT, lang), t("col_weight", lang): cells(frame, "weight", WEIGHT, lang),
                         t("col_status", lang): [t("strata_kept" if s == "kept" else "strata_no_respondents", lang) for s in frame["status"]]})


def dictionary_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """prepare.analysis.data_dictionary as printed: its columns under the page's headers."""
    return frame.rename(columns={c: t(f"col_dict_{c}", lang) for c in frame.columns})


# --- A researcher's own table -------------------------------------------------------------------

def own_result(frame: pd.DataFrame, counts: list[str], shares: dict[str, str], min_cell: int) -> Result:
    """A table a researcher made, protected like every table of the report: the `counts` columns as cells of
    one table whose rows and columns add up (disclosure.suppress_table: small counts and what would give
    them away hidden; margins in the frame, such as pandas' 'All', are protected as its cells), and each
    share column of `shares` (share -> the count column that is its base; shares in %) hidden where its
    base is, or where its count or complement among its base is small. A column of whole numbers not declared
    as counts is refused: it would leave the small-cell policy. The index, when it means something, becomes
    the first columns."""
    frame = frame.reset_index() if not isinstance(frame.index, pd.RangeIndex) else frame.copy()
    frame.columns = [str(c) for c in frame.columns]
    declared = set(counts) | set(shares) | set(shares.values())
    unknown = sorted(declared - set(frame.columns))
    if unknown:
        raise ValueError(f"ch.table: counts= and shares= name columns the table does not have: {unknown}; it has {list(frame.columns)}")
    undeclared = [c for c in frame.columns if c not in declared and pd.api.types.is_integer_dtype(frame[c])]
    if undeclared:
        raise ValueError(f"ch.table: column(s) {undeclared} hold whole numbers: declare counts with counts=[...] (and shares of them with "
                         f"shares={{share: count column}}) so the small-cell policy protects them, or make them floats")
    hidden = suppress_table(frame[list(counts)].astype(float), min_cell) if counts else pd.DataFrame(index=frame.index)
    masks = {c: hidden[c].to_numpy() for c in counts}
    for share, base in shares.items():
        n = frame[share].astype(float) * frame[base].astype(float) / 100
        masks[share] = masks.get(base, np.zeros(len(frame), dtype=bool)) | np.asarray(share_hidden(n.round(), frame[base], min_cell), dtype=bool)
    result = masked(frame, masks)
    result.attrs |= {"counts": list(counts), "shares": list(shares)}
    return Result(result, own_view)


def own_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    """A researcher's table as printed: counts whole, shares to one decimal, other numbers to two, text as it is."""
    counts, shares = frame.attrs.get("counts", []), frame.attrs.get("shares", [])
    columns = [c for c in frame.columns if not (c.startswith("hidden_") and c.removeprefix("hidden_") in frame)]
    return pd.DataFrame({c: cells(frame, c, 0 if c in counts else PCT if c in shares else MEAN, lang)
                         if pd.api.types.is_numeric_dtype(frame[c]) and not pd.api.types.is_bool_dtype(frame[c]) else frame[c]
                         for c in columns})
