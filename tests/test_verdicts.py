"""The verdict and arrival rules (gdanim/maths/verdicts.py) on runs whose fate is known:
each run is computed here in float32 NumPy, as the lesson's update rules compute it."""
from __future__ import annotations

import numpy as np
import pytest

from gdanim.maths import verdicts
from gdanim.maths.verdicts import arrival, verdict

f32 = np.float32


def descent(grad_loss, start, rate, epochs):
    """Gradient descent in float32: (params (E+1, P), loss (E+1,))."""
    w, params, losses = np.asarray(start, f32), [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(epochs + 1):
            loss, grad = grad_loss(w)
            params.append(w.copy())
            losses.append(loss)
            w = (w - f32(rate) * grad).astype(f32)
    return np.array(params, dtype=float), np.array(losses, dtype=float)


def bowl(w):                                 # loss = |w|², threshold 2/λmax = 1
    return f32(np.sum(w * w)), f32(2) * w


def penguins_rmsprop(rate, epochs=400):
    """RMSProp (optax's: g·rsqrt(ν + ε), decay 0.9) on the z-scored penguins from (-2, 0)."""
    from gdanim.maths.data import load_penguins

    p = load_penguins()
    X, y = p.design.astype(f32), p.y.astype(f32)
    w, nu, params, losses = np.array([-2, 0], f32), np.zeros(2, f32), [], []
    for _ in range(epochs + 1):
        r = X @ w - y
        params.append(w.copy())
        losses.append(float(np.mean(r * r)))
        g = f32(2 / len(y)) * (X.T @ r)
        nu = f32(0.9) * nu + f32(0.1) * g * g
        w = (w - f32(rate) * (g / np.sqrt(nu + f32(1e-8)))).astype(f32)
    best = np.linalg.lstsq(p.design, p.y, rcond=None)[0]
    return np.array(params, float), np.array(losses), best, float(np.mean((p.design @ best - p.y) ** 2))


@pytest.mark.parametrize("rate", [3.16, 10.0])
def test_rmsprop_peak_then_flat_is_bounded_not_diverging(rate):
    params, loss, best, best_loss = penguins_rmsprop(rate)
    assert loss.max() > 20 * loss[0] and np.ptp(loss[-50:]) < 1e-3 * loss[-1]   # the shape
    v = verdict(loss, params, best, best_loss)
    assert v.kind == "oscillates", v
    assert v.kind != "diverges" and "oscillates" in v.text()


def test_a_two_cycle_oscillates():
    """A run that jumps between two points forever, its loss alternating (as the
    bumpy net at η = 2.07 does between 0.698 and 0.735)."""
    a, b = np.array([1.2, 0.9]), np.array([0.8, 1.1])
    params = np.array([a if e % 2 else b for e in range(301)])
    loss = np.array([0.735 if e % 2 else 0.698 for e in range(301)])
    v = verdict(loss, params, best=np.array([1.0, 1.0]), best_loss=0.69)
    assert v.kind == "oscillates"
    assert verdict(loss).kind == "oscillates"           # from the loss alone too


def test_exactly_at_the_threshold_the_guess_flips_forever():
    """η = 1 on |w|²: w -> -w, the loss stays at 5.0; bounded, not diverging."""
    params, loss = descent(bowl, [1.0, 2.0], 1.0, 1000)
    assert np.allclose(loss, 5.0)
    v = verdict(loss, params, best=[0.0, 0.0], best_loss=0.0)
    assert v.kind == "oscillates", v


def test_a_true_blow_up_diverges_from_the_first_epoch_with_its_true_loss():
    params, loss = descent(bowl, [1.0, 2.0], 1.1, 400)
    assert not np.isfinite(loss[-1])                    # float32 overflowed
    v = verdict(loss, params, best=[0.0, 0.0], best_loss=0.0)
    assert v.kind == "diverges" and v.epoch == 1
    assert v.loss_then == pytest.approx(5.0 * 1.44, rel=1e-5)
    assert v.final_loss == np.inf and "too large for float32" in v.text()
    short = descent(bowl, [1.0, 2.0], 1.1, 40)          # still finite: growing is enough
    v = verdict(short[1], short[0], best=[0.0, 0.0], best_loss=0.0)
    assert np.isfinite(short[1]).all() and v.kind == "diverges" and v.epoch == 1
    assert v.final_loss == pytest.approx(short[1][-1])
    assert verdict(short[1]).kind == "diverges"         # from the loss alone too


def test_slow_divergence_from_below_the_start_left_after_its_lowest_loss():
    """On a long narrow bowl just past the threshold, the loss first falls (the gentle
    direction) and then grows (the steep one): it left after its lowest loss."""
    def valley(w):
        return f32(100 * w[0] ** 2 + w[1] ** 2), np.array([200 * w[0], 2 * w[1]], f32)
    params, loss = descent(valley, [0.001, 3.0], 0.0102, 120)
    v = verdict(loss, params, best=[0.0, 0.0], best_loss=0.0)
    assert loss[-1] < loss[0] and v.kind == "diverges"
    assert v.epoch == int(np.argmin(loss)) + 1


def test_converging_creeping_and_stuck_runs():
    params, loss = descent(bowl, [1.0, 2.0], 0.1, 100)
    v = verdict(loss, params, best=[0.0, 0.0], best_loss=0.0)
    assert v.kind == "converges" and not v.zigzag
    assert v.epoch == v.arrival.epoch and v.arrival.kind == "arrives"
    assert v.text().startswith(f"converges: within 1% of the answer from epoch {v.epoch:,}")
    params, loss = descent(bowl, [1.0, 2.0], 0.9, 100)   # zig-zags down
    v = verdict(loss, params, best=[0.0, 0.0], best_loss=0.0)
    assert v.kind == "converges" and v.zigzag
    params, loss = descent(lambda w: (f32(np.sum((w - 3) ** 2)), f32(2) * (w - 3)),
                           [1.0, 2.0], 1e-4, 100)       # too slow
    v = verdict(loss, params, best=[3.0, 3.0], best_loss=0.0)
    assert v.kind == "creeps" and "still" in v.text() and v.epoch is None
    stuck = np.zeros((50, 2)), np.full(50, 0.9)         # on a saddle: never moves
    v = verdict(stuck[1], stuck[0], best=[[1.0, 1.0], [-1.0, -1.0]], best_loss=[0.3, 0.3])
    assert v.kind == "creeps"


def test_a_run_that_enters_and_leaves_the_band_hovers_and_names_every_stay():
    inside = np.zeros(3001, bool)
    inside[206:1306] = True
    inside[2678:] = True
    a = arrival(inside)
    assert a.kind == "hovers" and a.epoch == 2678
    assert a.text() == "within 1% of the answer from epoch 206 to 1,305, again from 2,678"
    loss = np.where(inside, 1.0, 1.5)
    loss[:206] = np.linspace(5, 1.5, 206)
    v = verdict(loss, best_loss=1.0)
    assert v.kind == "converges" and "from epoch 206 to 1,305, again from 2,678" in v.text()
    left = inside.copy()
    left[2700:] = False
    assert arrival(left).epoch is None and arrival(left).text().endswith("again from 2,678 to 2,699")
    assert arrival(np.ones(5, bool)).text() == "within 1% of the answer from epoch 0"
    assert arrival(np.zeros(5, bool)).kind == "never"


def test_the_band_uses_loss_and_parameters_and_reaches_a_zero_best():
    loss = np.array([10.0, 1.02, 1.005, 1.0])
    assert band(loss, best_loss=1.0).tolist() == [False, False, True, True]
    params = np.array([[0, 0], [0, 0], [2, 0], [1, 0]], float)
    assert band(loss, params, [1.0, 0.0], 1.0).tolist() == [False, False, False, True]
    assert band(np.array([4.0, 1e-12]), best_loss=0.0).tolist() == [False, True]


def band(*args, **kwargs):
    return verdicts.band(*args, **kwargs)


def test_words():
    assert verdicts.number(2.04e10) == "2.040e+10" and verdicts.number(63024.4) == "63,024"
    assert verdicts.number(1e-4) == "1.000e\u221204" and verdicts.number(123456.7) == "123,460"
    assert verdicts.number(-0.6525) == "\u22120.6525" and verdicts.number(None).startswith("too")
    assert verdicts.percent(0.01) == "1%" and verdicts.percent(0.1234) == "12.3%"
