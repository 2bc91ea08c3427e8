"""The explorers' numbers: every run a page ships is the lesson's run at that setting,
recomputed here in NumPy (float32, the same update rule), and what the build says
about it holds."""
from __future__ import annotations

import gzip
import json
import re

import numpy as np
import pytest

from gdanim.maths.data import BELT_CM, BELT_INCHES, load_penguins

PAGES = ("descent-1d.html", "learning-rates.html", "penguins-2d.html")
ALL_PAGES = PAGES + ("optimizers.html", "bumpy.html")
DATA = re.compile(r'<script type="application/json" class="explorer-data">(.*?)</script>', re.S)


def explorer_data(site, page: str) -> dict:
    html = (site / page).read_text(encoding="utf-8")
    found = DATA.findall(html)
    assert len(found) == 1, f"{page}: one explorer per page"
    return json.loads(found[0])


def problem_of(page: str):
    """(X, y) of the chapter's least-squares problem, as the lesson sets it up."""
    if page == "penguins-2d.html":
        p = load_penguins()
        return p.design, p.y
    return BELT_INCHES[:, None].astype(float), BELT_CM.astype(float)


def numpy_descent(X, y, start, rate, epochs):
    """Gradient descent on mean squared error in float32 NumPy: params and loss by epoch."""
    X, y = X.astype(np.float32), y.astype(np.float32)
    p, rate = np.asarray(start, np.float32), np.float32(rate)
    params, losses = [p], []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs):
            r = X @ p - y
            losses.append(np.mean(r * r))
            p = p - rate * (np.float32(2 / len(y)) * (X.T @ r))
            params.append(p)
        r = X @ p - y
        losses.append(np.mean(r * r))
    return np.array(params, dtype=float), np.array(losses, dtype=float)


def grid_picks(d: dict) -> list[tuple[int, int]]:
    """Three settings to check: the chapter's own, the fastest converging rate from
    another start, and the first diverging rate."""
    own_r, own_s = d["own"]["rate"], d["own"]["start"]
    other = (own_s + 1) % len(d["starts"])
    fast = max(i for i, v in enumerate(d["verdict"]) if v[other] in ("converges", "oscillates"))
    diverging = next(i for i, v in enumerate(d["verdict"]) if v[own_s] == "diverges")
    return [(own_r, own_s), (fast, other), (diverging, own_s)]


@pytest.mark.parametrize("page", PAGES)
def test_the_runs_shipped_are_the_lessons_runs(built_site, page):
    d = explorer_data(built_site, page)
    X, y = problem_of(page)
    epochs = d["epochs"]
    for i, j in grid_picks(d):
        params, loss = numpy_descent(X, y, d["starts"][j], d["rates"][i], epochs[-1])
        shipped_p = np.array([np.nan if v is None else v for row in d["path"][i][j]
                              for v in (row if row is not None else [None] * X.shape[1])],
                             dtype=float).reshape(len(epochs), -1)
        shipped_l = np.array([np.nan if v is None else v for v in d["loss"][i][j]], dtype=float)
        keep = np.isfinite(shipped_l) & (shipped_l < 1e30)
        if d["verdict"][i][j] == "diverges":
            keep &= np.asarray(epochs) <= 30   # float32 rounding grows with the run
        assert keep.sum() >= 5
        np.testing.assert_allclose(shipped_p[keep], params[epochs][keep], rtol=2e-3, atol=2e-5,
                                   err_msg=f"{page} rate {d['rates'][i]} start {d['starts'][j]}")
        np.testing.assert_allclose(shipped_l[keep], loss[epochs][keep], rtol=2e-3,
                                   err_msg=f"{page} rate {d['rates'][i]} start {d['starts'][j]}")


@pytest.mark.parametrize("page", PAGES)
def test_the_grid_holds_the_lesson_and_the_threshold(built_site, manifest, page):
    d = explorer_data(built_site, page)
    X, _ = problem_of(page)
    hessian = 2 * X.T @ X / len(X)
    threshold = 2 / np.linalg.eigvalsh(hessian).max()
    assert d["threshold"] == pytest.approx(threshold, rel=1e-9)
    rates = np.array(d["rates"])
    assert (np.diff(rates) > 0).all()
    assert rates[d["threshold_index"]] == pytest.approx(threshold, rel=5e-3)
    assert rates.min() < threshold / 10 and rates.max() > 1.2 * threshold
    slug = page.removesuffix(".html")
    numbers = manifest["numbers"]
    own = numbers.get(f"{slug}.learning_rate", numbers.get(f"{slug}.lesson_rate"))
    assert rates[d["own"]["rate"]] == pytest.approx(own, rel=1e-6)
    # Past the threshold every run diverges, and the page says from which epoch.
    for i, rate in enumerate(rates):
        for j in range(len(d["starts"])):
            if rate > 1.05 * threshold:
                assert d["verdict"][i][j] == "diverges", (rate, d["starts"][j])
                assert d["says"][i][j].startswith(f"diverges at epoch {d['diverged_at'][i][j]:,}")
            if rate < 0.45 * threshold and d["arrived_at"][i][j] >= 0:
                assert d["verdict"][i][j] == "converges"


@pytest.mark.parametrize("page", PAGES)
def test_answers_to_the_questions_are_the_sweeps(built_site, page):
    d = explorer_data(built_site, page)
    html = (built_site / page).read_text(encoding="utf-8")
    for q in d["questions"]:
        i, j = q["set"]["rate"], q["set"]["start"]
        assert d["says"][i][j] in q["answer"]
        assert f'data-question="{q["id"]}"' in html and "<details" in html


@pytest.mark.parametrize("page", ALL_PAGES)
def test_explorer_data_stays_small(built_site, page):
    html = (built_site / page).read_text(encoding="utf-8")
    raw = DATA.findall(html)[0].encode()
    assert len(gzip.compress(raw, 9)) < 150_000
    assert b"NaN" not in raw and b"Infinity" not in raw


def test_the_notebooks_sweep_cell_reproduces_the_explorer(built_site):
    """The learning-rates sweep, as a learner would run it (one vmapped call), ends
    where the explorer's runs end at every rate the two share."""
    import contextlib
    import io
    import os
    import runpy

    from gdanim.outputs.listings import lesson_path

    os.environ.setdefault("MPLBACKEND", "Agg")
    with contextlib.redirect_stdout(io.StringIO()):
        namespace = runpy.run_path(str(lesson_path("learning-rates-sweep")))
    d = explorer_data(built_site, "learning-rates.html")
    own = d["own"]["start"]
    shared = [(i, r) for i, r in enumerate(d["rates"]) if r in namespace["final_losses"]]
    assert len(shared) >= 3 and d["rates"][d["own"]["rate"]] in namespace["final_losses"]
    for i, rate in shared:
        mine, theirs = float(namespace["final_losses"][rate]), d["loss"][i][own][-1]
        if theirs is None or not np.isfinite(mine):
            assert d["verdict"][i][own] == "diverges"
        else:
            assert mine == pytest.approx(theirs, rel=1e-4), rate
    notebook = json.loads((built_site / "lesson.ipynb").read_text(encoding="utf-8"))
    sources = ["".join(c["source"]) for c in notebook["cells"]]
    assert any("jax.vmap(final_loss)" in s for s in sources)


def numpy_optimizer(X, y, start, rate, epochs, name, beta):
    """optax's update rules written out in float32 NumPy (optax's defaults: RMSProp and
    Adam's eps 1e-8, Adam's b2 0.999): the parameters by epoch."""
    f32 = np.float32
    X, y = X.astype(f32), y.astype(f32)
    p, rate = np.asarray(start, f32), f32(rate)
    trace, m, v = np.zeros_like(p), np.zeros_like(p), np.zeros_like(p)
    out = [p]
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
            v = f32(0.999) * v + f32(0.001) * g * g
            step = (m / f32(1 - beta ** t)) / (np.sqrt(v / f32(1 - 0.999 ** t)) + f32(1e-8))
        p = p - rate * step
        out.append(p)
    return np.array(out, dtype=float)


def test_the_optimizer_explorer_runs_each_optimizer_as_optax_does(built_site):
    d = explorer_data(built_site, "optimizers.html")
    X, y = problem_of("penguins-2d.html")
    epochs = d["epochs"]
    assert {v["optimizer"] for v in d["variants"]} == {"gd", "momentum", "rmsprop", "adam"}
    for v in d["variants"]:
        # At large rates RMSProp and Adam step by about η whatever the gradient's size,
        # so where a parameter crosses zero float32 rounding decides the sign of the
        # next step and two correct implementations part: check them at a small rate.
        adaptive = v["optimizer"] in ("rmsprop", "adam")
        small = next(i for i, r in enumerate(d["rates"]) if r >= 0.005)
        for i in (small,) if adaptive else (d["own"]["rate"], d["threshold_index"] - 3, small):
            params = numpy_optimizer(X, y, d["starts"][0], d["rates"][i], epochs[-1],
                                     v["optimizer"], v["beta"])
            shipped = np.array(v["path"][i][0], dtype=float)
            early = np.asarray(epochs) <= 40
            np.testing.assert_allclose(shipped[early], params[epochs][early], rtol=2e-3,
                                       atol=2e-4, err_msg=f"{v['optimizer']} {v['beta']}")
    q = d["questions"][0]
    fastest = d["variants"][q["right"]]
    best = min(a[0] for v in d["variants"] for a in v["arrived_at"] if a[0] >= 0)
    assert min(a[0] for a in fastest["arrived_at"] if a[0] >= 0) == best


def test_the_bumpy_explorer_runs_the_network_and_judges_by_the_nearer_minimum(built_site):
    """y = w2 tanh(w1 x): each shipped run is the float32 descent from its start; the
    start on the saddle never moves; each run is judged against the minimum it ends in."""
    from gdanim.maths import bumpy

    d = explorer_data(built_site, "bumpy.html")
    x, y = (v.astype(np.float32) for v in bumpy.data())
    minimum = np.asarray(bumpy.minimum(), dtype=float)
    epochs = np.asarray(d["epochs"])
    i = d["own"]["rate"]
    rate = np.float32(d["rates"][i])
    for j, start in enumerate(d["starts"]):
        w = np.asarray(start, np.float32)
        path = [w]
        for _ in range(40):
            t = np.tanh(w[0] * x)
            r = w[1] * t - y
            grad = np.array([np.mean(2 * r * w[1] * x * (1 - t * t)), np.mean(2 * r * t)],
                            dtype=np.float32)
            w = w - rate * grad
            path.append(w)
        shipped = np.array(d["path"][i][j], dtype=float)
        early = epochs <= 40
        np.testing.assert_allclose(shipped[early], np.array(path)[epochs[early]], rtol=2e-3,
                                   atol=2e-4, err_msg=str(start))
        end = shipped[-1]
        if start == [0.0, 0.0]:
            assert (shipped == 0).all() and d["verdict"][i][j] == "creeps"
        elif d["verdict"][i][j] == "converges":
            nearer = minimum if np.linalg.norm(end - minimum) < np.linalg.norm(end + minimum) \
                else -minimum
            assert np.linalg.norm(end - nearer) / np.linalg.norm(nearer) < 0.01
            assert "nearest minimum" in d["says"][i][j]
