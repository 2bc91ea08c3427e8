"""Sweeps: many runs in one compiled call, each equal to the lesson's single run, and
verdicts that say what a reader would see."""
from __future__ import annotations

import numpy as np

from gdanim.maths.data import BELT_CM, BELT_INCHES
from gdanim.maths.milestones import divergence_threshold
from gdanim.maths.problems import belt_loss, penguin_loss, closed_form
from gdanim.maths.sweeps import judge, kept_epochs, sweep
from gdanim.maths.train import gradient_descent


def numpy_belt(rate: float, start: float, epochs: int) -> np.ndarray:
    """Gradient descent on the belt MSE in float64 NumPy: the multiplier by epoch."""
    m, out = start, [start]
    for _ in range(epochs):
        m = m - rate * np.mean(2 * (m * BELT_INCHES - BELT_CM) * BELT_INCHES)
        out.append(m)
    return np.array(out)


def test_every_run_of_a_sweep_is_the_single_run():
    threshold = divergence_threshold(BELT_INCHES)
    rates = np.array([1e-5, 0.5 * threshold, 0.9 * threshold, 1.1 * threshold])
    starts = np.array([[0.0], [4.0]])
    s = sweep(lambda p: belt_loss()(p[0]), starts, rates, 200, keep=np.arange(201))
    assert s.params.shape == (4, 2, 201, 1) and s.loss.shape == (4, 2, 201)
    for i, rate in enumerate(rates):
        for j, start in enumerate(starts[:, 0]):
            single = gradient_descent(belt_loss(), float(start), float(rate), 200)
            np.testing.assert_array_equal(s.params[i, j, :, 0], single.params)
            reference = numpy_belt(float(rate), float(start), 200)
            np.testing.assert_allclose(s.params[i, j, :30, 0], reference[:30], rtol=1e-4)


def test_verdicts_follow_the_threshold():
    """The sweep says what verdicts.verdict says: below the threshold a run converges,
    zig-zagging or not (it still gets closer), past it it diverges."""
    threshold = divergence_threshold(BELT_INCHES)
    best = np.array([np.sum(BELT_INCHES * BELT_CM) / np.sum(BELT_INCHES ** 2)])
    rates = np.array([1e-7, 0.3, 0.7, 0.98, 1.05, 1.5]) * threshold
    s = sweep(lambda p: belt_loss()(p[0]), [[0.0]], rates, 400, best=best)
    assert list(s.verdict[:, 0]) == ["creeps", "converges", "converges", "converges",
                                     "diverges", "diverges"]
    assert s.diverged_at[4, 0] >= s.diverged_at[5, 0] >= 1
    assert not np.isfinite(s.loss[5, 0, -1]) or s.loss[5, 0, -1] > s.loss[4, 0, -1]
    assert s.arrived_at[1, 0] > 0 and s.arrived_at[0, 0] == -1
    assert s.distance[1, 0] < 0.01 and s.distance[0, 0] > 0.5


def test_a_two_parameter_sweep_lands_on_least_squares():
    best = closed_form()
    s = sweep(penguin_loss(), [[-2.0, 0.0], [2.0, 2.0]], [0.05, 0.5], 300, best=best)
    assert (s.verdict == "converges").all()
    assert (s.distance < 0.01).all() and (s.arrived_at > 0).all()
    assert s.arrived_at[1, 0] < s.arrived_at[0, 0]   # the bigger step gets there sooner


def test_kept_epochs_start_dense_and_end_at_the_last():
    kept = kept_epochs(1000)
    assert kept[0] == 0 and kept[-1] == 1000 and list(kept[:11]) == list(range(11))
    assert len(kept) <= 64 and (np.diff(kept) > 0).all()
    assert list(kept_epochs(20)) == list(range(21))


def test_judge_marks_nan_runs_as_diverged_where_they_blow_up():
    loss = np.array([[1.0, 0.5, 4.0, np.inf, np.nan]])
    params = np.array([[[0.0], [1.0], [3.0], [np.inf], [np.nan]]])
    verdict, diverged, arrived, _ = judge(params, loss)
    assert verdict[0] == "diverges" and diverged[0] == 2 and arrived[0] == -1
