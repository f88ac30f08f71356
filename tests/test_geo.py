"""Postcodes to places, offline; small places merged, never drawn alone; unknown postcodes accounted for."""
import socket

import numpy as np
import pandas as pd
import pytest

from helpers.prepare import geo
from helpers.present import plots
from helpers.present.tables import places_result, unknown_places_result
from tests.chart_fit import misfits
from helpers.present.text import t


@pytest.fixture(scope="module")
def known():
    return geo.lookup(pd.Series(["1000", "3000", "9000", "2000"])).set_index("postcode")


def test_brussels(known):
    assert known.loc["1000", "municipality"] == "Brussel"
    assert known.loc["1000", "region_id"] == "04000"
    assert t(f"region_{known.loc['1000', 'region_id']}", "en") == "Brussels-Capital Region"


def test_leuven(known):
    row = known.loc["3000"]
    assert (row["municipality"], row["province"]) == ("Leuven", "Vlaams-Brabant")
    assert t(f"region_{row['region_id']}", "en") == "Flemish Region"
    assert row["municipality_id"] == "24062"   # REFNIS


def test_gent_and_antwerpen(known):
    assert (known.loc["9000", "municipality"], known.loc["9000", "province"]) == ("Gent", "Oost-Vlaanderen")
    assert known.loc["2000", "municipality"] == "Antwerpen"


def test_points_lie_in_belgium(known):
    assert known["lon"].between(2.5, 6.4).all() and known["lat"].between(49.5, 51.5).all()


@pytest.mark.parametrize("answer, reason", [("0000", "not_belgian"), ("99999", "malformed"), ("abcd", "malformed"),
                                            ("", "missing"), (None, "missing"), ("75001", "malformed")])
def test_unplaceable_postcodes_have_a_reason(answer, reason):
    assert geo.lookup(pd.Series([answer]))["reason"].iloc[0] == reason


def test_unknown_places_counts_every_reason():
    looked_up = geo.lookup(pd.Series(["0000", "abcd", "99999", None, "3000"]))
    assert unknown_places_result(looked_up, 0, "en", min_cell=1).printed("en")["n"].tolist() == ["1", "2", "1", "0", "4"]
    hidden = unknown_places_result(looked_up, 0, "en", min_cell=5)
    assert hidden.printed("en")["n"].tolist() == ["[c]", "[c]", "[c]", "0", "4"]
    assert hidden.frame["hidden_n"].tolist() == [True, True, True, False] and hidden.frame["n"].isna().sum() == 3


def test_a_place_with_fewer_than_min_cell_is_merged_not_drawn_alone():
    """Gent 6 and Kortrijk 5 (shown); Destelbergen 3 and Lochristi 3 (small) pool into their province (6), Ieper's 2
    would pool into West-Vlaanderen alone: a small pool (the province's total minus Kortrijk), so Kortrijk joins it (7)."""
    answers = ["9000"] * 6 + ["9070"] * 3 + ["9080"] * 3 + ["8500"] * 5 + ["8900"] * 2 + ["3000"] * 5
    bubbles = geo.bubbles(geo.lookup(pd.Series(answers)), min_cell=5)
    assert (bubbles["n"] >= 5).all() and bubbles["n"].sum() == len(answers)
    assert bubbles.set_index("name")["n"].to_dict() == {"Gent": 6, "Leuven": 5, "Oost-Vlaanderen": 6, "West-Vlaanderen": 7}
    assert bubbles.set_index("name")["level"].to_dict() == {"Gent": "municipality", "Leuven": "municipality",
                                                          "Oost-Vlaanderen": "province", "West-Vlaanderen": "province"}


def test_what_is_off_the_map_is_never_a_small_count():
    """3 malformed answers would be N minus the rest: the smallest place (Kortrijk 5) is not drawn with them."""
    answers = ["9000"] * 6 + ["8500"] * 5 + ["abcd"] * 3
    bubbles = geo.bubbles(geo.lookup(pd.Series(answers)), min_cell=5)
    assert set(bubbles.dropna(subset=["x"])["name"]) == {"Gent"}
    assert bubbles.set_index("level").loc["hidden", "n"] == 5


@pytest.mark.parametrize("seed", range(5))
def test_no_province_or_region_gives_a_small_count_away(seed):
    """Random answers in 120 of Belgium's municipalities, 1 to 8 in each: what the map accounts for adds up to N with no row
    under min_cell, and for every province (region) whose total the province table shows (at least min_cell), that total
    minus the map's rows wholly inside it is 0 or at least min_cell: no pool, and nothing sent up, is a small count."""
    rng = np.random.default_rng(seed)
    codes = geo.postcode_table().drop_duplicates("municipality_id").index.to_numpy()
    answers = pd.Series([code for code in rng.choice(codes, 120, replace=False) for _ in range(rng.integers(1, 9))]
                        + ["abcd"] * int(rng.integers(0, 4)))
    looked_up = geo.lookup(answers)
    bubbles = geo.bubbles(looked_up, min_cell=5)
    accounted = places_result(bubbles, int((looked_up["reason"] != "").sum()), "nl").frame
    assert accounted["n"].sum() == len(answers) and not accounted["n"].between(1, 4).any()
    placed = looked_up[looked_up["reason"] == ""]
    for level in ("province", "region"):
        area_of = {**placed.groupby("municipality_id")[f"{level}_id"].first().to_dict(),
                   **placed.groupby("province_id")[f"{level}_id"].first().to_dict()}
        rows = bubbles[bubbles["level"].isin(["municipality", "province"] if level == "region" else ["municipality"])]
        for area, total in placed.groupby(f"{level}_id").size().items():
            pooled = bubbles.loc[(bubbles["level"] == level) & (bubbles["id"] == area), "n"].sum()
            inside = rows.loc[rows["id"].map(area_of) == area, "n"].sum()
            assert total < 5 or total - inside - pooled == 0 or total - inside >= 5, (level, area, total, inside, pooled)


def test_no_socket_is_opened(monkeypatch):
    """Lookup, boundaries, bubbles and the map work with the network unavailable."""
    def refuse(*args, **kwargs):
        raise AssertionError("a socket was opened")
    monkeypatch.setattr(socket, "socket", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    geo.postcode_table.cache_clear()
    geo.boundaries.cache_clear()
    places = geo.lookup(pd.Series(["1000"] * 6 + ["9000"] * 5))
    shapes = geo.boundaries()
    fig = plots.bubble_map(shapes, geo.bubbles(places, 5), "t", "listing", "key", "02000", "04000")
    assert fig.axes


EDGES = {"8660": 60, "3798": 60, "8300": 40, "2490": 30, "1000": 30, "1180": 25, "6700": 30, "7700": 12, "4700": 3, "9990": 7,
         "abcd": 2}   # De Panne, Voeren, Knokke, Balen, Brussel, Ukkel; Aarlen, Moeskroen, Eupen; Maldegem; malformed


@pytest.fixture(scope="module")
def edge_map(tmp_path_factory, export, cb):
    """The map chapter on an export whose respondents work at the edges of Flanders and Brussels, and in Wallonia."""
    from helpers.chapter import Places
    from helpers.ingest.io import save_processed
    from helpers.prepare.cleaning import clean

    data = clean(export, cb).data
    codes = [code for code, n in EDGES.items() for _ in range(n)]
    data = data.iloc[:len(codes)].assign(postcode=codes)
    ch = Places(save_processed(data, tmp_path_factory.mktemp("edges") / "edges.parquet"), lang="nl", min_cell=5)
    return ch, ch.map()


def map_circles(fig) -> list:
    return [p for p in fig.axes[0].patches if p.get_gid() == "place"]


@pytest.mark.parametrize("dpi", [110, 150])   # as the page shows it, as NAME_files/ keeps it
def test_the_frame_holds_every_circle_and_nothing_is_cut_off(edge_map, dpi):
    ch, chart = edge_map
    assert len(map_circles(chart.fig)) >= 6 and not misfits(chart.fig, dpi)


def test_every_respondent_is_drawn_or_listed(edge_map):
    """The circles' respondents (read back from their areas), the pooled places and those off the map, as listed under
    the map, add up to N; the places table shows the same rows and N."""
    ch, chart = edge_map
    drawn = sum(round(100 * (c.get_radius() / plots.RADIUS_100) ** 2) for c in map_circles(chart.fig))
    accounted = ch.accounted.frame
    listed = accounted[accounted["level"] != "municipality"]
    assert drawn == accounted.loc[accounted["level"] == "municipality", "n"].sum()
    assert drawn + listed["n"].sum() == len(ch.data) == sum(EDGES.values())
    listing = next(t.get_text() for t in chart.fig.axes[0].texts if t.get_gid() == "listing").replace("\n", " ")
    assert all(f"{row.label} (overige gemeenten) {row.n:.0f}" in listing for row in listed.iloc[:-1].itertuples())
    assert f"Zonder plaats op de kaart: {listed['n'].iloc[-1]:.0f}." in listing and f"N = {len(ch.data)}" in listing
    assert ch.place_table().printed.iloc[-1].tolist() == ["Totaal", "", str(len(ch.data))]


def test_labels_never_overlap_each_other_or_another_circle():
    brussels = [code for code in ("1030", "1040", "1050", "1060", "1070") for _ in range(5)]   # neighbours: labels would collide
    places = geo.bubbles(geo.lookup(pd.Series(["1000"] * 60 + ["9000"] * 5 + ["3000"] * 40 + ["2000"] * 5 + brussels)), 5)
    fig = plots.bubble_map(geo.boundaries(), places, "t", "listing", "key", "02000", "04000")
    fig.draw_without_rendering()
    ax = fig.axes[0]
    labels = [text.get_window_extent() for text in ax.texts if text.get_gid() == "label"]
    circles = [c.get_window_extent() for c in map_circles(fig)]
    assert len(labels) >= 3 and not any(a.overlaps(b) for i, a in enumerate(labels) for b in labels[i + 1:])
    assert sum(label.overlaps(circle) for label in labels for circle in circles) == 0


def test_synthetic_default_largest_bubbles(export_csv, cb):
    from helpers.ingest.io import read_export
    from helpers.prepare.cleaning import clean
    data = clean(read_export(export_csv), cb).data
    largest = geo.bubbles(geo.lookup(data["postcode"]), 5).nlargest(3, "n")["name"]
    assert set(largest) == {"Brussel", "Gent", "Leuven"}


def test_no_placeable_postcode_gives_an_empty_map_not_an_error():
    places = geo.lookup(pd.Series(["0000", "75001", "abcd", None]))
    bubbles = geo.bubbles(places, 5)
    assert bubbles.empty and bubbles["n"].nlargest(3).empty   # typed columns: the key figure's nlargest works
    shapes = geo.boundaries()
    assert plots.bubble_map(shapes, bubbles, "t", "listing", "key", "02000", "04000").axes
    assert unknown_places_result(places, 0, "en", min_cell=1).printed("en")["n"].tolist()[-1] == "4"   # the total row


def test_bars_of_hidden_cells_are_not_drawn():
    table = pd.DataFrame({"label": ["a", "b"], "%": ["62.5", "·"]})
    fig = plots.grouped_bars(table, "label", ["%"], "t", "%")
    assert [bar.get_width() for bar in fig.axes[0].patches] == [0.0, 62.5]   # drawn bottom up: b, a
