"""What every report shows besides its tables and charts: the data banner, notes, package versions."""
from __future__ import annotations

import base64
import html
import io
import json
import re
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd
from IPython.display import Markdown
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from helpers.analysis.weighting import kish_ess
from helpers.ingest.codebook import load_codebook
from helpers.present.text import localise, parse, t

WATERMARK_PACKAGES = ("pandas", "numpy", "scipy", "pingouin", "semopy", "statsmodels", "pandera", "matplotlib",
                      "seaborn", "geopandas", "papermill", "nbconvert", "genai-overheid-helpers")


def setup_notebook() -> None:
    """Show matplotlib Figures as embedded PNG images (the helpers make Figures without pyplot)."""
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("png")


def note(key: str, lang: str, **values) -> Markdown:
    """A catalogue message shown as a paragraph of the report, its numbers written in `lang`."""
    return Markdown(localise(t(key, lang, **values), lang))


class Chart:
    """A figure as the report shows it: an image with alt text saying what it shows (plots.described)."""

    def __init__(self, fig: Figure, caption: str = ""):
        self.fig = fig
        self.alt = getattr(fig, "alt", "")
        self.caption = caption
        self.name: str | None = None
        self.frame: pd.DataFrame | None = None   # the chart's numbers, when no table shows them

    def _repr_html_(self) -> str:
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png", dpi=110)
        data = base64.b64encode(buffer.getvalue()).decode()
        caption = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return (f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}" style="max-width:100%">'
                f"{caption}</figure>")


def keep(fig: Figure, name: str, folder: str | Path | None) -> Chart:
    """Save a figure as `name`.png and .svg in `folder` beside the report (with folder None, nothing is saved),
    and return what the notebook shows: a Chart (with its alt text)."""
    if folder is not None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        for suffix in ("png", "svg"):
            fig.savefig(Path(folder) / f"{name}.{suffix}", dpi=150, metadata={"Date": None} if suffix == "svg" else None)
    return Chart(fig)


def keep_frame(frame: pd.DataFrame, name: str, folder: str | Path | None) -> None:
    """A result's frame as `name`.csv in `folder`: comma-separated, decimal point, its own column names, no
    index, nothing else, so `pandas.read_csv` gives the frame back; CRLF line ends (RFC 4180: a carriage
    return inside a cell is then quoted, not a row break); text cells that start like a formula made inert."""
    if folder is not None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        inert(frame).to_csv(Path(folder) / f"{name}.csv", index=False, lineterminator="\r\n")


def keep_workbook(printed: pd.DataFrame, about: dict[str, str], name: str, folder: str | Path | None, lang: str) -> None:
    """The table as the page prints it, for readers, as `name`.xlsx in `folder`: a sheet with the table, each
    printed number a numeric cell (text.parse reads the page's number back; its format keeps the printed decimals,
    so a spreadsheet in any locale shows it as the page does, with its own decimal mark), every other cell
    (labels, the hidden mark, p < .001, intervals) as text made inert; and a sheet 'about' (`about`: what it is,
    its source, its base, the mark's meaning)."""
    if folder is None:
        return
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = t("sheet_table", lang)
    sheet.append([inert_text(str(c)) for c in printed.columns])
    for row in printed.itertuples(index=False):
        sheet.append([parse(str(value), lang) if parse(str(value), lang) is not None else inert_text(str(value)) for value in row])
        for cell, value in zip(sheet[sheet.max_row], row):
            if isinstance(cell.value, float):
                decimals = len(str(value).replace("\u00a0", "").partition("," if lang == "nl" else ".")[2])
                cell.number_format = "0" + ("." + "0" * decimals if decimals else "")
    notes = book.create_sheet(t("sheet_about", lang))
    for key, value in about.items():
        notes.append([inert_text(key), inert_text(value)])
    Path(folder).mkdir(parents=True, exist_ok=True)
    book.save(Path(folder) / f"{name}.xlsx")


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")


def inert_text(value: str) -> str:
    """A text cell a spreadsheet shows and never runs (see `inert`)."""
    formula = value.startswith(FORMULA_START) and not PLAIN_NUMBER.fullmatch(value)
    return f"'{value}" if formula else value


def inert(table: pd.DataFrame) -> pd.DataFrame:
    """The table as a spreadsheet may open it: a text cell or header that starts like a formula (=, +, -, @,
    tab, carriage return) gets a leading apostrophe, so it is shown, never run (OWASP, CSV injection);
    numbers, and texts that are plain numbers ("-0.5"), stay as they are.

    >>> print(inert(pd.DataFrame({"a": ["=1+2", "-0.5"], "b": [-1.5, 2]})).to_csv(index=False).strip())
    a,b
    '=1+2,-1.5
    -0.5,2.0
    """
    def safe(value):
        return inert_text(value) if isinstance(value, str) else value

    return table.map(safe).rename(columns=safe)


def keep_key_figure(sentence: str, folder: str | Path | None) -> None:
    """The chapter's headline (its first computed finding), kept with `folder` as key_figure.txt (plain
    text) for the run's landing page."""
    if folder is not None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / "key_figure.txt").write_text(sentence.replace("**", ""), encoding="utf-8")


def keep_numbering(numbered: list[dict], folder: str | Path | None) -> None:
    """The chapter's numbered tables and figures so far (number, title, place in the published report), kept
    as numbering.json beside the report for the run's landing page; with folder None nothing is kept."""
    if folder is not None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / "numbering.json").write_text(json.dumps(numbered, ensure_ascii=False, indent=1), encoding="utf-8")


def weighting_note(weights: pd.Series, by: str | None, label: str, source: str, lang: str) -> Markdown:
    """Which weighting the report uses, with the range of the weights and Kish's effective sample size; when
    strata had no population count (weights.attrs['unweightable']), which, and that nothing is weighted."""
    if by is None:
        return note("weighting_none", lang)
    if weights.attrs.get("unweightable"):
        names = load_codebook().labels(by, lang)
        strata = ", ".join(names.get(code, str(code)) for code in weights.attrs["unweightable"])
        return note("weighting_fallback", lang, variable=label, strata=strata)
    return note("weighting_used", lang, variable=label, source=source, low=weights.min(), high=weights.max(),
                ess=kish_ess(weights), n=len(weights))


def versions(lang: str = "nl") -> Styler:
    """Versions of the packages that produced the report (a watermark for reviewers)."""
    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return t("not_installed", lang)

    table = pd.DataFrame({t("col_package", lang): WATERMARK_PACKAGES,
                          t("col_version", lang): [installed(p) for p in WATERMARK_PACKAGES]})
    return table.style.hide(axis="index").set_caption(t("versions_title", lang))
