"""A straight line fitted to data by gradient descent, drawn for any two columns: the
loss landscape (contours over [intercept, slope], or a curve over the slope alone),
the data with the current line, and the loss by epoch, all moving together. The
penguins chapter and CSV chapters both draw with these."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from gdanim.core.config import Quality
from gdanim.core.values import FrameTable, Scene
from gdanim.figures.scenes import (BLUE, DATA, GREEN, GREY, INK, SURFACE_CMAP, VERMILION, freeze_layout,
                           new_figure, readout, three_panels)

PATH = "white"


@dataclass(frozen=True)
class DataPanel:
    """The points to scatter and how a parameter vector becomes a line on them."""

    x: np.ndarray
    y: np.ndarray
    xlabel: str
    ylabel: str
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    line: Callable[[np.ndarray], tuple[float, float]]   # params -> (intercept, slope)
    size: float = 22                                    # marker area
    alpha: float = 0.55


def intercept_and_slope(params) -> tuple[float, float]:
    """DataPanel.line for parameters [intercept, slope] in the panel's own units."""
    return params[0], params[1]


def through_origin(params) -> tuple[float, float]:
    """DataPanel.line for a single slope: a line through zero."""
    return 0.0, params[0]


def padded(values: np.ndarray, pad: float = 0.06, low=None, high=None) -> tuple[float, float]:
    lo = float(np.min(values)) if low is None else low
    hi = float(np.max(values)) if high is None else high
    span = (hi - lo) or abs(hi) or 1.0
    return lo - pad * span, hi + pad * span


def draw_data(ax, panel: DataPanel, title: str) -> None:
    ax.scatter(panel.x, panel.y, s=panel.size, color=DATA, alpha=panel.alpha, lw=0, zorder=2,
               rasterized=len(panel.x) > 2000)
    ax.set(xlim=panel.xlim, ylim=panel.ylim, xlabel=panel.xlabel, ylabel=panel.ylabel,
           title=title)


def fmt_param(value: float) -> str:
    """9 characters wide; values too small for 4 decimals in scientific notation."""
    text = (f"{value:+.4f}" if 1e-4 <= abs(value) < 1e4 or value == 0
            else f"{value:+.2e}")
    return f"{text:>9}"


def nice_step(value: float) -> float:
    """1, 2 or 5 times a power of ten, at least `value`."""
    power = 10 ** np.floor(np.log10(value))
    return float(next(k * power for k in (1, 2, 5, 10) if k * power >= value))


def loss_label(value: float) -> str:
    """A loss for a contour or colour-bar label: 0.547, 3, 1,630, not 1.63e+03."""
    if value >= 1000:
        return f"{value:,.0f}"
    return f"{value:.3g}"


def contour_levels(surface: np.ndarray, linear_step: float | None = None) -> np.ndarray:
    """Levels for a filled contour: evenly `linear_step` apart, or else log-spaced from
    the floor to the top (a long valley spans many orders of magnitude)."""
    if linear_step:
        return np.arange(0.0, np.ceil(surface.max()) + linear_step, linear_step)
    low = max(float(surface.min()), float(surface.max()) * 1e-7, 1e-12)
    return np.geomspace(low, float(surface.max()), 16)


def contour_axes(ax, intercepts, slopes, surface, best, start, title: str,
                 labels=("intercept", "slope"),
                 linear_step: float | None = None, lines=None, equal: bool = True,
                 colour_bar: bool = True, labels_on: bool = True):
    """Filled contours of the loss with labelled lines, the start and the bottom
    (`labels_on`: their names too). Returns the star (drawn again on top of the
    moving path)."""
    from matplotlib.colors import LogNorm

    fig = ax.figure
    levels = contour_levels(surface, linear_step)
    norm = None if linear_step else LogNorm(levels[0], levels[-1])
    filled = ax.contourf(intercepts, slopes, np.maximum(surface, levels[0]), levels=levels,
                         cmap=SURFACE_CMAP, norm=norm)
    shown = lines if lines is not None else levels[1::3]
    drawn = ax.contour(intercepts, slopes, surface, levels=shown, colors="white",
                       linewidths=0.9, alpha=0.75)
    ax.clabel(drawn, fmt=loss_label, fontsize=13, inline_spacing=4)
    if colour_bar:
        bar = fig.colorbar(filled, ax=ax, shrink=0.85, pad=0.02, aspect=30)
        bar.set_label("mean squared error" + ("" if linear_step else " (log scale)"))
        if linear_step:
            bar.set_ticks(np.arange(0, surface.max() + 1, 4 * linear_step))
        else:   # powers of ten, written out
            decades = 10.0 ** np.arange(np.ceil(np.log10(levels[0])),
                                        np.floor(np.log10(levels[-1])) + 1)
            bar.set_ticks(decades, labels=[loss_label(v) for v in decades])
            bar.ax.minorticks_off()
    ax.plot(*start, "o", ms=12, mfc="none", mec="white", mew=2.5, zorder=4)
    star, = ax.plot(*best, "*", ms=20, color="white", mec=INK, mew=1, zorder=8)
    if labels_on:
        # The label goes on the side of the start that faces the middle of the plot.
        right_half = start[0] > (intercepts[0] + intercepts[-1]) / 2
        ax.annotate("start", start, xytext=(-10 if right_half else 10, -18),
                    textcoords="offset points", ha="right" if right_half else "left",
                    color="white", fontsize=14, weight="bold")
        ax.annotate("least squares", best, xytext=(12, 10), textcoords="offset points",
                    color="white", fontsize=14, weight="bold")
    ax.set(xlim=(intercepts[0], intercepts[-1]), ylim=(slopes[0], slopes[-1]),
           xlabel=labels[0], ylabel=labels[1], title=title)
    if equal:
        ax.set_aspect("equal")
    ax.grid(False)
    return star


def _loss_by_epoch(curve, all_loss: np.ndarray, best_loss: float) -> None:
    """The whole run dashed, the floor dotted, on a stretched (symlog) epoch axis."""
    epochs = np.arange(len(all_loss))
    last = len(all_loss) - 1
    curve.plot(epochs, all_loss, color=GREY, lw=1.5, ls=(0, (3, 3)))
    curve.axhline(best_loss, color=BLUE, lw=1.2, ls=":")
    top = float(np.max(all_loss))
    # Below the floor line at the right (the loss curve only ever lies above it), unless
    # the floor is so low that the label would sit on the epoch axis; then above it at
    # the left, where the curve is still high.
    low_floor = best_loss < 0.12 * top
    curve.annotate(f"lowest possible: {best_loss:.4g}", (0 if low_floor else last, best_loss),
                   xytext=(6 if low_floor else 0, 5 if low_floor else -6),
                   textcoords="offset points", ha="left" if low_floor else "right",
                   va="bottom" if low_floor else "top", color=BLUE, fontsize=13)
    curve.set(xlim=(0, last), ylim=(min(0.0, best_loss), top * 1.08 if top > 0 else 1),
              xlabel="epoch", ylabel="MSE", title="Loss by epoch")
    curve.set_xscale("symlog", linthresh=1, linscale=0.4)
    ticks = [0] + [10 ** k for k in range(int(np.log10(max(last, 1))) + 1)]
    if last not in ticks and last > 3 * ticks[-1]:
        ticks.append(last)
    curve.set_xticks(ticks, labels=[f"{t:g}" for t in ticks])
    curve.set_xticks([], minor=True)


def _divergence_note(ax):
    return ax.text(0.97, 0.96, "", transform=ax.transAxes, ha="right", va="top",
                   fontsize=15, weight="bold", color=VERMILION, zorder=9, visible=False,
                   bbox={"boxstyle": "round,pad=0.3", "fc": "white", "ec": VERMILION})


def descent_scene_2d(quality: Quality, intercepts, slopes, surface, panel: DataPanel,
                     frames: FrameTable, all_params: np.ndarray, all_loss: np.ndarray,
                     best: np.ndarray, best_loss: float, learning_rate: float,
                     tick_every: int = 10, linear_step: float | None = None, lines=None,
                     equal: bool = True, diverged_at: int | None = None,
                     data_title: str = "The fitted line") -> Scene:
    """Three panels in step: the path across the loss contours (a dot every `tick_every`
    epochs, so shrinking strides show), the fitted line on the data, and the loss by
    epoch. `all_params`/`all_loss` hold every epoch (frozen after `diverged_at`, if the
    run left the plot). Only the path, line, markers and texts move."""
    # The contour keeps equal axes (a round bowl looks round), so it gets the wider column.
    fig, bowl, data, curve = three_panels(quality, 1.3 if equal else 1.15)
    params = np.asarray(frames.params, dtype=float)
    star = contour_axes(bowl, intercepts, slopes, surface, best, params[0],
                        f"Descending at learning rate {learning_rate:g}",
                        linear_step=linear_step, lines=lines, equal=equal)
    draw_data(data, panel, data_title)
    xs = np.linspace(*panel.xlim, 2)
    b0, m0 = panel.line(best)
    data.plot(xs, b0 + m0 * xs, color=GREY, lw=1.8, ls=(0, (4, 3)), label="least squares")
    _loss_by_epoch(curve, all_loss, best_loss)

    trail, = bowl.plot([], [], color=PATH, lw=2, zorder=6)
    ticks, = bowl.plot([], [], "o", color=PATH, ms=5, zorder=6)
    point, = bowl.plot([], [], "o", color=VERMILION, ms=15, mec="white", mew=2, zorder=7)
    line, = data.plot(xs, xs * 0, color=VERMILION, label="current guess")
    data.legend(loc="upper left")
    traced, = curve.plot([], [], color=VERMILION, lw=2.5)
    now, = curve.plot([], [], "o", color=VERMILION, ms=10, mec="white", mew=1.5)
    note = _divergence_note(bowl)
    text = readout(fig)
    freeze_layout(fig)
    # Unclipped, so the marker shows whole on the axis edge at the first and last epoch.
    # (Set after the layout: an empty unclipped line confuses the layout engine.)
    now.set_clip_on(False)
    epochs = np.arange(len(all_loss))

    def update(i: int) -> None:
        e, (b, m), loss = int(frames.epoch[i]), params[i], frames.loss[i]
        trail.set_data(all_params[: e + 1, 0], all_params[: e + 1, 1])
        ticks.set_data(all_params[: e + 1: tick_every, 0], all_params[: e + 1: tick_every, 1])
        point.set_data([b], [m])
        lb, lm = panel.line(params[i])
        line.set_ydata(lb + lm * xs)
        traced.set_data(epochs[: e + 1], all_loss[: e + 1])
        now.set_data([e], [all_loss[e]])
        gone = diverged_at is not None and e >= diverged_at
        note.set_text(f"diverged at epoch {diverged_at}:\nfrozen where it left the plot"
                      if gone else "")
        note.set_visible(gone)
        text.set_text(f"epoch {e:4d}   intercept {fmt_param(b)}   slope {fmt_param(m)}"
                      f"   MSE {loss:.4g}")

    # The star is static but listed as moving so it stays on top when the dot arrives.
    return Scene(fig, [trail, ticks, point, star, line, traced, now, note, text], update,
                 len(frames))


def descent_scene_1d(quality: Quality, grid: np.ndarray, grid_losses: np.ndarray,
                     panel: DataPanel, frames: FrameTable, all_params: np.ndarray,
                     all_loss: np.ndarray, best: np.ndarray, best_loss: float,
                     learning_rate: float, diverged_at: int | None = None,
                     data_title: str = "The fitted line") -> Scene:
    """One parameter (a line through the origin): the dot sliding along the loss curve
    over the slope, the line on the data, and the loss by epoch."""
    fig, valley, data, curve = three_panels(quality, 1.25)
    valley.plot(grid, grid_losses, color=DATA, lw=2.2)
    valley.set(xlim=(grid.min(), grid.max()), ylim=(0, grid_losses.max() * 1.05),
               xlabel="slope", ylabel="mean squared error",
               title=f"Descending at learning rate {learning_rate:g}")
    star, = valley.plot([best[0]], [best_loss], "*", ms=22, color=GREEN, mec="white", mew=1.2,
                        zorder=8)
    # Above the bottom, inside the valley, where the path never goes.
    valley.annotate("least squares", (best[0], best_loss), xytext=(0, 60),
                    textcoords="offset points", ha="center", color=GREEN, fontsize=14,
                    weight="bold", arrowprops={"arrowstyle": "-", "color": GREEN, "lw": 1.2,
                                               "shrinkB": 10})
    draw_data(data, panel, data_title)
    xs = np.linspace(*panel.xlim, 2)
    b0, m0 = panel.line(best)
    data.plot(xs, b0 + m0 * xs, color=GREY, lw=1.8, ls=(0, (4, 3)), label="least squares")
    _loss_by_epoch(curve, all_loss, best_loss)
    trail, = valley.plot([], [], "o", color=BLUE, ms=6, alpha=0.7, zorder=5)
    point, = valley.plot([], [], "o", color=VERMILION, ms=15, mec="white", mew=2, zorder=7)
    line, = data.plot(xs, xs * 0, color=VERMILION, label="current guess")
    data.legend(loc="upper left")
    traced, = curve.plot([], [], color=VERMILION, lw=2.5)
    now, = curve.plot([], [], "o", color=VERMILION, ms=10, mec="white", mew=1.5)
    note = _divergence_note(valley)
    text = readout(fig)
    freeze_layout(fig)
    now.set_clip_on(False)
    params = np.asarray(frames.params, dtype=float).reshape(len(frames), -1)
    flat = np.asarray(all_params, dtype=float).reshape(len(all_loss), -1)[:, 0]
    epochs = np.arange(len(all_loss))

    def update(i: int) -> None:
        e, m, loss = int(frames.epoch[i]), params[i, 0], frames.loss[i]
        trail.set_data(flat[: e + 1], all_loss[: e + 1])
        point.set_data([m], [loss])
        lb, lm = panel.line(params[i])
        line.set_ydata(lb + lm * xs)
        traced.set_data(epochs[: e + 1], all_loss[: e + 1])
        now.set_data([e], [all_loss[e]])
        gone = diverged_at is not None and e >= diverged_at
        note.set_text(f"diverged at epoch {diverged_at}:\nfrozen where it left the plot"
                      if gone else "")
        note.set_visible(gone)
        text.set_text(f"epoch {e:4d}   slope {fmt_param(m)}   MSE {loss:.4g}")

    return Scene(fig, [trail, point, star, line, traced, now, note, text], update, len(frames))


def _equation(ax, text: str) -> None:
    ax.text(0.03, 0.97, text.replace("-", "\u2212"), transform=ax.transAxes, va="top",
            fontsize=14, color=VERMILION, zorder=5, linespacing=1.4,
            bbox={"boxstyle": "round,pad=0.4", "fc": "white", "ec": "#d0cec4", "alpha": 0.92})


def data_figure(quality: Quality, panel: DataPanel, title: str):
    """The data alone, before any line."""
    fig = new_figure(quality, readout_band=False)
    draw_data(fig.subplots(), panel, title)
    return fig


def fit_figure(quality: Quality, panels: list[tuple[DataPanel, str, str]], params):
    """The final line on one or more views of the data: (panel, title, equation).
    Each panel leaves a band above the data for its equation."""
    fig = new_figure(quality, readout_band=False)
    axes = np.atleast_1d(fig.subplots(1, len(panels)))
    for ax, (panel, title, equation) in zip(axes, panels):
        draw_data(ax, panel, title)
        low, high = panel.ylim
        ax.set_ylim(low, high + 0.3 * (high - low))
        xs = np.linspace(*panel.xlim, 2)
        b, m = panel.line(params)
        ax.plot(xs, b + m * xs, color=VERMILION)
        _equation(ax, equation)
    return fig
