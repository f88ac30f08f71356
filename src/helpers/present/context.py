"""This survey beside related studies (data/context.yaml): other populations, other questions, so a
comparison and never a trend; the references of the studies and of the study this project reproduces; and this
survey's own use of generative AI by age group and education."""
from __future__ import annotations

import html

import numpy as np
import pandas as pd
import yaml

from helpers.disclosure import share_hidden, suppress
from helpers.paths import DATA_DIR
from helpers.present.result import Result, cells, masked
from helpers.present.text import listing, t

PCT = 1   # percentages to one decimal, as every table (tables.DECIMALS)


def _context() -> dict:
    return yaml.safe_load((DATA_DIR / "context.yaml").read_text(encoding="utf-8"))


def _text(value, lang: str) -> str:
    """A field of data/context.yaml in `lang` (a text in both languages, or one that is the same in both)."""
    return value[lang] if isinstance(value, dict) else value


def _names(names: list[str], lang: str) -> str:
    """Names (Dutch where they are Dutch) listed as the page's language lists them, each marked as Dutch."""
    return listing([f'<span lang="nl">{html.escape(name)}</span>' for name in names], lang)


def citation(entry: dict, lang: str) -> str:
    """How a table cites a work, as text: its first author (with 'et al.' when there are more) and year."""
    authors = entry["authors"]
    return f"{authors[0]}{' ' + t('et_al', lang) if len(authors) > 1 else ''} ({entry['year']})"


def reference(entry: dict, lang: str) -> str:
    """A work's full reference (APA 7 as far as its text allows) as markdown with inline HTML: authors (year). Title
    (in italics, marked as Dutch; a description in square brackets where the text gives no title). Publisher. Note.
    A work that names no authors begins with its title and says so."""
    title = (f'<i lang="nl">{html.escape(entry["title"])}</i>' if entry.get("title")
             else f"[{html.escape(_text(entry['description'], lang))}]")
    parts = ([f"{title} ({entry['year']})"] if entry.get("authors") is None
             else [f"{_names(entry['authors'], lang)} ({entry['year']})", title])
    if entry.get("publisher"):
        parts.append(t("reference_publisher", lang, publisher=_names(entry["publisher"], lang)))
    if entry.get("note"):
        parts.append(html.escape(_text(entry["note"], lang)))
    if entry.get("authors") is None:
        parts.append(t("reference_no_authors", lang))
    return ". ".join(parts) + "."


def study_reference(lang: str) -> str:
    """The full reference of the study this project reproduces, with the year of its fieldwork."""
    study = _context()["study"]
    return f"{reference(study, lang)} {t('reference_fieldwork', lang, year=study['fieldwork'])}"


def studies_result(lang: str) -> Result:
    """The related studies' figures (%) with their population, the year of their fieldwork and their source: its
    citation (authors, year) and full reference (title, authors, publisher, year of publication)."""
    context = _context()
    rows = [{**row, **context["sources"][row["source"]]} for row in context["studies"]]
    frame = pd.DataFrame({"id": [r["id"] for r in rows], "population": [r["population"][lang] for r in rows],
                          "label": [r["what"][lang] for r in rows], "percent": [float(r["value"]) for r in rows],
                          "fieldwork": [r["fieldwork"] for r in rows], "source": [citation(r, lang) for r in rows],
                          "source_id": [r["source"] for r in rows], "published": [r["year"] for r in rows],
                          "reference": [reference(r, lang) for r in rows]})
    return Result(frame, studies_view)


def studies_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col_population", lang): frame["population"], t("col_indicator", lang): frame["label"],
                         "%": cells(frame, "percent", 0, lang), t("col_fieldwork", lang): frame["fieldwork"].astype(str),
                         t("col_source", lang): frame["source"]})


def references(frame: pd.DataFrame, lang: str) -> str:
    """The full references of the studies a table of studies_result cites, each once (markdown), after the study
    this project reproduces."""
    works = [study_reference(lang), *dict.fromkeys(frame["reference"])]
    return f"**{t('references_title', lang)}**\n\n" + "\n".join(f"- {work}" for work in works)


def use_by_result(df: pd.DataFrame, groups: pd.Series, min_cell: int, published: pd.Series | None = None) -> Result:
    """Per group: n, % ever using generative AI at work (`share_ever`) and % at least weekly (`share_weekly`),
    of those who answered. The groups add up to everyone who answered, so their counts are suppressed as one
    set, as the table of the groups' own variable suppresses them (`published`, by group: so two tables of
    the same groups never hide different cells, which together would give one away); a share is hidden with
    its group, or when its count or complement is small."""
    use = df["use_work"].astype("Float64")
    answered = use.notna()
    n = answered.groupby(groups, observed=False).sum()
    hidden = suppress(n, min_cell, published=published).to_numpy()
    frame = pd.DataFrame({"group": n.index.astype(str), "n": n.to_numpy(dtype=float)})
    masks = {"n": hidden}
    for column, codes_from in (("share_ever", 2), ("share_weekly", 4)):
        users = (use >= codes_from).fillna(False).groupby(groups, observed=False).sum()
        frame[column] = (100 * users / n.where(n > 0)).to_numpy(dtype=float)
        masks[column] = hidden | np.asarray(share_hidden(users, n, min_cell), dtype=bool)
    return Result(masked(frame, masks), use_by_view)


def use_by_view(frame: pd.DataFrame, lang: str) -> pd.DataFrame:
    return pd.DataFrame({t("col_group", lang): frame["group"], "n": cells(frame, "n", 0, lang),
                         t("share_ever_work", lang): cells(frame, "share_ever", PCT, lang),
                         t("share_weekly_work", lang): cells(frame, "share_weekly", PCT, lang)})
