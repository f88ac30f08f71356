"""Report tables: labelled (nl/en), small cells hidden, styled with their published caption."""
from __future__ import annotations

import html
import re

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from helpers.analysis.reproduction import HEADLINE_SHARES
from helpers.analysis.stats import (
    ALPHA,
    ALPHA_REPORT,
    adjust_p,
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
    shown_counts,
    split_runs,
    suppress,
    use_frequency_hidden,
)
from helpers.ingest.codebook import Codebook
from helpers.prepare.cleaning import NOTES, RULE_TEXT, Cleaned
from helpers.prepare.geo import LEVELS
from helpers.present.text import format_p, localise, number, t

# One rule per kind of figure: percentages to 1 decimal, means and SDs to 2, test statistics (t, chi-square)
# to 2, coefficients (loadings, betas, correlations, effect sizes, fit indices, reliabilities) to 3, p values
# APA style (text.format_p). Every table below rounds through these.
DECIMALS = {"percent": 1, "mean": 2, "statistic": 2, "coefficient": 3}
PCT, MEAN, STAT, COEF = DECIMALS["percent"], DECIMALS["mean"], DECIMALS["statistic"], DECIMALS["coefficient"]


def sample_table(df: pd.DataFrame, name: str, cb: Codebook, lang: str, min_cell: int) -> pd.DataFrame:
    """Table 1-3 layout: category, n and % of respondents, hidden cells marked, total (computed) last."""
    freq = frequency_table(df, name, cb, lang, drop_empty=True)
    hidden = suppress(freq["n"], min_cell)
    table = pd.DataFrame({
        t("col_category", lang): freq["label"],
        t("col_n", lang): shown_counts(freq["n"], hidden),
        t("col_percent", lang): freq["percent"].round(PCT).astype(object).mask(hidden, HIDDEN),
    })
    total = pd.DataFrame({t("col_category", lang): [t("total", lang)], t("col_n", lang): [str(int(freq["n"].sum()))],
                          t("col_percent", lang): [round(freq["percent"].sum(), PCT)]})
    return pd.concat([table, total], ignore_index=True)


def flow_table(result: Cleaned, lang: str, min_cell: int) -> pd.DataFrame:
    """The exclusion flow: responses in, excluded per rule (in order), sample kept. Exclusion counts add
    up to the input minus the sample, so they are suppressed as one set; a remaining count between two
    hidden steps would give them away and is hidden too."""
    excluded = result.flow["excluded"].iloc[1:].reset_index(drop=True)
    hidden = suppress(excluded, min_cell)
    steps = np.flatnonzero(hidden.to_numpy()) + 1
    remaining = result.flow["remaining"].astype(object).copy()
    if len(steps):
        remaining.iloc[steps.min():steps.max()] = HIDDEN
    if is_small(excluded.sum(), min_cell):   # the responses read minus the sample would give the excluded away
        remaining.iloc[0] = HIDDEN
    return pd.DataFrame({
        t("col_step", lang): [t("step_input", lang)] + [RULE_TEXT[r][lang] for r in result.flow["rule"].iloc[1:]] + [t("step_kept", lang)],
        t("col_excluded", lang): [""] + shown_counts(excluded, hidden).tolist() + [""],
        t("col_remaining", lang): [*remaining, result.flow["remaining"].iloc[-1]]})


def account_table(result: Cleaned, lang: str, min_cell: int) -> pd.DataFrame:
    """Every input row accounted for: rows per status, the total equal to the rows read, then the kept rows
    the account singles out (unknown duration, no age group, no education level). Exclusion counts are
    hidden as in the flow; a small note count is hidden."""
    rules = result.flow["rule"].iloc[1:]   # the rules this export was judged by
    counts = result.account["status"].value_counts().reindex(["kept", *(f"excluded: {r}" for r in rules)], fill_value=0)
    labels = [t("status_kept", lang)] + [t("status_excluded", lang, rule=RULE_TEXT[r][lang]) for r in rules]
    hidden = pd.concat([pd.Series([False]), suppress(counts.iloc[1:].reset_index(drop=True), min_cell)], ignore_index=True)
    rows = HIDDEN if is_small(counts.iloc[1:].sum(), min_cell) else str(len(result.account))
    noted = pd.Series([int(result.account["note"].str.contains(note, regex=False).sum()) for note in NOTES])
    return pd.DataFrame({t("col_status", lang): labels + [t("total", lang)] + [t(f"note_{n}", lang) for n in NOTES],
                         t("col_rows", lang): [*shown_counts(counts.reset_index(drop=True), hidden), rows,
                                               *shown_counts(noted, pd.Series(is_small(noted, min_cell)))]})


def start_year_groups(df: pd.DataFrame, after: int, min_cell: int, lang: str, single_years: int = 15) -> pd.DataFrame:
    """Chart 1 data: one bar per start year for the last `single_years` years up to the latest, earlier
    years in one bar; hidden cells (NaN) by the small-cell policy. `after` is the report's cut-off (shares after it are quoted)."""
    year = df["start_year"].dropna().astype(int)
    last = max(int(year.max()), after + 1)
    first_single = last - single_years + 1
    grouped = year.map(lambda y: str(y) if y >= first_single else f"<{first_single}")
    order = [f"<{first_single}"] + [str(y) for y in range(first_single, last + 1)]
    counts = grouped.value_counts().reindex(order, fill_value=0)
    shown = ~suppress(counts, min_cell, ordered=True)
    return pd.DataFrame({
        t("chart_1_axis", lang): order,
        t("col_n", lang): counts.where(shown).to_numpy(),
        t("col_percent", lang): (100 * counts / counts.sum()).where(shown).round(PCT).to_numpy(),
    })


def describe_numeric(df: pd.DataFrame, name: str, lang: str) -> pd.DataFrame:
    """N, mean, SD and median of a numeric variable (no minimum or maximum: they single people out)."""
    x = df[name].dropna().astype(float)
    stats = {"stat_n": f"{len(x)}", "stat_mean": f"{x.mean():.{MEAN}f}", "stat_sd": f"{x.std():.{MEAN}f}",
             "stat_median": f"{x.median():.{MEAN}f}"}
    return pd.DataFrame({t("col_statistic", lang): [t(k, lang) for k in stats], t("col_value", lang): list(stats.values())})


def styled(table: pd.DataFrame, caption: str, decimals: int = PCT, lang: str = "nl") -> Styler:
    """A table as the report shows it: caption above, no index, numbers to `decimals` places (the table's
    kind from DECIMALS; percentage columns, named '%…', always to PCT) as the page's language writes them (text.number, text.localise),
    text columns left-aligned; every text, header and caption HTML-escaped."""
    words = text_columns(table)
    numeric = [c for c in table.columns if c not in words]
    percent = [c for c in numeric if str(c).startswith("%")]
    return (table.style.hide(axis="index").set_caption(html.escape(caption))
            .format(na_rep="—", escape="html")
            .format(cell_format(decimals, lang), subset=numeric, escape="html")
            .format(cell_format(PCT, lang), subset=percent, escape="html")
            .format_index(escape="html", axis=1)
            .set_table_styles({c: [{"selector": "", "props": "text-align: left"}] for c in words}, overwrite=False))


def text_columns(table: pd.DataFrame) -> list:
    """Columns of words (labels, items, test names) rather than numbers: most of their values hold a word."""
    def wordy(column: pd.Series) -> bool:
        values = column.dropna().astype(str)
        return len(values) > 0 and values.str.contains(r"[^\W\d_]{3}").mean() > 0.5
    return [c for c in table.columns if not pd.api.types.is_numeric_dtype(table[c]) and wordy(table[c])]


def cell_format(decimals: int, lang: str):
    """How a table cell is written: a number by text.number, a text with numbers in it by text.localise."""
    def written(value) -> str:
        if isinstance(value, str):
            return localise(value, lang)
        if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
            return "—"
        if isinstance(value, (bool, np.bool_)):
            return str(value)
        return number(value, 0 if isinstance(value, (int, np.integer)) else decimals, lang)
    return written


def source_table(provenance: dict, lang: str) -> pd.DataFrame:
    """The data source as a reviewer needs it: file, rows, checksum, synthetic or not."""
    rows = {
        "source_file": provenance["file"],
        "source_rows": provenance.get("rows_in", ""),
        "source_sha256": provenance["sha256"],
        "source_synthetic": t("answer_yes" if provenance["synthetic"] else "answer_no", lang),
    }
    return pd.DataFrame({t("col_statistic", lang): [t(k, lang) for k in rows], t("col_value", lang): list(rows.values())})


def with_n(title: str, n: int, min_cell: int, hide: bool = False) -> str:
    """A title with its base, as the report writes it: 'Title (N=415)'; a small base (or one to `hide`) is
    not given."""
    return f"{title} (N={HIDDEN if hide or is_small(n, min_cell) else n})"


def bases(table: pd.DataFrame) -> str:
    """The bases named in a table's headers ('… (N=415)'; see with_n), each once, in order: '415 / 411'."""
    return " / ".join(dict.fromkeys(n for c in table.columns for n in re.findall(r"\(N=(\d+)\)", str(c))))


def usage_frequency_table(df: pd.DataFrame, cb: Codebook, lang: str, min_cell: int) -> pd.DataFrame:
    """Use frequency at work and in free time: n, % of all respondents and % of users, each base named.
    Counts add up to all respondents and, without 'never', to the users: hidden cells protect both."""
    columns = {t("col_category", lang): list(cb.labels("use_work", lang).values())}
    for context in ("work", "free"):
        counts = frequency_counts(df[f"use_{context}"], cb.labels("use_work", lang))
        users = counts.drop(1)
        hidden = use_frequency_hidden(counts, min_cell)
        label = t(f"context_{context}", lang)
        columns[f"{label}: n"] = shown_counts(counts, hidden).to_numpy()
        columns[with_n(f"{label}: % {t('base_all', lang)}", int(counts.sum()), min_cell)] = hidden_as_mark(100 * counts / counts.sum(), hidden)
        pct_users = (100 * users / users.sum()).reindex(counts.index)
        # with 'never' hidden, users' shares (and base) would give it away: all minus users
        columns[with_n(f"{label}: % {t('base_users', lang)}", int(users.sum()), min_cell, hide=hidden[1])] = \
            hidden_as_mark(pct_users, hidden | hidden[1])
    return pd.DataFrame(columns)


def use_share_hidden(df: pd.DataFrame, context: str, codes: tuple[int, ...], cb: Codebook, min_cell: int) -> bool:
    """Whether the share of all respondents answering `codes` to use in `context` may not be shown beside
    the use-frequency table (usage_frequency_table's hidden cells; disclosure.share_parts_hidden)."""
    counts = frequency_counts(df[f"use_{context}"], cb.labels("use_work", "en"))
    return share_parts_hidden(counts, codes, use_frequency_hidden(counts, min_cell), min_cell)


def frequency_counts(answers: pd.Series, labels: dict[int, str]) -> pd.Series:
    """Answers per code, every code of the value set (zero included), in code order."""
    return answers.dropna().astype(int).value_counts().reindex(list(labels), fill_value=0)


def hidden_as_mark(values: pd.Series, hidden: pd.Series) -> np.ndarray:
    """Numbers rounded to one decimal, hidden ones as the mark."""
    return values.round(1).astype(object).mask(hidden.to_numpy(), HIDDEN).to_numpy()


def usage_groups_table(df: pd.DataFrame, groups: dict[str, tuple[int, ...]], cb: Codebook, lang: str, min_cell: int) -> pd.DataFrame:
    """The report's groupings (daily, at least weekly, ...) on both bases: all respondents and users.
    A group's share is shown only when none of its answers is hidden in the frequency table (so it adds
    nothing that differencing could use) and neither it nor its complement is small."""
    columns = {t("col_category", lang): [t(f"group_{g}", lang) for g in groups]}
    for context in ("work", "free"):
        counts = frequency_counts(df[f"use_{context}"], cb.labels("use_work", lang))
        hidden = use_frequency_hidden(counts, min_cell)
        label = t(f"context_{context}", lang)
        for base_name, base in (("base_all", counts), ("base_users", counts.drop(1))):
            column = []
            for codes in groups.values():
                inside = [c for c in codes if c in base.index]
                n = int(base[inside].sum())
                blocked = not inside or hidden[inside].any() or share_hidden(n, base.sum(), min_cell)
                column.append(float("nan") if not inside else HIDDEN if blocked else round(100 * n / base.sum(), 1))
            columns[with_n(f"{label}: % {t(base_name, lang)}", int(base.sum()), min_cell)] = column
    return pd.DataFrame(columns)


def multi_response_table(df: pd.DataFrame, blocks: dict[str, str], cb: Codebook, lang: str, min_cell: int) -> pd.DataFrame:
    """Options of one or more multiple-response blocks with the same options: n and % of cases each.

    blocks: column label -> block name. Rows in the first block's option order. An option's count and
    share are hidden when the count, or the cases that did not select it, are fewer than min_cell.
    """
    first = next(iter(blocks.values()))
    suffixes = [item.removeprefix(f"{first}_") for item in cb.blocks[first]]
    table = pd.DataFrame({t("col_category", lang): [cb.text(f"{first}_{s}", lang) for s in suffixes]})
    for label, block in blocks.items():
        res = multi_response(df, [f"{block}_{s}" for s in suffixes])
        base = int(res["base"].iloc[0])
        hidden = pd.Series(share_hidden(res["n"], res["base"], min_cell) | is_small(base, min_cell), index=res.index)
        table[f"{label}: n"] = shown_counts(res["n"], hidden).to_numpy()
        table[with_n(f"{label}: % {t('of_cases', lang)}", base, min_cell)] = hidden_as_mark(res["pct_cases"], hidden)
    return table


def likert_table(df: pd.DataFrame, items: list[str], cb: Codebook, lang: str, min_cell: int) -> pd.DataFrame:
    """Per item (in the given order): N, M, SD and the shares the report quotes: % 4-5 (agree, useful);
    for items on the task-frequency scale % often, % often or always and % rarely or never. A share is
    shown only when it is a sum of answers not hidden by the small-cell policy (answer counts of an item
    add up to its N); the mean and SD of fewer than min_cell answers are not shown."""
    summary = likert_summary(df, items, (4, 5))
    enough = mean_shown(summary["n"].to_numpy(), min_cell)
    table = pd.DataFrame({
        t("col_item", lang): [cb.text(i, lang) for i in items], "N": summary["n"].to_numpy(),
        "M": summary["mean"].round(MEAN).astype(object).where(enough, HIDDEN).to_numpy(),
        "SD": summary["sd"].round(MEAN).astype(object).where(enough, HIDDEN).to_numpy(),
    })
    frequency_scale = cb[items[0]].values == cb.value_sets["task_frequency"]
    shares = ((("share_often", (4,)), ("share_often_always", (4, 5)), ("share_rarely_never", (1, 2))) if frequency_scale
              else ((None, (4, 5)),))
    for key, codes in shares:
        table[t(key, lang) if key else "% 4–5"] = [protected_share(df[i], codes, cb.labels(i, lang), min_cell) for i in items]
    return table


def protected_share(answers: pd.Series, codes: tuple[int, ...], labels: dict[int, str], min_cell: int) -> float | str:
    """% of answers in `codes`, or the mark when it would part hidden answers from each other (a run of
    hidden answers partly inside) or it or its complement is small."""
    counts = frequency_counts(answers, labels)
    n = int(counts[list(codes)].sum())
    if split_runs(suppress(counts, min_cell, ordered=True), codes) or share_hidden(n, counts.sum(), min_cell):
        return HIDDEN
    return round(100 * n / counts.sum(), 1)


def ttest_table(res: pd.DataFrame, cb: Codebook, lang: str) -> pd.DataFrame:
    """Paired t-tests as the report's footnotes state them: raw p beside the Holm-adjusted p (the family:
    the comparisons in the table, named in its column) and Cohen's d_z."""
    return pd.DataFrame({
        t("col_comparison", lang): [f"{cb.text(a, lang)} vs {cb.text(b, lang)}" for a, b in zip(res["a"], res["b"])],
        "N": res["n"], "M1": res["mean_a"].round(MEAN), "M2": res["mean_b"].round(MEAN),
        "t": res["t"].round(STAT), "df": res["dof"].round().astype("Int64"), "p": res["p"].map(format_p),
        t("col_p_holm", lang, k=len(res)): res["p_holm"].map(format_p), t("col_dz", lang): res["d_z"].round(COEF),
    })


def top_options(table: pd.DataFrame, columns: list[str], k: int) -> pd.DataFrame:
    """Rows among the k largest in any of `columns` (the report's 'six most used per context')."""
    keep = set()
    for col in columns:
        keep |= set(pd.to_numeric(table[col], errors="coerce").nlargest(k).index)
    return table.loc[sorted(keep)]


def paired_tests_table(df: pd.DataFrame, a: str, b: str, lang: str) -> pd.DataFrame:
    """Work vs free time: the report's chi-square and Spearman tests, and the paired tests that fit
    two answers of the same respondents (Wilcoxon signed-rank, Stuart-Maxwell)."""
    chi2, rho = chi2_homogeneity(df, a, b).iloc[0], spearman(df, a, b).iloc[0]
    wil, sm = wilcoxon_paired(df, a, b).iloc[0], stuart_maxwell(df, a, b).iloc[0]
    rows = [
        (t("test_chi2", lang), f"χ²({chi2['dof']:.0f}) = {chi2['chi2']:.{STAT}f}", chi2["p"], "", int(chi2["n"])),
        (t("test_spearman", lang), f"ρ = {rho['rho']:.{COEF}f}", rho["p"], f"95% CI [{rho['ci_low']:.{COEF}f}, {rho['ci_high']:.{COEF}f}]", int(rho["n"])),
        (t("test_wilcoxon", lang), f"W = {wil['W']:.0f}", wil["p"], t("rank_biserial", lang, r=f"{wil['rank_biserial']:.{COEF}f}"), int(wil["n"])),
        (t("test_stuart_maxwell", lang), f"χ²({sm['dof']:.0f}) = {sm['chi2']:.{STAT}f}", sm["p"], "", int(sm["n"])),
    ]
    return pd.DataFrame({t("col_test", lang): [r[0] for r in rows], t("col_statistic", lang): [r[1] for r in rows],
                         "p": [format_p(r[2]) for r in rows], t("col_effect", lang): [r[3] for r in rows],
                         "N": [r[4] for r in rows]})


def crosstab_counts(df: pd.DataFrame, a: str, b: str, cb: Codebook, lang: str) -> pd.DataFrame:
    """The answers to `a` (rows) by those to `b` (columns) of the respondents who gave both: every category in
    codebook order, named by its label. Counts, not yet protected: see disclosure.protected_counts."""
    rows, columns = cb.labels(a, lang), cb.labels(b, lang)
    pairs = df[[a, b]].dropna().astype(int)
    counts = pd.crosstab(pairs[a], pairs[b]).reindex(index=list(rows), columns=list(columns), fill_value=0)
    counts = counts.set_axis(list(rows.values()), axis=0).set_axis(list(columns.values()), axis=1)
    return counts.rename_axis(index=cb.text(a, lang), columns=None).reset_index()


def users_shares(df: pd.DataFrame, cb: Codebook, lang: str, min_cell: int) -> pd.DataFrame:
    """Chart data of the report's 'use at work vs free time': % of users per frequency, base in the names."""
    freq = usage_frequency_table(df, cb, lang, min_cell).iloc[1:]   # users: never is not a use frequency
    data = {t("col_category", lang): freq.iloc[:, 0]}
    for context in ("work", "free"):
        n = int(df[f"use_{context}"].ge(2).sum())
        column = next(c for c in freq if c.startswith(t(f"context_{context}", lang)) and t("base_users", lang) in c)
        data[with_n(t(f"context_{context}", lang), n, min_cell)] = freq[column]
    return pd.DataFrame(data).reset_index(drop=True)


def percent_columns(table: pd.DataFrame) -> list[str]:
    """The percentage columns of a table (named '…%…')."""
    return [c for c in table.columns if "%" in c]


def free_text(df: pd.DataFrame, column: str, lang: str, show: bool, min_cell: int) -> pd.DataFrame:
    """Open answers: only how many were given (hidden when small), unless `show` (a parameter) asks for the texts."""
    answers = df[column].dropna()
    if show:
        return pd.DataFrame({t("col_answer", lang): answers.sort_values().to_numpy()})
    return pd.DataFrame({t("col_answers_given", lang): [HIDDEN if is_small(len(answers), min_cell) else len(answers)]})


def sorted_by_mean(df: pd.DataFrame, items: list[str]) -> list[str]:
    """Items from the highest mean to the lowest (the report's order for the support options)."""
    return sorted(items, key=lambda i: -df[i].astype(float).mean())


def choice_table(df: pd.DataFrame, name: str, cb: Codebook, lang: str, min_cell: int, sort: bool = True) -> pd.DataFrame:
    """A single-choice question (Table 1-3 layout), with `sort` largest first as the report's charts; total last."""
    table = sample_table(df, name, cb, lang, min_cell)
    if not sort:
        return table
    body, total = table.iloc[:-1], table.iloc[-1:]
    order = pd.to_numeric(body[t("col_percent", lang)], errors="coerce").fillna(-1).sort_values(ascending=False).index
    return pd.concat([body.loc[order], total], ignore_index=True)


def appendix_table(df: pd.DataFrame, scales: list[str], cb: Codebook, lang: str) -> pd.DataFrame:
    """Appendix layout: every item of each scale with M, SD, corrected item-total r and alpha if deleted."""
    parts = []
    for scale in scales:
        res = item_analysis(df, cb.scale_items(scale))
        parts.append(pd.DataFrame({
            t("col_scale", lang): cb.text(scale, lang), t("col_item", lang): [cb.text(i, lang) for i in res["item"]],
            "N": res["n"], "M": res["mean"].round(MEAN), "SD": res["sd"].round(MEAN),
            t("col_r_it", lang): res["r_item_total"].round(COEF), t("col_alpha_if_deleted", lang): res["alpha_if_deleted"].round(COEF)}))
    return pd.concat(parts, ignore_index=True)


def population_table(df: pd.DataFrame, name: str, population: dict, cb: Codebook, lang: str, min_cell: int) -> pd.DataFrame:
    """The sample beside the population (data/population.yaml) on one variable: n and % of the sample
    (the small-cell policy applied), the population count and %, and the difference in points."""
    labels = cb.labels(name, lang)
    counts = frequency_counts(df[name], labels)
    pop = pd.Series(population["counts"], dtype=float).reindex(counts.index)
    shown = (counts > 0) | pop.notna()   # a category nobody answered and the population does not count: left out
    counts, pop = counts[shown], pop[shown]
    hidden = suppress(counts, min_cell)
    sample_pct, pop_pct = 100 * counts / counts.sum(), 100 * pop / pop.sum()
    return pd.DataFrame({
        t("col_category", lang): [labels[c] for c in counts.index],
        t("col_n", lang): shown_counts(counts, hidden).to_numpy(),
        t("col_sample_percent", lang): hidden_as_mark(sample_pct, hidden),
        t("col_population", lang): [f"{v:,.0f}" if pd.notna(v) else "" for v in pop],
        t("col_population_percent", lang): pop_pct.round(1).to_numpy(),
        t("col_difference", lang): hidden_as_mark(sample_pct - pop_pct, hidden)})


def definition_table(df: pd.DataFrame, scales: list[str], cb: Codebook, lang: str, min_cell: int) -> pd.DataFrame:
    """The report's definition tables: per scale its definition, an example item (where the report gives
    one), and its mean and SD computed here (hidden below min_cell answers). Scales without a definition
    in the codebook (intention) are left out."""
    scales = [s for s in scales if s in cb.definitions]
    summary = scale_summary(df, {s: cb.scale_items(s) for s in scales}).set_index("scale")
    enough = mean_shown(summary["n"].to_numpy(), min_cell)
    return pd.DataFrame({
        t("col_scale", lang): [cb.text(s, lang) for s in scales],
        t("col_definition", lang): [cb.definitions[s][lang] for s in scales],
        t("col_example", lang): [cb.definitions[s].get("example", {}).get(lang, "") for s in scales],
        "M": summary["mean"].round(2).astype(object).where(enough, HIDDEN).to_numpy(),
        "SD": summary["sd"].round(2).astype(object).where(enough, HIDDEN).to_numpy()})


def scale_table(df: pd.DataFrame, scales: list[str], cb: Codebook, lang: str) -> pd.DataFrame:
    """Per scale: items, N, M, SD and Cronbach's alpha with its 95% confidence interval."""
    res = scale_summary(df, {s: cb.scale_items(s) for s in scales})
    return pd.DataFrame({
        t("col_scale", lang): [cb.text(s, lang) for s in res["scale"]], "k": res["k"], "N": res["n"],
        "M": res["mean"].round(MEAN), "SD": res["sd"].round(MEAN), "α": res["alpha"].round(COEF),
        "95% CI α": [f"[{lo:.{COEF}f}, {hi:.{COEF}f}]" for lo, hi in zip(res["alpha_low"], res["alpha_high"])]})


def correlation_layout(tidy: pd.DataFrame, cb: Codebook, lang: str) -> pd.DataFrame:
    """The report's layout: rows y, columns x, cells 'r**' (p < .001), 'r*' (p < .05) or 'ns'."""
    cell = [("ns" if p >= ALPHA else f"{r:.{COEF}f}".replace("0.", ".", 1) + ("**" if p < ALPHA_REPORT else "*"))
            for r, p in zip(tidy["r"], tidy["p"])]
    wide = tidy.assign(cell=cell).pivot(index="y", columns="x", values="cell")
    wide = wide.loc[list(dict.fromkeys(tidy["y"])), list(dict.fromkeys(tidy["x"]))]
    wide.index = [cb.text(i, lang) for i in wide.index]
    wide.columns = [cb.text(c, lang) for c in wide.columns]
    return wide.rename_axis(t("col_scale", lang)).reset_index()


def correlation_detail(tidy: pd.DataFrame, cb: Codebook, lang: str) -> pd.DataFrame:
    """Every correlation with its exact p, and its p adjusted by Holm within the family of all the
    correlations in the table (the report reads them as one pattern), and N."""
    return pd.DataFrame({t("col_first_scale", lang): [cb.text(x, lang) for x in tidy["x"]],
                         t("col_second_scale", lang): [cb.text(y, lang) for y in tidy["y"]],
                         "N": tidy["n"], "r": tidy["r"].round(COEF), "p": tidy["p"].map(format_p),
                         t("col_p_holm", lang, k=len(tidy)): pd.Series(adjust_p(tidy["p"].to_numpy())).map(format_p).to_numpy()})


def fit_table(fit: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Fit indices as survey papers report them, with the estimator and how missing answers were handled."""
    f = fit.iloc[0]
    values = {t("col_estimator", lang): t(f"estimator_{f['estimator']}_{f['missing']}", lang), "χ²": f"{f['chi2']:.{STAT}f}", "df": f"{int(f['df'])}", "p": format_p(f["p"]),
              "CFI": f"{f['cfi']:.{COEF}f}", "TLI": f"{f['tli']:.{COEF}f}",
              "RMSEA [90% CI]": f"{f['rmsea']:.{COEF}f} [{f['rmsea_low']:.{COEF}f}, {f['rmsea_high']:.{COEF}f}]",
              "SRMR": f"{f['srmr']:.{COEF}f}", "N": f"{int(f['n'])}"}
    return pd.DataFrame({t("col_statistic", lang): list(values), t("col_value", lang): list(values.values())})


def loadings_table(loadings: pd.DataFrame, cb: Codebook, lang: str) -> pd.DataFrame:
    """Measurement model: item, unstandardized loading (SE), p and standardized loading."""
    return pd.DataFrame({
        t("col_scale", lang): [cb.text(f, lang) for f in loadings["factor"]], t("col_item", lang): [cb.text(i, lang) for i in loadings["item"]],
        "B": loadings["est"].round(COEF), "SE": loadings["se"].round(COEF), "p": loadings["p"].map(lambda p: "" if pd.isna(p) else format_p(p)),
        "λ (std)": loadings["std"].round(COEF)})


def validity_table(reliability: pd.DataFrame, df: pd.DataFrame, cb: Codebook, lang: str) -> pd.DataFrame:
    """Per factor: Cronbach's alpha, composite reliability, average variance extracted and whether it is
    below .50 (see `ave_note` for the sentence that comments it)."""
    alphas = [cronbach_alpha(df, cb.scale_items(f))["alpha"].iloc[0] for f in reliability["factor"]]
    return pd.DataFrame({t("col_scale", lang): [cb.text(f, lang) for f in reliability["factor"]], "α": [round(a, COEF) for a in alphas],
                         "CR": reliability["cr"].round(COEF), "AVE": reliability["ave"].round(COEF),
                         t("col_ave_low", lang): [t("answer_yes" if low else "answer_no", lang) for low in reliability["ave_below_50"]]})


def ave_note(reliability: pd.DataFrame, cb: Codebook, lang: str) -> str:
    """The sentence that comments an AVE below .50 (empty when every factor reaches it)."""
    low = reliability.loc[reliability["ave_below_50"], "factor"]
    return t("ave_note", lang, factors=", ".join(cb.text(f, lang) for f in low)) if len(low) else ""


def labelled_matrix(matrix: pd.DataFrame, cb: Codebook, lang: str) -> pd.DataFrame:
    """A factor x factor matrix with the factors' names, lower triangle only."""
    out = matrix.round(COEF).astype(object).where(matrix.notna(), "")
    out.index = [cb.text(f, lang) for f in matrix.index]
    out.columns = [cb.text(f, lang) for f in matrix.columns]
    return out.rename_axis(t("col_scale", lang)).reset_index()


def paths_table(paths: pd.DataFrame, r2: pd.DataFrame, cb: Codebook, lang: str) -> pd.DataFrame:
    """Structural model: standardized beta, B (SE), p and the outcome's R²."""
    r2 = r2.set_index("variable")["r2"]
    return pd.DataFrame({
        t("col_path", lang): [f"{cb.text(o, lang)} ← {cb.text(p, lang)}" for o, p in zip(paths["outcome"], paths["predictor"])],
        "β": paths["std"].round(COEF), "B": paths["est"].round(COEF), "SE": paths["se"].round(COEF), "p": paths["p"].map(format_p),
        "R²": [round(r2.get(o, float("nan")), COEF) for o in paths["outcome"]]})


def robust_table(res: pd.DataFrame, cb: Codebook, lang: str) -> pd.DataFrame:
    """Regression on scale scores with HC3 standard errors: standardized beta, 95% CI, p."""
    return pd.DataFrame({
        t("col_predictor", lang): [cb.text(p, lang) for p in res["predictor"]], "β": res["beta"].round(COEF),
        "SE (HC3)": res["se"].round(COEF), "95% CI": [f"[{lo:.{COEF}f}, {hi:.{COEF}f}]" for lo, hi in zip(res["ci_low"], res["ci_high"])],
        "p": res["p"].map(format_p), "N": res["n"], "R²": res["r2"].round(COEF)})


def weighted_table(headline: pd.DataFrame, cb: Codebook, lang: str, min_cell: int) -> pd.DataFrame:
    """Headline indicators unweighted and weighted side by side, the weighted one with its design-based
    95% CI, with n and Kish's effective n. A share whose count or complement among its n is small is
    hidden, weighted, unweighted and its interval alike."""
    digits = headline["kind"].map({"%": PCT, "M": MEAN})
    count = (headline["unweighted"] * headline["n"] / 100).round()
    hidden = (headline["kind"] == "%") & share_hidden(count, headline["n"], min_cell) | ~mean_shown(headline["n"], min_cell)

    def values(column: str) -> list:
        return [HIDDEN if h else round(float(v), d) for v, d, h in zip(headline[column], digits, hidden)]

    return pd.DataFrame({
        t("col_indicator", lang): [headline_label(i, cb, lang) for i in headline["id"]], "": headline["kind"],
        "n": headline["n"], t("col_unweighted", lang): values("unweighted"), t("col_weighted", lang): values("weighted"),
        t("col_ci95", lang): [HIDDEN if h else f"[{lo:.{d}f}, {hi:.{d}f}]"
                              for lo, hi, d, h in zip(headline["ci_low"], headline["ci_high"], digits, hidden)],
        t("col_ess", lang): headline["ess"].astype(float).round(0).astype("Int64")})


def unknown_places(looked_up: pd.DataFrame, pooled_away: int, lang: str, min_cell: int) -> pd.DataFrame:
    """Answers not on the map, per reason (every reason listed, zero included): postcodes without a place,
    and places too small even when pooled (`pooled_away`). With the map's total they add up to every
    respondent, so their counts are suppressed as one set; the total is last."""
    counts = looked_up["reason"].value_counts().reindex(["missing", "malformed", "not_belgian"], fill_value=0)
    counts = pd.concat([counts, pd.Series({"hidden": pooled_away})])
    reasons = [t(f"postcode_{r}", lang) for r in counts.index[:-1]] + [t("level_hidden", lang)]
    return pd.DataFrame({t("col_reason", lang): [*reasons, t("total", lang)],
                         "n": [*shown_counts(counts, suppress(counts, min_cell)), str(int(counts.sum()))]})


def places_table(places: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The bubbles on the map as a table, largest first: place, what it stands for, respondents (each at
    least min_cell by construction; what stays too small is counted with the unplaced answers)."""
    places = places[places["level"] != "hidden"]
    ordered = places.assign(order=places["level"].map({lvl: i for i, lvl in enumerate(LEVELS)}))
    ordered = ordered.sort_values(["order", "n"], ascending=[True, False])
    return pd.DataFrame({t("col_place", lang): ordered["name"].to_numpy(),
                         t("col_level", lang): [t(f"level_{lvl}", lang) for lvl in ordered["level"]],
                         "n": ordered["n"].to_numpy()})


def province_counts(looked_up: pd.DataFrame, lang: str, by: pd.Series | None = None) -> pd.DataFrame:
    """Respondents per province (Brussels: its region), optionally split by a second variable;
    answers without a place in one 'unknown' row. Counts, not yet protected: see disclosure.protected_counts."""
    province = looked_up["province_id"].map(lambda p: t(f"province_{p}", lang) if isinstance(p, str) else t("province_unknown", lang))
    if by is None:
        return province.value_counts().rename("n").rename_axis(t("col_place", lang)).reset_index()
    return pd.crosstab(province.rename(t("col_place", lang)), by).reset_index()


def waves_table(comparison: pd.DataFrame, names: tuple[str, str], cb: Codebook, lang: str) -> pd.DataFrame:
    """The comparison as a report table: indicator, both values, difference [95% CI], p."""
    return pd.DataFrame({
        t("col_indicator", lang): [headline_label(i, cb, lang) for i in comparison["id"]], "": comparison["kind"],
        f"{names[0]} (N)": [f"{v:.{MEAN if k == 'M' else PCT}f} ({n})" for v, n, k in zip(comparison["a"], comparison["n_a"], comparison["kind"])],
        f"{names[1]} (N)": [f"{v:.{MEAN if k == 'M' else PCT}f} ({n})" for v, n, k in zip(comparison["b"], comparison["n_b"], comparison["kind"])],
        t("col_difference", lang) + " [95% CI]": [f"{d:+.{MEAN if k == 'M' else PCT}f} [{lo:+.{MEAN if k == 'M' else PCT}f}, {hi:+.{MEAN if k == 'M' else PCT}f}]"
                                                  for d, lo, hi, k in zip(comparison["difference"], comparison["ci_low"], comparison["ci_high"], comparison["kind"])],
        "p": comparison["p"].map(format_p), t("col_p_bh", lang, k=len(comparison)): comparison["p_adj"].map(format_p)})


def waves_chart_data(comparison: pd.DataFrame, kind: str, names: tuple[str, str], cb: Codebook, lang: str) -> pd.DataFrame:
    """One kind of indicator ('%' or 'M') with both waves' values, for grouped bars."""
    part = comparison[comparison["kind"] == kind]
    return pd.DataFrame({t("col_indicator", lang): [headline_label(i, cb, lang) for i in part["id"]],
                         names[0]: part["a"].to_numpy(), names[1]: part["b"].to_numpy()})


def headline_label(fid: str, cb, lang: str) -> str:
    """A readable name for a headline indicator: the codebook's text of its variable or scale."""
    variable = dict((f, v) for f, v, _ in HEADLINE_SHARES).get(fid, fid)
    group = {"use_work_weekly": "group_weekly_plus", "use_free_weekly": "group_weekly_plus", "use_work_daily": "group_daily"}
    return cb.text(variable, lang) + (f": {t(group[fid], lang)}" if fid in group else "")


def estimators_table(comparison: pd.DataFrame, cb: Codebook, lang: str) -> pd.DataFrame:
    """sem.compare_estimators side by side: one column per estimator, rows N, χ² (df), scaling factor,
    CFI, TLI, RMSEA [90% CI], SRMR and each path's standardized β (p)."""
    rows = {"N": [str(int(n)) for n in comparison["n"]],
            "χ² (df)": [f"{c:.{STAT}f} ({int(df)})" for c, df in zip(comparison["chi2"], comparison["df"])],
            "p (χ²)": comparison["p"].map(format_p).tolist(),
            t("stat_scaling", lang): ["" if pd.isna(c) else f"{c:.{COEF}f}" for c in comparison["scaling"]],
            "CFI": [f"{v:.{COEF}f}" for v in comparison["cfi"]], "TLI": [f"{v:.{COEF}f}" for v in comparison["tli"]],
            "RMSEA [90% CI]": [f"{v:.{COEF}f} [{lo:.{COEF}f}, {hi:.{COEF}f}]" for v, lo, hi in zip(comparison["rmsea"], comparison["rmsea_low"], comparison["rmsea_high"])],
            "SRMR": [f"{v:.{COEF}f}" for v in comparison["srmr"]]}
    for column in [c for c in comparison.columns if c.startswith("beta ")]:
        outcome, predictor = column.removeprefix("beta ").split("~")
        rows[f"β {cb.text(outcome, lang)} ← {cb.text(predictor, lang)}"] = [
            f"{b:.{COEF}f} ({format_p(p)})" for b, p in zip(comparison[column], comparison[f"p {outcome}~{predictor}"])]
    names = [t(f"estimator_{e}_{m}", lang) for e, m in zip(comparison["estimator"], comparison["missing"])]
    return pd.DataFrame(rows, index=names).T.rename_axis(t("col_statistic", lang)).reset_index()


def htmt_table(matrix: pd.DataFrame, cb: Codebook, lang: str) -> pd.DataFrame:
    """sem.htmt as the factor x factor lower triangle with the factors' names, values above HTMT_MAX
    (.85) marked '!'."""
    from helpers.analysis.sem import HTMT_MAX

    out = matrix.map(lambda v: "" if pd.isna(v) else f"{v:.{COEF}f}" + (" !" if v > HTMT_MAX else ""))
    out.index = [cb.text(f, lang) for f in matrix.index]
    out.columns = [cb.text(f, lang) for f in matrix.columns]
    return out.rename_axis(t("col_scale", lang)).reset_index()


def strata_display(strata: pd.DataFrame, cb: Codebook, name: str, lang: str, min_cell: int) -> pd.DataFrame:
    """weighting.strata_table for the reader: stratum label, population and sample shares (%), n, the
    weight and what happened to the stratum; the strata's counts protected as one set (they add up to N)."""
    labels = cb.labels(name, lang)
    hidden = suppress(strata["n"], min_cell)
    return pd.DataFrame({
        t("col_stratum", lang): [labels.get(s, str(s)) for s in strata["stratum"]],
        f"% {t('col_population', lang)}": (100 * strata["population_share"]).round(PCT).to_numpy(),
        "n": shown_counts(strata["n"], hidden).to_numpy(), "% n": hidden_as_mark(100 * strata["sample_share"], hidden),
        t("col_weight", lang): strata["weight"].round(COEF).astype(object).mask(hidden.to_numpy(), HIDDEN).to_numpy(),
        t("col_status", lang): [t("strata_kept" if s == "kept" else "strata_no_respondents", lang) for s in strata["status"]]})
