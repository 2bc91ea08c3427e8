"""Small multiples for the learning-rate chapter: one panel per learning rate, all
moving in step, a diverged run frozen where it left the plot and labelled."""
from __future__ import annotations

import numpy as np

from gdanim.core.config import Quality
from gdanim.maths.data import BELT_CM, BELT_INCHES
from gdanim.core.values import FrameTable, Scene
from gdanim.figures.scenes import BLUE, DATA, GREY, ORANGE, VERMILION, freeze_layout, new_figure, readout
from gdanim.core.text import count, decimal

COLOURS = (BLUE, "#009E73", ORANGE, VERMILION)


def _panels(quality: Quality, runs, draw_background, xy, frames: FrameTable,
            threshold: float, share: bool, equal: bool = False) -> Scene:
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
        note = ax.text(0.5, 0.95, "", transform=ax.transAxes, ha="center", va="top",
                       fontsize=14, weight="bold", color=VERMILION, zorder=8,
                       bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": VERMILION})
        paths.append(path), points.append(point), notes.append(note)
        moving += [path, point, note]
    if share:
        for ax in axes[2:]:
            ax.tick_params(labelbottom=True)
    text = readout(fig)
    moving.append(text)
    freeze_layout(fig)
    if equal:
        for ax in axes:
            _fill(ax)
    limit = decimal(float(f"{threshold:.3g}"))
    states = [xy(np.asarray(frames.params)[:, k], np.asarray(frames.loss)[:, k])
              for k in range(len(runs))]
    heads = [_inside(ax, *state) for ax, state in zip(axes, states)]
    for ax, run, note, (hx, hy, _) in zip(axes, runs, notes, heads):
        if run.left_plot is not None:
            note.set_text(_gone_text(run))
            _place_clear(ax, note, hx[-1], hy[-1])

    def update(i: int) -> None:
        epoch = int(frames.epoch[i])
        for k, run in enumerate(runs):
            xs, ys = states[k]
            paths[k].set_data(xs[: i + 1], ys[: i + 1])
            hx, hy, marker = heads[k]
            points[k].set_data([hx[i]], [hy[i]])
            points[k].set_marker(marker[i])
            notes[k].set_visible(run.left_plot is not None and epoch >= run.left_plot)
        text.set_text(f"epoch {epoch:3d} of {int(frames.epoch[-1])}    "
                      f"divergence threshold η = {limit}")

    return Scene(fig, moving, update, len(frames))


def _fill(ax) -> None:
    """Widen the view (about its middle) to the panel's shape, so one unit is as long
    across as up: equal scales that fill the panel."""
    box = ax.get_window_extent()
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    shape, view = box.width / box.height, (x1 - x0) / (y1 - y0)
    if view < shape:
        half, middle = (y1 - y0) * shape / 2, (x0 + x1) / 2
        ax.set_xlim(middle - half, middle + half)
    else:
        half, middle = (x1 - x0) / shape / 2, (y0 + y1) / 2
        ax.set_ylim(middle - half, middle + half)


def _gone_text(run) -> str:
    """Said as the page says it (chapter.fate): the epoch it diverged from, then the
    epoch it left the plot."""
    left = f"left the plot at epoch {count(run.left_plot)}"
    if run.diverged_at is None:
        return left
    return f"diverged from epoch {count(run.diverged_at)}\n{left}"


def _inside(ax, xs, ys, inset: float = 0.025):
    """Where to draw a run's dot: at its place, or, once it has left the axes, pinned
    just inside the edge it crossed, drawn as a triangle pointing the way it went."""
    (x0, x1), (y0, y1) = ax.get_xlim(), ax.get_ylim()
    dx, dy = (x1 - x0) * inset, (y1 - y0) * inset
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    cx, cy = np.clip(xs, x0 + dx, x1 - dx), np.clip(ys, y0 + dy, y1 - dy)
    cx, cy = np.where(np.isfinite(cx), cx, x1 - dx), np.where(np.isfinite(cy), cy, y1 - dy)
    markers = ["^" if y > y1 - dy else "v" if y < y0 + dy else
               ">" if x > x1 - dx else "<" if x < x0 + dx else "o"
               for x, y in zip(np.nan_to_num(xs, nan=np.inf), np.nan_to_num(ys, nan=np.inf))]
    return cx, cy, markers


def _place_clear(ax, note, x, y) -> None:
    """Put `note` where it covers the fewest drawn points (curves, paths, the dot at
    (x, y)), among nine spots inside the axes: never cut by the axes' edge."""
    renderer = ax.figure.canvas.get_renderer()
    box = ax.get_window_extent(renderer)
    points = [ax.transData.transform(np.column_stack(line.get_data()).astype(float))
              for line in ax.get_lines() if len(line.get_xdata())]
    points.append(ax.transData.transform([[x, y]]).repeat(40, axis=0))  # the dot weighs most
    points = np.vstack([p for p in points if len(p)])
    best = None
    for fy, va in ((0.96, "top"), (0.5, "center"), (0.04, "bottom")):
        for fx, ha in ((0.5, "center"), (0.03, "left"), (0.97, "right")):
            note.set(x=fx, y=fy, ha=ha, va=va)
            ext = note.get_window_extent(renderer).expanded(1.1, 1.2)
            if not (box.x0 <= ext.x0 and ext.x1 <= box.x1 and box.y0 <= ext.y0
                    and ext.y1 <= box.y1):
                continue
            inside = int(np.sum((points[:, 0] >= ext.x0) & (points[:, 0] <= ext.x1)
                                & (points[:, 1] >= ext.y0) & (points[:, 1] <= ext.y1)))
            if best is None or inside < best[0]:
                best = (inside, fx, fy, ha, va)
    if best is not None:
        note.set(x=best[1], y=best[2], ha=best[3], va=best[4])


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
        # The view is the box around the run, widened to the panel's shape once the
        # layout is fixed (_fill: equal scales, no blank space beside a square); the
        # contour is drawn wide enough for any panel shape.
        contour(ax, (middle[0] - 3 * half, middle[0] + 3 * half),
                (middle[1] - 3 * half, middle[1] + 3 * half))
        reach = np.maximum((high - low) / 2 + 0.12 * (high - low).max(), 0.3)
        ax.set(xlim=(middle[0] - reach[0], middle[0] + reach[0]),
               ylim=(middle[1] - reach[1], middle[1] + reach[1]))
        ax.set_xlabel("intercept")
        ax.set_ylabel("slope")

    def xy(params, loss):
        return params[:, 0], params[:, 1]

    return _panels(quality, runs, background, xy, frames, threshold, share=False,
                   equal=True)
