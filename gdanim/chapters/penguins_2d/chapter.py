"""Chapter 6: descent on two parameters. Penguins' body mass from bill length (both
z-scored, as the vectors chapter prepared them), the loss as a surface over [intercept,
slope], and gradient descent across it."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from gdanim.core import text
from gdanim.core.config import Quality
from gdanim.maths.problems import (PENGUIN_GRID, PENGUIN_INTERCEPTS, PENGUIN_SLOPES,
                                   PENGUIN_START, closed_form, loss_surface, penguin_loss)
from gdanim.chapters import Setting, scenario
from gdanim.core.values import Animation, Chapter, FrameTable, Still

START = PENGUIN_START            # [intercept, slope]
LEARNING_RATE, EPOCHS = 0.01, 1000
INTERCEPTS, SLOPES, GRID_POINTS = PENGUIN_INTERCEPTS, PENGUIN_SLOPES, PENGUIN_GRID
TICK_EVERY = 10                  # epochs between the dots on the animated path
CLOSE_WITHIN = 1e-3              # "close to the bottom": this far from the closed form
# What gdanim.toml may change ([chapters.penguins-2d]). The z-scored bowl's divergence
# threshold is 1.0; the page's snapshot table needs at least 100 epochs.
SETTINGS = (
    Setting("learning_rate", float, LEARNING_RATE, 1e-4, 0.95,
            "step size; the run diverges above 1.0"),
    Setting("epochs", int, EPOCHS, 100, 20000, "number of steps"),
)


def descend_penguins(start=START, learning_rate: float = LEARNING_RATE,
                     epochs: int = EPOCHS):
    """The whole 2-D run as a Trajectory: params has shape (epochs + 1, 2)."""
    from gdanim.maths.train import gradient_descent

    return gradient_descent(penguin_loss(), start, learning_rate, epochs)


@dataclass(frozen=True)
class Results:
    """Everything the chapter computes once; figures and numbers are read from it."""

    penguins: Any               # gdanim.maths.data.Penguins
    trajectory: Any             # gdanim.maths.train.Trajectory, params (epochs + 1, 2)
    intercepts: np.ndarray      # the surface grid's columns
    slopes: np.ndarray          # ... and rows
    surface: np.ndarray         # (len(slopes), len(intercepts))
    best: np.ndarray            # closed-form [intercept, slope]
    best_loss: float
    learning_rate: float = LEARNING_RATE

    @property
    def epochs(self) -> int:
        return self.trajectory.epochs

    @property
    def final(self) -> np.ndarray:
        return self.trajectory.final.astype(float)

    @property
    def distance(self) -> np.ndarray:
        """How far each epoch's parameters are from the closed-form bottom."""
        return np.linalg.norm(self.trajectory.params.astype(float) - self.best, axis=1)


def compute(learning_rate: float = LEARNING_RATE, epochs: int = EPOCHS) -> Results:
    """The descent, the loss surface and the closed form (float64) for the chapter."""
    from gdanim.maths.data import load_penguins

    penguins = load_penguins()
    intercepts = np.linspace(*INTERCEPTS, GRID_POINTS)
    slopes = np.linspace(*SLOPES, GRID_POINTS)
    best = closed_form()
    best_loss = float(np.mean((penguins.design @ best - penguins.y) ** 2))
    return Results(penguins, descend_penguins(START, learning_rate, epochs), intercepts, slopes,
                   loss_surface(intercepts, slopes), best, best_loss, learning_rate)


def _sci(value: float) -> str:
    """Tiny values in scientific notation (the intercept ends as float noise)."""
    return f"{value:.3g}" if abs(value) >= 1e-4 else f"{value:.2e}"


def chapter_numbers(r: Results) -> dict:
    """Every number the page shows (they also go to the manifest)."""
    from gdanim.maths.milestones import first_true

    p, final, distance = r.penguins, r.final, r.distance
    grams_at_zero, grams_per_mm = p.to_grams_per_mm(*final)
    # On this round bowl the distance to the bottom shrinks by one factor every epoch.
    shrink = float(distance[1] / distance[0])
    return {
        "penguins": len(p.x),
        "bill_std_mm": float(p.bill_mm.std()),
        "bill_min_mm": float(p.bill_mm.min()), "bill_max_mm": float(p.bill_mm.max()),
        "mass_std_g": float(p.mass_g.std()),
        "start": list(START), "start_loss": float(r.trajectory.loss[0]),
        "learning_rate": r.learning_rate, "epochs": r.epochs,
        "final_intercept": float(final[0]), "final_slope": float(final[1]),
        "final_loss": float(r.trajectory.loss[-1]),
        "lstsq_intercept": float(r.best[0]), "lstsq_slope": float(r.best[1]),
        "lstsq_loss": r.best_loss, "explained": 1.0 - r.best_loss / float(p.y.var()),
        "correlation": float(np.corrcoef(p.x, p.y)[0, 1]),
        "slope_gap": float(abs(final[1] - r.best[1])),
        "float32_eps": float(np.finfo(np.float32).eps),
        "shrink_per_epoch": shrink,
        "exact_distance_left": float(distance[0] * shrink ** r.epochs),  # exact arithmetic
        "close_epoch": first_true(distance < CLOSE_WITHIN), "close_within": CLOSE_WITHIN,
        "grams_per_mm": grams_per_mm, "grams_at_zero_mm": grams_at_zero,
        "path_dot_every": TICK_EVERY,
    }


def descent_animation(r: Results, quality: Quality) -> Animation:
    from functools import partial

    from gdanim.figures.schedule import frame_epochs
    from gdanim.chapters.penguins_2d.scenes import descent_scene

    loss, params = r.trajectory.loss, r.trajectory.params.astype(float)
    pick = frame_epochs(r.epochs, quality.frames, quality.hold)
    frames = FrameTable(epoch=pick, loss=loss[pick], params=params[pick])
    return Animation(
        name="descent", title="Gradient descent on the penguins",
        alt=(f"Three panels moving together. Left: a filled contour map of the loss over "
             f"intercept and slope, a round bowl with its bottom at intercept 0, slope "
             f"{text.number(r.best[1])}; a dot starts at [{START[0]:g}, {START[1]:g}] and travels "
             f"in a straight line to the bottom, in long strides at first and short ones "
             f"later. Top right: {len(r.penguins.x)} penguins (bill length against body "
             f"mass, both z-scored) with a line that starts flat below them and tilts up "
             f"through the cloud. Bottom right: the loss falls from {text.number(loss[0])} to "
             f"{text.number(loss[-1])} by epoch."),
        make_scene=partial(descent_scene, intercepts=r.intercepts, slopes=r.slopes,
                           surface=r.surface, penguins=r.penguins, frames=frames,
                           all_params=params, all_loss=loss, best=r.best,
                           best_loss=r.best_loss, learning_rate=r.learning_rate,
                           tick_every=TICK_EVERY),
        frames=frames, poster_frame=int(np.argmax(pick >= 30)),
        param_names=("intercept", "slope"),
        params={"start": list(START), "learning_rate": r.learning_rate, "epochs": r.epochs})


def stills(r: Results) -> tuple[Still]:
    """The final fit in both unit systems."""
    from functools import partial

    from gdanim.chapters.penguins_2d.scenes import fit_figure

    p, final = r.penguins, r.final
    grams = p.to_grams_per_mm(*final)
    fit = Still(
        "fit",
        f"The fitted line after {r.epochs} epochs, drawn twice. Left, in z-scores: "
        f"intercept {_sci(final[0])} (zero up to rounding) and slope {final[1]:.4f}, "
        f"rising through the cloud of {len(p.x)} penguins. Right, the same line in the "
        f"data's units: body mass = {grams[0]:,.0f} g + {grams[1]:.1f} g per mm of bill "
        f"length, over bills from {p.bill_mm.min():.0f} to {p.bill_mm.max():.0f} mm.",
        partial(fit_figure, penguins=p, params=final, grams=grams))
    return (fit,)


def page_tables(r: Results) -> dict:
    """Snapshots of the descent."""
    params = r.trajectory.params
    snapshots = [{"epoch": e, "intercept": float(params[e, 0]),
                  "slope": float(params[e, 1]), "loss": float(r.trajectory.loss[e])}
                 for e in (0, 1, 2, 10, 100, r.epochs)]
    return {"first_epochs": snapshots}


@scenario("penguins-2d", "Two parameters: descent on the penguins",
          "Fit the penguins' body mass from bill length: the loss as a surface over "
          "intercept and slope, and descent across it.", SETTINGS)
def run(quality: Quality, learning_rate: float = LEARNING_RATE,
        epochs: int = EPOCHS) -> Chapter:
    from gdanim.chapters.explorers import equal_scale, line_explorer
    from gdanim.maths.data import load_penguins

    results = compute(learning_rate, epochs)
    penguins = load_penguins()
    explore_stills, explore = line_explorer(
        penguin_loss(), penguins.x, penguins.y, penguins.design, learning_rate, START,
        epochs, equal_scale((INTERCEPTS, SLOPES)), ("bill length (z-score)", "body mass (z-score)"))
    return Chapter(numbers=chapter_numbers(results),
                   animations=(descent_animation(results, quality),),
                   stills=stills(results) + explore_stills,
                   context={**page_tables(results), "explorer": explore})
