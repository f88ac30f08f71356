"""Structural equation models as lavaan fits them: model text in, tidy tables out.

The model is lavaan's parameter table with sem()'s defaults (`specify`: the first loading fixed at 1,
observed covariates fixed.x, variances unbounded) as a reticular action model (`Ram`), with analytic
first and second derivatives. Estimators (`fit(..., estimator=, missing=)`), each tested against lavaan's
printed output (tests/reference/):
- "ML": maximum likelihood. Missing answers by full-information ML (`missing="fiml"`, the default: every
  respondent with at least one answer; lavaan's missing = "ml") or listwise deletion. The FIML likelihood,
  gradient and observed information are computed per missing-data pattern, batched over the patterns
  (`Likelihood`). Standard errors from the observed information under FIML whatever the missingness
  (lavaan's default there), the expected one on complete cases.
- "MLR": ML with Huber-White (sandwich) standard errors, observed information as the bread and casewise
  scores as the meat, and the Yuan-Bentler scaled chi-square in Mplus' variant (lavaan's estimator = "MLR"),
  with FIML or on complete cases. Robust CFI, TLI and RMSEA as lavaan prints them (Brosseau-Liard &
  Savalei, 2014; Brosseau-Liard, Savalei & Li, 2012; under FIML, Zhang & Savalei's FIML-corrected ones).
- "DWLS": the items as ordinal: polychoric correlations, diagonally weighted least squares with the inverse
  asymptotic variances of the polychorics as weights, robust (sandwich) standard errors and the mean-and-
  variance adjusted (scaled-shifted) chi-square: lavaan's WLSMV. The asymptotic covariance of the
  polychorics from their influence functions (two-step; Muthen, 1984). As lavaan for its least-squares
  estimators, N - 1 where Mplus has N (test statistic, sandwich, RMSEA). Complete cases.

Estimation: Newton's method on the analytic Hessian from lavaan's "simple" start values refined on the EM
moments; no bounds, so a variance may be estimated below zero (a Heywood case, `negative_variances`) as in
lavaan; a model is not estimated only when no stationary point is found.
Fit indices: chi-square = 2 (logL unrestricted - logL model) (lavaan's, N x F_ML on complete data); the
unrestricted model under missing answers by EM. RMSEA with its 90% CI from the noncentral chi-square; CFI
(bounded by 1) and TLI (not bounded) against the independence model, with lavaan's formulas; SRMR as lavaan's
`srmr` and `srmr_bentler_nomean`. Standardized estimates are lavaan's std.all with delta-method SEs
(standardizedSolution).

>>> model = fit("visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6", data)   # doctest: +SKIP
>>> fit_indices(model)                                                      # doctest: +SKIP
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import linalg, optimize, stats

ESTIMATORS = ("ML", "MLR", "DWLS")
VERSION = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()   # this file's hash: which code made a fit
AVE_MIN = 0.50    # Fornell & Larcker (1981): a factor should explain at least half its items' variance
HTMT_MAX = 0.85   # Henseler, Ringle & Sarstedt (2015): the strict threshold


# ---------------------------------------------------------------- the model: lavaan's parameter table, RAM matrices

def specify(description: str, meanstructure: bool = True) -> tuple[pd.DataFrame, list[str], list[str], list[str]]:
    """lavaan's parameter table for a model text, with sem()'s defaults: the first loading of each factor
    fixed at 1, (residual) variances of every variable free, covariances among the exogenous factors and
    among the pure outcomes free, observed intercepts free and latent means 0 (meanstructure), and the
    observed exogenous covariates fixed.x (their variances, covariances and means fixed at the sample's,
    filled in by `fit`; no covariance with a factor, as lavaan 0.6). Returns the table (lhs, op, rhs, free,
    value, label, exo) and the observed, latent and exogenous-covariate names in lavaan's order."""
    from semopy.parser import parse_desc

    ops, _ = parse_desc(description)
    if set(ops) - {"=~", "~", "~~"}:
        raise ValueError(f"unsupported operators in the model text: {sorted(set(ops) - {'=~', '~', '~~'})}")
    latent = list(ops["=~"])
    indicators = list(dict.fromkeys(i for items in ops["=~"].values() for i in items))
    outcomes = [y for y, rhs in ops["~"].items() if set(rhs) - {"1"}]
    predictors = list(dict.fromkeys(x for rhs in ops["~"].values() for x in rhs if x != "1"))
    covaried = {v for a, rhs in ops["~~"].items() for b in rhs for v in (a, b)}
    with_mean = {y for y, rhs in ops["~"].items() if "1" in rhs}
    ov_ind = [v for v in indicators if v not in latent]
    ov_y = [v for v in outcomes if v not in latent and v not in ov_ind]
    ov_x = [v for v in predictors if v not in latent and v not in ov_ind and v not in ov_y]
    orphans = [v for v in dict.fromkeys([*ops["~~"], *(b for rhs in ops["~~"].values() for b in rhs)])
               if v not in latent and v not in ov_ind + ov_y + ov_x]
    observed = ov_ind + ov_y + ov_x + orphans
    exogenous = [v for v in ov_x if v not in covaried and v not in with_mean]      # random when given a formula
    rows = []

    def add(lhs, op, rhs, modifier=None, default_free=True, exo=False):
        free, value, label = default_free, np.nan, None
        if modifier is not None:
            try:
                free, value = False, float(modifier)
            except ValueError:
                if modifier == "NA":
                    free = True
                elif modifier.isidentifier():
                    free, label = True, modifier
                else:
                    raise ValueError(f"unsupported modifier {modifier!r} in {lhs} {op} {rhs}") from None
        rows.append({"lhs": lhs, "op": op, "rhs": rhs, "free": free, "value": value, "label": label, "exo": exo})

    for factor, items in ops["=~"].items():
        for k, (item, modifier) in enumerate(items.items()):
            add(factor, "=~", item, modifier if modifier is not None or k else "1")
    for y, rhs in ops["~"].items():
        for x, modifier in rhs.items():
            if x == "1":
                add(y, "~1", "", modifier)
            else:
                add(y, "~", x, modifier)
    for a, rhs in ops["~~"].items():
        for b, modifier in rhs.items():
            add(a, "~~", b, modifier)
    given = {(r["lhs"], r["op"], r["rhs"]) for r in rows} | {(r["rhs"], "~~", r["lhs"]) for r in rows if r["op"] == "~~"}

    def default(lhs, op, rhs, free=True, exo=False):
        if (lhs, op, rhs) not in given:
            add(lhs, op, rhs, None if free else "0", exo=exo)
            if not free:
                rows[-1]["value"] = np.nan if exo else 0.0

    for v in [v for v in observed if v not in exogenous] + latent:
        default(v, "~~", v)
    lv_x = [f for f in latent if f not in indicators and f not in outcomes]
    pure_y = [v for v in outcomes if v not in indicators and v not in predictors]
    for group in (lv_x, [v for v in latent if v in pure_y] + [v for v in observed if v in pure_y]):
        for i, a in enumerate(group):
            for b in group[i + 1:]:
                default(a, "~~", b)
    for i, a in enumerate(exogenous):
        for b in exogenous[i:]:
            default(a, "~~", b, free=False, exo=True)
    if meanstructure:
        for v in observed:
            default(v, "~1", "", free=v not in exogenous, exo=v in exogenous)
        for f in latent:
            default(f, "~1", "", free=False)
    table = pd.DataFrame(rows)
    table["value"] = table["value"].astype(float)
    return table, observed, latent, exogenous


class Ram:
    """The reticular action model (McArdle & McDonald, 1984) of a parameter table: A (directed paths), S
    (variances and covariances), m (intercepts and means) over the observed then the latent variables;
    implied Sigma = F B S B' F' and mu = F B m with B = (I - A)^-1. Each free parameter may sit in several
    places (a label): index arrays map parameters to places, so that filling, the Jacobian and the second
    derivatives are vectorised."""

    def __init__(self, table: pd.DataFrame, observed: list[str], latent: list[str]):
        self.table, self.observed, self.latent = table, observed, latent
        names = observed + latent
        self.p, self.m = len(observed), len(names)
        pos = {v: i for i, v in enumerate(names)}
        keys = table["label"].where(table["label"].notna(), table.index.to_series().astype(str))
        free = table["free"].to_numpy(bool)
        order = list(dict.fromkeys(keys[free]))
        table["par"] = [order.index(k) if f else -1 for k, f in zip(keys, free)]
        self.k = len(order)
        self.first = np.array([table.index[(table["par"] == i)][0] for i in range(self.k)])   # a row per parameter
        ops = table["op"].to_numpy()
        lhs = np.array([pos[v] for v in table["lhs"]])
        rhs = np.array([pos.get(v, -1) for v in table["rhs"]])
        self.a_rows = np.where(ops == "=~", rhs, lhs)[np.isin(ops, ["=~", "~"])]
        self.a_cols = np.where(ops == "=~", lhs, rhs)[np.isin(ops, ["=~", "~"])]
        self.a_par = table["par"].to_numpy()[np.isin(ops, ["=~", "~"])]
        self.a_row_index = np.flatnonzero(np.isin(ops, ["=~", "~"]))
        self.s_rows, self.s_cols = lhs[ops == "~~"], rhs[ops == "~~"]
        self.s_par, self.s_row_index = table["par"].to_numpy()[ops == "~~"], np.flatnonzero(ops == "~~")
        self.m_rows, self.m_par, self.m_row_index = lhs[ops == "~1"], table["par"].to_numpy()[ops == "~1"], np.flatnonzero(ops == "~1")
        self.meanstructure = bool((ops == "~1").any())

    def values(self, theta: np.ndarray) -> np.ndarray:
        """Every row's value: the fixed ones as set, the free ones from theta."""
        v = self.table["value"].to_numpy(float).copy()
        par = self.table["par"].to_numpy()
        v[par >= 0] = theta[par[par >= 0]]
        return v

    def matrices(self, theta: np.ndarray):
        v = self.values(theta)
        a, s, mean = np.zeros((self.m, self.m)), np.zeros((self.m, self.m)), np.zeros(self.m)
        a[self.a_rows, self.a_cols] = v[self.a_row_index]
        s[self.s_rows, self.s_cols] = v[self.s_row_index]
        s[self.s_cols, self.s_rows] = v[self.s_row_index]
        mean[self.m_rows] = v[self.m_row_index]
        b = np.linalg.inv(np.eye(self.m) - a)
        c = b @ s @ b.T
        return a, s, b, c, b @ mean

    def implied(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Model-implied mean vector and covariance matrix of the observed variables."""
        _, _, _, c, nu = self.matrices(theta)
        return nu[:self.p], c[:self.p, :self.p]

    def jacobian(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """d mu / d theta (k x p) and d Sigma / d theta (k x p x p), analytic."""
        _, _, b, c, nu = self.matrices(theta)
        p = self.p
        d_sigma, d_mu = np.zeros((self.k, p, p)), np.zeros((self.k, p))
        free = self.a_par >= 0
        i, j, k = self.a_rows[free], self.a_cols[free], self.a_par[free]
        part = np.einsum("li,lj->lij", b[:p, i].T, c[j, :p])
        np.add.at(d_sigma, k, part + part.transpose(0, 2, 1))
        np.add.at(d_mu, k, b[:p, i].T * nu[j][:, None])
        free = self.s_par >= 0
        i, j, k = self.s_rows[free], self.s_cols[free], self.s_par[free]
        part = np.einsum("li,lj->lij", b[:p, i].T, b[:p, j].T)
        np.add.at(d_sigma, k, np.where((i == j)[:, None, None], part, part + part.transpose(0, 2, 1)))
        free = self.m_par >= 0
        np.add.at(d_mu, self.m_par[free], b[:p, self.m_rows[free]].T)
        return d_mu, d_sigma

    def curvature(self, theta: np.ndarray, w_mu: np.ndarray, w_sigma: np.ndarray) -> np.ndarray:
        """sum_ij W_ij d2 Sigma_ij / d theta d theta' + w . d2 mu / d theta d theta' (k x k), analytic: the
        second derivatives of B = (I - A)^-1 are B E_a B E_b B + B E_b B E_a B, so every term is a product of
        entries of B, B S B' and the weights carried through B."""
        _, _, b, c, nu = self.matrices(theta)
        wa = np.zeros((self.m, self.m))
        wa[:self.p, :self.p] = w_sigma
        za = np.zeros(self.m)
        za[:self.p] = w_mu
        q, r, z = c @ wa @ b, b.T @ wa @ b, b.T @ za
        out = np.zeros((self.k, self.k))
        fa = self.a_par >= 0
        i, j, ka = self.a_rows[fa], self.a_cols[fa], self.a_par[fa]
        # A x A
        I, J, K, L = i[:, None], j[:, None], i[None, :], j[None, :]
        t = 2 * (b[J, K] * q[L, I] + b[L, I] * q[J, K] + c[J, L] * r[K, I]) + b[J, K] * z[I] * nu[L] + b[L, I] * z[K] * nu[J]
        np.add.at(out, (ka[:, None], ka[None, :]), t)
        # A x S
        fs = self.s_par >= 0
        k_, l_, ks = self.s_rows[fs], self.s_cols[fs], self.s_par[fs]
        K, L = k_[None, :], l_[None, :]
        t = 2 * b[J, K] * r[L, I] + np.where(K != L, 2 * b[J, L] * r[K, I], 0.0)
        np.add.at(out, (ka[:, None], ks[None, :]), t)
        np.add.at(out, (ks[None, :], ka[:, None]), t)
        # A x m
        fm = self.m_par >= 0
        km, kk = self.m_par[fm], self.m_rows[fm][None, :]
        t = z[I] * b[J, kk]
        np.add.at(out, (ka[:, None], km[None, :]), t)
        np.add.at(out, (km[None, :], ka[:, None]), t)
        return out


# ---------------------------------------------------------------- the data by missing-data pattern; ML, FIML and EM

class Patterns:
    """Respondents grouped by which variables they answered: per pattern its mask, count, mean and
    covariance (divisor n) of the answered variables, zero where not answered. The rows are kept (with
    their pattern) for the casewise scores of the sandwich (MLR)."""

    def __init__(self, values: np.ndarray):
        self.values = values
        seen = ~np.isnan(values)
        self.mask, self.row_pattern, self.n = np.unique(seen, axis=0, return_inverse=True, return_counts=True)
        self.row_pattern = self.row_pattern.ravel()
        g, p = self.mask.shape
        filled = np.where(seen, values, 0.0)
        self.mean = np.zeros((g, p))
        np.add.at(self.mean, self.row_pattern, filled)
        self.mean /= self.n[:, None]
        self.cov = np.zeros((g, p, p))
        order = np.argsort(self.row_pattern, kind="stable")
        for k, rows in enumerate(np.split(order, np.cumsum(self.n)[:-1])):   # once, at construction
            d = filled[rows] - self.mean[k]
            self.cov[k] = d.T @ d / len(rows)
        self.both = self.mask[:, :, None] & self.mask[:, None, :]

    @classmethod
    def of_moments(cls, mean: np.ndarray, cov: np.ndarray, n: int) -> "Patterns":
        """Complete data summarised by their mean and covariance (divisor n): one pattern, no rows."""
        out = cls.__new__(cls)
        out.values, out.row_pattern = None, None
        out.mask, out.n = np.ones((1, len(mean)), bool), np.array([n])
        out.mean, out.cov = mean[None, :].copy(), cov[None].copy()
        out.both = out.mask[:, :, None] & out.mask[:, None, :]
        return out

    def inverses(self, sigma: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Each pattern's inverse of its answered block of sigma (zero elsewhere) and log-determinant, in
        one batched call: the block is embedded in the identity; LinAlgError where one is not positive definite."""
        eye = np.eye(len(sigma))
        embedded = np.where(self.both, sigma, 0.0) + eye * ~self.mask[:, None, :]
        chol = np.linalg.cholesky(embedded)
        logdet = 2 * np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
        return np.where(self.both, np.linalg.inv(embedded), 0.0), logdet

    def deviations(self, mu: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Per pattern d = mean - mu and T = cov + d d' over the answered variables (zero elsewhere)."""
        d = np.where(self.mask, self.mean - mu, 0.0)
        return d, self.cov + d[:, :, None] * d[:, None, :]

    def minus_two_loglik(self, mu: np.ndarray, sigma: np.ndarray) -> float:
        """-2 log L of the answered parts of every row under N(mu, sigma)."""
        v, logdet = self.inverses(sigma)
        _, t = self.deviations(mu)
        answered = self.mask.sum(axis=1)
        return float(self.n @ (answered * np.log(2 * np.pi) + logdet + np.einsum("gij,gji->g", v, t)))


def loglik(x: pd.DataFrame, mean: np.ndarray, cov: np.ndarray) -> float:
    """Normal log-likelihood of the observed parts of each row (rows grouped by missing-data pattern)."""
    values = x.to_numpy(dtype=float)
    return -0.5 * Patterns(values[~np.isnan(values).all(axis=1)]).minus_two_loglik(mean, cov)


def em(patterns: Patterns, tol: float = 1e-10, max_iter: int = 10_000) -> tuple[np.ndarray, np.ndarray]:
    """ML mean vector and covariance matrix of a multivariate normal with missing values (EM; Little &
    Rubin, 2002, ch. 11), vectorised over the patterns: with K = Sigma V (V the inverse of the answered
    block), each pattern's rows are filled in by mu + K (y - mu) and their scatter by K n T K' plus
    n (Sigma - Sigma V Sigma), from the pattern's count, mean and covariance alone."""
    n = patterns.n.sum()
    mu = (patterns.n @ patterns.mean) / (patterns.n @ patterns.mask)
    d, t = patterns.deviations(mu)
    sigma = np.diag((patterns.n @ np.diagonal(t, axis1=1, axis2=2)) / (patterns.n @ patterns.mask))
    for _ in range(max_iter):
        v, _ = patterns.inverses(sigma)
        d, t = patterns.deviations(mu)
        k = sigma @ v
        shift = np.einsum("gij,gj->gi", k, d)
        new_mu = mu + patterns.n @ shift / n
        scatter = np.einsum("g,gij->ij", patterns.n, k @ t @ k.transpose(0, 2, 1) + sigma - k @ sigma) / n
        dm = new_mu - mu
        new_sigma = scatter - np.outer(dm, dm)
        done = max(abs(dm).max(), abs(new_sigma - sigma).max()) < tol
        mu, sigma = new_mu, new_sigma
        if done:
            break
    return mu, sigma


def saturated(x: pd.DataFrame, tol: float = 1e-10, max_iter: int = 10_000) -> tuple[np.ndarray, np.ndarray]:
    """ML mean vector and covariance matrix under missing answers (`em`); with complete data the sample
    moments (divisor N)."""
    values = x.to_numpy(dtype=float)
    return em(Patterns(values[~np.isnan(values).all(axis=1)]), tol, max_iter)


def _trace_products(n: np.ndarray, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """sum_g n_g tr(x_ga y_gb) for every a, b, as one matrix product."""
    g, k, p, _ = x.shape
    left = (x * n[:, None, None, None]).transpose(1, 0, 2, 3).reshape(k, -1)
    return left @ y.transpose(1, 0, 3, 2).reshape(k, -1).T


class Likelihood:
    """-2 log L of a model (Ram) over the data's patterns, FIML (with complete data, one pattern: ML):
    its value, analytic gradient, observed information (the Hessian: the second derivatives in the moments,
    per pattern and batched, plus the curvature of the moments in the parameters, Ram.curvature), expected
    information and the first-order information (casewise gradients). Per pattern, with V the inverse of the
    answered block, d = mean - mu, T = cov + d d': f = n [log|Sigma| + tr(V T)], df = n tr[(V - V T V) dSigma] - 2 n d'V dmu."""

    def __init__(self, ram: Ram, patterns: Patterns, chunk: int = 256):
        self.ram, self.data, self.chunk = ram, patterns, chunk
        self._at = None

    def _state(self, theta: np.ndarray):
        if self._at is None or not np.array_equal(self._at[0], theta):
            mu, sigma = self.ram.implied(theta)
            v, logdet = self.data.inverses(sigma)
            d, t = self.data.deviations(mu)
            self._at = (theta.copy(), mu, sigma, v, logdet, d, t)
        return self._at[1:]

    def value(self, theta: np.ndarray) -> float:
        try:
            _, _, v, logdet, _, t = self._state(theta)
        except np.linalg.LinAlgError:
            return np.inf
        return float(self.data.n @ (logdet + np.einsum("gij,gji->g", v, t)))

    def weights(self, theta: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """d f / d mu and d f / d Sigma (the latter as a full symmetric matrix)."""
        _, _, v, _, d, t = self._state(theta)
        n = self.data.n
        w_sigma = np.einsum("g,gij->ij", n, v - v @ t @ v)
        w_mu = -2 * np.einsum("g,gij,gj->i", n, v, d)
        return w_mu, w_sigma

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        w_mu, w_sigma = self.weights(theta)
        d_mu, d_sigma = self.ram.jacobian(theta)
        return np.einsum("kij,ij->k", d_sigma, w_sigma) + d_mu @ w_mu

    def _blocks(self):
        """Chunks of patterns: (counts, V, d, T) per chunk, so that the k x p x p products per pattern stay small."""
        _, _, v, _, d, t = self._at[1:]
        for s in range(0, len(self.data.n), self.chunk):
            yield self.data.n[s:s + self.chunk], v[s:s + self.chunk], d[s:s + self.chunk], t[s:s + self.chunk]

    def hessian(self, theta: np.ndarray, expected: bool = False) -> np.ndarray:
        """Observed (the Hessian of f) or expected information, both in units of f = -2 log L."""
        self._state(theta)
        d_mu, d_sigma = self.ram.jacobian(theta)
        k = len(theta)
        out = np.zeros((k, k))
        for n, v, d, t in self._blocks():
            x = np.einsum("gij,kjl->gkil", v, d_sigma)                         # V dSigma_a
            u = np.einsum("gij,kj->gki", v, d_mu)                              # V dmu_a
            if expected:
                out += _trace_products(n, x, x) + 2 * np.einsum("g,ki,gli->kl", n, d_mu, u)
                continue
            out += _trace_products(n, x, x @ (2 * v @ t - np.eye(len(v[0])))[:, None])
            r = np.einsum("gij,gj->gi", v, d)
            s = np.einsum("kij,gj->gki", d_sigma, r)                          # dSigma_a V d
            cross = np.einsum("g,gai,gbi->ab", n, s, u)
            out += 2 * (cross + cross.T + np.einsum("g,ai,gbi->ab", n, d_mu, u))
        if not expected:
            w_mu, w_sigma = self.weights(theta)
            out += self.ram.curvature(theta, w_mu, w_sigma)
        return (out + out.T) / 2

    def first_order(self, theta: np.ndarray, rows: int = 4096) -> np.ndarray:
        """The sum over respondents of the outer products of their casewise gradients of -2 log L_i (k x k), each
        tr(V dSigma_a) - r'dSigma_a r - 2 r'dmu_a with r = V (y_i - mu); accumulated over `rows` respondents at a
        time, so that the N x k gradients are never held at once (hundreds of MB at large N)."""
        mu, _, v, _, _, _ = self._state(theta)
        d_mu, d_sigma = self.ram.jacobian(theta)
        trace = np.einsum("gij,kji->gk", v, d_sigma)
        flat = d_sigma.reshape(len(theta), -1).T                               # (p p) x k
        out = np.zeros((len(theta), len(theta)))
        for s in range(0, len(self.data.values), rows):
            g = self.data.row_pattern[s:s + rows]
            e = np.nan_to_num(self.data.values[s:s + rows] - mu)
            r = np.einsum("nij,nj->ni", v[g], e)
            scores = trace[g] - (r[:, :, None] * r[:, None, :]).reshape(len(r), -1) @ flat - 2 * r @ d_mu.T
            out += scores.T @ scores
        return out


# ---------------------------------------------------------------- fitting

@dataclass
class Model:
    """A fitted model: lavaan's parameter table with the estimates (`table`: lhs, op, rhs, free, value,
    label, exo, par, est), the covariance matrix of the free parameters (`vcov`), the respondents used
    (`n_obs`), the estimator, the missing-data method and the test statistics (`test`)."""

    description: str
    estimator: str
    missing: str
    ram: Ram
    theta: np.ndarray
    n_obs: int
    vcov: np.ndarray = None
    test: dict = field(default_factory=dict)

    @property
    def table(self) -> pd.DataFrame:
        return self.ram.table.assign(est=self.ram.values(self.theta))

    @property
    def se(self) -> np.ndarray:
        return np.sqrt(np.diag(self.vcov))


def _start(ram: Ram, mean: np.ndarray, cov: np.ndarray) -> np.ndarray:
    """lavaan's "simple" start values: loadings 1, regressions and covariances 0, residual variances half
    the observed variance, factor variances 0.05, intercepts the observed means."""
    pos = {v: i for i, v in enumerate(ram.observed)}
    theta = np.zeros(ram.k)
    for par, row in zip(range(ram.k), ram.table.loc[ram.first].itertuples()):
        if row.op == "=~":
            theta[par] = 1.0
        elif row.op == "~~" and row.lhs == row.rhs:
            theta[par] = 0.5 * cov[pos[row.lhs], pos[row.lhs]] if row.lhs in pos else 0.05
        elif row.op == "~1" and row.lhs in pos:
            theta[par] = mean[pos[row.lhs]]
    return theta


def _newton(objective, theta: np.ndarray, n: int, tol: float = 1e-8, max_iter: int = 500) -> tuple[np.ndarray, bool]:
    """Newton's method with the analytic Hessian, Levenberg-damped where the Hessian is not positive definite
    and with backtracking; converged when the largest gradient element per respondent is below `tol`
    (no bounds: a variance may go negative, as in lavaan)."""
    f = objective.value(theta)
    if not np.isfinite(f):
        return theta, False
    for _ in range(max_iter):
        g = objective.gradient(theta)
        if np.abs(g).max() <= tol * n:
            return theta, True
        h = objective.hessian(theta)
        scale, damping = max(1.0, np.abs(np.diag(h)).max()), 0.0
        for _ in range(60):
            try:
                step = -linalg.cho_solve(linalg.cho_factor(h + damping * np.eye(len(h))), g)
            except linalg.LinAlgError:
                damping = max(4 * damping, 1e-8 * scale)
                continue
            t = 1.0
            while t > 1e-12:
                new = theta + t * step
                fn = objective.value(new)
                if fn <= f + 1e-4 * t * (g @ step):
                    break
                t /= 2
            else:
                damping = max(4 * damping, 1e-8 * scale)
                continue
            theta, f = new, fn
            break
        else:
            return theta, False
    return theta, np.abs(objective.gradient(theta)).max() <= tol * n


def _optimise(objective, theta: np.ndarray, n: int) -> np.ndarray:
    """Newton from theta; where it does not reach a stationary point, L-BFGS (unbounded) and Newton again
    from where that stopped. RuntimeError when neither gets there."""
    found, ok = _newton(objective, theta, n)
    if not ok:
        result = optimize.minimize(objective.value, theta, jac=objective.gradient, method="L-BFGS-B",
                                   options={"maxiter": 20_000, "ftol": 1e-15, "gtol": 1e-10})
        found, ok = _newton(objective, result.x, n)
    if not ok:
        raise RuntimeError("the model did not converge: no stationary point found (largest gradient element per "
                           f"respondent {np.abs(objective.gradient(found)).max() / n:.2g})")
    return found


def fit_key(description: str, data: pd.DataFrame, estimator: str = "ML", missing: str = "fiml") -> str:
    """What `fit` makes a model from, as one hash: this file's version (VERSION), the estimator, the missing-data
    method, the model text, and the rows and columns of `data` it reads (the model's observed variables: their
    names, the rows' index and every value), so that a subset, a changed answer or changed code is another fit.

    >>> fit_key(text, data) == fit_key(text, data[data["gov_type"] == 1])   # doctest: +SKIP
    False
    """
    observed = specify(description)[1]
    rows = pd.util.hash_pandas_object(data.reindex(columns=observed), index=True).to_numpy()
    return hashlib.sha256("\x1f".join([VERSION, estimator, missing, description, *observed]).encode() + rows.tobytes()).hexdigest()


def fit(description: str, data: pd.DataFrame, estimator: str = "ML", missing: str = "fiml") -> Model:
    """Fit a lavaan-syntax model (sem()'s defaults, `specify`) with one of ESTIMATORS. Observed exogenous
    covariates are fixed.x (lavaan's default): a respondent without one is left out, as lavaan does.
    missing: 'fiml' (every respondent with at least one answer) or 'listwise' (complete cases); DWLS is
    always listwise."""
    if estimator not in ESTIMATORS or missing not in ("fiml", "listwise"):
        raise ValueError(f"estimator must be one of {ESTIMATORS} and missing 'fiml' or 'listwise'")
    table, observed, latent, exogenous = specify(description, meanstructure=estimator != "DWLS")
    absent = [v for v in observed if v not in data.columns]
    if absent:
        raise ValueError(f"variables of the model not in the data: {absent}")
    x = data[observed].astype(float)
    x = x[x[exogenous].notna().all(axis=1) & x.drop(columns=exogenous).notna().any(axis=1)]
    if estimator == "DWLS" or missing == "listwise":
        x, missing = x.dropna(), "listwise"
    if exogenous:
        _fix_covariates(table, x[exogenous])
    ram = Ram(table, observed, latent)
    if estimator == "DWLS":
        return _fit_dwls(description, ram, x)
    patterns = Patterns(x.to_numpy())
    mean, cov = em(patterns)
    moments = Likelihood(ram, Patterns.of_moments(mean, cov, len(x)))
    theta = _optimise(moments, _start(ram, mean, cov), len(x))
    likelihood = Likelihood(ram, patterns)
    if len(patterns.n) > 1:
        theta = _optimise(likelihood, theta, len(x))
    model = Model(description, estimator, missing, ram, theta, len(x))
    h = likelihood.hessian(theta, expected=missing == "listwise" and estimator == "ML")   # lavaan: observed under FIML
    if estimator == "MLR":
        bread = np.linalg.inv(h)
        model.vcov = bread @ likelihood.first_order(theta) @ bread
    else:
        model.vcov = 2 * np.linalg.inv(h)
    model.test = _ml_test(ram, patterns, theta, mean, cov, exogenous)
    if estimator == "MLR":
        _robust_test(model, patterns, exogenous)
    return model


def _fix_covariates(table: pd.DataFrame, x: pd.DataFrame) -> None:
    """fixed.x: the covariates' variances, covariances and means at their sample values (divisor N)."""
    cov, mean = x.cov(ddof=0), x.mean()
    for i in table.index[table["exo"]]:
        row = table.loc[i]
        table.loc[i, "value"] = mean[row["lhs"]] if row["op"] == "~1" else cov.loc[row["lhs"], row["rhs"]]


def _moment_count(p: int, exogenous: int) -> int:
    """Means and (co)variances the model reproduces: those of the covariates are given (fixed.x)."""
    return p * (p + 1) // 2 + p - exogenous * (exogenous + 1) // 2 - exogenous


def _reference_table(observed: list[str], exogenous: list[str], saturated: bool) -> pd.DataFrame:
    """The unrestricted (saturated) or the independence (baseline) model as a parameter table: every mean and
    variance free, every covariance free or none; the covariates' block fixed.x in both, as lavaan's."""
    rows = []
    for i, a in enumerate(observed):
        for b in observed[i:]:
            exo = a in exogenous and b in exogenous
            if exo or a == b or saturated:
                rows.append({"lhs": a, "op": "~~", "rhs": b, "free": not exo, "value": np.nan, "label": None, "exo": exo})
        rows.append({"lhs": a, "op": "~1", "rhs": "", "free": a not in exogenous, "value": np.nan, "label": None,
                     "exo": a in exogenous})
    return pd.DataFrame(rows)


def _ml_test(ram: Ram, patterns: Patterns, theta: np.ndarray, mean1: np.ndarray, cov1: np.ndarray,
             exogenous: list[str]) -> dict:
    """Likelihood-ratio test against the unrestricted model (EM moments) and the independence model (its ML
    estimates: each variable's available-case mean and variance, the covariates' block as given)."""
    p, nx = ram.p, len(exogenous)
    mu, sigma = ram.implied(theta)
    x = [ram.observed.index(v) for v in exogenous]
    base_mean = (patterns.n @ patterns.mean) / (patterns.n @ patterns.mask)
    _, t = patterns.deviations(base_mean)
    base_cov = np.diag((patterns.n @ np.diagonal(t, axis1=1, axis2=2)) / (patterns.n @ patterns.mask))
    base_cov[np.ix_(x, x)] = cov1[np.ix_(x, x)]
    f1 = patterns.minus_two_loglik(mean1, cov1)
    return {"chi2": patterns.minus_two_loglik(mu, sigma) - f1, "df": _moment_count(p, nx) - ram.k,
            "base_chi2": patterns.minus_two_loglik(base_mean, base_cov) - f1, "base_df": _moment_count(p, nx) - 2 * (p - nx),
            "scaling": np.nan, "base_scaling": np.nan, "observed_cov": cov1, "observed_mean": mean1,
            "implied_cov": sigma, "implied_mean": mu, "base": (base_mean, base_cov)}


# ---------------------------------------------------------------- MLR: sandwich SEs, Yuan-Bentler test

def _at_moments(observed: list[str], exogenous: list[str], mean: np.ndarray, cov: np.ndarray, saturated: bool):
    """The unrestricted or the independence model (_reference_table) with its parameters at given moments."""
    pos = {v: i for i, v in enumerate(observed)}
    table = _reference_table(observed, exogenous, saturated)
    table["value"] = [mean[pos[r.lhs]] if r.op == "~1" else cov[pos[r.lhs], pos[r.rhs]] for r in table.itertuples()]
    ram = Ram(table, observed, [])
    return ram, ram.table["value"].to_numpy()[ram.first]


def _information(ram: Ram, theta: np.ndarray, patterns: Patterns) -> tuple[np.ndarray, np.ndarray]:
    """Observed and first-order (sum of outer casewise scores) information per respondent, log L units."""
    likelihood = Likelihood(ram, patterns)
    n = patterns.n.sum()
    return likelihood.hessian(theta) / (2 * n), None if patterns.values is None else likelihood.first_order(theta) / (4 * n)


def _moment_jacobian(ram: Ram, theta: np.ndarray, unrestricted: Ram) -> np.ndarray:
    """d (the unrestricted model's parameters: means and covariances) / d theta of a model (Delta)."""
    d_mu, d_sigma = ram.jacobian(theta)
    pos = {v: i for i, v in enumerate(ram.observed)}
    rows = unrestricted.table.loc[unrestricted.first]
    return np.array([d_mu[:, pos[r.lhs]] if r.op == "~1" else d_sigma[:, pos[r.lhs], pos[r.rhs]] for r in rows.itertuples()])


def _robust_test(model: Model, patterns: Patterns, exogenous: list[str]) -> None:
    """Yuan-Bentler scaled chi-square in Mplus' variant (lavaan's MLR, also under FIML): scaling factor
    c = [tr(A1^-1 B1) - tr(A0^-1 B0)] / df over the unrestricted (1, at the EM moments) and the model (0),
    A the observed information and B the first-order information; the baseline's likewise. Under FIML also
    the ingredients of the robust CFI, TLI and RMSEA as lavaan 0.6-14 computes them (Zhang & Savalei, 2023,
    FIML-corrected, version V3: lav_fit_fiml_corrected): the ML statistic of the estimates on the EM moments
    and its scaling k / df, k = tr(U Wm^-1 Wc Wm^-1 U Gamma), U = Wm - Wm D (D'Wm D)^-1 D'Wm, Gamma =
    Wm^-1 Jm Wm^-1, with Wm and Jm the observed and first-order information of the unrestricted model under
    FIML and Wc its information on complete data with the EM moments, D = Delta of the model (baseline: of
    the independence model)."""
    t, observed, n = model.test, model.ram.observed, model.n_obs
    mean, cov = t["observed_mean"], t["observed_cov"]
    unrestricted, at = _at_moments(observed, exogenous, mean, cov, True)
    base, base_at = _at_moments(observed, exogenous, *t["base"], False)
    traces = []
    for ram, theta in ((unrestricted, at), (model.ram, model.theta), (base, base_at)):
        a, b = _information(ram, theta, patterns)
        traces.append(np.trace(np.linalg.solve(a, b)))
    t["scaling"] = (traces[0] - traces[1]) / t["df"]
    t["base_scaling"] = (traces[0] - traces[2]) / t["base_df"]
    if model.missing != "fiml":
        return
    complete = Patterns.of_moments(mean, cov, n)
    wm, jm = _information(unrestricted, at, patterns)
    wc, _ = _information(unrestricted, at, complete)
    wm_inv = np.linalg.inv(wm)
    gamma = wm_inv @ jm @ wm_inv
    saturated_f = complete.minus_two_loglik(mean, cov)
    corrected = []
    for ram, theta, df in ((model.ram, model.theta, t["df"]), (base, base_at, t["base_df"])):
        delta = _moment_jacobian(ram, theta, unrestricted)
        u = wm - wm @ delta @ np.linalg.solve(delta.T @ wm @ delta, delta.T @ wm)
        k = np.trace(u @ wm_inv @ wc @ wm_inv @ u @ gamma)
        corrected += [complete.minus_two_loglik(*ram.implied(theta)) - saturated_f, k / df]
    t["robust"] = tuple(corrected)


# ---------------------------------------------------------------- DWLS on polychoric correlations

def bivariate_normal_cdf(h, k, rho: float) -> np.ndarray:
    """P(X <= h, Y <= k) for standard bivariate normal X, Y with correlation rho, through Owen's T
    (Owen, 1956): 1/2 [Phi(h) + Phi(k)] - T(h, a_h) - T(k, a_k) - beta. Deterministic, vectorised;
    bounds beyond +-20 act as infinite. (semopy.polycorr's own needs scipy.stats.mvn.mvnun, gone
    from SciPy 1.15.)"""
    from scipy.special import owens_t

    h, k = np.broadcast_arrays(np.clip(np.asarray(h, float), -20, 20), np.clip(np.asarray(k, float), -20, 20))
    h, k = np.where(h == 0, 1e-12, h), np.where(k == 0, 1e-12, k)
    r = np.sqrt(1 - rho**2)
    beta = np.where(h * k > 0, 0.0, 0.5)
    return (0.5 * (stats.norm.cdf(h) + stats.norm.cdf(k)) - owens_t(h, (k - rho * h) / (h * r))
            - owens_t(k, (h - rho * k) / (k * r)) - beta)


def polychoric(x: pd.Series, y: pd.Series) -> tuple[float, np.ndarray]:
    """Polychoric correlation of two ordinal variables (Olsson, 1979, two-step: thresholds from the
    margins, then the correlation by ML) and its influence function per case, so that the asymptotic
    covariance of several polychorics is the covariance of their influence functions / N (the
    estimating-equation argument of Muthen, 1984). The information in the influence function is the
    observed one (the mean outer product of the casewise scores), as lavaan's muthen1984(): with more than
    two categories the model does not fit the table exactly and the expected information differs. A 2 x 2
    table with one empty cell gets 0.5 added to it and its diagonal partner and taken from the other two, so
    the margins stay (lavaan's zero.add = c(0.5, 0), zero.keep.margins = TRUE)."""
    xv, yv = x.to_numpy(dtype=float), y.to_numpy(dtype=float)
    cx, ix = np.unique(xv, return_inverse=True)
    cy, iy = np.unique(yv, return_inverse=True)
    counts = np.zeros((len(cx), len(cy)))
    np.add.at(counts, (ix, iy), 1)
    if counts.shape == (2, 2) and (counts == 0).sum() == 1:   # lavaan's zero.add = 0.5, zero.keep.margins
        diagonal = counts[0, 0] == 0 or counts[1, 1] == 0
        counts = counts + 0.5 * (np.array([[1, -1], [-1, 1]]) if diagonal else np.array([[-1, 1], [1, -1]]))
    n = len(xv)
    tx = np.r_[-20, stats.norm.ppf(np.cumsum(counts.sum(axis=1))[:-1] / n), 20]
    ty = np.r_[-20, stats.norm.ppf(np.cumsum(counts.sum(axis=0))[:-1] / n), 20]

    def cells(rho):
        cdf = bivariate_normal_cdf(tx[:, None], ty[None, :], rho)
        return np.maximum(cdf[1:, 1:] - cdf[:-1, 1:] - cdf[1:, :-1] + cdf[:-1, :-1], 1e-300)

    rho = optimize.minimize_scalar(lambda r: -(counts * np.log(cells(r))).sum(), bounds=(-0.999, 0.999),
                                   method="bounded", options={"xatol": 1e-10}).x
    pi, r = cells(rho), np.sqrt(1 - rho**2)
    grid = np.dstack(np.meshgrid(tx, ty, indexing="ij"))
    dens = stats.multivariate_normal([0, 0], [[1, rho], [rho, 1]]).pdf(grid)
    d_rho = dens[1:, 1:] - dens[:-1, 1:] - dens[1:, :-1] + dens[:-1, :-1]       # d Phi2 / d rho = phi2
    dh = stats.norm.pdf(tx)[:, None] * stats.norm.cdf((ty[None, :] - rho * tx[:, None]) / r)   # d Phi2 / dh
    dk = stats.norm.pdf(ty)[None, :] * stats.norm.cdf((tx[:, None] - rho * ty[None, :]) / r)   # d Phi2 / dk
    seen = counts > 0    # only cells someone is in count (an empty cell's score can overflow where pi is tiny)
    score = np.divide(d_rho, pi, out=np.zeros_like(pi), where=seen)              # d log pi / d rho, per cell
    influence = score[ix, iy]
    for thresholds, grad_cdf, codes, axis in ((tx, dh, ix, 0), (ty, dk, iy, 1)):
        for c in range(1, len(thresholds) - 1):
            g = np.zeros_like(grad_cdf)
            line = (c, slice(None)) if axis == 0 else (slice(None), c)
            g[line] = grad_cdf[line]
            d_pi = g[1:, 1:] - g[:-1, 1:] - g[1:, :-1] + g[:-1, :-1]
            influence_tau = ((codes <= c - 1) - stats.norm.cdf(thresholds[c])) / stats.norm.pdf(thresholds[c])
            influence -= (counts * score * np.divide(d_pi, pi, out=np.zeros_like(pi), where=seen)).sum() / n * influence_tau
    return float(rho), influence / ((counts * score**2).sum() / n)


class _LeastSquares:
    """The DWLS fit function F = sum_k w_k (s_k - sigma_k)^2 over the unique elements of a sample matrix,
    with its analytic gradient and Hessian (2 Delta' W Delta plus the curvature of Sigma), for `_newton`."""

    def __init__(self, ram: Ram, sample: np.ndarray, weight: np.ndarray):
        self.ram, self.sample, self.weight = ram, sample, weight
        self.upper = np.triu_indices(len(sample))

    def residual_weights(self, theta: np.ndarray) -> np.ndarray:
        """d F / d Sigma as a full symmetric matrix (off-diagonal elements counted in both halves)."""
        _, sigma = self.ram.implied(theta)
        out = np.zeros_like(sigma)
        r = self.weight * (self.sample - sigma)[self.upper]
        out[self.upper] = -r
        out.T[self.upper] = -r
        out[np.diag_indices_from(out)] *= 2
        return out

    def value(self, theta: np.ndarray) -> float:
        _, sigma = self.ram.implied(theta)
        return float(self.weight @ (self.sample - sigma)[self.upper] ** 2)

    def gradient(self, theta: np.ndarray) -> np.ndarray:
        return np.einsum("kij,ij->k", self.ram.jacobian(theta)[1], self.residual_weights(theta))

    def hessian(self, theta: np.ndarray) -> np.ndarray:
        delta = self.ram.jacobian(theta)[1][:, self.upper[0], self.upper[1]]
        return 2 * (delta * self.weight) @ delta.T + self.ram.curvature(theta, np.zeros(self.ram.p), self.residual_weights(theta))


def _fit_dwls(description: str, ram: Ram, x: pd.DataFrame) -> Model:
    """DWLS on the polychoric correlations (lavaan's WLSMV, delta parameterisation: the items' residual
    variances follow from the rest, held by a weight on the diagonal far above the others), from the ML
    fit to the same correlations; sandwich SEs and the scaled-shifted test (_dwls_inference)."""
    n, p = x.shape
    names = list(x.columns)
    pairs = [(i, j) for i in range(p) for j in range(i + 1, p)]
    corr, influence = np.eye(p), np.empty((len(pairs), n))   # filled in place: pairs x N is the largest array here
    for k, (i, j) in enumerate(pairs):
        corr[i, j], influence[k] = polychoric(x.iloc[:, i], x.iloc[:, j])
        corr[j, i] = corr[i, j]
    gamma = influence @ influence.T / n                   # asymptotic covariance of sqrt(N)(r - rho)
    order = [names.index(v) for v in ram.observed]
    corr = corr[np.ix_(order, order)]
    upper = np.triu_indices(p)
    weight = np.full(len(upper[0]), 1e4 / np.diag(gamma).min())   # diagonal held at 1 (delta parameterisation)
    pair_pos = {pair: k for k, pair in enumerate(pairs)}
    off = []
    for k, (a, b) in enumerate(zip(*upper)):
        if a != b:
            key = tuple(sorted((order[a], order[b])))
            weight[k] = 1 / gamma[pair_pos[key], pair_pos[key]]
            off.append((k, pair_pos[key]))
    start = _optimise(Likelihood(ram, Patterns.of_moments(np.zeros(p), corr, n)), _start(ram, np.zeros(p), corr), n)
    model = Model(description, "DWLS", "listwise", ram, _optimise(_LeastSquares(ram, corr, weight), start, 1), n)
    _dwls_inference(model, corr, gamma, off, n)
    model.test["thresholds"] = int(sum(x[v].nunique() - 1 for v in names))
    return model


def _scaled_shifted(stat: float, df: int, ug: np.ndarray) -> tuple[float, float]:
    """Mean-and-variance adjusted statistic a T + b (Asparouhov & Muthen, 2010; lavaan's WLSMV) and
    1 / a, lavaan's "scaling correction factor"."""
    a = np.sqrt(df / np.trace(ug @ ug))
    return float(a * stat + df - a * np.trace(ug)), float(1 / a)


def _dwls_inference(model: Model, corr: np.ndarray, gamma: np.ndarray, off: list[tuple[int, int]], n: int) -> None:
    """Sandwich SEs and the scaled-shifted test of the model and the independence model, with lavaan's
    N - 1; the unscaled statistics (lavaan's "Standard" column) as chi2_standard, base_chi2_standard. The
    items' residual variances are no parameters of their own (delta parameterisation): no SE."""
    ram, theta = model.ram, model.theta
    _, sigma = ram.implied(theta)
    upper = np.triu_indices(len(corr))
    rows = [k for k, _ in off]
    gamma = gamma[np.ix_([g for _, g in off], [g for _, g in off])]
    w = np.diag(1 / np.diag(gamma))
    first = ram.table.loc[ram.first]
    free = ~((first["op"] == "~~") & (first["lhs"] == first["rhs"]) & first["lhs"].isin(ram.observed)).to_numpy()
    delta = ram.jacobian(theta)[1][:, upper[0], upper[1]].T[rows][:, free]
    bread = np.linalg.inv(delta.T @ w @ delta)
    cov = np.full((len(theta), len(theta)), np.nan)
    cov[np.ix_(free, free)] = bread @ delta.T @ w @ gamma @ w @ delta @ bread / (n - 1)
    model.vcov = cov
    sample = corr[upper][rows]
    resid = sample - sigma[upper][rows]
    u = w - w @ delta @ bread @ delta.T @ w
    df = len(rows) - int(free.sum())
    stat, base_stat = (n - 1) * resid @ w @ resid, (n - 1) * sample @ w @ sample
    chi2, scaling = _scaled_shifted(stat, df, u @ gamma)
    base_chi2, base_scaling = _scaled_shifted(base_stat, len(rows), w @ gamma)
    model.test = {"chi2": chi2, "df": df, "base_chi2": base_chi2, "base_df": len(rows), "scaling": scaling,
                  "base_scaling": base_scaling, "chi2_standard": stat, "base_chi2_standard": base_stat,
                  "observed_cov": corr, "implied_cov": sigma}


# ---------------------------------------------------------------- standardized estimates, tidy tables

def _standardized(ram: Ram, theta: np.ndarray) -> np.ndarray:
    """lavaan's std.all for every row of the parameter table: loadings and regressions by the implied SDs
    of both sides (b SD(x) / SD(y), an observed covariate's SD its own), (residual) variances by the implied
    variance, covariances by the square roots of the two (residual) variance parameters, intercepts by the SD."""
    _, _, _, c, _ = ram.matrices(theta)
    table, values = ram.table, ram.values(theta)
    names = ram.observed + ram.latent
    total = dict(zip(names, np.diag(c)))
    sd = {v: np.sqrt(s) if s > 0 else np.nan for v, s in total.items()}
    variance = {r.lhs: values[i] for i, r in enumerate(table.itertuples()) if r.op == "~~" and r.lhs == r.rhs}
    out = np.full(len(values), np.nan)
    for i, r in enumerate(table.itertuples()):
        if r.op == "=~":
            out[i] = values[i] * sd[r.lhs] / sd[r.rhs]
        elif r.op == "~":
            out[i] = values[i] * sd[r.rhs] / sd[r.lhs]
        elif r.op == "~~" and r.lhs == r.rhs:
            out[i] = values[i] / total[r.lhs]
        elif r.op == "~~":
            out[i] = values[i] / np.sqrt(abs(variance.get(r.lhs, total[r.lhs])) * abs(variance.get(r.rhs, total[r.rhs])))
        else:
            out[i] = values[i] / sd[r.lhs]
    return out


def standardized_solution(model: Model, level: float = 0.95) -> pd.DataFrame:
    """lavaan's standardizedSolution(type = "std.all"): every row with est.std, its delta-method SE (the
    Jacobian of std.all in the free parameters by central differences, times their covariance), z, p and
    the `level` confidence interval."""
    theta = model.theta
    jac = np.empty((len(model.ram.table), len(theta)))
    for k in range(len(theta)):
        h = 1e-6 * max(1.0, abs(theta[k]))
        up, down = theta.copy(), theta.copy()
        up[k] += h
        down[k] -= h
        jac[:, k] = (_standardized(model.ram, up) - _standardized(model.ram, down)) / (2 * h)
    std = _standardized(model.ram, theta)
    se = np.sqrt(np.einsum("ik,kl,il->i", jac, model.vcov, jac))
    se = np.where(se > 1e-12, se, np.nan)          # a standardized value that cannot move (an exogenous variance)
    z = stats.norm.ppf((1 + level) / 2)
    table = model.table[["lhs", "op", "rhs"]].assign(est_std=std, se=se, z=std / se, p=2 * stats.norm.sf(np.abs(std / se)),
                                                    ci_low=std - z * se, ci_high=std + z * se)
    return table


def estimates(model: Model | Results) -> pd.DataFrame:
    """Every parameter but the intercepts, as lavaan's parameterEstimates and standardizedSolution: lhs op rhs
    (lavaan's operators =~, ~, ~~), estimate, SE, z, p; std (std.all) with its SE and 95% CI (std_se,
    std_low, std_high). Fixed parameters have no SE, z or p. SEs are the estimator's own (observed information
    under FIML, expected for ML on complete cases, sandwich for MLR and DWLS). Of a fit's Results, the estimates
    they hold."""
    if isinstance(model, Results):
        return model.parameters
    table = model.table
    se = np.full(len(table), np.nan)
    free = table["par"].to_numpy() >= 0
    se[free] = model.se[table["par"].to_numpy()[free]]
    std = standardized_solution(model)
    out = table[["lhs", "op", "rhs", "est"]].assign(se=se, z=table["est"] / se, p=2 * stats.norm.sf(np.abs(table["est"] / se)),
                                                   std=std["est_std"], std_se=std["se"], std_low=std["ci_low"], std_high=std["ci_high"])
    return out[out["op"] != "~1"].reset_index(drop=True)


@dataclass
class Results:
    """A fit's tidy results, what a reader needs instead of the model itself: the model text, estimator,
    missing-data method and respondents used, `parameters` (estimates()) and `indices` (fit_indices()).
    `estimates`, and so `paths`, `r_squared` and `negative_variances`, take them as they take a Model."""

    description: str
    estimator: str
    missing: str
    n_obs: int
    parameters: pd.DataFrame
    indices: pd.DataFrame

    @classmethod
    def of(cls, model: Model) -> Results:
        return cls(model.description, model.estimator, model.missing, model.n_obs, estimates(model), fit_indices(model))


def latent_names(model: Model) -> list[str]:
    """The latent factors in the order the model text measures them."""
    return list(model.ram.latent)


def loadings(model: Model) -> pd.DataFrame:
    """Measurement part: factor, item, loading, SE, z, p and standardized loading (std.all)."""
    table = estimates(model)
    table = table[(table["op"] == "=~") & ~table["rhs"].isin(latent_names(model))]
    return table.rename(columns={"lhs": "factor", "rhs": "item"})[["factor", "item", "est", "se", "z", "p", "std"]].reset_index(drop=True)


def paths(model: Model) -> pd.DataFrame:
    """Structural part, every regression (~) of the model text, on a factor or an observed predictor: outcome,
    predictor, est, se, z, p, std (std.all, as lavaan prints it: b SD(predictor) / SD(outcome)) and the
    standardized path's delta-method SE and 95% CI (std_se, std_low, std_high; lavaan's standardizedSolution)."""
    table = estimates(model)
    return table[table["op"] == "~"].rename(columns={"lhs": "outcome", "rhs": "predictor"})[
        ["outcome", "predictor", "est", "se", "z", "p", "std", "std_se", "std_low", "std_high"]].reset_index(drop=True)


def r_squared(model: Model) -> pd.DataFrame:
    """R-squared of each endogenous variable (items and outcomes): 1 - its standardized residual variance."""
    table = estimates(model)
    endogenous = set(table.loc[table["op"] == "=~", "rhs"]) | set(table.loc[table["op"] == "~", "lhs"])
    variances = table[(table["op"] == "~~") & (table["lhs"] == table["rhs"]) & table["lhs"].isin(endogenous)]
    return pd.DataFrame({"variable": variances["lhs"].to_numpy(), "r2": (1 - variances["std"]).to_numpy()})


def negative_variances(model: Model) -> pd.DataFrame:
    """Variances estimated below zero (a Heywood case; lavaan warns of them): variable, est, se, z and
    std. Such a solution is improper: a loading or a correlation beyond what the data allow, often a
    factor with too few or too strongly related items, or a sample too small for the model."""
    table = estimates(model)
    negative = table[(table["op"] == "~~") & (table["lhs"] == table["rhs"]) & (table["est"] < 0)]
    return negative.rename(columns={"lhs": "variable"})[["variable", "est", "se", "z", "std"]].reset_index(drop=True)


def rmsea_interval(chi2: float, df: int, n: int, level: float = 0.90) -> tuple[float, float]:
    """Confidence interval of the RMSEA from the noncentral chi-square (lavaan's method; n as lavaan: N for ML
    and MLR, N - 1 for DWLS)."""
    def ncp_where(prob: float) -> float:
        if stats.chi2.cdf(chi2, df) < prob:   # even a central chi-square is too far right: bound at 0
            return 0.0
        return optimize.brentq(lambda ncp: stats.ncx2.cdf(chi2, df, ncp) - prob, 1e-9, max(10 * chi2, 100))

    upper_tail = (1 + level) / 2
    low, high = ncp_where(upper_tail), ncp_where(1 - upper_tail)
    return float(np.sqrt(low / (n * df))), float(np.sqrt(high / (n * df)))


def srmr(model: Model, means: bool | None = None) -> float:
    """Bentler's standardized root mean square residual as lavaan: (observed - implied) covariances divided
    by the product of the observed standard deviations over the p(p+1)/2 unique elements and, with means, the
    mean residuals divided by the SDs over p more. means=None does as lavaan's `srmr`: with the means under
    FIML (a meanstructure), without them otherwise; means=False is lavaan's `srmr_bentler_nomean`. The
    observed moments are the unrestricted ML estimates (EM under missing answers)."""
    t = model.test
    observed, implied = t["observed_cov"], t["implied_cov"]
    sd = np.sqrt(np.diag(observed))
    residual = [((observed - implied) / np.outer(sd, sd))[np.tril_indices_from(observed)]]
    if means or (means is None and model.missing == "fiml" and model.estimator != "DWLS"):
        residual.append((t["observed_mean"] - t["implied_mean"]) / sd)
    return float(np.sqrt(np.mean(np.concatenate(residual) ** 2)))


def fit_indices(model: Model) -> pd.DataFrame:
    """One row: estimator, missing, N, chi-square (MLR: Yuan-Bentler scaled; DWLS: scaled-shifted), df,
    p, scaling factor (MLR: Yuan-Bentler c; DWLS: lavaan's 1 / a), CFI, TLI, RMSEA with its 90% CI (MLR: the
    robust versions, under FIML Zhang & Savalei's FIML-corrected ones as lavaan prints them), SRMR (lavaan's
    `srmr`) and srmr_nomean (lavaan's `srmr_bentler_nomean`). RMSEA with N, for DWLS N - 1 (lavaan)."""
    t = model.test
    chi2, df, c = t["chi2"], t["df"], t["scaling"]
    n = model.n_obs - (model.estimator == "DWLS")
    if model.estimator == "MLR":    # robust indices: the ML statistic with c x df in place of df
        x2, c3, base, cb = t.get("robust", (chi2, c, t["base_chi2"], t["base_scaling"]))
        low, high = (np.sqrt(c3) * v for v in rmsea_interval(x2 / c3, df, n))
        rmsea = np.sqrt(max(x2 - c3 * df, 0) / (n * df))
        cfi = 1 - max(x2 - c3 * df, 0) / max(x2 - c3 * df, base - cb * t["base_df"], 1e-12)
        tli = 1 - (x2 - c3 * df) / df / ((base - cb * t["base_df"]) / t["base_df"])
        chi2 = chi2 / c
    else:
        base_chi2, base_df = t["base_chi2"], t["base_df"]
        low, high = rmsea_interval(chi2, df, n)
        rmsea = np.sqrt(max(chi2 - df, 0) / (df * n))
        cfi = 1 - max(chi2 - df, 0) / max(chi2 - df, base_chi2 - base_df, 1e-12)   # lavaan: bounded by 1
        tli = (base_chi2 / base_df - chi2 / df) / (base_chi2 / base_df - 1)        # lavaan: not bounded
    return pd.DataFrame({
        "estimator": [model.estimator], "missing": [model.missing], "n": [model.n_obs], "chi2": [chi2], "df": [df],
        "p": [float(stats.chi2.sf(chi2, df))], "scaling": [c], "cfi": [cfi], "tli": [tli], "rmsea": [float(rmsea)],
        "rmsea_low": [low], "rmsea_high": [high], "srmr": [srmr(model)], "srmr_nomean": [srmr(model, means=False)],
    })


def reliability(model: Model) -> pd.DataFrame:
    """Per factor, from the standardized loadings: composite reliability (Joreskog's rho, as Fornell &
    Larcker, 1981: (sum lambda)^2 / [(sum lambda)^2 + sum (1 - lambda^2)]), the average variance extracted
    (Fornell & Larcker, 1981: the mean squared standardized loading) and whether the AVE is below AVE_MIN.
    semTools' compRelSEM and AVE differ (by up to .005 and .008 on tests/reference/ten_percent.csv): they apply
    the formulas to the unstandardized estimates (and by default the observed variances). The validity table
    says so."""
    rows = []
    for factor, group in loadings(model).groupby("factor", sort=False):
        lam = group["std"].to_numpy()
        ave = (lam**2).mean()
        rows.append({"factor": factor, "cr": lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum()), "ave": ave,
                     "ave_below_50": bool(ave < AVE_MIN)})
    return pd.DataFrame(rows)


def factor_correlations(model: Model) -> pd.DataFrame:
    """Model-implied correlations between all latent factors, endogenous ones included: the latent block of
    B S B' (Ram), scaled to correlations."""
    _, _, _, c, _ = model.ram.matrices(model.theta)
    names = latent_names(model)
    cov = pd.DataFrame(c[model.ram.p:, model.ram.p:], index=model.ram.latent, columns=model.ram.latent).loc[names, names]
    sd = np.sqrt(np.diag(cov))
    return cov / np.outer(sd, sd)


def fornell_larcker(model: Model) -> pd.DataFrame:
    """Discriminant validity: the square root of each factor's AVE on the diagonal, factor correlations
    below it; valid when each diagonal value exceeds the correlations in its row and column."""
    corr = factor_correlations(model)
    ave = reliability(model).set_index("factor")["ave"]
    table = corr.where(np.tril(np.ones(corr.shape, dtype=bool), -1))
    for f in corr.index:
        table.loc[f, f] = np.sqrt(ave[f])
    return table


def htmt(data: pd.DataFrame, factors: dict[str, list[str]]) -> pd.DataFrame:
    """Heterotrait-monotrait ratio of correlations (Henseler, Ringle & Sarstedt, 2015), lower triangle:
    the mean correlation between the items of two factors over the geometric mean of the mean
    correlations among each factor's own items (item correlations pairwise complete; the arithmetic-mean
    HTMT of the 2015 paper, semTools' htmt(htmt2 = FALSE), not its default HTMT2 of geometric means; the HTMT
    table says so). Values above HTMT_MAX (.85) question that the two factors are distinct."""
    corr = data[[i for items in factors.values() for i in items]].astype(float).corr()

    def within(items):
        block = corr.loc[items, items].to_numpy()
        return block[np.triu_indices(len(items), 1)].mean()

    names = list(factors)
    table = pd.DataFrame(np.nan, index=names, columns=names)
    for i, a in enumerate(names):
        for b in names[:i]:
            between = corr.loc[factors[a], factors[b]].to_numpy().mean()
            table.loc[a, b] = between / np.sqrt(within(factors[a]) * within(factors[b]))
    return table


COMPARED = (("ML", "fiml"), ("MLR", "fiml"), ("ML", "listwise"), ("DWLS", "listwise"))


def sample_statistics(model: Model) -> int:
    """The sample statistics the estimator fits: means and (co)variances for ML and MLR (lavaan's ndat),
    thresholds and polychoric correlations for DWLS."""
    p = model.ram.p
    if model.estimator == "DWLS":
        return p * (p - 1) // 2 + int(model.test["thresholds"])
    return model.test["df"] + len(model.theta)


def compare_estimators(description: str, data: pd.DataFrame, fitted=None) -> pd.DataFrame:
    """The model under each of COMPARED side by side, one row each: ML and MLR with FIML (every respondent;
    ML is the report's model), ML and DWLS on complete cases, with fit_indices' columns, `few_cases` (a
    complete-case estimator with fewer respondents than sample statistics, where lavaan warns that the
    covariance of the estimates may not be positive definite) and, per structural path 'outcome~predictor',
    its standardized beta and p (columns 'beta outcome~predictor', 'p ...'). `fitted(estimator, missing)`: the
    model as the caller fits it (a chapter fits each once, helpers.analysis.fits); default `fit` on these data.
    The data each fit works on are dropped before the next (memory at large N)."""
    rows = []
    for estimator, missing in COMPARED:
        model = fitted(estimator, missing) if fitted else fit(description, data, estimator, missing)
        row = fit_indices(model).iloc[0].to_dict()
        row["few_cases"] = missing == "listwise" and model.n_obs < sample_statistics(model)
        for path in paths(model).itertuples():
            row[f"beta {path.outcome}~{path.predictor}"] = path.std
            row[f"p {path.outcome}~{path.predictor}"] = path.p
        rows.append(row)
    return pd.DataFrame(rows)


def missingness(data: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Missing answers per variable: variable, n (answered), missing, share (of the rows)."""
    answered = data[columns].notna().sum()
    return pd.DataFrame({"variable": columns, "n": answered.to_numpy(), "missing": (len(data) - answered).to_numpy(),
                         "share": (1 - answered / len(data)).to_numpy()})


def patterns(data: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """The missing-data patterns among respondents with at least one answer: one row each, the answered
    columns as booleans and n, the most frequent first (lavaan's lavInspect(fit, "patterns") with counts)."""
    seen = data[columns].notna()
    seen = seen[seen.any(axis=1)]
    return seen.value_counts().rename("n").reset_index()


def coverage(data: pd.DataFrame, columns: list[str]) -> pd.DataFrame:
    """Covariance coverage (lavaan's lavInspect(fit, "coverage")): the share of respondents with at least one
    answer who answered both of two variables."""
    seen = data[columns].notna()
    seen = seen[seen.any(axis=1)].astype(float)
    return seen.T @ seen / len(seen)


def model_text(factors: dict[str, list[str]], outcome: str | None = None, predictors: list[str] | None = None) -> str:
    """lavaan syntax: one measurement line per factor, and the structural regression when given."""
    lines = [f"{factor} =~ {' + '.join(items)}" for factor, items in factors.items()]
    if outcome:
        lines.append(f"{outcome} ~ {' + '.join(predictors)}")
    return "\n".join(lines)
