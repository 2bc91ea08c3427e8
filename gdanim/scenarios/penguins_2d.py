"""Chapter 5: two parameters. Penguins' body mass from bill length (both z-scored), the
loss as a surface over [intercept, slope], and gradient descent across it."""
from __future__ import annotations

import numpy as np

from gdanim.config import Quality
from gdanim.scenarios import Animation, Chapter, FrameTable, Still, scenario

START = (-2.0, 0.0)              # [intercept, slope]
LEARNING_RATE, EPOCHS = 0.01, 1000
CHECK_PARAMS, CHECK_ROW = (2.0, 4.0), 1   # the dot-product example: second penguin
# The parameter window drawn as the loss surface: centred near the bottom (0, 0.59)
# and wide enough to hold the start with room to spare.
INTERCEPTS = (-2.6, 2.6)
SLOPES = (-2.0, 3.2)
GRID_POINTS = 161
TICK_EVERY = 10                  # epochs between the dots on the animated path


def penguin_loss():
    """MSE of `X @ params` on the z-scored penguins, as a function of params alone."""
    from functools import partial

    import jax.numpy as jnp

    from gdanim.data import load_penguins
    from gdanim.models import linear_mse

    penguins = load_penguins()
    return partial(linear_mse, X=jnp.asarray(penguins.design, jnp.float32),
                   y=jnp.asarray(penguins.y, jnp.float32))


def descend_penguins(start=START, learning_rate: float = LEARNING_RATE,
                     epochs: int = EPOCHS):
    """The whole 2-D run as a Trajectory: params has shape (epochs + 1, 2)."""
    from gdanim.train import gradient_descent

    return gradient_descent(penguin_loss(), start, learning_rate, epochs)


def loss_surface(intercepts: np.ndarray, slopes: np.ndarray) -> np.ndarray:
    """The loss at every (intercept, slope) pair, in one vmapped call. Returns shape
    (len(slopes), len(intercepts)): rows follow the slope, columns the intercept."""
    import jax
    import jax.numpy as jnp

    b, m = np.meshgrid(intercepts, slopes)
    pairs = jnp.asarray(np.column_stack([b.ravel(), m.ravel()]), jnp.float32)
    losses = jax.jit(jax.vmap(penguin_loss()))(pairs)
    return np.asarray(losses, dtype=float).reshape(b.shape)


def closed_form() -> np.ndarray:
    """Ordinary least squares in float64 (NumPy's lstsq): [intercept, slope]."""
    from gdanim.data import load_penguins

    penguins = load_penguins()
    return np.linalg.lstsq(penguins.design, penguins.y, rcond=None)[0]


def _rows_before_dropna() -> int:
    import palmerpenguins

    return len(palmerpenguins.load_penguins())


def _sci(value: float) -> str:
    """Tiny values in scientific notation (the intercept ends as float noise)."""
    return f"{value:.3g}" if abs(value) >= 1e-4 else f"{value:.2e}"


@scenario("penguins-2d", "Two parameters: the penguins",
          "Fit body mass from bill length: an intercept and a slope, a loss surface, "
          "and descent across it.")
def run(quality: Quality) -> Chapter:
    from functools import partial

    from gdanim.data import load_penguins
    from gdanim.schedule import frame_epochs
    from gdanim.scenes.penguins import descent_scene, fit_figure, surface_figure

    penguins = load_penguins()
    X = penguins.design
    trajectory = descend_penguins()
    intercepts = np.linspace(*INTERCEPTS, GRID_POINTS)
    slopes = np.linspace(*SLOPES, GRID_POINTS)
    surface = loss_surface(intercepts, slopes)
    best = closed_form()
    best_loss = float(np.mean((X @ best - penguins.y) ** 2))
    final = trajectory.final.astype(float)
    start_grams, _ = penguins.to_grams_per_mm(*START)
    grams_at_zero, grams_per_mm = penguins.to_grams_per_mm(*final)
    # Distance to the bottom shrinks by the same factor every epoch on this round bowl.
    distance = np.linalg.norm(trajectory.params.astype(float) - best, axis=1)
    close = int(np.argmax(distance < 1e-3))
    check = X[CHECK_ROW] @ np.asarray(CHECK_PARAMS)

    numbers = {
        "penguins": len(penguins.x), "penguins_before_dropna": _rows_before_dropna(),
        "bill_mean_mm": float(penguins.bill_mm.mean()),
        "bill_std_mm": float(penguins.bill_mm.std()),
        "bill_min_mm": float(penguins.bill_mm.min()),
        "bill_max_mm": float(penguins.bill_mm.max()),
        "mass_mean_g": float(penguins.mass_g.mean()),
        "mass_std_g": float(penguins.mass_g.std()),
        "design_shape": list(X.shape),
        "check_params": list(CHECK_PARAMS), "check_row": CHECK_ROW,
        "check_bill_z": float(X[CHECK_ROW, 1]), "check_prediction": float(check),
        "start": list(START), "start_loss": float(trajectory.loss[0]),
        "start_grams": start_grams,
        "learning_rate": LEARNING_RATE, "epochs": EPOCHS,
        "final_intercept": float(final[0]), "final_slope": float(final[1]),
        "final_loss": float(trajectory.loss[-1]),
        "lstsq_intercept": float(best[0]), "lstsq_slope": float(best[1]),
        "lstsq_loss": best_loss, "explained": 1.0 - best_loss / float(penguins.y.var()),
        "slope_gap": float(abs(final[1] - best[1])),
        "float32_eps": float(np.finfo(np.float32).eps),
        "shrink_per_epoch": float(distance[1] / distance[0]),
        # Where exact arithmetic would be after all epochs, at that constant shrink.
        "exact_distance_left": float(distance[0] * (distance[1] / distance[0]) ** EPOCHS),
        "within_0_001_epoch": close,
        "correlation": float(np.corrcoef(penguins.x, penguins.y)[0, 1]),
        "grams_per_mm": grams_per_mm, "grams_at_zero_mm": grams_at_zero,
        "surface_grid": [GRID_POINTS, GRID_POINTS], "path_dot_every": TICK_EVERY,
        "surface_intercepts": list(INTERCEPTS), "surface_slopes": list(SLOPES),
        "surface_min_loss": float(surface.min()), "surface_max_loss": float(surface.max()),
    }

    pick = frame_epochs(EPOCHS, quality.frames, quality.hold)
    frames = FrameTable(epoch=pick, loss=trajectory.loss[pick],
                        params=trajectory.params[pick].astype(float))
    animation = Animation(
        name="descent", title="Gradient descent on the penguins",
        alt=(f"Three panels moving together. Left: a filled contour map of the loss over "
             f"intercept and slope, a round bowl with its bottom at intercept 0, slope "
             f"{best[1]:.3f}; a dot starts at [{START[0]:g}, {START[1]:g}] and travels in a "
             f"straight line to the bottom, in long strides at first and short ones later. "
             f"Top right: {len(penguins.x)} penguins (bill length against body mass, both "
             f"z-scored) with a line that starts flat below them and tilts up through the "
             f"cloud. Bottom right: the loss falls from {trajectory.loss[0]:.1f} to "
             f"{trajectory.loss[-1]:.3f} by epoch."),
        make_scene=partial(descent_scene, intercepts=intercepts, slopes=slopes,
                           surface=surface, penguins=penguins, frames=frames,
                           all_params=trajectory.params.astype(float),
                           all_loss=trajectory.loss, tick_every=TICK_EVERY, best=best, best_loss=best_loss,
                           learning_rate=LEARNING_RATE),
        frames=frames, poster_frame=int(np.argmax(pick >= 30)),
        params={"start": list(START), "learning_rate": LEARNING_RATE, "epochs": EPOCHS})
    surface_still = Still(
        "surface",
        f"A 3-D bowl: the loss (up) over intercept and slope (across), for intercepts "
        f"{INTERCEPTS[0]:g} to {INTERCEPTS[1]:g} and slopes {SLOPES[0]:g} to {SLOPES[1]:g}. "
        f"It is round and smooth with a single lowest point, loss {best_loss:.3f} at "
        f"intercept 0 and slope {best[1]:.3f}. The descent path runs straight down the "
        f"wall from the start at [{START[0]:g}, {START[1]:g}], loss "
        f"{trajectory.loss[0]:.1f}.",
        partial(surface_figure, intercepts=intercepts, slopes=slopes, surface=surface,
                path=trajectory.params.astype(float), path_loss=trajectory.loss,
                best=best, best_loss=best_loss))
    fit_still = Still(
        "fit",
        f"The fitted line after {EPOCHS} epochs, drawn twice. Left, in z-scores: "
        f"intercept {_sci(final[0])} (zero up to rounding) and slope {final[1]:.4f}, "
        f"rising through the cloud of {len(penguins.x)} penguins. Right, the same line "
        f"in the data's units: body mass = {grams_at_zero:,.0f} g + {grams_per_mm:.1f} g "
        f"per mm of bill length, over bills from {penguins.bill_mm.min():.0f} to "
        f"{penguins.bill_mm.max():.0f} mm.",
        partial(fit_figure, penguins=penguins, params=final, grams=(grams_at_zero,
                                                                    grams_per_mm)))

    head = range(5)
    rows = [{"row": i, "bill_mm": float(penguins.bill_mm[i]),
             "mass_g": float(penguins.mass_g[i]), "bill_z": float(penguins.x[i]),
             "mass_z": float(penguins.y[i]),
             "prediction": float(X[i] @ np.asarray(CHECK_PARAMS))} for i in head]
    first_epochs = [{"epoch": e, "intercept": float(trajectory.params[e, 0]),
                     "slope": float(trajectory.params[e, 1]),
                     "loss": float(trajectory.loss[e])} for e in (0, 1, 2, 10, 100, EPOCHS)]
    return Chapter(numbers=numbers, animations=(animation,),
                   stills=(surface_still, fit_still),
                   context={"rows": rows, "first_epochs": first_epochs})
