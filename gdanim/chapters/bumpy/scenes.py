"""The bumpy landscape of y = w2 · tanh(w1 · x): its contour with both minima and the
saddle marked (the background of the paths animation), and the learning-rate schedule
figure."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from matplotlib.patheffects import withStroke

from gdanim.core.config import Quality
from gdanim.figures.scenes import BLUE, GREY, INK, SURFACE_CMAP, VERMILION, new_figure


@lru_cache(maxsize=2)
def _grid(view: tuple, points: int = 161):
    from gdanim.maths import bumpy

    a = np.linspace(*view[0], points)
    b = np.linspace(*view[1], points)
    w1, w2 = np.meshgrid(a, b)
    x, y = bumpy.data()
    return a, b, _losses(w1, w2, x, y)


def _losses(w1, w2, x, y):
    return np.mean((w2[..., None] * np.tanh(w1[..., None] * x) - y) ** 2, axis=-1)


def landscape(ax, view, minima, saddle=(0.0, 0.0), starts=None):
    """Filled contours of the loss (spaced evenly in the log of the height above the
    lowest point, so both the valleys' floors and the saddle show), both minima as
    stars, the saddle as a cross, and each named start as a lettered dot."""
    from matplotlib.colors import LogNorm

    a, b, loss = _grid(tuple(map(tuple, view)))
    height = loss - loss.min() + 1e-3
    levels = np.geomspace(height.min(), height.max(), 18)
    ax.contourf(a, b, height, levels=levels, norm=LogNorm(), cmap=SURFACE_CMAP)
    ax.contour(a, b, height, levels=levels, colors="white", linewidths=0.5, alpha=0.4)
    for name, (w1, w2) in (starts or {}).items():
        ax.plot(w1, w2, "o", color="white", mec=INK, ms=9, zorder=7)
        ax.annotate(name, (w1, w2), xytext=(7, 5), textcoords="offset points", color="white",
                    fontsize=14, weight="bold", zorder=7,
                    path_effects=[withStroke(linewidth=3, foreground=INK)])
    for m in minima:
        ax.plot(*m, "*", color="white", mec=INK, mew=1.5, ms=20, zorder=6)
    ax.plot(*saddle, "X", color="white", mec=INK, mew=1.5, ms=14, zorder=6)
    ax.annotate("saddle", saddle, xytext=(10, -16), textcoords="offset points", color="white",
                fontsize=13, weight="bold")
    ax.set(xlim=view[0], ylim=view[1])
    ax.grid(False)


def schedule_figure(quality: Quality, steps_per_epoch: int, constant, decaying,
                    best_loss: float, labels: tuple[str, str]):
    """Loss above the minimum by epoch for the two mini-batch runs, log scale."""
    fig = new_figure(quality, readout_band=False)
    ax = fig.subplots()
    for run, colour, style, label in ((constant, VERMILION, "-", labels[0]),
                                      (decaying, BLUE, (0, (6, 2)), labels[1])):
        epochs = np.arange(len(run)) / steps_per_epoch
        ax.plot(epochs, np.maximum(np.asarray(run) - best_loss, 1e-7), color=colour, ls=style,
                lw=2.2, label=label)
    ax.set(yscale="log", xlabel="epoch (passes over the data)",
           ylabel="loss above the minimum (log scale)",
           title="Mini-batches: constant against shrinking learning rate")
    ax.axhline(1e-7, color=GREY, lw=1, ls=":")
    ax.annotate("gaps under 10⁻⁷ are drawn on this line", (0, 1e-7), xytext=(4, 4),
                textcoords="offset points", color=GREY, fontsize=12)
    ax.legend(loc="upper right")
    return fig
