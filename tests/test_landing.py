"""The landing pages: rendered from a template, in the run's language, every outside value escaped."""
import re

import pytest

from helpers.present import landing

HOSTILE = '<img src=x onerror="alert(1)">'


def manifest(lang: str, file: str = "wave2.csv") -> dict:
    report = {"notebook": "02_usage", "title": f"02 · {HOSTILE}", "seconds": 3.2, "warnings": 0, "key_figure": f"53% {HOSTILE}"}
    return {"lang": lang, "finished": "2026-12-01T10:00:00", "reports": {"02_usage": report},
            "source": {"file": file, "rows": 576, "sha256": "ab" * 32, "synthetic": True, "seed": 1, "commit": "abc1234"}}


@pytest.mark.parametrize("lang, run, other", [("nl", "wave2", "wave2_en"), ("en", "wave2_en", "wave2")])
def test_a_runs_page_speaks_its_language_and_links_the_other_when_it_is_built(lang, run, other):
    page = landing.run_index(run, {**manifest(lang), "twin": other}, key="k")
    assert f'<html lang="{lang}">' in page and f'href="../{other}/index.html"' in page
    assert ("Begin hier" in page) == (lang == "nl") and ("Begin here" in page) == (lang == "en")
    assert ("3,2 s" if lang == "nl" else "3.2 s") in page   # the notebook's time, written as the language writes it
    assert (">in orde ·" if lang == "nl" else ">ok ·") in page   # the notebook's status
    assert "hreflang" not in landing.run_index(run, manifest(lang), key="k")   # built alone: no link to a run not built


def test_the_index_of_every_run_is_dutch_and_each_run_speaks_its_own_language():
    page = landing.all_runs({"wave2": manifest("nl"), "wave2_en": manifest("en")}, key="k")
    assert '<html lang="nl">' in page and "Alle runs" not in page and "Eén map per export en taal" in page
    dutch, english = page.split('<section lang="nl">')[1], page.split('<section lang="en">')[1]
    assert "Databron" in dutch.split("</section>")[0] and "Data source" in english.split("</section>")[0]
    assert "with code" in english and "met code" in dutch.split("</section>")[0]


@pytest.mark.parametrize("lang", ["nl", "en"])
def test_the_study_is_referenced_with_its_publishers_and_no_author(lang):
    page = landing.run_index("wave2", manifest(lang), key="k")
    reference = page.split('<div class="reference">')[1].split("</div>")[0]
    assert '<i lang="nl">Generatieve AI bij lokale en Vlaamse overheden: Een studie rond gebruik' in reference
    assert "(2025)" in reference and "Digitaal Vlaanderen" in reference and "VVSG" in reference
    assert ("Uitgegeven door" if lang == "nl" else "Published by") in reference
    assert ("noemt geen auteurs" if lang == "nl" else "names no authors") in reference


def test_a_file_name_in_the_banner_is_code_never_markup():
    """A real export's banner: its file name and checksum as code, backticks and all, escaped once."""
    source = {"file": "wave`2 *x*.csv", "rows": 576, "sha256": "ab" * 32, "synthetic": False, "commit": "abc1234"}
    page = landing.run_index("wave2", {**manifest("nl"), "source": source}, key="k")
    banner = page.split('<div class="banner">')[1].split("</div>")[0]
    assert "<code>wave`2 *x*.csv</code>" in banner and f"<code>{'ab' * 6}</code>" in banner
    assert "`" not in banner.replace("wave`2", "") and "<em>" not in banner


def test_every_outside_value_is_text_and_no_script_may_run():
    page = landing.all_runs({"wave2": manifest("nl", file=f"{HOSTILE}.csv")}, key="k")
    assert "<img" not in page and "onerror=\"" not in page and page.count("&lt;img") == 4   # banner, source table, title, key figure
    assert "&amp;lt;" not in page, "escaped twice"
    assert re.search(r"Content-Security-Policy\" content=\"default-src 'none'", page)


def test_a_run_links_its_combined_document_as_far_as_it_exists():
    run = manifest("nl")
    assert "book.html" not in landing.run_index("wave2", run, key="k")
    run["document"] = {"key": "d", "outputs": {"book.html": "a"}}
    page = landing.run_index("wave2", run, key="k")
    assert 'href="book.html"' in page and "book.pdf" not in page
    run["document"]["outputs"]["book.pdf"] = "b"
    assert 'href="book.pdf"' in landing.run_index("wave2", run, key="k")
    assert 'href="wave2/book.pdf"' in landing.all_runs({"wave2": run}, key="k")


@pytest.mark.parametrize("lang, missing", [("nl", "niet in het rapport"), ("en", "not in the report")])
def test_the_run_page_lists_every_numbered_table_and_figure_with_its_place_in_the_report(lang, missing):
    run = manifest(lang)
    run["reports"]["02_usage"]["numbering"] = [{"label": "Tabel 2.1", "title": "Gebruik", "report": "Tabel 1"},
                                               {"label": "Figuur 2.1", "title": HOSTILE, "report": ""}]
    page = landing.run_index("wave2", run, key="k")
    rows = re.findall(r'<tr><td><a href="02_usage.html">(.*?)</a></td><td>(.*?)</td><td>(.*?)</td></tr>', page)
    assert rows == [("Tabel 2.1", "Gebruik", "Tabel 1"), ("Figuur 2.1", "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;", missing)]
    assert "numbering" not in landing.run_index("wave2", manifest(lang), key="k")   # an older run without the list
