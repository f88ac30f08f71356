"""Structural equation models over semopy: model text in, tidy tables out.

Estimators (`fit(..., estimator=)`), each tested against lavaan's published output or a planted model:
- "ML": maximum likelihood (semopy's MLW; ftol 1e-12: semopy's default stops about 1e-3 short of the
  optimum). Missing answers by full-information ML (`missing="fiml"`, the default: semopy's ModelMeans,
  every respondent with at least one answer) or listwise deletion (`missing="listwise"`). Standard
  errors from the observed information under FIML (lavaan's default there), the expected one otherwise.
- "MLR": ML with Huber-White (sandwich) standard errors, observed information as the bread, and the
  Yuan-Bentler scaled chi-square in Mplus' variant (lavaan's estimator="MLR"): scaling factor
  c = [tr(A1^-1 B1) - tr(A0^-1 B0)] / df over the unrestricted (1) and the model (0), A the information,
  B the first-order (casewise score) information. Robust CFI, TLI and RMSEA as lavaan prints them
  (Brosseau-Liard & Savalei, 2014; Brosseau-Liard, Savalei & Li, 2012). Complete cases.
- "DWLS": the items as ordinal: polychoric correlations (semopy.polycorr), diagonally weighted least
  squares with the inverse asymptotic variances of the polychorics as weights, robust (sandwich)
  standard errors and the mean-and-variance adjusted (scaled-shifted) chi-square: lavaan's WLSMV. The
  asymptotic covariance of the polychorics is computed from their influence functions (two-step
  estimator: thresholds from the margins, then the correlation; Muthen, 1984). As lavaan for its
  least-squares estimators, N - 1 where Mplus has N: the test statistic is (N - 1) F_DWLS and the
  sandwich is divided by N - 1 (Mplus' WLSMV: chi-square and SEs larger by N / (N - 1), its square
  root). Complete cases.

Fit indices: chi-square = 2 (logL unrestricted - logL model), which is N x F_ML for complete data
(lavaan's convention); the unrestricted model under missing answers by EM. RMSEA with N and its 90% CI
from the noncentral chi-square; CFI (bounded by 1) and TLI (not bounded) against the independence model,
with lavaan's formulas. SRMR is Bentler's (lavaan's `srmr`): residual covariances divided by the observed
standard deviations, diagonal included; for DWLS the same on the polychoric correlations.
Standardized estimates are semopy's inspect(std_est=True) (lavaan's std.all).

>>> model = fit("visual =~ x1 + x2 + x3\\ntextual =~ x4 + x5 + x6", data)   # doctest: +SKIP
>>> fit_indices(model)                                                      # doctest: +SKIP
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import semopy
from scipy import optimize, stats

FTOL = 1e-12
OPTIONS = {"ftol": FTOL, "maxiter": 10_000}
ESTIMATORS = ("ML", "MLR", "DWLS")
AVE_MIN = 0.50    # Fornell & Larcker (1981): a factor should explain at least half its items' variance
HTMT_MAX = 0.85   # Henseler, Ringle & Sarstedt (2015): the strict threshold


def fit(description: str, data: pd.DataFrame, estimator: str = "ML", missing: str = "fiml") -> semopy.Model:
    """Fit a lavaan-syntax model with one of ESTIMATORS. The model carries what the tables need:
    n_obs (respondents used), estimator, missing ('fiml' or 'listwise') and its test statistics."""
    if estimator not in ESTIMATORS or missing not in ("fiml", "listwise"):
        raise ValueError(f"estimator must be one of {ESTIMATORS} and missing 'fiml' or 'listwise'")
    observed = [v for v in semopy.Model(description).vars["observed"] if v in data.columns]
    x = data[observed].astype(float).dropna(how="all")
    if estimator != "ML" or missing == "listwise":
        x, missing = x.dropna(), "listwise"
    if estimator == "DWLS":
        model = _fit_dwls(description, x)
    elif x.isna().any().any():
        model = _fit_fiml(description, x)
    else:
        model = semopy.Model(description)
        _check(model.fit(x, options=OPTIONS))
        x = x[model.vars["observed"]]
        model.test = _ml_test(model, x, model.calc_sigma()[0], x.mean().to_numpy())
        model.se = semopy.stats.calc_se(model)                         # expected information, as lavaan
        if estimator == "MLR":
            _robust(model, x)
    model.n_obs, model.estimator, model.missing = len(x), estimator, missing
    return model


def _check(result) -> None:
    if not result.success:
        raise RuntimeError(f"the model did not converge: {result.message}")


def hessian(grad, x: np.ndarray, step: float = 1e-5) -> np.ndarray:
    """Hessian by central differences of an analytic gradient (2 k gradient calls), symmetrised."""
    columns = []
    for i in range(len(x)):
        h = step * max(1.0, abs(x[i]))
        up, down = x.copy(), x.copy()
        up[i] += h
        down[i] -= h
        columns.append((grad(up) - grad(down)) / (2 * h))
    grad(x)                     # semopy's gradients update the model's matrices: leave them at x
    m = np.array(columns)
    return (m + m.T) / 2


def _active(model: semopy.Model) -> list[str]:
    """Names of the free parameters, in the order of model.param_vals."""
    return [k for k, v in model.parameters.items() if v.active]


_MATRICES = (("mx_beta", "names_beta", "~"), ("mx_gamma1", "names_gamma1", "~"), ("mx_gamma2", "names_gamma2", "~"),
             ("mx_lambda", "names_lambda", "~"), ("mx_psi", "names_psi", "~~"), ("mx_theta", "names_theta", "~~"))


def _parameters(model: semopy.Model) -> pd.DataFrame:
    """semopy's parameter list (inspect, with the standardized estimates, std.all) indexed by parameter
    name. The names are matched here from each parameter's matrix location: inspect's own index_names
    is out of step with its rows in models with intercepts (it lists the intercepts last)."""
    from semopy.inspector import inspect_list

    names = {}
    for name, param in model.parameters.items():
        for loc in param.locations:
            for matrix, labels, op in _MATRICES:
                if getattr(model, matrix, None) is loc.matrix:
                    rows, cols = getattr(model, labels)
                    a, b = rows[loc.indices[0]], cols[loc.indices[1]]
                    names[(a, op, b)] = names[(b, op, a) if op == "~~" else (a, op, b)] = name
    table = inspect_list(model, information=None, std_est=True)
    table.index = [names.get((r.lval, r.op, r.rval)) for r in table.itertuples()]
    return table


# ---------------------------------------------------------------- ML: likelihoods, EM, fit test

def loglik(x: pd.DataFrame, mean: np.ndarray, cov: np.ndarray) -> float:
    """Normal log-likelihood of the observed parts of each row (rows grouped by missing pattern)."""
    values = x.to_numpy(dtype=float)
    observed = ~np.isnan(values)
    total = 0.0
    for pattern in np.unique(observed, axis=0):
        rows = values[(observed == pattern).all(axis=1)][:, pattern]
        if not pattern.any():
            continue
        d = rows - mean[pattern]
        sigma = cov[np.ix_(pattern, pattern)]
        _, logdet = np.linalg.slogdet(sigma)
        quad = np.einsum("ij,jk,ik->", d, np.linalg.inv(sigma), d)
        total -= 0.5 * (len(rows) * (pattern.sum() * np.log(2 * np.pi) + logdet) + quad)
    return float(total)


def saturated(x: pd.DataFrame, tol: float = 1e-10, max_iter: int = 10_000) -> tuple[np.ndarray, np.ndarray]:
    """ML mean vector and covariance matrix of a multivariate normal with missing values (EM; Little &
    Rubin, 2002, ch. 11); with complete data the sample moments (divisor N) in one step."""
    values = x.to_numpy(dtype=float)
    observed = ~np.isnan(values)
    incomplete = [(pattern, np.flatnonzero((observed == pattern).all(axis=1)))   # each pattern's rows, found once
                  for pattern in np.unique(observed, axis=0) if not pattern.all()]
    mean = np.nanmean(values, axis=0)
    cov = np.diag(np.nanvar(values, axis=0))
    for _ in range(max_iter):
        filled, extra = values.copy(), np.zeros_like(cov)
        for pattern, rows in incomplete:
            miss = ~pattern
            coef = cov[np.ix_(miss, pattern)] @ np.linalg.inv(cov[np.ix_(pattern, pattern)])
            filled[np.ix_(rows, miss)] = mean[miss] + (values[np.ix_(rows, pattern)] - mean[pattern]) @ coef.T
            extra[np.ix_(miss, miss)] += len(rows) * (cov[np.ix_(miss, miss)] - coef @ cov[np.ix_(pattern, miss)])
        new_mean = filled.mean(axis=0)
        d = filled - new_mean
        new_cov = (d.T @ d + extra) / len(values)
        done = max(abs(new_mean - mean).max(), abs(new_cov - cov).max()) < tol
        mean, cov = new_mean, new_cov
        if done:
            break
    return mean, cov


def _ml_test(model, x: pd.DataFrame, sigma: np.ndarray, mean: np.ndarray) -> dict:
    """Likelihood-ratio test against the unrestricted model and the independence (baseline) model."""
    p = x.shape[1]
    mean1, cov1 = saturated(x)
    ll1 = loglik(x, mean1, cov1)
    base_mean, base_var = np.nanmean(x.to_numpy(), axis=0), np.nanvar(x.to_numpy(), axis=0)   # available-case ML
    means_free = p if isinstance(model, semopy.ModelMeans) else 0
    df = p * (p + 1) // 2 - (len(model.param_vals) - means_free)
    return {"chi2": 2 * (ll1 - loglik(x, mean, sigma)), "df": df,
            "base_chi2": 2 * (ll1 - loglik(x, base_mean, np.diag(base_var))), "base_df": p * (p - 1) // 2,
            "scaling": np.nan, "base_scaling": np.nan, "observed_cov": cov1, "implied_cov": sigma}


def _fit_fiml(description: str, x: pd.DataFrame) -> semopy.ModelMeans:
    """Full-information ML (semopy's ModelMeans FIML objective, -2 logL over the observed parts, computed by
    missing-data pattern), SEs from
    the observed information (Hessian / 2), test against the EM-estimated unrestricted model."""
    model = semopy.ModelMeans(description)
    _fiml_start(model, description, x)
    model.prepare_fiml()
    fun, grad = fiml_by_pattern(model) or model.get_objective("FIML")
    result = _minimize(fun, grad, model.param_vals, model.get_bounds(), scale=len(x))
    result.name_obj = "FIML"
    model.param_vals, model.last_result = result.x, result
    model.update_matrices(result.x)
    model.se = np.sqrt(np.diag(np.linalg.inv(hessian(grad, model.param_vals) / 2)))
    sigma, (m, _) = model.calc_sigma()
    model.test = _ml_test(model, x[model.vars["observed"]], sigma, model.calc_mean(m)[:, 0])
    return model


def fiml_by_pattern(model: semopy.ModelMeans):
    """semopy's FIML objective and gradient (ModelMeans.obj_fiml, grad_fiml) from each missing-data
    pattern's count, mean and scatter, as lavaan computes them, so that a call costs the same at any N
    (semopy's carry the implied mean per respondent). The gradient sums each pattern's weight matrix
    n S^-1 - S^-1 (scatter + n d d') S^-1, put back in the full matrix, once over the patterns; each
    parameter then costs one product with its derivative. For models whose mean has no observed exogenous
    variables (an intercept only); None otherwise, and semopy's own are used."""
    if model.mx_g.shape[0] != 1:
        return None
    patterns = []
    for mx, inds, _ in model.fiml_data.values():
        mean = mx.mean(axis=1)
        observed = np.setdiff1d(np.arange(len(model.vars["observed"])), inds)
        patterns.append((observed, mx.shape[1], mean, (mx - mean[:, None]) @ (mx - mean[:, None]).T))
    intercept, respondents = np.ones((1, 1)), model.mx_g

    def implied(x: np.ndarray):
        model.update_matrices(x)
        sigma, (m, c) = model.calc_sigma()
        model.mx_g = intercept                 # the implied mean once, not once per respondent
        try:
            return sigma, m, c, model.calc_mean(m)[:, 0]
        finally:
            model.mx_g = respondents

    def fun(x: np.ndarray) -> float:
        sigma, _, _, mu = implied(x)
        total = 0.0
        for obs, n, mean, scatter in patterns:
            try:
                sigma_inv, logdet = semopy.utils.chol_inv2(sigma[np.ix_(obs, obs)])
            except np.linalg.LinAlgError:
                return np.inf
            d = mean - mu[obs]
            total += np.einsum("ij,ji->", scatter + n * np.outer(d, d), sigma_inv) + n * logdet
        return total if total >= 0 else np.inf

    def grad(x: np.ndarray) -> np.ndarray:
        sigma, m, c, mu = implied(x)
        weights, shift = np.zeros_like(sigma), np.zeros(len(mu))
        for obs, n, mean, scatter in patterns:
            try:
                sigma_inv = semopy.utils.chol_inv(sigma[np.ix_(obs, obs)])
            except np.linalg.LinAlgError:
                return np.full(len(x), np.inf)
            d = mean - mu[obs]
            weights[np.ix_(obs, obs)] += n * sigma_inv - sigma_inv @ (scatter + n * np.outer(d, d)) @ sigma_inv
            shift[obs] += n * sigma_inv @ d
        model.mx_g = intercept
        try:
            mean_grad = model.calc_mean_grad(m, c)
        finally:
            model.mx_g = respondents
        return np.array([(np.einsum("ij,ji->", weights, s_g) if len(np.shape(s_g)) else 0.0)
                         - (2 * m_g[:, 0] @ shift if len(np.shape(m_g)) else 0.0)
                         for s_g, m_g in zip(model.calc_sigma_grad(m, c), mean_grad)])

    return fun, grad


def _minimize(fun, grad, x0: np.ndarray, bounds, scale: int, tol: float = 1e-6, restarts: int = 5):
    """L-BFGS-B, restarted from where it stopped until the largest gradient element per respondent is
    below `tol` (its own stopping rules can fire on a flat stretch short of the optimum); where it stays
    stuck, a truncated-Newton search (TNC) from its last point, held to the same gradient rule."""
    for _ in range(restarts):
        result = optimize.minimize(fun, x0, jac=grad, method="L-BFGS-B", bounds=bounds,
                                   options={"maxiter": 10_000, "ftol": 1e-15, "gtol": 1e-9})
        result.success = bool(np.abs(grad(result.x)).max() / scale < tol)
        if result.success:
            break
        x0 = result.x
    if not result.success:
        result = optimize.minimize(fun, x0, jac=grad, method="TNC", bounds=bounds,
                                   options={"maxfun": 20_000, "ftol": 1e-14, "gtol": 1e-10})
        result.success = bool(np.abs(grad(result.x)).max() / scale < tol)
    _check(result)
    return result


def _fiml_start(model: semopy.ModelMeans, description: str, x: pd.DataFrame) -> None:
    """Starting values for FIML close to its optimum (semopy's own can stall SLSQP short of it): the ML
    fit to the EM estimate of the covariance matrix, intercepts at the EM means, matched by parameter."""
    mean, cov = saturated(x)
    names = list(x.columns)
    start = semopy.Model(description)
    _check(start.fit(cov=pd.DataFrame(cov, index=names, columns=names), n_samples=len(x), options=OPTIONS))
    values = {(r.lval, r.op, r.rval): r.Estimate for r in _parameters(start).itertuples()}
    values |= {(b, op, a): v for (a, op, b), v in values.items() if op == "~~"}
    values |= {(v, "~", "1"): m for v, m in zip(names, mean)}
    model.load(x)
    table = _parameters(model).loc[_active(model)]
    model.param_vals = np.array([values.get((r.lval, r.op, r.rval), r.Estimate) for r in table.itertuples()])
    model.update_matrices(model.param_vals)


# ---------------------------------------------------------------- MLR: sandwich SEs, Yuan-Bentler test

def _duplication(p: int) -> np.ndarray:
    """Duplication matrix D: vec(S) = D vech(S)."""
    pairs = [(i, j) for j in range(p) for i in range(j, p)]
    d = np.zeros((p * p, len(pairs)))
    for k, (i, j) in enumerate(pairs):
        d[i * p + j, k] = d[j * p + i, k] = 1
    return d


def _unrestricted_trace(values: np.ndarray) -> float:
    """tr(A1^-1 B1) of the unrestricted normal model (means and vech(S)) at the sample moments."""
    n, p = values.shape
    d = values - values.mean(axis=0)
    s_inv = np.linalg.inv(d.T @ d / n)
    dup = _duplication(p)
    info = np.zeros((p + dup.shape[1],) * 2)
    info[:p, :p] = s_inv
    info[p:, p:] = 0.5 * dup.T @ np.kron(s_inv, s_inv) @ dup
    u = d @ s_inv
    meat = np.zeros_like(info)
    for rows in np.array_split(np.arange(n), max(1, n // 10_000)):   # n x p x p at once would be GBs at large N
        cov_scores = 0.5 * (np.einsum("ni,nj->nij", u[rows], u[rows]) - s_inv).reshape(len(rows), -1) @ dup
        scores = np.hstack([u[rows], cov_scores])
        meat += scores.T @ scores
    return float(np.trace(np.linalg.solve(info, meat / n)))


def _robust(model: semopy.Model, x: pd.DataFrame) -> None:
    """Sandwich SEs (observed information bread) and the Yuan-Bentler (Mplus) scaled test."""
    values = x.to_numpy(dtype=float)
    n, p = values.shape
    _, grad = model.get_objective("MLW")
    info = hessian(grad, model.param_vals) / 2                 # observed information per respondent
    scores = np.array(model.grad_se_g(model.param_vals))
    meat = scores.T @ scores / n
    bread = np.linalg.inv(info)
    model.se = np.sqrt(np.diag(bread @ meat @ bread) / n)
    sample_cov = np.cov(values, rowvar=False, bias=True)
    trace_model = np.trace(np.linalg.solve(model.calc_sigma()[0], sample_cov)) + np.trace(bread @ meat)
    trace_unrestricted = _unrestricted_trace(values)
    kurtosis = stats.kurtosis(values, axis=0, fisher=False)
    trace_base = p + ((kurtosis - 1) / 2).sum()               # independence model: closed form per variable
    test = model.test
    test["scaling"] = (trace_unrestricted - trace_model) / test["df"]
    test["base_scaling"] = (trace_unrestricted - trace_base) / test["base_df"]


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
    two categories the model does not fit the table exactly and the expected information differs."""
    xv, yv = x.to_numpy(dtype=float), y.to_numpy(dtype=float)
    cx, ix = np.unique(xv, return_inverse=True)
    cy, iy = np.unique(yv, return_inverse=True)
    counts = np.zeros((len(cx), len(cy)))
    np.add.at(counts, (ix, iy), 1)
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


def _fit_dwls(description: str, x: pd.DataFrame) -> semopy.Model:
    from semopy.solver import Solver

    n, p = x.shape
    names = list(x.columns)
    corr, pairs, influence = np.eye(p), [], []
    for i in range(p):
        for j in range(i + 1, p):
            rho, inf = polychoric(x.iloc[:, i], x.iloc[:, j])
            corr[i, j] = corr[j, i] = rho
            pairs.append((i, j))
            influence.append(inf)
    influence = np.array(influence)
    gamma = influence @ influence.T / n                   # asymptotic covariance of sqrt(N)(r - rho)
    model = semopy.Model(description)
    _check(model.fit(cov=pd.DataFrame(corr, index=names, columns=names), n_samples=n, options=OPTIONS))   # start: ML
    order = [names.index(v) for v in model.vars["observed"]]
    upper = np.triu_indices(p)
    weight = np.full(len(upper[0]), 1e4 / np.diag(gamma).min())   # diagonal held at 1 (delta parameterisation)
    pair_pos = {pair: k for k, pair in enumerate(pairs)}
    off = []
    for k, (a, b) in enumerate(zip(*upper)):
        if a != b:
            key = tuple(sorted((order[a], order[b])))
            weight[k] = 1 / gamma[pair_pos[key], pair_pos[key]]
            off.append((k, pair_pos[key]))
    model.inds_triu_sigma, model.mx_w_inv = upper, weight
    model.mx_vech_s = model.mx_cov[upper]
    fun, grad = model.get_objective("DWLS")
    result = Solver("SLSQP", fun, grad, model.param_vals, constrs=model.constraints, bounds=model.get_bounds(),
                    options=OPTIONS).solve()
    result.name_obj = "DWLS"
    _check(result)
    model.param_vals = result.x
    model.update_matrices(result.x)
    model.last_result = result
    _dwls_inference(model, gamma, off, n)
    return model


def _residual_variances(model: semopy.Model) -> np.ndarray:
    """Positions (in param_vals) of the items' residual variances: in the delta parameterisation they
    follow from the others (1 minus the explained part), so they are no parameters of their own."""
    free = _parameters(model).loc[_active(model)]
    observed = set(model.vars["observed"])
    return ((free["op"] == "~~") & (free["lval"] == free["rval"]) & free["lval"].isin(observed)).to_numpy()


def _scaled_shifted(stat: float, df: int, ug: np.ndarray) -> tuple[float, float]:
    """Mean-and-variance adjusted statistic a T + b (Asparouhov & Muthen, 2010; lavaan's WLSMV) and
    1 / a, lavaan's "scaling correction factor"."""
    a = np.sqrt(df / np.trace(ug @ ug))
    return float(a * stat + df - a * np.trace(ug)), float(1 / a)


def _dwls_inference(model: semopy.Model, gamma: np.ndarray, off: list[tuple[int, int]], n: int) -> None:
    """Sandwich SEs and the scaled-shifted test of the model and the independence model, with lavaan's
    N - 1; the unscaled statistics (lavaan's "Standard" column) as chi2_standard, base_chi2_standard."""
    sigma, (m, c) = model.calc_sigma()
    upper = model.inds_triu_sigma
    rows = [k for k, _ in off]
    gamma = gamma[np.ix_([g for _, g in off], [g for _, g in off])]
    w = np.diag(1 / np.diag(gamma))
    free = ~_residual_variances(model)
    delta = np.array([g[upper][rows] for g in model.calc_sigma_grad(m, c)]).T[:, free]
    bread = np.linalg.inv(delta.T @ w @ delta)
    cov = bread @ delta.T @ w @ gamma @ w @ delta @ bread / (n - 1)
    se = np.full(len(model.param_vals), np.nan)
    se[free] = np.sqrt(np.diag(cov))
    model.se = se
    resid = model.mx_vech_s[rows] - sigma[upper][rows]
    u = w - w @ delta @ bread @ delta.T @ w
    df = len(rows) - int(free.sum())
    sample = model.mx_vech_s[rows]
    stat, base_stat = (n - 1) * resid @ w @ resid, (n - 1) * sample @ w @ sample
    chi2, scaling = _scaled_shifted(stat, df, u @ gamma)
    base_chi2, base_scaling = _scaled_shifted(base_stat, len(rows), w @ gamma)
    model.test = {"chi2": chi2, "df": df, "base_chi2": base_chi2, "base_df": len(rows), "scaling": scaling,
                  "base_scaling": base_scaling, "chi2_standard": stat, "base_chi2_standard": base_stat,
                  "observed_cov": model.mx_cov, "implied_cov": sigma}


# ---------------------------------------------------------------- tidy tables

def estimates(model: semopy.Model) -> pd.DataFrame:
    """Every parameter: lval op rval, estimate, SE, z, p and the standardized estimate (std.all).
    Fixed parameters (the first loading of each factor) have no SE, z or p; intercepts are left out.
    SEs are the estimator's own (sandwich for MLR and DWLS, observed information under FIML)."""
    table = _parameters(model).rename(columns={"Estimate": "est", "Est. Std": "std"})
    table["se"] = pd.Series(model.se, index=_active(model)).reindex(table.index).to_numpy()
    table["z"] = table["est"] / table["se"]
    table["p"] = 2 * stats.norm.sf(table["z"].abs())
    table = table[table["rval"] != "1"]
    return table[["lval", "op", "rval", "est", "se", "z", "p", "std"]].reset_index(drop=True)


def latent_names(model: semopy.Model) -> list[str]:
    """The latent factors in the order the model text measures them."""
    table = _parameters(model)
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
    """Bentler's standardized root mean square residual (lavaan's `srmr`): (observed - implied)
    covariances divided by the product of the observed standard deviations, over the p(p+1)/2 unique
    elements; the observed matrix is the unrestricted ML estimate (EM under missing answers)."""
    observed, implied = model.test["observed_cov"], model.test["implied_cov"]
    sd = np.sqrt(np.diag(observed))
    residual = (observed - implied) / np.outer(sd, sd)
    return float(np.sqrt(np.mean(residual[np.tril_indices_from(residual)] ** 2)))


def fit_indices(model: semopy.Model) -> pd.DataFrame:
    """One row: estimator, missing, N, chi-square (MLR: Yuan-Bentler scaled; DWLS: scaled-shifted), df,
    p, scaling factor (MLR: Yuan-Bentler c; DWLS: lavaan's 1 / a), CFI, TLI, RMSEA with its 90% CI (MLR: the
    robust versions) and SRMR."""
    t = model.test
    chi2, df, n, c = t["chi2"], t["df"], model.n_obs, t["scaling"]
    base_chi2, base_df, cb = t["base_chi2"], t["base_df"], t["base_scaling"]
    if model.estimator == "MLR":    # robust indices: the ML statistic with c x df in place of df
        low, high = (np.sqrt(c) * v for v in rmsea_interval(chi2 / c, df, n))
        rmsea = np.sqrt(max(chi2 - c * df, 0) / (n * df))
        cfi = 1 - max(chi2 - c * df, 0) / max(chi2 - c * df, base_chi2 - cb * base_df, 1e-12)
        tli = 1 - (chi2 - c * df) / df / ((base_chi2 - cb * base_df) / base_df)
        chi2 = chi2 / c
    else:
        low, high = rmsea_interval(chi2, df, n)
        rmsea = np.sqrt(max(chi2 - df, 0) / (df * n))
        cfi = 1 - max(chi2 - df, 0) / max(chi2 - df, base_chi2 - base_df, 1e-12)   # lavaan: bounded by 1
        tli = (base_chi2 / base_df - chi2 / df) / (base_chi2 / base_df - 1)        # lavaan: not bounded
    return pd.DataFrame({
        "estimator": [model.estimator], "missing": [model.missing], "n": [n], "chi2": [chi2], "df": [df],
        "p": [float(stats.chi2.sf(chi2, df))], "scaling": [c], "cfi": [cfi], "tli": [tli], "rmsea": [float(rmsea)],
        "rmsea_low": [low], "rmsea_high": [high], "srmr": [srmr(model)],
    })


def reliability(model: semopy.Model) -> pd.DataFrame:
    """Per factor, from the standardized loadings: composite reliability (Joreskog's rho), the average
    variance extracted (Fornell & Larcker, 1981) and whether the AVE is below AVE_MIN (.50)."""
    rows = []
    for factor, group in loadings(model).groupby("factor", sort=False):
        lam = group["std"].to_numpy()
        ave = (lam**2).mean()
        rows.append({"factor": factor, "cr": lam.sum() ** 2 / (lam.sum() ** 2 + (1 - lam**2).sum()), "ave": ave,
                     "ave_below_50": bool(ave < AVE_MIN)})
    return pd.DataFrame(rows)


def factor_correlations(model: semopy.Model) -> pd.DataFrame:
    """Model-implied correlations between all latent factors, endogenous ones included:
    Cov(eta) = (I - B)^-1 Psi (I - B)^-T from semopy's structural matrices, scaled to correlations."""
    names = latent_names(model)
    inner = list(model.vars["inner"])
    b, psi = model.mx_beta, model.mx_psi
    inv = np.linalg.inv(np.eye(len(inner)) - b)
    cov = pd.DataFrame(inv @ psi @ inv.T, index=inner, columns=inner).loc[names, names]
    sd = np.sqrt(np.diag(cov))
    return cov / np.outer(sd, sd)


def fornell_larcker(model: semopy.Model) -> pd.DataFrame:
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
    correlations among each factor's own items (item correlations pairwise complete). Values above
    HTMT_MAX (.85) question that the two factors are distinct."""
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


def compare_estimators(description: str, data: pd.DataFrame, fitted: semopy.Model | None = None) -> pd.DataFrame:
    """The model under each estimator side by side, one row each: ML with FIML (the report's model),
    ML listwise, MLR and DWLS (complete cases), with fit_indices' columns and, per structural path
    'outcome~predictor', its standardized beta and p (columns 'beta outcome~predictor', 'p ...').
    `fitted`: the report's model when already fitted (fit(description, data)), so it is not fitted twice."""
    rows = []
    for estimator, missing in (("ML", "fiml"), ("ML", "listwise"), ("MLR", "listwise"), ("DWLS", "listwise")):
        model = fitted if fitted is not None and estimator == "ML" and missing == "fiml" else fit(description, data, estimator, missing)
        row = fit_indices(model).iloc[0].to_dict()
        for path in paths(model).itertuples():
            row[f"beta {path.outcome}~{path.predictor}"] = path.std
            row[f"p {path.outcome}~{path.predictor}"] = path.p
        rows.append(row)
    return pd.DataFrame(rows)


def model_text(factors: dict[str, list[str]], outcome: str | None = None, predictors: list[str] | None = None) -> str:
    """lavaan syntax: one measurement line per factor, and the structural regression when given."""
    lines = [f"{factor} =~ {' + '.join(items)}" for factor, items in factors.items()]
    if outcome:
        lines.append(f"{outcome} ~ {' + '.join(predictors)}")
    return "\n".join(lines)
