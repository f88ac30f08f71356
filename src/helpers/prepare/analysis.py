"""The respondents' data ready for the standard tools, and the codebook as a data dictionary.

The processed data keeps the export's codes in pandas' nullable types (Int64, Float64: missing is pd.NA),
which statsmodels formulas, seaborn and pingouin do not take. `analysis_data` gives the same rows as they
expect: nominal answers as Categoricals with the codebook's labels, numbers as float64 with NaN.

>>> d = analysis_data(load_processed(), load_codebook(), lang="en")              # doctest: +SKIP
>>> smf.ols("bi ~ pe + ee + si + fc + age + C(gov_type)", d).fit()              # doctest: +SKIP
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.ingest.codebook import Codebook, check_lang
from helpers.ingest.provenance import write_atomic

NOMINAL = ("categorical",)                     # codebook types read as unordered categories
NUMERIC = ("likert", "multi", "integer", "number")


def analysis_data(df: pd.DataFrame, cb: Codebook, lang: str = "nl", ordinal: bool = False) -> pd.DataFrame:
    """`df` (processed data) for analysis: categorical answers and derived groupings (education level) as
    Categoricals whose categories are the codebook's labels in its order (those nobody gave left out: a formula
    would make them an empty column); Likert items, 0/1 options, integers,
    numbers and scale scores as float64 with NaN; with `ordinal`, Likert items as ordered Categoricals of
    their labels instead; ids, postcodes and open answers as text (object, None when missing)."""
    check_lang(lang)
    out = {}
    for name in df.columns:
        kind = cb_type(cb, name)
        if kind in (*NOMINAL, "derived") or (ordinal and kind == "likert"):
            labels = cb.labels(name, lang)
            codes = df[name].astype("Float64").astype(float)
            out[name] = pd.Categorical.from_codes(codes.map({c: i for i, c in enumerate(labels)}).fillna(-1).astype(int),
                                                  categories=list(labels.values()), ordered=kind == "likert").remove_unused_categories()
        elif kind in (*NUMERIC, "scale"):
            out[name] = df[name].astype("Float64").astype(float)
        else:
            out[name] = df[name].astype(object).where(df[name].notna(), None)
    return pd.DataFrame(out, index=df.index)


def data_dictionary(cb: Codebook, lang: str = "nl") -> pd.DataFrame:
    """The codebook as a table: a row per variable (questionnaire order, then the derived variables and the
    scale scores) with its question, block, type, answers (code = label), routing and scale."""
    check_lang(lang)
    scale_of = {item: scale for scale in cb.scales for item in cb.scale_items(scale)}

    def answers(name: str) -> str:
        return "; ".join(f"{code} = {label}" for code, label in cb.labels(name, lang).items()) if cb[name].values else ""

    rows = [{"variable": v.name, "question": cb.text(v.block, lang) if v.block else v.text[lang],
             "item": v.text[lang] if v.block else "", "type": v.type, "values": answers(v.name),
             "range": f"{v.min:g}–{v.max:g}" if v.min is not None and v.max is not None else "",
             "asked_if": v.ask_if or "", "scale": scale_of.get(v.name, "")} for v in cb.variables.values()]
    rows += [{"variable": name, "question": cb.text(name, lang), "item": "", "type": "derived",
              "values": "; ".join(f"{c} = {label}" for c, label in cb.labels(name, lang).items()), "range": "",
              "asked_if": "", "scale": ""} for name in cb.derived]
    rows += [{"variable": name, "question": cb.text(name, lang), "item": "", "type": "scale score", "values": "",
              "range": "{}–{}".format(*(f(cb[cb.scale_items(name)[0]].codes) for f in (min, max))), "asked_if": "", "scale": name}
             for name in cb.scales]
    return pd.DataFrame(rows)


def save_spss(df: pd.DataFrame, path: str | Path, cb: Codebook, lang: str = "nl") -> Path:
    """`df` (processed data) as an SPSS file (pyreadstat.write_sav) for colleagues who work in SPSS or R: the
    codes as numbers, each variable labelled with its question (and item), each coded variable's codes with
    the codebook's labels, in `lang`; written atomically."""
    import pyreadstat

    check_lang(lang)
    known = [c for c in df.columns if c in cb.variables or c in cb.derived or c in cb.scales]
    data = pd.DataFrame({c: df[c].astype(object).where(df[c].notna(), "") if cb_type(cb, c) in TEXT
                         else df[c].astype("Float64").astype(float) for c in known})

    def question(name: str) -> str:
        variable = cb.variables.get(name)
        return f"{cb.text(variable.block, lang)}: {variable.text[lang]}" if variable is not None and variable.block else cb.text(name, lang)

    values = {c: {float(code): label for code, label in cb.labels(c, lang).items()} for c in known
              if c in cb.derived or (c in cb.variables and cb[c].values)}
    return write_atomic(path, lambda tmp: pyreadstat.write_sav(data, tmp, column_labels=[question(c)[:255] for c in known],
                                                               variable_value_labels=values))


TEXT = ("id", "text", "postcode")


def cb_type(cb: Codebook, name: str) -> str:
    return cb[name].type if name in cb.variables else "derived" if name in cb.derived else "scale"
