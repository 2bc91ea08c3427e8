"""The optimizer race: every path on one loss contour, and every loss curve beside it."""
from __future__ import annotations

import numpy as np
from matplotlib.patheffects import withStroke

from gdanim.config import Quality
from gdanim.values import FrameTable, Scene
from gdanim.scenes import (INK, ORANGE, PURPLE, SKY, VERMILION, freeze_layout, new_figure,
                           readout)
from gdanim.scenes.surface import contour

FLOOR = 1e-6
# Colour, line style and marker per entry: each run is identifiable without colour too.
LOOKS = {"gd": (INK, "-", "o"), "sgd": (SKY, (0, (1, 1.5)), "s"),
         "momentum": (ORANGE, "-", "^"), "rmsprop": (PURPLE, (0, (5, 2)), "D"),
         "adam": (VERMILION, "-", "*")}


def race_scene(quality: Quality, runs, entries, frames: FrameTable, best_loss: float,
               view, batch_size: int, background=None, xy=None,
               labels=("intercept", "slope"), equal: bool = True,
               title: str = "Paths on the loss surface") -> Scene:
    """`background(ax)` draws the landscape (default: the penguins' contour over
    `view`); `xy(run)` gives each run's plotted (xs, ys) per step (default: its
    intercept and slope)."""
    fig = new_figure(quality)
    surface_ax, loss_ax = fig.subplots(1, 2, width_ratios=[1.1, 1])
    if background is None:
        contour(surface_ax, *view)
    else:
        background(surface_ax)
    surface_ax.set(xlabel=labels[0], ylabel=labels[1], title=title)
    if equal:
        surface_ax.set_aspect("equal")
    steps = np.arange(len(runs[0].loss))
    # Below FLOOR the differences are float32 rounding, not progress.
    gaps = [np.maximum(r.loss - best_loss, FLOOR) for r in runs]
    loss_ax.set(yscale="log", xlim=(0, steps[-1]), ylim=(FLOOR * 0.7, max(g.max() for g in gaps) * 2),
                xlabel="step", ylabel="loss above the best possible",
                title="Loss by step (log scale)")
    points = [xy(r) if xy else (r.params[:, 0], r.params[:, 1]) for r in runs]
    surface_ax.annotate("start", (points[0][0][0], points[0][1][0]), xytext=(0, -22),
                        textcoords="offset points",
                        ha="center", color="white", weight="bold")
    moving, paths, heads, curves = [], [], [], []
    for entry in entries:
        colour, style, marker = LOOKS[entry.key]
        # A white halo keeps dark lines visible on the dark bottom of the bowl.
        path, = surface_ax.plot([], [], color=colour, ls=style, lw=2.2,
                                path_effects=[withStroke(linewidth=4.5, foreground="white")])
        head, = surface_ax.plot([], [], marker, color=colour, ms=13, mec="white", mew=1.5)
        curve, = loss_ax.plot([], [], color=colour, ls=style, lw=2.6, marker=marker,
                              markevery=[-1], ms=10, label=f"{entry.short}\n{entry.settings}")
        paths.append(path), heads.append(head), curves.append(curve)
        moving += [path, head, curve]
    fig.legend(handles=curves, loc="outside lower center", ncol=len(entries), fontsize=13,
               handlelength=2.4, columnspacing=1.2)
    text = readout(fig)
    moving.append(text)
    freeze_layout(fig)

    def update(i: int) -> None:
        step = int(frames.epoch[i])
        for k in range(len(runs)):
            xs, ys = points[k]
            paths[k].set_data(xs[: step + 1], ys[: step + 1])
            heads[k].set_data([xs[step]], [ys[step]])
            curves[k].set_data(steps[: step + 1], gaps[k][: step + 1])
        text.set_text(f"step {step:3d} of {steps[-1]}    mini-batches of {batch_size}, "
                      f"in the same order for every stochastic run" if batch_size else
                      f"step {step:3d} of {steps[-1]}    every step uses all the data")

    return Scene(fig, moving, update, len(frames))
