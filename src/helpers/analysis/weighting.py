"""Post-stratification weights and weighted estimates with their design-based standard errors, and
Kish's effective sample size.

Post-stratification on one variable is one division per cell (population share / sample share), so
it is written here rather than pulled in with a survey library; raking on several margins would be the
point to add one (samplics or weightipy). samplics 0.6 was weighed: it adds polars, and its
calibration estimator is a stub, so a post-stratified SE would be this same stratified Taylor
formula. Weights are scaled to mean 1 over the respondents with a known stratum; respondents without
one get no weight (and are counted). `strata_table` says, per stratum, what happened to it. When a stratum of the sample has no
population count, nobody is weighted: `weights` falls back to weights of 1 and names the strata in
`weights.attrs["unweightable"]`.

Standard errors: Taylor linearisation of the weighted (ratio) mean, the post-strata treated as strata
sampled with replacement (Lohr, 2019, Sampling: Design and Analysis, sections 4.4 and 9.1; Lumley,
2010, Complex Surveys, 2.2): for everyone answering z_i = w_i (y_i - estimate) / sum w, 0 otherwise,
Var = sum over strata n_h / (n_h - 1) sum (z_i - mean_h z)^2. With everyone answering this is the
textbook post-stratified variance sum_h W_h^2 s_h^2 / n_h. 95% CI of a mean: estimate +- 1.96 SE; of a
share: Wilson at the design's effective n (`design_wilson`).

>>> w = poststratify(df["gov_type"], {1: 171333, 2: 29517})    # doctest: +SKIP
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import yaml

from helpers.paths import DATA_DIR


def load_population(path=DATA_DIR / "population.yaml") -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def population_source(name: str, lang: str) -> str:
    """Where the population margin of `name` comes from, in `lang`."""
    return load_population()[name]["source"][lang]


def strata_table(strata: pd.Series, population: dict) -> pd.DataFrame:
    """Per population stratum: population count and share, respondents and sample share, the weight, and
    what happened to it: 'kept', or 'no respondents' (nobody can stand for it, so the shares are taken
    over the strata that have respondents: the one collapse there is, named here)."""
    pop = pd.Series(population, dtype=float)
    sample = strata.dropna().astype(int).value_counts()   # plain integers: pandas cannot align Int64 with int64 here
    missing = sorted(set(sample.index) - set(pop.index))
    if missing:
        raise ValueError(f"strata {missing} are in the sample but have no population count")
    sample = sample.reindex(pop.index, fill_value=0)
    kept = sample > 0
    share = pop.where(kept) / pop[kept].sum()
    return pd.DataFrame({"stratum": pop.index, "population": pop.to_numpy(), "population_share": (pop / pop.sum()).to_numpy(),
                         "n": sample.to_numpy(), "sample_share": (sample / sample.sum()).to_numpy(),
                         "weight": (share / (sample / sample.sum())).to_numpy(),
                         "status": ["kept" if k else "no respondents" for k in kept]})


def poststratify(strata: pd.Series, population: dict) -> pd.Series:
    """Weight per respondent: population share of its stratum / sample share (NaN where unknown)."""
    table = strata_table(strata, population).set_index("stratum")["weight"].dropna()
    return strata.map(table.to_dict()).astype(float)


def unweightable(strata: pd.Series, population: dict) -> list[int]:
    """Strata of the sample that have no population count."""
    return sorted(set(strata.dropna().astype(int)) - set(population))


def weights(df: pd.DataFrame, by: str | None) -> pd.Series:
    """Post-stratification weights by `by` to its margin in data/population.yaml; all 1 when by is None, or
    when a stratum has no population count (those strata in attrs['unweightable'])."""
    population = load_population()[by]["counts"] if by is not None else {}
    missing = unweightable(df[by], population) if by is not None else []
    w = pd.Series(1.0, index=df.index) if by is None or missing else poststratify(df[by], population)
    w.attrs["unweightable"] = missing
    return w


def kish_ess(weights: pd.Series) -> float:
    """Kish's effective sample size: (sum w)^2 / sum w^2."""
    w = weights.dropna().to_numpy(dtype=float)
    return float(w.sum() ** 2 / (w**2).sum()) if w.size else float("nan")


def weighted_mean_se(values: pd.Series, weights: pd.Series, strata: pd.Series) -> pd.DataFrame:
    """Weighted mean of those answering with its linearised standard error and 95% CI under
    post-stratification by `strata` (see the module's docstring), n answering and Kish's effective n.

    >>> weighted_mean_se(df["use"], w, df["gov_type"])    # doctest: +SKIP
       n  estimate    se  ci_low  ci_high   ess
    """
    known = weights.notna() & strata.notna()
    answered = known & values.notna()
    if not answered.any():   # nobody answered: nothing is estimated
        return pd.DataFrame({"n": [0], "estimate": [np.nan], "se": [np.nan], "ci_low": [np.nan], "ci_high": [np.nan], "ess": [np.nan]})
    y, w = values[answered].astype(float), weights[answered]
    estimate = float(np.average(y, weights=w))
    z = pd.Series(0.0, index=values.index[known])
    z[answered[known].to_numpy()] = (w * (y - estimate) / w.sum()).to_numpy()
    h = strata[known].astype(int)
    groups = z.groupby(h.to_numpy())
    n_h = groups.transform("size")
    variance = float((n_h / (n_h - 1) * (z - groups.transform("mean")) ** 2).where(n_h > 1, 0).sum())
    se = np.sqrt(variance)
    return pd.DataFrame({"n": [int(answered.sum())], "estimate": [estimate], "se": [se], "ci_low": [estimate - 1.96 * se],
                         "ci_high": [estimate + 1.96 * se], "ess": [kish_ess(weights[answered])]})


def design_wilson(estimate: float, se: float, n: int, level: float = 0.95) -> tuple[float, float]:
    """Wilson interval of a weighted proportion with the design's effective sample size
    n* = p (1 - p) / SE^2 in place of n (Kott & Carr, 1997): the project's one interval for a proportion
    (stats.share_ci) carried over to weighted estimates. Where SE is 0 (p is 0 or 1) n* is n answering;
    with nobody answering there is no interval."""
    from statsmodels.stats.proportion import proportion_confint

    if not n:
        return float("nan"), float("nan")
    n_eff = estimate * (1 - estimate) / se**2 if se > 0 else n
    return tuple(float(v) for v in proportion_confint(estimate * n_eff, n_eff, alpha=1 - level, method="wilson"))


def weighted_headline(df: pd.DataFrame, weights: pd.Series, shares: list, means: list[str], by: str | None = None) -> pd.DataFrame:
    """Each headline indicator unweighted and weighted, with its n, the weighted estimate's linearised SE
    and 95% CI (post-strata: the weighting variable `by`, as in `weights`; None: one stratum; shares:
    `design_wilson`, means: estimate +- 1.96 SE) and Kish's effective n. Shares in percent."""
    strata = pd.Series(1, index=df.index) if by is None else df[by]
    rows = []
    for fid, var, codes in shares:
        answered = df[var].notna()
        est = weighted_mean_se(df[var].isin(codes).fillna(False).astype(float).where(answered), weights, strata).iloc[0]
        low, high = design_wilson(est["estimate"], est["se"], int(est["n"]))
        rows.append({"id": fid, "kind": "%", "n": int(answered.sum()), "unweighted": 100 * float(df.loc[answered, var].isin(codes).astype(float).mean()),
                     "weighted": 100 * est["estimate"], "se": 100 * est["se"], "ci_low": 100 * low, "ci_high": 100 * high,
                     "ess": est["ess"]})
    for var in means:
        answered = df[var].notna()
        est = weighted_mean_se(df[var], weights, strata).iloc[0]
        rows.append({"id": var, "kind": "M", "n": int(answered.sum()), "unweighted": df.loc[answered, var].astype(float).mean(),
                     "weighted": est["estimate"], "se": est["se"], "ci_low": est["ci_low"], "ci_high": est["ci_high"],
                     "ess": est["ess"]})
    return pd.DataFrame(rows)
