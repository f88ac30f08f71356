"""Every sentence that states a result, built from this run's numbers, in Dutch and English: one home.

A chapter's markdown explains the question and the method; what was found comes from here, so it stays
true on a real export, a new wave or an export that contradicts the published study. One function per
chapter returns that chapter's sentences (markdown strings) in the page's language.

The rules every sentence follows:

- **Significant** means below the threshold of the family of claims the sentence belongs to, on the p that
  family is judged on: both declared once in ``reproduction.STANDARDS`` (the report's p < .001, Holm-adjusted
  for the paired t-tests of one footnote; the report's stars ** p < .001, * p < .05 for the correlations of
  2.1), which the tables' stars and headers and the verdicts read too; the sentence names an adjusted p.
- **About equal**: two shares whose difference is under ``EQUAL_POINTS`` (2 percentage points) or whose
  95% confidence interval includes 0; two means whose difference is under ``EQUAL_MEANS`` (0.10 on a
  1-5 scale) or not significant. Otherwise the sentence names the direction and the size.
- **Size and base**: shares in % with the difference in points, means with M and Cohen's dz,
  associations with r, rho or the standardized beta; every sentence ends with its base (N).
- **Strength** of a correlation (Cohen, 1988): under .10 negligible, under .30 weak, under .50
  moderate, otherwise strong.
- **Hidden**: a figure resting on a small cell (1 to min_cell - 1 respondents, helpers.disclosure) is
  not stated; the sentence says it is hidden. A share is stated only as its table may show it: neither
  its count nor its complement small (disclosure.share_hidden; a Likert share by tables.protected_share,
  an age group's by context.use_by_result).
- **Cannot be concluded**: a test with fewer than min_cell answers, a test that returns no p, or a
  model that did not converge: the sentence says so instead of a result.

>>> usage(df, "en", min_cell=5)                       # doctest: +SKIP
['At least weekly use is **higher at work** (53.1%) than in free time (38.3%): 14.9 points ...']
"""
from __future__ import annotations

import math

import numpy as np
import pandas as pd

from helpers.analysis import contrasts, stats, weighting
from helpers.analysis.reproduction import LITERACY, MIDDLE, REPORT_TTESTS, ROLES, STANDARDS, Standard
from helpers.analysis.reproduction import users as users_of
from helpers.disclosure import (
    HIDDEN,
    is_small,
    share_hidden,
    share_parts_hidden,
    shown_counts,
    suppress,
)
from helpers.ingest.codebook import load_codebook
from helpers.prepare.cleaning import RULE_TEXT, age_groups
from helpers.present.context import use_by_result
from helpers.present.tables import criterion, headline_label, levels_text, protected_share, use_share_hidden
from helpers.present.text import listing, p_text, t

EQUAL_POINTS = 2.0   # two shares closer than this (percentage points) are about equal
EQUAL_MEANS = 0.10   # two means (1-5 scale) closer than this are about equal
STRENGTH = ((0.10, "negligible"), (0.30, "weak"), (0.50, "moderate"), (math.inf, "strong"))


# --- Rules --------------------------------------------------------------------------------------

def judged_p(p: float, standard: Standard, lang: str) -> str:
    """The p a sentence states: the one its family is judged on, named when adjusted ('p = .004, Holm')."""
    return p_text(p) if not standard.adjusted else f"{p_text(p)}, {t(f'adjusted_{standard.p}', lang)}"


def reading(families: tuple[str, ...], lang: str) -> str:
    """How to read a page's sentences: each computed, with its base; what significant means for each family of
    claims the page states (reproduction.STANDARDS: which p, which threshold)."""
    criteria = "; ".join(f"{t(f'family_{family}', lang)}: {criterion(family, lang)}" for family in families)
    return t("findings_reading", lang) + (f" {t('findings_significant', lang, criteria=criteria)}" if families else "")


def shares_direction(difference: float, ci_low: float, ci_high: float, p: float, alpha: float) -> str:
    """'higher', 'lower' or 'equal' for share a minus share b: equal when under EQUAL_POINTS, when the
    95% CI includes 0 or when the test is not significant at alpha."""
    if abs(difference) < EQUAL_POINTS or ci_low <= 0 <= ci_high or not p < alpha:
        return "equal"
    return "higher" if difference > 0 else "lower"


def means_direction(difference: float, p: float, alpha: float) -> str:
    """'higher', 'lower' or 'equal' for mean a minus mean b (equal under EQUAL_MEANS or not significant)."""
    if abs(difference) < EQUAL_MEANS or not p < alpha:
        return "equal"
    return "higher" if difference > 0 else "lower"


def strength(r: float, lang: str) -> str:
    """Cohen's words for the size of a correlation."""
    return t(f"finding_strength_{next(word for bound, word in STRENGTH if abs(r) < bound)}", lang)


def base_text(ns, lang: str) -> str:
    """The base of a sentence on several answers: 'N = 478', or 'N = 477 tot 478' where they differ."""
    low, high = int(min(ns)), int(max(ns))
    return f"N = {low}" if low == high else t("finding_base_range", lang, low=low, high=high)


def shown_difference(res: dict) -> float:
    """Two shares' difference as the sentence prints them (each to one decimal): 53.1% and 38.3% differ by 14.8."""
    return abs(round(res["a"], 1) - round(res["b"], 1))


def capital(text: str) -> str:
    """The first letter upper case (item texts are written to follow their question's stem)."""
    return text[:1].upper() + text[1:]


def hidden(what: str, lang: str, min_cell: int) -> str:
    """The sentence for a figure that rests on a small cell."""
    return t("finding_hidden", lang, what=what, min_cell=min_cell, mark=HIDDEN)


def paired_shares_hidden(res: dict, min_cell: int) -> bool:
    """Whether either share of a paired comparison (contrasts.paired_shares) may not be shown: its count
    or its complement among the N who answered both is a small cell (or N is)."""
    counts = np.round(np.array([res["a"], res["b"]]) * res["n"] / 100)
    return bool(res["n"] < min_cell or share_hidden(counts, res["n"], min_cell).any())


def untestable(what: str, lang: str) -> str:
    """The sentence for a test that could not be run."""
    return t("finding_untestable", lang, what=what)


def paired_means(df: pd.DataFrame, pairs: list[tuple[str, str]], family: str, labels: dict[str, str], lang: str,
                 min_cell: int) -> list[str]:
    """One sentence per paired t-test of a family (the pairs, Holm-adjusted together), worded for the family
    (finding_means_<family>_<direction>: an advantage endorsed more strongly, a literacy rated higher, support found
    more useful; `labels` as they read inside a sentence), with N of those answering both, both means, Cohen's dz
    and the p the family is judged on."""
    standard, sentences = STANDARDS[family], []
    for test in stats.paired_ttests(df, pairs).itertuples():
        what = capital(f"{labels[test.a]} / {labels[test.b]}")
        p = getattr(test, standard.p)
        if test.n < min_cell or pd.isna(p):
            sentences.append(untestable(what, lang))
            continue
        direction = means_direction(test.mean_a - test.mean_b, p, standard.alpha)
        numbers = t("finding_means_numbers", lang, n=test.n, mean_a=test.mean_a, mean_b=test.mean_b, d=test.d_z,
                    p=judged_p(p, standard, lang))
        sentences.append(t(f"finding_means_{family}_{direction}", lang, a=labels[test.a], b=labels[test.b], numbers=numbers))
    return sentences


# --- Chapters -----------------------------------------------------------------------------------

def cleaning(result, lang: str, min_cell: int) -> list[str]:
    """01: from the responses to the analysis sample (per rule, the small-cell policy applied to the rules'
    counts as in the exclusion table), and who the respondents are."""
    flow = result.flow[result.flow["step"] == "rule"]
    shown = shown_counts(flow["excluded"], suppress(flow["excluded"], min_cell))
    rules = "; ".join(f"{RULE_TEXT[rule][lang].lower()}: {n}" for rule, n in zip(flow["rule"], shown))
    data = result.data
    age = data["age"].dropna().astype(float)
    return [t("finding_cleaning", lang, n_in=len(result.account), excluded=int(flow["excluded"].sum()), rules=rules, n_out=len(data)),
            t("finding_age", lang, mean=age.mean(), sd=age.std(), n=len(age))]


def usage(df: pd.DataFrame, lang: str, min_cell: int) -> list[str]:
    """02: at least weekly use at work against free time (paired), their association, never-users and
    their main reason, the most used system, paid versions."""
    sentences = [weekly(df, lang, min_cell)]
    rho = stats.spearman(df, "use_work", "use_free").iloc[0]
    if pd.isna(rho["rho"]):   # too few answers, or answers that do not vary
        sentences.append(untestable(t("finding_association_what", lang), lang))
    else:
        key = "finding_association" if STANDARDS["usage"].significant(rho["p"]) else "finding_no_association"
        sentences.append(t(key, lang, rho=rho["rho"], strength=strength(rho["rho"], lang), p=p_text(rho["p"]), n=int(rho["n"])))
    sentences.append(never_users(df, lang, min_cell))
    users = users_of(df)
    if len(users) < min_cell:
        return [*sentences, untestable(t("context_work", lang), lang)]
    return [*sentences, top_two(df, "system_work", "finding_top_system", lang, min_cell), paid(users, lang, min_cell)]


def weekly(df: pd.DataFrame, lang: str, min_cell: int) -> str:
    """At least weekly use at work against free time, the same respondents (McNemar; about equal by the
    rules); hidden when either share rests on a small cell, among the pairs or in the use-frequency table."""
    res = contrasts.paired_shares(df, "use_work", "use_free", (4, 5))
    cb = load_codebook()
    if paired_shares_hidden(res, min_cell) or any(use_share_hidden(df, c, (4, 5), cb, min_cell) for c in ("work", "free")):
        return hidden(t("finding_usage_what", lang), lang, min_cell)
    direction = shares_direction(res["difference"], res["ci_low"], res["ci_high"], res["p"], STANDARDS["usage"].alpha)
    return t(f"finding_usage_{direction}", lang, work=res["a"], free=res["b"], diff=shown_difference(res),
             low=res["ci_low"], high=res["ci_high"], p=p_text(res["p"]), n=res["n"])


def daily(df: pd.DataFrame, lang: str, min_cell: int) -> str:
    """The share of all respondents who use generative AI daily at work (hidden when the count, or the
    count of the others, is a small cell, or the use-frequency table hides daily use)."""
    answered = df["use_work"].dropna()
    count = int(answered.eq(5).sum())
    if use_share_hidden(df, "work", (5,), load_codebook(), min_cell) or len(answered) < min_cell:
        return hidden(t("finding_daily_what", lang), lang, min_cell)
    return t("finding_daily", lang, share=100 * count / len(answered), count=count, n=len(answered))


def paid(users: pd.DataFrame, lang: str, min_cell: int) -> str:
    """The share of users at work who use a paid version (hidden when the payers, or the others, are a small cell)."""
    answered = users["paid_work"].dropna()
    count = int(answered.eq(1).sum())
    if share_hidden(count, len(answered), min_cell):
        return hidden(t("finding_paid_what", lang), lang, min_cell)
    return t("finding_paid", lang, share=stats.share(users["paid_work"], (1,)), n=len(answered))


def top_two(df: pd.DataFrame, block: str, key: str, lang: str, min_cell: int) -> str:
    """The two options of a multiple-response block selected most, with their % of cases (message `key`);
    hidden when the base is a small cell or either share is hidden (its count or complement small)."""
    cb = load_codebook()
    options = most_selected(df, block)
    if len(options) < 2 or options["base"].iloc[0] < min_cell or share_hidden(options["n"].iloc[:2], options["base"].iloc[0], min_cell).any():
        return hidden(cb.text(block, lang), lang, min_cell)
    return t(key, lang, first=cb.text(options["item"].iloc[0], lang), first_share=options["pct_cases"].iloc[0],
             second=cb.text(options["item"].iloc[1], lang), second_share=options["pct_cases"].iloc[1], n=options["base"].iloc[0])


def most_selected(df: pd.DataFrame, block: str) -> pd.DataFrame:
    """A multiple-response block's options, most selected first (n, base, % of cases)."""
    return stats.multi_response(df, load_codebook().blocks[block]).sort_values("n", ascending=False, kind="stable")


def never_users(df: pd.DataFrame, lang: str, min_cell: int) -> str:
    """Who never uses generative AI at work, and the reason they name most (each hidden when its count or
    complement is a small cell, or the use-frequency table hides the never-users)."""
    never = int(df["use_work"].eq(1).sum())
    answered = int(df["use_work"].notna().sum())
    if use_share_hidden(df, "work", (1,), load_codebook(), min_cell):
        return hidden(t("finding_never_what", lang), lang, min_cell)
    if never == 0:
        return t("finding_never_none", lang, n=answered)
    top = most_selected(df, "never_reason_work").iloc[0]
    if share_hidden(top["n"], top["base"], min_cell):
        return hidden(t("finding_never_reason_what", lang), lang, min_cell)
    return t("finding_never", lang, never=never, share=100 * never / answered, n=answered,
             reason=load_codebook().in_sentence(top["item"], lang), reason_share=top["pct_cases"])


def pros_cons(users: pd.DataFrame, lang: str, min_cell: int) -> list[str]:
    """03: advantages against disadvantages agreed (paired), the report's paired comparisons of the
    advantages and of the disadvantages, and the most frequent task."""
    if len(users) < min_cell:
        return [untestable(t("finding_users_what", lang), lang)]
    cb = load_codebook()
    sentences = [pros_against_cons(users, lang, min_cell)]
    items = [i for pairs in REPORT_TTESTS.values() for pair in pairs for i in pair]
    labels = {i: cb.in_sentence(i, lang) for i in items}
    for family in ("pros", "cons"):
        sentences += paired_means(users, REPORT_TTESTS[family], family, labels, lang, min_cell)
    return [*sentences, top_task(users, lang, min_cell)]


def pros_against_cons(users: pd.DataFrame, lang: str, min_cell: int) -> str:
    """'I see advantages' against 'I see disadvantages' agreed (4-5), the same users (McNemar); hidden when
    either share rests on a small cell."""
    agree = contrasts.paired_shares(users, "pros_agree", "cons_agree", (4, 5))
    if paired_shares_hidden(agree, min_cell):
        return hidden(t("finding_agree_what", lang), lang, min_cell)
    direction = shares_direction(agree["difference"], agree["ci_low"], agree["ci_high"], agree["p"], STANDARDS["agree"].alpha)
    return t(f"finding_agree_{direction}", lang, pros=agree["a"], cons=agree["b"], diff=shown_difference(agree),
             p=p_text(agree["p"]), n=agree["n"])


def top_task(users: pd.DataFrame, lang: str, min_cell: int) -> str:
    """The task users apply generative AI to most often (the largest share often or always); hidden when
    that share is (tables.protected_share), untestable with fewer than min_cell answers."""
    cb = load_codebook()
    top = stats.likert_summary(users, cb.blocks["task"]).sort_values("share_top", ascending=False).iloc[0]
    if top["n"] < min_cell:
        return untestable(t("finding_top_task_what", lang), lang)
    share = protected_share(users[top["item"]], (4, 5), cb.labels(top["item"], lang), min_cell)
    if share is None:
        return hidden(t("finding_top_task_what", lang), lang, min_cell)
    return t("finding_top_task", lang, task=cb.in_sentence(top["item"], lang), share=share, n=int(top["n"]))


def top_means(df: pd.DataFrame, block: str, k: int, lang: str, min_cell: int) -> str:
    """The `k` items of a Likert block rated highest (M, and the % answering 4 or 5, the mark where
    tables.protected_share hides it), highest first, with the smallest N among them (message
    finding_top_<block>); untestable with fewer than min_cell answers."""
    cb = load_codebook()
    summary = stats.likert_summary(df, cb.blocks[block]).sort_values("mean", ascending=False, kind="stable")
    top = summary.head(k)
    if len(top) < k or top["n"].min() < min_cell or top["mean"].isna().any():
        return untestable(t(f"finding_top_{block}_what", lang), lang)
    shares = {item: protected_share(df[item], (4, 5), cb.labels(item, lang), min_cell) for item in top["item"]}
    shown = {item: HIDDEN if share is None else t(f"finding_top_{block}_share", lang, share=share) for item, share in shares.items()}
    opening = "„" if lang == "nl" else "“"
    items = listing([f"{opening}**{cb.in_sentence(row.item, lang)}**” (M = {row.mean:.2f}; {shown[row.item]})" for row in top.itertuples()], lang)
    verb = t("finding_top_verb_one" if k == 1 else "finding_top_verb_many", lang)
    return t(f"finding_top_{block}", lang, items=items, verb=verb, base=base_text(top["n"], lang))


def midpoint(df: pd.DataFrame, scale: str, lang: str, min_cell: int, mu: float = MIDDLE) -> str:
    """A scale's mean against the middle of its 1-5 answers (one-sample t): below, above or about equal
    (by means_direction: under EQUAL_MEANS or not significant at its family's threshold is about equal)."""
    res = stats.one_sample_t(df, scale, mu).iloc[0]
    what = load_codebook().text(scale, lang)
    if res["n"] < min_cell or pd.isna(res["p"]):
        return untestable(what, lang)
    direction = means_direction(res["mean"] - mu, res["p"], STANDARDS["midpoint"].alpha)
    return t(f"finding_midpoint_{direction}", lang, what=capital(what), mean=res["mean"], sd=res["sd"], mu=mu, p=p_text(res["p"]),
             n=int(res["n"]))


def literacy(df: pd.DataFrame, lang: str, min_cell: int) -> list[str]:
    """04: the highest and the lowest subscale, the lowest against each other subscale (paired t,
    Holm), and each role perception's correlations with the five subscales."""
    cb = load_codebook()
    labels = {s: cb.in_sentence(s, lang) for s in (*LITERACY, *ROLES)}
    means = literacy_means(df)
    low = means.iloc[-1]
    sentences = [literacy_range(df, lang)]
    others = [s for s in means["variable"] if s != low["variable"]]
    family = set(REPORT_TTESTS["literacy"])   # a pair the table shows is stated as the table orients it (one sign of dz)
    pairs = [(other, low["variable"]) if (other, low["variable"]) in family else (low["variable"], other) for other in others]
    sentences += paired_means(df, pairs, "literacy", labels, lang, min_cell)
    correlations = stats.pearson(df, list(ROLES), list(LITERACY))
    for role, rows in correlations.groupby("x", sort=False):
        sentences.append(role_sentence(rows, labels, lang))
    return sentences


def literacy_means(df: pd.DataFrame) -> pd.DataFrame:
    """The five literacy subscales' means with their 95% CI, highest first."""
    return stats.mean_ci(df, list(LITERACY)).sort_values("mean", ascending=False)


def literacy_range(df: pd.DataFrame, lang: str) -> str:
    """The literacy subscale rated highest and the one rated lowest, with their means."""
    cb = load_codebook()
    means = literacy_means(df)
    top, low = means.iloc[0], means.iloc[-1]
    return t("finding_literacy_range", lang, top=cb.in_sentence(top["variable"], lang), top_m=top["mean"],
             low=cb.in_sentence(low["variable"], lang), low_m=low["mean"], base=base_text(means["n"], lang))


def r_range(r: pd.Series) -> str:
    """'0.21' or the range '0.21–0.35'."""
    low, high = f"{r.min():.3f}", f"{r.max():.3f}"
    return low if low == high else f"{low}–{high}"


def role_sentence(rows: pd.DataFrame, labels: dict[str, str], lang: str) -> str:
    """A role perception's significant correlations with the literacy subscales, by sign, at the family's standard
    (reproduction.STANDARDS['role_literacy']: the report's stars, as the correlation table marks them)."""
    standard = STANDARDS["role_literacy"]
    role = labels[rows["x"].iloc[0]]
    base = base_text(rows["n"], lang)
    found = rows[rows[standard.p] < standard.alpha]
    if found.empty:
        return t("finding_role_none", lang, role=role, r_max=rows["r"].abs().max(), alpha=levels_text(standard, lang), base=base)
    parts = []
    for sign, key in ((1, "finding_positive"), (-1, "finding_negative")):
        part = found[found["r"] * sign > 0]
        if len(part):
            parts.append(t(key, lang, names=listing([labels[y] for y in part["y"]], lang), r=r_range(part["r"].abs())))
    return t("finding_role", lang, role=role, found=f" {t('finding_and', lang)} ".join(parts), k=len(found), total=len(rows),
             alpha=levels_text(standard, lang), base=base)


def intention(paths: pd.DataFrame | None, lang: str, n: int) -> list[str]:
    """05: which predictors of intention are significant in the fitted structural model
    (helpers.analysis.sem.paths, fitted on n respondents); `paths` None when the model did not converge."""
    if paths is None or paths.empty or paths["p"].isna().all():
        return [t("finding_not_converged", lang)]
    cb = load_codebook()
    paths = paths[paths["outcome"] == "bi"]
    label = {p: cb.in_sentence(p, lang) for p in paths["predictor"]}
    fmt = lambda rows, bold="": listing([f"{bold}{label[r.predictor]}{bold} (β = {r.std:.3f}, {p_text(r.p)})"  # noqa: E731
                                         for r in rows.itertuples()], lang)
    standard = STANDARDS["sem"]
    significant = paths[standard.p] < standard.alpha
    found, rest = paths[significant], paths[~significant]
    key = "finding_predictors_none" if found.empty else "finding_predictors_only" if len(found) == 1 else "finding_predictors"
    return [t(key, lang, outcome=cb.in_sentence("bi", lang), found=fmt(found, "**"), rest=fmt(rest), alpha=levels_text(standard, lang),
              n=n)]


def needs(df: pd.DataFrame, lang: str, min_cell: int) -> list[str]:
    """06: the most preferred way and place to learn against the runner-up, and the most against the
    least useful kind of support (paired t)."""
    cb = load_codebook()
    sentences = [top_choice(df, name, lang, min_cell) for name in ("learn_form", "learn_location")]
    support = stats.likert_summary(df, cb.blocks["support"]).sort_values("mean", ascending=False)
    most, least = support["item"].iloc[0], support["item"].iloc[-1]
    labels = {i: cb.in_sentence(i, lang) for i in support["item"]}
    return sentences + paired_means(df, [(most, least)], "support", labels, lang, min_cell)


def top_choice(df: pd.DataFrame, name: str, lang: str, min_cell: int) -> str:
    """The most chosen option of a single-choice question against the second (multinomial difference);
    hidden when either share is: its count or complement small, or its cell hidden in the question's table
    (tables.choice_result)."""
    cb = load_codebook()
    counts = df[name].value_counts()
    if len(counts) < 2 or counts.sum() < min_cell:
        return untestable(capital(cb.noun(name, lang)), lang)
    in_table = suppress(counts, min_cell)
    if any(share_parts_hidden(counts, (code,), in_table, min_cell) for code in counts.index[:2]):
        return hidden(capital(cb.noun(name, lang)), lang, min_cell)
    first, second = int(counts.index[0]), int(counts.index[1])
    res = contrasts.multinomial_shares(df[name], first, second)
    direction = shares_direction(res["difference"], res["ci_low"], res["ci_high"], res["p"], STANDARDS["choice"].alpha)
    key = "finding_choice_equal" if direction == "equal" else "finding_choice"
    first_label, second_label = (cb.in_sentence(name, lang, code) for code in (first, second))
    return t(key, lang, noun=cb.noun(name, lang), first=first_label, first_share=res["a"], second=second_label,
             second_share=res["b"], diff=round(res["a"], 1) - round(res["b"], 1), low=res["ci_low"], high=res["ci_high"], p=p_text(res["p"]),
             alpha=levels_text(STANDARDS["choice"], lang), n=res["n"])


def places(bubbles: pd.DataFrame, looked_up: pd.DataFrame, lang: str, min_cell: int, k: int = 3) -> list[str]:
    """07: the k largest places on the map with their share of all respondents, and how many respondents
    are not on it (no place, or a place too small even pooled: the split is in the table, protected there)."""
    n = len(looked_up)
    shown = bubbles[bubbles["level"] != "hidden"].nlargest(k, "n")
    largest = listing([f"{row.name} ({row.n}, {100 * row.n / n:.1f}%)" for row in shown.itertuples()], lang)
    sentences = [t("finding_places", lang, places=largest, n=n)]
    off_map = int((looked_up["reason"] != "").sum() + bubbles.loc[bubbles["level"] == "hidden", "n"].sum())
    sentences.append(t("finding_unplaced", lang, off_map=off_map if not is_small(off_map, min_cell) else HIDDEN,
                       min_cell=min_cell, n=n))
    return sentences


def waves(comparison: pd.DataFrame, lang: str) -> list[str]:
    """08: which headline indicators rose or fell between the waves (significant at the family's standard, the
    Benjamini-Hochberg adjusted p of the comparison's table; not about equal), each with both values, the
    difference, its 95% CI and both bases; the rest about equal."""
    cb = load_codebook()
    standard = STANDARDS["waves"]
    rows = comparison.assign(p_used=comparison[standard.p])
    changed = []
    for row in rows.itertuples():
        direction = (shares_direction(row.difference, row.ci_low, row.ci_high, row.p_used, standard.alpha) if row.kind == "%"
                     else means_direction(row.difference, row.p_used, standard.alpha))
        if direction != "equal":
            fmt = ".1f" if row.kind == "%" else ".2f"
            changed.append(t(f"finding_wave_{direction}", lang, what=headline_label(row.id, cb, lang), a=format(row.a, fmt),
                             b=format(row.b, fmt), diff=format(row.difference, "+" + fmt), low=format(row.ci_low, "+" + fmt),
                             high=format(row.ci_high, "+" + fmt), p=judged_p(row.p_used, standard, lang), n_a=row.n_a, n_b=row.n_b))
    summary = t("finding_waves", lang, changed=len(changed), total=len(rows), alpha=levels_text(standard, lang),
                n_a=int(rows["n_a"].max()), n_b=int(rows["n_b"].max()))
    return [summary, *changed]


def context(df: pd.DataFrame, weights: pd.Series, lang: str, min_cell: int) -> list[str]:
    """09: at least weekly use at work weighted against unweighted (Kish's effective n), and whether
    use at work changes with age (Spearman's rho between age and use, with the youngest and oldest
    age groups that are not small cells)."""
    headline = weighting.weighted_headline(df, weights, [("use_work_weekly", "use_work", (4, 5))], []).iloc[0]
    difference = headline["weighted"] - headline["unweighted"]
    key = "finding_weighting_equal" if abs(difference) < EQUAL_POINTS else "finding_weighting"
    sentences = [t(key, lang, weighted=headline["weighted"], unweighted=headline["unweighted"], diff=difference,
                   ess=headline["ess"], n=headline["n"])]
    return sentences + [age_gradient(df, lang, min_cell)]


def age_gradient(df: pd.DataFrame, lang: str, min_cell: int) -> str:
    """Does use at work fall (or rise) with age? Spearman's rho of age and use (its family's standard), with the
    share using it at least weekly in the youngest and the oldest age group whose share the table by age
    (context.use_by_result) shows."""
    pair = df[["age", "use_work"]].dropna()
    if len(pair) < min_cell:
        return untestable(t("finding_age_what", lang), lang)
    rho = stats.spearman(pair, "age", "use_work").iloc[0]
    table = use_by_result(pair, age_groups(pair["age"]), min_cell).frame
    weekly = table.set_index("group")["share_weekly"].dropna().round(1)
    if len(weekly) < 2:
        return hidden(t("finding_age_what", lang), lang, min_cell)
    direction = ("falls" if rho["rho"] < 0 else "rises") if STANDARDS["age"].significant(rho["p"]) else "flat"
    return t(f"finding_age_{direction}", lang, rho=rho["rho"], p=p_text(rho["p"]), n=int(rho["n"]), young=weekly.index[0],
             young_share=weekly.iloc[0], old=weekly.index[-1], old_share=weekly.iloc[-1])


# --- The report's summaries: its key findings and its conclusion, from the builders above -------------

def key_findings(df: pd.DataFrame, predictors: list[str], lang: str, min_cell: int) -> list[str]:
    """00: the report's seven key findings, each recomputed from this run's data by the chapters' own
    builders (one string per key finding, its sentences in a row): 1 daily use at work; 2 never-users and
    their main reason; 3 paid versions and the paid systems used most; 4 advantages against disadvantages,
    the advantage and the disadvantage rated highest; 5 the most frequent task; 6 the highest and lowest
    literacy, and the predictors of intention (`predictors`: the intention chapter's sentences, given by
    the caller that fitted the model); 7 social influence against the middle of its scale, and the three
    kinds of support rated most useful. Findings about users at work are untestable with fewer than
    min_cell users."""
    users = users_of(df)
    few = untestable(t("finding_users_what", lang), lang) if len(users) < min_cell else None
    on_users = [few] * 3 if few else [
        f"{paid(users, lang, min_cell)} {top_two(users, 'paid', 'finding_top_paid', lang, min_cell)}",
        " ".join([pros_against_cons(users, lang, min_cell), top_means(users, "pro", 1, lang, min_cell),
                  top_means(users, "con", 1, lang, min_cell)]),
        top_task(users, lang, min_cell)]
    return [daily(df, lang, min_cell), never_users(df, lang, min_cell), *on_users,
            " ".join([literacy_range(df, lang), *predictors]),
            f"{midpoint(df, 'si', lang, min_cell)} {top_means(df, 'support', 3, lang, min_cell)}"]


def conclusion(df: pd.DataFrame, predictors: list[str], lang: str, min_cell: int) -> list[str]:
    """10: the claims of the report's conclusion, recomputed by the chapters' own builders: use at work
    against free time; the two systems used most in each context; never-users and their main reason; the
    advantage rated highest, the most frequent task, the two disadvantages rated highest; the highest and
    lowest literacy; the predictors of intention (`predictors`, from the caller that fitted the model); the
    three kinds of support rated most useful and the preferred place to learn."""
    users = {context: users_of(df, context) for context in ("work", "free")}
    systems = [top_two(users[c], f"system_{c}", f"finding_top_system{'' if c == 'work' else '_free'}", lang, min_cell)
               for c in ("work", "free")]
    work = users["work"]
    on_users = ([untestable(t("finding_users_what", lang), lang)] if len(work) < min_cell else
                [top_means(work, "pro", 1, lang, min_cell), top_task(work, lang, min_cell), top_means(work, "con", 2, lang, min_cell)])
    return [weekly(df, lang, min_cell), *systems, never_users(df, lang, min_cell), *on_users, literacy_range(df, lang), *predictors,
            top_means(df, "support", 3, lang, min_cell), top_choice(df, "learn_location", lang, min_cell)]
