"""Postcodes to places, offline; small places merged, never drawn alone; unknown postcodes accounted for."""
import socket

import pandas as pd
import pytest

from helpers.prepare import geo
from helpers.present import plots
from helpers.present.tables import unknown_places_result
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
    """Gent 6 (shown), Destelbergen 3 and Lochristi 3 (small) pool into their arrondissement (6);
    Kortrijk 5 stays on its own; Ieper 2 alone stays too small even for its province and region: not drawn."""
    answers = ["9000"] * 6 + ["9070"] * 3 + ["9080"] * 3 + ["8500"] * 5 + ["8900"] * 2 + ["abcd"] * 3
    bubbles = geo.bubbles(geo.lookup(pd.Series(answers)), min_cell=5)
    drawn = bubbles.dropna(subset=["x"])
    assert (drawn["n"] >= 5).all()
    assert set(drawn["name"]) == {"Gent", "Kortrijk", "Oost-Vlaanderen"}
    assert drawn.set_index("level").loc["arrondissement", "n"] == 6
    assert bubbles.set_index("level").loc["hidden", "n"] == 2
    assert bubbles["n"].sum() == len(answers) - 3


def test_what_is_off_the_map_is_never_a_small_count():
    """Ieper's 2 would be N minus the drawn bubbles: the smallest bubble (Kortrijk 5) is not drawn with them."""
    answers = ["9000"] * 6 + ["8500"] * 5 + ["8900"] * 2
    bubbles = geo.bubbles(geo.lookup(pd.Series(answers)), min_cell=5)
    assert set(bubbles.dropna(subset=["x"])["name"]) == {"Gent"}
    assert bubbles.set_index("level").loc["hidden", "n"] == 7


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
    fig = plots.bubble_map(shapes, geo.bubbles(places, 5), "t", "pooled", "02000", "04000")
    assert fig.axes


def test_the_map_shows_flanders_and_brussels_with_labels_that_never_overlap():
    """Cropped to the two regions (Wallonia's south is outside), pooled places as hatched areas, no label over another."""
    brussels = [code for code in ("1030", "1040", "1050", "1060", "1070") for _ in range(5)]   # neighbours: labels would collide
    places = geo.lookup(pd.Series(["1000"] * 6 + ["9000"] * 5 + ["8400"] * 2 + ["8500"] * 3 + ["2000"] * 5 + brussels))
    shapes = geo.boundaries()
    fig = plots.bubble_map(shapes, geo.bubbles(places, 5), "t", "pooled", "02000", "04000")
    ax = fig.axes[0]
    wallonia = shapes["region"].set_index("region_id").loc[["03000"]].total_bounds
    assert ax.get_ylim()[0] > wallonia[1] + 50_000   # at least 50 km of Wallonia's south left out
    assert any(patch.get_hatch() for patch in ax.collections)
    fig.draw_without_rendering()
    extents = [text.get_window_extent() for text in ax.texts]
    assert len(extents) >= 3 and not any(a.overlaps(b) for i, a in enumerate(extents) for b in extents[i + 1:])


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
    assert plots.bubble_map(shapes, bubbles, "t", "pooled", "02000", "04000").axes
    assert unknown_places_result(places, 0, "en", min_cell=1).printed("en")["n"].tolist()[-1] == "4"   # the total row


def test_bars_of_hidden_cells_are_not_drawn():
    table = pd.DataFrame({"label": ["a", "b"], "%": ["62.5", "·"]})
    fig = plots.grouped_bars(table, "label", ["%"], "t", "%")
    assert [bar.get_width() for bar in fig.axes[0].patches] == [0.0, 62.5]   # drawn bottom up: b, a
