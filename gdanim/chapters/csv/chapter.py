"""A chapter from a teacher's CSV: fit y = intercept + slope × x (or y = slope × x) to
two columns by gradient descent, with the penguins chapter's figures and checks.

`make_scenario(spec, columns)` returns an ordinary Scenario; gdanim.settings makes one
per [[chapter]] of gdanim.toml after checking the file, so the build needs no special
case. Its run is a pure function of the quality, the settings and the CSV's values."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from gdanim.core.text import for_matplotlib
from gdanim.core.config import Quality
from gdanim.chapters import Scenario
from gdanim.core.values import Chapter
from gdanim.chapters.csv.common import BATCH_SIZE, CLOSE_WITHIN, GRID_POINTS, batch_size  # noqa: F401
from gdanim.chapters.csv.prose import page_context

# name -> (what the page calls it, short legend name)
OPTIMIZERS = {"gd": ("Gradient descent (full batch)", "Gradient descent"),
              "sgd": ("Mini-batch SGD", "Mini-batch SGD"),
              "momentum": ("Gradient descent with momentum", "Momentum"),
              "rmsprop": ("RMSProp", "RMSProp"),
              "adam": ("Adam", "Adam")}
DEFAULT_EPOCHS = 200
SAFE_FRACTION = 0.05        # default learning rate: this fraction of the threshold
ADAPTIVE_RATE = 0.05        # RMSProp and Adam: a step of about this size, in fit units
MOMENTUM, SEED = 0.9, 0
MAX_POINTS = 2000           # the scatter shows a random sample of at most this many


@dataclass(frozen=True)
class CsvSpec:
    """One [[chapter]] of gdanim.toml, checked."""

    slug: str
    title: str
    csv_name: str               # as written in the config (relative to its folder)
    x: str
    y: str
    x_label: str
    y_label: str
    standardize: bool = True
    intercept: bool = True
    optimizers: tuple[str, ...] = ("gd",)
    learning_rate: float | None = None   # None: SAFE_FRACTION of the threshold
    epochs: int = DEFAULT_EPOCHS
    prose: str = ""             # Markdown
    summary: str = ""
    source: str = ""            # Markdown: where the data come from, its licence

    @property
    def param_names(self) -> tuple[str, ...]:
        return ("intercept", "slope") if self.intercept else ("slope",)


def round_rate(value: float) -> float:
    """Two significant figures: the label and the run use the same number."""
    return float(f"{value:.2g}")


def problem_of(spec: CsvSpec, columns):
    from gdanim.maths.problems import LinearProblem

    return LinearProblem(columns.x, columns.y, spec.intercept, spec.standardize)


def learning_rate_of(spec: CsvSpec, problem) -> float:
    return spec.learning_rate or round_rate(SAFE_FRACTION * problem.threshold())


def learning_rate_notes(spec: CsvSpec, columns) -> list[str]:
    """What the build should tell the teacher about the learning rate before it runs."""
    problem = problem_of(spec, columns)
    threshold, rate = problem.threshold(), learning_rate_of(spec, problem)
    if rate > threshold:
        return [f"learning rate {rate:g} is above the divergence threshold {threshold:.3g} "
                f"for this data: the run will blow up. It is drawn until it leaves the plot "
                f"and then frozen, labelled 'diverged'. For a run that settles, use a "
                f"learning rate below {threshold:.3g}"]
    return []


def make_scenario(spec: CsvSpec, columns) -> Scenario:
    summary = spec.summary or (f"Your own data: {spec.y_label} from {spec.x_label}, "
                               f"{columns.rows:,} rows, fitted by gradient descent.")
    from dataclasses import asdict

    return Scenario(spec.slug, spec.title, summary, partial(run, spec=spec, columns=columns),
                    template="chapters/csv.html",
                    inputs={"chapter": asdict(spec), "csv_sha256": columns.sha256})


# -- computing -------------------------------------------------------------------------

def start_of(spec: CsvSpec) -> np.ndarray:
    """A flat line two standard deviations below the average (z-scores, as in the
    penguins chapter); in raw units, the line y = 0. Without intercept, slope 0."""
    if not spec.intercept:
        return np.array([0.0])
    return np.array([-2.0, 0.0]) if spec.standardize else np.array([0.0, 0.0])


def window(start, best, params, loss, equal: bool):
    """The parameter ranges drawn: the start, the answer, its mirror image (room for
    an oscillating run) and every epoch that is no worse than the start, padded."""
    start, best = np.asarray(start, float), np.asarray(best, float)
    keep = np.isfinite(loss) & (loss <= loss[0]) & np.isfinite(params).all(axis=1)
    points = np.vstack([start, best, 2 * best - start, params[keep]])
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.where(high - low > 0, high - low, np.maximum(np.abs(best), 1.0))
    if equal:
        centre, half = (low + high) / 2, span.max() / 2 * 1.12
        return centre - half, centre + half
    return low - 0.1 * span, high + 0.1 * span


@dataclass(frozen=True)
class RaceRun:
    key: str
    name: str
    short: str
    hyper: dict
    stochastic: bool
    params: np.ndarray
    loss: np.ndarray
    diverged_at: int | None

    @property
    def settings(self) -> str:
        names = {"learning_rate": "η", "momentum": "β"}
        return ", ".join(f"{names.get(k, k)} {v:g}" for k, v in self.hyper.items())


def _optimizer(key: str, rate: float, adaptive: float):
    import optax

    if key in ("gd", "sgd"):
        return optax.sgd(rate), {"learning_rate": rate}
    if key == "momentum":
        return (optax.sgd(rate, momentum=MOMENTUM),
                {"learning_rate": rate, "momentum": MOMENTUM})
    if key == "rmsprop":
        return optax.rmsprop(adaptive, decay=0.9), {"learning_rate": adaptive}
    return optax.adam(adaptive), {"learning_rate": adaptive}


def adaptive_rate(spec: CsvSpec, problem) -> float:
    """RMSProp and Adam step about their learning rate whatever the gradient's size, so
    it is set in the parameters' own scale: ADAPTIVE_RATE on rescaled columns, else that
    fraction of the largest least-squares parameter."""
    if spec.standardize:
        return ADAPTIVE_RATE
    return round_rate(ADAPTIVE_RATE * float(np.max(np.abs(problem.closed_form()))))


def race(spec: CsvSpec, problem, rate: float, low, high) -> list[RaceRun]:
    """Every optimizer of the spec from the same start for `epochs` steps, frozen where
    it leaves the plot. Mini-batch SGD takes BATCH_SIZE rows a step."""
    import jax.numpy as jnp

    from gdanim.maths.milestones import first_exit, freeze_after
    from gdanim.maths.losses import linear_mse
    from gdanim.maths.train import batch_order, descend, descend_minibatch

    loss = problem.loss()
    X, y = jnp.asarray(problem.design, jnp.float32), jnp.asarray(problem.y, jnp.float32)
    adaptive = adaptive_rate(spec, problem)
    runs = []
    for key in spec.optimizers:
        optimizer, hyper = _optimizer(key, rate, adaptive)
        if key == "sgd":
            size = batch_size(len(problem.y))
            order = batch_order(len(problem.y), size, spec.epochs, SEED)
            trajectory = descend_minibatch(lambda p, rows: linear_mse(p, X[rows], y[rows]),
                                           loss, start_of(spec), optimizer, order)
        else:
            trajectory = descend(loss, start_of(spec), optimizer, spec.epochs)
        params = trajectory.params.reshape(len(trajectory.loss), -1).astype(float)
        exit_row = first_exit(params, low, high)
        name, short = OPTIMIZERS[key]
        runs.append(RaceRun(key, name, short, hyper, key == "sgd",
                            freeze_after(params, exit_row),
                            freeze_after(trajectory.loss.astype(float), exit_row), exit_row))
    return runs


@dataclass(frozen=True)
class Results:
    spec: CsvSpec
    columns: object             # gdanim.maths.csv_columns.Columns
    problem: object             # gdanim.maths.problems.LinearProblem
    rate: float
    threshold: float
    start: np.ndarray
    params: np.ndarray          # (epochs + 1, n_params), frozen after diverged_at
    loss: np.ndarray            # (epochs + 1,)
    diverged_at: int | None
    best: np.ndarray
    best_loss: float
    low: np.ndarray             # the drawn parameter window
    high: np.ndarray
    runs: tuple[RaceRun, ...]   # the optimizer race (empty for one optimizer)
    sample: np.ndarray          # row indices drawn on the scatter


def compute(spec: CsvSpec, columns) -> Results:
    from gdanim.maths.milestones import first_exit, freeze_after
    from gdanim.maths.train import gradient_descent

    problem = problem_of(spec, columns)
    rate, threshold = learning_rate_of(spec, problem), problem.threshold()
    start = start_of(spec)
    trajectory = gradient_descent(problem.loss(), start, rate, spec.epochs)
    params = trajectory.params.reshape(len(trajectory.loss), -1).astype(float)
    loss = trajectory.loss.astype(float)
    best = problem.closed_form()
    low, high = window(start, best, params, loss, equal=spec.standardize)
    exit_row = first_exit(params, low, high)
    if exit_row is None and not np.isfinite(loss).all():
        exit_row = int(np.flatnonzero(~np.isfinite(loss))[0])
    runs = race(spec, problem, rate, low, high) if len(spec.optimizers) > 1 else ()
    rng = np.random.default_rng(SEED)
    n = columns.rows
    sample = (np.sort(rng.choice(n, MAX_POINTS, replace=False)) if n > MAX_POINTS
              else np.arange(n))
    return Results(spec, columns, problem, rate, threshold, start,
                   freeze_after(params, exit_row), freeze_after(loss, exit_row), exit_row,
                   best, problem.mse(best), low, high, tuple(runs), sample)


def chapter_numbers(r: Results) -> dict:
    """Every number the page shows, by manifest key (prose uses them as {{ name }})."""
    from gdanim.maths.milestones import first_within

    spec, p, c = r.spec, r.problem, r.columns
    final = r.params[-1]
    numbers = {
        "rows": c.rows, "rows_read": c.rows_read, "dropped_rows": len(c.dropped_rows),
        "sampled_points": len(r.sample),
        "x_mean": float(c.x.mean()), "x_std": float(c.x.std()),
        "x_min": float(c.x.min()), "x_max": float(c.x.max()),
        "y_mean": float(c.y.mean()), "y_std": float(c.y.std()),
        "y_min": float(c.y.min()), "y_max": float(c.y.max()),
        "x_scale": p.x_scaling.scale, "y_scale": p.y_scaling.scale,
        "x_shift": p.x_scaling.shift, "y_shift": p.y_scaling.shift,
        "correlation": float(np.corrcoef(c.x, c.y)[0, 1]),
        "learning_rate": r.rate, "threshold": r.threshold,
        "rate_over_threshold": r.rate / r.threshold,
        "epochs": spec.epochs, "start": [float(v) for v in r.start],
        "start_loss": float(r.loss[0]), "final_loss": float(r.loss[-1]),
        "diverged_at": r.diverged_at,
        "lstsq_loss": r.best_loss, "explained": 1.0 - r.best_loss / float(np.var(p.y)),
        "close_epoch": (first_within(r.loss, r.best_loss, CLOSE_WITHIN)
                        if r.diverged_at is None else None),
        "close_within": CLOSE_WITHIN,
        "condition_number": float(np.linalg.cond(p.design.T @ p.design)),
    }
    for name, value, best in zip(spec.param_names, final, r.best):
        numbers[f"final_{name}"] = float(value)
        numbers[f"lstsq_{name}"] = float(best)
    numbers["param_gap"] = float(np.max(np.abs(final - r.best)))
    for tag, params in (("final", final), ("lstsq", r.best)):
        b, m = p.to_original(params)
        numbers[f"{tag}_intercept_original"], numbers[f"{tag}_slope_original"] = b, m
    if "sgd" in spec.optimizers:
        numbers["batch_size"] = batch_size(c.rows)
    if {"rmsprop", "adam"} & set(spec.optimizers):
        numbers["adaptive_rate"] = adaptive_rate(spec, p)
    numbers["polyfit_slope"] = float(np.polyfit(c.x, c.y, 1)[0]) if spec.intercept else None
    for run in r.runs:
        numbers[f"{run.key}_within_1pct_epoch"] = first_within(run.loss, r.best_loss,
                                                               CLOSE_WITHIN)
        numbers[f"{run.key}_final_loss"] = float(run.loss[-1])
        numbers[f"{run.key}_diverged_at"] = run.diverged_at
    return numbers


MUST_BE_FINITE = ("x_mean", "x_std", "y_mean", "y_std", "x_scale", "y_scale", "threshold",
                  "learning_rate", "start_loss", "final_loss", "lstsq_loss",
                  "lstsq_slope_original", "lstsq_intercept_original", "correlation")


def run(quality: Quality, spec: CsvSpec, columns) -> Chapter:
    try:
        results = compute(spec, columns)
        numbers = chapter_numbers(results)
        broken = [k for k in MUST_BE_FINITE if not np.isfinite(numbers[k])]
        if broken:
            raise ArithmeticError(f"{', '.join(broken)} came out infinite or not a number")
    except (ArithmeticError, np.linalg.LinAlgError) as error:
        # gdanim.maths.csv_columns.number_problems refuses the values known to break
        # the maths before the build starts; this is the net under it.
        from gdanim.core.errors import GdanimError

        raise GdanimError(f"{spec.slug}: the fit on {spec.csv_name} could not be computed "
                          f"({error}). Rescale the columns {spec.x!r} and {spec.y!r} (or "
                          f"turn on standardize) and build again") from None
    from gdanim.chapters.csv.figures import descent_animation, race_animation, stills

    animations = [descent_animation(results, quality, own_data=True)]
    if results.runs:
        animations.append(race_animation(results, quality))
    explore_stills, explore = csv_explorer(results)
    return Chapter(numbers=numbers, animations=tuple(animations),
                   stills=stills(results) + explore_stills,
                   context={**page_context(results, numbers), "explorer": explore})


def csv_explorer(r: Results):
    """The explorer: the descent over a grid of learning rates and starts, drawn on the
    chapter's own parameter window."""
    from gdanim.chapters.explorers import line_explorer

    p = r.problem
    view = tuple(zip(r.low, r.high)) if p.design.shape[1] == 2 else (r.low[0], r.high[0])
    units = "rescaled" if r.spec.standardize else "own units"
    return line_explorer(p.loss(), p.x, p.y, p.design, r.rate, r.start, r.spec.epochs, view,
                         (for_matplotlib(f"{r.spec.x} ({units})"),
                          for_matplotlib(f"{r.spec.y} ({units})")), sample=r.sample)
