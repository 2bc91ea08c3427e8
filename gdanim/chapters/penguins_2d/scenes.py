"""Figures for the penguins chapter: the penguins with a fitted line, and descent across
the loss surface over [intercept, slope] (seen from above)."""
from __future__ import annotations

import numpy as np

from gdanim.core.config import Quality
from gdanim.maths.data import Penguins
from gdanim.core.values import FrameTable, Scene
from gdanim.figures.scenes import DATA, VERMILION, new_figure


def _penguin_axes(ax, penguins: Penguins, title: str, top: float = 3.0):
    ax.scatter(penguins.x, penguins.y, s=22, color=DATA, alpha=0.55, lw=0, zorder=2)
    ax.set(xlim=(-2.7, 3.0), ylim=(-2.6, top), xlabel="bill length (z-score)",
           ylabel="body mass (z-score)", title=title)


def penguin_panel(penguins: Penguins, top: float = 3.0):
    """The z-scored penguins as a data panel for `gdanim.figures.scenes.line_fit`."""
    from gdanim.figures.scenes.line_fit import DataPanel, intercept_and_slope

    return DataPanel(penguins.x, penguins.y, "bill length (z-score)", "body mass (z-score)",
                     (-2.7, 3.0), (-2.6, top), intercept_and_slope)


def descent_scene(quality: Quality, intercepts, slopes, surface, penguins: Penguins,
                  frames: FrameTable, all_params: np.ndarray, all_loss: np.ndarray,
                  best: np.ndarray, best_loss: float, learning_rate: float,
                  tick_every: int = 10) -> Scene:
    """The line-fit descent (`line_fit.descent_scene_2d`) on the penguins' round bowl,
    with evenly spaced contour levels."""
    from gdanim.figures.scenes.line_fit import descent_scene_2d

    return descent_scene_2d(quality, intercepts, slopes, surface, penguin_panel(penguins),
                            frames, all_params, all_loss, best, best_loss, learning_rate,
                            tick_every, linear_step=0.5, lines=[1, 2, 3, 5, 8])


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
