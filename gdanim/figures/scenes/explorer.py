"""The explorer's still pictures: drawn once, with each axes at the fixed place the page's
script maps data onto (`rect`), so the moving parts it draws land on the right pixels.
A picture is 6 x 4.5 inches: on a phone it is shown full width, and its type stays
legible there."""
from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, NullLocator

from gdanim.core.config import Quality
from gdanim.figures.scenes import BLUE, DATA, INK, SURFACE_CMAP

SIZE = (6.0, 4.5)


def _figure(quality: Quality, panel, rect, title: str):
    fig = Figure(figsize=SIZE, dpi=quality.dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_axes(rect)
    ax.set_xscale(panel.xscale)
    ax.set_yscale(panel.yscale)
    ax.set(xlim=panel.xlim, ylim=panel.ylim)
    fig.text(rect[0], rect[1] + rect[3] + 0.035, title, ha="left", va="bottom",
             fontsize=16, weight="bold", color=INK)
    return fig, ax


def curve_figure(quality: Quality, panel, rect, grid, losses, best, xlabel: str,
                 title: str = "Loss by multiplier"):
    """1-D: the loss curve over the parameter (log loss axis), a star at the bottom."""
    fig, ax = _figure(quality, panel, rect, title)
    ax.plot(grid, losses, color=DATA, lw=2)
    best = float(np.atleast_1d(best)[0])
    ax.plot(best, panel.ylim[0] * 1.35, "*", ms=18, color="white", mec=INK, mew=1.2,
            clip_on=False, zorder=5)
    ax.set(xlabel=xlabel, ylabel="loss (MSE, log scale)")
    return fig


def contour_figure(quality: Quality, panel, rect, intercepts, slopes, surface, best,
                   xlabel: str, ylabel: str, title: str = "Loss over both parameters"):
    """2-D: filled log-spaced contours of the loss, a star at the least-squares answer."""
    from matplotlib.colors import LogNorm

    fig, ax = _figure(quality, panel, rect, title)
    a, b = np.meshgrid(intercepts, slopes)
    # Contours of the height above the lowest point, log-spaced: any data draws, even
    # a perfect fit (lowest loss 0) or a surface almost flat across the view.
    surface = np.asarray(surface, dtype=float)
    height = surface - np.nanmin(surface)
    top = float(np.nanmax(height))
    if np.isfinite(top) and top > 0:
        shown = np.maximum(height, top * 1e-6)
        levels = np.geomspace(top * 1e-6, top, 14)
        ax.contourf(a, b, shown, levels=levels, norm=LogNorm(top * 1e-6, top), cmap=SURFACE_CMAP)
        ax.contour(a, b, shown, levels=levels, colors="white", linewidths=0.5, alpha=0.4)
    for point in np.atleast_2d(best):        # a star at each answer (a bumpy loss has two)
        ax.plot(*point, "*", color="white", mec=INK, mew=1.2, ms=18, zorder=6)
    ax.grid(False)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    return fig


def scatter_figure(quality: Quality, panel, rect, x, y, xlabel: str, ylabel: str,
                   title: str = "The data and the fitted line"):
    """The data as dots; the script draws the fitted line over them."""
    fig, ax = _figure(quality, panel, rect, title)
    many = len(x) > 200
    ax.scatter(x, y, s=10 if many else 36, color=DATA, alpha=0.45 if many else 0.9,
               lw=0, zorder=2)
    ax.set(xlabel=xlabel, ylabel=ylabel)
    return fig


def loss_figure(quality: Quality, panel, rect, ticks=(0, 1, 10, 100, 1000),
                best_loss: float | None = None, best_label: str = "least-squares loss"):
    """Empty loss-by-epoch axes: epoch + 1 on a log scale, labelled with the epoch, and
    the least-squares loss as a dotted line."""
    fig, ax = _figure(quality, panel, rect, "Loss by epoch")
    shown = [t for t in ticks if panel.xlim[0] <= t + 1 <= panel.xlim[1]]
    ax.xaxis.set_major_locator(FixedLocator([t + 1 for t in shown]))
    ax.xaxis.set_major_formatter(lambda value, _: f"{round(value) - 1:,}")
    ax.xaxis.set_minor_locator(NullLocator())
    if best_loss:
        ax.axhline(best_loss, color=BLUE, lw=1.3, ls=":")
        ax.annotate(best_label, (panel.xlim[1], best_loss), xytext=(-4, 4),
                    textcoords="offset points", ha="right", va="bottom", color=BLUE,
                    fontsize=12)
    ax.set(xlabel="epoch (log scale)", ylabel="loss (log scale)")
    return fig
