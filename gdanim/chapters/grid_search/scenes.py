"""Figures for the grid-search chapter: every multiplier tried, one at a time."""
from __future__ import annotations

import numpy as np

from gdanim.core.config import Quality
from gdanim.core.values import FrameTable, Scene
from gdanim.figures.scenes import BLUE, GREEN, VERMILION, freeze_layout, new_figure, readout
from gdanim.figures.scenes.belt import INCH_RANGE, belt_axes, loss_axes


def grid_sweep_scene(quality: Quality, grid: np.ndarray, losses: np.ndarray,
                     frames: FrameTable) -> Scene:
    """Left: the candidate line on the data. Right: the loss curve traced so far, the
    best candidate yet marked with a star."""
    fig = new_figure(quality)
    left, right = fig.subplots(1, 2)
    belt_axes(left, "Trying one multiplier at a time", top=260)
    loss_axes(right, grid, losses, "Loss of every multiplier tried")
    best_line, = left.plot(INCH_RANGE, INCH_RANGE, color=GREEN, lw=2, ls="--",
                           label="best so far")
    line, = left.plot(INCH_RANGE, INCH_RANGE, color=BLUE, label="candidate")
    left.legend(loc="lower right")
    traced, = right.plot([], [], color=BLUE, marker="o", ms=4, lw=2)
    current, = right.plot([], [], "o", color=BLUE, ms=12, mec="white", mew=2)
    star, = right.plot([], [], "*", color=VERMILION, ms=22, mec="white", mew=1,
                       label="best so far")
    # A framed key, so its star does not read as a point of the curve.
    right.legend(loc="upper center", frameon=True, edgecolor="#cccccc", framealpha=1)
    text = readout(fig)
    freeze_layout(fig)

    def update(i: int) -> None:
        k = int(frames.epoch[i]) - 1   # candidate numbers start at 1
        best = int(np.argmin(losses[: k + 1]))
        line.set_ydata(grid[k] * INCH_RANGE)
        best_line.set_ydata(grid[best] * INCH_RANGE)
        traced.set_data(grid[: k + 1], losses[: k + 1])
        current.set_data([grid[k]], [losses[k]])
        star.set_data([grid[best]], [losses[best]])
        text.set_text(f"candidate {k + 1:2d}/{len(grid)}   multiplier {grid[k]:.3f}   "
                      f"MSE {losses[k]:9,.1f}   best so far {grid[best]:.4f}")

    return Scene(fig, [best_line, line, traced, current, star, text], update, len(frames))
