"""The optimizer chapter: each optax run against a small NumPy version of the same
optimizer; every race fair (each optimizer at the best rate of the shared grid, judged by
loss and parameters); every claim the page makes rechecked in float64."""
import numpy as np
import pytest

from gdanim.chapters.optimizers import chapter
from gdanim.chapters.optimizers.chapter import BETAS, OPTIMIZERS, RATES, START, agrees, best_index
from gdanim.maths import recheck
from gdanim.maths.data import load_penguins
from gdanim.maths.milestones import stays_within
from gdanim.maths.problems import (condition_number, least_squares, penguin_loss, raw_design,
                                   raw_loss)
from gdanim.maths.sweeps import judge, sweep
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
def chapter_run():
    from gdanim.core.config import QUALITIES
    from gdanim.chapters import get

    return get("optimizers").run(QUALITIES["draft"])


@pytest.mark.parametrize("key", OPTIMIZERS)
def test_float64_recheck_follows_optax_and_numpy(key):
    """recheck.run (float64) is the same optimizer as optax's (float32) and as the
    textbook step above, for a few steps."""
    from gdanim.maths.sweeps import make_optimizer

    penguins = load_penguins()
    X, y = penguins.design, penguins.y
    params64, _ = recheck.run(recheck.linear_gradient(X, y), recheck.linear_loss(X, y), START,
                              [0.05], STEPS, key, BETAS[key])
    run = descend(penguin_loss(), START, make_optimizer(key, 0.05, BETAS[key]), STEPS)
    np.testing.assert_allclose(run.params, params64[0], rtol=2e-5, atol=2e-6)
    hyper = {"learning_rate": 0.05, "momentum": 0.9, "decay": 0.9, "b1": 0.9, "b2": 0.999}
    params, state = np.array(START), {}
    for step in range(STEPS):
        params, state = numpy_race_step(key, hyper, params, full_gradient(X, y, params), state)
        np.testing.assert_allclose(params64[0, step + 1], params, rtol=1e-12)


@pytest.mark.parametrize("race", ["bowl", "valley"])
def test_every_optimizer_races_at_the_best_rate_of_the_shared_grid(chapter_run, race):
    """An independent sweep of each optimizer over the grid: the page's rate is the one
    that arrives soonest (loss and parameters within 1%, staying), and its epoch is the
    page's. An unfair race (any other rate) fails here."""
    n = chapter_run.numbers
    if race == "bowl":
        loss, (X, y), epochs = penguin_loss(), (load_penguins().design, load_penguins().y), n["epochs"]
    else:
        loss, (X, y), epochs = raw_loss(), raw_design(), n["valley_epochs"]
    best, best_loss = least_squares(X, y)
    for key in OPTIMIZERS:
        s = sweep(loss, [START], RATES, epochs, optimizer=key, beta=BETAS[key], best=best,
                  keep=np.array([0, epochs]))
        arrived = s.arrived_at[:, 0]
        i = best_index(arrived, s.distance[:, 0])
        assert n[f"{race}_{key}_rate"] == pytest.approx(RATES[i]), key
        # Nothing on the grid arrives sooner than the rate it raced at.
        if arrived[i] >= 0:
            assert arrived[i] == arrived[arrived >= 0].min()
            assert n[f"{race}_{key}_arrived"] == arrived[i]
        else:
            assert (arrived < 0).all() and n[f"{race}_{key}_arrived"] is None


def test_arrival_needs_the_parameters_as_well_as_the_loss(chapter_run):
    """In the valley plain descent's loss is within 1% long before its parameters are:
    judged by loss alone it would have 'arrived'."""
    n = chapter_run.numbers
    assert n["valley_gd_loss_arrived"] is not None
    assert n["valley_gd_arrived"] is None and n["valley_gd_final_distance"] > 0.01
    X, y = raw_design()
    best, best_loss = least_squares(X, y)
    run = chapter_run.context["valley"]["gd"].run
    loss_only = judge(run.params, run.loss, None, None)[2]
    assert judge(run.params, run.loss, best, best_loss)[2] == -1 != loss_only


def test_every_claim_holds_in_float64_or_the_page_says_so(chapter_run, built_site):
    """Recompute each race's arrival epochs in float64 here, independently of the
    chapter's own recheck; every "from epoch N" the page makes must agree within the
    stated tolerance, or the page must state the float64 value."""
    n, context = chapter_run.numbers, chapter_run.context
    page = (built_site / "optimizers.html").read_text(encoding="utf-8")
    penguins = load_penguins()
    for race, (X, y), epochs in (("bowl", (penguins.design, penguins.y), n["epochs"]),
                                 ("valley", raw_design(), n["valley_epochs"])):
        best, best_loss = least_squares(X, y)
        order64 = []
        for key in OPTIMIZERS:
            rate = n[f"{race}_{key}_rate"]
            p, l = recheck.run(recheck.linear_gradient(X, y), recheck.linear_loss(X, y),
                               START, [rate], epochs, key, BETAS[key])
            at64 = judge(p, l, best, best_loss)[2][0]
            at64 = None if at64 < 0 else int(at64)
            at32 = n[f"{race}_{key}_arrived"]
            assert n[f"{race}_{key}_arrived64"] == at64
            if not agrees(at32, at64):
                stated = [d for d in context["doubts"] if chapter.NAMES[key] in d
                          and f"from epoch {at64:,}" in d]
                assert stated, f"{race} {key}: float32 {at32}, float64 {at64}, not said"
                assert html_text(stated[0]) in html_text(page)
            order64.append((at64 is None, at64 or 0, key))
        # The ranking the page shows is the float64 ranking.
        ranking64 = [k for *_, k in sorted(order64)]
        assert n[f"{race}_ranking"][: len([o for o in order64 if not o[0]])] == \
            ranking64[: len([o for o in order64 if not o[0]])]
    assert n["ranking_holds"]
    assert n["noise_holds"]


def html_text(text: str) -> str:
    import html
    import re

    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def test_agreement_tolerance():
    assert agrees(100, 101) and agrees(1000, 1010) and agrees(None, None)
    assert not agrees(392, 327) and not agrees(5, 8) and not agrees(10, None)


def test_noise_question_is_fair(chapter_run):
    """Each side at its own best rate from the same grid; the page counts epochs and
    gradient evaluations; both rechecked in float64."""
    n = chapter_run.numbers
    result = chapter.noise(epochs=n["noise_epochs"])
    assert n["noise_gd_rate"] == pytest.approx(RATES[result.gd])
    assert n["noise_sgd_rate"] == pytest.approx(RATES[result.sgd])
    gd = [a if a is not None else np.inf for a in result.gd_within]
    sgd = [a if a is not None else np.inf for a in result.sgd_within]
    assert gd[result.gd] == min(gd) and sgd[result.sgd] == min(sgd)
    assert n["noise_gd_epochs"] == n["noise_gd_epochs64"]
    assert n["noise_sgd_steps"] == n["noise_sgd_steps64"]
    assert n["noise_sgd_epochs"] == n["noise_sgd_steps"] / n["batches_per_epoch"]


def test_noise_runs_are_full_batch_and_mini_batches():
    r = chapter.noise(epochs=1)
    penguins = load_penguins()
    X, y = penguins.design, penguins.y
    assert r.runs["gd"].epochs == 1 and r.runs["sgd"].epochs == r.per_epoch == len(y) // 32
    assert len(set(r.order.ravel().tolist())) == r.order.size
    params, rate = np.array(START), RATES[r.sgd]
    for step, rows in enumerate(r.order):
        np.testing.assert_allclose(r.runs["sgd"].params[step], params, rtol=2e-5, atol=2e-6)
        params = params - rate * full_gradient(X[rows], y[rows], params)


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


def test_valley_facts(chapter_run):
    n = chapter_run.numbers
    X, _ = raw_design()
    assert n["valley_condition_number"] == pytest.approx(condition_number(X)) and \
        n["valley_condition_number"] > 100
    assert condition_number(load_penguins().design) == pytest.approx(1.0)
    # Per-axis rescaling cannot make the diagonal valley round.
    assert 1 < n["valley_axis_scaled_condition_number"] < n["valley_condition_number"]
    assert [a.name for a in chapter_run.animations] == ["noise", "race", "valley"]
    for animation in chapter_run.animations[1:]:
        for key, o in animation.params["optimizers"].items():
            assert o["learning_rate"] == pytest.approx(n[f"{animation.name.replace('race', 'bowl')}_{key}_rate"])
    for e in chapter_run.context["ranked"]:
        line = chapter.finish_line(e, n["epochs"])
        assert line in chapter_run.context["caption"]


def test_noise_reuses_the_races_sweep_without_changing_it(chapter_run):
    """The full-batch side of the noise question is read off the round-bowl race's sweep
    (one compile fewer); it is the same as sweeping again."""
    reused, fresh = chapter.noise(chapter_run.context["bowl"]), chapter.noise()
    assert reused.gd == fresh.gd and reused.gd_within == fresh.gd_within
    np.testing.assert_array_equal(reused.runs["gd"].loss, fresh.runs["gd"].loss)


def test_the_pages_other_claims_about_runs_hold_in_float64(chapter_run):
    """RMSProp still steps about η at the end (it hovers) while Adam's steps have died
    away; in the valley plain descent's loss arrives (the same epoch in float64) long
    before its parameters; momentum's best rate is above plain descent's cap."""
    n = chapter_run.numbers
    penguins = load_penguins()
    X, y = penguins.design, penguins.y
    last = {}
    for key in ("rmsprop", "adam"):
        p, _ = recheck.run(recheck.linear_gradient(X, y), recheck.linear_loss(X, y), START,
                           [n[f"bowl_{key}_rate"]], n["epochs"], key, BETAS[key])
        last[key] = float(np.linalg.norm(p[0, -1] - p[0, -2]))
    assert 0.5 < last["rmsprop"] / n["bowl_rmsprop_rate"] < 2
    assert last["adam"] < 1e-6 * n["bowl_adam_rate"]
    assert agrees(n["valley_gd_loss_arrived"], n["valley_gd_loss_arrived64"])
    assert n["valley_gd_arrived64"] is None and n["valley_gd_final_distance64"] > 0.01
    assert n["valley_momentum_rate"] > n["valley_threshold"]
    assert n["valley_gd_rate"] < n["valley_threshold"]
    # "RMSProp is the touchy one": it arrives at the fewest rates of the grid.
    counts = {k: n[f"bowl_{k}_rates_arriving"] for k in OPTIMIZERS}
    assert min(counts, key=counts.get) == "rmsprop"
