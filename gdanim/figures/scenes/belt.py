"""What the belt chapters' figures share: the belt chart's axes, the 1-D loss curve's
axes, a tangent line. Each chapter's own figures are in its folder's scenes.py."""
from __future__ import annotations

import numpy as np

from gdanim.maths.data import BELT_CM, BELT_INCHES
from gdanim.figures.scenes import DATA, GREY

INCH_RANGE = np.array([28.0, 51.0])


def belt_axes(ax, title="The belt chart", top=145):
    ax.scatter(BELT_INCHES, BELT_CM, s=70, color=DATA, zorder=3, label="belt chart")
    ax.set(xlim=INCH_RANGE, ylim=(0, top), xlabel="belt length (inches)",
           ylabel="belt length (cm)", title=title)


def loss_axes(ax, grid, losses, title="How wrong each multiplier is"):
    ax.plot(grid, losses, color=GREY, lw=1.6, ls=(0, (3, 3)), zorder=1)
    ax.set(xlim=(grid.min(), grid.max()), ylim=(-0.03 * losses.max(), losses.max() * 1.05),
           xlabel="multiplier (cm per inch)", ylabel="mean squared error", title=title)


def fmt_signed(value: float) -> str:
    return f"{value:,.1f}".replace("-", "\u2212")


def tangent_line(m, loss, slope, half_width):
    xs = np.array([m - half_width, m + half_width])
    return xs, loss + slope * (xs - m)
