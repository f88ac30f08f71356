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
from functools import cached_property, wraps
from pathlib import Path

import numpy as np
import pandas as pd
from IPython.display import Markdown, display
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from helpers.analysis import reproduction, stats
from helpers.disclosure import HIDDEN, is_small, protected_counts
from helpers.ingest import io
from helpers.ingest.codebook import load_codebook
from helpers.paths import PROCESSED_DEFAULT
from helpers.present import findings, plots, published, report, tables
from helpers.present.text import alpha_text, localise, number, t


class Block:
    """What one call shows: its tables, charts and notes, one after the other."""

    def __init__(self, *parts):
        self.parts = [p for p in parts if p is not None]

    def _ipython_display_(self) -> None:
        for part in self.parts:
            display(part)

    def _repr_html_(self) -> str:
        return "".join(p._repr_html_() if hasattr(p, "_repr_html_") else html.escape(p.data) for p in self.parts)


class Folded:
    """A part shown folded (an HTML <details>), opened by the reader: long tables after their summary."""

    def __init__(self, summary: str, part):
        self.summary, self.part = summary, part

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


class Chapter:
    """One chapter of the report. Subclasses set `number` (the report's numbering of tables and figures),
    `finding_sentences` (what the chapter found, from helpers.present.findings) and their own blocks.
    `alpha` is the significance threshold of every claim: the report's own (p < .001)."""

    number = 0

    def __init__(self, processed: str | Path | None = None, *, lang: str = "nl", min_cell: int = 5,
                 artifacts: str | Path | None = None, among: str = "all", alpha: float = findings.ALPHA):
        report.setup_notebook()
        self.lang, self.min_cell, self.artifacts, self.among, self.alpha = lang, min_cell, artifacts, among, alpha
        self.cb = load_codebook()
        self.data = self.load(processed)
        self.counts = {"table": 0, "figure": 0}
        self.numbered: list[dict] = []   # every numbered table and figure: its number, title, place in the report

    def load(self, processed) -> pd.DataFrame:
        return io.load_processed(processed or PROCESSED_DEFAULT)

    # --- Bases -------------------------------------------------------------------------------

    @cached_property
    def users(self) -> pd.DataFrame:
        """Respondents who use generative AI at work (the report's base for sections 1.2 and 1.3)."""
        return reproduction.users(self.data)

    def base(self, among: str | None = None) -> pd.DataFrame:
        """The respondents a block describes: 'all' or 'users' (at work); default the chapter's."""
        return {"all": self.data, "users": self.users}[among or self.among]

    # --- The exits: every table and figure leaves here ---------------------------------------

    def t(self, key: str, **values) -> str:
        return t(key, self.lang, **values)

    def label(self, name: str) -> str:
        return self.cb.text(name, self.lang)

    def numbering(self, kind: str, name: str, title: str) -> tuple[str, str]:
        """The next number of a `kind` ('table' or 'figure') in this chapter ('Tabel 2.3') and what the caption
        adds: the counterpart in the published report (published.place) or 'not in the report'. Each is
        recorded, and kept as numbering.json for the run's landing page."""
        self.counts[kind] += 1
        label = f"{self.t(f'{kind}_label')} {self.number}.{self.counts[kind]}"
        where = published.place(name, self.lang)
        self.numbered.append({"label": label, "title": title, "report": where or ""})
        report.keep_numbering(self.numbered, self.artifacts)
        return label, self.t("in_report", place=where) if where else self.t("not_in_report")

    def table(self, frame: pd.DataFrame, title: str, name: str, decimals: int = tables.PCT) -> Styler:
        """A numbered, captioned table (with its place in the published report), kept as `name`.csv."""
        label, where = self.numbering("table", name, title)
        return report.keep(tables.styled(frame, f"{label}. {title} ({where})", decimals, self.lang), name, self.artifacts)

    def figure(self, fig: Figure, name: str, n: int | str | None = None, note: str = "") -> report.Chart:
        """A numbered figure (its title drawn in the chart), with its base (`n`, default the chapter's
        respondents), source and `note` under it, and what the mark of a hidden value means when it shows
        one (so the image explains itself where it is downloaded); its numbers in the page's language; kept
        as `name`.png and .svg."""
        n = len(self.base()) if n is None else n
        n = HIDDEN if isinstance(n, int) and is_small(n, self.min_cell) else n   # never a small base
        if n == HIDDEN or plots.shows_hidden(fig):
            note = f"{note} {self.t('chart_hidden_note', min_cell=self.min_cell)}".strip()
        synthetic = self.data.attrs.get("provenance", {}).get("synthetic", True)
        footer = self.t("chart_footer", note=note, n=number(n, 0, self.lang) if isinstance(n, int) else n,
                        data=self.t("chart_data_synthetic" if synthetic else "chart_data_real"))
        chart = report.keep(plots.finish(fig, footer.strip(), self.lang), name, self.artifacts)
        title = " ".join(fig._suptitle.get_text().split()) if fig._suptitle is not None else chart.alt
        label, where = self.numbering("figure", name, title)
        chart.caption = f"{label} ({where})"
        return chart

    def note(self, key: str, **values) -> Markdown:
        return report.note(key, self.lang, **values)

    # --- Building blocks ---------------------------------------------------------------------

    @guarded
    def frequencies(self, name: str, title: str, among: str | None = None, sort: bool = False,
                    chart: bool = False) -> Block:
        """A single-choice question: n and % per answer, total last (largest first with `sort`),
        with horizontal bars of the shares when `chart`."""
        df = self.base(among)
        frame = tables.choice_table(df, name, self.cb, self.lang, self.min_cell, sort=sort)
        heading = tables.with_n(self.t(title), int(df[name].notna().sum()), self.min_cell)
        body = frame.iloc[:-1]
        figure = self.figure(plots.grouped_bars(body, body.columns[0], [body.columns[2]], heading, self.t("axis_percent")),
                             name, n=int(df[name].notna().sum())) if chart else None
        return Block(self.table(frame, heading, name), figure)

    @guarded
    def shares(self, block: str, title: str, among: str | None = None, top: int | None = None,
               chart: bool = True) -> Block:
        """A multiple-response question, at work and in free time where it was asked in both
        (blocks `<block>_work`, `<block>_free`; a block asked once is about work): n and % of cases per option; the chart shows the `top`
        options of each context (all without `top`)."""
        contexts = {self.t(f"context_{c}"): f"{block}_{c}" for c in ("work", "free") if f"{block}_{c}" in self.cb.blocks}
        frame = tables.multi_response_table(self.base(among), contexts or {self.t("context_work"): block}, self.cb, self.lang,
                                            self.min_cell)
        shown = tables.top_options(frame, tables.percent_columns(frame), k=top) if top else frame
        chart_title = self.t(f"{title.removesuffix('_title')}_chart_title") if top else self.t(title)
        figure = self.figure(plots.grouped_bars(shown, shown.columns[0], tables.percent_columns(shown), chart_title,
                                                self.t("axis_percent")), block, n=tables.bases(shown) or None) if chart else None
        return Block(self.table(frame, self.t(title), block), figure)

    @guarded
    def likert(self, items: str | list[str], title: str | None = None, among: str | None = None,
               sort: bool = False, chart: bool = True) -> Block:
        """Likert items (a codebook block, or a list): N, M, SD and the shares the report quotes
        (agree 4-5; for frequency scales often, often or always, rarely or never), and diverging bars.
        `sort`: from the highest mean to the lowest, as the report orders the support options."""
        df = self.base(among)
        names = self.cb.blocks[items] if isinstance(items, str) else items
        names = tables.sorted_by_mean(df, names) if sort else names
        heading = tables.with_n(self.t(title) if title else self.label(items), len(df), self.min_cell)
        name = items if isinstance(items, str) else "_".join(names)
        figure = self.figure(plots.diverging_bars(df, names, [self.label(i) for i in names],
                                                  self.cb.labels(names[0], self.lang), heading, self.min_cell,
                                                  self.t("pooled_answers")),
                             name) if chart else None
        return Block(self.table(tables.likert_table(df, names, self.cb, self.lang, self.min_cell), heading, name, decimals=2), figure)

    @guarded
    def paired_tests(self, family: str, among: str | None = None) -> Styler:
        """The report's paired t-tests of one family (reproduction.REPORT_TTESTS), Holm-corrected
        within the family, with Cohen's d_z."""
        res = stats.paired_ttests(self.base(among), reproduction.REPORT_TTESTS[family])
        return self.table(tables.ttest_table(res, self.cb, self.lang), self.t(f"ttest_{family}_title"),
                          f"{family}_ttests", decimals=2)

    @guarded
    def paired_comparison(self, a: str, b: str, title: str) -> Block:
        """Two answers of the same respondents compared: their cross-table (rows `a`, columns `b`, with
        totals; small cells and what would give them away hidden), then the report's chi-square and
        Spearman tests and the paired tests that fit (Wilcoxon signed-rank, Stuart-Maxwell). The cross-table
        is left out when the frequency table of either answer hides a cell (tables.use_frequency_hidden):
        its margins, protected on their own, could give that cell away."""
        withheld = any(tables.use_frequency_hidden(tables.frequency_counts(self.data[v], self.cb.labels(v, self.lang)),
                                                   self.min_cell).any() for v in (a, b))
        counts = tables.crosstab_counts(self.data, a, b, self.cb, self.lang)
        heading = tables.with_n(self.t("crosstab_title", rows=self.label(a), columns=self.label(b)),
                                int(counts.iloc[:, 1:].to_numpy().sum()), self.min_cell)
        crosstab = (self.note("crosstab_withheld", min_cell=self.min_cell) if withheld
                    else self.table(protected_counts(counts, self.min_cell, self.t("total")), heading, f"{a}_by_{b}"))
        return Block(crosstab, self.table(tables.paired_tests_table(self.data, a, b, self.lang), self.t(title), f"{a}_vs_{b}"))

    @guarded
    def scales(self, group: str) -> Styler:
        """The scales of a group (reproduction.SCALE_GROUPS): items, N, M, SD, alpha with its 95% CI."""
        frame = tables.scale_table(self.data, list(reproduction.SCALE_GROUPS[group]), self.cb, self.lang)
        return self.table(frame, self.t(f"{group}_scales_title"), f"{group}_scales", decimals=2)

    @guarded
    def definitions(self, group: str) -> Styler:
        """What each scale of a group means (the report's definition table), with its M and SD here."""
        frame = tables.definition_table(self.data, list(reproduction.SCALE_GROUPS[group]), self.cb, self.lang, self.min_cell)
        return self.table(frame, self.t(f"{group}_definitions_title"), f"{group}_definitions", decimals=2)

    @guarded
    def appendix(self, group: str, title: str) -> Styler:
        """Every item of a group's scales: M, SD, corrected item-total r, alpha if deleted."""
        frame = tables.appendix_table(self.data, list(reproduction.SCALE_GROUPS[group]), self.cb, self.lang)
        return self.table(frame, self.t(title), title.removesuffix("_title"), decimals=2)

    @guarded
    def profile(self, group: str) -> report.Chart:
        """The group's scale means with 95% confidence intervals, highest first."""
        means = self.profile_means(group)
        return self.figure(plots.profile_chart(means, [self.label(s) for s in means["variable"]],
                                               self.t(f"{group}_profile_title"), self.t(f"{group}_axis")),
                           f"{group}_profile")

    def profile_means(self, group: str) -> pd.DataFrame:
        return stats.mean_ci(self.data, list(reproduction.SCALE_GROUPS[group])).sort_values("mean", ascending=False)

    @guarded
    def correlations(self, rows: str, columns: str) -> Block:
        """Pearson correlations between two groups of scales: the report's layout (stars) and every r
        with its exact p."""
        tidy = stats.pearson(self.data, list(reproduction.SCALE_GROUPS[rows]), list(reproduction.SCALE_GROUPS[columns]))
        return Block(self.table(tables.correlation_layout(tidy, self.cb, self.lang), self.t(f"{rows}_corr_title"),
                                f"{rows}_{columns}_correlations"),
                     self.table(tables.correlation_detail(tidy, self.cb, self.lang), self.t(f"{rows}_corr_detail_title"),
                                f"{rows}_{columns}_correlations_exact", decimals=3))

    # --- Ends of every chapter ---------------------------------------------------------------

    def published_figures(self) -> dict[str, float]:
        """The report's published figures of this chapter, computed from the rows (none by default)."""
        return {}

    def hidden_figures(self) -> set[str]:
        """Published figures resting on a small cell: their values are not shown."""
        return set()

    @guarded
    def published(self) -> Block:
        """Published versus reproduced, differences first: how many claims have each status (claims, not
        respondents: no small-cell rule applies), the claims that
        differ (or where the report contradicts itself), then every claim by report section, folded; with the
        legend of the statuses and the tolerance regime (synthetic or real data)."""
        regime, computed = published.regime_of(self.data), self.published_figures()
        frame = published.compare(computed, self.lang, hidden=self.hidden_figures() | published.small_counts(computed, self.min_cell),
                                  regime=regime)
        status = self.t("col_status")
        counts = "; ".join(f"{label}: {n}" for label, n in published.status_counts(frame, self.lang).items())
        notable = frame[frame[status].isin([self.t("published_status_differs"), self.t("published_status_inconsistent")])]
        sections = published.load_published().loc[frame.index, "section"]
        by_section = frame.iloc[sections.map(published.section_rank).argsort(kind="stable")]
        by_section = by_section.assign(**{self.t("col_section"): sections.map(lambda code: published.section_name(code, self.lang))})
        return Block(Markdown(self.t("published_counts", counts=counts, total=len(frame))),
                     self.claims(notable, self.t("published_notable_title"), "published_notable") if len(notable)
                     else Markdown(self.t("published_none_notable")),
                     Folded(self.t("published_all_title"), self.claims(by_section, self.t("published_title"), "published_vs_reproduced")),
                     Markdown(published.legend(self.lang, regime)))

    def claims(self, frame: pd.DataFrame, title: str, name: str) -> Styler:
        """Claims beside their reproduction: the published and reproduced values are numbers in the page's
        language even where words outnumber them in the column ('first: ChatGPT'); a report section is a
        name, not a number ('1.1' stays '1.1')."""
        values = [self.t("col_published"), self.t("col_reproduced")]
        table = self.table(frame, title, name, decimals=2).format(tables.cell_format(2, self.lang), subset=values, escape="html")
        section = self.t("col_section")
        return table.format(escape="html", subset=[section]) if section in frame else table

    def finding_sentences(self) -> list[str]:
        """What this chapter found, in the page's language (helpers.present.findings)."""
        raise NotImplementedError

    @guarded
    def findings(self) -> Markdown:
        """What this run's data show, sentence by sentence, computed (never typed), after how to read them (the
        threshold in use; on synthetic data, that they show the analysis works); the first sentence, the
        chapter's headline, is also kept for the run's landing page."""
        sentences = [localise(sentence, self.lang) for sentence in self.finding_sentences()]
        report.keep_key_figure(sentences[0], self.artifacts)
        reading = " ".join([self.t("findings_reading", alpha=alpha_text(self.alpha)),
                            *([self.t("findings_synthetic")] if published.regime_of(self.data) == "synthetic" else [])])
        return Markdown(localise(reading, self.lang) + "\n\n" + "\n".join(f"- {sentence}" for sentence in sentences))

    def versions(self) -> Styler:
        return report.versions(self.lang)
