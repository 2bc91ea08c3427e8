"""Figures for the penguins chapter: the loss surface over [intercept, slope] (contour
and 3-D), the penguins with a fitted line, and descent across the surface."""
from __future__ import annotations

import numpy as np
from matplotlib import patheffects

from gdanim.config import Quality
from gdanim.data import Penguins
from gdanim.values import FrameTable, Scene
from gdanim.scenes import (BLUE, DATA, GREY, INK, SURFACE_CMAP, VERMILION, freeze_layout,
                           new_figure, readout, three_panels)
PATH = "white"


def _levels(surface: np.ndarray) -> np.ndarray:
    return np.arange(0.0, np.ceil(surface.max()) + 0.5, 0.5)


def _contour_axes(ax, intercepts, slopes, surface, best, start, title):
    """Filled contours of the loss with labelled lines, the start and the bottom."""
    fig = ax.figure
    filled = ax.contourf(intercepts, slopes, surface, levels=_levels(surface),
                         cmap=SURFACE_CMAP)
    lines = ax.contour(intercepts, slopes, surface, levels=[1, 2, 3, 5, 8],
                       colors="white", linewidths=0.9, alpha=0.75)
    ax.clabel(lines, fmt="%g", fontsize=13, inline_spacing=4)
    bar = fig.colorbar(filled, ax=ax, shrink=0.85, pad=0.02, aspect=30)
    bar.set_label("mean squared error")
    bar.set_ticks(np.arange(0, surface.max() + 1, 2))
    ax.plot(*start, "o", ms=12, mfc="none", mec="white", mew=2.5, zorder=4)
    ax.annotate("start", start, xytext=(10, -18), textcoords="offset points",
                color="white", fontsize=14, weight="bold")
    star, = ax.plot(*best, "*", ms=20, color="white", mec=INK, mew=1, zorder=8)
    ax.annotate("least squares", best, xytext=(12, 10), textcoords="offset points",
                color="white", fontsize=14, weight="bold")
    ax.set(xlim=(intercepts[0], intercepts[-1]), ylim=(slopes[0], slopes[-1]),
           xlabel="intercept  (params[0])", ylabel="slope  (params[1])", title=title,
           aspect="equal")
    ax.grid(False)
    return star


def _penguin_axes(ax, penguins: Penguins, title: str, top: float = 3.0):
    ax.scatter(penguins.x, penguins.y, s=22, color=DATA, alpha=0.55, lw=0, zorder=2)
    ax.set(xlim=(-2.7, 3.0), ylim=(-2.6, top), xlabel="bill length (z-score)",
           ylabel="body mass (z-score)", title=title)


def _fmt_param(value: float) -> str:
    """9 characters wide; values too small for 4 decimals in scientific notation."""
    text = f"{value:+.4f}" if abs(value) >= 1e-4 or value == 0 else f"{value:+.1e}"
    return f"{text:>9}"


def descent_scene(quality: Quality, intercepts, slopes, surface, penguins: Penguins,
                  frames: FrameTable, all_params: np.ndarray, all_loss: np.ndarray,
                  best: np.ndarray, best_loss: float, learning_rate: float,
                  tick_every: int = 10) -> Scene:
    """Three panels in step: the path across the loss contours (a dot every `tick_every`
    epochs, so shrinking strides show), the fitted line on the penguins, and the loss
    by epoch. `all_params`/`all_loss` hold every epoch. Only the path, line and
    markers move."""
    # The contour keeps equal axes (round bowl looks round), so it gets the wider column.
    fig, bowl, data, curve = three_panels(quality, 1.3)
    params = np.asarray(frames.params, dtype=float)
    star = _contour_axes(bowl, intercepts, slopes, surface, best, params[0],
                  f"Descending at learning rate {learning_rate:g}")

    _penguin_axes(data, penguins, "The fitted line")
    xs = np.array(data.get_xlim())
    data.plot(xs, best[0] + best[1] * xs, color=GREY, lw=1.8, ls=(0, (4, 3)),
              label="least squares")

    epochs = np.arange(len(all_loss))
    curve.plot(epochs, all_loss, color=GREY, lw=1.5, ls=(0, (3, 3)))
    curve.axhline(best_loss, color=BLUE, lw=1.2, ls=":")
    # Below the floor line: the loss curve only ever lies above it.
    curve.annotate(f"lowest possible: {best_loss:.3f}", (len(all_loss) - 1, best_loss),
                   xytext=(0, -6), textcoords="offset points", ha="right", va="top",
                   color=BLUE, fontsize=13)
    curve.set(xscale="symlog", xlim=(0, len(all_loss) - 1),
              ylim=(0, all_loss.max() * 1.08), xlabel="epoch", ylabel="MSE",
              title="Loss by epoch")
    curve.set_xscale("symlog", linthresh=1, linscale=0.4)
    curve.set_xticks([0, 1, 10, 100, 1000], labels=["0", "1", "10", "100", "1000"])
    curve.set_xticks([], minor=True)

    trail, = bowl.plot([], [], color=PATH, lw=2, zorder=6)
    ticks, = bowl.plot([], [], "o", color=PATH, ms=5, zorder=6)
    point, = bowl.plot([], [], "o", color=VERMILION, ms=15, mec="white", mew=2, zorder=7)
    line, = data.plot(xs, xs * 0, color=VERMILION, label="current guess")
    data.legend(loc="upper left")
    traced, = curve.plot([], [], color=VERMILION, lw=2.5)
    now, = curve.plot([], [], "o", color=VERMILION, ms=10, mec="white", mew=1.5)
    text = readout(fig)
    freeze_layout(fig)
    # Unclipped, so the marker shows whole on the axis edge at epochs 0 and 1000. (Set
    # after the layout: an empty unclipped line confuses the layout engine.)
    now.set_clip_on(False)

    def update(i: int) -> None:
        e, (b, m), loss = int(frames.epoch[i]), params[i], frames.loss[i]
        trail.set_data(all_params[: e + 1, 0], all_params[: e + 1, 1])
        ticks.set_data(all_params[: e + 1: tick_every, 0], all_params[: e + 1: tick_every, 1])
        point.set_data([b], [m])
        line.set_ydata(b + m * xs)
        traced.set_data(epochs[: e + 1], all_loss[: e + 1])
        now.set_data([e], [all_loss[e]])
        text.set_text(f"epoch {e:4d}   intercept {_fmt_param(b)}   slope {_fmt_param(m)}"
                      f"   MSE {loss:.4f}")

    # The star is static but listed as moving so it stays on top when the dot arrives.
    return Scene(fig, [trail, ticks, point, star, line, traced, now, text], update, len(frames))


def surface_figure(quality: Quality, intercepts, slopes, surface, path: np.ndarray,
                   path_loss: np.ndarray, best: np.ndarray, best_loss: float):
    """The loss as a 3-D bowl, with the descent path running down its wall."""
    fig = new_figure(quality, readout_band=False)
    ax = fig.add_subplot(projection="3d", computed_zorder=False)
    b, m = np.meshgrid(intercepts, slopes)
    step = max(1, len(intercepts) // 60)   # a lighter mesh draws as well and faster
    ax.plot_surface(b[::step, ::step], m[::step, ::step], surface[::step, ::step],
                    cmap=SURFACE_CMAP, linewidth=0, antialiased=False, alpha=0.92,
                    zorder=1)
    lift = 0.02 * surface.max()   # keep the path visibly on top of the skin
    ax.plot(path[:, 0], path[:, 1], path_loss + lift, color=VERMILION, lw=3.5, zorder=3)
    ax.plot([path[0, 0]], [path[0, 1]], [path_loss[0] + lift], "o", color=VERMILION,
            ms=11, mec="white", mew=2, zorder=4)
    ax.plot([best[0]], [best[1]], [best_loss + lift], "*", color="white", ms=20, mec=INK,
            mew=1, zorder=5)
    halo = [patheffects.withStroke(linewidth=4, foreground="white")]
    ax.text(path[0, 0], path[0, 1], path_loss[0] + 3 * lift, "start  ", ha="right",
            fontsize=15, weight="bold", color=INK, zorder=6, path_effects=halo)
    ax.text(best[0], best[1], best_loss + 3 * lift, "  least squares", ha="left",
            fontsize=15, weight="bold", color=INK, zorder=6, path_effects=halo)
    ax.set_xlabel("intercept", labelpad=14)
    ax.set_ylabel("slope", labelpad=14)
    ax.set_zlabel("mean squared error", labelpad=10)
    ax.set(
           xlim=(intercepts[0], intercepts[-1]), ylim=(slopes[0], slopes[-1]),
           zlim=(0, surface.max()))
    ax.set_title("The loss over both parameters: one smooth bowl", loc="center", pad=0)
    # Looking from the far side of the intercept axis, the wall the path runs down
    # faces the camera, so nothing in front of it hides the path.
    ax.view_init(elev=36, azim=24)
    ax.set_box_aspect(None, zoom=1.12)
    return fig


def _equation(ax, text: str) -> None:
    ax.text(0.03, 0.97, text.replace("-", "\u2212"), transform=ax.transAxes, va="top",
            fontsize=14, color=VERMILION, zorder=5, linespacing=1.4,
            bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": "#d0cec4", "alpha": 0.92})


def fit_figure(quality: Quality, penguins: Penguins, params: np.ndarray,
               grams: tuple[float, float]):
    """The final fit twice: on z-scores, and converted to grams and millimetres."""
    fig = new_figure(quality, readout_band=False)
    left, right = fig.subplots(1, 2)
    b, m = params
    # Both panels leave an empty band above the birds for the equation.
    _penguin_axes(left, penguins, "In z-scores", top=3.9)
    xs = np.array(left.get_xlim())
    left.plot(xs, b + m * xs, color=VERMILION)
    _equation(left, f"mass = {b:.1e} + {m:.4f} × bill\n(the intercept is 0 up to rounding)")

    at_zero, per_mm = grams
    right.scatter(penguins.bill_mm, penguins.mass_g, s=22, color=DATA, alpha=0.55, lw=0)
    bills = np.array([penguins.bill_mm.min() - 2, penguins.bill_mm.max() + 2])
    right.plot(bills, at_zero + per_mm * bills, color=VERMILION)
    right.set(xlim=bills, ylim=(2500, 7100), xlabel="bill length (mm)", ylabel="body mass (g)",
              title="In grams and millimetres")
    _equation(right, f"mass = {at_zero:,.0f} g + {per_mm:.1f} g/mm × bill")
    return fig
