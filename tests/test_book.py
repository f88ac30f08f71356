"""The publication: numbers as the page's language writes them, chart titles and sources never cut off or
covered, one frame on every page (chapters, previous/next, the other language, downloads), and no word
of the other language on a rendered page."""
import re

import numpy as np
import pandas as pd
import pytest

from helpers.present import book, plots, tables
from helpers.present.result import cells, masked, p_cells
from helpers.present.text import localise, number
from tests.chart_fit import misfits
from tests.page_language import DUTCH_DECIMAL_POINT, NEGATIVE_ZERO, foreign

LONG = ("Naar welke vorm gaat uw voorkeur uit om bij te leren over generatieve AI, en welke locatie verkiest u "
        "voor een opleiding rond generatieve AI?")
FOOTER = "Basis: N = 478. Bron: bevraging Generatieve AI bij lokale en Vlaamse overheden (Digitaal Vlaanderen, VVSG); " * 2


@pytest.mark.parametrize("value, decimals, lang, written", [
    (-1234.567, 2, "nl", "−1234,57"), (-0.001, 2, "nl", "0,00"), (-0.004, 2, "en", "0.00"), (12345, 0, "nl", "12\u00a0345"),
    (12345.6, 1, "en", "12,345.6"), (0.5, 1, "nl", "0,5"), (-3, 0, "en", "−3")])
def test_a_number_as_the_language_writes_it(value, decimals, lang, written):
    assert number(value, decimals, lang) == written


def test_numbers_inside_a_text_are_localised_but_names_and_years_are_not():
    assert localise("d = -0.00, p < .001, 95% CI [-0.12, 0.34]", "nl") == "d = 0,00, p < ,001, 95% CI [−0,12; 0,34]"
    assert localise("2015-2020, Q1_2, 1.2.3, 4-5", "nl") == "2015-2020, Q1_2, 1.2.3, 4-5"
    assert localise("r = -0.25", "en") == "r = −0.25"


def test_a_dutch_table_writes_dutch_numbers_and_aligns_words_left():
    frame = masked(pd.DataFrame({"label": ["Een lang item", "Nog een item"], "mean": [3.456, -0.001], "percent": [12.34, 50.0],
                                 "p": [0.0001, 0.032], "n": [12345.0, 7.0]}), {"percent": [False, True]})
    printed = pd.DataFrame({"Item": frame["label"], "M": cells(frame, "mean", 2, "nl"), "% 4–5": cells(frame, "percent", 1, "nl"),
                            "p": p_cells(frame, "p", "nl"), "N": cells(frame, "n", 0, "nl")})
    html = tables.styled(printed, "Tabel 2.1. Titel", lang="nl").to_html()
    shown = re.findall(r"<td[^>]*>(.*?)</td>", html)
    assert shown == ["Een lang item", "3,46", "12,3", "&lt; ,001", "12\u00a0345", "Nog een item", "0,00", "[c]", ",032", "7"]
    assert re.search(r"\.col0 \{\s*text-align: left", html) and not re.search(r"\.col1 \{\s*text-align: left", html)


def likert_data() -> pd.DataFrame:
    rng = np.random.default_rng(1)
    return pd.DataFrame({f"item_{i}": rng.integers(1, 6, 200) for i in range(4)})


def pooled_likert() -> pd.DataFrame:
    """Four items, the last with an answer of two respondents: charted in three hatched parts with the pooled legend entry."""
    data = likert_data()
    data["item_3"] = np.r_[[1, 1], np.random.default_rng(2).integers(2, 6, len(data) - 2)]
    return data


def edge_map():
    """The map with large circles at the edges of Flanders and Brussels (De Panne, Voeren, Knokke) and in Wallonia."""
    from helpers.prepare import geo

    places = geo.bubbles(geo.lookup(pd.Series(["8660"] * 60 + ["3798"] * 60 + ["8300"] * 40 + ["1000"] * 98 + ["6700"] * 30)), 5)
    return plots.bubble_map(geo.boundaries(), places, LONG, FOOTER, "Respondenten per gemeente:", "02000", "04000")


SCALE = {1: "Helemaal geen nadeel", 2: "Eerder geen nadeel", 3: "Neutraal", 4: "Eerder een nadeel", 5: "Zeker een nadeel"}
GROUPED = pd.DataFrame({"Categorie": ["Gebrek aan vaardigheden of kennis om het te gebruiken", "Andere"],
                        "Werk (N=415)": [12.5, 3.25], "Vrije tijd (N=411)": [40.0, 7.75]})
PATHS = {"pe": "Prestatieverwachting", "ee": "Verwacht gebruiksgemak", "bi": "Gebruiksintentie", "age": "Leeftijd"}
CHARTS = {   # one chart of each kind the report draws, each with a long title and long labels
    "bars": lambda: plots.bar_chart(pd.DataFrame({"Jaar": ["<2010", "2010", "2011"], "n": [40.0, 12.5, 3.0]}), "Jaar", "n", LONG),
    "highlighted": lambda: plots.bar_chart(pd.DataFrame({"Jaar": ["<2010", *map(str, range(2010, 2025))], "n": np.arange(16.0) * 4}),
                                           "Jaar", "n", LONG, highlight=["2020", "2021"],
                                           legend=("gestart na 2019", "gestart in 2019 of vroeger")),
    "grouped": lambda: plots.grouped_bars(GROUPED, "Categorie", ["Werk (N=415)", "Vrije tijd (N=411)"], LONG, "%"),
    "likert": lambda: plots.diverging_bars(likert_data(), [f"item_{i}" for i in range(4)], ["Een item met een lange tekst"] * 4,
                                           SCALE, LONG, 5, "gearceerd: samengevoegd"),
    "likert_pooled": lambda: plots.diverging_bars(pooled_likert(), [f"item_{i}" for i in range(4)],
                                                  ["geven niet altijd het gewenste resultaat"] * 4, SCALE, LONG, 5,
                                                  "gearceerd: antwoorden samengevoegd (kleine cel)"),
    "flow": lambda: plots.flow_chart(["Antwoorden", "Geen toestemming", "Steekproef"], pd.Series([576, 500, 478]),
                                     pd.Series([0, 76, 22]), LONG, "n"),
    "profile": lambda: plots.profile_chart(pd.DataFrame({"mean": [3.14, 3.52], "ci_low": [3.0, 3.4], "ci_high": [3.3, 3.6]}),
                                           ["Technisch", "Ethisch"], LONG, "1-5"),
    "paths": lambda: plots.path_diagram(pd.DataFrame({"predictor": ["pe", "ee"], "outcome": "bi", "std": [0.6, -0.004],
                                                      "p": [0.0001, 0.9]}), PATHS, {"bi": 0.37}, LONG),
    "mediation": lambda: plots.path_diagram(pd.DataFrame({"predictor": ["pe", "ee", "age"], "outcome": ["bi", "bi", "pe"],
                                                          "std": [0.6, -0.004, 0.1], "p": [0.0001, 0.9, 0.03]}),
                                            PATHS, {"bi": 0.37, "pe": 0.01}, LONG),
    "map": edge_map,
}


@pytest.mark.parametrize("dpi", [110, 150])   # as the page shows it, as NAME_files/ keeps it
@pytest.mark.parametrize("kind", list(CHARTS))
def test_title_and_footer_fit_the_figure_and_cover_nothing(kind, dpi):
    fig = plots.finish(CHARTS[kind](), FOOTER, "nl")
    fig.set_dpi(dpi)
    fig.draw_without_rendering()
    width = fig.bbox.width
    title, footer = fig._suptitle.get_window_extent(), fig._supxlabel.get_window_extent()
    for extent in (title, footer):
        assert 0 <= extent.x0 and extent.x1 <= width, (kind, extent, width)
    others = [legend.get_window_extent() for legend in fig.legends] + [ax.get_tightbbox() for ax in fig.axes]
    assert not any(title.overlaps(o) or footer.overlaps(o) for o in others), kind


@pytest.mark.parametrize("dpi", [110, 150])
@pytest.mark.parametrize("kind", list(CHARTS))
def test_every_artist_lies_inside_the_saved_figure(kind, dpi):
    """Texts, legends, bars, value labels, ticks and circles, as drawn: none outside the figure, no bar cut by the plot's
    edge, no circle (the map's places) cut by the map's frame (tests.chart_fit)."""
    assert not misfits(plots.finish(CHARTS[kind](), FOOTER, "nl"), dpi)


def test_a_legend_too_wide_for_one_row_reads_row_by_row():
    fig = plots.finish(CHARTS["likert_pooled"](), FOOTER, "nl")
    fig.draw_without_rendering()
    texts = fig.axes[0].get_legend().get_texts()
    rows = {round(text.get_window_extent().y0) for text in texts}
    reading = sorted(texts, key=lambda text: (-round(text.get_window_extent().y0), text.get_window_extent().x0))
    assert len(rows) > 1 and [text.get_text() for text in reading] == [*SCALE.values(), "gearceerd: antwoorden samengevoegd (kleine cel)"]


def test_the_highlight_of_a_bar_chart_is_explained():
    legend = CHARTS["highlighted"]().axes[0].get_legend()
    assert [text.get_text() for text in legend.get_texts()] == ["gestart in 2019 of vroeger", "gestart na 2019"]


@pytest.mark.parametrize("kind", list(CHARTS))
def test_chart_numbers_are_dutch_on_a_dutch_page(kind):
    fig = plots.finish(CHARTS[kind](), "Bron", "nl")
    fig.draw_without_rendering()
    texts = [t.get_text() for t in fig.findobj(plots.matplotlib.text.Text)] + [fig.alt]
    assert not [t for t in texts if DUTCH_DECIMAL_POINT.search(t) or NEGATIVE_ZERO.search(t)
                or "-" in re.sub(r"\d-\d|\w-\w", "", t)], kind


def test_likert_middle_answer_is_grey_and_shares_are_printed():
    fig = plots.diverging_bars(likert_data(), ["item_0"], ["Item"], {c: str(c) for c in range(1, 6)}, "Titel", 5, "gearceerd")
    ax = fig.axes[0]
    assert plots.matplotlib.colors.to_hex(ax.patches[2].get_facecolor()) == plots.NEUTRAL
    assert any(t.get_text().isdigit() for t in ax.texts)


def test_frame_links_chapters_neighbours_the_other_language_and_downloads():
    chapters = [("01_cleaning", "01 · Cleaning"), ("02_usage", "02 · Gebruik"), ("03_pros_cons", "03 · Voor- en nadelen")]
    page = book.frame(chapters, "02_usage", "nl", "wave2_en", ["a.csv", "a.png", "key_figure.txt"], reviewer=False)
    assert [c["href"] for c in page["chapters"]] == ["01_cleaning.full.html", "02_usage.full.html", "03_pros_cons.full.html"]
    assert [c["current"] for c in page["chapters"]] == [False, True, False]
    assert page["previous"]["href"] == "01_cleaning.full.html" and page["next"]["title"] == "03 · Voor- en nadelen"
    assert page["language"] == {"href": "../wave2_en/02_usage.full.html", "label": "English", "lang": "en"}
    assert page["version"]["href"] == "02_usage.html"
    assert [d["href"] for d in page["downloads"]] == ["02_usage_files/a.csv", "02_usage_files/a.png"]
    alone = book.frame(chapters, "01_cleaning", "en", None, [], True)   # the other language's run is not built
    assert alone["previous"] is None and alone["language"] is None




@pytest.mark.slow
@pytest.mark.parametrize("stem", ["01_cleaning", "02_usage"])
@pytest.mark.parametrize("lang, folder", [("nl", "synthetic_default"), ("en", "synthetic_default_en")])
def test_a_rendered_page_speaks_one_language(rendered, lang, folder, stem):
    html = (rendered / folder / f"{stem}.html").read_text(encoding="utf-8")
    assert not foreign(html, lang)
    assert lang == "en" or re.search(r"<td[^>]*>\s*\d+,\d+", html)   # there are Dutch numbers to check


@pytest.mark.slow
@pytest.mark.parametrize("lang, folder", [("nl", "synthetic_default"), ("en", "synthetic_default_en")])
def test_a_rendered_page_has_the_frame(rendered, lang, folder):
    source = (rendered / folder / "02_usage.html").read_text(encoding="utf-8")
    other = "synthetic_default_en" if lang == "nl" else "synthetic_default"
    for link in ('href="01_cleaning.html" rel="prev"', 'href="02_usage.full.html"', f'href="../{other}/02_usage.html"',
                 'href="02_usage_files/usage_frequency.csv"', 'aria-current="page"'):
        assert link in source, link
    assert (rendered / other / "02_usage.html").is_file()
