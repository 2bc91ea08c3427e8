"""Figures for the slopes chapter: tangents on the belt chart's loss curve."""
from __future__ import annotations

import numpy as np

from gdanim.core.config import Quality
from gdanim.core.values import FrameTable, Scene
from gdanim.figures.scenes import BLUE, DATA, ORANGE, freeze_layout, new_figure, readout
from gdanim.figures.scenes.belt import fmt_signed, tangent_line


def slopes_figure(quality: Quality, grid, losses, points: list[tuple[float, float, float]]):
    """The loss valley with a tangent and a downhill arrow at each (m, loss, slope)."""
    fig = new_figure(quality, readout_band=False)
    ax = fig.subplots()
    ax.plot(grid, losses, color=DATA, lw=2.5)
    ax.set(xlim=(grid.min(), grid.max()), ylim=(0, losses.max() * 1.05),
           xlabel="multiplier (cm per inch)", ylabel="mean squared error",
           title="The loss is a valley: the gradient says which way is down")
    for (m, loss, slope), colour in zip(points, [ORANGE, BLUE]):
        xs, ys = tangent_line(m, loss, slope, 0.55)
        ax.plot(xs, ys, color=colour, lw=3.5, solid_capstyle="round")
        ax.plot([m], [loss], "o", color=colour, ms=13, mec="white", mew=2, zorder=4)
        step = -0.9 * np.sign(slope)
        ax.annotate("", xy=(m + step, loss), xytext=(m, loss),
                    arrowprops={"arrowstyle": "-|>,head_width=0.5,head_length=0.9",
                                "color": colour, "lw": 3})
        # Labels sit in the empty space inside the valley, with a leader to their point.
        right_side = slope > 0
        ax.annotate(f"at {m:g} the gradient is {fmt_signed(slope)}\nso step {'left' if right_side else 'right'}",
                    xy=(m, loss), xytext=(2.75 if right_side else 2.35, 0.55 * losses.max()),
                    ha="left" if right_side else "right", va="center", fontsize=16,
                    color=colour, weight="bold",
                    arrowprops={"arrowstyle": "-", "color": colour, "lw": 1.2,
                                "shrinkB": 9})
    return fig


def tangent_sweep_scene(quality: Quality, grid, losses, slopes, frames: FrameTable) -> Scene:
    """A tangent sliding along the valley: steep and negative, flat at the bottom,
    steep and positive."""
    fig = new_figure(quality)
    ax = fig.subplots()
    ax.plot(grid, losses, color=DATA, lw=2.5)
    ax.set(xlim=(grid.min(), grid.max()), ylim=(0, losses.max() * 1.05),
           xlabel="multiplier (cm per inch)", ylabel="mean squared error",
           title="The gradient of the loss at each multiplier")
    tangent, = ax.plot([], [], color=BLUE, lw=4, solid_capstyle="round")
    point, = ax.plot([], [], "o", color=BLUE, ms=14, mec="white", mew=2)
    text = readout(fig)
    freeze_layout(fig)

    def update(i: int) -> None:
        k = int(frames.epoch[i])
        tangent.set_data(*tangent_line(grid[k], losses[k], slopes[k], 0.6))
        point.set_data([grid[k]], [losses[k]])
        text.set_text(f"multiplier {grid[k]:.3f}   MSE {losses[k]:9,.1f}   "
                      f"gradient {slopes[k]:+10,.1f}")

    return Scene(fig, [tangent, point, text], update, len(frames))
