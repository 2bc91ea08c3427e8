"""What a chapter's explorer needs: its problem (the data's sums, or the bumpy net's
rows), the lesson's own settings, the range of the controls and the still pictures the
page draws on. The page's engine (templates/static/engine.js) runs any setting the
reader picks, as the lesson's code runs it; nothing is precomputed on a grid.

Page data (the JSON templates/explorer.html writes, read by static/explorer.js):
  kind "1d" | "2d", model "origin" | "line" | "tanh", params [names], epochs (the
  chapter's limit), own {lr, optimizer?, beta?, beta2?}, lr_range [low, high],
  questions [{id, text, choices, right, answer, set: {lr, start, epoch, ...}}],
  checked (one sentence: what was checked against JAX, how closely), answer, and the
  surface: problem (engine.js's), panels {landscape, data, loss}, start, threshold,
  threshold_note, best, best_loss; or, with several surfaces (the optimizers'
  round bowl and narrow valley), surfaces [{name, label, the same keys}] and
  optimizers [[name, label]]. Stills: explore-<panel>, then explore-<name>-<panel>.

`checks` (popped by the build and written to checks/<slug>.json, not into the page):
per surface, the lesson's settings and seeded random ones with their JAX runs at kept
epochs, for tests/test_engine.py."""
from __future__ import annotations

import math
from functools import partial

import numpy as np

from gdanim.core.values import Still

# Where the axes sit in every explorer picture, as fractions of the figure
# (left, bottom, width, height): the script maps data to pixels with it.
RECT = (0.16, 0.17, 0.78, 0.71)
LOSS_TICKS = (0, 1, 10, 100, 1000, 10000)     # epochs labelled on the loss-by-epoch axis
RANDOM_SETTINGS = 24      # seeded random settings per surface, checked against JAX
TOLERANCE = 1e-5          # relative: the engine against JAX at every epoch rounding does not decide
ROUNDING = 100            # where it does: within this many times a one-rounding nudge's effect
OPTIMIZER_LABELS = {"gd": "Gradient descent", "momentum": "Momentum", "rmsprop": "RMSProp",
                    "adam": "Adam"}


class Panel:
    """One picture of the explorer: what its axes show, in data units."""

    def __init__(self, name, xlim, ylim, xscale="linear", yscale="linear"):
        self.name, self.xlim, self.ylim = name, tuple(xlim), tuple(ylim)
        self.xscale, self.yscale = xscale, yscale

    def mapping(self) -> dict:
        return {"rect": list(RECT), "xlim": [float(v) for v in self.xlim],
                "ylim": [float(v) for v in self.ylim], "xscale": self.xscale,
                "yscale": self.yscale}


def checked_sentence(count: int, optimizers: bool = False) -> str:
    """What the tests prove of the page's engine (tests/test_engine.py); RMSProp and
    Adam are named only where the explorer runs them."""
    which = " (RMSProp and Adam at large rates)" if optimizers else ""
    return (f"Checked: on the lesson's settings and {count} random ones, this page's engine "
            f"gives every parameter and loss within {TOLERANCE:g} (relative) of the "
            f"lesson's JAX code in float32, the same verdict and the same epoch of "
            f"divergence (\u00b11), except where one float32 rounding already changes "
            f"JAX's own run{which}: there it stays as close as two equally valid "
            f"roundings do.")


def nice_range(own: float, threshold: float) -> list[float]:
    """The learning-rate slider's range: from well below the lesson's rate and the
    threshold to three times the threshold."""
    low = 10 ** math.floor(math.log10(min(own / 10, threshold / 1000)))
    return [float(low), float(f"{3 * threshold:.2g}")]


def loss_panel(problem: dict, view, epochs: int) -> Panel:
    """Loss by epoch: log epoch + 1 across, log loss up, from below the best loss to
    above the highest loss of any start in the view."""
    corners = [np.array(c, dtype=float) for c in _corners(view)]
    top = max(_loss_at(problem, c) for c in corners)
    best = min(np.atleast_1d(problem["best_loss"]))
    bottom = best * 0.5 if best > 0 else top * 1e-9
    return Panel("loss", (1.0, epochs + 1.0), (max(bottom, top * 1e-12), top * 3), "log", "log")


def _corners(view):
    if len(view) == 1:
        return [(view[0][0],), (view[0][1],)]
    return [(a, b) for a in view[0] for b in view[1]]


def _loss_at(problem: dict, p) -> float:
    if problem["kind"] == "lsq":
        d = np.asarray(p, float) - np.asarray(problem["best"], float)
        return float(problem["best_loss"] + 0.5 * d @ np.asarray(problem["h"], float) @ d)
    x, y = np.asarray(problem["x"]), np.asarray(problem["y"])
    return float(np.mean((p[1] * np.tanh(p[0] * x) - y) ** 2))


def checks(problem: dict, lesson: list[dict], seed: int, lr_range, view, epochs: int,
           optimizers=("gd",), threshold=None) -> dict:
    """The lesson's settings and seeded random ones, each run in JAX with optax, at kept
    epochs; each with its verdict (gdanim.maths.verdicts) and how far one float32
    rounding moves JAX's own run (the larger of two nudged twins), per kept epoch."""
    from gdanim.maths import live, verdicts
    from gdanim.maths.sweeps import kept_epochs

    settings = [dict(s, origin="lesson") for s in lesson] + [
        dict(s, origin="random") for s in live.random_settings(
            seed, RANDOM_SETTINGS, lr_range, view, epochs, optimizers, threshold)]
    runs = live.jax_runs(problem, settings)
    twins = [live.jax_runs(problem, settings, nudge=n) for n in ("longer", "random")]
    out = []
    for k, (s, (params, loss)) in enumerate(zip(settings, runs)):
        keep = kept_epochs(len(loss) - 1, 96)
        v = verdicts.verdict(loss, params, problem["best"], problem["best_loss"])
        twin_kinds, spread = [], np.zeros(len(keep))
        for twin in twins:
            tp, tl = twin[k]
            twin_kinds.append(verdicts.verdict(tl, tp, problem["best"], problem["best_loss"]).kind)
            spread = np.maximum(spread, _relative(params, loss, tp, tl, problem)[keep])
        out.append({"setting": s, "kept": keep.tolist(),
                    "params": [[_f(v_) for v_ in row] for row in params[keep]],
                    "loss": [_f(v_) for v_ in loss[keep]],
                    "rounding": [_f(v_) for v_ in spread],
                    "verdict": {**v.as_dict(problem["answer"]), "kind": v.kind},
                    "twin_verdicts": twin_kinds})
    return {"tolerance": TOLERANCE, "rounding_factor": ROUNDING, "problem": problem,
            "runs": out}


def _relative(p, l, q, m, problem) -> np.ndarray:
    """Per epoch: the larger relative difference, parameters (over the larger of their
    size and the answer's) or loss; inf where one is finite and the other not."""
    best = np.abs(np.asarray(problem["best"], float)).max()
    p, q = np.asarray(p, float), np.asarray(q, float)
    with np.errstate(all="ignore"):
        dp = np.abs(p - q).max(-1) / np.maximum(np.abs(p).max(-1), best)
        dl = np.abs(np.asarray(l, float) - m) / np.abs(l)
        out = np.maximum(np.nan_to_num(dp, nan=0.0), np.nan_to_num(dl, nan=0.0))
        both = np.isfinite(l) & np.isfinite(m)
        out = np.where(both, out, np.where(np.isfinite(l) == np.isfinite(m), 0.0, np.inf))
    return out


def _f(v):
    from gdanim.maths.live import f32

    v = float(v)       # None: not a number, or too large for float32 (a spread of 1e300)
    v = f32(v) if math.isfinite(v) else math.inf
    return v if math.isfinite(v) else None


def _says(problem: dict, setting: dict) -> str:
    """The verdict on one setting, as the page's engine will say it."""
    from gdanim.maths import live, verdicts

    params, loss = live.jax_runs(problem, [setting])[0]
    return verdicts.verdict(loss, params, problem["best"], problem["best_loss"]).text(
        problem["answer"])


def gd_questions(problem: dict, threshold: float, start, lr_range, epochs: int) -> list[dict]:
    """Two questions to answer before trying: just past the threshold, and the smallest
    rate. Each names its choices, the right one (from the JAX run), the answer in words
    and the setting that shows it."""
    from gdanim.maths import live, verdicts

    result = []
    above = float(f"{1.1 * threshold:.3g}")
    for qid, lr in (("past-threshold", above), ("smallest-rate", lr_range[0])):
        setting = {"optimizer": "gd", "lr": lr, "start": list(start), "epochs": epochs}
        params, loss = live.jax_runs(problem, [setting])[0]
        v = verdicts.verdict(loss, params, problem["best"], problem["best_loss"])
        text = v.text(problem["answer"])
        rate = _rate(lr)
        if qid == "past-threshold":
            q = {"text": f"With \u03b7 = {rate}, just past the threshold "
                         f"({_rate(float(f'{threshold:.3g}'))}), what will the guess do?",
                 "choices": ["It settles on the answer", "It jumps back and forth without settling",
                             "It blows up"],
                 "right": {"converges": 0, "creeps": 0, "oscillates": 1, "diverges": 2}[v.kind]}
        else:
            q = {"text": f"With the smallest rate here, \u03b7 = {rate}, is the guess within 1% "
                         f"of {problem['answer']} after {epochs:,} epochs?",
                 "choices": ["Yes", "No"], "right": 0 if v.kind == "converges" else 1}
        result.append({"id": qid, **q, "answer": f"At \u03b7 = {rate} the run {text}.",
                       "set": {"lr": lr, "start": list(start), "epoch": epochs}})
    return result


def _rate(value: float) -> str:
    """A learning rate as the explorer prints it: no exponent."""
    from gdanim.core.text import decimal

    return decimal(float(f"{value:.4g}"))


def _padded(values: np.ndarray, pad: float) -> tuple[float, float]:
    low, high = float(np.min(values)), float(np.max(values))
    span = (high - low) or 1.0
    return (low - pad * span, high + pad * span)


def _surface(problem: dict, start, view, epochs: int, threshold: float, note: str,
             data: Panel, landscape: Panel) -> dict:
    return {"problem": problem, "start": [float(v) for v in start],
            "threshold": float(threshold), "threshold_note": note,
            "best": problem["best"], "best_loss": problem["best_loss"],
            "panels": {"landscape": landscape.mapping(), "data": data.mapping(),
                       "loss": loss_panel(problem, view, epochs).mapping()}}


def _stills(prefix: str, surface: dict, kind: str, param_names, landscape_figure,
            data_figure, best_label: str, start) -> tuple[Still, ...]:
    from gdanim.figures.scenes.explorer import loss_figure

    panels = surface["panels"]
    loss = Panel("loss", panels["loss"]["xlim"], panels["loss"]["ylim"], "log", "log")
    starting = ", ".join(f"{v:g}" for v in start)
    return (
        Still(f"explore-{prefix}landscape",
              f"The loss {'curve' if kind == '1d' else 'surface as contours'} over "
              f"{' and '.join(param_names)}, with a star at the answer; the explorer draws "
              f"the chosen run's path on it.", landscape_figure),
        Still(f"explore-{prefix}data", "The data as dots; the explorer draws the chosen "
              "run's fitted line on them.", data_figure),
        Still(f"explore-{prefix}loss", f"Empty axes for the loss by epoch (both scales "
              f"logarithmic) on which the explorer draws the chosen run's loss, starting "
              f"from {starting}.",
              partial(loss_figure, panel=loss, rect=RECT, ticks=LOSS_TICKS,
                      best_loss=float(min(np.atleast_1d(surface['best_loss']))),
                      best_label=best_label)),
    )


def _threshold_note(threshold: float, who: str = "gradient descent") -> str:
    return (f"The mark is the threshold 2/\u03bbmax = {_rate(float(f'{threshold:.3g}'))}: "
            f"past it, {who} blows up.")


def equal_scale(view):
    """Widen one side of a 2-D view so that a unit is as long across as up in the
    explorer's contour plot: a round bowl then draws as circles, not ellipses."""
    from gdanim.figures.scenes.explorer import SIZE

    (b0, b1), (m0, m1) = view
    across, up = SIZE[0] * RECT[2], SIZE[1] * RECT[3]      # the axes' box, in inches
    per_inch = max((b1 - b0) / across, (m1 - m0) / up)
    half_b, half_m = per_inch * across / 2, per_inch * up / 2
    mid_b, mid_m = (b0 + b1) / 2, (m0 + m1) / 2
    return (mid_b - half_b, mid_b + half_b), (mid_m - half_m, mid_m + half_m)


def lsq_explorer(x, y, model: str, rate: float, start, epochs: int, view, labels,
                 param_names, sample=None, seed: int = 0, kind=None, landscape_xlabel=None):
    """A least-squares explorer on y ≈ intercept + slope·x ("line") or slope·x
    ("origin"), from the columns' sums: any number of rows costs the same."""
    from gdanim.figures.scenes.explorer import contour_figure, curve_figure, scatter_figure
    from gdanim.maths import live

    start = [float(v) for v in np.atleast_1d(start)]
    problem = live.lsq_problem(x, y, model, epochs=epochs, params=list(param_names))
    h = np.asarray(problem["h"], float)
    threshold = float(2 / np.linalg.eigvalsh(h).max())
    lr_range = nice_range(rate, threshold)
    shown = slice(None) if sample is None else np.asarray(sample)
    data = Panel("data", _padded(x, 0.08), _padded(y, 0.08))
    best = np.asarray(problem["best"], float)
    if model == "line":
        (b0, b1), (m0, m1) = view
        intercepts, slopes = np.linspace(b0, b1, 121), np.linspace(m0, m1, 121)
        bb, mm = np.meshgrid(intercepts, slopes)
        db, dm = bb - best[0], mm - best[1]
        surface = problem["best_loss"] + 0.5 * (h[0, 0] * db * db + 2 * h[0, 1] * db * dm
                                                 + h[1, 1] * dm * dm)
        landscape = Panel("landscape", (b0, b1), (m0, m1))
        figure = partial(contour_figure, intercepts=intercepts, slopes=slopes,
                         surface=surface, best=best, xlabel="intercept", ylabel="slope")
        views = ((b0, b1), (m0, m1))
    else:
        m0, m1 = view
        grid = np.linspace(m0, m1, 241)
        losses = problem["best_loss"] + 0.5 * h[0, 0] * (grid - best[0]) ** 2
        top = float(losses.max()) * 2
        # a quarter: the least-squares star sits whole above the axis, not half below it
        bottom = problem["best_loss"] / 4 if problem["best_loss"] > 0 else top * 1e-6
        landscape = Panel("landscape", (m0, m1), (bottom, top), yscale="log")
        figure = partial(curve_figure, grid=grid, losses=losses, best=best,
                         xlabel=landscape_xlabel or param_names[-1],
                         **({} if landscape_xlabel else {"title": "Loss by slope"}))
        views = ((m0, m1),)
    surf = _surface(problem, start, views, epochs, threshold, _threshold_note(threshold),
                    data, landscape)
    data_out = {"kind": kind or ("2d" if model == "line" else "1d"), "model": model,
                "params": list(param_names), "epochs": int(epochs),
                "own": {"lr": float(rate), "optimizer": "gd"}, "lr_range": lr_range,
                "answer": problem["answer"], **surf}
    data_out["questions"] = gd_questions(problem, threshold, start, lr_range, epochs)
    data_out["checks"] = {"surfaces": {"": checks(
        problem, [{"optimizer": "gd", "lr": float(rate), "start": start, "epochs": epochs}],
        seed, lr_range, views, epochs, threshold=threshold)}}
    data_out["checked"] = checked_sentence(RANDOM_SETTINGS)
    stills = _stills("", surf, data_out["kind"], param_names,
                     partial(figure, panel=landscape, rect=RECT),
                     partial(scatter_figure, panel=data, rect=RECT, x=x[shown], y=y[shown],
                             xlabel=labels[0], ylabel=labels[1]),
                     "least-squares loss", start)
    return stills, data_out


def belt_explorer(rate: float, start: float, epochs: int, starts=None):
    """Gradient descent on the belt chart: the multiplier alone (y = m·x)."""
    from gdanim.maths.data import BELT_CM, BELT_INCHES

    stills, data = lsq_explorer(
        np.asarray(BELT_INCHES, float), np.asarray(BELT_CM, float), "origin", rate,
        [start], epochs, (-0.5, 5.5), ("belt length (inches)", "belt length (cm)"),
        ("multiplier",), seed=epochs, landscape_xlabel="multiplier (cm per inch)")
    return stills, data


def line_explorer(loss, x: np.ndarray, y: np.ndarray, design: np.ndarray, rate: float,
                  start, epochs: int, view, labels: tuple[str, str],
                  param_names=("intercept", "slope"), sample=None):
    """Gradient descent on y = intercept + slope·x (or slope·x when `design` has one
    column), from the columns' sums. `loss` (the lesson's, on the rows) is not needed:
    the explorer's problem is the same quadratic, from its sums. `sample`: the rows drawn
    on the scatter (default all)."""
    design = np.asarray(design).reshape(len(design), -1)
    model = "line" if design.shape[1] == 2 else "origin"
    names = tuple(param_names[-design.shape[1]:])
    return lsq_explorer(np.asarray(x, float), np.asarray(y, float), model, rate, start,
                        epochs, view, labels, names, sample=sample, seed=len(y) % 9973)


def optimizer_explorer(surfaces: list[dict], own_rate: float, labels=None):
    """Every optimizer, any rate and β, on each surface ({name, label, x, y, start,
    epochs, view, xlabels}): the round bowl and the narrow valley. The explorer opens
    on the first surface with plain gradient descent at `own_rate`."""
    from gdanim.figures.scenes.explorer import contour_figure, scatter_figure
    from gdanim.maths import live

    stills, out, all_checks = [], [], {}
    lr_range = [0.001, 10.0]
    for k, s in enumerate(surfaces):
        x, y = np.asarray(s["x"], float), np.asarray(s["y"], float)
        problem = live.lsq_problem(x, y, "line", epochs=s["epochs"])
        h = np.asarray(problem["h"], float)
        threshold = float(2 / np.linalg.eigvalsh(h).max())
        (b0, b1), (m0, m1) = s["view"]
        intercepts, slopes = np.linspace(b0, b1, 121), np.linspace(m0, m1, 121)
        bb, mm = np.meshgrid(intercepts, slopes)
        best = np.asarray(problem["best"], float)
        db, dm = bb - best[0], mm - best[1]
        surface = problem["best_loss"] + 0.5 * (h[0, 0] * db * db + 2 * h[0, 1] * db * dm
                                                 + h[1, 1] * dm * dm)
        landscape = Panel("landscape", (b0, b1), (m0, m1))
        data = Panel("data", _padded(x, 0.08), _padded(y, 0.08))
        surf = {"name": s["name"], "label": s["label"], "epochs": s["epochs"],
                **_surface(problem, s["start"], s["view"], s["epochs"], threshold,
                           _threshold_note(threshold, "plain gradient descent"),
                           data, landscape)}
        out.append(surf)
        prefix = "" if k == 0 else f"{s['name']}-"
        stills += _stills(prefix, surf, "2d", ("intercept", "slope"),
                          partial(contour_figure, panel=landscape, rect=RECT,
                                  intercepts=intercepts, slopes=slopes, surface=surface,
                                  best=best, xlabel="intercept", ylabel="slope"),
                          partial(scatter_figure, panel=data, rect=RECT, x=x, y=y,
                                  xlabel=s["xlabels"][0], ylabel=s["xlabels"][1]),
                          "least-squares loss", s["start"])
        lesson = [{"optimizer": name, "lr": float(s.get("rates", {}).get(name, own_rate)),
                   "start": [float(v) for v in s["start"]], "epochs": s["epochs"]}
                  for name in live.OPTIMIZERS]
        all_checks[s["name"]] = checks(problem, lesson, 7 + k, lr_range, s["view"],
                                       s["epochs"], live.OPTIMIZERS)
    epochs = max(s["epochs"] for s in surfaces)
    data_out = {"kind": "2d", "model": "line", "params": ["intercept", "slope"],
                "epochs": int(epochs), "own": {"lr": float(own_rate), "optimizer": "gd",
                                               "surface": surfaces[0]["name"]},
                "lr_range": lr_range, "answer": "the answer", "surfaces": out,
                "optimizers": [[n, OPTIMIZER_LABELS[n]] for n in live.OPTIMIZERS],
                "questions": [], "checked": checked_sentence(RANDOM_SETTINGS, optimizers=True),
                "checks": {"surfaces": all_checks}}
    return tuple(stills), data_out


def bumpy_explorer(rate: float, epochs: int, view, starts):
    """The bumpy chapter's explorer: y = w2 · tanh(w1 · x) on the z-scored penguins;
    each run is judged against the minimum it ends nearest to."""
    from gdanim.figures.scenes.explorer import contour_figure, scatter_figure
    from gdanim.maths import bumpy, live

    x, y = bumpy.data()
    minimum = np.asarray(bumpy.minimum(), dtype=float)
    problem = live.tanh_problem(x, y, [minimum, -minimum], epochs)
    threshold = 2 / float(np.linalg.eigvalsh(bumpy.hessian(minimum)).max())
    lr_range = nice_range(rate, threshold)
    (a0, a1), (b0, b1) = view
    w1s, w2s = np.linspace(a0, a1, 121), np.linspace(b0, b1, 121)
    surface = np.mean((w2s[:, None, None] * np.tanh(w1s[None, :, None] * x) - y) ** 2, axis=-1)
    start = [float(v) for v in starts[0]]
    landscape = Panel("landscape", (a0, a1), (b0, b1))
    data = Panel("data", _padded(x, 0.08), _padded(y, 0.08))
    note = (f"The mark is 2/\u03bbmax at the minimum = {_rate(float(f'{threshold:.3g}'))}, "
            f"from the curvature there; far from the minimum the surface bends differently.")
    surf = _surface(problem, start, view, epochs, threshold, note, data, landscape)
    data_out = {"kind": "2d", "model": "tanh", "params": ["w1", "w2"], "epochs": int(epochs),
                "own": {"lr": float(rate), "optimizer": "gd"}, "lr_range": lr_range,
                "answer": problem["answer"], **surf}
    data_out["questions"] = gd_questions(problem, threshold, start, lr_range, epochs)
    lesson = [{"optimizer": "gd", "lr": float(rate), "start": [float(v) for v in s],
               "epochs": epochs} for s in starts]
    data_out["checks"] = {"surfaces": {"": checks(problem, lesson, 11, lr_range, view, epochs,
                                                  threshold=threshold)}}
    data_out["checked"] = checked_sentence(RANDOM_SETTINGS)
    stills = _stills("", surf, "2d", ("w1", "w2"),
                     partial(contour_figure, panel=landscape, rect=RECT, intercepts=w1s,
                             slopes=w2s, surface=surface, best=np.stack([minimum, -minimum]),
                             xlabel="w1", ylabel="w2", title="Loss over w1 and w2"),
                     partial(scatter_figure, panel=data, rect=RECT, x=x, y=y,
                             xlabel="bill length (z-score)", ylabel="body mass (z-score)",
                             title="The data and the network's curve"),
                     "the minimum's loss", start)
    return stills, data_out
