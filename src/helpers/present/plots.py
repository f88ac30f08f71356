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

matplotlib.rcParams.update({"svg.hashsalt": "genai-survey", "font.size": 10, "figure.dpi": 110})  # SVG output stable run to run
PALETTE = sns.color_palette("colorblind")
MAIN, EXCLUDED = PALETTE[0], PALETTE[3]


def _figure(width: float = 7.0, height: float = 3.5) -> tuple[Figure, matplotlib.axes.Axes]:
    fig = Figure(figsize=(width, height), layout="constrained")
    ax = fig.subplots()
    sns.despine(ax=ax)
    return fig, ax


def flow_chart(flow: pd.DataFrame, step_labels: list[str], title: str, axis_label: str) -> Figure:
    """Exclusion flow as horizontal bars: the rows remaining after each step, the rows each rule removed.

    flow: the columns `excluded` and `remaining` of Cleaned.flow (input first, then each rule).
    """
    fig, ax = _figure(7.0, 0.55 * len(flow) + 1.2)
    y = list(range(len(flow)))[::-1]
    ax.barh(y, flow["remaining"], color=MAIN)
    ax.barh(y, flow["excluded"], left=flow["remaining"], color=EXCLUDED)
    for yi, remaining, excluded in zip(y, flow["remaining"], flow["excluded"]):
        ax.text(remaining / 2, yi, f"{remaining}", va="center", ha="center", color="white", fontweight="bold")
        if excluded:
            ax.text(remaining + excluded + 4, yi, f"−{excluded}", va="center", color=EXCLUDED)
    ax.set_yticks(y, step_labels)
    ax.set_xlabel(axis_label)
    ax.set_title(_wrap(title, 75), loc="left")
    return described(fig, title, [f"{label}: {remaining}" + (f" (−{excluded})" if excluded else "")
                                  for label, remaining, excluded in zip(step_labels, flow["remaining"], flow["excluded"])])


def bar_chart(table: pd.DataFrame, x: str, y: str, title: str, highlight: list[str] | None = None) -> Figure:
    """Vertical bars of `y` per category `x` (in table order); `highlight` categories in the accent colour."""
    fig, ax = _figure()
    colours = [EXCLUDED if highlight and c in highlight else MAIN for c in table[x]]
    ax.bar(table[x].astype(str), table[y].fillna(0), color=colours)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(_wrap(title, 75), loc="left")
    ax.tick_params(axis="x", rotation=45)
    return described(fig, title, [f"{c}: {_number(v)}" for c, v in zip(table[x], table[y])])


def grouped_bars(table: pd.DataFrame, label: str, series: list[str], title: str, axis_label: str,
                 legend: list[str] | None = None, decimals: int = 1) -> Figure:
    """Horizontal bars per category (`label`), one bar per series column (e.g. work vs free time)."""
    data = table.set_index(label)[series].astype(float).iloc[::-1]
    fig, ax = _figure(7.0, 0.45 * len(data) * max(1, len(series) * 0.6) + 1.3)
    height = 0.8 / len(series)
    for i, (col, colour) in enumerate(zip(series, PALETTE)):
        positions = [y + ((len(series) - 1) / 2 - i) * height for y in range(len(data))]   # first series on top
        bars = ax.barh(positions, data[col].fillna(0), height=height, color=colour, label=(legend or series)[i])
        ax.bar_label(bars, labels=[f"{v:.{decimals}f}" if pd.notna(v) else "" for v in data[col]], padding=2, fontsize=8)
    ax.set_yticks(range(len(data)), [_wrap(str(c)) for c in data.index])
    ax.set_xlabel(axis_label)
    ax.set_title(_wrap(title, 75), loc="left")
    if len(series) > 1:
        fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=len(series), frameon=False)
    names = legend or series
    return described(fig, title, [f"{c}: " + ", ".join(f"{n} {_number(row[col])}" for n, col in zip(names, series))
                                  for c, row in data.iloc[::-1].iterrows()])


def diverging_bars(df: pd.DataFrame, items: list[str], item_labels: list[str], value_labels: dict[int, str],
                   title: str) -> Figure:
    """Diverging stacked bars of 1-5 items (Heiberger & Robbins, 2014): the low answers left of zero,
    the high ones right, the middle answer split across zero; % of those answering each item."""
    codes = list(value_labels)
    shares = pd.DataFrame({item: df[item].dropna().astype(int).value_counts(normalize=True).reindex(codes, fill_value=0)
                           for item in items}).T * 100
    colours = sns.color_palette("RdBu", len(codes))
    middle = len(codes) // 2
    fig, ax = _figure(8.0, 0.5 * len(items) + 1.6)
    y = list(range(len(items)))[::-1]
    left = -(shares[codes[:middle]].sum(axis=1) + shares[codes[middle]] / 2)
    for code, colour in zip(codes, colours):
        ax.barh(y, shares[code], left=left, color=colour, label=value_labels[code], edgecolor="white", linewidth=0.5)
        left = left + shares[code]
    ax.axvline(0, color="black", linewidth=0.8)
    ax.set_yticks(y, [_wrap(label) for label in item_labels])
    ax.set_xlabel("%")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda v, _: f"{abs(v):.0f}"))
    ax.set_title(_wrap(title, 60), loc="left", fontsize=11)
    fig.legend(*ax.get_legend_handles_labels(), loc="outside lower center", ncol=3, frameon=False, fontsize=8)
    low, high = codes[:middle], codes[middle + 1:]
    return described(fig, title, [f"{label}: {shares.loc[item, low].sum():.0f}% {value_labels[low[0]]} / "
                                  f"{value_labels[low[-1]]}, {shares.loc[item, high].sum():.0f}% "
                                  f"{value_labels[high[0]]} / {value_labels[high[-1]]}"
                                  for item, label in zip(items, item_labels)])


def described(fig: Figure, title: str, parts: list[str], limit: int = 900) -> Figure:
    """Attach alt text to a figure: its title and what it shows, in words (read by screen readers)."""
    text = f"{title}. " + "; ".join(parts)
    fig.alt = text if len(text) <= limit else text[: limit - 1] + "…"
    return fig


def _number(value) -> str:
    return "—" if pd.isna(value) else f"{value:g}" if float(value).is_integer() else f"{value:.1f}"


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
