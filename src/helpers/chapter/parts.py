"""The report's chapters: each notebook makes one of these from its parameters and calls its blocks.

Generic blocks (frequencies, shares, likert, paired tests, scales, correlations) live on Chapter;
what only one chapter shows (the exclusion flow, the structural model, the map, the waves, the
weighting) lives on that chapter's class here.
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

import pandas as pd
from IPython.display import Markdown
from pandas.io.formats.style import Styler

from helpers import disclosure, synth
from helpers.analysis import reproduction, sem, stats, waves, weighting
from helpers.chapter.base import Block, Chapter
from helpers.ingest import io
from helpers.paths import PROCESSED_DEFAULT
from helpers.prepare import cleaning, geo
from helpers.present import context, plots, report, tables


class Cleaning(Chapter):
    """01: from the raw export to the analysis sample (method section: Tables 1-3, age, Chart 1)."""

    number, key = 1, "cleaning"

    def __init__(self, raw: str | Path | None, mapping: str | Path | None = None, processed: str | Path | None = None, *,
                 speeder_share_of_median: float = 0.4, start_year_after: int = 2019, **options):
        self.raw, self.mapping, self.processed = raw, mapping, Path(processed or PROCESSED_DEFAULT)
        self.speeder_share_of_median, self.start_year_after = speeder_share_of_median, start_year_after
        super().__init__(processed, **options)

    def load(self, processed) -> pd.DataFrame:
        self.export = io.read_export(self.raw or synth.ensure_synthetic_default(), self.mapping)
        self.result = cleaning.clean(self.export, self.cb, self.speeder_share_of_median)
        return self.result.data

    def source(self) -> Styler:
        """The data source: file, rows, checksum, synthetic or not."""
        return tables.styled(tables.source_table(self.data.attrs["provenance"], self.lang), self.t("source_title"), lang=self.lang)

    def flow_title(self) -> str:
        return self.t("flow_title", n_in=len(self.export), n_out=len(self.data))

    def exclusions(self) -> Block:
        """The exclusion rules in order: rows excluded by each, as a table and a chart."""
        flow = tables.flow_table(self.result, self.lang, self.min_cell)
        steps = flow.iloc[:-1].replace("", "0").apply(pd.to_numeric, errors="coerce")   # a hidden count (the mark) is NaN
        chart = plots.flow_chart(flow.iloc[:-1, 0].tolist(), steps.iloc[:, 2], steps.iloc[:, 1], self.flow_title(), self.t("flow_axis"))
        return Block(self.table(flow, self.flow_title(), "exclusion_flow"), self.figure(chart, "exclusion_flow", n=len(self.export)))

    def speeder_note(self) -> Markdown:
        return self.note("speeder_note", threshold=self.result.speeder_threshold_s, share=self.speeder_share_of_median)

    def row_account(self) -> Styler:
        """Every input row accounted for: rows per status, the total equal to the rows read."""
        return self.table(tables.account_table(self.result, self.lang, self.min_cell), self.t("col_status"), "row_account_totals")

    def save(self) -> Path:
        """Write the processed dataset and its row account (one line per input row) for the other chapters."""
        io.save_processed(self.result.account, cleaning.account_path(self.processed))
        return io.save_processed(self.data, self.processed)

    def sample(self, name: str, title: str) -> Styler:
        """Tables 1-3: n and % of respondents per category, small cells hidden."""
        return self.frequencies(name, title)

    def age(self) -> Styler:
        return self.table(tables.describe_numeric(self.data, "age", self.lang), self.t("age_title"), "age")

    def start_years(self) -> report.Chart:
        """Chart 1: the year respondents started, the years after the report's cut-off highlighted."""
        years = tables.start_year_groups(self.data, self.start_year_after, self.min_cell, self.lang)
        later = [y for y in years.iloc[:, 0] if y.isdigit() and int(y) > self.start_year_after]
        return self.figure(plots.bar_chart(years, self.t("chart_1_axis"), self.t("col_n"), self.t("chart_1"), highlight=later),
                           "chart_1_start_year")

    @cached_property
    def _sample_figures(self) -> tuple[dict, set]:
        return reproduction.sample_figures(self.result, self.start_year_after, self.min_cell)

    def published_figures(self) -> dict[str, float]:
        return self._sample_figures[0]

    def hidden_figures(self) -> set[str]:
        return self._sample_figures[1]

    def key_values(self) -> dict:
        return {"n_in": len(self.export), "n_out": len(self.data)}


class Usage(Chapter):
    """02: use at work and in free time, reasons for never using, systems, paid versions (section 1.1)."""

    number, key = 2, "usage"

    def frequency(self) -> Styler:
        """Use frequency at work and in free time: n, % of all respondents and % of users."""
        frame = tables.usage_frequency_table(self.data, self.cb, self.lang, self.min_cell)
        return self.table(frame, self.t("usage_freq_title"), "usage_frequency")

    def groups(self) -> Styler:
        """The report's groupings (daily, at least weekly, ...) on both bases."""
        frame = tables.usage_groups_table(self.data, reproduction.USE_GROUPS, self.cb, self.lang, self.min_cell)
        return self.table(frame, self.t("usage_groups_title"), "usage_groups")

    def chart(self) -> report.Chart:
        """The report's chart: use at work vs free time, % of users."""
        shares = tables.users_shares(self.data, self.cb, self.lang, self.min_cell)
        return self.figure(plots.grouped_bars(shares, shares.columns[0], list(shares.columns[1:]), self.t("usage_chart_title"),
                                              self.t("axis_percent")), "usage_work_vs_free", n=tables.bases(shares) or None)

    def published_figures(self) -> dict[str, float]:
        return reproduction.usage_figures(self.data)

    def key_values(self) -> dict:
        return {"work": stats.share(self.data["use_work"], (4, 5)), "free": stats.share(self.data["use_free"], (4, 5))}


class ProsCons(Chapter):
    """03: advantages, disadvantages and specific use, among those who use generative AI at work (1.2, 1.3)."""

    number, key = 3, "pros_cons"

    def __init__(self, processed=None, **options):
        super().__init__(processed, among="users", **options)

    def published_figures(self) -> dict[str, float]:
        return reproduction.pros_cons_figures(self.users) | reproduction.task_figures(self.users)

    def key_values(self) -> dict:
        return {"pros": stats.share(self.users["pros_agree"], (4, 5)), "cons": stats.share(self.users["cons_agree"], (4, 5))}


class Literacy(Chapter):
    """04: generative-AI literacy (five subscales, Appendix 1) and role perception (sections 2, 2.1)."""

    number, key = 4, "literacy"

    def published_figures(self) -> dict[str, float]:
        return reproduction.literacy_figures(self.data) | reproduction.role_figures(self.data)

    def key_values(self) -> dict:
        means = self.profile_means("literacy")
        return {"top": self.label(means["variable"].iloc[0]), "top_m": means["mean"].iloc[0],
                "low": self.label(means["variable"].iloc[-1]), "low_m": means["mean"].iloc[-1]}


class Intention(Chapter):
    """05: intention to use: the UTAUT scales, the measurement model, the structural model (section 3)."""

    number, key = 5, "sem"

    @cached_property
    def factors(self) -> dict[str, list[str]]:
        return reproduction.intention_model(self.cb)

    @cached_property
    def cfa(self):
        return sem.fit(sem.model_text(self.factors), self.data)

    @cached_property
    def model(self):
        return sem.fit(sem.model_text(self.factors, "bi", list(reproduction.UTAUT)), self.data)

    def measurement_model(self) -> Block:
        """The five factors, all correlated: fit, loadings, reliability and validity, Fornell-Larcker."""
        return Block(
            self.table(tables.fit_table(sem.fit_indices(self.cfa), self.lang), self.t("cfa_fit_title"), "cfa_fit"),
            self.table(tables.loadings_table(sem.loadings(self.cfa), self.cb, self.lang), self.t("cfa_loadings_title"),
                       "cfa_loadings", decimals=3),
            self.table(tables.validity_table(sem.reliability(self.cfa), self.data, self.cb, self.lang), self.t("validity_title"),
                       "cfa_validity", decimals=3),
            self.table(tables.labelled_matrix(sem.fornell_larcker(self.cfa), self.cb, self.lang), self.t("fornell_larcker_title"),
                       "fornell_larcker", decimals=3))

    def structural_model(self) -> Block:
        """Intention regressed on the four factors: fit, paths with R², the path diagram."""
        paths, r2 = sem.paths(self.model), sem.r_squared(self.model)
        labels = {f: self.label(f) for f in self.factors}
        diagram = plots.path_diagram(paths, labels, r2.set_index("variable").loc["bi", "r2"], self.t("path_diagram_title"))
        return Block(
            self.table(tables.fit_table(sem.fit_indices(self.model), self.lang), self.t("sem_fit_title"), "sem_fit"),
            self.table(tables.paths_table(paths, r2, self.cb, self.lang), self.t("sem_paths_title"), "sem_paths", decimals=3),
            self.figure(diagram, "path_diagram"))

    def predictors(self) -> Markdown:
        return report.predictors_sentence(sem.paths(self.model), {f: self.label(f) for f in self.factors}, self.lang)

    def robustness(self) -> Styler:
        """Intention's scale score on the four scale scores, standardized, HC3 standard errors."""
        res = stats.robust_regression(self.data, "bi", list(reproduction.UTAUT))
        return self.table(tables.robust_table(res, self.cb, self.lang), self.t("robust_title"), "robust_regression", decimals=3)

    def published_figures(self) -> dict[str, float]:
        return reproduction.utaut_figures(self.data) | reproduction.sem_figures(sem.paths(self.model))

    def key_values(self) -> dict:
        paths = sem.paths(self.model)
        names = [self.label(p) for p in paths.loc[paths["p"] < 0.05, "predictor"]]
        return {"names": ", ".join(names) or self.t("none")}


class Needs(Chapter):
    """06: how and where staff prefer to learn, which support they would find useful (section 4)."""

    number, key = 6, "needs"

    def published_figures(self) -> dict[str, float]:
        return reproduction.needs_figures(self.data)

    def key_values(self) -> dict:
        form = tables.choice_table(self.data, "learn_form", self.cb, self.lang, self.min_cell)
        support = tables.sorted_by_mean(self.data, self.cb.blocks["support"])[0]
        return {"form": form.iloc[0, 0], "share": float(form.iloc[0, 2]), "support": self.label(support),
                "mean": self.data[support].astype(float).mean()}


class Places(Chapter):
    """07: where respondents work, by postcode: the map, places, provinces (method section)."""

    number, key = 7, "map"

    @cached_property
    def places(self) -> pd.DataFrame:
        return geo.lookup(self.data["postcode"])

    @cached_property
    def bubbles(self) -> pd.DataFrame:
        return geo.bubbles(self.places, self.min_cell)

    def map(self) -> report.Chart:
        """Circles of respondents per place; small places pooled into wider areas."""
        drawn = self.bubbles[self.bubbles["level"] != "hidden"]
        fig = plots.bubble_map(geo.boundaries(), drawn, self.t("map_title", n=int(drawn["n"].sum())),
                               self.t("map_pooled"), highlight_region="02000", outline_region="04000")
        return self.figure(fig, "map", n=int(drawn["n"].sum()), note=self.t("map_note", min_cell=self.min_cell))

    def place_table(self) -> Styler:
        return self.table(tables.places_table(self.bubbles, self.lang), self.t("places_title"), "places")

    def unplaced(self) -> Styler:
        """Answers that are not on the map, with the reason."""
        pooled_away = int(self.bubbles.loc[self.bubbles["level"] == "hidden", "n"].sum())
        frame = tables.unknown_places(self.places, pooled_away, self.lang, self.min_cell)
        return self.table(frame, self.t("unknown_title"), "unknown_postcodes")

    def provinces(self, by: str | None = None) -> Block:
        """Respondents per province (with a chart), or per province and a second variable."""
        split = self.data[by].map(self.cb.labels(by, self.lang)) if by else None
        counts = tables.province_counts(self.places, self.lang, by=split)
        title, name = (self.t("province_gov_title"), "provinces_by_government") if by else (self.t("province_title"), "provinces")
        shown = self.table(disclosure.protected_counts(counts, self.min_cell), title, name)
        if by:
            return Block(shown)
        chart = plots.grouped_bars(counts.assign(n=disclosure.without_small(counts["n"], self.min_cell)), counts.columns[0], ["n"],
                                   title, "n", decimals=0)
        return Block(shown, self.figure(chart, name, n=int(counts["n"].sum())))

    def key_values(self) -> dict:
        return {"places": ", ".join(self.bubbles.nlargest(3, "n")["name"])}


class Waves(Chapter):
    """08: this export beside an earlier run (a previous wave, another organisation)."""

    number, key = 8, "waves"

    def __init__(self, processed=None, compare_with: str | Path | None = None, **options):
        super().__init__(processed, **options)
        self.first = io.load_processed(compare_with)
        self.names = (Path(compare_with).stem, Path(processed or PROCESSED_DEFAULT).stem)

    @cached_property
    def comparison(self) -> pd.DataFrame:
        return waves.compare_waves(self.first, self.data)

    def indicators(self) -> Block:
        """Every headline indicator in both waves, the difference with its 95% CI and p; shares and means charted."""
        charts = [self.figure(plots.grouped_bars(data, data.columns[0], list(self.names), self.t(title), kind,
                                                 decimals=2 if kind == "M" else 1), name, n=f"{len(self.first)} / {len(self.data)}")
                  for kind, title, name in (("%", "waves_shares_title", "waves_shares"), ("M", "waves_means_title", "waves_means"))
                  for data in [tables.waves_chart_data(self.comparison, kind, self.names, self.cb, self.lang)]]
        return Block(self.table(tables.waves_table(self.comparison, self.names, self.cb, self.lang), self.t("waves_title"), "waves"),
                     *charts)

    def key_values(self) -> dict:
        return {"changed": int((self.comparison["p"] < 0.05).sum()), "total": len(self.comparison)}


class Context(Chapter):
    """09: headline indicators weighted and unweighted, related studies, use by age and education."""

    number, key = 9, "context"

    def __init__(self, processed=None, weight_by: str | None = "gov_type", **options):
        super().__init__(processed, **options)
        self.weight_by = weight_by

    @cached_property
    def weights(self) -> pd.Series:
        return weighting.weights(self.data, self.weight_by)

    @cached_property
    def headline(self) -> pd.DataFrame:
        return weighting.weighted_headline(self.data, self.weights, reproduction.HEADLINE_SHARES, reproduction.HEADLINE_MEANS)

    def weighting_note(self) -> Markdown:
        label = self.label(self.weight_by) if self.weight_by else ""
        source = weighting.load_population()[self.weight_by]["source"] if self.weight_by else ""
        return report.weighting_note(self.weights, self.weight_by, label, source, self.lang)

    def weighted(self) -> Styler:
        return self.table(tables.weighted_table(self.headline, self.cb, self.lang), self.t("weighted_title"), "weighted",
                          decimals=2)

    def related_studies(self) -> Styler:
        return self.table(context.studies(self.lang), self.t("context_title"), "context")

    def use_by(self, group: str) -> Styler:
        """Use at work per age group or education level: n, % ever, % at least weekly; small groups hidden."""
        groups = (cleaning.age_groups(self.data["age"]) if group == "age"
                  else cleaning.education_groups(self.data, self.cb, self.lang))
        return self.table(context.use_by(self.data, groups, self.lang, self.min_cell), self.t(f"by_{group}_title"),
                          f"use_by_{group}")

    def key_values(self) -> dict:
        return self.headline.set_index("id").loc["use_work_weekly", ["weighted", "unweighted"]].to_dict()
