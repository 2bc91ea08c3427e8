"""The vectors chapter's figures: two guesses at a line through the z-scored penguins,
with their errors, and the loss of every guess as a 3-D bowl."""
from __future__ import annotations

import numpy as np
from matplotlib import patheffects

from gdanim.core.config import Quality
from gdanim.core.values import Scene
from gdanim.maths.data import Penguins
from gdanim.figures.scenes import DATA, INK, SURFACE_CMAP, VERMILION, new_figure

XLIM, YLIM = (-2.7, 3.0), (-2.9, 3.2)


def _penguins(ax, p: Penguins, title: str) -> None:
    ax.scatter(p.x, p.y, s=22, color=DATA, alpha=0.55, lw=0, zorder=2)
    ax.set(xlim=XLIM, ylim=YLIM, xlabel="bill length (z-score)",
           ylabel="body mass (z-score)", title=title)


def _label(ax, x, y, text, **kw) -> None:
    halo = [patheffects.withStroke(linewidth=4, foreground="white")]
    ax.text(x, y, text.replace("-", "\u2212"), fontsize=15, color=kw.pop("color", INK),
            path_effects=halo, zorder=6, **kw)


def guess_figure(quality: Quality, penguins: Penguins, start, check, row: int,
                 start_loss: float):
    """Left: the flat first guess and every bird's error against it. Right: the bad
    check line, with one penguin's prediction (a dot product) marked."""
    fig = new_figure(quality, readout_band=False)
    left, right = fig.subplots(1, 2)
    p, xs = penguins, np.array(XLIM)

    b0, m0 = start
    _penguins(left, p, "First guess: a flat line")
    left.vlines(p.x, b0 + m0 * p.x, p.y, color="#8a8a8a", lw=0.6, alpha=0.6, zorder=1)
    left.plot(xs, b0 + m0 * xs, color=VERMILION, lw=3, zorder=3)
    _label(left, XLIM[0] + 0.15, b0 - 0.45, f"[intercept, slope] = [{b0:g}, {m0:g}]",
           color=VERMILION)
    _label(left, XLIM[0] + 0.15, YLIM[1] - 0.5, f"MSE {start_loss:.4f}")

    b, m = check
    _penguins(right, p, "A bad line, one penguin")
    right.plot(xs, b + m * xs, color=VERMILION, lw=3, zorder=3)
    x, y = p.x[row], p.y[row]
    guess = b + m * x
    right.vlines([x], [guess], [y], color=INK, lw=2, linestyles="dotted", zorder=4)
    right.plot([x], [y], "o", ms=12, color=DATA, mec=INK, mew=2, zorder=5)
    right.plot([x], [guess], "o", ms=12, color=VERMILION, mec="white", mew=2, zorder=5)
    _label(right, x + 0.2, guess, f"prediction {guess:.2f}", va="center")
    _label(right, x + 0.2, y, f"penguin {row}: {y:.2f}", va="center")
    _label(right, XLIM[0] + 0.15, YLIM[1] - 0.5, f"[intercept, slope] = [{b:g}, {m:g}]",
           color=VERMILION)
    return fig


def surface_figure(quality: Quality, intercepts, slopes, surface, start, start_loss: float,
                   best: np.ndarray, best_loss: float):
    """The loss as a 3-D bowl: the first guess high on its wall, the best fit at the
    bottom."""
    fig = new_figure(quality, readout_band=False)
    ax = fig.add_subplot(projection="3d", computed_zorder=False)
    b, m = np.meshgrid(intercepts, slopes)
    step = max(1, len(intercepts) // 60)   # a lighter mesh draws as well and faster
    ax.plot_surface(b[::step, ::step], m[::step, ::step], surface[::step, ::step],
                    cmap=SURFACE_CMAP, linewidth=0, antialiased=False, alpha=0.92,
                    zorder=1)
    lift = 0.02 * surface.max()   # keep the path visibly on top of the skin
    ax.plot([start[0]], [start[1]], [start_loss + lift], "o", color=VERMILION,
            ms=13, mec="white", mew=2, zorder=4)
    ax.plot([best[0]], [best[1]], [best_loss + lift], "*", color="white", ms=20, mec=INK,
            mew=1, zorder=5)
    halo = [patheffects.withStroke(linewidth=4, foreground="white")]
    ax.text(start[0], start[1], start_loss + 3 * lift, "first guess  ", ha="right",
            fontsize=15, weight="bold", color=INK, zorder=6, path_effects=halo)
    ax.text(best[0], best[1], best_loss + 3 * lift, "  best fit", ha="left",
            fontsize=15, weight="bold", color=INK, zorder=6, path_effects=halo)
    ax.set_xlabel("intercept", labelpad=14)
    ax.set_ylabel("slope", labelpad=14)
    ax.set_zlabel("mean squared error", labelpad=10)
    ax.set(
           xlim=(intercepts[0], intercepts[-1]), ylim=(slopes[0], slopes[-1]),
           zlim=(0, surface.max()))
    ax.set_title("The loss over both parameters: one smooth bowl", loc="center", pad=0)
    # Looking from the far side of the intercept axis, the wall below the first guess
    # faces the camera, so nothing in front of it hides the way down.
    ax.view_init(elev=36, azim=24)
    ax.set_box_aspect(None, zoom=1.12)
    return fig


def guesses_scene(quality: Quality, penguins: Penguins, intercepts, slopes, surface,
                  best: np.ndarray, frames) -> Scene:
    """Guesses tried one after another. Left: the guess's line on the penguins, with
    every bird's error. Right: where the guess sits on the map of every guess's loss,
    and the trail of guesses so far."""
    from matplotlib.collections import LineCollection

    from gdanim.figures.scenes import freeze_layout, readout
    from gdanim.figures.scenes.line_fit import contour_axes

    fig = new_figure(quality)
    left, right = fig.subplots(1, 2, width_ratios=[1, 1.2])
    p, xs = penguins, np.array(XLIM)
    params = np.asarray(frames.params, dtype=float)
    _penguins(left, p, "A guess and its errors")
    errors = LineCollection([], colors="#8a8a8a", linewidths=0.6, alpha=0.7, zorder=1)
    left.add_collection(errors)
    line, = left.plot(xs, xs * 0, color=VERMILION, lw=3, zorder=3)
    star = contour_axes(right, intercepts, slopes, surface, best, params[0],
                        "Every guess has a loss", labels=("intercept", "slope"),
                        linear_step=0.5, lines=[1, 2, 3, 5, 8], labels_on=False)
    trail, = right.plot([], [], color="white", lw=2, zorder=6)
    point, = right.plot([], [], "o", color=VERMILION, ms=15, mec="white", mew=2, zorder=7)
    text = readout(fig)
    freeze_layout(fig)

    def update(i: int) -> None:
        b, m = params[i]
        guess = b + m * p.x
        errors.set_segments(np.stack([np.column_stack([p.x, guess]),
                                      np.column_stack([p.x, p.y])], axis=1))
        line.set_ydata(b + m * xs)
        trail.set_data(params[: i + 1, 0], params[: i + 1, 1])
        point.set_data([b], [m])
        text.set_text(f"guess {int(frames.epoch[i]):3d}   intercept {b:+.2f}   "
                      f"slope {m:+.2f}   MSE {frames.loss[i]:.4f}".replace("-", "\u2212"))

    return Scene(fig, [errors, line, trail, point, star, text], update, len(frames))
