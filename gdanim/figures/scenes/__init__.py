"""Shared look for every figure: colourblind-safe colours, type sized for slides,
and a figure factory that needs no GUI backend."""
from __future__ import annotations

import matplotlib
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from gdanim.core.config import Quality

# Okabe & Ito's palette: distinguishable with every common colour-vision deficiency.
BLUE, ORANGE, VERMILION, GREEN = "#0072B2", "#E69F00", "#D55E00", "#009E73"
SKY, PURPLE, YELLOW, INK, GREY = "#56B4E9", "#CC79A7", "#F0E442", "#222222", "#9a9a9a"
DATA = "#333333"
# viridis runs dark to light in even perceptual steps and survives colour-blindness
# and greyscale; low loss is dark, so the bowl's bottom reads as a hole.
SURFACE_CMAP = "viridis"

# Sizes are in points on a 12.8 x 7.2 inch figure: legible on a projected slide and
# still readable when the video is shown at half width on a page.
STYLE = {
    "font.size": 15,
    "axes.titlesize": 17,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "axes.titlepad": 10,
    "axes.labelsize": 15,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#555555",
    "axes.grid": True,
    "grid.color": "#e4e4e4",
    "grid.linewidth": 0.8,
    "xtick.labelsize": 13,
    "ytick.labelsize": 13,
    "legend.fontsize": 13,
    "legend.frameon": False,
    "lines.linewidth": 2.5,
    "lines.markersize": 9,
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}
matplotlib.rcParams.update(STYLE)


def new_figure(quality: Quality, readout_band: bool = True) -> Figure:
    """A 12.8 x 7.2 inch (16:9) figure on an Agg canvas at the quality's dpi. With
    `readout_band` the top strip is kept free for the frame readout."""
    # A smaller figure drawn at a higher dpi: same pixels, type `type_scale` times larger.
    scale = quality.type_scale
    fig = Figure(figsize=(12.8 / scale, 7.2 / scale), dpi=quality.dpi * scale,
                 layout="constrained")
    FigureCanvasAgg(fig)
    top = 0.915 if readout_band else 1.0
    fig.get_layout_engine().set(w_pad=0.12, h_pad=0.1, hspace=0.07, wspace=0.06,
                                rect=(0, 0, 1, top))
    return fig


def three_panels(quality: Quality, left_width: float):
    """The descent layout: a tall panel on the left (the loss landscape), the data
    top right and the loss by epoch bottom right. Returns (fig, left, top, bottom)."""
    fig = new_figure(quality)
    spec = fig.add_gridspec(2, 2, width_ratios=[left_width, 1])
    return (fig, fig.add_subplot(spec[:, 0]), fig.add_subplot(spec[0, 1]),
            fig.add_subplot(spec[1, 1]))


def freeze_layout(fig: Figure) -> None:
    """Lay the figure out once, then stop: moving text must not shift the axes. (The
    layout needs a draw's text sizes, not its pixels: nothing is rasterised here.)"""
    fig.draw_without_rendering()
    fig.set_layout_engine("none")


def readout(fig: Figure, text: str = ""):
    """A text artist in the top band for the frame's epoch, parameters and loss."""
    return fig.text(0.012, 0.975, text, ha="left", va="top", fontsize=17,
                    family="DejaVu Sans Mono", color=INK,
                    bbox={"boxstyle": "round,pad=0.3", "fc": "#f4f3ec", "ec": "#d0cec4"})
