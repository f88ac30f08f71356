"""Writes the SEM reference data sets of tests/reference/ (run once; the files are kept, so the references do
not move with NumPy): `python tests/reference/make_sem_data.py`. lavaan's results on them come from
sem_reference.R (tests/reference/README.md)."""
from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent
FACTORS = ("pe", "ee", "si", "fc", "bi")
ITEMS = [f"{f}_{i}" for f in FACTORS for i in (1, 2, 3)]
CUTS = [-1.6, -0.9, -0.1, 0.9]   # five answers leaning to agreement, as the Likert items


def implied(loading: float = 0.75) -> np.ndarray:
    """Correlations of the 15 items under the report's model: four correlated UTAUT factors, intention
    regressed on them (standardized paths .5, .1, .1, .1), every loading `loading`."""
    phi = np.array([[1, .5, .4, .3], [.5, 1, .3, .4], [.4, .3, 1, .45], [.3, .4, .45, 1]])
    beta = np.array([.5, .1, .1, .1])
    factor = np.eye(5)
    factor[:4, :4] = phi
    factor[4, :4] = factor[:4, 4] = phi @ beta
    lam = np.kron(np.eye(5), np.full((3, 1), loading))
    corr = lam @ factor @ lam.T
    np.fill_diagonal(corr, 1)
    return corr


def likert(z: np.ndarray) -> np.ndarray:
    return np.searchsorted(CUTS, z) + 1.0


def heywood(n: int = 426, seed: int = 5) -> pd.DataFrame:
    """pe_1 correlates .80 with pe_2 and pe_3, which correlate .45 with each other: its standardized loading
    in the population is sqrt(.8 x .8 / .45) = 1.19 > 1, so its residual variance is negative (a Heywood
    case); 2% of the answers missing completely at random."""
    corr = implied()
    corr[0, 1] = corr[1, 0] = corr[0, 2] = corr[2, 0] = 0.80
    corr[1, 2] = corr[2, 1] = 0.45
    assert np.linalg.eigvalsh(corr).min() > 0
    rng = np.random.default_rng(seed)
    data = pd.DataFrame(likert(rng.multivariate_normal(np.zeros(15), corr, n)), columns=ITEMS)
    return data.mask(rng.random(data.shape) < 0.02)


def ten_percent(n: int = 600, seed: int = 23) -> pd.DataFrame:
    """The report's model with age (years, always answered) lowering intention (standardized -0.15); 10% of
    each item's answers missing, more often among older respondents (missing at random given age)."""
    rng = np.random.default_rng(seed)
    z = rng.multivariate_normal(np.zeros(15), implied(), n)
    age = np.clip(np.round(rng.normal(44, 11, n)), 20, 66)
    shift = -0.15 * (age - 44) / 11
    z[:, 12:] = np.sqrt(1 - 0.15**2) * z[:, 12:] + 0.75 * shift[:, None]
    data = pd.DataFrame(likert(z), columns=ITEMS)
    chance = 0.10 * np.exp(0.5 * (age - 44) / 11) / np.exp(0.5 * (age - 44) / 11).mean()
    data = data.mask(rng.random(data.shape) < chance[:, None])
    return data.assign(age=age)


def binary_empty() -> pd.DataFrame:
    """Two binary items whose 2 x 2 table has an empty cell (nobody answers 0 to u1 and 1 to u2)."""
    table = {(0, 0): 30, (0, 1): 0, (1, 0): 25, (1, 1): 45}
    return pd.DataFrame([pair for pair, count in table.items() for _ in range(count)], columns=["u1", "u2"])


if __name__ == "__main__":
    heywood().to_csv(HERE / "heywood.csv", index=False)
    ten_percent().to_csv(HERE / "ten_percent.csv", index=False)
    binary_empty().to_csv(HERE / "binary_empty.csv", index=False)
