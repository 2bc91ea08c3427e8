"""A loss surface as a filled contour, for chapters that draw paths on it: the z-scored
penguins (the default) or the penguins in raw units."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from gdanim.figures.scenes import INK, SURFACE_CMAP


@lru_cache(maxsize=8)
def surface(intercepts: tuple, slopes: tuple, points: int = 161, problem: str = "penguins"):
    """(intercept grid, slope grid, loss) over the given ranges, computed once."""
    a = np.linspace(*intercepts, points)
    b = np.linspace(*slopes, points)
    if problem == "raw":
        from gdanim.maths.problems import linear_surface, raw_design

        return a, b, linear_surface(*raw_design(), a, b)
    from gdanim.maths.problems import loss_surface

    return a, b, loss_surface(a, b)


def best_point(problem: str = "penguins") -> np.ndarray:
    from gdanim.maths.problems import closed_form, least_squares, raw_design

    return least_squares(*raw_design())[0] if problem == "raw" else closed_form()


def contour(ax, intercepts, slopes, problem: str = "penguins"):
    """Filled log-spaced contours of the loss, the least-squares answer as a star drawn
    above every path."""
    from matplotlib.colors import LogNorm

    a, b, loss = surface(tuple(intercepts), tuple(slopes), problem=problem)
    levels = np.geomspace(loss.min(), loss.max(), 16)
    filled = ax.contourf(a, b, loss, levels=levels, norm=LogNorm(), cmap=SURFACE_CMAP)
    ax.contour(a, b, loss, levels=levels, colors="white", linewidths=0.5, alpha=0.4)
    ax.plot(*best_point(problem), "*", color="white", mec=INK, mew=1.5, ms=20, zorder=6)
    ax.set(xlim=intercepts, ylim=slopes)
    ax.grid(False)
    return filled
