"""The house style of the report's charts: matplotlib Figures (no pyplot state), labels passed in."""
from __future__ import annotations

import matplotlib
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure

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
    ax.set_title(title, loc="left")
    return fig


def bar_chart(table: pd.DataFrame, x: str, y: str, title: str, highlight: list[str] | None = None) -> Figure:
    """Vertical bars of `y` per category `x` (in table order); `highlight` categories in the accent colour."""
    fig, ax = _figure()
    colours = [EXCLUDED if highlight and c in highlight else MAIN for c in table[x]]
    ax.bar(table[x].astype(str), table[y].fillna(0), color=colours)
    ax.set_xlabel(x)
    ax.set_ylabel(y)
    ax.set_title(title, loc="left")
    ax.tick_params(axis="x", rotation=45)
    return fig
