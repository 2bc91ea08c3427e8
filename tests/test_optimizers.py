"""The optimizer chapter (mini-batches are tests/test_mini_batches.py): each optax run against a small NumPy version of the same
optimizer; every race fair (each optimizer at the best rate of the shared grid, judged by
loss and parameters); every claim the page makes rechecked in float64."""
import numpy as np
import pytest

from gdanim.chapters.optimizers import chapter
from gdanim.chapters.optimizers.chapter import BETAS, OPTIMIZERS, RATES, START, agrees
from gdanim.core import text
from gdanim.maths import recheck, verdicts
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
    """An independent sweep of each optimizer over the grid: no rate arrives sooner than
    the page's (loss and parameters within 1%, staying), beyond the slack rounding
    leaves, and the page's epoch is this sweep's (within the slack). An unfair race
    (a rate picked otherwise) fails here."""
    n = chapter_run.numbers
    if race == "bowl":
        loss, (X, y), epochs = penguin_loss(), (load_penguins().design, load_penguins().y), n["epochs"]
    else:
        loss, (X, y), epochs = raw_loss(), raw_design(), n["valley_epochs"]
    best, best_loss = least_squares(X, y)
    for key in OPTIMIZERS:
        s = sweep(loss, [START], RATES, epochs, optimizer=key, beta=BETAS[key], best=best,
                  keep=np.arange(epochs + 1))
        arrived = [verdicts.arrival(verdicts.band(l, p, best, best_loss)).epoch
                   for p, l in zip(s.params[:, 0], s.loss[:, 0])]
        stated = n[f"{race}_{key}_arrived"]
        i = int(np.argmin(np.abs(RATES - n[f"{race}_{key}_rate"])))
        assert n[f"{race}_{key}_rate"] == pytest.approx(RATES[i]), key
        if stated is None:
            assert all(a is None for a in arrived), key
            continue
        assert verdicts.close(arrived[i], stated), (key, arrived[i], stated)
        sooner = [a for a in arrived if a is not None and a < stated
                  and not verdicts.close(a, stated)]
        assert not sooner, (key, sooner, stated)


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


WAYS = {"32-bit optax, one rate": (False, True), "64-bit optax, one rate": (True, True)}


def independent_ways(X, y, rate, epochs, key):
    """The run at one rate computed here, independently of the chapter: optax in float32
    and float64 one rate at a time (the site vectorises over the grid) and the textbook
    formulas in float64."""
    out = {name: recheck.optax_run(X, y, START, [rate], epochs, key, BETAS[key], x64=x64,
                                   one_at_a_time=one)
           for name, (x64, one) in WAYS.items()}
    out["64-bit NumPy, one rate"] = recheck.run(recheck.linear_gradient(X, y),
                                                recheck.linear_loss(X, y), START, [rate],
                                                epochs, key, BETAS[key])
    return out


def test_every_claim_holds_in_float64_or_the_page_says_so(chapter_run, built_site):
    """Recompute each raced run here with optax itself in float32 and float64 and with
    NumPy in float64, one rate at a time. Every "from epoch N" the page states must come
    out within the stated slack in each, or the page must say that rounding decides it
    (naming each way's stays). No epoch is asserted exactly: rounding on another CPU may
    move a hovering run's by a few."""
    n, context = chapter_run.numbers, chapter_run.context
    page = audited_pages(built_site)
    penguins = load_penguins()
    for race, (X, y), epochs in (("bowl", (penguins.design, penguins.y), n["epochs"]),
                                 ("valley", raw_design(), n["valley_epochs"])):
        best, best_loss = least_squares(X, y)
        for key in OPTIMIZERS:
            k = f"{race}_{key}"
            stated = n[f"{k}_arrived"]
            ways = {name: verdicts.arrival(verdicts.band(l[0], p[0], best, best_loss))
                    for name, (p, l) in independent_ways(X, y, n[f"{k}_rate"], epochs,
                                                         key).items()}
            check = verdicts.Check(ways)
            if n[f"{k}_settled"] and check.settled:
                assert all(verdicts.close(a.epoch, stated) for a in ways.values()), \
                    (k, stated, ways)
                continue
            # Rounding decides: the page must say so for this run, in words.
            said = [d for d in context["doubts"] if chapter.NAMES[key] in d
                    and "rounding decides" in d]
            assert said, f"{k}: page {stated}, here {check.epochs}, and the page says nothing"
            assert html_text(said[0]) in page
    # "The order of arrival is the same in 64-bit" only where it is.
    claim = "the same in 64-bit, in both races"
    assert (claim in page) == n["ranking_holds"]
    if not n["ranking_holds"]:
        for d in context["order_doubts"]:
            assert html_text(d) in page


def test_no_rate_of_the_grid_beats_the_raced_one_in_64_bit_unless_the_page_says_so(
        chapter_run, built_site):
    """Over the whole grid in float64 (optax and NumPy, computed here): a rate arriving
    sooner than the raced one, beyond the slack, is named on the page."""
    n, context = chapter_run.numbers, chapter_run.context
    page = audited_pages(built_site)
    penguins = load_penguins()
    for race, (X, y), epochs, key in [
            (race, problem, epochs, key) for race, problem, epochs in (
                ("bowl", (penguins.design, penguins.y), n["epochs"]),
                ("valley", raw_design(), n["valley_epochs"])) for key in OPTIMIZERS]:
        best, best_loss = least_squares(X, y)
        stated = n[f"{race}_{key}_arrived"]
        runs = [recheck.optax_run(X, y, START, RATES, epochs, key, BETAS[key], x64=True),
                recheck.run(recheck.linear_gradient(X, y), recheck.linear_loss(X, y), START,
                            RATES, epochs, key, BETAS[key])]
        for params, loss in runs:
            for rate, p, l in zip(RATES, params, loss):
                at = verdicts.arrival(verdicts.band(l, p, best, best_loss)).epoch
                if at is None or (stated is not None and (at >= stated
                                                          or verdicts.close(at, stated))):
                    continue
                said = [d for d in context["doubts"]
                        if chapter.NAMES[key] in d and f"η {text.rate(rate)}" in d]
                assert said and html_text(said[0]) in page, (key, rate, at, stated)


def audited_pages(site) -> str:
    """The chapter and the "How we checked" page, where the 64-bit audit is spelled out."""
    return " ".join(html_text((site / name).read_text(encoding="utf-8"))
                    for name in ("optimizers.html", "how-we-checked.html"))


def html_text(text: str) -> str:
    import html
    import re

    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", text)).split())


def test_agreement_tolerance():
    assert agrees(100, 101) and agrees(1000, 1010) and agrees(None, None)
    assert not agrees(392, 327) and not agrees(5, 8) and not agrees(10, None)


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
    assert [a.name for a in chapter_run.animations] == ["race", "valley"]
    for animation in chapter_run.animations:
        for key, o in animation.params["optimizers"].items():
            assert o["learning_rate"] == pytest.approx(n[f"{animation.name.replace('race', 'bowl')}_{key}_rate"])
    for e in chapter_run.context["ranked"]:
        line = chapter.finish_line(e, n["epochs"])
        assert line in chapter_run.context["caption"]


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
    # Adam's last step is rounding noise: the page states only a bound, which holds in
    # float32, in optax float64 and in NumPy float64.
    bound = n["bowl_adam_last_step_under"]
    assert max(last["adam"], n["bowl_adam_last_step"], n["bowl_adam_last_step64"]) < bound
    assert bound < 1e-6 * n["bowl_adam_rate"]
    assert agrees(n["valley_gd_loss_arrived"], n["valley_gd_loss_arrived64"])
    assert n["valley_gd_arrived64"] is None and n["valley_gd_final_distance64"] > 0.01
    assert n["valley_momentum_rate"] > n["valley_threshold"]
    assert n["valley_gd_rate"] < n["valley_threshold"]
    # "RMSProp is the touchy one": it arrives at the fewest rates of the grid.
    counts = {k: n[f"bowl_{k}_rates_arriving"] for k in OPTIMIZERS}
    assert min(counts, key=counts.get) == "rmsprop"
