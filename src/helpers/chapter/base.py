"""The notebook-facing API: one object per notebook, made once from its parameters.

It carries the data, the codebook, the language, the small-cell policy and where artefacts go, and
offers the report's building blocks by what they show. Every table and figure leaves through
`table` and `figure`: numbered (Table 2.3, Figure 2.1), captioned, kept as CSV/PNG/SVG beside the
report. A notebook cell then reads like the report's sentence:

>>> ch = Usage(processed, lang="en", min_cell=5, artifacts=None)      # doctest: +SKIP
>>> ch.shares("system", "systems_title", top=6)                       # doctest: +SKIP
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd
from IPython.display import Markdown
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from helpers.analysis import reproduction, stats
from helpers.ingest import io
from helpers.ingest.codebook import load_codebook
from helpers.paths import PROCESSED_DEFAULT
from helpers.present import plots, published, report, tables
from helpers.present.text import number, t


class Block:
    """What one call shows: its tables and charts, one after the other."""

    def __init__(self, *parts):
        self.parts = [p for p in parts if p is not None]

    def _repr_html_(self) -> str:
        return "".join(p._repr_html_() for p in self.parts)


class Chapter:
    """One chapter of the report. Subclasses set `number` (the report's numbering of tables and
    figures), `key` (the landing page's key figure, message key_<key>) and the chapter's own blocks."""

    number = 0
    key = ""

    def __init__(self, processed: str | Path | None = None, *, lang: str = "nl", min_cell: int = 5,
                 artifacts: str | Path | None = None, among: str = "all"):
        report.setup_notebook()
        self.lang, self.min_cell, self.artifacts, self.among = lang, min_cell, artifacts, among
        self.cb = load_codebook()
        self.data = self.load(processed)
        self.counts = {"table": 0, "figure": 0}

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

    def table(self, frame: pd.DataFrame, title: str, name: str, decimals: int = 1) -> Styler:
        """A numbered, captioned table, kept as `name`.csv."""
        self.counts["table"] += 1
        caption = f"{self.t('table_label')} {self.number}.{self.counts['table']}. {title}"
        return report.keep(tables.styled(frame, caption, decimals, self.lang), name, self.artifacts)

    def figure(self, fig: Figure, name: str, n: int | str | None = None, note: str = "") -> report.Chart:
        """A numbered figure (its title drawn in the chart), with its base (`n`, default the chapter's
        respondents), source and `note` under it and its numbers in the page's language; kept as
        `name`.png and .svg."""
        self.counts["figure"] += 1
        n = len(self.base()) if n is None else n
        synthetic = self.data.attrs.get("provenance", {}).get("synthetic", True)
        footer = self.t("chart_footer", note=note, n=number(n, 0, self.lang) if isinstance(n, int) else n,
                        data=self.t("chart_data_synthetic" if synthetic else "chart_data_real"))
        chart = report.keep(plots.finish(fig, footer.strip(), self.lang), name, self.artifacts)
        chart.caption = f"{self.t('figure_label')} {self.number}.{self.counts['figure']}"
        return chart

    def note(self, key: str, **values) -> Markdown:
        return report.note(key, self.lang, **values)

    # --- Building blocks ---------------------------------------------------------------------

    def frequencies(self, name: str, title: str, among: str | None = None, sort: bool = False,
                    chart: bool = False) -> Block:
        """A single-choice question: n and % per answer, total last (largest first with `sort`),
        with horizontal bars of the shares when `chart`."""
        df = self.base(among)
        frame = tables.choice_table(df, name, self.cb, self.lang, self.min_cell, sort=sort)
        heading = tables.with_n(self.t(title), int(df[name].notna().sum()))
        body = frame.iloc[:-1]
        figure = self.figure(plots.grouped_bars(body, body.columns[0], [body.columns[2]], heading, self.t("axis_percent")),
                             name, n=int(df[name].notna().sum())) if chart else None
        return Block(self.table(frame, heading, name), figure)

    def shares(self, block: str, title: str, among: str | None = None, top: int | None = None,
               chart: bool = True) -> Block:
        """A multiple-response question, at work and in free time where it was asked in both
        (blocks `<block>_work`, `<block>_free`): n and % of cases per option; the chart shows the `top`
        options of each context (all without `top`)."""
        contexts = {self.t(f"context_{c}"): f"{block}_{c}" for c in ("work", "free") if f"{block}_{c}" in self.cb.blocks}
        frame = tables.multi_response_table(self.base(among), contexts or {self.label(block): block}, self.cb, self.lang,
                                            self.min_cell)
        shown = tables.top_options(frame, tables.percent_columns(frame), k=top) if top else frame
        chart_title = self.t(f"{title.removesuffix('_title')}_chart_title") if top else self.t(title)
        figure = self.figure(plots.grouped_bars(shown, shown.columns[0], tables.percent_columns(shown), chart_title,
                                                self.t("axis_percent")), block, n=tables.bases(shown) or None) if chart else None
        return Block(self.table(frame, self.t(title), block), figure)

    def likert(self, items: str | list[str], title: str | None = None, among: str | None = None,
               sort: bool = False, chart: bool = True) -> Block:
        """Likert items (a codebook block, or a list): N, M, SD and the shares the report quotes
        (agree 4-5; for frequency scales often, often or always, rarely or never), and diverging bars.
        `sort`: from the highest mean to the lowest, as the report orders the support options."""
        df = self.base(among)
        names = self.cb.blocks[items] if isinstance(items, str) else items
        names = tables.sorted_by_mean(df, names) if sort else names
        heading = tables.with_n(self.t(title) if title else self.label(items), len(df))
        name = items if isinstance(items, str) else "_".join(names)
        figure = self.figure(plots.diverging_bars(df, names, [self.label(i) for i in names],
                                                  self.cb.labels(names[0], self.lang), heading, self.min_cell),
                             name) if chart else None
        return Block(self.table(tables.likert_table(df, names, self.cb, self.lang, self.min_cell), heading, name, decimals=2), figure)

    def paired_tests(self, family: str, among: str | None = None) -> Styler:
        """The report's paired t-tests of one family (reproduction.REPORT_TTESTS), Holm-corrected
        within the family, with Cohen's d_z."""
        res = stats.paired_ttests(self.base(among), reproduction.REPORT_TTESTS[family])
        return self.table(tables.ttest_table(res, self.cb, self.lang), self.t(f"ttest_{family}_title"),
                          f"{family}_ttests", decimals=2)

    def paired_comparison(self, a: str, b: str, title: str) -> Styler:
        """Two answers of the same respondents compared: the report's chi-square and Spearman tests and
        the paired tests that fit (Wilcoxon signed-rank, Stuart-Maxwell)."""
        return self.table(tables.paired_tests_table(self.data, a, b, self.lang), self.t(title), f"{a}_vs_{b}")

    def scales(self, group: str) -> Styler:
        """The scales of a group (reproduction.SCALE_GROUPS): items, N, M, SD, alpha with its 95% CI."""
        frame = tables.scale_table(self.data, list(reproduction.SCALE_GROUPS[group]), self.cb, self.lang)
        return self.table(frame, self.t(f"{group}_scales_title"), f"{group}_scales", decimals=2)

    def appendix(self, group: str, title: str) -> Styler:
        """Every item of a group's scales: M, SD, corrected item-total r, alpha if deleted."""
        frame = tables.appendix_table(self.data, list(reproduction.SCALE_GROUPS[group]), self.cb, self.lang)
        return self.table(frame, self.t(title), title.removesuffix("_title"), decimals=2)

    def profile(self, group: str) -> report.Chart:
        """The group's scale means with 95% confidence intervals, highest first."""
        means = self.profile_means(group)
        return self.figure(plots.profile_chart(means, [self.label(s) for s in means["variable"]],
                                               self.t(f"{group}_profile_title"), self.t(f"{group}_axis")),
                           f"{group}_profile")

    def profile_means(self, group: str) -> pd.DataFrame:
        return stats.mean_ci(self.data, list(reproduction.SCALE_GROUPS[group])).sort_values("mean", ascending=False)

    def correlations(self, rows: str, columns: str) -> Block:
        """Pearson correlations between two groups of scales: the report's layout (stars) and every r
        with its exact p."""
        tidy = stats.pearson(self.data, list(reproduction.SCALE_GROUPS[rows]), list(reproduction.SCALE_GROUPS[columns]))
        return Block(self.table(tables.correlation_layout(tidy, self.cb, self.lang), self.t(f"{rows}_corr_title"),
                                f"{rows}_{columns}_correlations"),
                     self.table(tables.correlation_detail(tidy, self.cb, self.lang), self.t(f"{rows}_corr_detail_title"),
                                f"{rows}_{columns}_correlations_exact", decimals=3))

    def free_text(self, column: str, show: bool) -> Styler:
        """Open answers: how many were given; the texts only when the `show` parameter asks for them."""
        context = self.t("context_work" if column.endswith("work_other_text") else "context_free")
        return tables.styled(tables.free_text(self.data, column, self.lang, show), f"{self.t('free_text_title')} ({context})",
                             lang=self.lang)

    # --- Ends of every chapter ---------------------------------------------------------------

    def published_figures(self) -> dict[str, float]:
        """The report's published figures of this chapter, computed from the rows (none by default)."""
        return {}

    def hidden_figures(self) -> set[str]:
        """Published figures resting on a small cell: their values are not shown."""
        return set()

    def published(self) -> Styler:
        """Published versus reproduced: each published figure beside the value computed here."""
        frame = published.compare(self.published_figures(), self.lang, hidden=self.hidden_figures())
        return self.table(frame, self.t("published_title"), "published_vs_reproduced", decimals=2)

    def key_values(self) -> dict:
        """The values of the chapter's key figure (message key_<key>)."""
        raise NotImplementedError

    def key_figure(self) -> Markdown:
        """The chapter's headline in one sentence, kept for the run's landing page."""
        return report.key_figure(self.key, self.lang, self.artifacts, **self.key_values())

    def versions(self) -> Styler:
        return report.versions(self.lang)
