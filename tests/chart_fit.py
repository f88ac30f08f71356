"""What a reader would see cut off in a saved chart: every drawn artist (texts, legends, bars, value labels, ticks)
measured as matplotlib draws it, at a given dpi."""
from __future__ import annotations

import numpy as np
from matplotlib.axis import Axis
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from matplotlib.patches import Circle, Ellipse
from matplotlib.spines import Spine
from matplotlib.transforms import Bbox

TOLERANCE = 1.0   # pixels: antialiasing


def _inside(box: Bbox | None, frame: Bbox) -> bool:
    return box is None or box.width == box.height == 0 or (frame.x0 <= box.x0 and box.x1 <= frame.x1
                                                           and frame.y0 <= box.y0 and box.y1 <= frame.y1)


def _name(artist) -> str:
    text = getattr(artist, "get_text", None)
    return f"{type(artist).__name__} {text()!r}" if text else type(artist).__name__


def misfits(fig: Figure, dpi: float) -> list[str]:
    """What is not where it belongs when `fig` is saved at `dpi`: an artist (as drawn: ticks only where there is
    a tick, clipped artists only what shows) outside the figure; a bar cut by its plot's edge (touching an edge
    where no axis line is drawn, or beyond it); a circle or ellipse (the map's places, the path diagram's variables)
    not wholly in its plot."""
    fig.set_dpi(dpi)
    fig.draw_without_rendering()
    renderer = fig._get_renderer()
    page, found = fig.bbox.padded(TOLERANCE), []
    parts = [c for c in fig.get_children() if c is not fig.patch and c not in fig.axes]
    for ax in fig.axes:
        parts += [c for c in ax.get_children() if c is not ax.patch and (ax.axison or not isinstance(c, (Axis, Spine)))]
    for artist in parts:
        box = artist.get_tightbbox(renderer) if artist.get_visible() else None
        if not _inside(box, page):
            found.append(f"{_name(artist)} at {np.round(box.extents)} outside the figure {np.round(fig.bbox.extents)}")
    for ax in fig.axes:
        plot = ax.bbox
        bars = [bar for container in ax.containers if isinstance(container, BarContainer) for bar in container]
        for bar in (b for b in bars if b.get_visible() and b.get_width() and b.get_height()):
            box = bar.get_window_extent(renderer)
            cut = {side: edge for side, edge in (("left", box.x0 - plot.x0), ("right", plot.x1 - box.x1),
                                                 ("bottom", box.y0 - plot.y0), ("top", plot.y1 - box.y1))
                   if edge < -TOLERANCE or (edge < TOLERANCE and not (ax.axison and ax.spines[side].get_visible()))}
            if cut:
                found.append(f"bar {np.round(box.extents)} cut by the plot's {', '.join(cut)} edge {np.round(plot.extents)}")
        for shape in (p for p in ax.patches if isinstance(p, (Circle, Ellipse)) and p.get_visible()):
            if not _inside(shape.get_window_extent(renderer), plot.padded(TOLERANCE)):
                found.append(f"{_name(shape)} {np.round(shape.get_window_extent(renderer).extents)} not wholly in the plot "
                             f"{np.round(plot.extents)}")
    return found
