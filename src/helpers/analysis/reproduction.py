"""The report's published figures (data/published.yaml ids), computed from the processed rows.

One function per chapter returns {figure id: value}; notebooks pass it to published.compare. A value is
a number, an Effect (a test: its estimate and p), or {name: value} for a ranking or an 'only these are
significant' claim (published.py judges each kind). Bases follow data/ASSUMPTIONS.md (usage shares on all
respondents; item figures on those answering).
"""
from __future__ import annotations

from typing import NamedTuple

import pandas as pd

from helpers.analysis.contrasts import paired_shares
from helpers.analysis.stats import (
    ALPHA,
    ALPHA_REPORT,
    chi2_homogeneity,
    likert_summary,
    multi_response,
    one_sample_t,
    paired_ttests,
    pearson,
    scale_summary,
    share,
    spearman,
)
from helpers.analysis.weighting import load_population
from helpers.ingest.codebook import load_codebook
from helpers.prepare.cleaning import Cleaned


class Standard(NamedTuple):
    """Which p value a family of the report's claims is judged on, and at which thresholds: declared once, here
    (STANDARDS), and read by every place that says whether such a claim is significant: the figures computed
    for the verdicts (Effect.p), the stars of a table, the finding sentences, the verdicts and the tables' column
    headers. `p`: 'p' (as tested) or 'p_holm' (Holm-adjusted within the family, stats.paired_ttests);
    `levels`: the report's notation, strictest first ('**' p < .001, '*' p < .05); significant means below the
    loosest level (`alpha`).

    >>> STANDARDS["role_literacy"].stars(0.03), STANDARDS["pros"].significant(0.002)
    ('*', False)
    """
    p: str
    levels: tuple[tuple[float, str], ...]

    @property
    def alpha(self) -> float:
        return self.levels[-1][0]

    @property
    def adjusted(self) -> bool:
        return self.p != "p"

    def significant(self, p: float) -> bool:
        """Below the family's threshold (NaN, a test that could not be run, never is)."""
        return bool(p < self.alpha)

    def stars(self, p: float) -> str:
        """The report's notation for p: the mark of the strictest level it is below, else 'ns'."""
        return next((mark for level, mark in self.levels if p < level), "ns")


# The report's threshold: "we hanteren steeds een drempelwaarde van p < .001" (footnotes 7, 8, 10, 11); its table in
# 2.1 also marks p < .05 ("*", footnote 13), and its text calls those correlations a relation ("lichte samenhang").
REPORT_LEVEL = ((ALPHA_REPORT, "**"),)
STANDARDS = {
    "usage": Standard("p", REPORT_LEVEL),            # 1.1, footnotes 7-8: chi-square and Spearman, one test each
    "systems": Standard("p", REPORT_LEVEL),          # 1.1: one system at work against free time (McNemar), one test each
    "pros": Standard("p_holm", REPORT_LEVEL),        # 1.2, footnote 9: four paired t-tests, one family (Holm)
    "cons": Standard("p_holm", REPORT_LEVEL),        # 1.2, footnote 10: four paired t-tests, one family (Holm)
    "literacy": Standard("p_holm", REPORT_LEVEL),    # 2, footnote 11: four paired t-tests, one family (Holm)
    "role_literacy": Standard("p", ((ALPHA_REPORT, "**"), (ALPHA, "*"))),   # 2.1: the report's stars, on r as tested
    "midpoint": Standard("p", REPORT_LEVEL),         # 3: a scale's mean against the middle of its answers (one-sample t)
    "sem": Standard("p", REPORT_LEVEL),              # 3, footnote 14: each path of the structural model (z test)
    # This project's own comparisons, read at the report's threshold:
    "agree": Standard("p", REPORT_LEVEL),            # advantages against disadvantages agreed (McNemar)
    "support": Standard("p", REPORT_LEVEL),          # the most against the least useful support (paired t)
    "choice": Standard("p", REPORT_LEVEL),           # the most against the second most chosen option (z test)
    "age": Standard("p", REPORT_LEVEL),              # use at work by age (Spearman)
    "waves": Standard("p_adj", REPORT_LEVEL),        # two waves' headline indicators, one exploratory family (Benjamini-Hochberg)
}


class Effect(NamedTuple):
    """A test as a published claim needs it: the estimate, oriented as the claim's direction is written
    (left minus right: 'work > free' is work minus free), and its p value."""
    estimate: float
    p: float


# Use-frequency groups of the report (codes of the use_frequency value set).
USE_GROUPS = {"daily": (5,), "weekly_plus": (4, 5), "monthly": (3,), "rarely_never": (1, 2), "never": (1,)}

LITERACY = ("lit_tech", "lit_crit", "lit_comm", "lit_crea", "lit_eth")
ROLES = ("role_exec", "role_innov", "role_netw")
UTAUT = ("pe", "ee", "si", "fc")
SCALE_GROUPS = {"literacy": LITERACY, "role": ROLES, "utaut": (*UTAUT, "bi")}   # the report's groups of scales

# The paired comparisons the report's footnotes 9, 10 (higher, lower item) and 11 (each subscale vs technical) describe.
REPORT_TTESTS = {
    "literacy": [(other, "lit_tech") for other in LITERACY[1:]],
    "pros": [("pro_time_saving", "pro_answering"), ("pro_time_saving", "pro_data"),
             ("pro_summarising", "pro_answering"), ("pro_summarising", "pro_data")],
    "cons": [("con_incorrect", "con_energy"), ("con_undesired", "con_energy"),
             ("con_incorrect", "con_copyright"), ("con_undesired", "con_copyright")],
}

# Headline indicators (waves compared, weighted estimates): shares (id, variable, codes counted) and means.
HEADLINE_SHARES = [
    ("use_work_weekly", "use_work", (4, 5)), ("use_free_weekly", "use_free", (4, 5)), ("use_work_daily", "use_work", (5,)),
    ("system_chatgpt", "system_work_chatgpt", (1,)), ("system_copilot", "system_work_copilot", (1,)),
    ("paid", "paid_work", (1,)), ("pros_agree", "pros_agree", (4, 5)), ("cons_agree", "cons_agree", (4, 5)),
]
HEADLINE_MEANS = ["lit_tech", "lit_crit", "lit_comm", "lit_crea", "lit_eth", "pe", "ee", "si", "fc", "bi",
                  "support_inspiration", "support_basics", "support_guidelines", "support_legal", "support_helpdesk",
                  "support_network"]



# Published sample figures: variable, code, whether a % is published (low education: only "<1%").
SAMPLE_CATEGORIES = {
    "sample.gender.man": ("gender", 1, True), "sample.gender.woman": ("gender", 2, True),
    "sample.gender.not_said": ("gender", 3, True),
    "sample.education.high": ("education_level", 3, True), "sample.education.middle": ("education_level", 2, True),
    "sample.education.low": ("education_level", 1, False),
    "sample.gov.local": ("gov_type", 1, True), "sample.gov.flemish": ("gov_type", 2, True),
}


# Published shares of one answer: id -> (variable, codes counted), of those answering (ASSUMPTIONS.md).
USAGE_SHARES = {**{f"usage.{c}.{g}": (f"use_{c}", USE_GROUPS[g]) for c in ("work", "free") for g in ("weekly_plus", "rarely_never")},
                "usage.work.daily": ("use_work", USE_GROUPS["daily"]), "usage.work.never": ("use_work", USE_GROUPS["never"]),
                **{f"usage.{c}.users": (f"use_{c}", (2, 3, 4, 5)) for c in ("work", "free")},   # any use: 'een belangrijke rol'
                "paid.share": ("paid_work", (1,)), "paid.free_only": ("paid_work", (2,))}
# A share the report states only in a summary, judged under the summary claim's own id ('vertalen', conclusion).
SUMMARY_SHARES = {"conclusion.tasks.translate": ("task_translate", (4,))}
TASK_SHARES = {"tasks.summarise.often": ("task_summarise", (4,)), "tasks.check.often": ("task_check", (4,)),
               "tasks.analyse.rarely_never": ("task_analyse", (1, 2)), "tasks.concept.often_always": ("task_concept", (4, 5)),
               "tasks.generate.often_always": ("task_generate", (4, 5))}
NEEDS_SHARES = {"needs.form.workshop": ("learn_form", (1,)), "needs.form.course": ("learn_form", (2,)),
                "needs.form.sources": ("learn_form", (3,)), "needs.form.rest": ("learn_form", (4, 5, 6, 7)),
                "needs.location.online": ("learn_location", (1,)), "needs.location.office": ("learn_location", (2,)),
                "needs.location.city": ("learn_location", (3,))}
# Published shares of the multiple-response blocks (% of cases): block -> id prefix and the options published.
SELECTIONS = {**{f"system_{c}": (f"systems.{c}.", ("chatgpt", "copilot", "dalle")) for c in ("work", "free")},
              "never_reason_work": ("reasons.work.", ("privacy", "skills")), "never_reason_free": ("reasons.free.", ("privacy", "no_benefit")),
              "paid": ("paid.", ("copilot", "chatgpt"))}


def agree_shares() -> dict[str, tuple[str, tuple[int, ...]]]:
    """Section 1.2's published shares agreeing (4-5): the two agree items and each advantage and disadvantage
    (but energy use and copyright, for which the report gives none)."""
    cb = load_codebook()
    items = {f"{key}.{i.removeprefix(prefix)}.share": (i, (4, 5)) for prefix, key in (("pro_", "pros"), ("con_", "cons"))
             for i in cb.blocks[prefix.rstrip("_")] if i.removeprefix(prefix) not in ("energy", "copyright")}
    return {"pros.agree": ("pros_agree", (4, 5)), "cons.agree": ("cons_agree", (4, 5))} | items


def shares(df: pd.DataFrame, spec: dict[str, tuple[str, tuple[int, ...]]]) -> dict[str, float]:
    """The shares of `spec` (id -> variable, codes counted), in %."""
    return {fid: share(df[name], codes) for fid, (name, codes) in spec.items()}


def users(df: pd.DataFrame, context: str = "work") -> pd.DataFrame:
    """Respondents who use generative AI in a context (any answer but 'never'): the report's N = 415 at work."""
    return df[df[f"use_{context}"] >= 2]


def intention_model(cb) -> dict[str, list[str]]:
    """The factors of the intention model (section 3) and their items: the four UTAUT factors and intention."""
    return {factor: cb.scale_items(factor) for factor in (*UTAUT, "bi")}


def published_cells(name: str) -> pd.Series | None:
    """How many of the report's figures rest on each answer of a variable of Tables 1-3 (its % and its n,
    or its n alone), for the small-cell policy to keep them shown where it can (disclosure.suppress); None
    for another variable."""
    cells = {code: 1 + percent for fid, (variable, code, percent) in SAMPLE_CATEGORIES.items() if variable == name}
    return pd.Series(cells, dtype=float) if cells else None


def sample_figures(result: Cleaned, after_year: int = 2019) -> dict[str, float]:
    """Method section: counts and shares of the sample."""
    data = result.data
    figures = {"sample.responses": len(result.account), "sample.respondents": len(data)}
    for fid, (name, code, percent_published) in SAMPLE_CATEGORIES.items():
        n = int(data[name].eq(code).sum())
        if percent_published:
            figures[fid] = 100 * n / data[name].notna().sum()
        figures[f"{fid}_n"] = n
    figures["sample.age.mean"] = float(data["age"].mean())
    figures[f"sample.start_after_{after_year}"] = 100 * float(data["start_year"].dropna().gt(after_year).mean())
    shares = data["gov_type"].dropna().astype(int).value_counts(normalize=True).mul(100).to_dict()
    figures["sample.gov.in_proportion"] = population_gap(shares, load_population()["gov_type"]["counts"])
    return figures


def usage_figures(df: pd.DataFrame) -> dict[str, float]:
    """Section 1.1: use at work and in free time, reasons for never using, systems, paid versions."""
    figures = shares(df, USAGE_SHARES)
    for context in ("work", "free"):
        use = df[f"use_{context}"]
        figures[f"usage.{context}.never_n"] = int(use.eq(1).sum())
        figures[f"usage.{context}.users_n"] = int(use.ge(2).sum())
    for block, (prefix, options) in SELECTIONS.items():   # each block's published options, and its ranking ('first')
        selected = selected_share(df, block)
        figures |= {prefix + option: selected[option] for option in options} | {f"{prefix}first": selected.to_dict()}
    weekly_gap = figures["usage.work.weekly_plus"] - figures["usage.free.weekly_plus"]
    figures["usage.chi2.p"] = Effect(weekly_gap, chi2_homogeneity(df, "use_work", "use_free")["p"].iloc[0])
    rho = spearman(df, "use_work", "use_free").iloc[0]
    figures["usage.spearman.p"] = Effect(rho["rho"], rho["p"])
    for system in ("copilot", "dalle"):   # 'aanzienlijk hoger', 'quasi even vaak': the same users in both contexts (McNemar)
        pair = paired_shares(df, f"system_work_{system}", f"system_free_{system}", (1,))
        figures[f"systems.{system}.work_vs_free"] = Effect(pair["difference"], pair["p"])
    return figures


def pros_cons_figures(df: pd.DataFrame) -> dict[str, float]:
    """Section 1.2: the two agree items, advantage and disadvantage items, the report's paired t-tests."""
    figures = shares(df, agree_shares())
    cb = load_codebook()
    for prefix, key in (("pro_", "pros"), ("con_", "cons")):
        summary = likert_summary(df, cb.blocks[prefix.rstrip("_")]).set_index("item")
        for item, row in summary.iterrows():
            name = item.removeprefix(prefix)
            figures |= {f"{key}.{name}.mean": row["mean"], f"{key}.{name}.sd": row["sd"]}
        for test in paired_ttests(df, REPORT_TTESTS[key]).itertuples():
            higher, lower = test.a.removeprefix(prefix), test.b.removeprefix(prefix)
            gap = test.mean_a - test.mean_b   # pros claimed 'higher > lower', cons 'lower < higher'
            pair, effect = (f"{higher}_vs_{lower}", gap) if key == "pros" else (f"{lower}_vs_{higher}", -gap)
            figures[f"{key}.ttest.{pair}"] = Effect(effect, getattr(test, STANDARDS[key].p))
    for prefix, key in (("pro_", "pros"), ("con_", "cons")):   # the rankings by mean ('highest: ...')
        figures[f"{key}.first"] = {i.removeprefix(prefix): figures[f"{key}.{i.removeprefix(prefix)}.mean"] for i in cb.blocks[prefix.rstrip("_")]}
    return figures


def task_figures(df: pd.DataFrame) -> dict[str, float]:
    """Section 1.3: how often users apply generative AI to each task."""
    return shares(df, TASK_SHARES)


def needs_figures(df: pd.DataFrame) -> dict[str, float]:
    """Section 4: preferred form and location of learning, usefulness of support options."""
    figures = shares(df, NEEDS_SHARES)
    figures["needs.form.first"] = {NEEDS_OPTIONS["learn_form"].get(code, str(code)): share(df["learn_form"], (code,))
                                   for code in load_codebook().labels("learn_form")}
    figures["needs.location.first"] = {name: share(df["learn_location"], (code,)) for code, name in NEEDS_OPTIONS["learn_location"].items()}
    summary = likert_summary(df, load_codebook().blocks["support"])
    for row in summary.itertuples():
        name = row.item.removeprefix("support_")
        if name in ("inspiration", "basics", "guidelines", "legal"):   # the four the report prints
            figures |= {f"needs.support.{name}.mean": row.mean, f"needs.support.{name}.sd": row.sd}
    figures["needs.support.first"] = figures["needs.support.last"] = dict(zip(summary["item"].str.removeprefix("support_"), summary["mean"]))
    return figures


# Names of the single-choice options the report ranks (published.yaml rankings), by code.
NEEDS_OPTIONS = {"learn_form": {1: "workshop", 2: "course", 3: "sources", 4: "lecture", 5: "elearning", 6: "coaching", 7: "no_need"},
                 "learn_location": {1: "online", 2: "office", 3: "city"}}


def selected_share(df: pd.DataFrame, block: str) -> pd.Series:
    """% of cases selecting each option of a multiple-response block, indexed by option suffix."""
    items = load_codebook().blocks[block]
    table = multi_response(df, items)
    return pd.Series(table["pct_cases"].to_numpy(), index=[i.removeprefix(f"{block}_") for i in items])


def scale_figures(df: pd.DataFrame, scales: tuple[str, ...], prefix: str, without_alpha: tuple[str, ...] = ()) -> dict[str, float]:
    """Item and scale means and SDs, and scale alphas (except `without_alpha`), as `prefix.<name>.<stat>` ids."""
    cb = load_codebook()
    figures = {}
    for scale in scales:
        items = cb.scale_items(scale)
        for row in likert_summary(df, items).itertuples():
            figures |= {f"{prefix}.{row.item}.mean": row.mean, f"{prefix}.{row.item}.sd": row.sd}
        summary = scale_summary(df, {scale: items}).iloc[0]
        figures |= {f"{prefix}.{scale}.mean": summary["mean"], f"{prefix}.{scale}.sd": summary["sd"]}
        if scale not in without_alpha:
            figures[f"{prefix}.{scale}.alpha"] = summary["alpha"]
    return figures


def literacy_figures(df: pd.DataFrame) -> dict[str, float]:
    """Section 2 and Appendix 1: item and subscale means and SDs, alphas (none is printed for critical
    literacy), and the technical-literacy tests."""
    figures = scale_figures(df, LITERACY, "lit", without_alpha=("lit_crit",))
    for test in paired_ttests(df, REPORT_TTESTS["literacy"]).itertuples():   # claimed 'tech < other': technical minus the other
        figures[f"lit.ttest.tech_vs_{test.a.removeprefix('lit_')}"] = Effect(test.mean_b - test.mean_a, getattr(test, STANDARDS['literacy'].p))
    figures["lit.first"] = figures["lit.last"] = {s: figures[f"lit.{s}.mean"] for s in LITERACY}
    return figures


def role_figures(df: pd.DataFrame) -> dict[str, float]:
    """Section 2.1: role perception x literacy correlations (r where printed, and the star pattern)."""
    published = {"role_innov": LITERACY, "role_netw": ("lit_tech", "lit_crea")}   # cells with a printed r
    figures = {}
    for row in pearson(df, list(ROLES), list(LITERACY)).itertuples():
        if row.y in published.get(row.x, ()):
            figures[f"role.{row.x}.{row.y}.r"] = row.r
        figures[f"role.{row.x}.{row.y}.stars"] = getattr(row, STANDARDS["role_literacy"].p)
    return figures


MIDDLE = 3.0   # the middle of the 1-5 answers: 'eerder beperkt', 'als onvoldoende ervaren' read as below it


def utaut_figures(df: pd.DataFrame) -> dict:
    """Section 3 and Appendix 2: UTAUT item and scale means, SDs and alphas; social influence and facilitating
    conditions against the middle of their scale (one-sample t: the mean minus the middle, and p); the factor rated
    lowest."""
    figures = scale_figures(df, UTAUT, "utaut")
    for scale in ("si", "fc"):
        test = one_sample_t(df, scale, MIDDLE).iloc[0]
        figures[f"utaut.{scale}.low"] = Effect(test["mean"] - MIDDLE, test["p"])
    figures["utaut.last"] = {scale: figures[f"utaut.{scale}.mean"] for scale in UTAUT}
    return figures


def sem_figures(paths: pd.DataFrame | None) -> dict:
    """Section 3, footnote 14: each path to intention (standardized beta and p), and which are significant; every
    one not computed (NaN, none significant) when the model could not be estimated (`paths` None)."""
    if paths is None:
        missing = Effect(float("nan"), float("nan"))
        return ({f"sem.path.{p}": missing for p in UTAUT} | {"sem.only": {}}
                | {f"sem.contributes.{p}": float("nan") for p in UTAUT})
    paths = paths[paths["outcome"] == "bi"]
    p = STANDARDS["sem"].p
    figures = {f"sem.path.{row.predictor}": Effect(row.std, getattr(row, p)) for row in paths.itertuples()}
    figures["sem.only"] = dict(zip(paths["predictor"], paths[p]))
    return figures | {f"sem.contributes.{row.predictor}": row.std for row in paths.itertuples()}   # 'alle factoren dragen bij'


def population_gap(shares: dict, counts: dict) -> float:
    """The largest difference, in points, between a category's share of the sample (`shares`: code -> %) and its
    share of the population (`counts`: code -> staff): 'ongeveer in verhouding' read as a small one."""
    total = sum(counts.values())
    return max(abs(shares.get(code, 0.0) - 100 * n / total) for code, n in counts.items())


def place_figures(bubbles: pd.DataFrame) -> dict:
    """Method section, the map: respondents per place shown on its own (a municipality, not a pooled area)."""
    places = bubbles[bubbles["level"] == "municipality"]
    return {"places.top": dict(zip(places["name"], places["n"].astype(float)))}


def body_figures(df: pd.DataFrame, paths: pd.DataFrame | None, min_cell: int) -> dict:
    """Every body chapter's figures at once, for the report's summaries (key findings, conclusion), which
    restate them: those about users at work only when they number at least min_cell, the structural
    model's only when it was fitted (`paths`, sem.paths; None when it could not be)."""
    at_work = users(df)
    figures = usage_figures(df) | literacy_figures(df) | needs_figures(df) | utaut_figures(df)
    if len(at_work) >= max(min_cell, 1):
        figures |= pros_cons_figures(at_work) | task_figures(at_work) | shares(at_work, SUMMARY_SHARES)
    return figures | sem_figures(paths)
