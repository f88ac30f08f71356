"""The researcher's everyday tasks, done as a researcher does them: cells of at most three lines run in a real kernel
(the project's, `genai-survey`), on the synthetic default's processed data; what the cells give back is then read
from the kernel and checked against an independent computation of the same numbers."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from jupyter_client.manager import start_new_kernel

from helpers.analysis import reproduction, sem
from helpers.ingest.io import save_processed
from helpers.prepare.cleaning import clean
from helpers.runner.run import KERNEL
from tests.disclosure_scan import scan_run

MAX_LINES = 3


class Kernel:
    """A running kernel that executes cells and says what they printed, displayed or raised."""

    def __init__(self, cwd: Path):
        self.manager, self.client = start_new_kernel(kernel_name=KERNEL, cwd=str(cwd))

    def run(self, cell: str, timeout: float = 600) -> dict:
        outputs = {"stdout": "", "html": [], "error": None}

        def hook(message):
            kind, content = message["msg_type"], message["content"]
            if kind == "stream":
                outputs["stdout"] += content["text"]
            elif kind in ("execute_result", "display_data") and "text/html" in content["data"]:
                outputs["html"].append(content["data"]["text/html"])
            elif kind == "error":
                outputs["error"] = f"{content['ename']}: {content['evalue']}"

        self.client.execute_interactive(cell, timeout=timeout, output_hook=hook)
        return outputs

    def task(self, cell: str) -> dict:
        """A researcher's cell: at most MAX_LINES lines, run without error."""
        assert len(cell.strip().splitlines()) <= MAX_LINES, cell
        outputs = self.run(cell)
        assert outputs["error"] is None, (cell, outputs["error"])
        return outputs

    def value(self, expression: str):
        """What an expression evaluates to in the kernel, as JSON (the test's own look, not a task)."""
        outputs = self.run(f"import json as _json; print(_json.dumps(({expression}), default=str))")
        assert outputs["error"] is None, (expression, outputs["error"])
        return json.loads(outputs["stdout"].strip().splitlines()[-1])

    def stop(self) -> None:
        self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)


@pytest.fixture(scope="module")
def processed(tmp_path_factory, export, cb) -> Path:
    return save_processed(clean(export, cb).data, tmp_path_factory.mktemp("processed") / "survey.parquet")


@pytest.fixture(scope="module")
def kernel(tmp_path_factory, processed):
    running = Kernel(tmp_path_factory.mktemp("lab"))
    running.run(f"processed = {str(processed)!r}\nimport pandas as pd\nfrom helpers.chapter import Intention, ProsCons, Waves")
    yield running
    running.stop()


@pytest.fixture(scope="module")
def data(processed) -> pd.DataFrame:
    return pd.read_parquet(processed)


def test_the_numbers_of_a_likert_table_are_a_numeric_frame_with_variable_names(kernel, data, cb):
    kernel.task('ch = ProsCons(processed, lang="en")\nframe = ch.likert("pro").frame')
    assert kernel.value("frame['variable'].tolist()") == cb.blocks["pro"]
    assert kernel.value("{c: str(t) for c, t in frame.dtypes.items() if c in ('n', 'mean', 'sd', 'share_agree')}") == \
        dict.fromkeys(("n", "mean", "sd", "share_agree"), "float64")
    users = data[data["use_work"] >= 2]
    expected = [users[item].astype(float).mean() for item in cb.blocks["pro"]]   # independent: the rows themselves
    assert kernel.value("frame['mean'].tolist()") == pytest.approx(expected, abs=1e-12)
    assert kernel.value("ch.results['pro'].equals(frame)")


def test_the_scales_and_the_sem_paths_are_numbers(kernel, data):
    kernel.task('ch = Intention(processed, lang="en")\nscales = ch.scales("utaut").frame')
    assert kernel.value("scales['variable'].tolist()") == ["pe", "ee", "si", "fc", "bi"]
    assert kernel.value("scales['mean'].tolist()") == pytest.approx([data[s].astype(float).mean() for s in ("pe", "ee", "si", "fc", "bi")])
    kernel.task('paths = ch.structural_model().frames["sem_paths"]')
    assert kernel.value("paths['predictor'].tolist()") == ["pe", "ee", "si", "fc"]
    assert kernel.value("[str(paths[c].dtype) for c in ('std', 'est', 'se', 'p')]") == ["float64"] * 4
    assert kernel.value("paths['p'].tolist()")[0] < 1e-6   # a p value as a number, not '< .001'


def test_statsmodels_formulas_work_on_the_analysis_data(kernel, data):
    kernel.task('import statsmodels.formula.api as smf\nd = Intention(processed, lang="en").analysis_data()\n'
                'fit = smf.ols("bi ~ pe + ee + si + fc + age + C(gov_type)", d).fit()')
    complete = data[["bi", "pe", "ee", "si", "fc", "age", "gov_type"]].dropna()
    assert kernel.value("int(fit.nobs)") == len(complete)
    assert kernel.value("[n for n in fit.params.index if n.startswith('C(gov_type)')]") == ["C(gov_type)[T.Flemish government]"]
    assert kernel.value("str(d['gov_type'].dtype), str(d['pe'].dtype), list(d['gov_type'].cat.categories)") == \
        ["category", "float64", ["Local government", "Flemish government"]]   # nobody answered "other": no empty column


def test_a_subset_of_the_advantages_table_follows_its_base(kernel, data):
    """Local government only, among users at work: 271 on the synthetic default, by an independent count."""
    kernel.task('ch = ProsCons(processed, lang="en")\nlocal = ch.likert("pro", among="gov_type == 1")')
    expected = int(((data["use_work"] >= 2) & (data["gov_type"] == 1)).sum())
    assert expected == 271 and kernel.value("int(local.frame['n'].max())") == expected
    assert kernel.value("local.parts[0].caption").count("(N=271)") == 1 and "among: gov_type == 1" in kernel.value("local.parts[0].caption")
    kernel.task('ch.data = ch.data[ch.data["gov_type"] == 1]\nafter = ch.likert("pro").frame')
    assert kernel.value("int(after['n'].max())") == expected   # the chapter's users follow its data


def test_the_model_can_be_changed_from_a_cell(kernel, data, cb):
    """The model plus an observed covariate, through the same block: its table holds the estimates the statistics
    give (sem.fit with lavaan's fixed.x, checked against lavaan in test_sem), its diagram draws age."""
    kernel.task('ch = Intention(processed, lang="en")\nshown = ch.structural_model("bi ~ pe + ee + si + fc + age")')
    paths = pd.DataFrame(kernel.value("shown.frames[next(n for n in shown.frames if n.startswith('sem_paths'))].to_dict('list')"))
    text = sem.model_text(reproduction.intention_model(cb)) + "\nbi ~ pe + ee + si + fc + age"
    expected = sem.paths(sem.fit(text, data))
    assert paths["predictor"].tolist() == ["pe", "ee", "si", "fc", "age"]
    assert paths[["std", "est", "se", "p"]].to_numpy() == pytest.approx(expected[["std", "est", "se", "p"]].to_numpy(), abs=1e-9)
    assert cb.text("age", "en") in kernel.value("next(p.alt for p in shown.parts if hasattr(p, 'alt'))")
    kernel.task('ch = Intention(processed, structural="bi ~ pe + ee + si + fc + age", lang="en")\nsyntax = ch.model_syntax().data')
    assert "bi ~ pe + ee + si + fc + age" in kernel.value("syntax") and "pe =~ pe_1 + pe_2 + pe_3" in kernel.value("syntax")


def test_a_table_of_ones_own_goes_through_the_small_cell_policy(kernel, tmp_path):
    """Education level by use at work has cells under min_cell on the default: none is shown, and none follows
    from the totals shown (the disclosure scan of its page and its CSV); unprotected, the scan finds them."""
    for min_cell, folder in ((5, tmp_path / "safe"), (1, tmp_path / "open")):
        kernel.task(f'ch = ProsCons(processed, lang="en", min_cell={min_cell}, artifacts={str(folder / "03_pros_cons_files")!r})\n'
                    't = pd.crosstab(ch.analysis_data()["education_level"], ch.analysis_data()["use_work"], margins=True)')
        page = kernel.task('ch.table(t, "Use at work by education level", "use_by_education", counts=list(t.columns))')["html"]
        (folder / "03_pros_cons.html").write_text(f'<html lang="en"><body>{"".join(page)}</body></html>', encoding="utf-8")
    assert scan_run(tmp_path / "safe", 5) == []
    assert {f.rule for f in scan_run(tmp_path / "open", 5)} >= {"a"}
    assert kernel.value("ch.table(t.astype(float), 'x', 'y').frame.shape[0]") == 4   # floats: no counts to protect


@pytest.mark.parametrize("cell, names", [
    ('ProsCons(processed, lang="fr")', ("lang", "'nl'", "'en'")),
    ('ProsCons(processed, min_cell=0)', ("min_cell", "at least 1")),
    ('ProsCons(processed, lang="en").likert("pro", among="local")', ("among", "'all'", "'users'", "query")),
    ('ProsCons(processed, among=[1, 2])', ("among", "boolean mask")),
    ('Waves(processed, None)', ("compare_with", "processed data of an earlier run")),
    ('ProsCons(processed).table(pd.DataFrame({"n": [3, 40]}), "t", "t")', ("whole numbers", "counts=", "['n']")),
    ('Intention(processed, structural="bi")', ("structural", "lavaan syntax")),
])
def test_a_wrong_parameter_gets_one_line_naming_it_and_what_it_takes(kernel, cell, names):
    error = kernel.run(cell)["error"]
    assert error is not None and error.startswith("ValueError: ") and "\n" not in error, error
    assert all(name in error for name in names), error


def test_the_data_dictionary_lists_every_variable_of_the_processed_data(kernel, data, cb):
    kernel.task('ch = ProsCons(processed, lang="en")\nwords = ch.dictionary().frame')
    assert kernel.value("words['variable'].tolist()") == list(data.columns)[:len(cb.variables)] + [c for c in data.columns if c not in cb.variables]
    assert "1 = Man; 2 = Woman; 3 = Prefer not to say" in kernel.value("words.set_index('variable').loc['gender', 'values']")
