"""The optimizer chapter: each optax run against a small NumPy version of the same
optimizer, runs on the data the page says they use, and the raw-units valley's claims."""
import numpy as np
import pytest

from gdanim.maths.milestones import divergence_threshold, stays_within
from gdanim.maths.data import load_penguins
from gdanim.maths.problems import condition_number, least_squares, raw_design, raw_loss
from gdanim.chapters.optimizers import (ENTRIES, GD_FRACTIONS, NOISE_ENTRIES, VALLEY_EPOCHS,
                                         VALLEY_START, noise, race, valley)
from gdanim.maths.train import batch_order, descend

STEPS = 6


def numpy_race_step(key, hyper, params, grad, state):
    """One update of each optimizer, as the textbooks (and optax) write it."""
    lr = hyper["learning_rate"]
    if key in ("gd", "sgd"):
        return params - lr * grad, state
    if key == "momentum":
        velocity = grad + hyper["momentum"] * state.get("v", 0)
        return params - lr * velocity, {"v": velocity}
    if key == "rmsprop":
        nu = hyper["decay"] * state.get("nu", 0) + (1 - hyper["decay"]) * grad ** 2
        return params - lr * grad / np.sqrt(nu + 1e-8), {"nu": nu}   # optax: eps inside
    if key == "adam":
        t = state.get("t", 0) + 1
        m = hyper["b1"] * state.get("m", 0) + (1 - hyper["b1"]) * grad
        v = hyper["b2"] * state.get("v", 0) + (1 - hyper["b2"]) * grad ** 2
        m_hat, v_hat = m / (1 - hyper["b1"] ** t), v / (1 - hyper["b2"] ** t)
        return params - lr * m_hat / (np.sqrt(v_hat) + 1e-8), {"m": m, "v": v, "t": t}
    raise KeyError(key)


def full_gradient(X, y, params):
    return 2 * X.T @ (X @ params - y) / len(y)


@pytest.fixture(scope="module")
def short_race():
    return race(epochs=STEPS)[0]


@pytest.fixture(scope="module")
def short_noise():
    return noise(epochs=1)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.key)
def test_race_run_is_full_batch_and_matches_numpy(short_race, entry):
    penguins = load_penguins()
    X, y = penguins.design, penguins.y
    params, state = np.array([-2.0, 0.0]), {}
    expected = [params]
    for _ in range(STEPS):
        params, state = numpy_race_step(entry.key, entry.hyper, params,
                                        full_gradient(X, y, params), state)
        expected.append(params)
    run = short_race[entry.key]
    np.testing.assert_allclose(run.params, np.array(expected), rtol=2e-5, atol=2e-6)
    # The gradient each step used is the one over all the birds.
    for p, g in zip(run.params, run.grad):
        np.testing.assert_allclose(g, full_gradient(X, y, p), rtol=1e-4, atol=1e-5)


def test_noise_compares_full_batch_with_mini_batches_per_epoch(short_noise):
    runs, order, per_epoch, _ = short_noise
    penguins = load_penguins()
    X, y = penguins.design, penguins.y
    assert not any(e.stochastic for e in ENTRIES)
    assert [e.stochastic for e in NOISE_ENTRIES] == [False, True]
    assert NOISE_ENTRIES[0].hyper == NOISE_ENTRIES[1].hyper      # same learning rate
    # One epoch: one full-batch step, `per_epoch` mini-batch steps over distinct birds.
    assert runs["gd"].epochs == 1 and runs["sgd"].epochs == per_epoch == len(y) // 32
    assert len(set(order.ravel().tolist())) == order.size
    params, hyper = np.array([-2.0, 0.0]), NOISE_ENTRIES[1].hyper
    for step, rows in enumerate(order):
        np.testing.assert_allclose(runs["sgd"].params[step], params, rtol=2e-5, atol=2e-6)
        params, _ = numpy_race_step("sgd", hyper, params, full_gradient(X[rows], y[rows], params), {})
    np.testing.assert_allclose(runs["gd"].grad[0], full_gradient(X, y, np.array([-2.0, 0.0])),
                               rtol=1e-5)


def test_batch_order_is_reproducible_and_shuffles_each_epoch():
    a, b = batch_order(333, 32, 25, seed=7), batch_order(333, 32, 25, seed=7)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, batch_order(333, 32, 25, seed=8))
    epoch = a[:10].ravel()
    assert len(set(epoch.tolist())) == 320          # no row twice within an epoch
    assert not np.array_equal(a[:10], a[10:20])     # a fresh shuffle next epoch
    assert a.shape == (25, 32)


def test_stays_within_ignores_a_swing_through_the_target():
    loss = np.array([5.0, 1.0, 3.0, 1.005, 1.001, 1.0])
    assert stays_within(loss, 1.0) == 3
    assert stays_within(np.array([5.0, 1.0, 3.0]), 1.0) is None


@pytest.fixture(scope="module")
def the_valley():
    return valley()


def test_raw_units_valley_is_narrow(the_valley):
    X, y = raw_design()
    assert condition_number(X) > 100
    assert condition_number(load_penguins().design) == pytest.approx(1.0)
    assert the_valley[4] == pytest.approx(condition_number(X))


def test_momentum_or_adam_beat_gradient_descent_at_its_best_stable_rate(the_valley):
    entries, runs, best_loss, threshold, _ = the_valley
    settle = {e.key: stays_within(runs[e.key].loss, best_loss) for e in entries}
    fast = [settle[k] for k in ("momentum", "adam") if settle[k] is not None]
    assert fast, "neither momentum nor Adam settled within 1%"
    # Plain descent at any stable rate, on a finer grid than the chapter's own choice,
    # settles later than the faster of momentum and Adam (None: not within the run).
    X, y = raw_design()
    import optax
    loss = raw_loss()
    for fraction in np.linspace(0.3, 0.995, 8):
        gd = descend(loss, VALLEY_START, optax.sgd(fraction * threshold), VALLEY_EPOCHS)
        at = stays_within(gd.loss, best_loss)
        assert at is None or at > min(fast), f"GD at {fraction:.3f} x threshold: epoch {at}"
    assert entries[0].hyper["learning_rate"] < threshold
    assert least_squares(X, y)[1] == pytest.approx(best_loss)


def test_race_facts_are_in_the_numbers_and_captions():
    from gdanim.core.config import QUALITIES
    from gdanim.chapters import get

    chapter = get("optimizers").run(QUALITIES["draft"])
    n, context = chapter.numbers, chapter.context
    for tag, entries, caption in (("", ENTRIES, "caption"),
                                  ("valley_", context["valley_entries"], "valley_caption")):
        for e in entries:
            epoch = n[f"{tag}{e.key}_settled_epoch"]
            line = (f"{e.name} from epoch {epoch}" if epoch is not None
                    else f"{e.name} not settled")
            assert line in context[caption]
    assert n["valley_condition_number"] > 100
    assert n["valley_gd_rate"] < n["valley_threshold"]
    assert n["valley_gd_rate"] in [float(f"{f * n['valley_threshold']:.3g}")
                                   for f in GD_FRACTIONS]
    assert n["valley_threshold"] == pytest.approx(divergence_threshold(raw_design()[0]))
    assert [a.name for a in chapter.animations] == ["noise", "race", "valley"]
    for animation in chapter.animations:
        flags = [o["mini_batches"] for o in animation.params["optimizers"].values()]
        assert flags == ([False, True] if animation.name == "noise" else [False] * 4)
