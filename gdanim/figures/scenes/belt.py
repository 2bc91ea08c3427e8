"""Figures for the belt chapters: the data, candidate lines, and the 1-D loss curve."""
from __future__ import annotations

import numpy as np

from gdanim.core.config import Quality
from gdanim.maths.data import BELT_CM, BELT_INCHES
from gdanim.core.values import FrameTable, Scene
from gdanim.figures.scenes import (BLUE, DATA, GREEN, GREY, ORANGE, VERMILION, freeze_layout,
                           new_figure, readout, three_panels)
from gdanim.core.text import decimal

INCH_RANGE = np.array([28.0, 51.0])


def _belt_axes(ax, title="The belt chart", top=145):
    ax.scatter(BELT_INCHES, BELT_CM, s=70, color=DATA, zorder=3, label="belt chart")
    ax.set(xlim=INCH_RANGE, ylim=(0, top), xlabel="belt length (inches)",
           ylabel="belt length (cm)", title=title)


def _loss_axes(ax, grid, losses, title="How wrong each multiplier is"):
    ax.plot(grid, losses, color=GREY, lw=1.6, ls=(0, (3, 3)), zorder=1)
    ax.set(xlim=(grid.min(), grid.max()), ylim=(-0.03 * losses.max(), losses.max() * 1.05),
           xlabel="multiplier (cm per inch)", ylabel="mean squared error", title=title)


def guesses_figure(quality: Quality, guesses: dict[float, float]):
    """The data with each guessed line and its errors; bars of the errors per belt."""
    fig = new_figure(quality, readout_band=False)
    left, right = fig.subplots(1, 2, width_ratios=[1.15, 1])
    _belt_axes(left, "Two guesses against the chart")
    width = 0.38
    for k, ((guess, mse), colour) in enumerate(zip(guesses.items(), [ORANGE, BLUE])):
        predicted = guess * BELT_INCHES
        left.plot(INCH_RANGE, guess * INCH_RANGE, color=colour, label=f"cm = {guess} × inches")
        left.vlines(BELT_INCHES + (k - 0.5) * 0.3, predicted, BELT_CM, color=colour, lw=1.5,
                    ls=":")
        errors = predicted - BELT_CM
        right.bar(np.arange(len(errors)) + (k - 0.5) * width, errors, width, color=colour,
                  label=f"guess {guess}: MSE {mse:,.4f}")
    left.legend(loc="upper left")
    right.axhline(0, color=DATA, lw=1)
    right.set(xticks=range(len(BELT_INCHES)), xticklabels=[f"{v:g}" for v in BELT_INCHES],
              xlabel="belt length (inches)", ylabel="error: guess − chart (cm)",
              title="Every guess falls short", ylim=(-62, 8))
    right.tick_params(axis="x", labelsize=11, rotation=45)
    right.legend(loc="lower left")
    return fig


def grid_sweep_scene(quality: Quality, grid: np.ndarray, losses: np.ndarray,
                     frames: FrameTable) -> Scene:
    """Left: the candidate line on the data. Right: the loss curve traced so far, the
    best candidate yet marked with a star."""
    fig = new_figure(quality)
    left, right = fig.subplots(1, 2)
    _belt_axes(left, "Trying one multiplier at a time", top=260)
    _loss_axes(right, grid, losses, "Loss of every multiplier tried")
    best_line, = left.plot(INCH_RANGE, INCH_RANGE, color=GREEN, lw=2, ls="--",
                           label="best so far")
    line, = left.plot(INCH_RANGE, INCH_RANGE, color=BLUE, label="candidate")
    left.legend(loc="lower right")
    traced, = right.plot([], [], color=BLUE, marker="o", ms=4, lw=2)
    current, = right.plot([], [], "o", color=BLUE, ms=12, mec="white", mew=2)
    star, = right.plot([], [], "*", color=VERMILION, ms=22, mec="white", mew=1,
                       label="best so far")
    right.legend(loc="upper center")
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



def fmt_signed(value: float) -> str:
    return f"{value:,.1f}".replace("-", "\u2212")


def _tangent(m, loss, slope, half_width):
    xs = np.array([m - half_width, m + half_width])
    return xs, loss + slope * (xs - m)


def slopes_figure(quality: Quality, grid, losses, points: list[tuple[float, float, float]]):
    """The loss valley with a tangent and a downhill arrow at each (m, loss, slope)."""
    fig = new_figure(quality, readout_band=False)
    ax = fig.subplots()
    ax.plot(grid, losses, color=DATA, lw=2.5)
    ax.set(xlim=(grid.min(), grid.max()), ylim=(0, losses.max() * 1.05),
           xlabel="multiplier (cm per inch)", ylabel="mean squared error",
           title="The loss is a valley: the gradient says which way is down")
    for (m, loss, slope), colour in zip(points, [ORANGE, BLUE]):
        xs, ys = _tangent(m, loss, slope, 0.55)
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
        tangent.set_data(*_tangent(grid[k], losses[k], slopes[k], 0.6))
        point.set_data([grid[k]], [losses[k]])
        text.set_text(f"multiplier {grid[k]:.3f}   MSE {losses[k]:9,.1f}   "
                      f"gradient {slopes[k]:+10,.1f}")

    return Scene(fig, [tangent, point, text], update, len(frames))


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
               title=f"Stepping downhill (learning rate {decimal(learning_rate)})")
    _belt_axes(data, "The fitted line")
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
        tangent.set_data(*_tangent(m, loss, slopes[i], 0.45))
        point.set_data([m], [loss])
        line.set_ydata(m * INCH_RANGE)
        traced.set_data(epochs[1: e + 1], all_loss[1: e + 1])
        now.set_data([max(e, 1)], [all_loss[max(e, 1)]])
        text.set_text(f"epoch {e:4d}   multiplier {m:.4f}   MSE {loss:9,.2f}")

    return Scene(fig, [trail, tangent, point, line, traced, now, text], update, len(frames))
