"""The house style of the report's charts: matplotlib Figures (no pyplot state), labels passed in."""
from __future__ import annotations

import textwrap

import matplotlib
import matplotlib.patches
import matplotlib.ticker
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

from helpers.analysis.stats import ALPHA, ALPHA_REPORT
from helpers.disclosure import HIDDEN, share_hidden, split_runs, suppress

matplotlib.rcParams.update({"svg.hashsalt": "genai-survey", "font.size": 10, "figure.dpi": 110})  # SVG output stable run to run
PALETTE = sns.color_palette("colorblind")
MAIN, EXCLUDED = PALETTE[0], PALETTE[3]


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
    ax.set_title(_wrap(title, 75), loc="left")
    return described(fig, title, [f"{label}: {_number(kept)}" + (f" (−{_number(removed)})" if pd.isna(removed) or removed else "")
                                  for label, kept, removed in zip(step_labels, remaining, excluded)])


def bar_chart(table: pd.DataFrame, x: str, y: str, title: str, highlight: list[str] | None = None) -> Figure:
    """Vertical bars of `y` per category `x` (in table order); `highlight` categories in the accent colour."""
    fig, ax = _figure()
    colours = [EXCLUDED if highlight and c in highlight else MAIN for c in table[x]]
    bars = ax.bar(table[x].astype(str), table[y].fillna(0), color=colours)
    ax.bar_label(bars, labels=[_number(v) for v in table[y]], padding=2, fontsize=7)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(_wrap(title, 75), loc="left")
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
    ax.set_title(_wrap(title, 75), loc="left")
    if len(series) > 1:
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=len(series), frameon=False)
    names = legend or series
    return described(fig, title, [f"{c}: " + ", ".join(f"{n} {_number(row[col])}" for n, col in zip(names, series))
                                  for c, row in data.iloc[::-1].iterrows()])


def diverging_bars(df: pd.DataFrame, items: list[str], item_labels: list[str], value_labels: dict[int, str],
                   title: str, min_cell: int, pooled_label: str) -> Figure:
    """Diverging stacked bars of 1-5 items (Heiberger & Robbins, 2014): the low answers left of zero,
    the high ones right, the middle answer split across zero; % of those answering each item.
    Small-cell policy: an item with a hidden answer is drawn in three hatched parts (low, middle, high,
    legend `pooled_label`); an item whose parts would still give a hidden answer away is not drawn
    (marked in the alt text)."""
    codes = list(value_labels)
    protected = {item: protected_distribution(df[item], codes, min_cell) for item in items}
    shares = pd.DataFrame({item: dist for item, (dist, _) in protected.items()}).T
    colours = sns.color_palette("RdBu", len(codes))
    middle = len(codes) // 2
    fig, ax = _figure(8.0, 0.5 * len(items) + 1.6)
    drawn = shares.fillna(0)
    for y, item in zip(range(len(items) - 1, -1, -1), items):
        left = -(drawn.loc[item, codes[:middle]].sum() + drawn.loc[item, codes[middle]] / 2)
        for code, colour in zip(codes, colours):
            ax.barh(y, drawn.loc[item, code], left=left, color=colour, label=value_labels[code], edgecolor="white",
                    linewidth=0.5, hatch="////" if protected[item][1] else None)
            left += drawn.loc[item, code]
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(range(len(items) - 1, -1, -1), [_wrap(label) for label in item_labels])
    ax.set_xlabel("%")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{abs(v):.0f}"))
    ax.set_title(_wrap(title, 60), loc="left", fontsize=11)
    handles, labels = ax.get_legend_handles_labels()
    legend = dict(zip(labels, handles))   # one entry per answer
    if any(pooled for _, pooled in protected.values()):
        legend[pooled_label] = matplotlib.patches.Patch(facecolor="white", edgecolor="grey", hatch="////")
    fig.legend(legend.values(), legend.keys(), loc="outside lower center", ncol=3, frameon=False, fontsize=8)
    low, high = codes[:middle], codes[middle + 1:]
    return described(fig, title, [f"{label}: " + (HIDDEN if shares.loc[item].isna().all() else
                                  f"{shares.loc[item, low].sum():.0f}% {value_labels[low[0]]} / {value_labels[low[-1]]}, "
                                  f"{shares.loc[item, high].sum():.0f}% {value_labels[high[0]]} / {value_labels[high[-1]]}")
                                  for item, label in zip(items, item_labels)])


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


def _number(value) -> str:
    """A value for a chart label or alt text; NaN is a cell hidden by the small-cell policy."""
    return HIDDEN if pd.isna(value) else f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


def _wrap(text: str, width: int = 40) -> str:
    return "\n".join(textwrap.wrap(text, width)) or text


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
    ax.set_title(_wrap(title, 75), loc="left")
    return described(fig, title, [f"{label}: M {row.mean:.2f} [{row.ci_low:.2f}, {row.ci_high:.2f}]"
                                  for label, row in zip(labels, means.itertuples())])


def path_diagram(paths: pd.DataFrame, labels: dict[str, str], r2: float, title: str) -> Figure:
    """Predictors (left) and outcome (right) as ellipses, each path an arrow labelled with its
    standardized beta and stars (** p < .001, * p < .05); drawn from the fitted paths table."""
    fig = Figure(figsize=(7.5, 4.2), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    ax.set_xlim(0, 10)
    ax.set_ylim(-0.5, len(paths) - 0.5)
    outcome = paths["outcome"].iloc[0]
    target = (7.8, (len(paths) - 1) / 2)
    for y, row in zip(range(len(paths))[::-1], paths.itertuples()):
        start = (2.2, y)
        significant = row.p < ALPHA
        ax.add_patch(matplotlib.patches.Ellipse(start, 3.4, 0.7, facecolor="white", edgecolor=MAIN))
        ax.text(*start, _wrap(labels[row.predictor], 22), ha="center", va="center", fontsize=8)
        ax.annotate("", xy=(target[0] - 1.3, target[1]), xytext=(start[0] + 1.7, y),
                    arrowprops={"arrowstyle": "-|>", "color": MAIN if significant else "grey",
                                "linestyle": "-" if significant else "--", "linewidth": 1.6 if significant else 1})
        stars = "**" if row.p < ALPHA_REPORT else "*" if significant else " (ns)"
        mid = ((start[0] + 1.7 + target[0] - 1.3) / 2, (y + target[1]) / 2)
        ax.text(*mid, f"β = {row.std:.2f}{stars}", ha="center", va="bottom", fontsize=8,
                bbox={"facecolor": "white", "edgecolor": "none", "pad": 1})
    ax.add_patch(matplotlib.patches.Ellipse(target, 2.6, 0.9, facecolor="white", edgecolor=MAIN, linewidth=2))
    ax.text(*target, f"{_wrap(labels[outcome], 18)}\nR² = {r2:.2f}", ha="center", va="center", fontsize=9)
    ax.set_title(_wrap(title, 75), loc="left")
    return described(fig, title, [f"{labels[row.predictor]} → {labels[outcome]}: β = {row.std:.2f}, p {'< .001' if row.p < 0.001 else f'= {row.p:.3f}'}"
                                  for row in paths.itertuples()] + [f"R² = {r2:.2f}"])


def bubble_map(provinces, regions, places: pd.DataFrame, title: str, note: str, highlight_region: str,
               outline_region: str, size_legend: tuple[int, ...] = (5, 25, 100)) -> Figure:
    """Respondents as circles (area proportional to n) on the provinces of Belgium; one region filled
    in light blue and outlined, another outlined; the largest places named. A static image."""
    fig = Figure(figsize=(8.0, 6.2), layout="constrained")
    ax = fig.subplots()
    ax.set_axis_off()
    regions.plot(ax=ax, color="#eeeeee")
    regions[regions["region_id"] == highlight_region].plot(ax=ax, color="#dbe9f6")
    provinces.boundary.plot(ax=ax, color="white", linewidth=1.2)
    regions[regions["region_id"] == highlight_region].boundary.plot(ax=ax, color=MAIN, linewidth=1.6)
    regions[regions["region_id"] == outline_region].boundary.plot(ax=ax, color="black", linewidth=1.2)
    shown = places.dropna(subset=["x"])
    scale = 12.0
    ax.scatter(shown["x"], shown["y"], s=shown["n"] * scale, color=EXCLUDED, alpha=0.6, edgecolor="white", linewidth=0.6)
    for row in shown.nlargest(6, "n").itertuples():
        ax.annotate(f"{row.name} ({row.n})", (row.x, row.y), textcoords="offset points", xytext=(8, 8), fontsize=8)
    handles = [ax.scatter([], [], s=n * scale, color=EXCLUDED, alpha=0.6, edgecolor="white") for n in size_legend]
    ax.legend(handles, [str(n) for n in size_legend], title="n", loc="upper right", frameon=False, labelspacing=1.6, borderpad=1.2)
    ax.set_title(_wrap(title, 80), loc="left")
    fig.text(0.01, 0.01, _wrap(note, 130), fontsize=7, va="bottom")
    largest = shown.nlargest(10, "n")
    return described(fig, title, [f"{row.name}: {row.n}" for row in largest.itertuples()] + [note])
