"""The synthetic export: a seeded stand-in for the non-public raw survey data.

Mechanism here, targets in data/synthetic/*.yaml (see that file and data/ASSUMPTIONS.md):
exact categorical margins (largest remainder, shuffled); latent factor scores drawn with an exact
sample correlation matrix (as R's ``MASS::mvrnorm(empirical = TRUE)``); Likert items as
loading * factor + noise, discretised by rank onto the 1-5 distribution closest to each item's
published mean and SD; routing as in the questionnaire; the 98 rows the cleaning rules catch.
Loadings and the role-literacy latent correlations are calibrated (``calibrate``) so that the
observed alphas and correlations land on their targets.

>>> export = generate(load_params())
>>> len(export), export["consent"].eq(1).sum()
(576, 545)
"""
from __future__ import annotations

import argparse
import hashlib
import json
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import optimize, stats

from helpers.ingest.codebook import Codebook, load_codebook
from helpers.ingest.provenance import (
    manifest_path,
    synthetic_default_is_current,
    synthetic_inputs,
    write_atomic,
)
from helpers.paths import SYNTHETIC_DEFAULT_EXPORT, SYNTHETIC_DEFAULT_PARAMS

LIKERT_CODES = np.arange(1, 6)


# --- Parameters ------------------------------------------------------------------------------

def calibrated_path(params_path: Path) -> Path:
    return params_path.with_name(params_path.stem + ".calibrated.yaml")


def load_params(path: str | Path = SYNTHETIC_DEFAULT_PARAMS) -> dict:
    """Read a parameters file and, when present, its calibrated latent parameters. A file with a `base`
    is that base with its `override` merged in (and the base's calibration)."""
    path = Path(path)
    params = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "base" in params:
        params = merged(load_params(path.parent / params["base"]), params["override"])
    else:
        cal = calibrated_path(path)
        params["calibrated"] = yaml.safe_load(cal.read_text(encoding="utf-8")) if cal.exists() else {}
    params["_path"] = str(path)
    params["_sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    return params


def merged(base: dict, override: dict) -> dict:
    """base with override's values, nested dictionaries merged key by key; a spec (counts, shares or
    mean/sd) replaces the base's spec whole."""
    out = dict(base)
    for key, value in override.items():
        spec = isinstance(value, dict) and bool({"counts", "shares", "mean"} & set(value))
        out[key] = merged(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) and not spec else value
    return out


# --- Exact margins ---------------------------------------------------------------------------

def largest_remainder(weights: dict, n: int) -> dict:
    """Whole counts summing to n, proportional to weights (Hamilton's method).

    >>> largest_remainder({"a": 46.4, "b": 53.1, "c": 0.4}, 478)
    {'a': 222, 'b': 254, 'c': 2}
    """
    keys = list(weights)
    w = np.array([float(weights[k]) for k in keys])
    exact = w / w.sum() * n
    counts = np.floor(exact).astype(int)
    short = n - counts.sum()
    order = np.argsort(-(exact - counts), kind="stable")
    counts[order[:short]] += 1
    return dict(zip(keys, counts.tolist()))


def likert_probabilities(mean: float, sd: float) -> np.ndarray:
    """The 1-5 distribution of a discretised normal whose mean and SD are closest to the target."""

    def probs(mu: float, log_sigma: float) -> np.ndarray:
        cuts = stats.norm.cdf((np.array([1.5, 2.5, 3.5, 4.5]) - mu) / np.exp(log_sigma))
        return np.diff(np.concatenate([[0.0], cuts, [1.0]]))

    def moments_gap(x: np.ndarray) -> list[float]:
        p = probs(*x)
        m = p @ LIKERT_CODES
        return [m - mean, np.sqrt(p @ (LIKERT_CODES - m) ** 2) - sd]

    fit = optimize.least_squares(moments_gap, x0=[mean, np.log(sd)])
    return probs(*fit.x)


def likert_probabilities_with_top(mean: float, sd: float, share_top: float) -> np.ndarray:
    """The most even (maximum-entropy) 1-5 distribution with this mean, SD and percentage answering 4 or 5."""
    constraints = [
        {"type": "eq", "fun": lambda p: p.sum() - 1},
        {"type": "eq", "fun": lambda p: p @ LIKERT_CODES - mean},
        {"type": "eq", "fun": lambda p: p @ (LIKERT_CODES - mean) ** 2 - sd**2},
        {"type": "eq", "fun": lambda p: p[3] + p[4] - share_top / 100},
    ]
    neg_entropy = lambda p: np.sum(p * np.log(np.clip(p, 1e-12, None)))  # noqa: E731
    fit = optimize.minimize(neg_entropy, likert_probabilities(mean, sd), method="SLSQP", bounds=[(0, 1)] * 5,
                            constraints=constraints, options={"ftol": 1e-12, "maxiter": 500})
    if not fit.success or max(abs(c["fun"](fit.x)) for c in constraints) > 1e-6:
        raise ValueError(f"no 1-5 distribution has mean {mean}, SD {sd} and {share_top}% answering 4-5")
    return np.clip(fit.x, 0, None)


def category_counts(spec: dict, n: int) -> dict:
    """Exact counts for n answers from a spec: counts, shares (percent), or mean and SD (and share_top)."""
    if "counts" in spec:
        counts = spec["counts"]
        return dict(counts) if sum(counts.values()) == n else largest_remainder(counts, n)
    if "shares" in spec:
        return largest_remainder(spec["shares"], n)
    if "share_top" in spec:
        probs = likert_probabilities_with_top(spec["mean"], spec["sd"], spec["share_top"])
    else:
        probs = likert_probabilities(spec["mean"], spec["sd"])
    return largest_remainder(dict(zip(LIKERT_CODES.tolist(), probs)), n)


def assign_by_rank(score: np.ndarray, counts: dict) -> np.ndarray:
    """Give the lowest-scoring counts[c1] cases the first code, the next counts[c2] the second, ..."""
    codes = np.repeat(list(counts), list(counts.values()))
    out = np.empty(len(score), dtype=codes.dtype)
    out[np.argsort(score, kind="stable")] = codes
    return out


def shuffled(counts: dict, rng: np.random.Generator) -> np.ndarray:
    return rng.permutation(np.repeat(list(counts), list(counts.values())))


def pick_top(score: np.ndarray, k: int) -> np.ndarray:
    """Boolean mask of the k highest scores."""
    mask = np.zeros(len(score), dtype=bool)
    mask[np.argsort(-score, kind="stable")[:k]] = True
    return mask


# --- Latent model ----------------------------------------------------------------------------

def empirical_normal(n: int, corr: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """n draws whose sample correlation matrix is exactly corr (whitened, then coloured); with no more draws
    than dimensions no sample can have it, and the draws only come from that population."""
    z = rng.standard_normal((n, len(corr)))
    if n > len(corr):
        z -= z.mean(axis=0)
        z = z @ np.linalg.inv(np.linalg.cholesky(np.cov(z, rowvar=False))).T
    return z @ np.linalg.cholesky(corr).T


def latent_correlation(params: dict) -> tuple[list[str], np.ndarray]:
    """Factor names and their correlation matrix; intention's row follows from its structural paths."""
    names = list(params["factors"])
    idx = {f: i for i, f in enumerate(names)}
    corr = np.eye(len(names))
    calibrated = params.get("calibrated", {}).get("latent_correlations", {})
    for source in (params["latent_correlations"], params["observed_correlations"], calibrated):
        for a, row in source.items():
            for b, r in row.items():
                corr[idx[a], idx[b]] = corr[idx[b], idx[a]] = r
    paths = params["intention_paths"]
    bi = idx["bi"]
    for f in names:
        if f != "bi":
            corr[bi, idx[f]] = corr[idx[f], bi] = sum(beta * corr[idx[p], idx[f]] for p, beta in paths.items())
    eigenvalues = np.linalg.eigvalsh(corr)
    if eigenvalues.min() <= 1e-6:
        raise ValueError(f"{params['_path']}: latent correlation matrix is not positive definite "
                         f"(smallest eigenvalue {eigenvalues.min():.4f})")
    return names, corr


def block_loading(params: dict, factor: str) -> float:
    spec = params["factors"][factor]
    return params.get("calibrated", {}).get("loadings", {}).get(factor, spec.get("loading", 0.7))


# --- Respondents -----------------------------------------------------------------------------

def _profile(n: int, params: dict, rng: np.random.Generator, usage_work: np.ndarray) -> pd.DataFrame:
    prof = params["profile"]
    df = pd.DataFrame({name: shuffled(category_counts(prof[name], n), rng) for name in ("gender", "education", "gov_type")})
    a = prof["age"]
    grid = stats.norm.ppf((np.arange(n) + 0.5) / n) * a["sd"] + a["mean"]
    df["age"] = _ages(np.clip(np.round(grid), a["min"], a["max"]).astype(int), a.get("usage_correlation"), usage_work, rng)
    df["start_year"] = _start_years(df["age"].to_numpy(), params, rng)
    return df


def _ages(ages: np.ndarray, r: float | None, usage_work: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The ages shuffled (no link with use), or, with a planted correlation r, given by rank of
    r * the use-at-work factor + noise (r < 0: older respondents use generative AI less)."""
    if r is None:
        return rng.permutation(ages)
    score = r * usage_work + np.sqrt(1 - r**2) * rng.standard_normal(len(ages))
    return assign_by_rank(score, dict(zip(*np.unique(ages, return_counts=True))))


def _start_years(age: np.ndarray, params: dict, rng: np.random.Generator) -> np.ndarray:
    s = params["profile"]["start_year"]
    year = params["survey_year"]
    earliest = year - age + s["min_start_age"]
    n_after = round(s["share_after"] / 100 * len(age))
    forced = earliest > s["after"]
    priority = np.where(forced, np.inf, rng.random(len(age)))
    after = pick_top(priority, n_after)
    recent = shuffled(largest_remainder(s["recent_weights"], n_after), rng)
    start = np.empty(len(age), dtype=int)
    start[after] = np.maximum(recent, earliest[after])
    back = np.floor(rng.exponential(s["earlier_mean_years_before"], (~after).sum())).astype(int)
    start[~after] = np.maximum(s["after"] - back, np.minimum(earliest[~after], s["after"]))
    return start


def _multi_response(block: str, asked: np.ndarray, spec: dict, weight: np.ndarray,
                    rng: np.random.Generator, at_least_one: bool) -> dict[str, np.ndarray]:
    """Exact counts of selections per option among the asked; heavier users likelier to select."""
    n = len(asked)
    n_answering = max(asked.sum() - spec.get("nonresponse", 0), 0)
    answering = np.flatnonzero(asked)
    answering = np.sort(rng.choice(answering, n_answering, replace=False))
    counts = {opt: round(share / 100 * n_answering) for opt, share in spec["shares"].items()}
    chosen = {opt: np.zeros(n, dtype=bool) for opt in counts}
    if at_least_one:   # every respondent gives one main reason; the rest are extra reasons
        tokens = shuffled(counts, rng)
        for person, opt in zip(answering, tokens[: len(answering)]):
            chosen[opt][person] = True
        counts = {opt: c - chosen[opt].sum() for opt, c in counts.items()}
    for opt, c in counts.items():
        free = np.setdiff1d(answering, np.flatnonzero(chosen[opt]))
        key = weight[free] + rng.gumbel(size=len(free))
        chosen[opt][free[pick_top(key, c)]] = True
    answers = np.isin(np.arange(n), answering)
    return {f"{block}_{opt}": np.where(answers, chosen[opt].astype(float), np.nan) for opt in spec["shares"]}


def _likert_items(df: pd.DataFrame, factor_scores: pd.DataFrame, params: dict, cb: Codebook,
                  rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Every Likert item of every factor's blocks, among those the routing asks."""
    missing = params["missing"]
    items = {}
    for factor, spec in params["factors"].items():
        lam = block_loading(params, factor)
        for block in spec["blocks"]:
            names = cb.blocks.get(block, [block])
            asked = df.eval(cb[names[0]].ask_if).to_numpy()
            for name in names:
                latent = lam * factor_scores[factor].to_numpy() + np.sqrt(1 - lam**2) * rng.standard_normal(len(df))
                answered = asked & (rng.random(len(df)) >= (missing["rate"] if block in missing["blocks"] else 0))
                values = np.full(len(df), np.nan)
                values[answered] = assign_by_rank(latent[answered], category_counts(params["likert"][name], answered.sum()))
                items[name] = values
    return items


def _postcodes(gov_type: np.ndarray, params: dict, rng: np.random.Generator, plant_invalid: bool) -> np.ndarray:
    spec = params["postcode"]
    out = np.empty(len(gov_type), dtype=object)
    for g, weights in spec["by_gov_type"].items():
        members = np.flatnonzero(gov_type == g)
        if len(members):
            out[members] = shuffled(largest_remainder(weights, len(members)), rng)
    if plant_invalid:
        bad = [code or None for code in shuffled(spec["invalid"], rng)]   # "" plants a missing answer
        out[rng.choice(len(out), len(bad), replace=False)] = bad
    return out


def _free_text(n: int, params: dict, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Open answers from the parameters' pools (routing later keeps only those asked)."""
    pools = params["free_text"]
    texts = {name: rng.choice(pools[name], n) for name in ("never_reason_work_other_text", "never_reason_free_other_text")}
    texts["remarks_text"] = np.where(rng.random(n) < pools["remarks_share"], rng.choice(pools["remarks_text"], n), None)
    return texts


def respondents(n: int, params: dict, cb: Codebook, rng: np.random.Generator, plant_invalid: bool = True) -> pd.DataFrame:
    """n complete respondents who consent and answer the control item correctly."""
    names, corr = latent_correlation(params)
    factors = pd.DataFrame(empirical_normal(n, corr, rng), columns=names)
    df = _profile(n, params, rng, factors["usage_work"].to_numpy())
    df.insert(0, "consent", 1)
    df.insert(1, "control", cb["control"].correct_answer)
    df["postcode"] = _postcodes(df["gov_type"].to_numpy(), params, rng, plant_invalid)
    usage = params["usage"]
    for context in ("work", "free"):
        df[f"use_{context}"] = assign_by_rank(factors[f"usage_{context}"].to_numpy(), category_counts(usage[f"use_{context}"], n))
    weight = usage["usage_bias"] * factors["usage_work"].to_numpy()
    users = df["use_work"].to_numpy() >= 2
    pay_propensity = -(weight[users] + rng.gumbel(size=users.sum()))   # lowest ranks get code 1 (yes)
    df["paid_work"] = np.nan
    df.loc[users, "paid_work"] = assign_by_rank(pay_propensity, category_counts(usage["paid_work"], users.sum()))
    answers = {}
    for context in ("work", "free"):
        use = df[f"use_{context}"].to_numpy()
        answers |= _multi_response(f"never_reason_{context}", use == 1, usage[f"never_reason_{context}"], weight, rng, at_least_one=True)
        answers |= _multi_response(f"system_{context}", use >= 2, usage[f"system_{context}"], weight, rng, at_least_one=False)
    answers |= _multi_response("paid", (df["paid_work"] == 1).to_numpy(), usage["paid"], weight, rng, at_least_one=False)
    answers |= _likert_items(df, factors, params, cb, rng)
    answers |= {name: shuffled(category_counts(spec, n), rng) for name, spec in params["needs"].items()}
    answers |= _free_text(n, params, rng)
    answers["duration_s"] = _durations(n, params, rng)
    return pd.concat([df, pd.DataFrame(answers)], axis=1)


def _durations(n: int, params: dict, rng: np.random.Generator) -> np.ndarray:
    d = params["duration"]
    draws = d["median_s"] * np.exp(d["sigma_log"] * rng.standard_normal(n))
    return np.round(np.maximum(draws, d["valid_min_share_of_median"] * d["median_s"]), 1)


def _apply_routing(df: pd.DataFrame, cb: Codebook) -> pd.DataFrame:
    """Blank every answer of a question the respondent was not asked (questionnaire order)."""
    for var in cb.variables.values():
        if var.ask_if:
            asked = df.eval(var.ask_if).fillna(False).astype(bool)
            df.loc[~asked, var.name] = None
    return df


def generate(params: dict, n_valid: int | None = None, cb: Codebook | None = None) -> pd.DataFrame:
    """A raw export: n_valid valid rows plus the excluded rows (scaled when n_valid differs)."""
    cb = cb or load_codebook()
    params = {**params, "survey_year": cb.survey["year"]}
    rng = np.random.default_rng(params["seed"])
    n_valid = n_valid or params["n_valid"]
    excl = params["exclusions"]
    if n_valid != params["n_valid"]:
        excl = {rule: round(k * n_valid / params["n_valid"]) for rule, k in excl.items()}
    valid = respondents(n_valid, params, cb, rng)
    answered_but_excluded = respondents(excl["control_failed"] + excl["too_fast"], params, cb, rng, plant_invalid=False)
    wrong = [c for c in cb["control"].codes if c != cb["control"].correct_answer]
    fails = np.arange(len(answered_but_excluded)) < excl["control_failed"]
    answered_but_excluded.loc[fails, "control"] = rng.choice(wrong, fails.sum())
    d = params["duration"]
    low, high = d["too_fast_share_of_median"]
    answered_but_excluded.loc[~fails, "duration_s"] = np.round(rng.uniform(low, high, (~fails).sum()) * d["median_s"], 1)
    no_consent = pd.DataFrame({"consent": 2, "duration_s": np.round(rng.uniform(*d["no_consent_s"], excl["no_consent"]), 1)})
    rows = pd.concat([valid, answered_but_excluded, no_consent], ignore_index=True)
    rows = rows.iloc[rng.permutation(len(rows))].reset_index(drop=True)
    rows["respondent_id"] = np.arange(1, len(rows) + 1)
    rows = rows.reindex(columns=cb.names)
    numeric = [n for n in cb.names if cb.dtype(n) != "string"]
    rows[numeric] = rows[numeric].astype(float)   # NaN where routing blanks an answer
    return cb.typed(_apply_routing(rows, cb))


# --- Writing ---------------------------------------------------------------------------------

def write_export(df: pd.DataFrame, path: str | Path, params: dict, sep: str = ",", decimal: str = ".") -> Path:
    """Write the export as a real one looks (UTF-8 CSV; semicolons and decimal commas on request) plus a
    manifest that marks it synthetic and records what it was made from."""
    path = write_atomic(path, lambda tmp: df.to_csv(tmp, index=False, lineterminator="\n", sep=sep, decimal=decimal))
    manifest = {"synthetic": True, "generator": "helpers.synth", "params": Path(params["_path"]).name,
                "params_sha256": params["_sha256"], "inputs_sha256": synthetic_inputs(Path(params["_path"])),
                "seed": params["seed"], "rows": len(df)}
    write_atomic(manifest_path(path), lambda tmp: tmp.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8"))
    return path


# --- Calibration -----------------------------------------------------------------------------

def observed_targets(export: pd.DataFrame, params: dict, cb: Codebook) -> tuple[dict, dict]:
    """Observed alphas per scale and role-literacy correlations among the valid rows."""
    from helpers.analysis.stats import cronbach_alpha
    from helpers.prepare.cleaning import clean, scale_scores

    valid = clean(export, cb).data
    alphas = {s: cronbach_alpha(valid, cb.scale_items(s))["alpha"].iloc[0] for s in params["scale_alpha"]}
    scores = scale_scores(valid, cb)
    corrs = {a: {b: scores[a].corr(scores[b]) for b in row} for a, row in params["observed_correlations"].items()}
    return alphas, corrs


def calibrate(params_path: str | Path = SYNTHETIC_DEFAULT_PARAMS, iterations: int = 25) -> dict:
    """Solve loadings and latent correlations so observed alphas and correlations hit their targets.

    Fixed-point iteration on the generator's own output at the file's seed: an average inter-item
    correlation ratio for each scale's loading, an additive step for each latent correlation.
    Writes <params>.calibrated.yaml and returns it.
    """
    params = load_params(params_path)
    cb = load_codebook()
    scale_of = {spec["scale"]: f for f, spec in params["factors"].items() if "scale" in spec}
    loadings = {scale_of[s]: 0.8 for s in params["scale_alpha"]}
    latent = {a: dict(row) for a, row in params["observed_correlations"].items()}
    for _ in range(iterations):
        params["calibrated"] = {"loadings": loadings, "latent_correlations": latent}
        alphas, corrs = observed_targets(generate(params, cb=cb), params, cb)
        for s, target in params["scale_alpha"].items():
            k = len(cb.scale_items(s))
            mean_r = lambda a: a / (k - (k - 1) * a)  # noqa: E731 (average inter-item r implied by alpha)
            lam2 = loadings[scale_of[s]] ** 2 * mean_r(target) / mean_r(alphas[s])
            loadings[scale_of[s]] = float(np.sqrt(np.clip(lam2, 0.05, 0.97)))
        for a, row in params["observed_correlations"].items():
            for b, target in row.items():
                latent[a][b] = float(np.clip(latent[a][b] + (target - corrs[a][b]) / np.sqrt(alphas[a] * alphas[b]), -0.95, 0.95))
    result = {"seed": params["seed"], "params_sha256": params["_sha256"],
              "loadings": {k: round(v, 4) for k, v in loadings.items()},
              "latent_correlations": {a: {b: round(r, 4) for b, r in row.items()} for a, row in latent.items()}}
    out = calibrated_path(Path(params_path))
    header = "# Calibrated latent parameters: written by `python -m helpers.synth calibrate`; do not edit.\n"
    out.write_text(header + yaml.safe_dump(result, sort_keys=False), encoding="utf-8")
    return result




def ensure_synthetic_default() -> Path:
    """The embedded default export, (re)written when it is missing or its inputs changed."""
    if not synthetic_default_is_current():
        params = load_params()
        write_export(generate(params), SYNTHETIC_DEFAULT_EXPORT, params)
    return SYNTHETIC_DEFAULT_EXPORT


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m helpers.synth", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["generate", "calibrate"])
    parser.add_argument("--params", default=str(SYNTHETIC_DEFAULT_PARAMS))
    parser.add_argument("--n", type=int, help="valid respondents (default: the parameters file's n_valid)")
    parser.add_argument("--out", default=str(SYNTHETIC_DEFAULT_EXPORT))
    parser.add_argument("--sep", default=",", help="delimiter of the CSV (e.g. ';')")
    parser.add_argument("--decimal", default=".", help="decimal mark of the CSV (e.g. ',')")
    args = parser.parse_args(argv)
    if args.command == "calibrate":
        print(yaml.safe_dump(calibrate(args.params), sort_keys=False))
    else:
        params = load_params(args.params)
        print(write_export(generate(params, args.n), args.out, params, sep=args.sep, decimal=args.decimal))


if __name__ == "__main__":
    main()
