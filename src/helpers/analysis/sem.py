"""Structural equation models over semopy: model text in, tidy tables out.

Conventions (stated in every report that uses them, tested against lavaan's published output):
- Maximum likelihood (semopy's MLW) with a tight tolerance (ftol 1e-12): semopy's default stops about
  1e-3 short of the optimum; with it, estimates match lavaan to every printed decimal.
- chi-square = N x F_ML and RMSEA with N (lavaan's convention; semopy's own RMSEA uses N - 1), with
  its 90% confidence interval from the noncentral chi-square distribution, as lavaan.
- CFI and TLI against semopy's independence (baseline) model, with lavaan's formulas: CFI bounded by
  1 (semopy's own CFI is not), TLI not bounded.
- SRMR (Bentler's, lavaan's default) and R-squared are computed here from the fitted model: semopy
  reports neither.
- Standardized estimates are semopy's inspect(std_est=True) (lavaan's std.all).

>>> model = fit("visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6", data)   # doctest: +SKIP
>>> fit_indices(model)                                                      # doctest: +SKIP
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import semopy
from scipy import optimize, stats

FTOL = 1e-12


def complete_cases(description: str, data: pd.DataFrame) -> pd.DataFrame:
    """The rows of `data` that answered every observed variable of the model (listwise)."""
    observed = [v for v in semopy.Model(description).vars["observed"] if v in data.columns]
    return data[observed].astype(float).dropna()


def estimable(description: str, data: pd.DataFrame) -> bool:
    """Whether the model can be fitted at all: more complete cases than observed variables (else the sample
    covariance matrix is singular). A chapter shows 'too few respondents' instead of the model when not."""
    complete = complete_cases(description, data)
    return len(complete) > complete.shape[1]


def fit(description: str, data: pd.DataFrame) -> semopy.Model:
    """Fit a lavaan-syntax model by maximum likelihood (listwise complete cases of its variables); a model
    that is not `estimable` is refused with a ValueError saying why."""
    model = semopy.Model(description)
    complete = complete_cases(description, data)
    if not estimable(description, data):
        raise ValueError(f"too few respondents for the model: {len(complete)} answered all of its {complete.shape[1]} "
                         "observed variables; it needs more respondents than variables")
    result = model.fit(complete, options={"ftol": FTOL, "maxiter": 10_000})
    if not result.success:
        raise RuntimeError(f"the model did not converge: {result.message}")
    model.n_obs = len(complete)
    return model


def estimates(model: semopy.Model) -> pd.DataFrame:
    """Every parameter: lval op rval, estimate, SE, z, p and the standardized estimate (std.all).
    Fixed parameters (the first loading of each factor) have no SE, z or p."""
    table = model.inspect(std_est=True).rename(columns={
        "Estimate": "est", "Est. Std": "std", "Std. Err": "se", "z-value": "z", "p-value": "p"})
    for col in ("se", "z", "p"):
        table[col] = pd.to_numeric(table[col].replace("-", np.nan))
    return table[["lval", "op", "rval", "est", "se", "z", "p", "std"]]


def latent_names(model: semopy.Model) -> list[str]:
    """The latent factors in the order the model text measures them."""
    table = model.inspect()
    latent = set(model.vars["latent"])
    return list(dict.fromkeys(table.loc[(table["op"] == "~") & table["rval"].isin(latent), "rval"]))


def loadings(model: semopy.Model) -> pd.DataFrame:
    """Measurement part: factor, item, loading, SE, p and standardized loading."""
    table = estimates(model)
    table = table[(table["op"] == "~") & table["rval"].isin(latent_names(model)) & ~table["lval"].isin(latent_names(model))]
    return table.rename(columns={"rval": "factor", "lval": "item"})[["factor", "item", "est", "se", "z", "p", "std"]].reset_index(drop=True)


def paths(model: semopy.Model) -> pd.DataFrame:
    """Structural part: regressions of one latent variable on another (or on an observed predictor)."""
    table = estimates(model)
    structural = (table["op"] == "~") & table["lval"].isin(latent_names(model))
    structural |= (table["op"] == "~") & ~table["rval"].isin(latent_names(model))
    return table[structural].rename(columns={"lval": "outcome", "rval": "predictor"})[
        ["outcome", "predictor", "est", "se", "z", "p", "std"]].reset_index(drop=True)


def r_squared(model: semopy.Model) -> pd.DataFrame:
    """R-squared of each endogenous variable: 1 - its standardized residual variance."""
    table = estimates(model)
    outcomes = table.loc[table["op"] == "~", "lval"].unique()
    variances = table[(table["op"] == "~~") & (table["lval"] == table["rval"]) & table["lval"].isin(outcomes)]
    return pd.DataFrame({"variable": variances["lval"].to_numpy(), "r2": (1 - variances["std"]).to_numpy()})


def rmsea_interval(chi2: float, df: int, n: int, level: float = 0.90) -> tuple[float, float]:
    """Confidence interval of the RMSEA from the noncentral chi-square (lavaan's method, with N)."""
    def ncp_where(prob: float) -> float:
        if stats.chi2.cdf(chi2, df) < prob:   # even a central chi-square is too far right: bound at 0
            return 0.0
        return optimize.brentq(lambda ncp: stats.ncx2.cdf(chi2, df, ncp) - prob, 1e-9, max(10 * chi2, 100))

    upper_tail = (1 + level) / 2
    low, high = ncp_where(upper_tail), ncp_where(1 - upper_tail)
    return float(np.sqrt(low / (n * df))), float(np.sqrt(high / (n * df)))


def srmr(model: semopy.Model) -> float:
    """Standardized root mean square residual (Bentler): observed minus implied correlations."""
    observed = model.mx_cov
    implied = model.calc_sigma()[0]
    scale = lambda m: m / np.sqrt(np.outer(np.diag(m), np.diag(m)))  # noqa: E731
    residual = scale(observed) - scale(implied)
    lower = np.tril_indices_from(residual)
    return float(np.sqrt(np.mean(residual[lower] ** 2)))


def fit_indices(model: semopy.Model) -> pd.DataFrame:
    """chi-square, df, p, CFI, TLI, RMSEA (N) with its 90% CI, SRMR and N, one row (lavaan's conventions)."""
    s = semopy.calc_stats(model).T["Value"]
    chi2, df, n = float(s["chi2"]), int(s["DoF"]), model.n_obs
    base_chi2, base_df = float(s["chi2 Baseline"]), int(s["DoF Baseline"])
    low, high = rmsea_interval(chi2, df, n)
    cfi = 1 - max(chi2 - df, 0) / max(chi2 - df, base_chi2 - base_df, 1e-12)   # lavaan: bounded by 1
    tli = (base_chi2 / base_df - chi2 / df) / (base_chi2 / base_df - 1)        # lavaan: not bounded
    return pd.DataFrame({
        "chi2": [chi2], "df": [df], "p": [float(s["chi2 p-value"])], "cfi": [cfi], "tli": [tli],
        "rmsea": [float(np.sqrt(max(chi2 - df, 0) / (df * n)))], "rmsea_low": [low], "rmsea_high": [high],
        "srmr": [srmr(model)], "n": [n],
    })


def reliability(model: semopy.Model) -> pd.DataFrame:
    """Per factor, from the standardized loadings: composite reliability (Joreskog's rho) and the
    average variance extracted (Fornell & Larcker, 1981)."""
    rows = []
    for factor, group in loadings(model).groupby("factor", sort=False):
        lam = group["std"].to_numpy()
        rows.append({"factor": factor, "cr": lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum()), "ave": (lam**2).mean()})
    return pd.DataFrame(rows)


def factor_correlations(model: semopy.Model) -> pd.DataFrame:
    """Correlations between the exogenous latent factors (standardized covariances)."""
    names = latent_names(model)
    table = estimates(model)
    corr = pd.DataFrame(np.eye(len(names)), index=names, columns=names)
    between = table[(table["op"] == "~~") & (table["lval"] != table["rval"]) & table["lval"].isin(names) & table["rval"].isin(names)]
    for row in between.itertuples():
        corr.loc[row.lval, row.rval] = corr.loc[row.rval, row.lval] = row.std
    return corr


def fornell_larcker(model: semopy.Model) -> pd.DataFrame:
    """Discriminant validity: the square root of each factor's AVE on the diagonal, factor correlations
    below it; valid when each diagonal value exceeds the correlations in its row and column."""
    corr = factor_correlations(model)
    ave = reliability(model).set_index("factor")["ave"]
    table = corr.where(np.tril(np.ones(corr.shape, dtype=bool), -1))
    for f in corr.index:
        table.loc[f, f] = np.sqrt(ave[f])
    return table


def model_text(factors: dict[str, list[str]], outcome: str | None = None, predictors: list[str] | None = None) -> str:
    """lavaan syntax: one measurement line per factor, and the structural regression when given."""
    lines = [f"{factor} =~ {' + '.join(items)}" for factor, items in factors.items()]
    if outcome:
        lines.append(f"{outcome} ~ {' + '.join(predictors)}")
    return "\n".join(lines)
