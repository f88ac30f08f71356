"""One fit per model per run: chapter 05 writes its fits, 00 and 10 read them, each only under the key of what it
was made from (the rows and columns, the model text, the estimator, the missing-data method, sem.py's version)."""
import json
from pathlib import Path

import pandas as pd
import pytest

from helpers.analysis import fits, sem
from helpers.chapter import Conclusion, Intention, KeyFindings
from helpers.ingest.io import save_processed
from helpers.prepare.cleaning import clean


@pytest.fixture(scope="module")
def processed(tmp_path_factory, export, cb) -> Path:
    return save_processed(clean(export, cb).data, tmp_path_factory.mktemp("processed") / "survey.parquet")


@pytest.fixture(scope="module")
def written(processed, tmp_path_factory) -> tuple[Path, Intention]:
    """Chapter 05's model blocks run with a fits file, as the runner runs them."""
    path = tmp_path_factory.mktemp("data") / "model_fits.json"
    ch = Intention(processed, lang="en", fits=path)
    ch.measurement_model(), ch.structural_model(), ch.estimators()
    return path, ch


def fits_made(monkeypatch) -> list[tuple[str, str]]:
    """Every sem.fit from now on, as (estimator, missing)."""
    made, fit = [], sem.fit
    monkeypatch.setattr(sem, "fit", lambda description, data, estimator="ML", missing="fiml":
                        made.append((estimator, missing)) or fit(description, data, estimator, missing))
    return made


def test_the_file_holds_the_measurement_model_and_the_reports_model_under_each_estimator_shown(written):
    path, ch = written
    entries = json.loads(path.read_text(encoding="utf-8"))
    assert sorted((e["model"], e["estimator"], e["missing"]) for e in entries.values()) == sorted(
        [(sem.model_text(ch.factors), "ML", "fiml"), *((ch.model_text, e, m) for e, m in sem.COMPARED)])
    model = fits.from_json(entries[sem.fit_key(ch.model_text, ch.data)])
    pd.testing.assert_frame_equal(model.parameters, sem.estimates(ch.model))   # every float as fitted
    pd.testing.assert_frame_equal(model.indices, sem.fit_indices(ch.model))
    assert model.n_obs == ch.model.n_obs and model.parameters["se"].notna().any()


@pytest.mark.parametrize("summary", [KeyFindings, Conclusion])
def test_the_summaries_give_the_same_verdicts_from_the_file_as_from_their_own_fit(summary, processed, written, monkeypatch):
    own = summary(processed, lang="en")
    expected = own.published().frames, own.finding_sentences()
    made = fits_made(monkeypatch)
    read = summary(processed, lang="en", fits=written[0])
    verdicts, sentences = read.published().frames, read.finding_sentences()
    assert made == [] and isinstance(read.model, sem.Results)   # nothing fitted: the file's results
    assert sentences == expected[1] and verdicts.keys() == expected[0].keys()
    for name, frame in verdicts.items():
        pd.testing.assert_frame_equal(frame, expected[0][name])


def test_a_changed_sem_py_or_model_text_is_fitted_again(processed, written, monkeypatch):
    made = fits_made(monkeypatch)
    other_model = KeyFindings(processed, lang="en", fits=written[0])
    other_model.structural = "bi ~ pe + ee"
    assert isinstance(other_model.model, sem.Model) and made == [("ML", "fiml")]
    monkeypatch.setattr(sem, "VERSION", "another version of sem.py")
    assert isinstance(KeyFindings(processed, lang="en", fits=written[0]).model, sem.Model) and len(made) == 2


def test_a_subset_or_a_changed_answer_is_another_fit(processed, written):
    """In process (the chapter's data changed after a fit) and from the file (a summary of a subset)."""
    ch = Intention(processed, lang="en")
    full = ch.model
    local = ch.data["gov_type"] == 1
    assert KeyFindings(processed, lang="en", fits=written[0], among="gov_type == 1").model.n_obs == local.sum() < full.n_obs
    ch.data = ch.data[local]
    subset = ch.model
    assert subset.n_obs == local.sum() and not sem.paths(subset)["est"].equals(sem.paths(full)["est"])
    ch.data = pd.read_parquet(processed)
    assert ch.model is full   # the full sample again: its own fit, not the subset's
    ch.data.loc[ch.data.index[0], "pe_1"] = 6 - ch.data.loc[ch.data.index[0], "pe_1"]
    changed = ch.model
    assert changed is not full and changed.n_obs == full.n_obs and not sem.paths(changed)["est"].equals(sem.paths(full)["est"])
    assert sem.fit_key(ch.model_text, ch.data, "MLR") != sem.fit_key(ch.model_text, ch.data) != sem.fit_key(ch.model_text, ch.data, "ML", "listwise")


def test_the_models_own_chapter_never_reads_a_file_it_did_not_write(processed, written, monkeypatch):
    made = fits_made(monkeypatch)
    assert isinstance(Intention(processed, lang="en", fits=written[0]).model, sem.Model) and made == [("ML", "fiml")]


def test_an_unreadable_file_is_no_file(processed, tmp_path, monkeypatch):
    broken = tmp_path / "model_fits.json"
    broken.write_text('{"half', encoding="utf-8")
    made = fits_made(monkeypatch)
    assert isinstance(KeyFindings(processed, lang="en", fits=broken).model, sem.Model) and made == [("ML", "fiml")]
