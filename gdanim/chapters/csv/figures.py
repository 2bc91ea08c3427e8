"""The CSV chapter's figures: its descent and race animations, its stills and their
captions, described from the computed results (drawn later by the scenes they name)."""
from __future__ import annotations

from functools import partial

import numpy as np

from gdanim.core.text import for_matplotlib
from gdanim.core.config import Quality
from gdanim.core.values import Animation, FrameTable, Still
from gdanim.chapters.csv.common import CLOSE_WITHIN, GRID_POINTS, batch_size

# `r` below is chapter.py's Results and `run` its RaceRun (not imported: this module
# never imports chapter.py, which imports it).


def panels(r):
    """The data in its own units (the line converted back) and, when standardized,
    in the units the fit works in."""
    from gdanim.figures.scenes.line_fit import DataPanel, intercept_and_slope, padded, through_origin

    spec, p, c = r.spec, r.problem, r.columns
    x, y = c.x[r.sample], c.y[r.sample]
    size = 40 if len(x) <= 400 else 14
    alpha = 0.6 if len(x) <= 400 else 0.3
    low = 0.0 if not spec.intercept else None   # a line through zero: show zero
    x_label, y_label = for_matplotlib(spec.x_label), for_matplotlib(spec.y_label)
    own = DataPanel(x, y, x_label, y_label,
                    padded(np.append(x, 0.0) if low is not None else x),
                    padded(np.append(y, 0.0) if low is not None else y),
                    p.to_original, size, alpha)
    if not spec.standardize:
        return own, None
    unit = "z-score" if spec.intercept else "÷ its root mean square"
    fx, fy = p.x[r.sample], p.y[r.sample]
    fit = DataPanel(fx, fy, f"{x_label}, {unit}", f"{y_label}, {unit}",
                    padded(np.append(fx, 0.0)), padded(np.append(fy, 0.0)),
                    intercept_and_slope if spec.intercept else through_origin,
                    size, alpha)
    return own, fit


def _frames(r, quality: Quality) -> FrameTable:
    from gdanim.figures.schedule import frame_epochs

    pick = frame_epochs(r.spec.epochs, quality.frames, quality.hold)
    return FrameTable(epoch=pick, loss=r.loss[pick], params=r.params[pick])


def _fate(r) -> str:
    if r.diverged_at is not None:
        return (f"the learning rate {r.rate:g} is above the threshold {r.threshold:.3g}, so "
                f"the steps grow: the run leaves the plot at epoch {r.diverged_at} and is "
                f"frozen there")
    return f"the loss falls from {r.loss[0]:.4g} to {r.loss[-1]:.4g}"


def descent_animation(r, quality: Quality, own_data: bool) -> Animation:
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


def race_animation(r, quality: Quality) -> Animation:
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


def slope_and_loss(run):
    """A one-parameter run as points on its loss curve."""
    return run.params[:, 0], run.loss


def race_caption(r, arrivals: dict) -> str:
    parts = []
    for u in sorted(r.runs, key=lambda u: (arrivals[u.key] is None, arrivals[u.key] or 0)):
        if u.diverged_at is not None:
            parts.append(f"{u.name} diverged at step {u.diverged_at}")
        elif arrivals[u.key] is None:
            parts.append(f"{u.name} not within {r.spec.epochs} steps")
        else:
            parts.append(f"{u.name} at step {arrivals[u.key]}")
    return f"Within 1% of the lowest possible loss: {'; '.join(parts)}."


def stills(r) -> tuple[Still, Still]:
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
                 partial(data_figure, panel=own, title=for_matplotlib(title)))
    final = r.params[-1]
    b, m = p.to_original(final)
    x_label, y_label = for_matplotlib(spec.x_label), for_matplotlib(spec.y_label)
    equation = (f"{y_label} =\n{b:.4g} + {m:.4g} × {x_label}" if spec.intercept
                else f"{y_label} =\n{m:.4g} × {x_label}")
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
