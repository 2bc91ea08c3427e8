"""The penguins' loss surface as a filled contour: computed once with `jax.vmap`."""
from __future__ import annotations

from functools import lru_cache

import numpy as np

from gdanim.data import Penguins
from gdanim.scenes import INK


@lru_cache(maxsize=8)
def surface(intercepts: tuple, slopes: tuple, points: int = 161):
    """(intercept grid, slope grid, loss) over the given ranges."""
    import jax.numpy as jnp

    from gdanim.data import load_penguins
    from gdanim.models import loss_surface

    penguins = load_penguins()
    a = np.linspace(*intercepts, points)
    b = np.linspace(*slopes, points)
    loss = loss_surface(a, b, jnp.asarray(penguins.design, jnp.float32),
                        jnp.asarray(penguins.y, jnp.float32))
    return a, b, np.asarray(loss, dtype=float)


def contour(ax, penguins: Penguins, intercepts, slopes, colorbar: bool = True):
    """Filled log-spaced contours of the loss (cividis: readable in colour-blind
    vision and in greyscale), the minimum marked with a cross."""
    from matplotlib.colors import LogNorm

    a, b, loss = surface(tuple(intercepts), tuple(slopes))
    levels = np.geomspace(loss.min(), loss.max(), 16)
    filled = ax.contourf(a, b, loss, levels=levels, norm=LogNorm(), cmap="cividis", alpha=0.9)
    ax.contour(a, b, loss, levels=levels, colors="white", linewidths=0.5, alpha=0.5)
    best = np.linalg.lstsq(penguins.design, penguins.y, rcond=None)[0]
    ax.plot(*best, "P", color="white", mec=INK, ms=13, zorder=3)
    ax.set(xlim=intercepts, ylim=slopes)
    ax.grid(False)
    if colorbar:
        ax.figure.colorbar(filled, ax=ax, label="mean squared error", format="%.2g")
    return filled
