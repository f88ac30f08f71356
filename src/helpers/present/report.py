"""What every report shows besides its tables and charts: the data banner, notes, package versions."""
from __future__ import annotations

import base64
import html
import io
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pandas as pd
from IPython.display import Markdown
from matplotlib.figure import Figure
from pandas.io.formats.style import Styler

from helpers.analysis.weighting import kish_ess
from helpers.present.text import t

WATERMARK_PACKAGES = ("pandas", "numpy", "scipy", "pingouin", "semopy", "statsmodels", "pandera", "matplotlib",
                      "seaborn", "geopandas", "papermill", "nbconvert", "genai-overheid-helpers")


def setup_notebook() -> None:
    """Show matplotlib Figures as embedded PNG images (the helpers make Figures without pyplot)."""
    from matplotlib_inline.backend_inline import set_matplotlib_formats

    set_matplotlib_formats("png")


def note(key: str, lang: str, **values) -> Markdown:
    """A catalogue message shown as a paragraph of the report."""
    return Markdown(t(key, lang, **values))


class Chart:
    """A figure as the report shows it: an image with alt text saying what it shows (plots.described)."""

    def __init__(self, fig: Figure, caption: str = ""):
        self.fig = fig
        self.alt = getattr(fig, "alt", "")
        self.caption = caption

    def _repr_html_(self) -> str:
        buffer = io.BytesIO()
        self.fig.savefig(buffer, format="png", dpi=110)
        data = base64.b64encode(buffer.getvalue()).decode()
        caption = f"<figcaption>{html.escape(self.caption)}</figcaption>" if self.caption else ""
        return (f'<figure><img src="data:image/png;base64,{data}" alt="{html.escape(self.alt)}" style="max-width:100%">'
                f"{caption}</figure>")


def keep(shown, name: str, folder: str | Path | None):
    """Save a figure (PNG and SVG) or table (CSV) as `name` in `folder` beside the report, and return what
    the notebook shows: a table as it is, a figure as a Chart (with its alt text). With folder None
    nothing is saved."""
    if folder is not None:
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        if isinstance(shown, Figure):
            for suffix in ("png", "svg"):
                shown.savefig(folder / f"{name}.{suffix}", dpi=150, metadata={"Date": None} if suffix == "svg" else None)
        else:
            table = shown.data if isinstance(shown, Styler) else shown
            table.to_csv(folder / f"{name}.csv", index=False)
    return Chart(shown) if isinstance(shown, Figure) else shown


def predictors_sentence(paths: pd.DataFrame, labels: dict[str, str], lang: str, alpha: float = 0.05) -> Markdown:
    """In words, from the fitted paths: which predictors are significant at `alpha` and which not."""
    def names(rows: pd.DataFrame) -> str:
        return ", ".join(labels[p] for p in rows["predictor"]) or t("none", lang)

    significant = paths[paths["p"] < alpha]
    return Markdown(t("predictors_sentence", lang, outcome=labels[paths["outcome"].iloc[0]], alpha=f"{alpha:g}".replace("0.", "."),
                      significant=names(significant), others=names(paths[paths["p"] >= alpha])))


def key_figure(key: str, lang: str, folder: str | Path | None, **values) -> Markdown:
    """The chapter's headline in one sentence (catalogue message key_<key>, numbers from the run): shown
    in the report and, with `folder`, kept as key_figure.txt for the run's landing page."""
    sentence = t(f"key_{key}", lang, **values)
    if folder is not None:
        Path(folder).mkdir(parents=True, exist_ok=True)
        (Path(folder) / "key_figure.txt").write_text(sentence, encoding="utf-8")
    return Markdown(f"**{sentence}**")


def weighting_note(weights: pd.Series, by: str | None, label: str, source: str, lang: str) -> Markdown:
    """Which weighting the report uses, with the range of the weights and Kish's effective sample size."""
    if by is None:
        return Markdown(t("weighting_none", lang))
    return Markdown(t("weighting_used", lang, variable=label, source=source, low=weights.min(), high=weights.max(),
                      ess=kish_ess(weights), n=len(weights)))


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
