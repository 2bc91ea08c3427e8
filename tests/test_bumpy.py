"""The bumpy chapter: its minima and saddle, where each start lands (float32 and float64),
the saddle run that never moves, and the schedule's claim, all checked from scratch."""
import numpy as np
import pytest

from gdanim.chapters.bumpy import chapter
from gdanim.maths import bumpy


@pytest.fixture(scope="module")
def chapter_run():
    from gdanim.core.config import QUALITIES
    from gdanim.chapters import get

    return get("bumpy").run(QUALITIES["draft"])


def test_gradient_is_the_derivative_of_the_loss():
    p, h = np.array([0.7, -1.3]), 1e-6
    numeric = [(bumpy.loss(p + h * e) - bumpy.loss(p - h * e)) / (2 * h) for e in np.eye(2)]
    np.testing.assert_allclose(bumpy.gradient(p), numeric, rtol=1e-6)


def test_two_mirror_minima_and_a_saddle(chapter_run):
    n = chapter_run.numbers
    m = np.array(n["minimum"])
    assert np.abs(bumpy.gradient(m)).max() < 1e-10
    assert np.abs(bumpy.gradient(-m)).max() < 1e-10
    assert bumpy.loss(m) == pytest.approx(bumpy.loss(-m), rel=1e-12)
    assert (np.linalg.eigvalsh(bumpy.hessian(m)) > 0).all()        # a minimum
    curv = np.linalg.eigvalsh(bumpy.hessian(np.zeros(2)))
    assert curv[0] < 0 < curv[1]                                   # a saddle
    assert np.abs(bumpy.gradient(np.zeros(2))).max() == 0
    # No lower point on a fine grid over the drawn view.
    grid = np.stack(np.meshgrid(np.linspace(-3, 3, 121), np.linspace(-3, 3, 121)), -1)
    assert bumpy.loss(grid.reshape(-1, 2)).min() >= n["minimum_loss"] - 1e-12


def test_where_each_start_lands_in_float32_and_float64(chapter_run):
    n = chapter_run.numbers
    m = np.array(n["minimum"])
    params64 = chapter.descend64(chapter.STARTS, chapter.RATE, chapter.EPOCHS)
    for k, name in enumerate(chapter.START_NAMES):
        lands = chapter.where_it_lands(params64[k, -1], (m, -m))
        assert n[f"start_{name}_lands"] == n[f"start_{name}_lands64"] == lands
        assert lands in "+-"
    # Which valley: the page's table, from scratch.
    assert [n[f"start_{s}_lands"] for s in chapter.START_NAMES] == ["-", "+", "+", "-", "+"]
    # The start next to the saddle lingers longer than any other.
    lingers = [n[f"start_{s}_linger"] for s in chapter.START_NAMES]
    assert lingers[-1] == max(lingers) and lingers[-1] > 2 * max(lingers[:-1])
    assert n["paths_hold"]


def test_a_run_on_the_saddle_never_moves(chapter_run):
    from gdanim.maths.sweeps import sweep

    s = sweep(bumpy.jax_loss(), [(0.0, 0.0)], [chapter.RATE], 20, keep=np.arange(21))
    assert (s.params == 0).all()
    assert chapter_run.numbers["saddle_run_moves"] is False


def test_decaying_rate_settles_where_the_constant_one_bobs(chapter_run):
    n = chapter_run.numbers
    runs, runs64, order, _ = chapter.schedule()
    x, y = bumpy.data()
    late = slice(len(order) // 2, None)
    m = np.array(n["minimum"])
    for key in ("constant", "decaying"):
        np.testing.assert_allclose(runs[key].params, runs64[key], rtol=1e-3, atol=1e-4)
        gap64 = bumpy.loss(runs64[key], x, y)[late] - n["minimum_loss"]
        assert n[f"schedule_{key}_late_median64"] == pytest.approx(np.median(gap64))
    assert n["schedule_holds"]
    assert n["schedule_decaying_late_median64"] < n["schedule_constant_late_median64"] / 5
    assert n["schedule_decaying_final_distance64"] < n["schedule_constant_final_distance64"]
