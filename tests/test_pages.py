"""Around the pages, as a reviewer checks a fresh `make reports` (both languages, one run): every link resolves, no
page shows a path of the machine that built it, the landing pages are readable by anyone, the combined document states
the banner, the small-cell policy and the package versions once, the map draws or lists every respondent. The checks
(tests/site_check.py) are first shown to fail on planted faults."""
import os
import re
from pathlib import Path

import pandas as pd
import pytest

from helpers.ingest.provenance import write_atomic
from helpers.paths import ROOT
from helpers.runner import run
from tests.site_check import broken_links, landing_pages, machine_paths, unreadable

LANGS = {"synthetic_default": "nl", "synthetic_default_en": "en"}
STATED_ONCE = {"nl": ("Synthetische gegevens.", "[c] = niet getoond", "Versies van de pakketten"),   # the banner's first words
               "en": ("Synthetic data.", "[c] = not shown", "Versions of the packages")}


def test_the_checks_find_planted_faults(tmp_path):
    (tmp_path / "run").mkdir()
    (tmp_path / "run" / "a.html").write_text('<h2 id="x">x</h2><a href="#x">ok</a> <a href="#y">no anchor</a> '
                                             '<a href="b.html#z">b</a> <img src="a_files/gone.png"> <a href="../other/a.html">twin</a> '
                                             '<img src="data:image/png;base64,AAA/tmp/xx"> <a href="https://example.org/home/x">web</a>'
                                             '<p>processed = "/tmp/pytest/build/runs/x/staging.123/data/x.parquet"</p>'
                                             '<p>File C:\\\\Users\\\\me\\\\x.py</p>', encoding="utf-8")
    (tmp_path / "run" / "b.html").write_text('<p id="z">z</p> <a href="a.html#x">back</a>', encoding="utf-8")
    assert broken_links(tmp_path) == ["run/a.html: href='#y': no such anchor", "run/a.html: src='a_files/gone.png': no such file",
                                      "run/a.html: href='../other/a.html': no such file"]
    found = machine_paths(tmp_path, [tmp_path / "elsewhere"])
    assert len(found) == 3 and any("staging.123" in f for f in found) and any("C:" in f for f in found)
    write_atomic(tmp_path / "index.html", lambda tmp: tmp.write_text("<p>all runs</p>", encoding="utf-8"))
    os.chmod(tmp_path / "run" / "a.html", 0o600)
    assert unreadable([tmp_path / "index.html", tmp_path / "run" / "a.html"]) == [f"{tmp_path / 'run' / 'a.html'}: 0o600"]


@pytest.fixture(scope="module")
def fresh(tmp_path_factory, export_csv):
    """`make reports` as the Makefile runs it (both languages in one run), on a copy of the synthetic default, outside
    the working tree, under the usual umask."""
    out = tmp_path_factory.mktemp("fresh") / "reports"
    mask = os.umask(0o022)
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(run, "BUILD_DIR", out.parent / "build")
            patch.setattr(run, "PROCESSED_DIR", out.parent / "processed")
            assert run.main(["--raw", str(export_csv), "--out", str(out), "--lang", "nl", "en"]) == 0
    finally:
        os.umask(mask)
    return out


@pytest.mark.slow
def test_every_link_of_every_page_resolves(fresh):
    assert set(LANGS) <= {p.name for p in fresh.iterdir()}
    assert not broken_links(fresh)
    for folder, lang in LANGS.items():   # each page links its twin in the other language
        other = next(f for f in LANGS if f != folder)
        for page in (fresh / folder).glob("0*.html"):
            assert f'href="../{other}/{page.name}"' in page.read_text(encoding="utf-8"), page


@pytest.mark.slow
def test_no_page_shows_a_path_of_the_machine(fresh, export_csv):
    assert not machine_paths(fresh, [ROOT, fresh.parent, export_csv.parent, Path.home()])


@pytest.mark.slow
def test_the_landing_pages_are_readable_by_anyone(fresh):
    assert len(landing_pages(fresh)) == 5 and not unreadable(landing_pages(fresh))


@pytest.mark.slow
@pytest.mark.parametrize("folder", LANGS)
def test_the_book_states_banner_policy_and_versions_once(fresh, folder):
    book = (fresh / folder / "book.html").read_text(encoding="utf-8")
    assert [book.count(text) for text in STATED_ONCE[LANGS[folder]]] == [1, 1, 1]
    page = (fresh / folder / "02_usage.html").read_text(encoding="utf-8")   # while every page states them
    assert all(text in page for text in STATED_ONCE[LANGS[folder]])


@pytest.mark.slow
@pytest.mark.parametrize("folder", LANGS)
def test_the_map_draws_or_lists_every_respondent(fresh, folder):
    """The places table (the map's circles, pools and those off the map) adds up to N, and the map's own text lists the
    pools and those off the map with N."""
    places = pd.read_csv(fresh / folder / "07_regional_map_files" / "places.csv")
    n = len(pd.read_parquet(fresh.parent / "processed" / f"{folder}.parquet"))
    assert places["n"].sum() == n and (places["n"] >= 5).all()
    alt = re.search(r'alt="(Werklocatie|Work location)[^"]*"', (fresh / folder / "07_regional_map.html").read_text(encoding="utf-8"))[0]
    pooled = places[places["level"] != "municipality"]
    assert all(f" {row.n:.0f}" in alt for row in pooled.itertuples()) and re.search(rf"N = {n}\b", alt)
