"""Post-stratification weights and weighted estimates, with Kish's effective sample size.

Post-stratification on one variable is one division per cell (population share / sample share), so
it is written here rather than pulled in with a survey library; raking on several margins would be the
point to add one (samplics or weightipy). Weights are scaled to mean 1 over the respondents with a known
stratum; respondents without one get no weight (and are counted). When a stratum of the sample has no
population count, nobody is weighted: `weights` falls back to weights of 1 and names the strata in
`weights.attrs["unweightable"]`.

>>> w = poststratify(df["gov_type"], {1: 171333, 2: 29517})    # doctest: +SKIP
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import yaml

from helpers.analysis.stats import share
from helpers.paths import DATA_DIR


def load_population(path=DATA_DIR / "population.yaml") -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def poststratify(strata: pd.Series, population: dict) -> pd.Series:
    """Weight per respondent: population share of its stratum / sample share (NaN where unknown)."""
    pop = pd.Series(population, dtype=float)
    sample = strata.dropna().astype(int).value_counts()   # plain integers: pandas cannot align Int64 with int64 here
    missing = sorted(set(sample.index) - set(pop.index))
    if missing:
        raise ValueError(f"strata {missing} are in the sample but have no population count")
    pop = pop[pop.index.isin(sample.index)]
    factor = (pop / pop.sum()) / (sample / sample.sum())
    return strata.map(factor.to_dict()).astype(float)


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


def weighted_share(values: pd.Series, codes: tuple[int, ...], weights: pd.Series) -> float:
    """Weighted percentage of those answering whose code is in `codes`."""
    answered = values.notna() & weights.notna()
    return float(100 * np.average(values[answered].isin(codes), weights=weights[answered])) if answered.any() else float("nan")


def weighted_mean(values: pd.Series, weights: pd.Series) -> float:
    answered = values.notna() & weights.notna()
    return float(np.average(values[answered].astype(float), weights=weights[answered])) if answered.any() else float("nan")


def weighted_headline(df: pd.DataFrame, weights: pd.Series, shares: list, means: list[str]) -> pd.DataFrame:
    """Each headline indicator unweighted and weighted, with its n and Kish's effective n."""
    rows = []
    for fid, var, codes in shares:
        answered = df[var].notna()
        rows.append({"id": fid, "kind": "%", "n": int(answered.sum()), "unweighted": share(df[var], codes),
                     "weighted": weighted_share(df[var], codes, weights), "ess": kish_ess(weights[answered])})
    for var in means:
        answered = df[var].notna()
        rows.append({"id": var, "kind": "M", "n": int(answered.sum()), "unweighted": float(df.loc[answered, var].astype(float).mean()),
                     "weighted": weighted_mean(df[var], weights), "ess": kish_ess(weights[answered])})
    return pd.DataFrame(rows)
