"""The lesson's numbers, computed by the chapters, against the values the lesson shows."""
import numpy as np
import pytest

from gdanim.core.config import QUALITIES
from gdanim.chapters import SCENARIOS, get


@pytest.fixture(scope="module")
def numbers():
    return {slug: get(slug).run(QUALITIES["draft"]).numbers
            for slug in ["guess-and-check", "grid-search", "slopes", "descent-1d"]}


def test_chapters_in_reading_order():
    assert list(SCENARIOS) == ["guess-and-check", "grid-search", "slopes", "descent-1d",
                               "vectors",
                               "penguins-2d", "learning-rates", "mini-batches", "optimizers",
                               "bumpy"]


def test_unknown_scenario_names_the_choices():
    with pytest.raises(KeyError, match="choose from: guess-and-check"):
        get("nope")


def test_guess_and_check(numbers):
    n = numbers["guess-and-check"]
    assert round(n["mse_at_1_5"], 4) == 1728.2125
    assert round(n["mse_at_1_7"], 4) == 1128.2125
    errors = n["errors_at_1_5"]
    assert errors[:3] == pytest.approx([-31.25, -34.25, -36.25])
    assert errors[-1] == pytest.approx(-50.25)


def test_grid_search(numbers):
    n = numbers["grid-search"]
    assert n["candidates"] == 50
    assert n["best_multiplier"] == 2.5510204081632653


def test_slopes_with_jax_float32(numbers):
    n = numbers["slopes"]
    assert f"{n['loss_at_1_7']:.4f}" == "1128.2124"
    assert f"{n['slope_at_1_7']:.4f}" == "-2681.3499"
    assert n["slope_at_1_7"] < 0 < n["slope_at_3_5"]
    # The walls get steeper away from the bottom.
    assert n["slope_at_0"] < n["slope_at_1"] < n["slope_at_1_7"]


def test_descent_1d(numbers):
    n = numbers["descent-1d"]
    assert f"{n['final_multiplier']:.3f}" == "2.541"
    assert n["first_step"] > n["tenth_step"] > n["last_step"] >= 0


def test_descent_frames_cover_start_and_end():
    chapter = get("descent-1d").run(QUALITIES["web"])
    frames = chapter.animations[0].frames
    assert frames.epoch[0] == 0 and frames.epoch[-1] == 1000
    assert np.all(np.diff(frames.epoch) >= 0)
    # Early epochs are shown densely: each of the first ten is a frame.
    assert set(range(10)) <= set(frames.epoch.tolist())
