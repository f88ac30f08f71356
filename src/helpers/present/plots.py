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
              axis_labels: tuple[str, str] | None = None, legend: tuple[str, str] | None = None) -> Figure:
    """Vertical bars of `y` per category `x` (in table order); `highlight` categories in the accent colour,
    explained by `legend` (the highlighted categories' name, the others'); the axes named by `axis_labels`
    (default the column names)."""
    fig, ax = _figure()
    colours = [EXCLUDED if highlight and c in highlight else MAIN for c in table[x]]
    bars = ax.bar(table[x].astype(str), table[y].fillna(0), color=colours)
    ax.bar_label(bars, labels=[_number(v) for v in table[y]], padding=2, fontsize=7)
    ax.set_xlabel((axis_labels or (x, y))[0])
    ax.set_ylabel((axis_labels or (x, y))[1])
    _title(fig, title)
    if highlight and legend:
        _legend(fig, ax, [matplotlib.patches.Patch(color=MAIN), matplotlib.patches.Patch(color=EXCLUDED)], [legend[1], legend[0]])
    ax.tick_params(axis="x", rotation=45)
    return described(fig, title, [f"{c}: {_number(v)}" + (f" ({legend[0]})" if legend and highlight and c in highlight else "")
                                  for c, v in zip(table[x], table[y])])


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
        _legend(fig, ax, *ax.get_legend_handles_labels())
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
    ax.use_sticky_edges = False   # each bar's ends are sticky: without this no margin keeps the outer ones off the plot's edge
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
    _legend(fig, ax, list(legend.values()), list(legend.keys()), fontsize=8, handlelength=1, columnspacing=1)
    low, high = codes[:middle], codes[middle + 1:]
    return described(fig, title, [f"{label}: " + (HIDDEN if shares.loc[item].isna().all() else
                                  f"{shares.loc[item, low].sum():.1f}% {value_labels[low[0]]} / {value_labels[low[-1]]}, "
                                  f"{shares.loc[item, high].sum():.1f}% {value_labels[high[0]]} / {value_labels[high[-1]]}")
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
    """The legend above the chart, from the figure's left edge like the title (Pew's habit), read row by row:
    in one row when it fits the figure's width, else in as many rows as it needs (measured, so never cut
    off). An axes legend, so constrained layout keeps it between the title and the bars."""
    anchor = matplotlib.transforms.blended_transform_factory(fig.transFigure, ax.transAxes)
    for ncol in range(len(handles), 0, -1):
        order = _row_by_row(len(handles), ncol)
        legend = ax.legend([handles[i] for i in order], [labels[i] for i in order], ncol=ncol, loc="lower left",
                           bbox_to_anchor=(0.01, 1.01), bbox_transform=anchor, frameon=False, borderaxespad=0, **style)
        if legend.get_window_extent().x1 <= 0.95 * fig.bbox.width:   # room for hinting at other dpi, as _fitted
            return


def _row_by_row(n: int, ncol: int) -> list[int]:
    """The order in which to hand matplotlib `n` legend entries (it fills a legend column by column) so that
    they read row by row in `ncol` columns.

    >>> _row_by_row(6, 4)   # rows: 0 1 2 3 / 4 5
    [0, 4, 1, 5, 2, 3]
    """
    return [i for column in range(ncol) for i in range(column, n, ncol)]


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


RADIUS_100 = 8_000   # metres: the radius of the circle of 100 respondents (a circle's area is proportional to n)


def radius(n) -> float:
    """A map circle's radius in metres for `n` respondents."""
    return RADIUS_100 * (n / 100) ** 0.5


def bubble_map(shapes: dict, places: pd.DataFrame, title: str, listing: str, key_label: str, highlight_region: str,
               outline_region: str, size_key: tuple[int, ...] = (5, 25, 100)) -> Figure:
    """Respondents on the map of the two regions (`highlight_region` filled, `outline_region` outlined): a
    municipality (the rows of `places` with a point x, y) as a circle whose area is proportional to its n, drawn
    in map units, so the frame, which holds both regions and every circle whole, holds them on every export and
    at every size; under it a key of circle sizes (`size_key`, named by `key_label`) and `listing`, the
    respondents who are no circle (pooled places, no place), so that every respondent is drawn or listed.
    Labels on the largest circles, none over another. `shapes`: helpers.prepare.geo.boundaries()."""
    fig = Figure(figsize=(8.0, 4.8), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    regions, provinces = shapes["region"], shapes["province"]
    shown_regions = regions[regions["region_id"].isin([highlight_region, outline_region])]
    regions.plot(ax=ax, color="#eeeeee")
    regions[regions["region_id"] == highlight_region].plot(ax=ax, color="#dbe9f6")
    provinces.boundary.plot(ax=ax, color="white", linewidth=1.2)
    shown_regions.boundary.plot(ax=ax, color=MAIN, linewidth=1.4)
    regions[regions["region_id"] == outline_region].boundary.plot(ax=ax, color="black", linewidth=1.2)
    towns = places[places["level"] == "municipality"].dropna(subset=["x"]).sort_values("n", ascending=False)
    for town in towns.itertuples():   # largest first: a small circle is drawn over a large one
        ax.add_patch(matplotlib.patches.Circle((town.x, town.y), radius(town.n), facecolor=EXCLUDED, alpha=0.6, edgecolor="white",
                                               linewidth=0.6, gid="place"))
    xmin, ymin, xmax, ymax = shown_regions.total_bounds
    if len(towns):
        reach = radius(towns["n"])
        xmin, ymin = min(xmin, (towns["x"] - reach).min()), min(ymin, (towns["y"] - reach).min())
        xmax, ymax = max(xmax, (towns["x"] + reach).max()), max(ymax, (towns["y"] + reach).max())
    margin = 0.02 * (xmax - xmin)
    key_height = 2 * radius(max(size_key)) + 2 * margin
    ax.set_xlim(xmin - margin, xmax + margin)
    ax.set_ylim(ymin - margin - key_height, ymax + margin)
    ax.set_aspect("equal")
    _size_key(ax, size_key, key_label, (xmin, ymin - margin - key_height / 2), margin, xmax - xmin)
    _title(fig, title)
    _under(fig, ax, listing, fontsize=8, gid="listing")
    place_labels(fig, ax, towns)
    return described(fig, f"{title}. {listing.rstrip('.')}", [f"{row.name}: {row.n}" for row in towns.head(10).itertuples()])


def _size_key(ax, sizes: tuple[int, ...], label: str, start: tuple[float, float], gap: float, width: float) -> None:
    """The key of circle sizes, in map units like the circles, on a white band under the map from `start`
    (its left end, vertical middle): `label`, then each size's circle and its number."""
    x, y = start
    band = 2 * radius(max(sizes)) + 2 * gap
    ax.add_patch(matplotlib.patches.Rectangle((x - gap, y - band / 2), width + 2 * gap, band, facecolor="white", edgecolor="none",
                                              zorder=2.5))   # over the boundaries
    text = ax.text(x, y, label, va="center", fontsize=8)
    ax.figure.draw_without_rendering()   # the label's width in map units, with room for a layout that shrinks the map
    x += 1.5 * text.get_window_extent().width * (ax.get_xlim()[1] - ax.get_xlim()[0]) / ax.bbox.width
    for n in sizes:
        ax.add_patch(matplotlib.patches.Circle((x + radius(n), y), radius(n), facecolor=EXCLUDED, alpha=0.6, edgecolor="white", zorder=3,
                                               gid="key"))
        ax.text(x + 2 * radius(n) + gap / 2, y, str(n), va="center", fontsize=8)
        x += 2 * radius(n) + 0.07 * width


def _under(fig: Figure, ax, text: str, **style) -> None:
    """`text` under the plot, from the figure's left edge like the title, wrapped to the figure's width (_fitted)."""
    anchor = matplotlib.transforms.blended_transform_factory(fig.transFigure, ax.transAxes)
    placed = []

    def place(wrapped: str, **where) -> matplotlib.text.Text:
        while placed:
            placed.pop().remove()
        placed.append(ax.text(s=wrapped, y=-0.02, transform=anchor, va="top", **where))
        return placed[0]

    _fitted(place, fig, text, **style)


def place_labels(fig: Figure, ax, places: pd.DataFrame, most: int = 12) -> None:
    """Name the largest circles ('name (n)'), largest first, beside the circle (right, left, above or below,
    whichever is free): free means inside the plot, over no label already placed and over no other circle. A
    circle with no free side keeps no label."""
    fig.draw_without_rendering()   # the layout first: extents in display units
    scale = ax.bbox.width / (ax.get_xlim()[1] - ax.get_xlim()[0])   # pixels per metre
    centres = ax.transData.transform(places[["x", "y"]].to_numpy()) if len(places) else []
    circles = [matplotlib.transforms.Bbox.from_extents(cx - r, cy - r, cx + r, cy + r)   # the square around each circle
               for (cx, cy), r in zip(centres, scale * radius(places["n"].to_numpy()))]
    taken, inner = [], ax.bbox.padded(-0.03 * ax.bbox.width)
    for i in places.reset_index(drop=True).nlargest(most, "n").index:
        row = places.iloc[i]
        r = radius(row["n"])
        for at, offset, ha, va in (((row.x + r, row.y), (2, 0), "left", "center"), ((row.x - r, row.y), (-2, 0), "right", "center"),
                                   ((row.x, row.y + r), (0, 2), "center", "bottom"), ((row.x, row.y - r), (0, -2), "center", "top")):
            label = ax.annotate(f"{row['name']} ({row['n']})", at, textcoords="offset points", xytext=offset, ha=ha, va=va,
                                fontsize=7.5, gid="label", bbox={"facecolor": "white", "edgecolor": "none", "alpha": 0.7, "pad": 0.5})
            extent = label.get_window_extent()
            covers = any(j != i and extent.overlaps(circle) for j, circle in enumerate(circles))
            if not covers and not any(extent.overlaps(other) for other in taken) and inner.contains(extent.x0, extent.y0) \
                    and inner.contains(extent.x1, extent.y1):
                taken.append(extent)
                break
            label.remove()
