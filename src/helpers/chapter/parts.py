"""The report's chapters: each notebook makes one of these from its parameters and calls its blocks.

Generic blocks (frequencies, shares, likert, paired tests, scales, correlations) live on Chapter;
what only one chapter shows (the exclusion flow, the structural model, the map, the waves, the
weighting) lives on that chapter's class here.
"""
from __future__ import annotations

from functools import cached_property, partial
from pathlib import Path

import pandas as pd
import semopy
from IPython.display import Markdown
from pandas.io.formats.style import Styler

from helpers import synth
from helpers.analysis import reproduction, sem, stats, waves, weighting
from helpers.analysis.fits import Fits
from helpers.chapter.base import MODEL_ERRORS, Block, Chapter, Table, estimable, guarded
from helpers.disclosure import HIDDEN, is_small
from helpers.ingest import io
from helpers.paths import PROCESSED_DEFAULT, slug
from helpers.prepare import cleaning, geo
from helpers.prepare.analysis import save_spss
from helpers.present import context, findings, plots, published, report, tables
from helpers.present.result import Result
from helpers.present.text import number, p_text

CASES_PER_PARAMETER = 5   # the smallest sample for a structural equation model (Bentler & Chou, 1987)


class Cleaning(Chapter):
    """01: from the raw export to the analysis sample (method section: Tables 1-3, age, Chart 1)."""

    number = 1

    def __init__(self, raw: str | Path | None, mapping: str | Path | None = None, processed: str | Path | None = None, *,
                 speeder_share_of_median: float = 0.4, start_year_after: int = 2019, **options):
        self.raw, self.mapping, self.processed = raw, mapping, Path(processed or io.default_processed(raw))
        self.speeder_share_of_median, self.start_year_after = speeder_share_of_median, start_year_after
        super().__init__(processed, **options)

    def load(self, processed) -> pd.DataFrame:
        self.export = io.read_export(self.raw or synth.ensure_synthetic_default(), self.mapping)
        self.result = cleaning.clean(self.export, self.cb, self.speeder_share_of_median)
        if is_small(len(self.export) - len(self.result.data), self.min_cell):   # the rows read would give the excluded away
            self.result.data.attrs["provenance"]["rows_in"] = HIDDEN
        return self.result.data

    def source(self) -> Styler:
        """The data source: file, rows, checksum, synthetic or not."""
        return tables.styled(tables.source_table(self.data.attrs["provenance"], self.lang), self.t("source_title"), lang=self.lang)

    def flow_title(self) -> str:
        rows_in = self.data.attrs["provenance"]["rows_in"]
        return self.t("flow_title", n_in=number(rows_in, 0, self.lang) if isinstance(rows_in, int) else rows_in,
                      n_out=number(len(self.data), 0, self.lang))

    def exclusions(self) -> Block:
        """The exclusion rules in order: rows excluded by each, as a table and a chart."""
        result = tables.flow_result(self.result, self.lang, self.min_cell)
        steps = result.frame.iloc[:-1]
        chart = plots.flow_chart(steps["label"].tolist(), steps["remaining"], steps["excluded"].fillna(0).mask(steps["hidden_excluded"]),
                                 self.flow_title(), self.t("flow_axis"))
        return Block(self.table(result, self.flow_title(), "exclusion_flow", choices=("exclusion-order",)),
                     self.figure(chart, "exclusion_flow", n=len(self.export)))

    def speeder_note(self) -> Markdown:
        return Markdown(self.mark(self.note("speeder_note", threshold=self.result.speeder_threshold_s,
                                            share=self.speeder_share_of_median).data, "speeder-rule"))

    def row_account(self) -> Table:
        """Every input row accounted for: rows per status, the total equal to the rows read."""
        return self.table(tables.account_result(self.result, self.lang, self.min_cell), "col_status", "row_account_totals")

    def save(self) -> Path:
        """Write the processed dataset and its row account (one line per input row) for the other chapters, and
        the same data as an SPSS file beside it (variable and value labels in the page's language) for
        colleagues who work in SPSS or R."""
        io.save_processed(self.result.account, cleaning.account_path(self.processed))
        save_spss(self.data, self.processed.with_suffix(".sav"), self.cb, self.lang)
        return io.save_processed(self.data, self.processed)

    @guarded
    def sample_vs_population(self, name: str) -> Block:
        """The sample beside the population of government staff on one variable, with the goodness-of-fit
        test of the sample's distribution against the population's shares."""
        population = weighting.load_population()[name]
        result = tables.population_result(self.data, name, population, self.cb, self.lang, self.min_cell)
        counts = self.data[name].dropna().astype(int).value_counts()
        test = stats.goodness_of_fit(counts, pd.Series(population["counts"])).iloc[0]
        note = self.note("population_test", chi2=test["chi2"], dof=int(test["dof"]), p=p_text(test["p"]), n=int(test["n"]),
                         source=weighting.population_source(name, self.lang))
        return Block(self.table(result, self.t("population_title", variable=self.label(name)), f"{name}_vs_population"), note)

    @guarded
    def age(self) -> Table:
        return self.table(tables.describe_result(self.data, "age", self.min_cell), "age_title", "age")

    @guarded
    def start_years(self) -> report.Chart | Markdown:
        """Chart 1: the year respondents started, the years after the report's cut-off highlighted; the
        too-few note instead of a chart when every bar is hidden."""
        years = tables.start_year_result(self.data, self.start_year_after, self.min_cell).frame
        if years["n"].isna().all():
            return self.note("too_few_respondents", min_cell=self.min_cell)
        later = [y for y in years["year"] if y.isdigit() and int(y) > self.start_year_after]
        return self.figure(plots.bar_chart(years, "year", "n", self.t("chart_1"), highlight=later,
                                           axis_labels=(self.t("chart_1_axis"), self.t("col_n")),
                                           legend=(self.t("chart_1_after", year=self.start_year_after),
                                                   self.t("chart_1_before", year=self.start_year_after))),
                           "chart_1_start_year", frame=years)

    def published_figures(self) -> dict[str, float]:
        return reproduction.sample_figures(self.result, self.start_year_after)

    def finding_sentences(self) -> list[str]:
        return findings.cleaning(self.result, self.lang, self.min_cell)


class Usage(Chapter):
    """02: use at work and in free time, reasons for never using, systems, paid versions (section 1.1).
    `show_free_text`: the open answers themselves are shown (personal data: off by default)."""

    number = 2
    families = ("usage",)

    def __init__(self, processed=None, show_free_text: bool = False, **options):
        super().__init__(processed, **options)
        self.show_free_text = show_free_text

    @guarded
    def frequency(self, among=None) -> Table:
        """Use frequency at work and in free time: n, % of all respondents and % of users."""
        result = tables.usage_frequency_result(self.base(among), self.cb, self.lang, self.min_cell)
        return self.table(result, "usage_freq_title", "usage_frequency", among=among)

    @guarded
    def groups(self, among=None) -> Table:
        """The report's groupings (daily, at least weekly, ...) on both bases."""
        result = tables.usage_groups_result(self.base(among), reproduction.USE_GROUPS, self.cb, self.lang, self.min_cell)
        return self.table(result, "usage_groups_title", "usage_groups", among=among)

    @guarded
    def chart(self, among=None) -> report.Chart:
        """The report's chart: use at work vs free time, % of users (the numbers: the usage-frequency table's)."""
        shares = tables.users_shares(tables.usage_frequency_result(self.base(among), self.cb, self.lang, self.min_cell).frame, self.lang)
        return self.figure(plots.grouped_bars(shares, "label", list(shares.columns[1:]), self.t("usage_chart_title"),
                                              self.t("axis_percent_users")), "usage_work_vs_free", n=tables.bases(shares) or None,
                           among=among)

    @guarded
    def free_text(self, column: str) -> Styler:
        """Open answers: how many were given; the texts only with `show_free_text`."""
        context = self.t("context_work" if column.endswith("work_other_text") else "context_free")
        frame = tables.free_text(self.data, column, self.lang, self.show_free_text, self.min_cell)
        return tables.styled(frame, f"{self.t('free_text_title')} ({context})", lang=self.lang)

    def published_figures(self) -> dict[str, float]:
        return reproduction.usage_figures(self.data)

    def finding_sentences(self) -> list[str]:
        return findings.usage(self.data, self.lang, self.min_cell)


class ProsCons(Chapter):
    """03: advantages, disadvantages and specific use, among those who use generative AI at work (1.2, 1.3)."""

    number = 3
    respondents = "users"
    families = ("agree", "pros", "cons")

    def published_figures(self) -> dict[str, float]:
        return reproduction.pros_cons_figures(self.users) | reproduction.task_figures(self.users)

    def finding_sentences(self) -> list[str]:
        return findings.pros_cons(self.users, self.lang, self.min_cell)


class Literacy(Chapter):
    """04: generative-AI literacy (five subscales, Appendix 1) and role perception (sections 2, 2.1)."""

    number = 4
    families = ("literacy", "role_literacy")

    def published_figures(self) -> dict[str, float]:
        return reproduction.literacy_figures(self.data) | reproduction.role_figures(self.data)

    def finding_sentences(self) -> list[str]:
        return findings.literacy(self.data, self.lang, self.min_cell)


class Modelled:
    """A chapter that fits the report's intention model (section 3): the UTAUT factors and intention, the
    measurement model and the structural model, and what the model says about intention's predictors.

    `structural` is the model's structural part in lavaan syntax (default the report's: intention on the four
    factors); a researcher may add a path or an observed covariate ('bi ~ pe + ee + si + fc + age'). The
    measurement part comes from the codebook's scales; `model_text` is the whole model. `fits`: the run's fits
    file (helpers.analysis.fits), which chapter 05 writes (`writes_fits`) and the summaries read; None (a notebook
    run by hand): every fit is made here."""

    structural = "bi ~ " + " + ".join(reproduction.UTAUT)
    writes_fits = False

    def __init__(self, processed=None, *, fits: str | Path | None = None, **options):
        super().__init__(processed, **options)
        self.fits = Fits(fits, writes=self.writes_fits)

    @cached_property
    def factors(self) -> dict[str, list[str]]:
        return reproduction.intention_model(self.cb)

    @property
    def model_text(self) -> str:
        return self.complete(self.structural)

    def complete(self, model: str) -> str:
        """A lavaan-syntax model: as given when it defines its factors (=~), else the codebook's factors with it."""
        return model.strip() if "=~" in model else f"{sem.model_text(self.factors)}\n{model.strip()}"

    @property
    def cfa(self):
        return self.fitted(sem.model_text(self.factors))

    @property
    def model(self):
        return self.fitted(self.model_text)

    def fitted(self, description: str, estimator: str = "ML", missing: str = "fiml") -> sem.Model | sem.Results:
        """The model fitted (default ML with FIML), when the data hold at least five respondents per free parameter
        (Bentler & Chou, 1987); otherwise a ValueError saying how many there are and how many it needs. Fitted
        once for these rows and columns, this model text, estimator and sem.py (`fits`); a summary takes the
        results chapter 05 kept in the run's fits file when it holds this fit."""
        model = semopy.Model(description)
        unknown = sorted(set(model.vars["observed"]) - set(self.data.columns))
        if unknown:
            raise ValueError(f"model: {unknown} are neither factors nor columns of the data (the factors are {list(self.factors)})")
        held = self.fits.stored(description, self.data, estimator, missing)
        if held is not None:
            return held
        answering = self.data[model.vars["observed"]].astype(float).dropna(how="all")   # FIML uses every answer
        model.load(answering.fillna(answering.mean()))
        need = CASES_PER_PARAMETER * len(model.param_vals)
        if len(answering) < need:
            n = len(answering) if len(answering) >= self.min_cell else f"< {self.min_cell}"   # never a small count
            raise ValueError(self.t("model_too_few_cases", n=n, need=need, k=len(model.param_vals)))
        return self.fits.model(description, self.data, estimator, missing)

    def intention_sentences(self) -> list[str]:
        """Which predictors of intention are significant (findings.intention), or why the model could not
        be estimated."""
        try:
            model = self.model
        except MODEL_ERRORS as err:
            return [self.t("model_failed", reason=str(err).splitlines()[0])]
        return findings.intention(sem.paths(model), self.lang, model.n_obs)


class Intention(Modelled, Chapter):
    """05: intention to use: the UTAUT scales, the measurement model, the structural model (section 3).
    `structural`: the structural part of the model in lavaan syntax (Modelled)."""

    number = 5
    families = ("sem",)
    writes_fits = True

    def __init__(self, processed=None, structural: str | None = None, **options):
        super().__init__(processed, **options)
        if structural is not None:
            if not isinstance(structural, str) or "~" not in structural:
                raise ValueError(f"structural must be lavaan syntax with at least one regression ('bi ~ pe + ee'), not {structural!r}")
            self.structural = structural

    def model_syntax(self) -> Markdown:
        """The model as lavaan syntax, as it is fitted: the measurement part from the codebook, then the structural part."""
        return Markdown(f"{self.t('model_syntax_intro')}\n\n```\n{self.model_text}\n```")

    @estimable
    def measurement_model(self) -> Block:
        """The five factors, all correlated: fit, loadings, reliability and convergent validity (AVE below .50
        commented), discriminant validity by Fornell-Larcker and HTMT."""
        cfa = self.cfa
        reliability = sem.reliability(cfa)
        return Block(
            self.table(tables.fit_result(sem.fit_indices(cfa)), "cfa_fit_title", "cfa_fit"),
            self.table(tables.loadings_result(sem.loadings(cfa), self.cb, self.lang), "cfa_loadings_title", "cfa_loadings"),
            self.table(tables.validity_result(reliability, self.data, self.cb, self.lang), "validity_title", "cfa_validity"),
            Markdown(tables.ave_note(reliability, self.cb, self.lang)),
            self.table(tables.matrix_result(sem.fornell_larcker(cfa), "fornell_larcker", self.cb, self.lang), "fornell_larcker_title", "fornell_larcker"),
            self.table(tables.matrix_result(sem.htmt(self.data, self.factors), "htmt", self.cb, self.lang, flag_above=sem.HTMT_MAX), "htmt_title", "htmt"))

    @estimable
    def structural_model(self, model: str | None = None) -> Block:
        """The structural model (default the chapter's; `model` another in lavaan syntax, its structural part
        alone or whole): fit, paths with R², the path diagram. Another model's tables and diagram are named
        after it, beside the report's."""
        text = self.complete(model) if model else self.model_text
        fitted = self.fitted(text)
        paths, r2 = sem.paths(fitted), sem.r_squared(fitted)
        suffix = "" if text == self.complete(Modelled.structural) else f"_{slug(model or self.structural)[:40]}"
        labels = {v: self.label(v) for v in {*paths["outcome"], *paths["predictor"]}}
        diagram = plots.path_diagram(paths, labels, r2.set_index("variable")["r2"].to_dict(), self.t("path_diagram_title"))
        return Block(
            self.table(tables.fit_result(sem.fit_indices(fitted)), "sem_fit_title", f"sem_fit{suffix}"),
            self.table(tables.paths_result(paths, r2, self.cb, self.lang), "sem_paths_title", f"sem_paths{suffix}"),
            self.figure(diagram, f"path_diagram{suffix}"))

    @estimable
    def missing_data(self) -> Block:
        """Before the model, what FIML works with: each item's share of missing answers (hidden where the
        missing answers or the answered ones are a small cell), the number of missing-data patterns and the
        covariance coverage (lavaan's lavInspect(fit, "coverage"): the share answering both of two items;
        hidden likewise)."""
        items = [i for group in self.factors.values() for i in group]
        patterns = sem.patterns(self.data, items)
        coverage = tables.coverage_result(sem.coverage(self.data, items), int(patterns["n"].sum()), self.factors, self.cb, self.lang,
                                          self.min_cell)
        return Block(
            self.table(tables.missing_result(sem.missingness(self.data, items), self.cb, self.lang, self.min_cell),
                       "missing_items_title", "missing_items"),
            Markdown(self.t("missing_patterns_note", patterns=len(patterns),
                            low=number(float(sem.coverage(self.data, items).to_numpy().min()), 3, self.lang))),
            self.table(coverage, "coverage_title", "coverage"))

    @estimable
    def boundary(self) -> Markdown:
        """Negative variances (a Heywood case) in the measurement or the structural model, named with estimate
        and SE, what they mean and what to consider (as lavaan warns of them); nothing when there are none."""
        lines = [self.t("negative_variance", model=self.t(f"model_{which}"), variable=self.label(r.variable),
                        est=number(r.est, 3, self.lang), se=number(r.se, 3, self.lang))
                 for which, model in (("cfa", self.cfa), ("sem", self.model)) for r in sem.negative_variances(model).itertuples()]
        return Markdown("\n\n".join([*lines, self.t("negative_variance_advice")]) if lines else "")

    @estimable
    def estimators(self) -> Block:
        """The structural model under ML with FIML (the report's), ML on complete answers, MLR and DWLS on
        polychoric correlations (the items are ordinal): N, fit and paths side by side."""
        comparison = sem.compare_estimators(self.model_text, self.data, fitted=partial(self.fitted, self.model_text))
        few = [self.t(f"estimator_{row.estimator}_{row.missing}") for row in comparison.itertuples() if row.few_cases]
        return Block(self.table(tables.estimators_result(comparison, self.cb, self.lang), "estimators_title", "estimators"),
                     Markdown(self.t("estimators_note")),
                     *([Markdown(self.t("few_cases_warning", estimators="; ".join(few)))] if few else []))

    @estimable
    def robustness(self) -> Table:
        """Intention's scale score on the four scale scores, standardized, HC3 standard errors."""
        res = stats.robust_regression(self.data, "bi", list(reproduction.UTAUT))
        return self.table(tables.robust_result(res, self.cb, self.lang), "robust_title", "robust_regression")

    def published_figures(self) -> dict[str, float]:
        try:
            paths = sem.paths(self.fitted(self.complete(Modelled.structural)))
        except MODEL_ERRORS:
            paths = None   # the model's claims cannot be judged: not shown
        return reproduction.utaut_figures(self.data) | reproduction.sem_figures(paths)

    def finding_sentences(self) -> list[str]:
        return self.intention_sentences()


class Needs(Chapter):
    """06: how and where staff prefer to learn, which support they would find useful (section 4)."""

    number = 6
    families = ("choice", "support")

    def published_figures(self) -> dict[str, float]:
        return reproduction.needs_figures(self.data)

    def finding_sentences(self) -> list[str]:
        return findings.needs(self.data, self.lang, self.min_cell)


class Places(Chapter):
    """07: where respondents work, by postcode: the map, places, provinces (method section)."""

    number = 7

    @cached_property
    def places(self) -> pd.DataFrame:
        return geo.lookup(self.data["postcode"])

    @cached_property
    def bubbles(self) -> pd.DataFrame:
        return geo.bubbles(self.places, self.min_cell)

    @cached_property
    def accounted(self) -> Result:
        """Every respondent as the map accounts for them: circles, pools, off the map (tables.places_result)."""
        return tables.places_result(self.bubbles, int((self.places["reason"] != "").sum()), self.lang)

    @guarded
    def map(self) -> report.Chart:
        """Circles of respondents per municipality; under the map, who is no circle (pooled places, no place)."""
        frame, n = self.accounted.frame, len(self.data)
        towns = frame[frame["level"] == geo.LEVELS[0]]
        pooled = "; ".join(self.t("map_pooled_place", place=row.label, n=number(row.n, 0, self.lang))
                           for row in frame[frame["level"].isin(geo.LEVELS[1:])].itertuples()) or self.t("map_none")
        listing = self.t("map_listing", drawn=number(towns["n"].sum(), 0, self.lang), towns=len(towns), pooled=pooled,
                         off_map=number(frame.loc[frame["level"] == "off_map", "n"].sum(), 0, self.lang), n=number(n, 0, self.lang))
        fig = plots.bubble_map(geo.boundaries(), self.bubbles, self.t("map_title", n=n), listing, self.t("map_key"),
                               highlight_region="02000", outline_region="04000")
        return self.figure(fig, "map", n=n, note=self.t("map_note", min_cell=self.min_cell))

    @guarded
    def place_table(self) -> Table:
        return self.table(self.accounted, "places_title", "places")

    @guarded
    def unplaced(self) -> Table:
        """Answers that are not on the map, with the reason."""
        pooled_away = int(self.bubbles.loc[self.bubbles["level"] == "hidden", "n"].sum())
        return self.table(tables.unknown_places_result(self.places, pooled_away, self.lang, self.min_cell), "unknown_title", "unknown_postcodes")

    @guarded
    def provinces(self, by: str | None = None) -> Block:
        """Respondents per province (with a chart), or per province and a second variable (with totals)."""
        result = tables.province_result(self.places, self.lang, self.min_cell, by=self.data[by] if by else None,
                                        by_labels=self.cb.labels(by, self.lang) if by else None)
        title, name = ("province_gov_title", "provinces_by_government") if by else ("province_title", "provinces")
        shown = self.table(result, title, name)
        if by:
            return Block(shown)
        chart = plots.grouped_bars(result.frame, "label", ["n"], self.title(title), "n", decimals=0)
        return Block(shown, self.figure(chart, name, n=len(self.data)))

    def published_figures(self) -> dict:
        return reproduction.place_figures(self.bubbles)

    def finding_sentences(self) -> list[str]:
        return findings.places(self.bubbles, self.places, self.lang, self.min_cell)


class Waves(Chapter):
    """08: this export beside an earlier run (a previous wave, another organisation)."""

    number = 8
    families = ("waves",)

    def __init__(self, processed=None, compare_with: str | Path | None = None, **options):
        if compare_with is None or not Path(compare_with).is_file():
            raise ValueError(f"compare_with must be the processed data of an earlier run (data/processed/<run>.parquet, as "
                             f"make reports COMPARE_WITH=<run> gives it), not {compare_with!r}")
        super().__init__(processed, **options)
        self.first = io.load_processed(compare_with)
        self.names = (Path(compare_with).stem, Path(processed or PROCESSED_DEFAULT).stem)

    @cached_property
    def comparison(self) -> pd.DataFrame:
        return waves.compare_waves(self.first, self.data)

    @guarded
    def indicators(self) -> Block:
        """Every headline indicator in both waves, the difference with its 95% CI and p; shares and means charted."""
        result = tables.waves_result(self.comparison, self.names, self.cb, self.lang)
        charts = [self.figure(plots.grouped_bars(data, "label", list(self.names), self.t(title), kind,
                                                 decimals=2 if kind == "M" else 1), name, n=f"{len(self.first)} / {len(self.data)}")
                  for kind, title, name in (("%", "waves_shares_title", "waves_shares"), ("M", "waves_means_title", "waves_means"))
                  for data in [tables.waves_chart_data(result.frame, kind)]]
        return Block(self.table(result, "waves_title", "waves"), *charts)

    def finding_sentences(self) -> list[str]:
        return findings.waves(self.comparison, self.lang)


class Context(Chapter):
    """09: headline indicators weighted and unweighted, related studies, use by age and education."""

    number = 9
    families = ("age",)

    def __init__(self, processed=None, weight_by: str | None = "gov_type", **options):
        super().__init__(processed, **options)
        self.weight_by = weight_by

    @cached_property
    def weights(self) -> pd.Series:
        return weighting.weights(self.data, self.weight_by)

    @property
    def is_weighted(self) -> bool:
        """Whether the figures are weighted: a weighting asked for, and every stratum of the sample has a count."""
        return self.weight_by is not None and not self.weights.attrs.get("unweightable")

    @cached_property
    def headline(self) -> pd.DataFrame:
        by = self.weight_by if self.is_weighted else None
        return weighting.weighted_headline(self.data, self.weights, reproduction.HEADLINE_SHARES, reproduction.HEADLINE_MEANS, by=by)

    @guarded
    def weighting_note(self) -> Markdown:
        label = self.cb.noun(self.weight_by, self.lang) if self.weight_by else ""
        source = weighting.population_source(self.weight_by, self.lang) if self.weight_by else ""
        return report.weighting_note(self.weights, self.weight_by, label, source, self.lang)

    @guarded
    def strata(self) -> Table | Markdown:
        """Per stratum of the weighting: population and sample shares, n, the weight, what happened to it."""
        if not self.is_weighted:
            return self.weighting_note()
        population = weighting.load_population()[self.weight_by]["counts"]
        result = tables.strata_result(weighting.strata_table(self.data[self.weight_by], population), self.cb, self.weight_by,
                                      self.lang, self.min_cell)
        return self.table(result, "strata_title", "strata")

    @guarded
    def weighted(self) -> Table:
        return self.table(tables.weighted_result(self.headline, self.cb, self.lang, self.min_cell), "weighted_title", "weighted")

    def related_studies(self) -> Block:
        """Figures of related studies beside this one, with the year of their fieldwork; under them the full reference
        of each study cited, and of the study this project reproduces."""
        result = context.studies_result(self.lang)
        return Block(self.table(result, "context_title", "context"), Markdown(context.references(result.frame, self.lang)))

    @guarded
    def use_by(self, group: str) -> Table:
        """Use at work per age group or education level: n, % ever, % at least weekly; small groups hidden."""
        if group == "age":
            groups, published, choice = cleaning.age_groups(self.data["age"], self.cb), None, self.cb["age"].groups_choice
        else:
            groups = cleaning.education_groups(self.data, self.cb, self.lang)
            published = reproduction.published_cells("education_level").rename(self.cb.labels("education_level", self.lang))
            choice = self.cb.choice("education_level")
        return self.table(context.use_by_result(self.data, groups, self.min_cell, published), f"by_{group}_title", f"use_by_{group}",
                          choices=(choice,))

    def finding_sentences(self) -> list[str]:
        """What weighting changes, or (nothing weighted) the weighting note; and use at work by age."""
        if self.is_weighted:
            return findings.context(self.data, self.weights, self.lang, self.min_cell)
        return [self.weighting_note().data, findings.age_gradient(self.data, self.lang, self.min_cell)]


class Summary(Modelled, Chapter):
    """The report's summaries (its key findings, its conclusion): what the body chapters compute, restated.
    Each claim of the summary's section in published.yaml names the body claim it restates (`source`) and
    is judged on that claim's figure, computed here by the body chapters' own functions."""

    section = ""

    @cached_property
    def body_figures(self) -> dict:
        """The body chapters' figures (reproduction.body_figures); the model's only when it can be estimated:
        what cannot be computed is judged 'not shown'."""
        try:
            paths = sem.paths(self.model)
        except MODEL_ERRORS:
            paths = None
        return reproduction.body_figures(self.data, paths, self.min_cell)

    def published_figures(self) -> dict:
        return published.restate(self.section, self.body_figures)


class KeyFindings(Summary):
    """00: the report's key findings (Kernbevindingen) recomputed, and its introduction."""

    number = 0
    section = "key"
    families = ("agree", "sem", "midpoint")

    def finding_sentences(self) -> list[str]:
        return findings.key_findings(self.data, self.intention_sentences(), self.lang, self.min_cell)


class Conclusion(Summary):
    """10: the data claims of the report's conclusion (Conclusie) recomputed."""

    number = 10
    section = "conclusion"
    families = ("usage", "sem", "choice")

    def finding_sentences(self) -> list[str]:
        return findings.conclusion(self.data, self.intention_sentences(), self.lang, self.min_cell)
