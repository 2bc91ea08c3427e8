"""Figures for the 1-D descent chapter: the fitted line and the guess sliding down the loss curve."""
from __future__ import annotations

import numpy as np

from gdanim.core.config import Quality
from gdanim.core.text import decimal
from gdanim.core.values import FrameTable, Scene
from gdanim.figures.scenes import BLUE, DATA, GREY, ORANGE, VERMILION, freeze_layout, readout, three_panels
from gdanim.figures.scenes.belt import INCH_RANGE, belt_axes, tangent_line


def descent_scene(quality: Quality, grid, grid_losses, frames: FrameTable,
                  frame_slopes: np.ndarray, all_loss: np.ndarray,
                  learning_rate: float) -> Scene:
    """Three panels in step: the guess sliding down the valley with its tangent (slope
    `frame_slopes[i]`, from the trajectory), the fitted line on the data, and the loss
    by epoch."""
    fig, valley, data, curve = three_panels(quality, 1.25)
    valley.plot(grid, grid_losses, color=DATA, lw=2.2)
    valley.set(xlim=(grid.min(), grid.max()), ylim=(0, grid_losses.max() * 1.05),
               xlabel="multiplier (cm per inch)", ylabel="mean squared error",
               title=f"Stepping downhill\n(learning rate {decimal(learning_rate)})")
    belt_axes(data, "The fitted line")
    data.set_xlabel("inches")
    data.set_ylabel("cm")
    epochs = np.arange(len(all_loss))
    curve.plot(epochs[1:], all_loss[1:], color=GREY, lw=1.5, ls=(0, (3, 3)))
    curve.set(xscale="log", yscale="log", xlim=(1, len(all_loss) - 1),
              ylim=(all_loss.min() * 0.6, all_loss.max() * 1.6),
              xlabel="epoch (log scale)", ylabel="MSE (log scale)",
              title="Loss by epoch (both axes log)")
    trail, = valley.plot([], [], "o", color=ORANGE, ms=7, alpha=0.7)
    tangent, = valley.plot([], [], color=BLUE, lw=3.5, solid_capstyle="round")
    point, = valley.plot([], [], "o", color=VERMILION, ms=15, mec="white", mew=2)
    line, = data.plot(INCH_RANGE, INCH_RANGE * 0, color=VERMILION)
    traced, = curve.plot([], [], color=VERMILION, lw=2.5)
    now, = curve.plot([], [], "o", color=VERMILION, ms=10, mec="white", mew=1.5)
    text = readout(fig)
    freeze_layout(fig)
    params = np.asarray(frames.params, dtype=float)
    slopes = np.asarray(frame_slopes, dtype=float)

    def update(i: int) -> None:
        e, m, loss = int(frames.epoch[i]), params[i], frames.loss[i]
        seen = params[: i + 1]
        trail.set_data(seen, frames.loss[: i + 1])
        tangent.set_data(*tangent_line(m, loss, slopes[i], 0.45))
        point.set_data([m], [loss])
        line.set_ydata(m * INCH_RANGE)
        traced.set_data(epochs[1: e + 1], all_loss[1: e + 1])
        now.set_data([max(e, 1)], [all_loss[max(e, 1)]])
        text.set_text(f"epoch {e:4d}   multiplier {m:.4f}   MSE {loss:9,.2f}")

    return Scene(fig, [trail, tangent, point, line, traced, now, text], update, len(frames))
