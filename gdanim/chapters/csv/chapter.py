"""A chapter from a teacher's CSV: fit y = intercept + slope × x (or y = slope × x) to
two columns by gradient descent, with the penguins chapter's figures and checks.

`make_scenario(spec, columns)` returns an ordinary Scenario; gdanim.settings makes one
per [[chapter]] of gdanim.toml after checking the file, so the build needs no special
case. Its run is a pure function of the quality, the settings and the CSV's values."""
from __future__ import annotations

from dataclasses import dataclass
from functools import partial

import numpy as np

from gdanim.core.config import Quality
from gdanim.chapters import Scenario
from gdanim.core.values import Animation, Chapter, FrameTable, Still
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
MOMENTUM, BATCH_SIZE, SEED = 0.9, 32, 0
MAX_POINTS = 2000           # the scatter shows a random sample of at most this many
GRID_POINTS = 161
CLOSE_WITHIN = 0.01         # "arrived": loss within 1% of the least-squares loss


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


def batch_size(rows: int) -> int:
    """BATCH_SIZE rows a step, but at least four batches an epoch on small data (a
    batch of every row would be full-batch descent again)."""
    return max(1, min(BATCH_SIZE, rows // 4))


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


# -- figures ---------------------------------------------------------------------------

def panels(r: Results):
    """The data in its own units (the line converted back) and, when standardized,
    in the units the fit works in."""
    from gdanim.figures.scenes.line_fit import DataPanel, intercept_and_slope, padded, through_origin

    spec, p, c = r.spec, r.problem, r.columns
    x, y = c.x[r.sample], c.y[r.sample]
    size = 40 if len(x) <= 400 else 14
    alpha = 0.6 if len(x) <= 400 else 0.3
    low = 0.0 if not spec.intercept else None   # a line through zero: show zero
    own = DataPanel(x, y, spec.x_label, spec.y_label,
                    padded(np.append(x, 0.0) if low is not None else x),
                    padded(np.append(y, 0.0) if low is not None else y),
                    p.to_original, size, alpha)
    if not spec.standardize:
        return own, None
    unit = "z-score" if spec.intercept else "÷ its root mean square"
    fx, fy = p.x[r.sample], p.y[r.sample]
    fit = DataPanel(fx, fy, f"{spec.x_label}, {unit}", f"{spec.y_label}, {unit}",
                    padded(np.append(fx, 0.0)), padded(np.append(fy, 0.0)),
                    intercept_and_slope if spec.intercept else through_origin,
                    size, alpha)
    return own, fit


def _frames(r: Results, quality: Quality) -> FrameTable:
    from gdanim.figures.schedule import frame_epochs

    pick = frame_epochs(r.spec.epochs, quality.frames, quality.hold)
    return FrameTable(epoch=pick, loss=r.loss[pick], params=r.params[pick])


def _fate(r: Results) -> str:
    if r.diverged_at is not None:
        return (f"the learning rate {r.rate:g} is above the threshold {r.threshold:.3g}, so "
                f"the steps grow: the run leaves the plot at epoch {r.diverged_at} and is "
                f"frozen there")
    return f"the loss falls from {r.loss[0]:.4g} to {r.loss[-1]:.4g}"


def descent_animation(r: Results, quality: Quality, own_data: bool) -> Animation:
    from gdanim.figures.scenes.line_fit import descent_scene_1d, descent_scene_2d, nice_step

    spec, p = r.spec, r.problem
    frames = _frames(r, quality)
    own, fit = panels(r)
    shown = own if own_data or fit is None else fit
    sample = (f" (a random sample of {len(r.sample):,} of the {r.columns.rows:,} rows)"
              if len(r.sample) < r.columns.rows else "")
    common = dict(panel=shown, frames=frames, all_params=r.params, all_loss=r.loss,
                  best=r.best, best_loss=r.best_loss, learning_rate=r.rate,
                  diverged_at=r.diverged_at,
                  data_title="The fitted line" + (", in your units" if own_data and fit
                                                  else ""))
    if spec.intercept:
        intercepts = np.linspace(r.low[0], r.high[0], GRID_POINTS)
        slopes = np.linspace(r.low[1], r.high[1], GRID_POINTS)
        surface = p.surface(intercepts, slopes)
        # A round bowl reads best with evenly spaced heights; a long valley spans
        # orders of magnitude and needs log-spaced ones.
        step = nice_step(surface.max() / 16) if spec.standardize else None
        make = partial(descent_scene_2d, intercepts=intercepts, slopes=slopes,
                       surface=surface, equal=spec.standardize, linear_step=step,
                       lines=np.arange(1, 6) * 3 * step if step else None,
                       tick_every=max(1, spec.epochs // 100), **common)
        where = (f"Left: a filled contour map of the loss over intercept and slope, darker "
                 f"is lower, with the least-squares answer as a star at intercept "
                 f"{r.best[0]:.3g}, slope {r.best[1]:.3g}; a dot starts at "
                 f"[{r.start[0]:g}, {r.start[1]:g}] and walks downhill.")
    else:
        grid = np.linspace(r.low[0], r.high[0], 301)
        make = partial(descent_scene_1d, grid=grid, grid_losses=p.curve(grid), **common)
        where = (f"Left: the loss as a curve over the slope, lowest at {r.best[0]:.3g}; a "
                 f"dot starts at slope {r.start[0]:g} and slides down it.")
    alt = (f"Three panels moving together. {where} Top right: {spec.y_label} against "
           f"{spec.x_label}{sample}, with the current line. Bottom right: the loss by "
           f"epoch; {_fate(r)}.")
    return Animation(
        name="descent", title=f"{spec.title}: gradient descent", alt=alt,
        make_scene=make, frames=frames, poster_frame=int(np.argmax(frames.epoch >= min(
            10, spec.epochs))), param_names=spec.param_names,
        params={"start": [float(v) for v in r.start], "learning_rate": r.rate,
                "epochs": spec.epochs, "standardize": spec.standardize,
                "intercept": spec.intercept, "csv_sha256": r.columns.sha256,
                "labels": [spec.x_label, spec.y_label], "own_units": own_data})


def race_animation(r: Results, quality: Quality) -> Animation:
    from gdanim.maths.milestones import first_within
    from gdanim.figures.scenes.line_fit import contour_axes, nice_step
    from gdanim.figures.scenes.race import race_scene
    from gdanim.figures.schedule import frame_epochs

    spec, p, runs = r.spec, r.problem, r.runs
    pick = frame_epochs(spec.epochs, quality.frames, quality.hold)
    frames = FrameTable(epoch=pick, loss=np.stack([u.loss[pick] for u in runs], axis=1),
                        params=np.stack([u.params[pick] for u in runs], axis=1))
    if spec.intercept:
        a = np.linspace(r.low[0], r.high[0], GRID_POINTS)
        b = np.linspace(r.low[1], r.high[1], GRID_POINTS)
        surface = p.surface(a, b)
        step = nice_step(surface.max() / 16) if spec.standardize else None

        background = partial(_contour_background, intercepts=a, slopes=b, surface=surface,
                             best=r.best, start=r.start, step=step)
        xy, labels = None, ("intercept", "slope")
    else:
        grid = np.linspace(r.low[0], r.high[0], 301)
        background = partial(_curve_background, grid=grid, losses=p.curve(grid))
        xy, labels = slope_and_loss, ("slope", "mean squared error")
    arrivals = {u.key: first_within(u.loss, r.best_loss, CLOSE_WITHIN) for u in runs}
    caption = race_caption(r, arrivals)
    return Animation(
        name="race", title=f"{spec.title}: {len(runs)} optimizers",
        alt=(f"Left: the loss landscape with {len(runs)} paths from the same start. Right: "
             f"each run's loss above the best possible, on a log scale, by step. {caption}"),
        make_scene=partial(race_scene, runs=list(runs), entries=list(runs), frames=frames,
                           best_loss=r.best_loss, view=None,
                           batch_size=(batch_size(r.columns.rows) if "sgd" in spec.optimizers
                                       else 0),
                           background=background, xy=xy, labels=labels,
                           equal=spec.standardize and spec.intercept,
                           title=("Paths on the loss surface" if spec.intercept
                                  else "Steps along the loss curve"), x_label="step"),
        frames=frames, poster_frame=len(frames) - 1, frame_label="step",
        param_names=spec.param_names, run_names=tuple(u.short for u in runs),
        params={"optimizers": {u.key: u.hyper for u in runs}, "epochs": spec.epochs,
                "csv_sha256": r.columns.sha256, "start": [float(v) for v in r.start],
                "standardize": spec.standardize, "intercept": spec.intercept})


# Figure pieces are module-level functions (bound with partial), so a computed chapter
# can be pickled into the chapter cache and drawn by a worker process.
def _contour_background(ax, intercepts, slopes, surface, best, start, step):
    from gdanim.figures.scenes.line_fit import contour_axes

    contour_axes(ax, intercepts, slopes, surface, best, start, "", equal=False,
                 linear_step=step, lines=np.arange(1, 6) * 3 * step if step else None,
                 colour_bar=False, labels_on=False)


def _curve_background(ax, grid, losses):
    ax.plot(grid, losses, color="#333333", lw=2)
    ax.set(xlim=(grid[0], grid[-1]))


def slope_and_loss(run: RaceRun):
    """A one-parameter run as points on its loss curve."""
    return run.params[:, 0], run.loss


def race_caption(r: Results, arrivals: dict) -> str:
    parts = []
    for u in sorted(r.runs, key=lambda u: (arrivals[u.key] is None, arrivals[u.key] or 0)):
        if u.diverged_at is not None:
            parts.append(f"{u.name} diverged at step {u.diverged_at}")
        elif arrivals[u.key] is None:
            parts.append(f"{u.name} not within {r.spec.epochs} steps")
        else:
            parts.append(f"{u.name} at step {arrivals[u.key]}")
    return f"Within 1% of the lowest possible loss: {'; '.join(parts)}."


def stills(r: Results) -> tuple[Still, Still]:
    from gdanim.figures.scenes.line_fit import data_figure, fit_figure

    spec, p = r.spec, r.problem
    own, fit = panels(r)
    sample = (f" A random sample of {len(r.sample):,} of the {r.columns.rows:,} rows is drawn."
              if len(r.sample) < r.columns.rows else "")
    title = f"{spec.y_label[:1].upper()}{spec.y_label[1:]} against {spec.x_label}"
    data = Still("data", f"A scatter plot of {spec.y_label} (up) against {spec.x_label} "
                         f"(across): {r.columns.rows:,} rows, {spec.x_label} from "
                         f"{r.columns.x.min():.4g} to {r.columns.x.max():.4g}, correlation "
                         f"{np.corrcoef(r.columns.x, r.columns.y)[0, 1]:.2f}.{sample}",
                 partial(data_figure, panel=own, title=title))
    final = r.params[-1]
    b, m = p.to_original(final)
    equation = (f"{spec.y_label} =\n{b:.4g} + {m:.4g} × {spec.x_label}" if spec.intercept
                else f"{spec.y_label} =\n{m:.4g} × {spec.x_label}")
    views = [(own, "In your units", equation)]
    if fit is not None:
        fb, fm = fit.line(final)
        views.insert(0, (fit, "In the units of the fit",
                         f"y = {_tidy(fb)} + {fm:.4f} × x" if spec.intercept
                         else f"y = {fm:.4f} × x"))
    fit_still = Still(
        "fit", f"The line after {spec.epochs} epochs on the data: {' '.join(equation.split())}."
               + (" Left, the same line in the rescaled units the descent worked in."
                  if fit is not None else "") + sample,
        partial(fit_figure, panels=views, params=final))
    return data, fit_still


def _tidy(value: float) -> str:
    """4 decimals, and float noise around zero shown as 0."""
    text = f"{value:.4f}"
    return "0" if float(text) == 0 else text


# Numbers that are finite for any data the fit can compute with (a diverging run is
# frozen, so even its losses stay finite).
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
                         (f"{r.spec.x} ({units})", f"{r.spec.y} ({units})"), sample=r.sample)
