"""An optimizer race: every path on one loss contour, and every loss curve beside it,
with the x axis in epochs (passes over the data) whatever the runs' step sizes."""
from __future__ import annotations

from typing import Callable

import numpy as np
from matplotlib.patheffects import withStroke

from gdanim.core.config import Quality
from gdanim.core.text import number
from gdanim.core.values import FrameTable, Scene
from gdanim.figures.scenes import (BLUE, GREY, INK, ORANGE, PURPLE, SKY, freeze_layout, new_figure,
                           readout)
from gdanim.figures.scenes.surface import contour

# Gaps below this are float32 rounding, not progress; the figure says so.
FLOOR = 1e-6
# Colour, line style and marker per run, so each is identifiable without colour too.
# No two share a hue family: near-black, sky blue, orange, pink, dark blue.
LOOKS = {"gd": (INK, "-", "o"), "sgd": (SKY, (0, (3, 1.2)), "s"),
         "momentum": (ORANGE, "-", "^"), "rmsprop": (PURPLE, (0, (5, 2)), "D"),
         "adam": (BLUE, (0, (8, 2, 2, 2)), "P")}
# Runs drawn first are widest, so a later path on top never hides an earlier one.
WIDTHS = (7.0, 3.6, 2.6, 1.8)


def _step_readout(step: int, last: int, batch_size: int | None) -> str:
    if batch_size:
        return (f"step {step:3d} of {last}    mini-batches of {batch_size}, in the same "
                f"order for every stochastic run")
    return f"step {step:3d} of {last}    every step uses all the data"


def _exits(ax, points, keys, legend, labels):
    """Paths that leave the surface panel: a triangle in the run's colour on the edge
    where it went farthest out, and one note in the panel saying how far each went.
    Returns (marks, the row each run is farthest out, note); a run that stays in has
    mark None."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    marks, firsts, far = [], [], []
    for (px, py), key, name in zip(points, keys, legend):
        px, py = np.asarray(px, dtype=float), np.asarray(py, dtype=float)
        # How far out on each side (top, bottom, right, left), in panel heights/widths.
        beyond = np.stack([(py - y1) / (y1 - y0), (y0 - py) / (y1 - y0),
                           (px - x1) / (x1 - x0), (x0 - px) / (x1 - x0)])
        out = np.nanmax(beyond, axis=0) > 0
        if not out.any():
            marks.append(None), firsts.append(None)
            continue
        side, row = np.unravel_index(np.nanargmax(beyond), beyond.shape)
        vertical = side < 2
        x = float(np.clip(px[row], x0, x1)) if vertical else (x1 if side == 2 else x0)
        y = (y1 if side == 0 else y0) if vertical else float(np.clip(py[row], y0, y1))
        mark, = ax.plot([x], [y], "^v><"[side], color=LOOKS[key][0], ms=15, mec="white",
                        mew=1.5, clip_on=False, zorder=7)
        marks.append(mark), firsts.append(int(row))      # shown once it gets there
        value = py[row] if vertical else px[row]
        axis = (labels[1] if vertical else labels[0]).split(" (")[0]
        far.append(f"{name.splitlines()[0]}: {axis} {number(float(value), 3)}")
    note = None
    if far:
        ax.set_title(ax.get_title(loc="left"), loc="left", pad=24)  # room for the triangles
        note = ax.text(0.98, 0.03, "triangles: paths that leave the plot,\nthe farthest each goes\n" + "\n".join(far),
                       transform=ax.transAxes, ha="right", va="bottom", fontsize=12,
                       color=INK, zorder=8,
                       bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": GREY,
                             "alpha": 0.9})
    return marks, firsts, note


def race_scene(quality: Quality, runs, frames: FrameTable, best_loss: float, view=None,
               keys=None, legend=None, positions=None,
               readout_text: Callable[[int], str] | None = None, steps_per_epoch=None,
               problem: str = "penguins", labels=("intercept", "slope"),
               surface_width: float = 1.1, start_label=((0, -24), "center"),
               entries=None, batch_size: int | None = None, background=None, xy=None,
               equal: bool = True, title: str = "Paths on the loss surface",
               x_label: str | None = None, best_params=None) -> Scene:
    """Frame i shows run k at row positions[k][i] (default: the frame's epoch for every
    run); run k takes steps_per_epoch[k] steps per epoch (default 1). Runs are named by
    `keys` and `legend`, or by `entries` (objects with key, short and settings).
    `background(ax)` draws the landscape instead of the contour of `problem` over `view`;
    `xy(run)` gives a run's plotted (xs, ys) per row instead of intercept and slope.
    With `best_params` a third panel, under the loss, shows each run's distance from
    them (relative, log scale): a run has arrived only when both are small.
    `start_label` (an offset in points and an alignment) writes "start" by the first
    run's start; None leaves it out, for a landscape that names every start itself."""
    if entries is not None:
        keys = keys or [e.key for e in entries]
        legend = legend or [f"{e.short}\n{e.settings}" for e in entries]
    positions = positions or [frames.epoch] * len(runs)
    last = len(runs[0].loss) - 1
    readout_text = readout_text or (lambda step: _step_readout(step, last, batch_size))
    fig = new_figure(quality)
    if best_params is None:
        surface_ax, loss_ax = fig.subplots(1, 2, width_ratios=[surface_width, 1])
        distance_ax = None
    else:
        spec = fig.add_gridspec(2, 2, width_ratios=[surface_width, 1])
        surface_ax = fig.add_subplot(spec[:, 0])
        loss_ax = fig.add_subplot(spec[0, 1])
        distance_ax = fig.add_subplot(spec[1, 1], sharex=loss_ax)
    if background is None:
        contour(surface_ax, *view, problem=problem)
    else:
        background(surface_ax)
    surface_ax.set(xlabel=labels[0], ylabel=labels[1], title=title)
    if equal:
        surface_ax.set_aspect("equal")
    per_epoch = steps_per_epoch or [1] * len(runs)
    xs = [np.arange(len(r.loss)) / s for r, s in zip(runs, per_epoch)]
    gaps = [np.maximum(r.loss - best_loss, FLOOR) for r in runs]
    top = max(g.max() for g in gaps) * 2
    by_epoch = x_label is None
    loss_ax.set(yscale="log", xlim=(0, max(x[-1] for x in xs)), ylim=(FLOOR * 0.12, top),
                xlabel=x_label or "epoch (passes over the data)",
                ylabel="loss above the best possible",
                title=f"Loss by {'epoch' if by_epoch else x_label} (log scale)")
    if distance_ax is not None:
        best_params = np.asarray(best_params, dtype=float)
        scale = np.linalg.norm(best_params)
        dists = [np.maximum(np.linalg.norm(r.params - best_params, axis=-1) / scale, FLOOR)
                 for r in runs]
        distance_ax.set(yscale="log", ylim=(FLOOR * 0.12, max(d.max() for d in dists) * 2),
                        xlabel=loss_ax.get_xlabel(), ylabel="distance (log)",
                        title="Distance from the answer")
        loss_ax.set(xlabel="", ylabel="above the best (log)", title="Loss above the best")
        # Arrived: under both dashed lines (1% of the best loss, 1% of the answer's size).
        for ax, line in ((loss_ax, 0.01 * best_loss), (distance_ax, 0.01)):
            ax.axhline(line, color=GREY, lw=1.2, ls="--")
            # In the margin right of the plot, where no curve can run over it.
            ax.text(1.01, line, "1%", transform=ax.get_yaxis_transform(), ha="left",
                    va="center", fontsize=12, color="#444444", clip_on=False)
    if min(g.min() for g in gaps) <= FLOOR:
        loss_ax.axhline(FLOOR, color=GREY, lw=1.2, ls=":")
        # Curves stop at the floor, so the band below it is free for the label; thick
        # curves lying on the floor still reach into it, so it sits on a white patch,
        # over them (they are flat there: nothing is hidden).
        loss_ax.text(0.99, FLOOR * 0.7, "floor: 32-bit rounding",
                     transform=loss_ax.get_yaxis_transform(), ha="right", va="top",
                     fontsize=11, color="#444444", zorder=20,
                     bbox={"boxstyle": "square,pad=0.1", "fc": "white", "ec": "none",
                           "alpha": 0.9})
    points = [xy(r) if xy else (r.params[:, 0], r.params[:, 1]) for r in runs]
    if start_label is not None:     # None: the landscape names each start itself
        offset, align = start_label
        surface_ax.annotate("start", (points[0][0][0], points[0][1][0]), xytext=offset,
                            textcoords="offset points", ha=align, va="center", color="white",
                            weight="bold",
                            path_effects=[withStroke(linewidth=3, foreground=INK)])
    moving, paths, heads, curves, fars = [], [], [], [], []
    for k, (key, name) in enumerate(zip(keys, legend)):
        colour, style, marker = LOOKS[key]
        width = WIDTHS[k % len(WIDTHS)] if len(runs) > 2 else (6.0, 3.0)[k]
        # A white halo keeps the widest, darkest line visible on the bowl's dark bottom;
        # the narrower ones drawn over it get none, so they never cover it.
        halo = [withStroke(linewidth=width + 2.5, foreground="white")] if k == 0 else []
        path, = surface_ax.plot([], [], color=colour, ls=style, lw=width, zorder=3 + k * 0.1,
                                path_effects=halo)
        head, = surface_ax.plot([], [], marker, color=colour, ms=12, mec="white", mew=1.5,
                                zorder=4)
        curve, = loss_ax.plot([], [], color=colour, ls=style, lw=max(width * 0.7, 2.2),
                              marker=marker, markevery=[-1], ms=11, label=name, zorder=3 + k)
        paths.append(path), heads.append(head), curves.append(curve)
        moving += [path, head, curve]
        if distance_ax is not None:
            far, = distance_ax.plot([], [], color=colour, ls=style, lw=max(width * 0.7, 2.2),
                                    marker=marker, markevery=[-1], ms=11, zorder=3 + k)
            fars.append(far)
            moving.append(far)
    exits, firsts, exit_note = _exits(surface_ax, points, keys, legend, labels)
    moving += [m for m in exits if m is not None] + ([exit_note] if exit_note else [])
    # Up to four across; five or more in rows of three, so the legend stays in frame.
    fig.legend(handles=curves, loc="outside lower center",
               ncol=len(runs) if len(runs) <= 4 else 3, fontsize=13,
               handlelength=2.8, columnspacing=1.4)
    text = readout(fig)
    moving.append(text)
    freeze_layout(fig)

    def update(i: int) -> None:
        for k in range(len(runs)):
            row = int(positions[k][i])
            px, py = points[k]
            paths[k].set_data(px[: row + 1], py[: row + 1])
            heads[k].set_data([px[row]], [py[row]])
            curves[k].set_data(xs[k][: row + 1], gaps[k][: row + 1])
            if fars:
                fars[k].set_data(xs[k][: row + 1], dists[k][: row + 1])
        text.set_text(readout_text(int(frames.epoch[i])))
        shown = False
        for k, (mark, first) in enumerate(zip(exits, firsts)):
            if mark is not None:
                mark.set_visible(int(positions[k][i]) >= first)
                shown = shown or mark.get_visible()
        if exit_note is not None:
            exit_note.set_visible(shown)

    return Scene(fig, moving, update, len(frames))
