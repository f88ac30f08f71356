"""The questionnaire as data: variables, labels (nl/en), routing and scales, from data/codebook.yaml.

>>> cb = load_codebook()
>>> cb.labels("gender", "en")[2]
'Woman'
>>> cb.scale_items("pe")
['pe_1', 'pe_2', 'pe_3']
"""
from __future__ import annotations

import html
import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml

from helpers.paths import CODEBOOK

CODED_TYPES = ("categorical", "likert", "multi")


LANGS = ("nl", "en")   # every text of the codebook and the message catalogue exists in these languages


def plain(text: str) -> str:
    """A text as exports are compared with the codebook: HTML tags and entities (as survey tools write question
    texts) resolved, Unicode normalised, case and runs of white space ignored.

    >>> plain("<b>Lokale</b>  LLM&#39;s")
    "lokale llm's"
    """
    text = html.unescape(re.sub(r"<[^>]*>", " ", text))
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def answer_key(text: str) -> str:
    """An answer label as exports are matched to the codebook's: plain, and spacing forgiven ('Bachelor / regentaat'
    is 'Bachelor/regentaat')."""
    return plain(text).replace(" ", "")


def check_lang(lang: str) -> None:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, not {lang!r}")


@dataclass(frozen=True)
class Variable:
    """One column of an export."""

    name: str
    type: str
    text: dict[str, str]
    values: dict[int, dict[str, str]] | None = None
    min: float | None = None
    max: float | None = None
    ask_if: str | None = None
    section: str | None = None
    block: str | None = None
    correct_answer: int | None = None
    required: bool = False
    groups: tuple[int, ...] | None = None   # first value of each group after the first (groups span min to max)
    choice: str | None = None               # the ASSUMPTIONS.md entry of this item or question (not the report's)
    value_set: str | None = None            # the name of its answer scale (value_sets)
    groups_choice: str | None = None        # the ASSUMPTIONS.md entry of its groups

    @property
    def codes(self) -> list[int] | None:
        return None if self.values is None else list(self.values)


@dataclass(frozen=True)
class Codebook:
    """Variables in questionnaire order, with their value sets, blocks, scales and derived variables."""

    variables: dict[str, Variable]
    blocks: dict[str, list[str]]
    block_text: dict[str, dict[str, str]]
    scales: dict[str, dict]
    derived: dict[str, dict]
    value_sets: dict[str, dict[int, dict[str, str]]]
    survey: dict = field(default_factory=dict)
    missing_values: frozenset[str] = frozenset()   # texts read as "no answer" in a numeric column (case-folded)
    definitions: dict[str, dict] = field(default_factory=dict)
    value_set_choices: dict[str, str] = field(default_factory=dict)   # answer scale -> its ASSUMPTIONS.md entry

    @property
    def names(self) -> list[str]:
        return list(self.variables)

    def __getitem__(self, name: str) -> Variable:
        return self.variables[name]

    def labels(self, name: str, lang: str = "nl") -> dict[int, str]:
        """Code -> label of a coded or derived variable."""
        check_lang(lang)
        values = self.derived[name]["values"] if name in self.derived else self.variables[name].values
        if isinstance(values, str):
            values = self.value_sets[values]
        return {code: label[lang] for code, label in values.items()}

    def answers(self, name: str) -> dict[str, int]:
        """answer_key of each label (nl and en) of a coded variable -> its code; a multiple-response option's own
        text (nl and en) is its 'selected' code too, as a choice-text export writes a selected option."""
        var = self.variables[name]
        keys = {answer_key(label): code for code, texts in (var.values or {}).items() for label in texts.values()}
        if var.type == "multi":
            keys |= {answer_key(text): 1 for text in var.text.values()}
        return keys

    def text(self, name: str, lang: str = "nl") -> str:
        """Question text (or item text within its block) of a variable, block, scale or derived variable."""
        check_lang(lang)
        for source in (self.variables, self.scales, self.derived, self.block_text):   # a scale's name before its block's stem
            if name in source:
                entry = source[name]
                return entry.text[lang] if isinstance(entry, Variable) else entry[lang]
        raise KeyError(f"{name!r} is not in the codebook")

    def dtype(self, name: str) -> str:
        """The pandas dtype a variable has in typed data: text as 'string', codes as 'Int64'."""
        kind = self.variables[name].type
        return "string" if kind in ("id", "text", "postcode") else "Float64" if kind == "number" else "Int64"

    def typed(self, df: pd.DataFrame) -> pd.DataFrame:
        """The codebook's columns, in its order, each with its dtype (missing is pd.NA throughout)."""
        return pd.DataFrame({name: df[name].astype(self.dtype(name)) for name in self.variables})

    def scale_items(self, scale: str) -> list[str]:
        return self.blocks[self.scales[scale]["items_of"]]

    def choice(self, name: str, code: int | None = None) -> str | None:
        """Where what the reports show of `name` (with `code`: of that answer) is this project's choice, not the
        report's: the id of its entry in data/ASSUMPTIONS.md (an answer option's, its answer scale's, the item's
        or question's; a derived variable's or a scale's scoring); None where it is the report's."""
        if name in self.variables:
            variable = self.variables[name]
            option = variable.values.get(code, {}).get("choice") if code is not None and variable.values else None
            scale = self.value_set_choices.get(variable.value_set) if code is not None else None   # an answer's wording
            return option or scale or variable.choice
        return (self.derived.get(name) or self.scales.get(name) or {}).get("choice")

    def choices(self) -> set[str]:
        """Every ASSUMPTIONS.md entry the codebook refers to (its `choice` fields)."""
        found = {v.choice for v in self.variables.values()} | {v.groups_choice for v in self.variables.values()}
        found |= {label.get("choice") for values in self.value_sets.values() for label in values.values()}
        found |= set(self.value_set_choices.values()) | {self.survey.get("choice")}
        found |= {spec.get("choice") for source in (self.derived, self.scales, self.definitions) for spec in source.values()}
        return found - {None}


@lru_cache(maxsize=4)
def load_codebook(path: str | Path = CODEBOOK) -> Codebook:
    """Read and check the codebook YAML (cached)."""
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    value_sets = {name: {int(k): v for k, v in codes.items() if k != "choice"} for name, codes in raw["value_sets"].items()}
    value_set_choices = {name: codes["choice"] for name, codes in raw["value_sets"].items() if "choice" in codes}
    variables: dict[str, Variable] = {}
    blocks: dict[str, list[str]] = {}
    block_text: dict[str, dict[str, str]] = {}

    def add(name: str, spec: dict, text: dict[str, str], block: str | None = None, choice: str | None = None) -> None:
        if name in variables:
            raise ValueError(f"{path}: variable {name!r} is defined twice")
        values = value_sets[spec["values"]] if "values" in spec else None
        if spec["type"] == "multi":
            values = value_sets["selected"]
        variables[name] = Variable(
            name=name, type=spec["type"], text=text, values=values,
            min=spec.get("min"), max=spec.get("max"), ask_if=spec.get("ask_if"),
            section=spec.get("section"), block=block, correct_answer=spec.get("correct_answer"),
            required=spec.get("required", False), groups=tuple(spec["groups"]) if "groups" in spec else None,
            choice=choice or spec.get("choice"), value_set=spec.get("values"), groups_choice=spec.get("groups_choice"),
        )

    for q in raw["questions"]:
        if "block" in q:
            block = q["block"]
            block_text[block] = {lang: q[lang] for lang in LANGS}
            blocks[block] = [f"{block}_{item['suffix']}" for item in q["items"]]
            for name, item in zip(blocks[block], q["items"]):
                add(name, q, {lang: item[lang] for lang in LANGS}, block, item.get("choice"))
        else:
            add(q["name"], q, {lang: q[lang] for lang in LANGS})

    for name, scale in raw["scales"].items():
        if scale["items_of"] not in blocks:
            raise ValueError(f"{path}: scale {name!r} refers to unknown block {scale['items_of']!r}")
    derived = {
        name: {**spec, "values": value_sets[spec["values"]], "map": {int(k): int(v) for k, v in spec["map"].items()}}
        for name, spec in raw.get("derived", {}).items()
    }
    unknown = set(raw.get("definitions", {})) - set(raw["scales"])
    if unknown:
        raise ValueError(f"{path}: definitions of unknown scales {sorted(unknown)}")
    missing = frozenset(str(v).casefold() for v in raw.get("missing_values", []))
    return Codebook(variables, blocks, block_text, raw["scales"], derived, value_sets, raw.get("survey", {}), missing,
                    raw.get("definitions", {}), value_set_choices)
