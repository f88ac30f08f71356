"""The report's published claims (data/published.yaml) judged against what this run computes.

Each claim says what it claims (a value with its rounding and base, a bound, a direction, a
significance, a star pattern, a ranking, 'only these are significant'; see published.yaml's header),
and the verdict checks all of it. Statuses (``legend`` explains them on each page):

- *agrees*: every part of the claim holds (a value within tolerance; a direction with the claimed sign;
  a significance at the claimed threshold; the claimed ranking);
- *differs*: some part does not: a reversed direction or a lost significance differs whatever the
  value, and the note says which parts;
- *not shown*: the cell of the page's table that prints the reproduced figure is hidden (``hidden_cells``:
  the page's own hidden_<column> flags, so a verdict hides exactly what its page hides), or the figure
  could not be computed (too few respondents): it is never counted as agreeing;
- *report inconsistent*: the report contradicts itself on this figure, found here from the published
  figures alone, and the note names both places: a percentage or mean that no whole count of its
  published base gives at its printed rounding (GRIM, Brown & Heathers, 2017), a scale mean that is
  not the average of its own item means, or words whose reading its own printed figures do not bear out
  (``words_against_figures``);
- *not judged*: wording no figure of the data can bear out or refute (kind ``unjudged``), with its reason.

The sentences a page quotes (``quotes``) name the claims they rest on; Chapter.quote shows their verdicts.

Tolerances (``tolerance``), by regime (``regime_of``): on a **real** export the study's own data are
re-analysed, so a value must match the printed one up to half a unit of its last printed digit plus
one respondent's worth of its published base (``MARGIN`` / N: 100/N points for a percentage, 4/N for a
mean or SD on a 1-5 scale, 2/N for alpha or r; N = the row's base, else the sample's 478), which covers
a respondent more or less in a base the report does not spell out. On a **synthetic** export the
tolerance is the generator's documented accuracy (``SYNTHETIC``: margins exact up to largest-remainder
rounding, item moments by discretisation, alphas and correlations by calibration). A `tolerance` in
published.yaml (the report's loose wording, 'about 90%') applies in both.

>>> compare({"sample.respondents": 478}, lang="en", regime="real")     # doctest: +SKIP
"""
from __future__ import annotations

import math
import re
from functools import lru_cache
from typing import NamedTuple

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from helpers.analysis.reproduction import (
    LITERACY,
    NEEDS_OPTIONS,
    NEEDS_SHARES,
    SAMPLE_CATEGORIES,
    SELECTIONS,
    STANDARDS,
    SUMMARY_SHARES,
    TASK_SHARES,
    USAGE_SHARES,
    USE_GROUPS,
    UTAUT,
    Effect,
    agree_shares,
    population_gap,
)
from helpers.analysis.weighting import load_population, population_source
from helpers.disclosure import share_hidden
from helpers.paths import DATA_DIR
from helpers.present.result import hidden_mask
from helpers.present.text import alpha_text, check_lang, localise, number, p_text, t

VALUE_KINDS = ("count", "percent", "mean", "sd", "alpha", "r")
DECIMALS = {"count": 0, "percent": 1, "more_than": 1, "mean": 2, "sd": 2, "alpha": 2, "r": 3}
MARGIN = {"count": 0, "percent": 100, "mean": 4, "sd": 4, "alpha": 2, "r": 2}
SYNTHETIC = {"count": 0, "percent": 0.25, "mean": 0.02, "sd": 0.03, "alpha": 0.01, "r": 0.015}
SCALE_MARGIN = 0.03   # scale mean vs the average of its item means, beyond rounding (missing answers)
STATUSES = ("agrees", "differs", "not_shown", "inconsistent", "not_judged")


@lru_cache(maxsize=1)
def load_source() -> dict:
    return yaml.safe_load((DATA_DIR / "published.yaml").read_text(encoding="utf-8"))


def named(code: str, lang: str) -> str:
    """What an option or scale code of a claim is called in `lang` (published.yaml `names`; the code itself
    where it has no name, which the tests do not allow)."""
    return load_source()["names"].get(code, {}).get(lang, code)


def names_in(text: str, lang: str) -> str:
    """A claim's direction ('time_saving > answering') with its codes named."""
    return re.sub(r"[A-Za-z_]+", lambda match: named(match.group(0), lang), text)


def section_rank(code: str) -> tuple:
    """A report section's place in the report: key findings, method, the numbered sections, conclusion."""
    named = {"key": -2, "method": -1, "conclusion": 99}
    return (named[code],) if code in named else tuple(int(part) for part in str(code).split("."))


def section_name(code: str, lang: str) -> str:
    """A report section as a page shows it: its number and title ('1.1 Werk vs. vrije tijd'), or its title
    where the report gives it no number."""
    return t(f"section_{code}".replace(".", "_"), lang)


@lru_cache(maxsize=1)
def load_published() -> pd.DataFrame:
    """One row per published claim: id, section, kind, value, decimals, base (n), tolerance, nl, en, ..."""
    source = load_source()
    table = pd.DataFrame(source["figures"]).set_index("id")
    if table.index.duplicated().any():
        raise ValueError(f"data/published.yaml repeats ids {table.index[table.index.duplicated()].tolist()}")
    for column in ("decimals", "base", "tolerance", "direction", "p_below", "p_not_below", "order", "source", "family", "reason",
                   "printed_from", "words"):
        if column not in table:
            table[column] = None
    table["decimals"] = table["decimals"].fillna(table["kind"].map(DECIMALS))
    table["base_n"] = table["base"].map(lambda b: source["bases"][b]["n"] if isinstance(b, str) else math.nan)
    return table


@lru_cache(maxsize=1)
def quotes() -> dict[str, dict]:
    """The report's sentences the pages quote, by id (published.yaml `quotes`: nl, en, page, section, claims)."""
    listed = load_source()["quotes"]
    ids = [q["id"] for q in listed]
    if len(set(ids)) < len(ids):
        raise ValueError(f"data/published.yaml repeats quote ids {sorted({i for i in ids if ids.count(i) > 1})}")
    unknown = sorted({fid for q in listed for fid in q["claims"]} - set(load_published().index))
    if unknown:
        raise KeyError(f"data/published.yaml: quotes rest on claims not among the figures: {unknown}")
    return {q["id"]: q for q in listed}


def quote(quote_id: str) -> dict:
    """One quoted sentence of the report (`quotes`); a clear KeyError naming the known ids otherwise."""
    if quote_id not in quotes():
        raise KeyError(f"no quote {quote_id!r} in data/published.yaml; known: {', '.join(quotes())}")
    return quotes()[quote_id]


def place(name: str, lang: str) -> str | None:
    """Where the table or figure kept as `name` has its counterpart in the published report (its number, or
    its section and title), in `lang`; None when the report has none (published.yaml's `places`)."""
    found = load_source().get("places", {}).get(name)
    return found[lang] if found else None


def regime_of(df: pd.DataFrame) -> str:
    """'synthetic' when the data's provenance says it was generated, otherwise 'real'."""
    return "synthetic" if df.attrs.get("provenance", {}).get("synthetic") else "real"


def tolerance(row: pd.Series, regime: str) -> float:
    """The absolute tolerance of a value claim in a regime (NaN for claims that are not values)."""
    if row["kind"] not in VALUE_KINDS:
        return math.nan
    if pd.notna(row["tolerance"]):
        return float(row["tolerance"])
    if regime == "synthetic":
        return SYNTHETIC[row["kind"]]
    base = row["base_n"] if pd.notna(row["base_n"]) else load_source()["bases"]["sample"]["n"]
    return 0.5 * 10 ** -int(row["decimals"]) + MARGIN[row["kind"]] / base


# --- The report against itself ------------------------------------------------------------------

def whole_counts(value: float, base: int, unit: float) -> tuple[int, int]:
    """The whole counts k (of `base`) nearest to `value` = k * unit / base from below and above."""
    exact = value * base / unit
    return math.floor(exact + 1e-9), math.ceil(exact - 1e-9)


def grim_possible(value: float, decimals: int, base: int, unit: float) -> bool:
    """GRIM: whether some whole count k of `base` gives `value` at its printed rounding (percentages:
    unit 100, k respondents; means of whole-number answers: unit 1, k the sum of the answers)."""
    half = 0.5 * 10**-decimals
    low, high = math.ceil((value - half) * base / unit - 1e-9), math.floor((value + half) * base / unit + 1e-9)
    return low <= high


def contradictions(lang: str) -> dict[str, tuple[str, list[float], str]]:
    """Figures the report contradicts itself on: a note that names both places, the values the other place
    implies (the nearest whole counts of the base; the average of the item means; what its own printed figures
    give for a reading of its words) and the claim whose tolerance says how near a reproduction is to them."""
    table = load_published()
    notes = {}
    for fid, row in table[table["kind"].isin(["percent", "mean"]) & table["base_n"].notna() & table["tolerance"].isna()].iterrows():
        unit = 100 if row["kind"] == "percent" else 1
        decimals, base = int(row["decimals"]), int(row["base_n"])
        if not grim_possible(float(row["value"]), decimals, base, unit):
            below, above = whole_counts(float(row["value"]), base, unit)
            sign = "%" if unit == 100 else ""
            note = t("published_note_grim", lang, value=number(row["value"], decimals, lang) + sign, section=row["section"],
                     label=row[lang], n=base, place=load_source()["bases"][row["base"]][lang], below=below, above=above,
                     below_value=number(below * unit / base, decimals, lang) + sign,
                     above_value=number(above * unit / base, decimals, lang) + sign)
            notes[fid] = (note, [below * unit / base, above * unit / base], fid)
    for fid, row in table[table["kind"] == "mean"].iterrows():
        prefix = fid.removesuffix(".mean")
        items = table[table.index.str.fullmatch(re.escape(prefix) + r"_\d+\.mean")]
        if len(items) < 2:
            continue
        average = items["value"].astype(float).mean()
        if abs(float(row["value"]) - average) > 0.005 + 0.005 + SCALE_MARGIN:
            notes[fid] = (t("published_note_scale", lang, label=row[lang], value=number(row["value"], 2, lang), section=row["section"],
                            appendix=place(load_source()["appendices"][prefix.split(".")[0]], lang),
                            items="; ".join(number(v, 2, lang) for v in items["value"]), average=number(average, 2, lang)), [average], fid)
    return notes | words_against_figures(table, lang)


def words_against_figures(table: pd.DataFrame, lang: str) -> dict[str, tuple[str, list[float], str]]:
    """The report's words, read as a claim (data/ASSUMPTIONS.md, readings), judged on its own printed figures: a
    scale 'below the middle' on the printed mean, SD and base (a one-sample t from them), 'in proportion' on the
    printed shares of Table 3 and the staff counts of its footnotes (`printed_from`). Where the printed figures do
    not bear the reading out, the report contradicts itself: the note names both places."""
    notes = {}
    for fid, row in table[table["kind"] == "test"].iterrows():
        middle = re.fullmatch(r"(\w+) [<>] ([\d.]+)", str(row["direction"]))
        means = table.index[table.index.str.fullmatch(rf"(?!key|conclusion)\w+\.{middle.group(1)}\.mean")] if middle else []
        if len(means) != 1:
            continue
        mean_id = means[0]
        mean, sd = float(table.loc[mean_id, "value"]), float(table.loc[mean_id.replace(".mean", ".sd"), "value"])
        n = int(table.loc[mean_id, "base_n"]) if pd.notna(table.loc[mean_id, "base_n"]) else int(load_source()["bases"]["sample"]["n"])
        t_value = (mean - float(middle.group(2))) / (sd / math.sqrt(n))
        p = float(2 * stats.t.sf(abs(t_value), n - 1))
        failed = judge(row, Effect(mean - float(middle.group(2)), p), math.nan)
        if failed:
            note = t("published_note_midpoint", lang, section=section_name(row["section"], lang),
                     where=section_name(table.loc[mean_id, "section"], lang), mean=number(mean, 2, lang), sd=number(sd, 2, lang),
                     n=number(n, 0, lang), t=number(t_value, 2, lang), p=localise(p_text(p), lang),
                     failed="; ".join(t(f"published_note_{part}", lang) for part in failed))
            notes[fid] = (note, [mean - float(middle.group(2))], mean_id)
    for fid, row in table[table["printed_from"].map(lambda v: isinstance(v, list))].iterrows():
        shares = {SAMPLE_CATEGORIES[other][1]: float(table.loc[other, "value"]) for other in row["printed_from"]}
        variable = SAMPLE_CATEGORIES[row["printed_from"][0]][0]
        population = load_population()[variable]
        gap = population_gap(shares, population["counts"])
        if judge(row, gap, tolerance(row, "real")):
            total = sum(population["counts"].values())
            note = t("published_note_population", lang, section=section_name(row["section"], lang),
                     shares="; ".join(f"{table.loc[other, lang]} = {number(table.loc[other, 'value'], 1, lang)}" for other in row["printed_from"]),
                     population="; ".join(f"{number(100 * n / total, 1, lang)}%" for n in population["counts"].values()),
                     source=population_source(variable, lang), gap=number(gap, 1, lang))
            notes[fid] = (note, [gap], fid)
    return notes


# --- One claim ----------------------------------------------------------------------------------

def claim(row: pd.Series, lang: str) -> str:
    """How the report states it: a value, '> 70', 'work > free, p < .001', 'first: skills', ..."""
    kind, value = row["kind"], row["value"]
    if kind in VALUE_KINDS:
        return f"{float(value):.{int(row['decimals'])}f}"
    if kind == "more_than":
        return f"> {float(value):g}"
    if kind == "stars":
        return str(value)
    if kind == "ranking":
        names = ", ".join(named(code, lang) for code in value)
        return t(f"published_{row['order'] if isinstance(row['order'], str) else 'first'}", lang, names=names, k=len(value))
    if kind == "only":
        return t("published_only", lang, names=", ".join(named(code, lang) for code in value), alpha=alpha_text(row["p_below"]))
    if kind == "unjudged":
        return t("published_in_words", lang)
    parts = [names_in(row["direction"], lang)] if isinstance(row["direction"], str) else []
    if pd.notna(row["p_below"]):
        parts.append(f"p < {alpha_text(row['p_below'])}")
    if pd.notna(row["p_not_below"]):
        parts.append(f"p ≥ {alpha_text(row['p_not_below'])}")
    return ", ".join(parts)


def ranked(row: pd.Series, values: dict) -> list[str]:
    """The names of a ranking claim's options, from the claimed end (highest first, or lowest first; a
    claim with `order: top` names the highest ones in any order)."""
    return sorted(values, key=values.get, reverse=row["order"] != "last")


def shown(row: pd.Series, value, lang: str) -> str:
    """A reproduced ranking or set as its claim is published: the options named, the claimed end first."""
    if row["kind"] == "ranking":
        return ", ".join(named(code, lang) for code in ranked(row, value)[: len(row["value"]) + 1]) + ", …"
    return ", ".join(named(code, lang) for code, p in value.items() if p < row["p_below"]) or "–"


def missing(value) -> bool:
    """Nothing reproduced: NaN, a test without a p, a ranking without values."""
    if isinstance(value, Effect):
        return pd.isna(value.p) or pd.isna(value.estimate)
    if isinstance(value, dict):
        return not value or any(pd.isna(v) for v in value.values())
    return pd.isna(value)


def judge(row: pd.Series, value, tol: float) -> list[str]:
    """The parts of the claim the reproduced value does not bear out (none: it agrees): 'reversed',
    'not_significant', 'significant', 'outside', 'order', 'set' or 'stars'; a test can fail on two."""
    kind, published = row["kind"], row["value"]
    if kind in VALUE_KINDS:
        return [] if abs(value - float(published)) <= tol + 1e-9 else ["outside"]
    if kind == "more_than":
        return [] if value > float(published) else ["outside"]
    if kind == "stars":
        return [] if STANDARDS[row["family"]].stars(value) == published else ["stars"]
    if kind == "ranking":
        first = ranked(row, value)[: len(published)]
        return [] if (sorted(first) == sorted(published) if row["order"] == "top" else first == list(published)) else ["order"]
    if kind == "only":
        return [] if sorted(k for k, p in value.items() if p < row["p_below"]) == sorted(published) else ["set"]
    return [part for part, fails in (
        ("reversed", isinstance(row["direction"], str) and value.estimate * (1 if ">" in row["direction"] else -1) <= 0),
        ("not_significant", pd.notna(row["p_below"]) and not value.p < row["p_below"]),
        ("significant", pd.notna(row["p_not_below"]) and value.p < row["p_not_below"])) if fails]


def verdict(fid: str, row: pd.Series, value, hidden: set[str], tol: float, contradicted: dict, lang: str) -> tuple[str, str]:
    """Status and note of one claim: wording no figure can judge first ('not judged', with its reason), then
    hidden or missing; a claim the report contradicts itself on is 'report inconsistent' when the reproduced
    value is within tolerance of either place (it does not blame the reproduction), and 'differs' when it is
    far from both (`contradicted`: note, the values the other place implies, their tolerance)."""
    if row["kind"] == "unjudged":
        return "not_judged", row["reason"][lang]
    if fid in hidden:
        return "not_shown", t("published_note_hidden", lang)
    if missing(value):
        return "not_shown", t("published_note_missing", lang)
    failed = judge(row, value, tol)
    parts = "; ".join(t(f"published_note_{part}", lang) for part in failed)
    if fid in contradicted:
        note, implied, near = contradicted[fid]
        reproduced = value.estimate if isinstance(value, Effect) else value
        if not failed or any(abs(reproduced - other) <= near + 1e-9 for other in implied):
            return "inconsistent", note
        return "differs", f"{parts}; {note}"
    return ("differs", parts) if failed else ("agrees", "")


def restated(section: str) -> dict[str, str]:
    """The claims of a section that restates others (the key findings, the conclusion): each claim's id and
    the id of the figure it is judged on (its `source`, a claim of a body section computed by that
    section's chapter). The summary chapters compute those figures and judge them against their own claims."""
    table = load_published()
    rows = table[(table["section"] == section) & table["source"].notna()]
    unknown = sorted(set(rows["source"]) - set(table.index))
    if unknown:
        raise KeyError(f"data/published.yaml: sources not among the claims: {unknown}")
    return dict(zip(rows.index, rows["source"]))


def restate(section: str, body: dict) -> dict:
    """A summary section's claims with the figures they are judged on: each its source's figure in `body`
    (the body chapters' figures; a claim without a source, its own id's), NaN ('not shown') where that figure
    could not be computed; None for a claim no figure judges (kind unjudged)."""
    table, sources = load_published(), restated(section)
    return {fid: None if row["kind"] == "unjudged" else body.get(sources.get(fid, fid), math.nan)
            for fid, row in table[table["section"] == section].iterrows()}


# --- The table ----------------------------------------------------------------------------------

# --- Where a page prints what a claim is judged on -----------------------------------------------------------

class Cell(NamedTuple):
    """A figure as a page prints it: in the result named `table` (its CSV download, ch.results), the rows whose
    columns have the values in `rows` (a tuple: any of them), in `column`, whose hidden_<column> flags say what
    the page hides. `summed`: a share summed over those rows' answers, printed nowhere as one cell: hidden where
    one of its answers is hidden (with the shown ones it would give a hidden one away) or it or its complement
    is small (disclosure.share_hidden)."""
    table: str
    rows: dict
    column: str
    summed: bool = False


TASK_COLUMNS = {(4,): "share_often", (4, 5): "share_often_always", (1, 2): "share_rarely_never"}   # tables.LIKERT_SHARES
OPTION_CELLS = {   # a ranking's option as its table prints it: (table, column of the option, figure's column)
    "reasons.work.first": ("never_reason", "option", "percent"), "reasons.free.first": ("never_reason", "option", "percent"),
    "systems.work.first": ("system", "option", "percent"), "systems.free.first": ("system", "option", "percent"),
    "paid.first": ("paid", "option", "percent"), "pros.first": ("pro", "variable", "mean"), "cons.first": ("con", "variable", "mean"),
    "needs.form.first": ("learn_form", "code", "percent"), "needs.location.first": ("learn_location", "code", "percent"),
    "needs.support.first": ("support", "variable", "mean"), "needs.support.last": ("support", "variable", "mean"),
    "lit.first": ("literacy_scales", "variable", "mean"), "lit.last": ("literacy_scales", "variable", "mean"),
    "utaut.last": ("utaut_scales", "variable", "mean"), "places.top": ("places", "label", "n"),
}


def option_row(fid: str, option: str) -> dict:
    """The row of a ranking's option in its table: its context and option, its item, or its answer code."""
    table, key, _ = OPTION_CELLS[fid]
    if key == "option":
        return {"option": option} | ({"context": fid.split(".")[1]} if fid.split(".")[1] in ("work", "free") else {})
    if key == "code":
        return {"code": float(next(code for code, o in NEEDS_OPTIONS[table].items() if o == option))}
    if key == "label":
        return {"label": option}
    return {"variable": option if table.endswith("_scales") else f"{table}_{option}"}


def printed_cells(fid: str, value) -> list[Cell]:
    """The cells of the pages' tables that print the figure claim `fid` is judged on (a summary's claim: its
    source's): one for a value, as many as a ranking claims (the options first in this run's order: a ranking
    states no value, but its first options say something of their respondents), none for a claim of
    significance (a test runs on every answer; a p is no cell)."""
    table = load_published()
    source = table.loc[fid, "source"] if fid in table.index else None
    fid = source if isinstance(source, str) else fid
    row = table.loc[fid]
    if row["kind"] in ("test", "only", "unjudged"):
        return []
    if row["kind"] == "ranking":
        name, _, column = OPTION_CELLS[fid]
        return [Cell(name, option_row(fid, option), column) for option in ranked(row, value)[: len(row["value"])]]
    if isinstance(row["printed_from"], list):   # the largest difference of the sample's shares from the population's
        variable = SAMPLE_CATEGORIES[row["printed_from"][0]][0]
        return [Cell(f"{variable}_vs_population", {"code": float(code)}, "difference") for code in load_population()[variable]["counts"]]
    for spec, cell in ((SAMPLE_CATEGORIES, sample_cell), (USAGE_SHARES, usage_cell), (agree_shares(), agree_cell),
                       (TASK_SHARES | SUMMARY_SHARES, task_cell), (NEEDS_SHARES, needs_cell)):
        key = fid.removesuffix("_n") if spec is SAMPLE_CATEGORIES else fid
        if key in spec:
            return [cell(fid, spec[key])]
    return [cell for cell in (other_cell(fid),) if cell is not None]


def sample_cell(fid: str, spec: tuple) -> Cell:
    variable, code, _ = spec
    return Cell(variable, {"code": float(code)}, "n" if fid.endswith("_n") else "percent")


def usage_cell(fid: str, spec: tuple) -> Cell:
    variable, codes = spec
    if variable == "paid_work":
        return Cell("paid_work", {"code": float(codes[0])}, "percent")
    group = fid.split(".")[-1]
    if group in USE_GROUPS:
        return Cell("usage_groups", {"variable": variable, "group": group}, "percent")
    return Cell("usage_frequency", {"variable": variable, "code": tuple(float(c) for c in codes)}, "n", summed=True)


def agree_cell(fid: str, spec: tuple) -> Cell:
    variable, _ = spec
    table = "pros_agree_cons_agree" if variable in ("pros_agree", "cons_agree") else variable.split("_")[0]
    return Cell(table, {"variable": variable}, "share_agree")


def task_cell(fid: str, spec: tuple) -> Cell:
    variable, codes = spec
    return Cell("task", {"variable": variable}, TASK_COLUMNS[tuple(codes)])


def needs_cell(fid: str, spec: tuple) -> Cell:
    variable, codes = spec
    if len(codes) == 1:
        return Cell(variable, {"code": float(codes[0])}, "percent")
    return Cell(variable, {"code": tuple(float(c) for c in codes)}, "n", summed=True)


def other_cell(fid: str) -> Cell | None:
    """The cells of the other published values: the sample's counts, age, start years and proportion to the
    population; the multiple-response shares; the items and scales of 1.2, 2, 3 and 4; the correlations of 2.1;
    the structural model's betas. None for an id no table prints."""
    parts = fid.split(".")
    prefixes = {prefix: block for block, (prefix, _) in SELECTIONS.items()}
    block = next((b for prefix, b in prefixes.items() if fid.startswith(prefix)), None)
    if block is not None:
        return Cell(block.rsplit("_", 1)[0] if block.endswith(("_work", "_free")) else block,
                    {"variable": f"{block}_{parts[-1]}"}, "percent")
    if fid in ("sample.responses", "sample.respondents"):
        return Cell("exclusion_flow", {"step": "input" if fid == "sample.responses" else "kept"}, "remaining")
    if fid == "sample.age.mean":
        return Cell("age", {"variable": "age"}, "mean")
    if fid.startswith("sample.start_after_"):
        after = int(parts[-1].removeprefix("start_after_"))
        return Cell("chart_1_start_year", {"year": tuple(str(y) for y in range(after + 1, after + 100))}, "n", summed=True)
    if fid.startswith("usage.") and fid.endswith(("never_n", "users_n")):
        variable = f"use_{parts[1]}"
        return Cell("usage_frequency", {"variable": variable, "code": 1.0 if fid.endswith("never_n") else 2.0},
                    "n" if fid.endswith("never_n") else "base_users")
    if parts[0] in ("pros", "cons") and parts[-1] in ("mean", "sd"):
        return Cell(parts[0].removesuffix("s"), {"variable": f"{parts[0].removesuffix('s')}_{parts[1]}"}, parts[-1])
    if fid.startswith("needs.support.") and parts[-1] in ("mean", "sd"):
        return Cell("support", {"variable": f"support_{parts[2]}"}, parts[-1])
    if parts[0] in ("lit", "utaut") and parts[-1] in ("mean", "sd", "alpha"):
        scales = {"lit": ("literacy_scales", "appendix_1", LITERACY), "utaut": ("utaut_scales", "appendix_2", UTAUT)}[parts[0]]
        return Cell(scales[0] if parts[1] in scales[2] else scales[1], {"variable": parts[1]}, parts[-1])
    if parts[0] == "role":
        return Cell("role_literacy_correlations_exact", {"x": parts[1], "y": parts[2]}, "r" if parts[-1] == "r" else "p")
    if fid.startswith("sem.contributes."):
        return Cell("sem_paths", {"outcome": "bi", "predictor": parts[-1]}, "std")
    return None


def hidden_cells(computed: dict, printed, min_cell: int) -> set[str]:
    """The claims of `computed` whose figure the page's tables hide (printed_cells): `printed(name)` is the
    result frame of the table `name` as the page prints it (hidden values NaN, flagged hidden_<column>), so a
    verdict hides exactly what its page hides, never a value the page prints."""
    hidden = set()
    for fid, value in computed.items():
        if missing(value):   # not computed: nothing printed to hide ('not shown' by verdict)
            continue
        for cell in printed_cells(fid, value):
            frame = printed(cell.table)
            rows = np.logical_and.reduce([frame[c].isin(v if isinstance(v, tuple) else (v,)).to_numpy() for c, v in cell.rows.items()]
                                         + [np.ones(len(frame), dtype=bool)])
            if not rows.any():   # an answer nobody gave: the table prints no row for it, and hides nothing
                continue
            flagged = hidden_mask(frame, cell.column)[rows].any()
            small = cell.summed and bool(share_hidden(frame.loc[rows, "n"].sum(), frame.loc[rows, "base"].iloc[0], min_cell))
            if flagged or small:
                hidden.add(fid)
    return hidden


def verdicts(computed: dict, lang: str = "nl", hidden: set[str] = frozenset(), regime: str = "real") -> pd.DataFrame:
    """Each claim's verdict, tidy, one row per claim (index: its id): report section, the figure, its kind and
    decimals as published; for a claim of a number its `published` and `reproduced` values and their
    `difference` (of the two as printed: the reproduced value rounded as its claim is published), for any other
    claim (a test, a ranking, stars) how the report states it and what was found, as text (`published_claim`,
    `reproduced_claim`), and for a claim of significance its `family` (whose standard, reproduction.STANDARDS,
    says which p is judged: as tested or adjusted); the tolerance, `status` (one of STATUSES) and a note.

    Figures computed but not published are refused (a typo would otherwise pass unseen). `hidden` ids rest on
    small cells: neither their value nor their difference is shown, and their status is 'not_shown'.
    `regime` ('real' or 'synthetic', see regime_of) sets the tolerances; attrs['regime'] records it.
    """
    check_lang(lang)
    if regime not in ("real", "synthetic"):
        raise ValueError(f"regime must be 'real' or 'synthetic', not {regime!r}")
    published = load_published()
    unknown = sorted(set(computed) - set(published.index))
    if unknown:
        raise KeyError(f"not in data/published.yaml: {unknown}")
    contradicted = {fid: (note, implied, tolerance(published.loc[near], regime)) for fid, (note, implied, near) in contradictions(lang).items()}
    rows = []
    for fid, value in computed.items():
        row = published.loc[fid]
        tol = tolerance(row, regime)
        status, note = verdict(fid, row, value, hidden, tol, contradicted, lang)
        kind, visible = row["kind"], status != "not_shown"
        numeric = kind in (*VALUE_KINDS, "more_than")
        rows.append({"section": row["section"], "figure": row[lang], "kind": kind, "decimals": float(row["decimals"]),
                     "published": float(row["value"]) if numeric else math.nan,
                     "reproduced": float(value) if numeric and visible else value.estimate if kind == "test" and visible else math.nan,
                     "p": value.p if kind == "test" and visible else float(value) if kind == "stars" and visible else math.nan,
                     "difference": round(float(value), int(row["decimals"])) - float(row["value"]) if numeric and visible else math.nan,
                     "family": row["family"] if isinstance(row["family"], str) else math.nan,
                     "published_claim": claim(row, lang) if kind not in VALUE_KINDS else words(row, lang),
                     "reproduced_claim": shown(row, value, lang) if visible and kind in ("ranking", "only") else math.nan,
                     "tolerance": tol, "status": status, "note": note})
    table = pd.DataFrame(rows, index=pd.Index(list(computed), name="id"))
    table.attrs["regime"] = regime
    return table


def words(row: pd.Series, lang: str) -> str | float:
    """A value the report gives in words only ('bijna een kwart'), as the published column shows it: those words
    and the range they are read as (the claim's `words`), never a number the report did not print; NaN otherwise."""
    return row["words"][lang] if isinstance(row["words"], dict) else math.nan


def claims_view(table: pd.DataFrame, lang: str) -> pd.DataFrame:
    """verdicts() as the page prints it: the figure, the claim as published, the reproduced value at the claim's
    precision ('·' when not shown), the difference (to three decimals), the tolerance of the regime, the status
    and its note, in `lang`."""
    regime = table.attrs.get("regime", "real")

    def published(row) -> str:
        return row.published_claim if isinstance(row.published_claim, str) else f"{row.published:.{int(row.decimals)}f}"

    def judged(row) -> str:   # the p the claim's family is judged on, named when adjusted
        standard = STANDARDS[row.family]
        return f"{p_text(row.p)}, {t(f'adjusted_{standard.p}', lang)}" if standard.adjusted else p_text(row.p)

    def reproduced(row) -> str:
        if isinstance(row.reproduced_claim, str):
            return row.reproduced_claim
        if row.kind == "stars":
            return "·" if pd.isna(row.p) else f"{judged(row)} ({STANDARDS[row.family].stars(row.p)})"
        if pd.isna(row.reproduced):
            return "·"
        return f"{row.reproduced:+.2f}, {judged(row)}" if row.kind == "test" else f"{row.reproduced:.{int(row.decimals)}f}"

    return pd.DataFrame({t("col_figure", lang): table["figure"], t("col_published", lang): [published(r) for r in table.itertuples()],
                         t("col_reproduced", lang): [reproduced(r) for r in table.itertuples()],
                         t("col_claim_difference", lang): table["difference"].round(3),
                         f"{t('col_tolerance', lang)} ({t(f'published_regime_name_{regime}', lang)})": table["tolerance"].round(3),
                         t("col_status", lang): [t(f"published_status_{s}", lang) for s in table["status"]],
                         t("published_col_note", lang): table["note"]}, index=table.index)


def compare(computed: dict, lang: str = "nl", hidden: set[str] = frozenset(), regime: str = "real") -> pd.DataFrame:
    """verdicts() as printed (claims_view): published claim, reproduced value, difference, tolerance, status
    and note, one row per claim; attrs['regime'] the tolerance regime."""
    table = claims_view(verdicts(computed, lang, hidden, regime), lang)
    table.attrs["regime"] = regime
    return table


def status_counts(table: pd.DataFrame, lang: str) -> pd.Series:
    """How many claims of a compare() table have each status (all four, zeros included)."""
    labels = [t(f"published_status_{s}", lang) for s in STATUSES]
    return table[t("col_status", lang)].value_counts().reindex(labels, fill_value=0).rename("n")


def legend(lang: str, regime: str) -> str:
    """One paragraph for the page: what each status means and which tolerance regime the table used, its
    tolerances from MARGIN (real) or SYNTHETIC."""
    margins = MARGIN if regime == "real" else SYNTHETIC
    shown = {kind: localise(f"{margins[kind]:g}", lang) for kind in ("percent", "mean", "sd", "alpha", "r")}
    return t("published_legend", lang, regime=t(f"published_regime_{regime}", lang, **shown))
