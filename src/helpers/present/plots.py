"""The house style of the report's charts: matplotlib Figures (no pyplot state), labels passed in."""
from __future__ import annotations

import textwrap

import matplotlib
import matplotlib.patches
import matplotlib.text
import matplotlib.ticker
import matplotlib.transforms
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from helpers.analysis.reproduction import STANDARDS
from helpers.disclosure import HIDDEN, share_hidden, split_runs, suppress
from helpers.present.text import localise

matplotlib.rcParams.update({"svg.hashsalt": "genai-survey", "font.size": 10, "figure.dpi": 110})  # SVG output stable run to run
PALETTE = sns.color_palette("colorblind")   # Okabe-Ito-like, safe for the common colour-vision deficiencies
MAIN, EXCLUDED = PALETTE[0], PALETTE[3]
NEUTRAL = "#b8b8b8"   # the middle answer of a Likert scale: grey, as Pew and statistics offices draw it
FOOTER = "#555555"


def _figure(width: float = 7.0, height: float = 3.5) -> tuple[Figure, matplotlib.axes.Axes]:
    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.subplots()
    sns.despine(ax=ax)
    return fig, ax


def flow_chart(step_labels: list[str], remaining: pd.Series, excluded: pd.Series, title: str, axis_label: str) -> Figure:
    """Exclusion flow as horizontal bars: the rows remaining after each step, the rows each rule removed
    (input first, then each rule). A hidden count (NaN, by the small-cell policy) has no bar, only the mark."""
    fig, ax = _figure(7.0, 0.55 * len(step_labels) + 1.2)
    y = list(range(len(step_labels)))[::-1]
    for yi, kept, removed in zip(y, remaining, excluded):
        if pd.notna(kept):
            ax.barh(yi, kept, color=MAIN)
            if removed > 0:
                ax.barh(yi, removed, left=kept, color=EXCLUDED)
        ax.text((kept if pd.notna(kept) else 0) / 2, yi, _number(kept), va="center", ha="center" if pd.notna(kept) else "left",
                color="white" if pd.notna(kept) else "black", fontweight="bold")
        if pd.isna(removed) or removed > 0:
            ax.text((kept if pd.notna(kept) else 0) + (removed if pd.notna(removed) else 0) + 4, yi, f"−{_number(removed)}",
                    va="center", color=EXCLUDED)
    ax.set_yticks(y, step_labels)
    ax.set_xlabel(axis_label)
    _title(fig, title)
    return described(fig, title, [f"{label}: {_number(kept)}" + (f" (−{_number(removed)})" if pd.isna(removed) or removed else "")
                                  for label, kept, removed in zip(step_labels, remaining, excluded)])


def bar_chart(table: pd.DataFrame, x: str, y: str, title: str, highlight: list[str] | None = None,
              axis_labels: tuple[str, str] | None = None) -> Figure:
    """Vertical bars of `y` per category `x` (in table order); `highlight` categories in the accent colour;
    the axes named by `axis_labels` (default the column names)."""
    fig, ax = _figure()
    colours = [EXCLUDED if highlight and c in highlight else MAIN for c in table[x]]
    bars = ax.bar(table[x].astype(str), table[y].fillna(0), color=colours)
    ax.bar_label(bars, labels=[_number(v) for v in table[y]], padding=2, fontsize=7)
    ax.set_xlabel((axis_labels or (x, y))[0])
    ax.set_ylabel((axis_labels or (x, y))[1])
    _title(fig, title)
    ax.tick_params(axis="x", rotation=45)
    return described(fig, title, [f"{c}: {_number(v)}" for c, v in zip(table[x], table[y])])


def grouped_bars(table: pd.DataFrame, label: str, series: list[str], title: str, axis_label: str,
                 legend: list[str] | None = None, decimals: int = 1) -> Figure:
    """Horizontal bars per category (`label`), one bar per series column (e.g. work vs free time)."""
    data = table.set_index(label)[series].apply(pd.to_numeric, errors="coerce").iloc[::-1]   # the mark of a hidden cell: NaN
    fig, ax = _figure(7.0, 0.45 * len(data) * max(1, len(series) * 0.6) + 1.3)
    height = 0.8 / len(series)
    for i, (col, colour) in enumerate(zip(series, PALETTE)):
        positions = [y + ((len(series) - 1) / 2 - i) * height for y in range(len(data))]   # first series on top
        bars = ax.barh(positions, data[col].fillna(0), height=height, color=colour, label=(legend or series)[i])
        ax.bar_label(bars, labels=[f"{v:.{decimals}f}" if pd.notna(v) else HIDDEN for v in data[col]], padding=2, fontsize=8)
    ax.set_yticks(range(len(data)), [_wrap(str(c)) for c in data.index])
    ax.set_xlabel(axis_label)
    _title(fig, title)
    if len(series) > 1:
        _legend(fig, ax, *ax.get_legend_handles_labels(), ncol=len(series))
    names = legend or series
    return described(fig, title, [f"{c}: " + ", ".join(f"{n} {_number(row[col])}" for n, col in zip(names, series))
                                  for c, row in data.iloc[::-1].iterrows()])


def diverging_bars(df: pd.DataFrame, items: list[str], item_labels: list[str], value_labels: dict[int, str],
                   title: str, min_cell: int, pooled_label: str) -> Figure:
    """Diverging stacked bars of 1-5 items (Heiberger & Robbins, 2014): the low answers left of zero,
    the high ones right, the grey middle answer split across zero; % of those answering each item.
    Small-cell policy: an item with a hidden answer is drawn in three hatched parts (low, middle, high,
    legend `pooled_label`); an item whose parts would still give a hidden answer away is not drawn
    (marked in the alt text)."""
    codes = list(value_labels)
    protected = {item: protected_distribution(df[item], codes, min_cell) for item in items}
    shares = pd.DataFrame({item: dist for item, (dist, _) in protected.items()}).T
    middle = len(codes) // 2
    colours = likert_colours(len(codes))
    fig, ax = _figure(8.0, 0.5 * len(items) + 1.6)
    drawn = shares.fillna(0)
    for y, item in zip(range(len(items) - 1, -1, -1), items):
        left = -(drawn.loc[item, codes[:middle]].sum() + drawn.loc[item, codes[middle]] / 2)
        for code, colour in zip(codes, colours):
            bars = ax.barh(y, drawn.loc[item, code], left=left, color=colour, label=value_labels[code], edgecolor="white",
                           linewidth=0.5, hatch="////" if protected[item][1] else None)
            value = drawn.loc[item, code]
            ax.bar_label(bars, labels=[f"{value:.0f}" if value >= 6 else ""], label_type="center", fontsize=7,
                         color="white" if code in (codes[0], codes[-1]) else "black")
            left += value
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(items) - 1, -1, -1), [_wrap(label) for label in item_labels])
    ax.set_xlabel("%")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{abs(v):.0f}"))
    _title(fig, title)
    handles, labels = ax.get_legend_handles_labels()
    legend = dict(zip(labels, handles))   # one entry per answer
    if any(pooled for _, pooled in protected.values()):
        legend[pooled_label] = matplotlib.patches.Patch(facecolor="white", edgecolor="grey", hatch="////")
    _legend(fig, ax, list(legend.values()), list(legend.keys()), ncol=len(codes), fontsize=8, handlelength=1, columnspacing=1)
    low, high = codes[:middle], codes[middle + 1:]
    return described(fig, title, [f"{label}: " + (HIDDEN if shares.loc[item].isna().all() else
                                  f"{shares.loc[item, low].sum():.0f}% {value_labels[low[0]]} / {value_labels[low[-1]]}, "
                                  f"{shares.loc[item, high].sum():.0f}% {value_labels[high[0]]} / {value_labels[high[-1]]}")
                                  for item, label in zip(items, item_labels)])


def likert_colours(n: int) -> list:
    """ColorBrewer's RdBu (colour-blind safe) for the answers below and above the middle, grey for the middle."""
    colours = sns.color_palette("RdBu", n)
    colours[n // 2] = NEUTRAL
    return colours


def protected_distribution(answers: pd.Series, codes: list[int], min_cell: int) -> tuple[pd.Series, bool]:
    """% per answer code; with a hidden answer the low, middle and high parts pooled on their inner code
    (codes 2, 3 and 4 of 1-5); all NaN when even the pooled parts would show a hidden answer. Second: pooled or not."""
    counts = answers.dropna().astype(int).value_counts().reindex(codes, fill_value=0)
    hidden = suppress(counts, min_cell, ordered=True)
    if not hidden.any():
        return 100 * counts / max(counts.sum(), 1), False
    middle = len(codes) // 2
    parts = [codes[:middle], [codes[middle]], codes[middle + 1:]]
    sums = [int(counts[p].sum()) for p in parts]
    if any(split_runs(hidden, p) or share_hidden(n, counts.sum(), min_cell) for p, n in zip(parts, sums) if n):
        return pd.Series(float("nan"), index=codes), False
    pooled = pd.Series(0.0, index=codes)
    pooled[[parts[0][-1], codes[middle], parts[2][0]]] = sums
    return 100 * pooled / counts.sum(), True


def described(fig: Figure, title: str, parts: list[str], limit: int = 900) -> Figure:
    """Attach alt text to a figure: its title and what it shows, in words (read by screen readers)."""
    text = f"{title}. " + "; ".join(parts)
    fig.alt = text if len(text) <= limit else text[: limit - 1] + "…"
    return fig


def shows_hidden(fig: Figure) -> bool:
    """Whether a chart marks a hidden value: HIDDEN in one of its texts (title, labels) or its alt text."""
    return HIDDEN in getattr(fig, "alt", "") or any(HIDDEN in text.get_text() for text in fig.findobj(matplotlib.text.Text))


def _number(value) -> str:
    """A value for a chart label or alt text; NaN is a cell hidden by the small-cell policy."""
    return HIDDEN if pd.isna(value) else f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def _wrap(text: str, width: int = 40) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


def _title(fig: Figure, title: str) -> None:
    """The chart's title above everything, from the figure's left edge; constrained layout makes room."""
    _fitted(fig.suptitle, fig, title, fontsize=11, fontweight="bold")


def _legend(fig: Figure, ax, handles, labels, **style) -> None:
    """The legend in one row above the chart, from the figure's left edge like the title (Pew's habit):
    an axes legend, so constrained layout keeps it between the title and the bars."""
    anchor = matplotlib.transforms.blended_transform_factory(fig.transFigure, ax.transAxes)
    ax.legend(handles, labels, loc="lower left", bbox_to_anchor=(0.01, 1.01), bbox_transform=anchor, frameon=False,
              borderaxespad=0, **style)


def _fitted(place, fig: Figure, text: str, **style) -> None:
    """`text` placed by `place` (fig.suptitle, fig.supxlabel) from the figure's left edge, wrapped to the
    figure's width: measured, so it is never cut off."""
    chars = int(fig.get_figwidth() * 72 / (style["fontsize"] * 0.5))
    while True:
        artist = place(_wrap(text, chars), x=0.01, ha="left", **style)
        if chars <= 20 or artist.get_window_extent().x1 <= 0.95 * fig.bbox.width:   # room for hinting at other dpi
            return
        chars -= 4


def finish(fig: Figure, footer: str, lang: str) -> Figure:
    """What every chart ends with: every number in it (ticks, value labels, alt text) as the page's
    language writes it, and its base and source under it (`footer`, written as given)."""
    for text in fig.findobj(matplotlib.text.Text):
        text.set_text(localise(text.get_text(), lang))
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            axis.set_major_formatter(Localised(axis.get_major_formatter(), lang))
    fig.alt = localise(getattr(fig, "alt", ""), lang)
    _fitted(fig.supxlabel, fig, footer, fontsize=7.5, color=FOOTER)
    return fig


class Localised(matplotlib.ticker.Formatter):
    """A tick formatter writing another formatter's labels as the page's language writes numbers."""

    def __init__(self, inner: matplotlib.ticker.Formatter, lang: str):
        self.inner, self.lang = inner, lang

    def set_axis(self, axis) -> None:
        super().set_axis(axis)
        self.inner.set_axis(axis)

    def format_ticks(self, values) -> list[str]:
        return [localise(label, self.lang) for label in self.inner.format_ticks(values)]

    def __call__(self, x, pos=None) -> str:
        return localise(self.inner(x, pos), self.lang)


def profile_chart(means: pd.DataFrame, labels: list[str], title: str, axis_label: str, limits: tuple[float, float] = (1, 5)) -> Figure:
    """Means with their confidence intervals, one row per scale (a profile of subscales)."""
    fig, ax = _figure(7.0, 0.5 * len(means) + 1.3)
    y = list(range(len(means)))[::-1]
    ax.errorbar(means["mean"], y, xerr=[means["mean"] - means["ci_low"], means["ci_high"] - means["mean"]],
                fmt="o", color=MAIN, capsize=4)
    for yi, m in zip(y, means["mean"]):
        ax.annotate(f"{m:.2f}", (m, yi), textcoords="offset points", xytext=(0, 8), ha="center", fontsize=8)
    ax.set_yticks(y, labels)
    ax.set_xlim(*limits)
    ax.set_xlabel(axis_label)
    _title(fig, title)
    return described(fig, title, [f"{label}: M {row.mean:.2f} [{row.ci_low:.2f}, {row.ci_high:.2f}]"
                                  for label, row in zip(labels, means.itertuples())])


def path_diagram(paths: pd.DataFrame, labels: dict[str, str], r2: dict[str, float], title: str) -> Figure:
    """A structural model's paths (outcome, predictor, std, p): variables as ellipses in layers from left to right
    (those predicted by nothing first, each outcome right of all its predictors), each path an arrow labelled
    with its standardized beta and the stars of the paths' standard (reproduction.STANDARDS['sem']: ** p < .001;
    dashed and '(ns)' when not significant), each outcome with its R² (`r2`: variable -> R²)."""
    standard = STANDARDS["sem"]
    layer = {v: 0 for v in paths["predictor"]}
    for _ in range(len(paths)):   # an outcome lies right of every predictor it has (the structural part is recursive)
        for row in paths.itertuples():
            layer[row.outcome] = max(layer.get(row.outcome, 0), layer.get(row.predictor, 0) + 1)
    columns = max(layer.values()) + 1
    rows = max(list(layer.values()).count(k) for k in range(columns))
    fig = Figure(figsize=(3.0 + 2.4 * columns, 0.9 * rows + 1.6), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    width = 10 / columns
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.6, rows - 0.4)
    where = {}
    for k in range(columns):
        members = [v for v in layer if layer[v] == k]
        for i, v in enumerate(members):
            where[v] = (width * (k + 0.5), (rows - 1) / 2 + (len(members) - 1) / 2 - i)
    box = (min(width * 0.8, 3.4), 0.7)
    for row in paths.itertuples():
        (x0, y0), (x1, y1) = where[row.predictor], where[row.outcome]
        significant = standard.significant(row.p)
        ax.annotate("", xy=(x1 - box[0] / 2, y1), xytext=(x0 + box[0] / 2, y0),
                    arrowprops={"arrowstyle": "-|>", "color": MAIN if significant else "grey",
                                "linestyle": "-" if significant else "--", "linewidth": 1.6 if significant else 1})
        stars = " (ns)" if standard.stars(row.p) == "ns" else standard.stars(row.p)
        ax.text((x0 + x1) / 2, (y0 + y1) / 2, f"β = {row.std:.2f}{stars}", ha="center", va="bottom", fontsize=8,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    for v, (x, y) in where.items():
        outcome = v in set(paths["outcome"])
        ax.add_patch(matplotlib.patches.Ellipse((x, y), box[0], box[1] + 0.2 * outcome, facecolor="white", edgecolor=MAIN,
                                                linewidth=2 if outcome else 1))
        text = _wrap(labels[v], 22) + (f"\nR² = {r2[v]:.2f}" if outcome and v in r2 else "")
        ax.text(x, y, text, ha="center", va="center", fontsize=8)
    _title(fig, title)
    return described(fig, title, [f"{labels[row.predictor]} → {labels[row.outcome]}: β = {row.std:.2f}, "
                                  f"p {'< .001' if row.p < 0.001 else f'= {row.p:.3f}'}" for row in paths.itertuples()]
                     + [f"R² {labels[v]} = {r2[v]:.2f}" for v in dict.fromkeys(paths["outcome"]) if v in r2])


def bubble_map(shapes: dict, places: pd.DataFrame, title: str, pooled_label: str, highlight_region: str, outline_region: str,
               size_legend: tuple[int, ...] = (5, 25, 100)) -> Figure:
    """Respondents on the map of the two regions (`highlight_region` filled, `outline_region` outlined;
    the axes cropped to them): a municipality as a circle (area proportional to n), places pooled into an
    arrondissement or province as that area, hatched; labels largest first, none over another.
    `shapes`: helpers.prepare.geo.boundaries(); `pooled_label` names the hatched areas in the legend."""
    fig = Figure(figsize=(8.0, 4.4), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    regions, provinces = shapes["region"], shapes["province"]
    shown_regions = regions[regions["region_id"].isin([highlight_region, outline_region])]
    regions.plot(ax=ax, color="#eeeeee")
    regions[regions["region_id"] == highlight_region].plot(ax=ax, color="#dbe9f6")
    pooled = places[places["level"].isin(["arrondissement", "province"])]
    for level, part in pooled.groupby("level"):
        areas = shapes[level].set_index(f"{level}_id").loc[part["id"]]
        areas.plot(ax=ax, facecolor="none", edgecolor=EXCLUDED, hatch="///", linewidth=0.8)
    provinces.boundary.plot(ax=ax, color="white", linewidth=1.2)
    shown_regions.boundary.plot(ax=ax, color=MAIN, linewidth=1.4)
    regions[regions["region_id"] == outline_region].boundary.plot(ax=ax, color="black", linewidth=1.2)
    xmin, ymin, xmax, ymax = shown_regions.total_bounds
    margin = 0.02 * (xmax - xmin)
    ax.set_xlim(xmin - margin, xmax + margin)
    ax.set_ylim(ymin - margin, ymax + margin)
    ax.set_aspect("equal")
    towns = places[places["level"] == "municipality"].dropna(subset=["x"])
    scale = 12.0
    ax.scatter(towns["x"], towns["y"], s=towns["n"] * scale, color=EXCLUDED, alpha=0.6, edgecolor="white", linewidth=0.6)
    handles = [ax.scatter([], [], s=n * scale, color=EXCLUDED, alpha=0.6, edgecolor="white") for n in size_legend]
    handles.append(matplotlib.patches.Patch(facecolor="none", edgecolor=EXCLUDED, hatch="///"))
    _legend(fig, ax, handles, [f"n = {size_legend[0]}", *map(str, size_legend[1:]), pooled_label], ncol=len(handles),
            handleheight=3.6)
    place_labels(fig, ax, places[places["level"] != "region"].dropna(subset=["x"]))
    _title(fig, title)
    largest = places.dropna(subset=["x"]).nlargest(10, "n")
    return described(fig, title, [f"{row.name}: {row.n}" for row in largest.itertuples()])


def place_labels(fig: Figure, ax, places: pd.DataFrame, most: int = 12) -> None:
    """Name the pooled areas (in italics), then the largest places ('name (n)'); a label that would cover
    one already placed is left out (greedy collision avoidance on the drawn extents)."""
    fig.draw_without_rendering()   # the layout first: extents in display units
    taken = []
    ordered = places.assign(area=places["level"] != "municipality").sort_values(["area", "n"], ascending=False)
    for row in ordered.head(most).itertuples():
        label = ax.annotate(f"{row.name} ({row.n})", (row.x, row.y), textcoords="offset points", xytext=(6, 6), fontsize=7.5,
                            fontstyle="normal" if row.level == "municipality" else "italic",
                            bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 0.5})
        extent = label.get_window_extent()
        if any(extent.overlaps(other) for other in taken) or not ax.bbox.contains(extent.x1, extent.y1):
            label.remove()
        else:
            taken.append(extent)
