"""The explorers' page data: the problem each page ships (a least-squares problem as the
data's sums, or the bumpy network's rows) is the lesson's problem. Its runs, in JAX
(`gdanim.maths.live`, the runs tests/test_engine.py holds the page's engine to), equal
the lesson's update rules written out here in float32 NumPy on the raw rows, and the
notebook's learning-rate sweep ends where they end. The page data stays small."""
from __future__ import annotations

import gzip
import json
import re

import numpy as np
import pytest

from gdanim.maths import live
from gdanim.maths.data import BELT_CM, BELT_INCHES, load_penguins
from gdanim.maths.problems import raw_design

PAGES = ("descent-1d.html", "learning-rates.html", "penguins-2d.html")   # a line's sums
ALL_PAGES = PAGES + ("optimizers.html", "bumpy.html")
DATA = re.compile(r'<script type="application/json" class="explorer-data">(.*?)</script>', re.S)


def explorer_data(site, page: str) -> dict:
    html = (site / page).read_text(encoding="utf-8")
    found = DATA.findall(html)
    assert len(found) == 1, f"{page}: one explorer per page"
    return json.loads(found[0])


def numpy_optimizer(X, y, start, rate, epochs, name="gd", beta=0.9, beta2=0.999):
    """optax's update rules written out in float32 NumPy on the rows (optax's defaults:
    eps 1e-8): the parameters by epoch."""
    f32 = np.float32
    X, y = X.astype(f32), y.astype(f32)
    p, rate = np.asarray(start, f32), f32(rate)
    trace, m, v = np.zeros_like(p), np.zeros_like(p), np.zeros_like(p)
    out = [p]
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(1, epochs + 1):
            g = f32(2 / len(y)) * (X.T @ (X @ p - y))
            if name == "gd":
                step = g
            elif name == "momentum":
                trace = g + f32(beta) * trace
                step = trace
            elif name == "rmsprop":
                v = f32(beta) * v + f32(1 - beta) * g * g
                step = g / (np.sqrt(v) + f32(1e-8))
            else:
                m = f32(beta) * m + f32(1 - beta) * g
                v = f32(beta2) * v + f32(1 - beta2) * g * g
                step = (m / f32(1 - beta ** t)) / (np.sqrt(v / f32(1 - beta2 ** t)) + f32(1e-8))
            p = p - rate * step
            out.append(p)
    return np.array(out, dtype=float)


def numpy_descent(X, y, start, rate, epochs):
    """Plain gradient descent in float32 NumPy: (params, loss) by epoch."""
    params = numpy_optimizer(X, y, start, rate, epochs)
    X32, y32 = X.astype(np.float32), y.astype(np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        r = params.astype(np.float32) @ X32.T - y32
        losses = np.mean(r * r, axis=1, dtype=np.float32)
    return params, losses.astype(float)


def problem_of(page: str):
    return rows_of(page)


def rows_of(page: str, surface: str = ""):
    """(X, y) of the chapter's least-squares problem as the lesson sets it up, rows and all."""
    if page in ("penguins-2d.html", "optimizers.html") and surface != "valley":
        p = load_penguins()
        return p.design, p.y
    if surface == "valley":
        return raw_design()
    return BELT_INCHES[:, None].astype(float), BELT_CM.astype(float)


@pytest.mark.parametrize("page", ALL_PAGES)
def test_explorer_data_stays_small(built_site, page):
    """No grids of runs: the problem and the pictures' axes, a few kB whatever the data."""
    raw = DATA.findall((built_site / page).read_text(encoding="utf-8"))[0].encode()
    assert len(gzip.compress(raw, 9)) < 20_000, len(gzip.compress(raw, 9))
    assert b"NaN" not in raw and b"Infinity" not in raw


@pytest.mark.parametrize("page", PAGES)
def test_the_shipped_sums_give_the_lessons_descent(built_site, page):
    """The page's problem, built from the data's sums, runs as plain descent on the rows:
    the chapter's own setting, one under the threshold and one past it."""
    d = explorer_data(built_site, page)
    X, y = rows_of(page)
    problem, epochs = d["problem"], min(d["epochs"], 200)
    rates = [d["own"]["lr"], 0.6 * d["threshold"], 1.1 * d["threshold"]]
    settings = [{"optimizer": "gd", "lr": r, "start": d["start"], "epochs": epochs} for r in rates]
    for (params, _), rate in zip(live.jax_runs(problem, settings), rates):
        mine = numpy_optimizer(X, y, d["start"], rate, epochs)
        early = slice(0, 41)           # past that, a diverging run is all overflow
        np.testing.assert_allclose(params[early], mine[early], rtol=1e-4, atol=1e-6,
                                   err_msg=f"{page} η {rate}")


def test_both_optimizer_surfaces_run_each_optimizer_as_optax_does(built_site):
    """Round bowl and narrow valley: each optimizer at its race rate, 40 epochs, against
    the rules written out in NumPy on the rows."""
    d = explorer_data(built_site, "optimizers.html")
    assert {s["name"] for s in d["surfaces"]} == {"bowl", "valley"}
    assert [k for k, _ in d["optimizers"]] == ["gd", "momentum", "rmsprop", "adam"]
    for s in d["surfaces"]:
        X, y = rows_of("optimizers.html", s["name"])
        for name, _ in d["optimizers"]:
            rate = 0.1 if s["name"] == "bowl" else 0.01
            setting = {"optimizer": name, "lr": rate, "beta1": None if name == "gd" else 0.9,
                       "start": s["start"], "epochs": 40}
            params, _ = live.jax_runs(s["problem"], [setting])[0]
            mine = numpy_optimizer(X, y, s["start"], rate, 40, name)
            np.testing.assert_allclose(params, mine, rtol=2e-3, atol=2e-4,
                                       err_msg=f"{s['name']} {name} η {rate}")


def test_the_bumpy_problem_is_the_lessons_network(built_site):
    """y = w2 tanh(w1 x) on the shipped rows: 40 epochs from the page's start, as the
    lesson's loop runs them; the rows are the lesson's."""
    from gdanim.maths import bumpy

    d = explorer_data(built_site, "bumpy.html")
    x, y = (v.astype(np.float32) for v in bumpy.data())
    np.testing.assert_allclose(d["problem"]["x"], x, rtol=1e-6)
    np.testing.assert_allclose(d["problem"]["y"], y, rtol=1e-6)
    rate = np.float32(d["own"]["lr"])
    w, path = np.asarray(d["start"], np.float32), []
    path.append(w)
    for _ in range(40):
        t = np.tanh(w[0] * x)
        r = w[1] * t - y
        grad = np.array([np.mean(2 * r * w[1] * x * (1 - t * t)), np.mean(2 * r * t)],
                        dtype=np.float32)
        w = w - rate * grad
        path.append(w)
    setting = {"optimizer": "gd", "lr": d["own"]["lr"], "start": d["start"], "epochs": 40}
    params, _ = live.jax_runs(d["problem"], [setting])[0]
    np.testing.assert_allclose(params, np.array(path), rtol=2e-3, atol=2e-4)


def test_the_notebooks_sweep_cell_reproduces_the_explorer(built_site):
    """The learning-rates sweep, as a learner would run it (one vmapped call), ends
    where the explorer's problem ends, at every rate of the sweep."""
    import contextlib
    import io
    import os
    import runpy

    from gdanim.outputs.listings import lesson_path

    os.environ.setdefault("MPLBACKEND", "Agg")
    with contextlib.redirect_stdout(io.StringIO()):
        namespace = runpy.run_path(str(lesson_path("learning-rates-sweep")))
    d = explorer_data(built_site, "learning-rates.html")
    rates = sorted(namespace["final_losses"])
    assert len(rates) >= 3
    settings = [{"optimizer": "gd", "lr": float(r), "start": d["start"]} for r in rates]
    for (_, loss), rate in zip(live.jax_runs(d["problem"], settings), rates):
        mine, theirs = float(namespace["final_losses"][rate]), float(loss[-1])
        if not np.isfinite(mine) or not np.isfinite(theirs):
            assert not np.isfinite(mine) and not np.isfinite(theirs), rate
        else:
            assert mine == pytest.approx(theirs, rel=1e-4), rate
    notebook = json.loads((built_site / "lesson.ipynb").read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in notebook["cells"]]
    assert any("jax.vmap(final_loss)" in s for s in sources)
