"""What a chapter's explorer needs: its runs over a grid of settings (one compiled
sweep), written out as page data, and the still pictures the explorer draws on.

The page gets three pictures (the landscape, the data, the loss by epoch), each drawn
once by matplotlib with its axes at a fixed place, and for each the mapping from data to
pixels; templates/static/explorer.js draws the moving parts on top. Every number the
explorer prints is one of the sweep's, as the build computed it (float32)."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import partial
from typing import Callable

import numpy as np

from gdanim.core.values import Still

# Where the axes sit in every explorer picture, as fractions of the figure
# (left, bottom, width, height): the script maps data to pixels with it.
RECT = (0.16, 0.17, 0.78, 0.71)
LOSS_TICKS = (0, 1, 10, 100, 1000, 10000)     # epochs labelled on the loss-by-epoch axis


@dataclass(frozen=True)
class Panel:
    """One picture of the explorer: what its axes show, in data units."""

    name: str            # landscape | data | loss
    xlim: tuple[float, float]
    ylim: tuple[float, float]
    xscale: str = "linear"
    yscale: str = "linear"

    def mapping(self) -> dict:
        return {"rect": list(RECT), "xlim": list(self.xlim), "ylim": list(self.ylim),
                "xscale": self.xscale, "yscale": self.yscale}


def rate_grid(own: float, threshold: float, low: float, count: int = 17) -> np.ndarray:
    """Learning rates on a log scale from `low` to 1.5 × the threshold, with the chapter's
    own rate, the threshold and rates just either side of it among them."""
    grid = np.geomspace(low, 1.5 * threshold, count)
    special = [own, 0.5 * threshold, 0.9 * threshold, threshold, 1.1 * threshold]
    grid = np.concatenate([grid, [s for s in special if s > 0]])
    grid = np.array(sorted({float(f"{r:.3g}") for r in grid}))
    # Keep one of two rates closer than 6% on the log scale, never a special one.
    keep = [grid[0]]
    specials = {float(f"{s:.3g}") for s in special}
    for r in grid[1:]:
        if r / keep[-1] < 1.06 and r not in specials:
            continue
        if r / keep[-1] < 1.06 and keep[-1] not in specials:
            keep[-1] = r
            continue
        keep.append(r)
    return np.array(keep)


def loss_axis(sweep, best_loss: float, epochs: int) -> Panel:
    """The loss-by-epoch panel: log epoch + 1 across, log loss up, from a little below
    the best loss to above the highest loss of any run that does not diverge (a
    diverging run leaves through the top)."""
    loss = np.asarray(sweep.loss, dtype=float)
    calm = loss[sweep.verdict != "diverges"]
    finite = calm[np.isfinite(calm) & (calm > 0)]
    top = float(finite.max()) if finite.size else float(np.nanmax(loss[..., 0]))
    bottom = best_loss * 0.5 if best_loss > 0 else float(finite.min()) * 0.5
    bottom = max(bottom, top * 1e-12)
    return Panel("loss", (1.0, epochs + 1.0), (bottom, top * 3), "log", "log")


def explorer(sweep, *, kind: str, own_rate: float, own_start, threshold: float,
             param_names: tuple[str, ...], landscape: Panel, data: Panel,
             landscape_figure: Callable, data_figure: Callable, best, best_loss: float,
             model: str, answer: str = "the answer",
             loss_runs=None, problem: dict | None = None) -> tuple[tuple[Still, ...], dict]:
    """The explorer's pictures (three Stills) and its page data, from a finished sweep.
    `model` is how the fitted line is drawn: "origin" (y = m·x) or "line" (b + m·x)."""
    from gdanim.figures.scenes.explorer import loss_figure

    epochs = int(sweep.epochs[-1])
    loss_panel = loss_axis(loss_runs or sweep, best_loss, epochs)   # every run drawn fits
    alt_start = ", ".join(f"{v:g}" for v in np.atleast_1d(own_start))
    stills = (
        Still("explore-landscape",
              f"The loss {'curve' if kind == '1d' else 'surface as contours'} over "
              f"{' and '.join(param_names)}, with a star at the least-squares answer; the "
              f"explorer draws the chosen run's path on it.",
              partial(landscape_figure, panel=landscape, rect=RECT)),
        Still("explore-data", "The data as dots; the explorer draws the chosen run's "
              "fitted line on them.", partial(data_figure, panel=data, rect=RECT)),
        Still("explore-loss", f"Empty axes for the loss by epoch (both scales "
              f"logarithmic) on which the explorer draws the chosen run's loss, starting "
              f"from {alt_start}.",
              partial(loss_figure, panel=loss_panel, rect=RECT, ticks=LOSS_TICKS,
                      best_loss=best_loss,
                      best_label="least-squares loss" if answer == "the answer"
                      else "the minimum's loss")),
    )
    rates = [float(f"{r:.7g}") for r in sweep.rates]
    starts = [[float(v) for v in s] for s in sweep.starts]
    own_start = [float(v) for v in np.atleast_1d(own_start)]
    data_out = {
        "kind": kind, "model": model, "params": list(param_names),
        "optimizer": sweep.optimizer, "rates": rates, "starts": starts,
        "epochs": [int(e) for e in sweep.epochs],
        "own": {"rate": _index(rates, own_rate), "start": _nearest(starts, own_start)},
        "threshold": threshold, "threshold_index": _index(rates, threshold),
        "best": np.asarray(best, dtype=float).tolist(), "best_loss": best_loss,
        "panels": {"landscape": landscape.mapping(), "data": data.mapping(),
                   "loss": loss_panel.mapping()},
        # [rate][start][epoch] -> parameters / loss, float32 values written so that
        # they print the same to 6 significant digits (7 written).
        "path": _numbers(sweep.params), "loss": _numbers(sweep.loss),
        "verdict": sweep.verdict.tolist(), "diverged_at": sweep.diverged_at.tolist(),
        "arrived_at": sweep.arrived_at.tolist(),
        "distance": [[_finite(d) for d in row] for row in sweep.distance.tolist()],
    }
    data_out["answer"] = answer
    # What the page's engine (static/engine.js) runs for any setting, and the range of
    # its learning-rate slider.
    data_out["problem"] = problem
    data_out["start"] = own_start
    data_out["lr_range"] = [rates[0], rates[-1]]
    data_out["own"]["lr"] = float(own_rate)
    data_out["says"] = [[verdict_text(sweep, i, j, epochs, answer) for j in range(len(starts))]
                        for i in range(len(rates))]
    data_out["questions"] = questions(data_out)
    return stills, data_out


def lsq_page_problem(x, y, model: str, epochs: int, answer: str = "the answer") -> dict:
    """The engine's least-squares problem from the columns' sums (gdanim.maths.live)."""
    from gdanim.maths.live import lsq_problem

    return lsq_problem(x, y, model, epochs=epochs, answer=answer)


def verdict_text(sweep, i: int, j: int, epochs: int, answer: str = "the answer") -> str:
    """What the build says about run (rate i, start j), in words."""
    verdict = str(sweep.verdict[i, j])
    arrived, diverged = int(sweep.arrived_at[i, j]), int(sweep.diverged_at[i, j])
    distance = float(sweep.distance[i, j])
    there = f"within 1% of {answer} from epoch {arrived:,}" if arrived >= 0 else ""
    if verdict == "diverges":
        return f"diverges at epoch {diverged:,}: from there on its loss only grows"
    if verdict == "oscillates":
        return ("oscillates: it jumps back and forth across the valley" +
                (f", and is {there}" if there else f", still {_percent(distance)} away "
                 f"after {epochs:,} epochs"))
    if verdict == "converges":
        return f"converges: {there}"
    return (f"creeps: after {epochs:,} epochs it is still "
            f"{_percent(distance)} away from {answer}")


def _percent(distance: float) -> str:
    if not math.isfinite(distance):
        return "far"
    return f"{distance * 100:.3g}%"


def questions(d: dict) -> list[dict]:
    """Two questions to answer before trying: just past the threshold, and the smallest
    rate. Each names its choices, the right one (from the sweep), the answer in words
    and the settings that show it."""
    own = d["own"]["start"]
    epochs = d["epochs"][-1]
    above = next((i for i, r in enumerate(d["rates"]) if r > 1.05 * d["threshold"]), None)
    result = []
    threshold = _rate(float(f"{d['threshold']:.3g}"))
    if above is not None:
        verdict = d["verdict"][above][own]
        choices = ["It settles on the answer", "It jumps back and forth, but settles",
                   "It blows up"]
        right = {"converges": 0, "creeps": 0, "oscillates": 1, "diverges": 2}[verdict]
        result.append({
            "id": "past-threshold",
            "text": f"With η = {_rate(d['rates'][above])}, just past the threshold "
                    f"2/λmax = {threshold}, what will the guess do?",
            "choices": choices, "right": right,
            "answer": f"At η = {_rate(d['rates'][above])} the run "
                      f"{d['says'][above][own]}.",
            "set": {"rate": above, "start": own, "epoch": len(d["epochs"]) - 1}})
    slow = 0
    arrived = d["arrived_at"][slow][own]
    result.append({
        "id": "smallest-rate",
        "text": f"With the smallest rate here, η = {_rate(d['rates'][slow])}, is the "
                f"guess within 1% of {d['answer']} after {epochs:,} epochs?",
        "choices": ["Yes", "No"], "right": 0 if arrived >= 0 else 1,
        "answer": f"At η = {_rate(d['rates'][slow])} the run {d['says'][slow][own]}.",
        "set": {"rate": slow, "start": own, "epoch": len(d["epochs"]) - 1}})
    return result


def _rate(value: float) -> str:
    """A learning rate as the explorer prints it: three significant figures, no exponent."""
    from gdanim.core.text import decimal

    return decimal(float(f"{value:.3g}"))


def _index(values: list[float], value: float) -> int:
    return int(np.argmin([abs(math.log(v / value)) for v in values]))


def _nearest(starts: list[list[float]], start: list[float]) -> int:
    return int(np.argmin([sum((a - b) ** 2 for a, b in zip(s, start)) for s in starts]))


def _finite(value: float):
    return value if math.isfinite(value) else None


def _numbers(array: np.ndarray):
    """Nested lists of float32 values as floats that print short but read back exactly;
    NaN and infinity (a run that blew up) become None."""
    def one(v):
        v = float(v)
        return float(f"{v:.7g}") if math.isfinite(v) else None
    flat = [one(v) for v in np.asarray(array, dtype=np.float32).ravel()]
    return np.array(flat, dtype=object).reshape(array.shape).tolist()


def belt_explorer(rate: float, start: float, epochs: int,
                  starts=(0.0, 1.0, 2.0, 3.0, 4.0, 5.0)) -> tuple[tuple[Still, ...], dict]:
    """Gradient descent on the belt chart from each start at each learning rate."""
    from gdanim.figures.scenes.explorer import curve_figure, scatter_figure
    from gdanim.maths.data import BELT_CM, BELT_INCHES
    from gdanim.maths.losses import belt_losses
    from gdanim.maths.milestones import divergence_threshold
    from gdanim.maths.problems import belt_loss
    from gdanim.maths.sweeps import sweep

    threshold = divergence_threshold(BELT_INCHES)
    rates = rate_grid(rate, threshold, low=min(rate / 10, threshold / 1000))
    start_list = np.array(sorted(set(starts) | {float(start)}))[:, None]
    best = float(np.sum(BELT_INCHES * BELT_CM) / np.sum(BELT_INCHES ** 2))
    loss = belt_loss()
    runs = sweep(lambda p: loss(p[0]), start_list, rates, epochs, best=[best])
    best_loss = float(loss(np.float32(best)))
    grid = np.linspace(-0.5, 5.5, 241)
    losses = np.asarray(belt_losses(grid, BELT_INCHES, BELT_CM), dtype=float)
    landscape = Panel("landscape", (-0.5, 5.5), (best_loss * 0.5, float(losses.max()) * 2),
                      yscale="log")
    data = Panel("data", (28.0, 51.0), (0.0, 140.0))
    return explorer(
        runs, kind="1d", own_rate=rate, own_start=start, threshold=threshold,
        param_names=("multiplier",), landscape=landscape, data=data,
        landscape_figure=partial(curve_figure, grid=grid, losses=losses, best=best,
                                 xlabel="multiplier (cm per inch)"),
        data_figure=partial(scatter_figure, x=BELT_INCHES, y=BELT_CM,
                            xlabel="belt length (inches)", ylabel="belt length (cm)"),
        best=best, best_loss=best_loss, model="origin",
        problem=lsq_page_problem(BELT_INCHES, BELT_CM, "origin", epochs))


def line_explorer(loss, x: np.ndarray, y: np.ndarray, design: np.ndarray, rate: float,
                  start, epochs: int, view, labels: tuple[str, str],
                  param_names=("intercept", "slope"), sample=None) -> tuple[tuple[Still, ...], dict]:
    """Gradient descent on y = intercept + slope·x (or slope·x when `design` has one
    column) from a grid of starts over `view` at each learning rate. `sample`: the rows
    drawn on the scatter (default all); every computation uses every row."""
    from gdanim.figures.scenes.explorer import contour_figure, curve_figure, scatter_figure
    from gdanim.maths.milestones import divergence_threshold
    from gdanim.maths.sweeps import sweep

    design = np.asarray(design, dtype=float).reshape(len(design), -1)
    threshold = divergence_threshold(design)
    rates = rate_grid(rate, threshold, low=min(rate / 10, threshold / 1000))
    best = np.linalg.lstsq(design, y, rcond=None)[0]
    best_loss = float(loss(np.asarray(best, dtype=np.float32)))
    start = np.atleast_1d(np.asarray(start, dtype=float))
    pad = 0.08
    shown = slice(None) if sample is None else np.asarray(sample)
    data = Panel("data", _padded(x, pad), _padded(y, pad))
    if design.shape[1] == 2:
        (b0, b1), (m0, m1) = view
        bs = np.linspace(b0, b1, 5)[1:-1]
        ms = np.linspace(m0, m1, 5)[1:-1]
        grid_starts = [(b, m) for m in ms for b in bs]
        starts = np.array(sorted(set(grid_starts) | {tuple(start)}), dtype=float)
        intercepts, slopes = np.linspace(b0, b1, 121), np.linspace(m0, m1, 121)
        bb, mm = np.meshgrid(intercepts, slopes)
        surface = _mse_surface(bb, mm, x, y)
        landscape = Panel("landscape", (b0, b1), (m0, m1))
        figure = partial(contour_figure, intercepts=intercepts, slopes=slopes,
                         surface=surface, best=best, xlabel="intercept", ylabel="slope")
        model = "line"
    else:
        m0, m1 = view
        starts = np.array(sorted(set(np.linspace(m0, m1, 5)[1:-1]) | {float(start[0])}))[:, None]
        grid = np.linspace(m0, m1, 241)
        losses = _mse_surface(0.0, grid, x, y)
        landscape = Panel("landscape", (m0, m1), (best_loss * 0.5, float(losses.max()) * 2),
                          yscale="log")
        figure = partial(curve_figure, grid=grid, losses=losses, best=best, xlabel="slope",
                         title="Loss by slope")
        model = "origin"
    runs = sweep(loss, starts, rates, epochs, best=best)
    return explorer(
        runs, kind="2d" if model == "line" else "1d", own_rate=rate, own_start=start,
        threshold=threshold, param_names=tuple(param_names[-design.shape[1]:]),
        landscape=landscape, data=data, landscape_figure=figure,
        data_figure=partial(scatter_figure, x=x[shown], y=y[shown], xlabel=labels[0],
                            ylabel=labels[1]),
        best=best, best_loss=best_loss, model=model,
        problem=lsq_page_problem(x, y, model, epochs))


def _mse_surface(b, m, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Mean squared error of y ≈ b + m·x at every (b, m) pair given (arrays), from the
    columns' sums: a quadratic in b and m, so any number of rows costs the same."""
    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    return (b ** 2 + 2 * b * m * x.mean() + m ** 2 * np.mean(x * x) - 2 * b * y.mean()
            - 2 * m * np.mean(x * y) + np.mean(y * y))


def _padded(values: np.ndarray, pad: float) -> tuple[float, float]:
    low, high = float(np.min(values)), float(np.max(values))
    span = (high - low) or 1.0
    return (low - pad * span, high + pad * span)


# name -> (what the explorer calls it, the βs offered: momentum's β, RMSProp's decay,
# Adam's β1; None: optax's own default)
OPTIMIZER_CHOICES = {
    "gd": ("Gradient descent", (None,)),
    "momentum": ("Momentum", (0.5, 0.9, 0.99)),
    "rmsprop": ("RMSProp", (0.9,)),
    "adam": ("Adam", (0.9,)),
}


def optimizer_explorer(loss, x: np.ndarray, y: np.ndarray, design: np.ndarray, start,
                       epochs: int, view, labels: tuple[str, str], rates=None,
                       own_rate: float = 0.05, choices=OPTIMIZER_CHOICES,
                       valley: dict | None = None) -> tuple[tuple[Still, ...], dict]:
    """Every optimizer (and β) over one log grid of learning rates (`rates`, default a
    grid around the threshold), from the chapter's start: a sweep each, all on the same
    grid so the comparison is fair. The explorer opens on `own_rate`."""
    from gdanim.figures.scenes.explorer import contour_figure, scatter_figure
    from gdanim.maths.milestones import divergence_threshold
    from gdanim.maths.sweeps import sweep

    design = np.asarray(design, dtype=float)
    threshold = divergence_threshold(design)
    rates = rate_grid(own_rate, threshold, low=threshold / 1000) if rates is None \
        else np.asarray(rates, dtype=float)
    best = np.linalg.lstsq(design, y, rcond=None)[0]
    best_loss = float(loss(np.asarray(best, dtype=np.float32)))
    (b0, b1), (m0, m1) = view
    intercepts, slopes = np.linspace(b0, b1, 121), np.linspace(m0, m1, 121)
    bb, mm = np.meshgrid(intercepts, slopes)
    surface = _mse_surface(bb, mm, x, y)
    runs = [(name, beta, sweep(loss, [start], rates, epochs, optimizer=name, beta=beta,
                               best=best))
            for name, (_, betas) in choices.items() for beta in betas]
    first = runs[0][2]
    every = replace(first,                   # the loss axis fits every optimizer's runs
                    loss=np.concatenate([s.loss for _, _, s in runs], axis=1),
                    verdict=np.concatenate([s.verdict for _, _, s in runs], axis=1))
    stills, data = explorer(
        first, kind="2d", own_rate=own_rate, own_start=start, threshold=threshold,
        param_names=("intercept", "slope"), landscape=Panel("landscape", (b0, b1), (m0, m1)),
        data=Panel("data", _padded(x, 0.08), _padded(y, 0.08)),
        landscape_figure=partial(contour_figure, intercepts=intercepts, slopes=slopes,
                                 surface=surface, best=best, xlabel="intercept",
                                 ylabel="slope"),
        data_figure=partial(scatter_figure, x=x, y=y, xlabel=labels[0], ylabel=labels[1]),
        best=best, best_loss=best_loss, model="line", loss_runs=every)
    data["optimizers"] = [[name, label] for name, (label, _) in choices.items()]
    data["variants"] = []
    for name, beta, s in runs:
        says = [[verdict_text(s, i, 0, epochs)] for i in range(len(s.rates))]
        data["variants"].append({
            "optimizer": name, "beta": beta, "label": choices[name][0],
            "path": _numbers(s.params), "loss": _numbers(s.loss),
            "verdict": s.verdict.tolist(), "diverged_at": s.diverged_at.tolist(),
            "arrived_at": s.arrived_at.tolist(), "says": says,
            "distance": [[_finite(d) for d in row] for row in s.distance.tolist()]})
    for key in ("path", "loss", "verdict", "diverged_at", "arrived_at", "says", "distance"):
        data.pop(key)
    data["questions"] = optimizer_questions(data)
    data["problem"] = lsq_page_problem(x, y, "line", epochs)
    data["surfaces"] = [{"name": "bowl", "label": "Round bowl (z-scores)",
                         "problem": data["problem"], "panels": data["panels"],
                         "start": [float(v) for v in start], "threshold": threshold,
                         "epochs": int(epochs),
                         "threshold_note": f"The mark is plain descent's threshold 2/λmax = "
                                           f"{threshold:.3g} on the round bowl."}]
    if valley is not None:
        from gdanim.chapters.optimizers.valley import valley_surface

        more, surface = valley_surface(start=start, **valley)
        stills += more
        data["surfaces"].append(surface)
        data["lr_range"] = [min(data["lr_range"][0], float(f"{surface['threshold'] / 100:.1g}")),
                            data["lr_range"][1]]
    return stills, data


def optimizer_questions(d: dict) -> list[dict]:
    """Each optimizer at its own best rate of the shared grid: which gets within 1% of
    the answer (loss and parameters) first?"""
    best = []
    for k, v in enumerate(d["variants"]):
        arrived = [(a[0], i) for i, a in enumerate(v["arrived_at"]) if a[0] >= 0]
        if arrived:
            best.append((min(arrived), k))
    if not best:
        return []
    (epoch, i), fastest = min(best)
    names = [_variant_name(v) for v in d["variants"]]
    v = d["variants"][fastest]
    return [{"id": "first-down",
             "text": "Each at its own best learning rate (of the same grid): which gets "
                     "within 1% of the answer first?",
             "choices": names, "right": fastest,
             "answer": f"{names[fastest]}, at η = {_rate(d['rates'][i])}: the run "
                       f"{v['says'][i][0]}.",
             "set": {"rate": i, "start": 0, "epoch": len(d["epochs"]) - 1,
                     "variant": fastest}}]


def _variant_name(v: dict) -> str:
    if v["beta"] is None:
        return v["label"]
    symbol = {"momentum": "β", "rmsprop": "decay", "adam": "β1"}[v["optimizer"]]
    return f"{v['label']}, {symbol} = {v['beta']:g}"


def bumpy_explorer(rate: float, epochs: int, view, starts) -> tuple[tuple[Still, ...], dict]:
    """The bumpy chapter's explorer: y = w2 · tanh(w1 · x) on the z-scored penguins, from
    the chapter's starts, the saddle and a grid of others, at each learning rate; each
    run is judged against the minimum it ends nearest to."""
    from gdanim.figures.scenes.explorer import contour_figure, scatter_figure
    from gdanim.maths import bumpy
    from gdanim.maths.sweeps import sweep

    x, y = bumpy.data()
    minimum = np.asarray(bumpy.minimum(), dtype=float)
    minima = np.stack([minimum, -minimum])
    threshold = 2 / float(np.linalg.eigvalsh(bumpy.hessian(minimum)).max())
    rates = rate_grid(rate, threshold, low=threshold / 1000)
    (a0, a1), (b0, b1) = view
    grid = [(w1, w2) for w2 in np.linspace(b0, b1, 4)[1:-1] for w1 in np.linspace(a0, a1, 4)[1:-1]]
    all_starts = list(dict.fromkeys([tuple(map(float, s)) for s in starts] + [(0.0, 0.0)] +
                                    [tuple(map(float, s)) for s in grid]))
    runs = sweep(bumpy.jax_loss(), np.array(all_starts), rates, epochs, best=minima)
    w1s, w2s = np.linspace(a0, a1, 121), np.linspace(b0, b1, 121)
    surface = np.mean((w2s[:, None, None] * np.tanh(w1s[None, :, None] * x) - y) ** 2, axis=-1)
    best_loss = float(bumpy.loss(minimum, x, y))
    stills, data = explorer(
        runs, kind="2d", own_rate=rate, own_start=starts[0], threshold=threshold,
        param_names=("w1", "w2"), landscape=Panel("landscape", (a0, a1), (b0, b1)),
        data=Panel("data", _padded(x, 0.08), _padded(y, 0.08)),
        landscape_figure=partial(contour_figure, intercepts=w1s, slopes=w2s, surface=surface,
                                 best=minimum, xlabel="w1", ylabel="w2",
                                 title="Loss over w1 and w2"),
        data_figure=partial(scatter_figure, x=x, y=y, xlabel="bill length (z-score)",
                            ylabel="body mass (z-score)",
                            title="The data and the network's curve"),
        best=minima, best_loss=best_loss, model="tanh", answer="the nearest minimum",
        problem={"kind": "tanh", "model": "tanh", "params": ["w1", "w2"],
                 "x": [float(v) for v in np.float32(x)], "y": [float(v) for v in np.float32(y)],
                 "best": minima.tolist(), "best_loss": [best_loss, best_loss],
                 "epochs": int(epochs), "answer": "the nearest minimum"})
    data["threshold_shown"] = False      # the bumpy page defines no threshold
    return stills, data

