"""The synthetic export: exact where the report is exact, calibrated where it is not, deterministic."""
import copy
import hashlib

import numpy as np
import pytest

from helpers.ingest.io import read_export, save_processed
from helpers.prepare.cleaning import clean
from helpers.synth import (
    assign_by_rank,
    category_counts,
    generate,
    largest_remainder,
    likert_probabilities,
    load_params,
    observed_targets,
    write_export,
)


@pytest.fixture(scope="module")
def sample(export_csv, cb):
    return clean(read_export(export_csv), cb)


def test_cleaning_brings_576_rows_to_478(sample):
    assert sample.flow["remaining"].tolist() == [576, 545, 507, 478]


@pytest.mark.parametrize("name, published", [
    ("gender", {1: 222, 2: 254, 3: 2}),             # report Tabel 1
    ("education_level", {3: 433, 2: 41, 1: 4}),     # report Tabel 2
    ("gov_type", {1: 315, 2: 163}),                  # report Tabel 3
    ("use_work", {1: 63}),                           # report 1.1: 13.2% never at work (63 of 478)
    ("use_free", {1: 67}),                           # report 1.1: reasons chart N = 67
])
def test_published_counts_come_out_of_the_pipeline(sample, name, published):
    counts = sample.data[name].value_counts()
    assert {code: counts.get(code, 0) for code in published} == published


def test_mean_age_and_start_year_match_the_report(sample):
    assert abs(sample.data["age"].mean() - 42.1) <= 0.5                              # report: 42.1
    assert abs(100 * sample.data["start_year"].gt(2019).mean() - 56.7) <= 2          # report: 56.7%
    assert (sample.data["start_year"] >= 2024 - sample.data["age"] + 18).all()      # nobody started before 18


def test_same_seed_gives_byte_identical_export_and_processed_data(params, cb, tmp_path):
    digests = []
    for run in ("first", "second"):
        raw = write_export(generate(load_params(), cb=cb), tmp_path / run / "export.csv", params)
        processed = save_processed(clean(read_export(raw), cb).data, tmp_path / run / "survey.parquet")
        digests.append((hashlib.sha256(raw.read_bytes()).digest(), hashlib.sha256(processed.read_bytes()).digest()))
    assert digests[0] == digests[1]


def test_another_seed_gives_other_rows_but_the_same_margins(params, cb):
    other = generate({**params, "seed": params["seed"] + 1}, cb=cb)
    base = generate(params, cb=cb)
    assert not other["pe_1"].equals(base["pe_1"])
    assert clean(other, cb).data["gender"].value_counts().to_dict() == clean(base, cb).data["gender"].value_counts().to_dict()


def test_calibration_still_holds_for_the_stored_seed(params, cb, export):
    """The calibrated loadings and latent correlations give the target alphas and correlations."""
    cal = params["calibrated"]
    assert cal["seed"] == params["seed"] and cal["params_sha256"] == params["_sha256"], \
        "the parameters changed since calibration: run `python -m helpers.synth calibrate`"
    alphas, corrs = observed_targets(export, params, cb)
    for scale, target in params["scale_alpha"].items():
        assert alphas[scale] == pytest.approx(target, abs=0.01), scale
    for role, row in params["observed_correlations"].items():
        for lit, target in row.items():
            assert corrs[role][lit] == pytest.approx(target, abs=0.02), (role, lit)


def test_intention_depends_on_performance_expectancy_only(sample):
    """Planted path: intention = .6 PE (latent); the observed partial effects of EE, SI, FC stay small."""
    import statsmodels.formula.api as smf
    fit = smf.ols("bi ~ pe + ee + si + fc", data=sample.data[["bi", "pe", "ee", "si", "fc"]].astype(float)).fit()
    assert fit.pvalues["pe"] < 0.001
    assert all(fit.pvalues[f] > 0.05 for f in ("ee", "si", "fc"))


def test_routing_follows_the_questionnaire(sample):
    d = sample.data
    never = d["use_work"] == 1
    assert d.loc[never, "system_work_chatgpt"].isna().all() and d.loc[never, "pro_time_saving"].isna().all()
    assert d.loc[~never, "never_reason_work_skills"].isna().all()
    assert d.loc[never, [c for c in d if c.startswith("never_reason_work_") and not c.endswith("text")]].sum(axis=1).ge(1).all()
    assert d.loc[d["paid_work"] != 1, "paid_copilot"].isna().all()
    other = d["never_reason_work_other"] == 1
    assert d.loc[other, "never_reason_work_other_text"].notna().all() and d.loc[~other, "never_reason_work_other_text"].isna().all()


def test_item_margins_hit_published_means_and_sds(sample, params):
    for name in ("pro_time_saving", "con_energy", "lit_tech_3", "pe_1", "fc_3", "support_legal"):
        item = sample.data[name].dropna().astype(float)
        assert item.mean() == pytest.approx(params["likert"][name]["mean"], abs=0.02), name
        assert item.std() == pytest.approx(params["likert"][name]["sd"], abs=0.03), name


def test_planted_problems_are_present(export, params):
    postcodes = export["postcode"]
    for bad in ("0000", "99999", "abcd", "75001"):
        assert (postcodes == bad).sum() == 1
    assert export.loc[export["consent"] == 1, "postcode"].isna().sum() >= 2
    assert export[[c for c in export if c.startswith("lit_")]].isna().any().any()   # item non-response


def test_a_shifted_parameters_file_is_recovered(params, cb):
    """Planted values that differ from the report's come out of the pipeline."""
    shifted = copy.deepcopy(params)
    shifted["profile"]["gender"] = {"counts": {1: 300, 2: 170, 3: 8}}
    shifted["likert"]["pe_1"] = {"mean": 3.2, "sd": 1.1}
    d = clean(generate(shifted, cb=cb), cb).data
    assert d["gender"].value_counts().sort_index().tolist() == [300, 170, 8]
    assert d["pe_1"].mean() == pytest.approx(3.2, abs=0.02)


def test_any_n_scales_counts_and_exclusions(params, cb):
    big = generate(params, n_valid=2000, cb=cb)
    result = clean(big, cb)
    assert len(result.data) == 2000
    assert result.data["gender"].value_counts().sort_index().tolist() == list(largest_remainder({1: 222, 2: 254, 3: 2}, 2000).values())


def test_largest_remainder_is_exact_and_sums_to_n():
    assert largest_remainder({"a": 46.4, "b": 53.1, "c": 0.4}, 478) == {"a": 222, "b": 254, "c": 2}
    assert sum(largest_remainder({1: 1, 2: 1, 3: 1}, 100).values()) == 100


@pytest.mark.parametrize("mean, sd", [(4.30, 0.76), (2.10, 1.20), (3.41, 1.25), (3.0, 0.95)])
def test_likert_probabilities_have_the_target_moments(mean, sd):
    p = likert_probabilities(mean, sd)
    codes = np.arange(1, 6)
    m = p @ codes
    assert p.sum() == pytest.approx(1) and m == pytest.approx(mean, abs=1e-4)
    assert np.sqrt(p @ (codes - m) ** 2) == pytest.approx(sd, abs=1e-4)


def test_assign_by_rank_keeps_counts_and_order():
    score = np.array([0.3, -1.0, 2.0, 0.1])
    out = assign_by_rank(score, {1: 2, 5: 2})
    assert out.tolist() == [5, 1, 5, 1]
    assert category_counts({"shares": {1: 50, 5: 50}}, 4) == {1: 2, 5: 2}
