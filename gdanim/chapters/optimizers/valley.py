"""The optimizers' narrow valley as a second surface of their explorer (the round bowl
is the first): its three pictures and its page data. Nothing is precomputed: the
page's engine (static/engine.js) runs every setting from the data's sums."""
from __future__ import annotations

from functools import partial

import numpy as np

from gdanim.chapters.explorers import (LOSS_TICKS, RECT, Panel, _mse_surface, _padded,
                                       lsq_page_problem)
from gdanim.core.values import Still


def valley_surface(x, y, view, epochs: int, labels: tuple[str, str],
                   start) -> tuple[tuple[Still, ...], dict]:
    """The optimizers' narrow valley (the penguins in raw units) as a second surface of
    their explorer: its three pictures (explore-valley-*) and its page data. Nothing is
    precomputed: the page's engine runs every setting."""
    from gdanim.figures.scenes.explorer import contour_figure, loss_figure, scatter_figure
    from gdanim.maths.milestones import divergence_threshold

    x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    design = np.column_stack([np.ones_like(x), x])
    problem = lsq_page_problem(x, y, "line", epochs)
    threshold = divergence_threshold(design)
    (b0, b1), (m0, m1) = view
    intercepts, slopes = np.linspace(b0, b1, 121), np.linspace(m0, m1, 121)
    bb, mm = np.meshgrid(intercepts, slopes)
    surface = _mse_surface(bb, mm, x, y)
    best, best_loss = problem["best"], problem["best_loss"]
    top = float(_mse_surface(start[0], start[1], x, y)) * 30
    landscape = Panel("landscape", (b0, b1), (m0, m1))
    data = Panel("data", _padded(x, 0.08), _padded(y, 0.08))
    loss = Panel("loss", (1.0, epochs + 1.0), (best_loss * 0.5, top), "log", "log")
    stills = (
        Still("explore-valley-landscape", "The narrow valley: the loss over intercept and "
              "slope in raw units as contours, a star at the least-squares answer; the "
              "explorer draws the chosen run's path on it.",
              partial(contour_figure, panel=landscape, rect=RECT, intercepts=intercepts,
                      slopes=slopes, surface=surface, best=best, xlabel="intercept (kg)",
                      ylabel="slope (kg per cm)", title="Loss in raw units: a narrow valley")),
        Still("explore-valley-data", "The birds in raw units as dots; the explorer draws "
              "the chosen run's fitted line on them.",
              partial(scatter_figure, panel=data, rect=RECT, x=x, y=y, xlabel=labels[0],
                      ylabel=labels[1])),
        Still("explore-valley-loss", "Empty axes for the loss by epoch in the valley (both "
              "scales logarithmic), on which the explorer draws the chosen run's loss.",
              partial(loss_figure, panel=loss, rect=RECT, ticks=LOSS_TICKS, best_loss=best_loss)))
    return stills, {"name": "valley", "label": "Narrow valley (raw units)", "problem": problem,
                    "panels": {"landscape": landscape.mapping(), "data": data.mapping(),
                               "loss": loss.mapping()},
                    "start": [float(v) for v in start], "threshold": threshold,
                    "epochs": int(epochs),
                    "threshold_note": f"In the valley plain descent's threshold is "
                                      f"{threshold:.3g}: the steep direction caps the rate."}
