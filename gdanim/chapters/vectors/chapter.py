"""Chapter 5: two parameters, before any descent. The penguins' bill length and body mass
z-scored, a prediction as the dot product of [1, bill] with [intercept, slope], every
prediction at once as a matrix product, the loss of a first guess, and the loss of every
guess as a surface."""
from __future__ import annotations

from functools import partial

import numpy as np

from gdanim.core import text
from gdanim.core.config import Quality
from gdanim.chapters import scenario
from gdanim.core.values import Animation, Chapter, FrameTable, Still
from gdanim.maths.problems import (PENGUIN_GRID, PENGUIN_INTERCEPTS, PENGUIN_SLOPES,
                                   PENGUIN_START)

START = PENGUIN_START            # [intercept, slope]: the descent starts here too
CHECK_PARAMS, CHECK_ROW = (2.0, 4.0), 1   # the dot-product example: second penguin
TABLE_ROWS = 5
# The animation's guesses, tried by hand: raise the flat first guess to the middle of
# the birds, tilt it past the best slope, then back.
WAYPOINTS = ((-2.0, 0.0), (0.0, 0.0), (0.0, 1.4), (0.0, 0.6))


def _rows_before_dropna() -> int:
    import palmerpenguins

    return len(palmerpenguins.load_penguins())


def _missing_counts() -> dict:
    """How the dropped rows lack data: rows kept when only the two columns we use must
    be complete, and dropped rows whose only gap is `sex`."""
    import palmerpenguins

    frame = palmerpenguins.load_penguins()
    gaps = frame.isna()
    return {"penguins_two_columns": int(len(frame.dropna(subset=["bill_length_mm",
                                                                 "body_mass_g"]))),
            "dropped_only_sex": int((gaps["sex"] & (gaps.sum(axis=1) == 1)).sum())}


def start_loss() -> float:
    """The MSE of the flat first guess, in float32 as the lesson's JAX computes it."""
    from gdanim.maths.problems import penguin_loss

    return float(penguin_loss()(np.asarray(START, np.float32)))


def surface():
    """The loss on the drawing grid (one vmapped call), the closed-form bottom, its loss."""
    from gdanim.maths.problems import closed_form, loss_surface

    intercepts = np.linspace(*PENGUIN_INTERCEPTS, PENGUIN_GRID)
    slopes = np.linspace(*PENGUIN_SLOPES, PENGUIN_GRID)
    return intercepts, slopes, loss_surface(intercepts, slopes), closed_form()


def chapter_numbers(p, bowl) -> dict:
    """Every number the page shows (they also go to the manifest)."""
    X, heights = p.design, bowl[2]
    start_grams, _ = p.to_grams_per_mm(*START)
    return {
        "penguins": len(p.x), "penguins_before_dropna": _rows_before_dropna(),
        **_missing_counts(),
        "bill_mean_mm": float(p.bill_mm.mean()), "bill_std_mm": float(p.bill_mm.std()),
        "mass_mean_g": float(p.mass_g.mean()), "mass_std_g": float(p.mass_g.std()),
        "design_shape": list(X.shape),
        "check_params": list(CHECK_PARAMS), "check_row": CHECK_ROW,
        "check_bill_z": float(X[CHECK_ROW, 1]),
        "check_prediction": float(X[CHECK_ROW] @ np.asarray(CHECK_PARAMS)),
        "check_mass_z": float(p.y[CHECK_ROW]),
        "start": list(START), "start_loss": start_loss(),
        "start_grams": start_grams, "lightest_grams": float(p.mass_g.min()),
        "surface_grid": [PENGUIN_GRID, PENGUIN_GRID],
        "surface_intercepts": list(PENGUIN_INTERCEPTS), "surface_slopes": list(PENGUIN_SLOPES),
        "surface_min_loss": float(heights.min()), "surface_max_loss": float(heights.max()),
    }


def table_rows(p) -> list[dict]:
    """The first penguins: raw, z-scored, their row of X and the check line's prediction."""
    X = p.design
    return [{"row": i, "bill_mm": float(p.bill_mm[i]), "mass_g": float(p.mass_g[i]),
             "bill_z": float(p.x[i]), "mass_z": float(p.y[i]),
             "prediction": float(X[i] @ np.asarray(CHECK_PARAMS))} for i in range(TABLE_ROWS)]


def guess_still(p, numbers: dict) -> Still:
    from gdanim.chapters.vectors.scenes import guess_figure

    b, m = CHECK_PARAMS
    return Still(
        "first-guess",
        f"Two panels of the {len(p.x)} penguins, bill length across and body mass up, both "
        f"z-scored. Left: the first guess, a flat line at {START[0]:g}, below every bird, "
        f"with a thin grey line from each bird down to it: its errors, all of them large. "
        f"Right: the deliberately bad line {b:g} + {m:g} × bill, far too steep; penguin "
        f"{CHECK_ROW} is marked, with its prediction {numbers['check_prediction']:.4f} on the "
        f"line and its real z-scored mass {numbers['check_mass_z']:.2f}.",
        partial(guess_figure, penguins=p, start=START, check=CHECK_PARAMS, row=CHECK_ROW,
                start_loss=numbers["start_loss"]))


def surface_still(p, bowl, numbers: dict) -> Still:
    from gdanim.chapters.vectors.scenes import surface_figure

    intercepts, slopes, heights, best = bowl
    best_loss = float(np.mean((p.design @ best - p.y) ** 2))
    return Still(
        "surface",
        f"A 3-D bowl: the loss (up) over intercept and slope (across), for intercepts "
        f"{PENGUIN_INTERCEPTS[0]:g} to {PENGUIN_INTERCEPTS[1]:g} and slopes "
        f"{PENGUIN_SLOPES[0]:g} to {PENGUIN_SLOPES[1]:g}. It is round and smooth with a "
        f"single lowest point, loss {best_loss:.3f} at intercept 0 and slope {best[1]:.3f}, "
        f"marked with a star. The first guess [{START[0]:g}, {START[1]:g}] sits high on "
        f"its wall, at loss {numbers['start_loss']:.1f}.",
        partial(surface_figure, intercepts=intercepts, slopes=slopes, surface=heights,
                start=START, start_loss=numbers["start_loss"], best=best, best_loss=best_loss))


def guesses_animation(p, bowl, quality: Quality) -> Animation:
    """Guesses along WAYPOINTS, each with its MSE (float64, as NumPy gives it)."""
    from gdanim.chapters.vectors.scenes import guesses_scene

    intercepts, slopes, heights, best = bowl
    per_leg = max(6, quality.frames // 5)
    legs = [np.linspace(a, b, per_leg, endpoint=False)
            for a, b in zip(WAYPOINTS[:-1], WAYPOINTS[1:])]
    path = np.vstack(legs + [np.repeat([WAYPOINTS[-1]], max(1, quality.hold), axis=0)])
    losses = np.mean((path @ p.design.T - p.y) ** 2, axis=1)
    moving = len(legs) * per_leg            # the held frames repeat the last guess
    frames = FrameTable(epoch=np.minimum(np.arange(len(path)), moving), loss=losses,
                        params=path)
    low = int(np.argmin(losses))
    best_loss = float(np.mean((p.design @ best - p.y) ** 2))
    return Animation(
        name="guesses", title="Two numbers, one loss: guesses on the penguins",
        alt=(f"Two panels moving together. Left: the {len(p.x)} z-scored penguins with a "
             f"guessed line and a thin grey line from every bird to it. The line starts flat "
             f"at {WAYPOINTS[0][0]:g}, below every bird, rises to the middle of the cloud, "
             f"tilts up too steeply and tilts back. Right: a map of the loss over intercept "
             f"and slope, a round bowl with its bottom marked by a star; a dot marks the "
             f"current guess and leaves a trail. The MSE starts at {text.number(losses[0])}; "
             f"the best guess on the path, intercept {text.number(path[low][0], 2)} and slope "
             f"{text.number(path[low][1], 2)}, scores {text.number(losses[low])}, beside the "
             f"star's {text.number(best_loss)}, the lowest any line can score."),
        make_scene=partial(guesses_scene, penguins=p, intercepts=intercepts, slopes=slopes,
                           surface=heights, best=best, frames=frames),
        frames=frames, poster_frame=len(path) - 1, frame_label="guess",
        param_names=("intercept", "slope"),
        params={"waypoints": [list(w) for w in WAYPOINTS], "frames_per_leg": per_leg})


@scenario("vectors", "Two parameters: the penguins as vectors",
          "Z-score the penguins, write a prediction as a dot product and all of them as "
          "a matrix product, score a first guess, and see the loss of every guess.")
def run(quality: Quality) -> Chapter:
    from gdanim.maths.data import load_penguins

    penguins = load_penguins()
    bowl = surface()
    numbers = chapter_numbers(penguins, bowl)
    return Chapter(numbers=numbers, animations=(guesses_animation(penguins, bowl, quality),),
                   stills=(guess_still(penguins, numbers),
                                            surface_still(penguins, bowl, numbers)),
                   context={"rows": table_rows(penguins)})
