"""Published versus reproduced on the synthetic default: every published figure of the report's sections
(the key findings and the conclusion judged on the body figures they restate) is computed from the processed
rows and agrees in the synthetic regime, with the report's directions,
significance decisions and rankings.
(On the synthetic default this shows the pipeline is wired right: the data was built to match.)"""
import pytest

from helpers.analysis import reproduction as figures
from helpers.analysis import sem
from helpers.prepare import geo
from helpers.ingest.io import read_export
from helpers.prepare.cleaning import clean
from helpers.present.published import compare, load_published, regime_of, restate


@pytest.fixture(scope="module")
def data(export_csv, cb):
    return clean(read_export(export_csv), cb)


@pytest.fixture(scope="module")
def computed(data, cb):
    users = figures.users(data.data)
    sample = figures.sample_figures(data) | figures.place_figures(geo.bubbles(geo.lookup(data.data["postcode"]), 5))
    paths = sem.paths(sem.fit(sem.model_text(figures.intention_model(cb), "bi", list(figures.UTAUT)), data.data))
    body = figures.body_figures(data.data, paths, 5)
    return {"method": sample, "1.1": figures.usage_figures(data.data),
            "1.2": figures.pros_cons_figures(users), "1.3": figures.task_figures(users), "4": figures.needs_figures(data.data),
            "2": figures.literacy_figures(data.data), "2.1": figures.role_figures(data.data),
            "3": figures.utaut_figures(data.data) | figures.sem_figures(paths),
            "key": restate("key", body), "conclusion": restate("conclusion", body)}


SECTIONS = ["key", "method", "1.1", "1.2", "1.3", "2", "2.1", "3", "4", "conclusion"]


@pytest.mark.parametrize("section", SECTIONS)
def test_every_published_figure_of_the_section_is_computed(section, computed):
    published = set(load_published().query("section == @section").index)
    assert set(computed[section]) == published


# Claims the synthetic default does not honour, by construction: the generator plants no path to intention but
# performance expectancy's (data/synthetic/default.yaml, intention_paths), so 'alle factoren dragen bij' (each beta
# above .10) holds for performance expectancy only; and wording no figure judges.
BY_CONSTRUCTION = {"sem.contributes.ee": "differs", "sem.contributes.si": "differs", "sem.contributes.fc": "differs",
                   "key.tasks.supporting_tool": "not judged", "conclusion.systems.openai": "not judged"}


@pytest.mark.parametrize("section", SECTIONS)
def test_synthetic_default_reproduces_the_section(section, computed, data):
    assert regime_of(data.data) == "synthetic"
    table = compare(computed[section], lang="en", regime="synthetic")
    expected = table.index.map(lambda fid: BY_CONSTRUCTION.get(fid, "agrees"))
    off = table[(table["Status"] != expected) & ~((expected == "agrees") & (table["Status"] == "report inconsistent"))]
    assert off.empty, off.to_string()


def test_the_reports_self_contradiction_is_flagged_not_forced(computed):
    """Effort expectancy: the published scale mean 3.58 is below the mean of its item means (3.65)."""
    row = compare({"utaut.ee.mean": computed["3"]["utaut.ee.mean"]}, lang="en", regime="synthetic").iloc[0]
    assert row["Status"] == "report inconsistent"
    assert computed["3"]["utaut.ee.mean"] == pytest.approx((3.58 + 3.75 + 3.61) / 3, abs=0.02)


def test_performance_expectancy_is_the_only_significant_predictor(computed):
    p = {k.rsplit(".", 1)[1]: v.p for k, v in computed["3"].items() if k.startswith("sem.path.")}
    assert p["pe"] < 0.001 and all(p[f] >= 0.05 for f in ("ee", "si", "fc"))


def test_explicit_tolerances_only_where_the_report_words_a_figure_loosely():
    published = load_published()
    loose = published[published["tolerance"].notna()].drop("sample.age.mean")   # the issue: age ± 0.5
    assert len(loose) and all("'" in label for label in loose["en"])   # quoted wording: 'about 90%', 'almost a quarter'


def test_significance_decisions_match_the_report(computed):
    tests = {k: v for section in computed.values() for k, v in section.items() if ".ttest." in k or k.startswith("usage.") and k.endswith(".p")}
    assert len(tests) == 14 and all(v.p < 0.001 and abs(v.estimate) > 0 for v in tests.values())
