"""The notebook-facing API: one object per notebook, made once from its parameters.

It carries the data, the codebook, the language, the small-cell policy and where artefacts go, and
offers the report's building blocks by what they show. Every table and figure leaves through
`table` and `figure`: numbered (Table 2.3, Figure 2.1), captioned, kept as CSV/PNG/SVG beside the
report. A notebook cell then reads like the report's sentence:

>>> ch = Usage(processed, lang="en", min_cell=5, artifacts=None)      # doctest: +SKIP
>>> ch.shares("system", "systems_title", top=6)                       # doctest: +SKIP
"""
from __future__ import annotations

import html
import re
from functools import wraps
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import Markdown, display
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from helpers.analysis import reproduction, sem, stats, weighting
from helpers.disclosure import HIDDEN, is_small, use_frequency_hidden
from helpers.ingest import io
from helpers.ingest.codebook import check_lang, load_codebook
from helpers.paths import PROCESSED_DEFAULT, slug
from helpers.prepare.analysis import analysis_data, data_dictionary
from helpers.present import findings, plots, published, report, tables
from helpers.present.result import DASH, Result, tidy
from helpers.present.text import is_key, localise, number, t


class Table:
    """A numbered table as the page shows it (a Styler with its caption), and the numbers behind it: `frame`,
    the result's tidy frame (helpers.present.result), which is also NAME.csv."""

    def __init__(self, result: Result, styler: Styler, name: str):
        self.result, self.styler, self.name = result, styler, name

    @property
    def frame(self) -> pd.DataFrame:
        return self.result.frame

    @property
    def printed(self) -> pd.DataFrame:
        """The table as printed: labels, headers and numbers as text, in the page's language."""
        return self.styler.data

    @property
    def caption(self) -> str:
        return html.unescape(self.styler.caption or "")

    def _repr_html_(self) -> str:
        return self.styler._repr_html_()


class Block:
    """What one call shows: its tables, charts and notes, one after the other; `frame` the numbers of its
    first table (or chart), `frames` those of each by name."""

    def __init__(self, *parts):
        self.parts = [p for p in parts if p is not None]

    @property
    def frames(self) -> dict[str, pd.DataFrame]:
        return {p.name: p.frame for p in self.parts if getattr(p, "frame", None) is not None}

    @property
    def frame(self) -> pd.DataFrame | None:
        return next(iter(self.frames.values()), None)

    def _ipython_display_(self) -> None:
        for part in self.parts:
            display(part)

    def _repr_html_(self) -> str:
        return "".join(p._repr_html_() if hasattr(p, "_repr_html_") else html.escape(p.data) for p in self.parts)


class Folded:
    """A part shown folded (an HTML <details>), opened by the reader: long tables after their summary."""

    def __init__(self, summary: str, part):
        self.summary, self.part = summary, part
        self.name, self.frame = getattr(part, "name", None), getattr(part, "frame", None)

    def _repr_html_(self) -> str:
        return f"<details><summary>{html.escape(self.summary)}</summary>{self.part._repr_html_()}</details>"


def guarded(block):
    """A block shown only when the respondents it describes number at least min_cell; otherwise an honest
    note that there are too few (their number is not given: it is a small cell)."""
    @wraps(block)
    def shown(self, *args, **kwargs):
        if len(self.base(kwargs.get("among"))) < max(self.min_cell, 1):
            return self.note("too_few_respondents", min_cell=self.min_cell)
        return block(self, *args, **kwargs)

    return shown


MODEL_ERRORS = (RuntimeError, ValueError, ArithmeticError, np.linalg.LinAlgError)   # a model that cannot be estimated


def estimable(block):
    """A model block that says so when the model cannot be estimated on these data (too few complete
    answers, no convergence, a singular matrix), instead of failing the report."""
    @wraps(block)
    def shown(self, *args, **kwargs):
        try:
            return guarded(block)(self, *args, **kwargs)
        except MODEL_ERRORS as err:
            return self.note("model_failed", reason=str(err).splitlines()[0] if str(err) else type(err).__name__)

    return shown


BASES = ("all", "users")
# Whom a question was asked (its routing in the codebook) is the base of its shares: the chart's axis names it.
ROUTED_AXIS = {"use_work >= 2": "axis_percent_users", "use_free >= 2": "axis_percent_users", "use_work == 1": "axis_percent_non_users",
               "use_free == 1": "axis_percent_non_users", "paid_work == 1": "axis_percent_payers"}
CHOICE_MARK = "†"   # this project's choice where the report is silent (data/ASSUMPTIONS.md), explained on each page
ASSUMPTIONS_PAGE = "assumptions.html"   # data/ASSUMPTIONS.md as a page of every run
AMONG_HELP = ("among takes 'all', 'users', a query on the data's columns (codes as in the codebook, e.g. \"gov_type == 1\") "
              "or a boolean mask of the data's rows")


def subset(data: pd.DataFrame, among) -> pd.DataFrame:
    """The rows of `data` that `among` selects: a query on its columns (pandas' DataFrame.query) or a boolean
    mask (a Series on its index, or a sequence as long as it); a clear ValueError naming `among` otherwise."""
    if isinstance(among, str):
        try:
            mask = data.eval(among)
        except Exception as err:   # pandas raises many kinds for a query that does not parse or names no column
            raise ValueError(f"among={among!r} is not a query on the data ({type(err).__name__}: {err}); {AMONG_HELP}") from None
    else:
        mask = among
    if isinstance(mask, pd.Series) and pd.api.types.is_bool_dtype(mask):
        return data[mask.reindex(data.index).fillna(False).astype(bool)]
    if not isinstance(among, str) and np.ndim(mask) == 1 and len(mask) == len(data) and all(isinstance(v, (bool, np.bool_)) for v in mask):
        return data[np.asarray(mask, dtype=bool)]
    raise ValueError(f"among={among!r} does not select rows; {AMONG_HELP}")


class Chapter:
    """One chapter of the report. Subclasses set `number` (the report's numbering of tables and figures),
    `respondents` (whom its blocks describe: 'all', or 'users' of generative AI at work), `finding_sentences`
    (what the chapter found, from helpers.present.findings), `families` (the families of claims its sentences
    judge for significance: each its p and threshold, reproduction.STANDARDS) and their own blocks. `among`
    restricts the whole chapter to a subset of respondents (a query or a mask, see `subset`): its verdicts
    against the report are then not given.

    Every block returns what it shows (a Table, a Chart, a Block of them) with its numbers (`.frame`); all
    of a chapter's numbers so far are in `results`, by name (the name of their CSV download)."""

    number = 0
    respondents = "all"
    families: tuple[str, ...] = ()

    def __init__(self, processed: str | Path | None = None, *, lang: str = "nl", min_cell: int = 5,
                 artifacts: str | Path | None = None, among=None):
        check_lang(lang)
        if isinstance(min_cell, bool) or not isinstance(min_cell, (int, np.integer)) or min_cell < 1:
            raise ValueError(f"min_cell must be a whole number of respondents, at least 1, not {min_cell!r}")
        report.setup_notebook()
        self.lang, self.min_cell, self.artifacts = lang, int(min_cell), artifacts
        self.cb = load_codebook()
        self.among = among
        self.data = self.load(processed)
        if among is not None:
            self.data = subset(self.data, among)
        self.results: dict[str, pd.DataFrame] = {}   # every table's (and chart's) numbers so far, by name
        self.assumed: dict[str, str] = {}   # this project's choices shown so far (ASSUMPTIONS.md id -> the first text marked)
        self.numbers: dict[tuple[str, str], int] = {}   # (kind, name) -> its number in the chapter
        self.numbered: list[dict] = []   # every numbered table and figure: its number, title, place in the report

    def load(self, processed) -> pd.DataFrame:
        return io.load_processed(processed or PROCESSED_DEFAULT)

    def analysis_data(self, ordinal: bool = False) -> pd.DataFrame:
        """The chapter's respondents ready for statsmodels, seaborn and pingouin (helpers.prepare.analysis):
        categories labelled in the page's language, numbers as float64 with NaN; `ordinal`: Likert items as
        ordered Categoricals."""
        return analysis_data(self.data, self.cb, self.lang, ordinal)

    def dictionary(self) -> Folded:
        """The codebook as a data dictionary, folded on the page (`.frame`: a row per variable with its question,
        item, type, answers, range, routing and scale; kept as data_dictionary.csv and .xlsx)."""
        result = Result(data_dictionary(self.cb, self.lang), tables.dictionary_view)
        shown = self.table(result, "dictionary_title", "data_dictionary")
        names = pd.DataFrame("", index=shown.printed.index, columns=shown.printed.columns)
        names.iloc[:, [0, 6, 7]] = "variable-name"   # names in the data (a variable, its routing, its scale), not words of the page
        shown.styler.set_td_classes(names)
        return Folded(self.t("dictionary_summary"), shown)

    # --- Bases -------------------------------------------------------------------------------

    @property
    def users(self) -> pd.DataFrame:
        """Respondents who use generative AI at work (the report's base for sections 1.2 and 1.3); computed
        from `data` each time, so a chapter whose data are changed describes the new rows."""
        return reproduction.users(self.data)

    def base(self, among=None) -> pd.DataFrame:
        """The respondents a block describes: 'all' or 'users' (at work); a query or mask (`subset`) selects
        among the chapter's respondents; default the chapter's respondents."""
        if among is None or isinstance(among, str) and among in BASES:
            return self.users if (among or self.respondents) == "users" else self.data
        return subset(self.base(), among)

    def subset_name(self, among) -> str:
        """How a subset is named in captions and file names: its query, or 'subset' for a mask ('' for none)."""
        if among is None or isinstance(among, str) and among in BASES:
            return ""
        return among if isinstance(among, str) else getattr(among, "name", None) or "subset"

    # --- The exits: every table and figure leaves here ---------------------------------------

    def t(self, key: str, **values) -> str:
        return t(key, self.lang, **values)

    def title(self, title: str, **values) -> str:
        """A title: a key of the message catalogue (data/messages.yaml) in the page's language, or the text given."""
        return self.t(title, **values) if is_key(title) else title

    def numbering(self, kind: str, name: str, title: str) -> tuple[str, str]:
        """The number of a `kind` ('table' or 'figure') named `name` in this chapter ('Tabel 2.3'), the same each
        time its cell runs again (a new name gets the next number), and what the caption adds: the counterpart
        in the published report (published.place) or 'not in the report'. Each is recorded, and kept as
        numbering.json for the run's landing page."""
        number = self.numbers.setdefault((kind, name), 1 + sum(k == kind for k, _ in self.numbers))
        label = f"{self.t(f'{kind}_label')} {self.number}.{number}"
        where = published.place(name, self.lang)
        entry = {"label": label, "title": title, "report": where or ""}
        labels = [e["label"] for e in self.numbered]
        if label in labels:
            self.numbered[labels.index(label)] = entry
        else:
            self.numbered.append(entry)
        report.keep_numbering(self.numbered, self.artifacts)
        return label, self.t("in_report", place=where) if where else self.t("not_in_report")

    def mark(self, text: str, choice: str | None) -> str:
        """`text` with the mark of this project's choice (`choice`: its ASSUMPTIONS.md id), recorded for the page's
        note; `text` as it is for the report's own."""
        if choice is None:
            return text
        self.assumed.setdefault(choice, text)
        return text if text.endswith(f" {CHOICE_MARK}") else f"{text} {CHOICE_MARK}"   # one mark, however many choices

    def label(self, name: str, code: int | None = None) -> str:
        """A variable's text (with `code`: that answer's label), marked where it is this project's choice."""
        text = self.cb.labels(name, self.lang)[code] if code is not None else self.cb.text(name, self.lang)
        return self.mark(text, self.cb.choice(name, code) if name in self.cb.variables else None)

    def choices_of(self, frame: pd.DataFrame) -> tuple[dict[str, str], set[str]]:
        """What of a result rests on this project's choices: its rows' labels (the frame's `assumption` column, else
        the codebook's choice of each row's variable and code) and the whole table's (a derived variable's
        grouping, the scoring of scale scores)."""
        rows, whole = {}, set()
        if "assumption" in frame:
            rows = {label: c for label, c in zip(frame["label"], frame["assumption"]) if isinstance(c, str)}
        if "variable" not in frame:
            return rows, whole
        for row in frame[[c for c in ("variable", "code", "label") if c in frame]].drop_duplicates().itertuples(index=False):
            name, code = row.variable, getattr(row, "code", None)
            code = int(code) if isinstance(code, (int, float, np.number)) and pd.notna(code) else None
            if name in self.cb.variables and (choice := self.cb.choice(name, code)) and hasattr(row, "label"):
                rows.setdefault(row.label, choice)
            elif name in self.cb.derived or name in self.cb.scales:
                whole |= {self.cb.choice(name)} - {None}
        return rows, whole

    def marked(self, frame: pd.DataFrame, chart: pd.DataFrame) -> pd.DataFrame:
        """Chart data (a `label` column) with the labels that rest on this project's choices marked, as in the
        table of the same result `frame`."""
        rows = self.choices_of(frame)[0]
        return chart.assign(label=[self.mark(text, rows.get(text)) for text in chart["label"]])

    def table(self, result: Result | pd.DataFrame, title: str, name: str, *, counts: list[str] = (),
              shares: dict[str, str] | None = None, among=None, choices: tuple[str, ...] = ()) -> Table:
        """A numbered, captioned table (with its place in the published report) and its numbers, kept as
        `name`.csv (the result's frame). A table of one's own (a DataFrame) is protected first like every table
        of the report: declare its `counts` columns and its `shares` ({share column: its count base column});
        one with an undeclared column of whole numbers is refused (tables.own_result). `title`: a catalogue
        key or plain text; `among` a subset (its name joins the caption and the file name)."""
        if isinstance(result, pd.DataFrame):
            result = tables.own_result(result, list(counts), shares or {}, self.min_cell)
        part = self.subset_name(among) or self.subset_name(self.among)
        name = f"{name}_{slug(part)}" if self.subset_name(among) else name
        title = self.title(title) + (f" ({self.t('among', subset=part)})" if part else "")
        label, where = self.numbering("table", name, title)
        result.frame = tidy(result.frame)
        rows, whole = self.choices_of(result.frame)
        printed = result.printed(self.lang)
        for column in printed.columns[printed.isin(list(rows)).any()]:   # the columns that print a marked label
            printed[column] = [self.mark(text, rows.get(text)) if isinstance(text, str) else text for text in printed[column]]
        for choice in sorted(whole | set(choices)):
            title = self.mark(title, choice)
        caption = f"{label}. {title} ({where})"
        self.results[name] = result.frame
        report.keep_frame(result.frame, name, self.artifacts)
        report.keep_workbook(printed, self.about(caption, name), name, self.artifacts, self.lang)
        return Table(result, tables.styled(printed, caption, self.lang), name)

    def about(self, caption: str, name: str) -> dict[str, str]:
        """What a downloaded table says of itself: its caption, source, whether the data are synthetic, its base,
        the hidden-value mark and how its numbers are rounded."""
        provenance = self.data.attrs.get("provenance", {})
        base = re.search(r"\(N=([^)]+)\)", caption)
        return {self.t("about_table"): caption,
                self.t("about_source"): self.t("about_source_text", file=provenance.get("file", "")),
                self.t("about_data"): self.t("chart_data_synthetic" if provenance.get("synthetic", True) else "chart_data_real"),
                self.t("about_base"): f"N = {base.group(1)}" if base else self.t("about_base_rows"),
                self.t("about_mark"): self.t("small_cell_note", min_cell=self.min_cell),
                self.t("about_numbers"): self.t("about_numbers_text", name=name)}

    def figure(self, fig: Figure, name: str, n: int | str | None = None, note: str = "", among=None,
               frame: pd.DataFrame | None = None) -> report.Chart:
        """A numbered figure (its title drawn in the chart), with its base (`n`, default the respondents it
        describes), source and `note` under it, and what the mark of a hidden value means when it shows one
        (so the image explains itself where it is downloaded); its numbers in the page's language; kept as
        `name`.png and .svg. A chart without a table of its own numbers passes them as `frame` (kept as
        `name`.csv, and in `results`)."""
        n = len(self.base(among)) if n is None else n
        n = HIDDEN if isinstance(n, (int, np.integer)) and is_small(n, self.min_cell) else n   # never a small base
        if n == HIDDEN or plots.shows_hidden(fig):
            note = f"{note} {self.t('chart_hidden_note', min_cell=self.min_cell)}".strip()
        synthetic = self.data.attrs.get("provenance", {}).get("synthetic", True)
        footer = self.t("chart_footer", note=note, n=number(n, 0, self.lang) if isinstance(n, (int, np.integer)) else n,
                        data=self.t("chart_data_synthetic" if synthetic else "chart_data_real"))
        name = f"{name}_{slug(self.subset_name(among))}" if self.subset_name(among) else name
        chart = report.keep(plots.finish(fig, footer.strip(), self.lang), name, self.artifacts)
        title = " ".join(fig._suptitle.get_text().split()) if fig._suptitle is not None else chart.alt
        label, where = self.numbering("figure", name, title)
        chart.caption, chart.name = f"{label} ({where})", name
        if frame is not None:
            chart.frame = self.results[name] = frame
            report.keep_frame(frame, name, self.artifacts)
        return chart

    def note(self, key: str, **values) -> Markdown:
        return report.note(key, self.lang, **values)

    # --- Building blocks ---------------------------------------------------------------------

    @guarded
    def frequencies(self, name: str, title: str, among=None, sort: bool = False, chart: bool = False) -> Block:
        """A single-choice question: n and % per answer, total last (largest first with `sort`), with
        horizontal bars of the shares when `chart`."""
        df = self.base(among)
        result = tables.choice_result(df, name, self.cb, self.lang, self.min_cell, sort=sort)
        heading = tables.with_n(self.title(title), int(df[name].notna().sum()), self.min_cell)
        answered = self.marked(result.frame, result.frame[result.frame["code"].notna()])
        figure = self.figure(plots.grouped_bars(answered, "label", ["percent"], heading, self.t("axis_percent")),
                             name, n=int(df[name].notna().sum()), among=among) if chart else None
        return Block(self.table(result, heading, name, among=among), figure)

    @guarded
    def shares(self, block: str, title: str, among=None, top: int | None = None, chart: bool = True) -> Block:
        """A multiple-response question, at work and in free time where it was asked in both (blocks
        `<block>_work`, `<block>_free`; a block asked once is about work): n and % of cases per option; the
        chart shows the `top` options of each context (all without `top`)."""
        contexts = {c: f"{block}_{c}" for c in ("work", "free") if f"{block}_{c}" in self.cb.blocks} or {"work": block}
        result = tables.multi_response_result(self.base(among), contexts, self.cb, self.lang, self.min_cell)
        chart_title = self.t(f"{title.removesuffix('_title')}_chart_title") if top and is_key(title) else self.title(title)
        shown = self.marked(result.frame, tables.option_shares(result.frame, self.lang, top))
        series = [c for c in shown.columns if c != "label"]
        routed = ROUTED_AXIS.get(self.cb.variables[self.cb.blocks[next(iter(contexts.values()))][0]].ask_if)
        axis = routed or ("axis_percent_users" if self.respondents == "users" or among == "users" else "axis_percent")
        figure = self.figure(plots.grouped_bars(shown, "label", series, chart_title, self.t(axis)),
                             block, n=tables.bases(shown) or None, among=among) if chart else None
        return Block(self.table(result, title, block, among=among), self.unanswered(self.base(among), contexts, result.frame), figure)

    def unanswered(self, df: pd.DataFrame, contexts: dict[str, str], frame: pd.DataFrame) -> Markdown | None:
        """Under a routed question's table (its ask_if), where fewer answered it than it was asked of: that its base
        (N) is who answered (the payers' 147 against the 145 who said which version). No count of the difference."""
        short = [context for context, block in contexts.items()
                 if (ask_if := self.cb[self.cb.blocks[block][0]].ask_if)
                 and (base := frame.loc[frame["context"] == context, "base"].max()) == base   # not hidden (NaN)
                 and df.eval(ask_if).fillna(False).sum() > base]
        return Markdown(self.t("unanswered_note")) if short else None

    @guarded
    def likert(self, items: str | list[str], title: str | None = None, among=None, sort: bool = False,
               chart: bool = True) -> Block:
        """Likert items (a codebook block, or a list): N, M, SD and the shares the report quotes (agree 4-5;
        for frequency scales often, often or always, rarely or never), and diverging bars. `sort`: from the
        highest mean to the lowest, as the report orders the support options."""
        df = self.base(among)
        names = self.cb.blocks[items] if isinstance(items, str) else items
        names = tables.sorted_by_mean(df, names) if sort else names
        heading = tables.with_n(self.title(title) if title else self.cb.text(items, self.lang), len(df), self.min_cell)
        name = items if isinstance(items, str) else "_".join(names)
        scale = self.cb.value_set_choices.get(self.cb[names[0]].value_set)   # the answers' wording, when it is ours
        figure = self.figure(plots.diverging_bars(df, names, [self.label(i) for i in names], self.cb.labels(names[0], self.lang),
                                                  self.mark(heading, scale), self.min_cell, self.t("pooled_answers")),
                             name, among=among) if chart else None
        return Block(self.table(tables.likert_result(df, names, self.cb, self.lang, self.min_cell), heading, name, among=among,
                                choices=(scale,) if scale else ()), figure)

    @guarded
    def paired_tests(self, family: str, among=None) -> Table:
        """The report's paired t-tests of one family (reproduction.REPORT_TTESTS), Holm-corrected within the
        family, with Cohen's d_z."""
        res = stats.paired_ttests(self.base(among), reproduction.REPORT_TTESTS[family])
        return self.table(tables.ttest_result(res, family, self.cb, self.lang),
                          self.t(f"ttest_{family}_title", criterion=tables.criterion(family, self.lang)), f"{family}_ttests", among=among)

    @guarded
    def paired_comparison(self, a: str, b: str, title: str, among=None) -> Block:
        """Two answers of the same respondents compared: their cross-table (rows `a`, columns `b`, with
        totals; small cells and what would give them away hidden), then the report's chi-square and Spearman
        tests and the paired tests that fit (Wilcoxon signed-rank, Stuart-Maxwell). The cross-table is left
        out when the frequency table of either answer hides a cell (disclosure.use_frequency_hidden): its
        margins, protected on their own, could give that cell away."""
        df = self.base(among)
        withheld = any(use_frequency_hidden(tables.frequency_counts(df[v], self.cb.labels(v, self.lang)), self.min_cell).any()
                       for v in (a, b))
        pairs = int(df[[a, b]].notna().all(axis=1).sum())
        heading = tables.with_n(self.t("crosstab_title", rows=self.label(a), columns=self.label(b)), pairs, self.min_cell)
        crosstab = (self.note("crosstab_withheld", min_cell=self.min_cell) if withheld
                    else self.table(tables.crosstab_result(df, a, b, self.cb, self.lang, self.min_cell), heading, f"{a}_by_{b}", among=among))
        return Block(crosstab, self.table(tables.paired_tests_result(df, a, b), title, f"{a}_vs_{b}", among=among))

    @guarded
    def scales(self, group: str, among=None) -> Table:
        """The scales of a group (reproduction.SCALE_GROUPS): items, N, M, SD, alpha with its 95% CI."""
        result = tables.scale_result(self.base(among), list(reproduction.SCALE_GROUPS[group]), self.cb, self.lang, self.min_cell)
        return self.table(result, f"{group}_scales_title", f"{group}_scales", among=among)

    @guarded
    def definitions(self, group: str, among=None) -> Table:
        """What each scale of a group means (the report's definition table), with its M and SD here."""
        result = tables.definition_result(self.base(among), list(reproduction.SCALE_GROUPS[group]), self.cb, self.lang, self.min_cell)
        return self.table(result, f"{group}_definitions_title", f"{group}_definitions", among=among)

    @guarded
    def appendix(self, group: str, title: str, among=None) -> Table:
        """Every item of a group's scales: M, SD, corrected item-total r, alpha if deleted."""
        result = tables.appendix_result(self.base(among), list(reproduction.SCALE_GROUPS[group]), self.cb, self.lang, self.min_cell)
        return self.table(result, title, title.removesuffix("_title"), among=among)

    @guarded
    def profile(self, group: str, among=None) -> report.Chart:
        """The group's scale means with 95% confidence intervals, highest first."""
        means = stats.mean_ci(self.base(among), list(reproduction.SCALE_GROUPS[group])).sort_values("mean", ascending=False)
        means = means.assign(label=[self.label(s) for s in means["variable"]], n=means["n"].astype(float))
        return self.figure(plots.profile_chart(means, list(means["label"]), self.t(f"{group}_profile_title"), self.t(f"{group}_axis")),
                           f"{group}_profile", among=among, frame=means[["variable", "label", "n", "mean", "ci_low", "ci_high"]])

    @guarded
    def correlations(self, rows: str, columns: str, among=None) -> Block:
        """Pearson correlations between two groups of scales: the report's layout (stars) and every r with
        its exact p and its Holm-adjusted p; the family's standard (reproduction.STANDARDS['<rows>_<columns>'])
        says which p the stars and the verdicts read, in the caption and the headers."""
        family = f"{rows}_{columns}"
        tidy = stats.pearson(self.base(among), list(reproduction.SCALE_GROUPS[rows]), list(reproduction.SCALE_GROUPS[columns]))
        result = tables.correlation_result(tidy, family, self.cb, self.lang, self.min_cell)
        layout = Result(result.frame, tables.correlation_layout_view, result.base)
        return Block(self.table(layout, self.t(f"{rows}_corr_title", criterion=tables.criterion(family, self.lang)),
                                f"{rows}_{columns}_correlations", among=among),
                     self.table(result, f"{rows}_corr_detail_title", f"{rows}_{columns}_correlations_exact", among=among))

    # --- Ends of every chapter ---------------------------------------------------------------

    def published_figures(self) -> dict[str, float]:
        """The report's published figures of this chapter, computed from the rows (none by default)."""
        return {}

    def printed(self, name: str) -> pd.DataFrame:
        """The numbers of the table `name` as this page printed it (`results`, hidden values flagged), or, for a
        table this page does not print (the report's summaries print none of the body's), as the chapter that
        prints it makes it (PRINTED, the same builders as its blocks)."""
        if name in self.results:
            return self.results[name]
        if name not in PRINTED:
            raise KeyError(f"no table {name!r} on this page and no builder for it in chapter.base.PRINTED")
        return tidy(PRINTED[name](self).frame)

    def verdicts(self) -> pd.DataFrame:
        """Each published claim of this chapter judged (published.verdicts), a figure hidden exactly where the
        page's tables hide the cell that prints it (published.hidden_cells): the verdicts the page's table and
        its quotes show."""
        computed = self.published_figures()
        hidden = published.hidden_cells(computed, self.printed, self.min_cell)
        return published.verdicts(computed, self.lang, hidden=hidden, regime=published.regime_of(self.data))

    @guarded
    def published(self) -> Block | Markdown:
        """Published versus reproduced, differences first: how many claims have each status (claims, not
        respondents: no small-cell rule applies), the claims that differ (or where the report contradicts
        itself), then every claim by report section, folded; with the legend of the statuses and the
        tolerance regime (synthetic or real data). Not for a subset of respondents: it is not the report's base."""
        if self.among is not None:
            return self.note("published_subset", subset=self.subset_name(self.among))
        regime, verdicts = published.regime_of(self.data), self.verdicts()
        counts = verdicts["status"].value_counts().reindex(published.STATUSES, fill_value=0)
        counted = "; ".join(f"{self.t(f'published_status_{status}')}: {n}" for status, n in counts.items())
        notable = verdicts[verdicts["status"].isin(["differs", "inconsistent", "not_judged"])]
        by_section = verdicts.iloc[verdicts["section"].map(published.section_rank).argsort(kind="stable")]
        none_notable = (Markdown(self.t("published_none_shown_differs", n=counts["not_shown"])) if counts["not_shown"]
                        else Markdown(self.t("published_none_notable")))   # only when every claim is judged
        return Block(Markdown(self.t("published_counts", counts=counted, total=len(verdicts),
                                            claims=self.t("claims_one" if len(verdicts) == 1 else "claims_many"))),
                     self.claims(notable, "published_notable_title", "published_notable") if len(notable) else none_notable,
                     Folded(self.t("published_all_title"), self.claims(by_section, "published_title", "published_vs_reproduced")),
                     Markdown(published.legend(self.lang, regime)))

    def claims(self, verdicts: pd.DataFrame, title: str, name: str) -> Table:
        """Claims beside their reproduction (published.verdicts), as printed_claims prints them, with the report
        section as a name, not a number ('1.1' stays '1.1')."""
        def view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
            return printed_claims(frame.set_index("id"), lang).reset_index(drop=True).assign(**{t("col_section", lang): frame["section"]})

        frame = verdicts.reset_index().assign(section=[published.section_name(code, self.lang) for code in verdicts["section"]])
        frame.attrs = dict(verdicts.attrs)
        return self.table(Result(frame, view), title, name)

    def quote(self, quote_id: str) -> Quote:
        """A sentence of the report this page quotes (published.yaml `quotes`), verbatim in Dutch and marked so
        (lang="nl"), with the ids of the claims it rests on (data-claim); on an English page its translation beside
        it; its place in the report; and right under it the verdict of each of those claims, from this page's
        verdicts (the same rows as its published-versus-reproduced table). A claim the page does not judge is refused."""
        quoted = published.quote(quote_id)
        if self.among is not None or len(self.base()) < max(self.min_cell, 1):
            reason = (self.t("published_subset", subset=self.subset_name(self.among)) if self.among is not None
                      else self.t("too_few_respondents", min_cell=self.min_cell))
            return Quote(quoted, self.lang, None, reason)
        verdicts = self.verdicts()
        unjudged = [fid for fid in quoted["claims"] if fid not in verdicts.index]
        if unjudged:
            raise ValueError(f"quote {quote_id!r} rests on claims this page does not judge: {unjudged}")
        return Quote(quoted, self.lang, printed_claims(verdicts.loc[quoted["claims"]], self.lang), "")

    def finding_sentences(self) -> list[str]:
        """What this chapter found, in the page's language (helpers.present.findings)."""
        raise NotImplementedError

    @guarded
    def findings(self) -> Markdown:
        """What this run's data show, sentence by sentence, computed (never typed), after how to read them (what
        significant means for each family of claims the sentences judge; on synthetic data, that they show the
        analysis works); the first sentence, the chapter's headline, is also kept for the run's landing page."""
        sentences = [localise(sentence, self.lang) for sentence in self.finding_sentences()]
        report.keep_key_figure(sentences[0], self.artifacts)

        reading = " ".join([findings.reading(self.families, self.lang), self.t("findings_inference"),
                            *([self.t("findings_synthetic")] if published.regime_of(self.data) == "synthetic" else [])])
        return Markdown(localise(reading, self.lang) + "\n\n" + "\n".join(f"- {sentence}" for sentence in sentences))

    def versions(self) -> Block:
        """The page's last word: what its mark † means, with a link to each of this project's choices it showed
        (data/ASSUMPTIONS.md, a page of the run), and the versions of the packages that made it."""
        links = [f"[{self.t(f'choice_{choice}')}]({ASSUMPTIONS_PAGE}#{choice})" for choice in self.assumed]
        note = Markdown(self.t("choices_note", mark=CHOICE_MARK, page=ASSUMPTIONS_PAGE, links="; ".join(links))) if links else None
        return Block(note, report.versions(self.lang))


def printed_claims(verdicts: pd.DataFrame, lang: str) -> pd.DataFrame:
    """Verdicts (published.verdicts, indexed by claim id) as a page prints them (published.claims_view): the published
    and reproduced values are numbers in the page's language even where words outnumber them in the column
    ('first: ChatGPT'), the difference to the claim's decimals, the tolerance to three digits."""
    printed = published.claims_view(verdicts, lang)
    for column in (t("col_published", lang), t("col_reproduced", lang)):
        printed[column] = printed[column].map(lambda text: localise(text, lang))
    difference, tolerance = printed.columns[3:5]
    printed[difference] = [DASH if pd.isna(v) else number(v, int(d) if pd.notna(d) else 2, lang)   # the claim's digits
                           for v, d in zip(printed[difference], verdicts["decimals"])]
    printed[tolerance] = [DASH if pd.isna(v) else localise(f"{v:.3g}", lang) for v in printed[tolerance]]
    note = t("published_col_note", lang)
    return printed.assign(**{note: printed[note].astype(object).fillna("")})   # no note: an empty text (a read-back CSV's NaN)


class Quote:
    """A quoted sentence of the report as a page shows it (Chapter.quote): a <blockquote> whose <q lang="nl"
    data-claim="ID ID2"> holds the report's words, the translation beside it on an English page, where it stands
    in the report, then one line per claim it rests on: its status, published and reproduced value and note
    (`verdicts`: printed_claims rows; None with `reason` when no verdict is given). Every text from outside the
    code is escaped where it enters the HTML."""

    def __init__(self, quoted: dict, lang: str, verdicts: pd.DataFrame | None, reason: str):
        self.quoted, self.lang, self.verdicts, self.reason = quoted, lang, verdicts, reason

    def _repr_html_(self) -> str:
        q, lang, esc = self.quoted, self.lang, html.escape
        claims = " ".join(q["claims"])
        words = f'<q lang="nl" data-claim="{esc(claims)}">{esc(q["nl"])}</q>'
        translation = f' <span class="translation" lang="en">({esc(q["en"])})</span>' if lang == "en" else ""
        where = t("quote_place", lang, section=published.section_name(q["section"], lang))
        head = f'<blockquote class="quote" id="quote-{esc(q["id"])}"><p>{words}{translation}</p><footer>{esc(where)}</footer></blockquote>'
        if self.verdicts is None:
            return f'{head}<p class="verdicts">{esc(self.reason)}</p>'
        columns = [t(c, lang) for c in ("col_figure", "col_published", "col_reproduced", "col_status", "published_col_note")]
        lines = []
        for fid, row in self.verdicts.iterrows():
            figure, shown, reproduced, status, note = (str(row[c]) for c in columns)
            values = t("quote_verdict_values", lang, published=shown, reproduced=reproduced)
            explained = f" {esc(t('published_col_note', lang))}: {esc(note)}." if note else ""
            lines.append(f'<li data-claim="{esc(fid)}"><strong>{esc(status)}</strong>: {esc(figure)} ({esc(values)}).{explained}</li>')
        return f'{head}<ul class="verdicts" aria-label="{esc(t("quote_verdicts", lang))}">{"".join(lines)}</ul>'


def report_paths(fitted, ch: Chapter) -> Result:
    """The paths of a fitted structural model as its table prints them (tables.paths_result)."""
    return tables.paths_result(sem.paths(fitted), sem.r_squared(fitted), ch.cb, ch.lang)


# The tables the report's figures are printed in, by name, as their chapters' blocks build them: for a page that
# judges a claim whose table it does not print (the key findings and the conclusion restate the body), or verdicts
# asked before the tables are shown.
PRINTED = {
    **{name: (lambda ch, name=name: tables.choice_result(ch.data, name, ch.cb, ch.lang, ch.min_cell))
       for name in ("gender", "education_level", "gov_type", "learn_form", "learn_location")},
    "exclusion_flow": lambda ch: tables.flow_result(ch.result, ch.lang, ch.min_cell),
    "gov_type_vs_population": lambda ch: tables.population_result(ch.data, "gov_type", weighting.load_population()["gov_type"], ch.cb,
                                                                  ch.lang, ch.min_cell),
    "places": lambda ch: ch.accounted,
    "age": lambda ch: tables.describe_result(ch.data, "age", ch.min_cell),
    "chart_1_start_year": lambda ch: tables.start_year_result(ch.data, ch.start_year_after, ch.min_cell),
    "usage_frequency": lambda ch: tables.usage_frequency_result(ch.data, ch.cb, ch.lang, ch.min_cell),
    "usage_groups": lambda ch: tables.usage_groups_result(ch.data, reproduction.USE_GROUPS, ch.cb, ch.lang, ch.min_cell),
    **{block: (lambda ch, block=block: tables.multi_response_result(
        ch.data, {c: f"{block}_{c}" for c in ("work", "free") if f"{block}_{c}" in ch.cb.blocks} or {"work": block}, ch.cb, ch.lang,
        ch.min_cell)) for block in ("never_reason", "system", "paid")},
    "paid_work": lambda ch: tables.choice_result(ch.users, "paid_work", ch.cb, ch.lang, ch.min_cell),
    "pros_agree_cons_agree": lambda ch: tables.likert_result(ch.users, ["pros_agree", "cons_agree"], ch.cb, ch.lang, ch.min_cell),
    **{block: (lambda ch, block=block: tables.likert_result(ch.users, ch.cb.blocks[block], ch.cb, ch.lang, ch.min_cell))
       for block in ("pro", "con", "task")},
    "support": lambda ch: tables.likert_result(ch.data, ch.cb.blocks["support"], ch.cb, ch.lang, ch.min_cell),
    **{f"{group}_scales": (lambda ch, group=group: tables.scale_result(ch.data, list(reproduction.SCALE_GROUPS[group]), ch.cb, ch.lang,
                                                                     ch.min_cell)) for group in ("literacy", "utaut")},
    **{f"appendix_{number}": (lambda ch, group=group: tables.appendix_result(ch.data, list(reproduction.SCALE_GROUPS[group]), ch.cb,
                                                                           ch.lang, ch.min_cell)) for number, group in ((1, "literacy"), (2, "utaut"))},
    "sem_paths": lambda ch: report_paths(ch.fitted(ch.complete(type(ch).structural)), ch),   # the report's model, not a researcher's
    "role_literacy_correlations_exact": lambda ch: tables.correlation_result(
        stats.pearson(ch.data, list(reproduction.ROLES), list(reproduction.LITERACY)), "role_literacy", ch.cb, ch.lang, ch.min_cell),
}
