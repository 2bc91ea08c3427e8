"""Each optax run against a small NumPy version of the same optimizer, and a fair race."""
import numpy as np
import pytest

from gdanim.data import load_penguins
from gdanim.scenarios.optimizers import ENTRIES, race
from gdanim.train import batch_order

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


@pytest.fixture(scope="module")
def short_race():
    return race(steps=STEPS)


@pytest.mark.parametrize("entry", ENTRIES, ids=lambda e: e.key)
def test_optax_run_matches_numpy_reference(short_race, entry):
    runs, order, _ = short_race
    penguins = load_penguins()
    X, y = penguins.design, penguins.y
    params, state = np.array([-2.0, 0.0]), {}
    expected = [params]
    for step in range(STEPS):
        rows = order[step] if entry.stochastic else slice(None)
        grad = 2 * X[rows].T @ (X[rows] @ params - y[rows]) / len(y[rows])
        params, state = numpy_race_step(entry.key, entry.hyper, params, grad, state)
        expected.append(params)
    np.testing.assert_allclose(runs[entry.key].params, np.array(expected), rtol=2e-5, atol=2e-6)


def test_every_stochastic_run_sees_the_same_batches(short_race):
    runs, order, _ = short_race
    stochastic = [e.key for e in ENTRIES if e.stochastic]
    # Same start, same first batch: the same first gradient, whatever the optimizer.
    first = [runs[k].grad[0] for k in stochastic]
    for grad in first[1:]:
        np.testing.assert_array_equal(grad, first[0])
    full_batch = [e.key for e in ENTRIES if not e.stochastic]
    assert not np.allclose(runs[full_batch[0]].grad[0], first[0])


def test_batch_order_is_reproducible_and_shuffles_each_epoch():
    a, b = batch_order(333, 32, 25, seed=7), batch_order(333, 32, 25, seed=7)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, batch_order(333, 32, 25, seed=8))
    epoch = a[:10].ravel()
    assert len(set(epoch.tolist())) == 320          # no row twice within an epoch
    assert not np.array_equal(a[:10], a[10:20])     # a fresh shuffle next epoch
    assert a.shape == (25, 32)


def test_race_facts_are_in_the_numbers_and_caption():
    from gdanim.config import QUALITIES
    from gdanim.scenarios import get

    chapter = get("optimizers").run(QUALITIES["draft"])
    n = chapter.numbers
    for e in ENTRIES:
        step = n[f"{e.key}_within_1pct_step"]
        assert step is not None and 0 < step <= n["steps"]
        assert f"{e.name} at step {step}" in chapter.context["caption"]
    params = chapter.animations[0].params
    assert params["optimizers"]["momentum"]["momentum"] == 0.9
    assert params["seed"] == n["seed"]
