"""Small multiples for the learning-rate chapter: one panel per learning rate, all
moving in step, a diverged run frozen where it left the plot and labelled."""
from __future__ import annotations

import numpy as np

from gdanim.core.config import Quality
from gdanim.maths.data import BELT_CM, BELT_INCHES
from gdanim.core.values import FrameTable, Scene
from gdanim.figures.scenes import BLUE, DATA, GREY, ORANGE, VERMILION, freeze_layout, new_figure, readout
from gdanim.core.text import decimal

COLOURS = (BLUE, "#009E73", ORANGE, VERMILION)


def _panels(quality: Quality, runs, draw_background, xy, frames: FrameTable,
            threshold: float, share: bool) -> Scene:
    """A 2x2 grid; `draw_background(ax, run)` draws the static layer of a panel and
    `xy(params, loss)` maps a run's state to the panel's coordinates. With `share`
    every panel has the same axes."""
    fig = new_figure(quality)
    axes = fig.subplots(2, 2, sharex=share, sharey=share).ravel()
    moving, paths, points, notes = [], [], [], []
    for ax, run, colour in zip(axes, runs, COLOURS):
        draw_background(ax, run)
        ax.set_title(run.label, color=colour)
        path, = ax.plot([], [], "-o", color=colour, lw=1.6, ms=5, alpha=0.8)
        point, = ax.plot([], [], "o", color=colour, ms=14, mec="white", mew=2)
        note = ax.text(0.97, 0.94, "", transform=ax.transAxes, ha="right", va="top",
                       fontsize=15, weight="bold", color=VERMILION,
                       bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": VERMILION})
        paths.append(path), points.append(point), notes.append(note)
        moving += [path, point, note]
    if share:
        for ax in axes[2:]:
            ax.tick_params(labelbottom=True)
    text = readout(fig)
    moving.append(text)
    freeze_layout(fig)
    limit = decimal(float(f"{threshold:.3g}"))
    states = [xy(np.asarray(frames.params)[:, k], np.asarray(frames.loss)[:, k])
              for k in range(len(runs))]

    def update(i: int) -> None:
        epoch = int(frames.epoch[i])
        for k, run in enumerate(runs):
            xs, ys = states[k]
            paths[k].set_data(xs[: i + 1], ys[: i + 1])
            points[k].set_data([xs[i]], [ys[i]])
            gone = run.diverged_at is not None and epoch >= run.diverged_at
            notes[k].set_text(f"diverged at epoch {run.diverged_at}" if gone else "")
            notes[k].set_visible(gone)
        text.set_text(f"epoch {epoch:3d} of {int(frames.epoch[-1])}    "
                      f"divergence threshold η = {limit}")

    return Scene(fig, moving, update, len(frames))


def rates_belt_scene(quality: Quality, runs, frames: FrameTable, threshold: float,
                     view: tuple[float, float]) -> Scene:
    best = float(BELT_INCHES @ BELT_CM / (BELT_INCHES @ BELT_INCHES))

    def background(ax, run):
        # Each panel frames its own run and the bottom of the valley, so a run that
        # diverges cannot squash the others' panels and make a slow run look finished.
        if run.diverged_at is not None:
            low, high = view
        else:
            seen = np.concatenate([np.ravel(run.params), [best]])
            pad = 0.15 * (seen.max() - seen.min())
            low, high = seen.min() - pad, seen.max() + pad
        grid = np.linspace(low, high, 300)
        # The drawn curve only: the same mean squared error, in NumPy, so drawing
        # needs no JAX.
        curve = ((np.outer(grid, BELT_INCHES) - BELT_CM) ** 2).mean(axis=1)
        ax.plot(grid, curve, color=DATA, lw=2)
        ax.axvline(best, color=GREY, lw=1.2, ls=":")
        ax.set(xlim=(low, high), ylim=(-0.03 * curve.max(), curve.max() * 1.05))
        ax.set_xlabel("multiplier")
        ax.set_ylabel("MSE")

    def xy(params, loss):
        return params[:, 0], loss

    return _panels(quality, runs, background, xy, frames, threshold, share=False)


def rates_penguin_scene(quality: Quality, runs, frames: FrameTable,
                        threshold: float, view) -> Scene:
    from gdanim.figures.scenes.surface import contour

    def background(ax, run):
        # Each panel fitted to its own run (and the best fit), so a short path is not
        # shrunk to a few pixels; equal scales, because the z-scored bowl is round.
        from gdanim.maths.problems import closed_form

        points = np.vstack([np.asarray(run.params, dtype=float).reshape(-1, 2),
                            closed_form()[None]])
        low, high = points.min(0), points.max(0)
        middle, half = (low + high) / 2, max((high - low).max() / 2 * 1.25, 0.5)
        contour(ax, (middle[0] - half, middle[0] + half), (middle[1] - half, middle[1] + half))
        ax.set_aspect("equal", adjustable="box")
        ax.set_xlabel("intercept")
        ax.set_ylabel("slope")

    def xy(params, loss):
        return params[:, 0], params[:, 1]

    return _panels(quality, runs, background, xy, frames, threshold, share=False)
