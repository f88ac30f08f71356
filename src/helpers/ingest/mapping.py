"""The mapping assistant: from an export's own description of its columns to a proposed mapping file.

It reads what the export says of each column (Qualtrics' question-text and ImportId rows, SPSS variable and value
labels, a header), matches each to the codebook by question and item text (both languages, HTML and case
forgiven, small rewordings tolerated by difflib's similarity; a question is never paired with its twin, e.g. the
work question with its free-time one), checks codes against labels, and writes a proposal beside the export
(never over a file): per column the codebook name, how sure it is and why; Qualtrics' metadata under `ignore`
(personal data is never read); what it cannot place under `unplaced`, which the run refuses until decided.

>>> proposal = propose("data/raw/export.csv")                    # doctest: +SKIP
>>> write_proposal(proposal)                                       # doctest: +SKIP
PosixPath('data/raw/export.mapping.yaml')
"""
from __future__ import annotations

import datetime as dt
import json
import os
import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher
from itertools import combinations
from pathlib import Path

import numpy as np
import yaml
from scipy.optimize import linear_sum_assignment

from helpers.ingest.codebook import CODED_TYPES, LANGS, Codebook, answer_key, load_codebook, plain
from helpers.ingest.io import FINISHED, Cells, ExportError, answers_of, mapping_yaml, no_answer, parse_number, read_cells

SURE, LIKELY, CARRIED, UNSURE = "sure", "likely", "carried over", "unsure"
LIKELY_AT = 0.6     # the least similarity a match may have
MARGIN = 0.1        # how much better a match must be than any other pairing of the same texts (assign)

# Survey tools' own columns (Qualtrics, by column name, SPSS name or ImportId): codebook name, FINISHED (the mapping's
# `finished`) or None (ignore: never read), and why.
TOOL_COLUMNS = [
    (("ResponseId", "_recordId"), "respondent_id", "Qualtrics' response id"),
    (("Duration (in seconds)", "Duration__in_seconds_", "duration"), "duration_s", "Qualtrics' completion time in seconds"),
    (("Finished", "finished"), FINISHED, "Qualtrics' completion flag: a response it closed unfinished is excluded (rule "
                                         "'unfinished', counted in the row account)"),
    (("StartDate", "EndDate", "RecordedDate"), None, "metadata (a date)"),
    (("Status",), None, "metadata (response type: IP address, preview, test, spam)"),
    (("Progress",), None, "metadata (the share of the survey answered; Finished decides the rule 'unfinished')"),
    (("DistributionChannel", "UserLanguage"), None, "metadata (distribution channel, language)"),
    (("IPAddress", "LocationLatitude", "LocationLongitude"), None, "personal data (IP address, location): never read"),
    (("RecipientLastName", "RecipientFirstName", "RecipientEmail", "ExternalReference", "externalDataReference"), None,
     "personal data (recipient): never read"),
]
NEVER_READ = frozenset(name for names, target, _ in TOOL_COLUMNS if target is None for name in names)   # not even here
TOOL_PATTERNS = [(re.compile(r"^Q_"), "metadata (a Qualtrics system field)"),
                 (re.compile(r"_DO(_|$)"), "metadata (display order)")]
QUALTRICS_PART = re.compile(r"^(?P<question>(?:QID|Q)\w*?\d+)(?:_(?P<item>\d+))?(?P<entry>_TEXT)?$")


@dataclass
class Decision:
    """What the proposal says of one export column: its codebook name (None: ignored or unplaced), how sure, why."""

    column: str
    name: str | None
    how: str
    why: str
    ignore: bool = False

    @property
    def unplaced(self) -> bool:
        return self.how == UNSURE


@dataclass
class Proposal:
    """A proposed mapping of an export: a decision per column, recodes, how unselected options are written."""

    export: Path
    kind: str
    decisions: list[Decision]
    texts: dict[str, str]
    unselected: str = "zero"
    unselected_why: str = ""
    recode: dict[str, dict[int, int]] = field(default_factory=dict)
    recode_why: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        mapped = [d for d in self.decisions if d.name and d.name != FINISHED and not d.unplaced]
        return {"mapped": len(mapped), SURE: sum(d.how == SURE for d in mapped), LIKELY: sum(d.how == LIKELY for d in mapped),
                CARRIED: sum(d.how == CARRIED for d in mapped), "ignored": sum(d.ignore for d in self.decisions),
                "unplaced": sum(d.unplaced for d in self.decisions)}


# --- What the export says of its columns -------------------------------------------------------

def tool_column(column: str, import_id: str = "") -> tuple[str | None, str] | None:
    """A survey tool's own column (TOOL_COLUMNS, TOOL_PATTERNS): (codebook name or None, why); None otherwise."""
    for names, name, why in TOOL_COLUMNS:
        if column in names or import_id in names:
            return name, why
    return next(((None, why) for pattern, why in TOOL_PATTERNS if pattern.search(column)), None)


def kind_of(cells: Cells, path: Path) -> str:
    """What the export says of its columns, in words."""
    if cells.import_ids:
        return "a Qualtrics CSV: question texts and ImportIds under the header"
    if path.suffix.lower() == ".sav":
        return "an SPSS file: variable and value labels"
    return f"a {path.suffix.lstrip('.').upper()} file: its header"


@dataclass(frozen=True)
class Part:
    """An export column as part of a question: the question's key (ImportId's QID, or the column's stem), the
    option or item number, and whether it is the text typed with that option."""

    question: str
    item: str | None
    entry: bool


def part_of(column: str, import_id: str) -> Part:
    found = QUALTRICS_PART.match(import_id) or QUALTRICS_PART.match(column)
    if not found:
        return Part(column, None, False)
    return Part(found["question"], found["item"], bool(found["entry"]) and found["item"] is not None)


def stem_and_items(texts: list[str]) -> tuple[str, list[str]]:
    """The question text the columns of one question share and each column's own part ('… - Selected Choice -
    ChatGPT' -> 'ChatGPT'; '… - Andere - Text' -> 'Andere - Text')."""
    prefix = os.path.commonprefix(texts)
    cut = prefix.rfind(" - ")
    if cut < 0:
        return prefix, texts
    return prefix[:cut].removesuffix(" - Selected Choice"), [text[cut + 3:].removeprefix("Selected Choice - ") for text in texts]


# --- Matching ----------------------------------------------------------------------------------

def similarity(a: str, b: str) -> float:
    """How alike two texts are, 0 to 1 (1: equal once HTML, case and spacing are set aside): the larger of
    difflib's ratio of the characters (a word changed) and the Dice coefficient of the words (words reordered)."""
    a, b = plain(a), plain(b)
    if a == b:
        return 1.0
    wa, wb = set(re.findall(r"\w+", a)), set(re.findall(r"\w+", b))
    dice = 2 * len(wa & wb) / (len(wa) + len(wb)) if wa or wb else 0.0
    return max(SequenceMatcher(None, a, b, autojunk=False).ratio(), dice)


# Words of four letters or more that say nothing of a question's subject (Dutch and English function words)
FUNCTION_WORDS = frozenset("""voor door naar over onder tegen zonder binnen buiten tussen sinds tijdens welke deze niet zijn
wordt worden heeft hebben kunnen zou zouden maar meer veel alle onze jouw your with from about which what this that their
there when where have does into more most some""".split())


def words(text: str) -> set[str]:
    """The words of a text that can tell two questions apart: four letters or more, no function words."""
    return {w for w in re.findall(r"\w+", plain(text)) if len(w) >= 4 and w not in FUNCTION_WORDS}


@dataclass(frozen=True)
class Question:
    """A codebook question as the assistant matches it: a single variable, or a block with its items."""

    key: str
    texts: tuple[str, ...]                           # nl, en
    items: dict[str, tuple[str, ...]] | None = None  # variable -> item texts (nl, en)


def questions(cb: Codebook) -> dict[str, Question]:
    out = {}
    for name, var in cb.variables.items():
        if var.block is None:
            out[name] = Question(name, tuple(var.text[lang] for lang in LANGS))
        elif var.block not in out:
            out[var.block] = Question(var.block, tuple(cb.block_text[var.block][lang] for lang in LANGS),
                                      {item: tuple(cb[item].text[lang] for lang in LANGS) for item in cb.blocks[var.block]})
    return out


def twins(cb: Codebook) -> dict[str, dict[str, tuple[set[str], set[str]]]]:
    """Questions a text could mistake for each other, each with the words that tell them apart: blocks with the
    same items (the reasons, the systems: at work, in free time, paid) and single questions on the same answers
    with similar texts (use at work and in free time; advantages and disadvantages). question -> twin -> (words
    only the question has, words only the twin has), over both languages."""
    found: dict[str, dict] = {}
    listed = questions(cb)
    for a, b in combinations(listed.values(), 2):
        if a.items is not None and b.items is not None:
            alike = [cb[i].text for i in a.items] == [cb[i].text for i in b.items]
        elif a.items is None and b.items is None:
            alike = cb[a.key].values is not None and cb[a.key].values == cb[b.key].values and similarity(a.texts[0], b.texts[0]) >= LIKELY_AT
        else:
            alike = False
        if alike:
            own_a, own_b = set().union(*map(words, a.texts)), set().union(*map(words, b.texts))
            found.setdefault(a.key, {})[b.key] = (own_a - own_b, own_b - own_a)
            found.setdefault(b.key, {})[a.key] = (own_b - own_a, own_a - own_b)
    return found


def twin_excluded(text: str, question: str, twin_words: dict) -> str | None:
    """The twin `text` speaks of, when it uses words only that twin has and none that only `question` has."""
    said = words(text)
    for twin, (own, other) in twin_words.get(question, {}).items():
        if said & other and not said & own:
            return twin
    return None


def regret(scores: np.ndarray, r: int, c: int, partner: dict[int, int]) -> float:
    """How much similarity pairing r with c wins over its best alternative: giving c to a row left unpaired, r to a
    column left unpaired, or swapping partners with another pair."""
    s, alternatives = scores[r, c], [np.inf]
    for c2 in range(scores.shape[1]):
        if c2 != c:
            alternatives.append(s + scores[partner[c2], c2] - scores[r, c2] - scores[partner[c2], c] if c2 in partner else s - scores[r, c2])
    paired = set(partner.values())
    alternatives += [s - scores[r2, c] for r2 in range(scores.shape[0]) if r2 not in paired]
    return min(alternatives)


def assign(scores: np.ndarray) -> list[tuple[int, int, str]]:
    """One-to-one pairs of rows and columns with the largest total similarity (scipy's linear_sum_assignment,
    Hungarian method); each pair sure (equal texts, nothing as good), likely (at least LIKELY_AT, and MARGIN better
    than any other pairing: regret) or unsure."""
    rows, cols = linear_sum_assignment(scores, maximize=True)
    partner = dict(zip(cols, rows))
    pairs = []
    for r, c in zip(rows, cols):
        s, won = scores[r, c], regret(scores, r, c, partner)
        pairs.append((r, c, SURE if s == 1.0 and won > 0 else LIKELY if s >= LIKELY_AT and won >= MARGIN else UNSURE))
    return pairs


def compared(what: str, text: str, codebook: str, score: float) -> str:
    """Why a text was matched: equal to the codebook's, or how alike and both texts."""
    return f"{what} text equal" if score == 1.0 else f"{what} ({score:.2f}) {quoted(text)} ~ {quoted(codebook)}"


def not_twins(text: str, question: str, twin_words: dict) -> str:
    """The twins of `question` the text ruled out, and the words that did."""
    ruled_out = [(twin, sorted(words(text) & own)) for twin, (own, _) in twin_words.get(question, {}).items()
                 if twin_excluded(text, twin, twin_words) == question]
    return "".join(f"; not {twin}: the text says {', '.join(said)}" for twin, said in ruled_out)


def quoted(text: str, limit: int = 70) -> str:
    text = " ".join(plain(text).split())
    return f"\"{text[:limit - 1]}…\"" if len(text) > limit else f"\"{text}\""


def match_columns(columns: list[str], cells: Cells, cb: Codebook, taken: set[str]) -> list[Decision]:
    """Decisions for answer columns: grouped into questions by ImportId or name (Q10_3, QID12_4_TEXT), each
    question matched to a codebook question not `taken` by its text, then its columns to the question's items."""
    groups: dict[str, list[tuple[str, Part]]] = {}
    for column in columns:
        part = part_of(column, cells.import_ids.get(column, ""))
        groups.setdefault(part.question if part.item else column, []).append((column, part))
    listed = {k: q for k, q in questions(cb).items() if not ({k} | set(q.items or ())) & taken}
    twin_words = twins(cb)
    shaped = {g: [c for c, p in members if not p.entry] for g, members in groups.items()}
    stems = {g: (stem_and_items([cells.texts.get(c, c) for c in cols]) if len(cols) > 1 else (cells.texts.get(cols[0], cols[0]), [None]))
             for g, cols in shaped.items() if cols}
    keys, candidates = list(stems), list(listed)
    scores = np.zeros((len(keys), len(candidates)))
    for i, g in enumerate(keys):
        for j, q in enumerate(candidates):
            if (len(shaped[g]) > 1) != (listed[q].items is not None) or twin_excluded(stems[g][0], q, twin_words):
                continue
            scores[i, j] = max(similarity(stems[g][0], text) for text in listed[q].texts)
    decisions = {}
    for i, j, how in assign(scores) if scores.size else []:
        g, q = keys[i], listed[candidates[j]]
        stem, items = stems[g]
        question = compared("question", stem, q.texts[0], scores[i, j]) + not_twins(stem, q.key, twin_words)
        if how == UNSURE or scores[i, j] == 0:
            for column in shaped[g]:
                decisions[column] = Decision(column, None, UNSURE, f"best guess {q.key}: {question}")
            continue
        if q.items is None:
            decisions[shaped[g][0]] = Decision(shaped[g][0], q.key, how, question)
            continue
        names = list(q.items)
        item_scores = np.array([[max(similarity(item, text) for text in q.items[name]) for name in names] for item in items])
        for a, b, item_how in assign(item_scores):
            column, name = shaped[g][a], names[b]
            overall = UNSURE if UNSURE in (how, item_how) else LIKELY if LIKELY in (how, item_how) else SURE
            why = f"{question}; {compared('item', items[a], q.items[name][0], item_scores[a, b])}"
            decisions[column] = Decision(column, name if overall != UNSURE else None, overall,
                                         why if overall != UNSURE else f"best guess {name}: {why}")
    for g, members in groups.items():   # the text typed with an option: the codebook's text asked when it is selected
        for column, part in members:
            if not part.entry:
                continue
            option = next((c for c, p in members if p.item == part.item and not p.entry), None)
            chosen = decisions.get(option)
            asked = [n for n, v in cb.variables.items() if chosen and chosen.name and v.ask_if == f"{chosen.name} == 1" and v.type == "text"]
            decisions[column] = (Decision(column, asked[0], chosen.how, f"the text typed with option {option} "
                                          f"({chosen.name}); the codebook asks {asked[0]} when {chosen.name} == 1")
                                 if len(asked) == 1 and not chosen.unplaced else
                                 Decision(column, None, UNSURE, f"the text typed with option {option}, which is not placed"))
    return [decisions.get(c) or Decision(c, None, UNSURE, f"no codebook question left to match {quoted(cells.texts.get(c, c))}")
            for c in columns]


# --- Codes against labels ----------------------------------------------------------------------

def check_codes(cells: Cells, decisions: list[Decision], cb: Codebook) -> tuple[dict, dict, dict[str, str]]:
    """Recodes the export's value labels imply (codes differing from the codebook's, same labels), and the columns
    whose codes or labels cannot be placed (an unknown label, codes outside the codebook's without labels):
    (recode, why, {column: reason})."""
    recode, why, problems = {}, {}, {}
    for d in decisions:
        if not d.name or d.unplaced or d.name == FINISHED or cb[d.name].type not in CODED_TYPES:
            continue
        var, missing, answers = cb[d.name], no_answer(cells, d.column, cb), answers_of(cells, d.column, d.name, cb)
        labels = {parse_number(c, None): label for c, label in cells.value_labels.get(d.column, {}).items()
                  if c.casefold() not in missing} if var.type != "multi" else {}
        if labels:
            meant = {int(code): answers.get(answer_key(label)) for code, label in labels.items() if code is not None and code % 1 == 0}
            unknown = [f"{code} '{labels[code]}'" for code, to in meant.items() if to is None]
            if unknown:
                problems[d.column] = f"value label(s) {', '.join(unknown)} are no answer of {d.name}"
            elif any(code != to for code, to in meant.items()):
                recode[d.column] = meant
                why[d.column] = "its value labels: " + ", ".join(f"{c} '{labels[c]}'" for c in meant) + f" are {d.name}'s " + \
                                ", ".join(map(str, meant.values()))
            continue
        seen = {cell for cell in cells.table[d.column].astype(str).str.strip().unique() if cell and cell.casefold() not in missing}
        numbers = {cell: parse_number(cell, None) for cell in seen}
        strange = sorted(cell for cell, n in numbers.items() if (n is None and answer_key(cell) not in answers)
                         or (n is not None and n not in var.codes))
        if strange:
            problems[d.column] = (f"{', '.join(repr(c) for c in strange[:5])} are neither codes of {d.name} "
                                  f"({', '.join(map(str, var.codes))}) nor its answers; add a recode or check the export")
    return recode, why, problems


def unselected_of(cells: Cells, decisions: list[Decision], cb: Codebook) -> tuple[str, str]:
    """'zero' when the export writes 0 for an unselected option (some multiple-response column holds a 0), 'blank'
    when it leaves them empty (Qualtrics); why."""
    multi = [d.column for d in decisions if d.name in cb.variables and not d.unplaced and cb[d.name].type == "multi"]
    if not multi:
        return "zero", "no multiple-response question mapped"
    zeros = sum(int((cells.table[c].astype(str).str.strip() == "0").sum()) for c in multi)
    if zeros:
        return "zero", f"its {len(multi)} multiple-response columns hold {zeros} zeros"
    return "blank", (f"no 0 in its {len(multi)} multiple-response columns: an option left blank where the question was "
                     "shown is 'not selected' (data/ASSUMPTIONS.md)")


# --- The proposal ------------------------------------------------------------------------------

def carried(previous: Path, cells: Cells, columns: list[str]) -> tuple[dict[str, Decision], dict, dict]:
    """Decisions of an accepted earlier mapping for the columns whose text is unchanged (its 'texts'): decisions,
    their recodes, and its other keys."""
    spec = mapping_yaml(previous)
    texts, mapped, ignored = spec.get("texts") or {}, spec.get("columns") or {}, set(spec.get("ignore") or [])
    kept = {}
    for column in columns:
        if column in texts and plain(texts[column]) == plain(cells.texts.get(column, column)) and (column in mapped or column in ignored):
            kept[column] = Decision(column, mapped.get(column), CARRIED, f"from {previous.name}: its text is unchanged",
                                    ignore=column in ignored)
    recode = {c: codes for c, codes in (spec.get("recode") or {}).items() if c in kept}
    return kept, recode, spec


def propose(export: str | Path, previous: str | Path | None = None, cb: Codebook | None = None) -> Proposal:
    """A proposed mapping of `export` (with `previous`: an accepted earlier mapping, whose decisions carry over for
    every column whose text did not change)."""
    cb, export = cb or load_codebook(), Path(export)
    header = read_cells(export, leave_out=NEVER_READ)
    columns = [*header.table.columns, *header.left_out]
    decisions: dict[str, Decision] = {}
    for column in columns:
        found = tool_column(column, header.import_ids.get(column, ""))
        if column in cb.variables:
            decisions[column] = Decision(column, column, SURE, "the codebook's name")
        elif found:
            decisions[column] = Decision(column, found[0], SURE, found[1], ignore=found[0] is None)
    kept, kept_recode, spec = carried(Path(previous), header, columns) if previous else ({}, {}, {})
    decisions |= kept
    rest = [c for c in columns if c not in decisions]
    taken = {d.name for d in decisions.values() if d.name}
    decisions |= {d.column: d for d in match_columns(rest, header, cb, taken)}
    ordered = [decisions[c] for c in columns]
    fresh = [d for d in ordered if d.how != CARRIED]
    recode, recode_why, problems = check_codes(header, fresh, cb)
    for column, problem in problems.items():
        decision = decisions[column]
        decision.how, decision.why = UNSURE, f"{decision.name}? {problem}"
    if previous and "unselected" in spec:
        unselected, unselected_why = spec["unselected"], f"from {Path(previous).name}"
    else:
        unselected, unselected_why = unselected_of(header, ordered, cb)
    return Proposal(export, kind_of(header, export), ordered, {c: header.texts.get(c, c) for c in header.table.columns},
                    unselected, unselected_why, kept_recode | recode, recode_why | {c: f"from {Path(previous).name}" for c in kept_recode})


def _scalar(value) -> str:
    """A YAML scalar: plain where YAML reads it back as the same string, else double-quoted."""
    text = str(value)
    try:
        plain_ok = yaml.safe_load(f"{text}: x") == {text: "x"} and text == text.strip() and "#" not in text
    except yaml.YAMLError:
        plain_ok = False
    return text if plain_ok else json.dumps(text, ensure_ascii=False)


def render(proposal: Proposal) -> str:
    """The proposal as a mapping file (data/README.md), a comment on each line saying how sure and why."""
    c = proposal.counts()
    lines = [f"# Mapping proposed by `make mapping` on {dt.date.today().isoformat()} for {proposal.export.name}, {proposal.kind}.",
             f"# {c['mapped']} columns mapped ({c[SURE]} sure, {c[LIKELY]} likely, {c[CARRIED]} carried over), "
             f"{c['ignored']} ignored, {c['unplaced']} to decide.",
             "# Check the 'likely' lines; decide every column under 'unplaced' (map it under 'columns' or list it under",
             "# 'ignore', then delete it there). Then: make reports RAW=<export> MAPPING=<this file>. Keys: data/README.md.",
             f"unselected: {proposal.unselected}   # {proposal.unselected_why}"]
    lines += [f"finished: {_scalar(d.column)}   # {d.why}" for d in proposal.decisions if d.name == FINISHED]
    lines.append("columns:")
    lines += [f"  {_scalar(d.column)}: {d.name}   # {d.how}: {d.why}" for d in proposal.decisions
              if d.name and d.name != FINISHED and not d.unplaced]
    lines.append("ignore:" + ("" if any(d.ignore for d in proposal.decisions) else " []"))
    lines += [f"  - {_scalar(d.column)}   # {d.why}" for d in proposal.decisions if d.ignore]
    lines.append("recode:" + ("" if proposal.recode else " {}"))
    lines += [f"  {_scalar(column)}: {{{', '.join(f'{a}: {b}' for a, b in codes.items())}}}   # {proposal.recode_why[column]}"
              for column, codes in proposal.recode.items()]
    unplaced = [d for d in proposal.decisions if d.unplaced]
    lines.append("unplaced:" + ("" if unplaced else " []"))
    lines += [f"  - {_scalar(d.column)}   # {d.why}" for d in unplaced]
    lines.append("texts:   # each column's own text, so that a later wave's mapping (--from this file) keeps what is unchanged")
    lines += [f"  {_scalar(column)}: {json.dumps(text, ensure_ascii=False)}" for column, text in proposal.texts.items()]
    return "\n".join(lines) + "\n"


def proposal_path(export: Path) -> Path:
    """Where the proposal goes: beside the export, never over an existing file (export.mapping.yaml, then
    export.mapping.2.yaml, …)."""
    for n in range(1, 1000):
        path = export.with_name(f"{export.stem}.mapping{'' if n == 1 else f'.{n}'}.yaml")
        if not path.exists():
            return path
    raise ExportError(f"{export}: 999 proposed mappings beside it already; remove some")


def write_proposal(proposal: Proposal) -> Path:
    path = proposal_path(proposal.export)
    with open(path, "x", encoding="utf-8") as handle:   # 'x': never over a file made meanwhile
        handle.write(render(proposal))
    return path


def summary(proposal: Proposal, path: Path) -> list[str]:
    """What `make mapping` says: counts, the file, what to decide, the next command."""
    c = proposal.counts()
    lines = [f"{proposal.export} ({proposal.kind}), {len(proposal.decisions)} columns: {c['mapped']} mapped ({c[SURE]} sure, "
             f"{c[LIKELY]} likely, {c[CARRIED]} carried over), {c['ignored']} ignored (metadata; personal data never read), "
             f"{len(proposal.recode)} recoded, {c['unplaced']} to decide",
             f"proposed mapping written to {path}"]
    lines += [f"  to decide: {d.column}: {d.why}" for d in proposal.decisions if d.unplaced]
    lines.append(f"check it, then: make reports RAW={proposal.export} MAPPING={path}")
    return lines
