"""The penguins' loss surface as a filled contour, for chapters that draw paths on it."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from gdanim.scenes import INK, SURFACE_CMAP


@lru_cache(maxsize=8)
def surface(intercepts: tuple, slopes: tuple, points: int = 161):
    """(intercept grid, slope grid, loss) over the given ranges, computed once."""
    from gdanim.problems import loss_surface

    a = np.linspace(*intercepts, points)
    b = np.linspace(*slopes, points)
    return a, b, loss_surface(a, b)


def contour(ax, intercepts, slopes):
    """Filled log-spaced contours of the loss, the least-squares answer as a star."""
    from matplotlib.colors import LogNorm

    from gdanim.problems import closed_form

    a, b, loss = surface(tuple(intercepts), tuple(slopes))
    levels = np.geomspace(loss.min(), loss.max(), 16)
    filled = ax.contourf(a, b, loss, levels=levels, norm=LogNorm(), cmap=SURFACE_CMAP)
    ax.contour(a, b, loss, levels=levels, colors="white", linewidths=0.5, alpha=0.4)
    ax.plot(*closed_form(), "*", color="white", mec=INK, ms=18, zorder=3)
    ax.set(xlim=intercepts, ylim=slopes)
    ax.grid(False)
    return filled
