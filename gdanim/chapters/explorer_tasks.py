"""The runs behind the explorer tasks of "Your turn" (gdanim/core/exercises.py).

The live explorer ships no runs: the page computes any setting itself. A task still
needs worked solutions ("at η = 0.0005 the run overshoots and settles") and the bounds
its checks use ("sooner than epoch 12"), so the build runs the explorer's own problem in
JAX (`maths.live`, the runs tests/test_engine.py holds the page's engine to) over a log
grid of candidate rates from the chapter's start, and judges each run with
`maths.verdicts`, as the page does. The result has the shape the tasks read: rates,
starts, own, epochs, panels, answer, and per rate and start the verdict, arrival and
divergence epochs (-1: never), the words and the final parameters; `variants` for the
optimizers' explorer. Nothing here is shipped to the page."""
from __future__ import annotations

import numpy as np

from gdanim.maths import live, verdicts

COUNT = 40        # candidate rates across the explorer's range


def candidate_rates(lr_range, own: float, threshold: float | None) -> list[float]:
    """A log grid over the explorer's range at three significant figures, with the
    chapter's own rate and rates either side of the threshold among them."""
    low, high = lr_range
    grid = list(np.geomspace(low, high, COUNT)) + [own]
    if threshold:
        grid += [f * threshold for f in (0.5, 0.55, 0.7, 0.9, 0.95, 1.02, 1.05, 1.1)]
    return sorted({float(f"{r:.3g}") for r in grid if low <= r <= high} | {float(own)})


def _judged(problem: dict, settings: list[dict]) -> list[dict]:
    out = []
    for (params, loss), s in zip(live.jax_runs(problem, settings), settings):
        v = verdicts.verdict(loss, params, problem["best"], problem["best_loss"])
        final = [float(p) if np.isfinite(p) else None for p in params[-1]]
        out.append({"verdict": v.kind, "arrived": -1 if v.arrival.epoch is None
                    else int(v.arrival.epoch),
                    "diverged": int(v.epoch) if v.kind == "diverges" else -1,
                    "says": v.text(problem["answer"]), "final": final,
                    # jumps across the bottom, settling (a zig-zag) or not (oscillates)
                    "back_and_forth": v.kind == "oscillates" or bool(v.zigzag)})
    return out


def _fill(into: dict, problem: dict, rates, starts, epochs: int, optimizer="gd",
          beta=None) -> dict:
    settings = [{"optimizer": optimizer, "lr": r, "beta1": beta, "start": list(s),
                 "epochs": epochs} for r in rates for s in starts]
    judged = _judged(problem, settings)
    shape = (len(rates), len(starts))

    def grid(key):
        return [[judged[i * shape[1] + j][key] for j in range(shape[1])]
                for i in range(shape[0])]
    into.update(verdict=grid("verdict"), arrived_at=grid("arrived"),
                diverged_at=grid("diverged"), says=grid("says"),
                back_and_forth=grid("back_and_forth"),
                path=[[[f] for f in row] for row in grid("final")])
    return into


def task_view(x: dict, starts=()) -> dict:
    """The grid the tasks read, for an explorer's page data `x` (one surface: the
    first). `starts`: more starts to run besides the chapter's own."""
    surface = x["surfaces"][0] if "surfaces" in x else x
    problem, epochs = surface["problem"], int(surface.get("epochs", x["epochs"]))
    own = float(x["own"]["lr"])
    rates = candidate_rates(x["lr_range"], own, surface.get("threshold"))
    all_starts = [list(map(float, surface["start"]))] + [list(map(float, s)) for s in starts]
    view = {"rates": rates, "starts": all_starts, "epochs": [epochs],
            "own": {"rate": rates.index(float(f"{own:.3g}")) if float(f"{own:.3g}") in rates
                    else rates.index(own), "start": 0},
            "panels": surface["panels"], "answer": x["answer"],
            "surface": surface.get("name", ""), "threshold": surface.get("threshold")}
    if "optimizers" not in x:
        return _fill(view, problem, rates, all_starts, epochs)
    view["variants"] = []
    for name, beta in (("gd", None), ("momentum", 0.5), ("momentum", 0.9),
                       ("momentum", 0.99), ("rmsprop", 0.9), ("adam", 0.9)):
        v = _fill({"optimizer": name, "beta": beta}, problem, rates, all_starts[:1],
                  epochs, name, beta)
        view["variants"].append(v)
    return view
