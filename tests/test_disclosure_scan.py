"""The disclosure scanner (tests/disclosure_scan.py): it finds each kind of planted leak and nothing on a
clean run folder; and, end to end, no run of the pipeline shows or implies a count of 1..min_cell-1."""
from pathlib import Path

import pytest

from helpers.runner import run
from helpers.synth import generate, write_export
from tests.disclosure_scan import scan_run

PAGE = """<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8"></head><body><main>
<p>Synthetic data. {text}</p>{body}</main></body></html>"""


def table(caption: str, header: list[str], rows: list[list]) -> str:
    head = "".join(f"<th>{h}</th>" for h in header)
    cells = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><caption>{caption}</caption><thead><tr>{head}</tr></thead><tbody>{cells}</tbody></table>"


def plant(folder: Path, *, body: str = "", text: str = "", csv: str | None = None, alt: str = "",
          svg: str = "", key: str = "", lang: str = "en") -> Path:
    """A run folder with one reviewer page (its body, narrative and a figure's alt text) and its artefacts."""
    files = folder / "02_usage_files"
    files.mkdir(parents=True)
    figure = f'<figure><img src="data:image/png;base64," alt="{alt}"></figure>' if alt else ""
    (folder / "02_usage.html").write_text(PAGE.format(lang=lang, text=text, body=body + figure), encoding="utf-8")
    (folder / "02_usage.full.html").write_text(PAGE.format(lang=lang, text="n = 2 in code", body=""), encoding="utf-8")
    (folder / "index.html").write_text(PAGE.format(lang=lang, text="478 respondents", body=""), encoding="utf-8")
    (files / "key_figure.txt").write_text(key or "53.1% use it weekly", encoding="utf-8")
    if csv is not None:
        (files / "usage.csv").write_text(csv, encoding="utf-8")
    if svg:
        (files / "chart.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg"><text>{svg}</text></svg>', encoding="utf-8")
    return folder


GENDER = [["Man", "222", "46.4"], ["Vrouw", "254", "53.1"], ["Zeg ik liever niet", "&lt;5", "·"]]
SAFE = [["Man", "222", "46.4"], ["Vrouw", "250", "52.3"], ["Anders", "&lt;5", "·"], ["Zeg ik liever niet", "&lt;5", "·"],
        ["Totaal", "478", "100.0"]]   # the two hidden cells together: 6
CLEAN = (table("Table 1.3. Gender (N=478)", ["Categorie", "n", "%"], SAFE)
         + table("Table 1.4. Items (N=415)", ["Item", "N", "M", "% 4–5"], [["Saves time", "415", "4.2", "87.5"]]))
CLEAN_CSV = "Categorie,n,%\n" + "\n".join(",".join(r).replace("&lt;", "<") for r in SAFE) + "\n"


def rules(findings) -> set[tuple[str, str]]:
    return {(f.file, f.rule) for f in findings}


def test_a_clean_run_folder_has_no_finding(tmp_path):
    folder = plant(tmp_path, body=CLEAN, csv=CLEAN_CSV, text="Of the 478 respondents (N=478), 415 use it.",
                   alt="Use at work (N=478). Weekly: % 29.5; Daily: % 23.6", svg="Werk (N=415)", key="n = 478 respondents")
    assert scan_run(folder, 5) == []


def test_a_small_count_shown_directly_is_found_in_every_kind_of_artefact(tmp_path):
    body = (table("Table 7.2. Postcodes without a place", ["Reason", "n"], [["Missing", "12"], ["Not Belgian", "3"]])
            + table("Other reasons (open answers)", ["Aantal open antwoorden"], [["2"]]))
    folder = plant(tmp_path, body=body, csv="Categorie,Werk: n,Age 65+ (N=4)\nClaude,2,50\nChatGPT,276,\n",
                   text="Only a few (n = 4) said so.",
                   alt="Per province. Limburg: n 45; Unknown: n 1", svg="Age 65+ (N=3)", key="Largest: Brussel (n=2)")
    found = scan_run(folder, 5)
    assert rules(found) == {("02_usage.html", "a"), ("02_usage_files/usage.csv", "a"), ("02_usage_files/chart.svg", "a"),
                            ("02_usage_files/key_figure.txt", "a")}
    cells = {f.cell for f in found}
    assert {"Not Belgian · n", "2 · Aantal open antwoorden", "Claude · Werk: n", "N=4", "n = 4", "n 1", "N=3", "n=2"} <= cells
    assert not any("Missing" in c or "Limburg" in c for c in cells)


def test_the_combined_document_is_read_too(tmp_path):
    folder = plant(tmp_path, body=CLEAN)
    (folder / "book.html").write_text(PAGE.format(lang="en", text="Only a few (n = 3) said so.", body=CLEAN), encoding="utf-8")
    assert [(f.file, f.cell) for f in scan_run(folder, 5)] == [("book.html", "n = 3")]


def test_a_count_label_in_a_charts_alt_text_is_found(tmp_path):
    folder = plant(tmp_path, alt="Chart 1: start year. &lt;2010: 46; 2011: 3; 2012: 6")
    assert [f.cell for f in scan_run(folder, 5)] == ["2011: 3"]


def test_a_percentage_with_its_base_implies_a_small_count_or_complement(tmp_path):
    body = table("Table 9.3. Use by age", ["Group", "n", "% ever at work"], [["31-40", "146", "91.8"], ["65+", "8", "75.0"]]) \
        + table("Table 2.7. Paid versions", ["Category", "Work: n", "Work: % of respondents (N=145)"],
                [["ChatGPT", "45", "31.0"], ["Claude", "&lt;5", "2.1"]]) \
        + table("Table 9.1. Weighted", ["Indicator", "", "n", "Ongewogen", "Gewogen"],
                [["Daily", "%", "27", "92.60", "90.10"], ["Literacy", "M", "30", "2.0", "2.1"]])
    folder = plant(tmp_path, body=body, alt="Reasons (N=63). Skills: Work (N=63) 22.2; Ethics: Work (N=63) 4.8")
    found = scan_run(folder, 5)
    assert {f.rule for f in found} == {"b"}
    assert {f.cell for f in found} == {"65+ · % ever at work", "Claude · Work: % of respondents (N=145)",
                                       "Daily · Ongewogen", "Ethics: Work (N=63) 4.8"}
    assert [f.value for f in found if f.cell.startswith("65+")] == ["75.0% of 8: complement 2"]   # 6 of 8 use it, 2 do not


def test_a_sentence_gives_a_small_count_by_name_or_by_a_share_of_the_base_it_states_next(tmp_path):
    text = ("Of 478 respondents, 63 respondents (13.2%; N = 478) never use it; 3 respondents use Claude."
            " Used most for drafting (91.7% often or always; N = 24); daily: 2 of N = 478."
            " More users see advantages (88.5% agree) than disadvantages (23.1%): 65.4 points (p < .001; N = 26)."
            " Higher at work: 14.9 percentage points (95% CI 10.4 to 19.3; N = 30)."
            " Weekly at work (98.0%; N = 478), in free time (50.0%; N = 100).")   # 98.0% is of 478, not of 100
    found = scan_run(plant(tmp_path, text=text, key="23.6% use it daily (113 of N = 478)."), 5)
    assert {(f.cell[:22], f.rule, f.value) for f in found} == {
        ("3 respondents", "a", "n = 3"), ("2 of N = 478", "a", "n = 2"),
        ("Used most for drafting", "b", "91.7% of 24"),   # 22 of 24: 2 do not
        ("More users see advanta", "b", "88.5% of 26"),   # 23 of 26: 3 do not; 23.1% is 6 of 26
    }


def test_a_dutch_page_is_read_with_its_decimal_comma(tmp_path):
    body = (table("Tabel 9.3. Gebruik per leeftijd", ["Groep", "n", "% ooit op het werk"],
                  [["31-40", "146", "91,8"], ["65+", "8", "75,0"]])
            + table("Tabel 1.1. Steekproef", ["Categorie", "n"],   # thousands apart from 10 000 on
                    [["Vlaams", "12\u00a0340"], ["Federaal", "[c]"], ["Totaal", "12\u00a0343"]]))
    folder = plant(tmp_path, body=body, lang="nl", text="Vaak gebruikt voor teksten (91,7% vaak of altijd; N = 24).",
                   alt="Redenen (N=63). Vaardigheden: Werk (N=63) 22,2; Ethiek: Werk (N=63) 4,8",
                   key="Dagelijks gebruik (4,2%; N = 24).")
    assert {(f.file, f.cell) for f in scan_run(folder, 5)} == {
        ("02_usage.html", "65+ · % ooit op het werk"),                      # 6 of 8 use it, 2 do not
        ("02_usage.html", "Vaak gebruikt voor teksten (91.7% vaak of altijd; N = 24)"),
        ("02_usage.html", "Ethiek: Werk (N=63) 4.8"),                        # 3 of 63
        ("02_usage.html", "Σ hidden · n"),                                   # 12 343 - 12 340
        ("02_usage_files/key_figure.txt", "Dagelijks gebruik (4.2%; N = 24)"),   # 1 of 24
    }


def test_a_rounded_percentage_that_could_stand_for_a_safe_count_is_not_a_finding(tmp_path):
    body = table("Items (N=415)", ["Item", "N", "% 4–5"], [["Saves time", "415", "1"]])   # 1% of 415: 2 to 6 people
    assert scan_run(plant(tmp_path, body=body), 5) == []


def test_the_total_row_minus_the_shown_cells_gives_the_hidden_one_away(tmp_path):
    rows = GENDER + [["Totaal", "478", "100.0"]]
    folder = plant(tmp_path, body=table("Table 1.3. Gender (N=478)", ["Categorie", "n", "%"], rows),
                   csv="Categorie,n\nLaag,<5\nMidden,41\nHoog,433\nTotaal,478\n")
    found = scan_run(folder, 5)
    assert rules(found) == {("02_usage.html", "c"), ("02_usage_files/usage.csv", "c")}
    assert {f.value for f in found} >= {"total 478 - shown 476 = 2", "total 478 - shown 474 = 4"}


def test_two_hidden_cells_that_together_reach_the_threshold_are_safe(tmp_path):
    rows = [["A", "100"], ["B", "&lt;5"], ["C", "&lt;5"], ["Totaal", "107"]]
    assert scan_run(plant(tmp_path, body=table("T", ["Cat", "n"], rows)), 5) == []


def test_tables_that_share_a_total_give_a_hidden_cell_away(tmp_path):
    body = (table("Table 1.4. Education (N=478)", ["Categorie", "n", "%"],   # safe alone: the two hidden make 10
                  [["Laag", "&lt;5", "·"], ["Midden", "&lt;5", "·"], ["Hoog", "468", "97.9"], ["Totaal", "478", "100.0"]])
            + table("Table 9.4. Use by education", ["Categorie", "n"], [["Laag", "&lt;5"], ["Midden", "6"], ["Hoog", "468"]])
            + table("Table 1.5. Government", ["Categorie", "n", "%"], [["Lokaal", "315", "65.9"], ["Vlaams", "163", "34.1"]])
            + table("Table 7.3. Provinces", ["Plaats", "n"], [["Limburg", "45"], ["Onbekend", "6"]])
            + table("Table 7.4. Provinces by government", ["Plaats", "Lokaal", "Vlaams"],
                    [["Limburg", "38", "7"], ["Onbekend", "5", "&lt;5"], ["Rest", "272", "152"]]))
    published = ("Cijfer,Gepubliceerd,Berekend,Verschil,Tolerantie,Binnen tolerantie\n"
                 "Tabel 1: man (n),222,222,0.0,0.0,ja\nTabel 1: anders (n),2,·,,0.0,ja\nTabel 1: x (n),7,·,-4.0,0.0,nee\n")
    found = scan_run(plant(tmp_path, body=body, csv=published), 5)
    assert {f.rule for f in found} == {"d"}
    assert {(f.where[:9], f.cell) for f in found} == {
        ("Table 9.4", "Σ hidden · n"),                           # 478 in Table 1.4 minus 6 and 468: 4
        ("Table 7.4", "Onbekend · row"),                         # 6 in Table 7.3 minus 5: 1
        ("Table 7.4", "Σ hidden · Vlaams"),                      # 163 in Table 1.5 minus 7 and 152: 4
        ("usage", "Tabel 1: anders (n) · Binnen tolerantie"),    # within a tolerance of 0 of a published 2
        ("usage", "Tabel 1: x (n) · Verschil"),                  # published 7 + difference -4: 3
    }


def test_a_higher_threshold_finds_more(tmp_path):
    folder = plant(tmp_path, body=table("T", ["Reason", "n"], [["Missing", "7"]]))
    assert scan_run(folder, 5) == [] and [f.value for f in scan_run(folder, 10)] == ["n = 7"]


# --- End to end: the pipeline's own runs ------------------------------------------------------------

@pytest.fixture(scope="module", params=["default", "n30"])
def export_file(request, tmp_path_factory, params, cb):
    """The synthetic default export, and a 30-respondent one, written as CSV."""
    n = None if request.param == "default" else 30
    folder = tmp_path_factory.mktemp(request.param)
    return write_export(generate(params, n_valid=n, cb=cb), folder / f"{request.param}.csv", params)


@pytest.mark.slow
@pytest.mark.parametrize("min_cell", [5, 10])
def test_no_run_shows_or_implies_a_small_count(export_file, min_cell, tmp_path, monkeypatch):
    monkeypatch.setattr(run, "BUILD_DIR", tmp_path / "build")
    monkeypatch.setattr(run, "PROCESSED_DIR", tmp_path / "processed")
    out = tmp_path / "reports"
    assert run.main(["--raw", str(export_file), "--out", str(out), "--min-cell", str(min_cell), "--name", "scan"]) == 0
    assert (out / "scan" / "book.html").is_file()   # the combined document is scanned with the pages
    findings = scan_run(out / "scan", min_cell)
    assert not findings, f"{len(findings)} finding(s):\n" + "\n".join(map(str, findings))
