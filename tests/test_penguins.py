"""Chapters 5 and 6, the penguins: the lesson's numbers, the loss surface, and the built media."""
from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from gdanim.maths.data import load_penguins
from gdanim.figures.encode import probe
from gdanim.maths import problems
from gdanim.chapters.penguins_2d import chapter as penguins_2d

SLUG = "penguins-2d"
LESSON_FINAL = np.array([4.4573799e-08, 5.8944976e-01])
LESSON_LSTSQ_SLOPE = 0.58945111


@pytest.fixture(scope="module")
def penguins():
    return load_penguins()


@pytest.fixture(scope="module")
def trajectory():
    return penguins_2d.descend_penguins()


@pytest.fixture(scope="module")
def numbers(manifest) -> dict:
    prefix = f"{SLUG}."
    return {k[len(prefix):]: v for k, v in manifest["numbers"].items()
            if k.startswith(prefix)}


# -- the lesson's numbers ------------------------------------------------------------

def test_dropna_over_the_whole_frame_leaves_333(penguins):
    assert len(penguins.x) == len(penguins.y) == 333


def test_columns_are_z_scored_with_population_std(penguins):
    for z in (penguins.x, penguins.y):
        assert abs(z.mean()) < 1e-12
        assert z.std(ddof=0) == pytest.approx(1.0, abs=1e-12)


def test_design_is_ones_then_feature(penguins):
    X = penguins.design
    assert X.shape == (333, 2)
    assert np.all(X[:, 0] == 1.0)
    np.testing.assert_array_equal(X[:, 1], penguins.x)


def test_dot_product_for_the_second_penguin(penguins):
    prediction = penguins.design[1] @ np.array([2.0, 4.0])
    assert prediction == pytest.approx(-1.2911514669828215, abs=1e-12)


def test_start_loss_is_five(penguins, trajectory):
    X, y = penguins.design, penguins.y
    assert np.mean((X @ np.array([-2.0, 0.0]) - y) ** 2) == pytest.approx(5.0, abs=1e-12)
    assert trajectory.loss[0] == pytest.approx(5.0, abs=1e-5)


def test_descent_ends_at_the_lesson_values(trajectory):
    assert trajectory.params.shape == (penguins_2d.EPOCHS + 1, 2)
    intercept, slope = trajectory.final
    assert abs(intercept) < 1e-6
    assert abs(intercept - LESSON_FINAL[0]) < 1e-6
    assert slope == pytest.approx(LESSON_FINAL[1], abs=1e-6)


def test_closed_form_slope():
    intercept, slope = problems.closed_form()
    assert slope == pytest.approx(LESSON_LSTSQ_SLOPE, abs=1e-8)
    assert abs(intercept) < 1e-12


def test_descent_reaches_the_closed_form(trajectory):
    np.testing.assert_allclose(trajectory.final, problems.closed_form(), atol=1e-4)


def test_loss_never_rises_beyond_float32_noise(trajectory):
    noise = 4 * np.spacing(np.float32(trajectory.loss[-1]))   # a few units in the last place
    assert np.all(np.diff(trajectory.loss) <= noise)
    assert np.all(np.diff(trajectory.loss[:300]) < 0)


def test_grams_per_mm_round_trip(penguins):
    """The converted line predicts, in grams, exactly what the z-scored line predicts."""
    b, m = 0.1, 0.6
    at_zero, per_mm = penguins.to_grams_per_mm(b, m)
    z_prediction = b + m * penguins.x
    grams = penguins.mass_g.mean() + z_prediction * penguins.mass_g.std()
    np.testing.assert_allclose(at_zero + per_mm * penguins.bill_mm, grams, rtol=1e-12)


# -- the loss surface -----------------------------------------------------------------

def test_vmapped_surface_matches_numpy(penguins):
    intercepts = np.linspace(-2.6, 2.6, 27)
    slopes = np.linspace(-2.0, 3.2, 21)
    surface = problems.loss_surface(intercepts, slopes)
    assert surface.shape == (len(slopes), len(intercepts))   # rows follow the slope
    X, y = penguins.design, penguins.y
    for row, col in [(0, 0), (0, 26), (20, 0), (20, 26), (10, 13), (4, 7)]:
        expected = np.mean((X @ np.array([intercepts[col], slopes[row]]) - y) ** 2)
        assert surface[row, col] == pytest.approx(expected, rel=1e-5)


def test_surface_bottom_is_the_closed_form(penguins):
    intercepts = np.linspace(-1, 1, 201)
    slopes = np.linspace(-0.41, 1.59, 201)   # step 0.01: passes within 0.005 of 0.589
    surface = problems.loss_surface(intercepts, slopes)
    row, col = np.unravel_index(np.argmin(surface), surface.shape)
    best = problems.closed_form()
    assert abs(intercepts[col] - best[0]) <= 0.005 + 1e-9
    assert abs(slopes[row] - best[1]) <= 0.005 + 1e-9


# -- the chapter's numbers, manifest and media -----------------------------------------

def test_the_vectors_chapter_carries_its_numbers(manifest):
    n = {k.split(".", 1)[1]: v for k, v in manifest["numbers"].items()
         if k.startswith("vectors.")}
    assert n["penguins"] == 333 and n["design_shape"] == [333, 2]
    assert n["check_prediction"] == pytest.approx(-1.2911514669828215, abs=1e-12)
    # The flat first guess: 2² from the offset plus the z-scored masses' variance, 1.
    assert n["start_loss"] == pytest.approx(5.0, abs=1e-5)
    assert n["start"] == [-2.0, 0.0]


def test_manifest_carries_the_page_numbers(numbers):
    assert numbers["penguins"] == 333
    assert numbers["start_loss"] == pytest.approx(5.0, abs=1e-5)
    assert numbers["final_slope"] == pytest.approx(LESSON_FINAL[1], abs=1e-6)
    assert abs(numbers["final_intercept"]) < 1e-6
    assert numbers["lstsq_slope"] == pytest.approx(LESSON_LSTSQ_SLOPE, abs=1e-8)
    assert numbers["learning_rate"] == 0.01 and numbers["epochs"] == 1000
    assert numbers["grams_per_mm"] == pytest.approx(
        numbers["lstsq_slope"] * numbers["mass_std_g"] / numbers["bill_std_mm"], rel=1e-5)
    assert numbers["shrink_per_epoch"] == pytest.approx(0.98, abs=1e-4)


def _animation(manifest) -> dict:
    [entry] = [a for a in manifest["animations"]
               if a["scenario"] == SLUG and a["name"] == "descent"]
    return entry


def test_animation_decodes_with_every_frame(built_site, manifest):
    entry = _animation(manifest)
    table = json.loads((built_site / entry["files"]["frames"]).read_text())
    assert len(table["frames"]) == entry["frames"]
    for fmt in ("mp4", "gif"):
        info = probe(built_site / entry["files"][fmt])
        assert info["frames"] == entry["frames"], fmt
        assert (info["width"], info["height"]) == (entry["width"], entry["height"])
    mp4 = probe(built_site / entry["files"]["mp4"])
    assert (mp4["codec"], mp4["pix_fmt"]) == ("h264", "yuv420p")
    assert (built_site / entry["files"]["poster"]).stat().st_size > 0


def test_the_vectors_animation_tries_guesses_from_the_first_to_the_bottom(built_site, manifest):
    """Chapter 5's guesses: counted as guesses, from the first guess (loss 5) to a line
    next to the best fit, each frame's loss the MSE of its line, held frames not counted."""
    [entry] = [a for a in manifest["animations"] if a["scenario"] == "vectors"]
    table = json.loads((built_site / entry["files"]["frames"]).read_text())
    frames = table["frames"]
    assert table["label"] == "guess"
    assert probe(built_site / entry["files"]["mp4"])["frames"] == len(frames) == entry["frames"]
    p = load_penguins()
    params = np.array([f["params"] for f in frames])
    losses = np.array([f["loss"] for f in frames])
    np.testing.assert_allclose(losses, np.mean((params @ p.design.T - p.y) ** 2, axis=1),
                               rtol=1e-9)
    np.testing.assert_allclose(params[0], problems.PENGUIN_START)
    assert losses[0] == pytest.approx(5.0, abs=1e-6)
    best = problems.closed_form()
    assert np.linalg.norm(params[-1] - best) < 0.05          # ends beside the star
    assert losses[-1] < 1.01 * float(np.mean((p.design @ best - p.y) ** 2))
    guesses = [f["epoch"] for f in frames]
    assert guesses == sorted(guesses) and guesses[-1] == guesses[-2]   # held, not counted


def test_frame_table_has_two_params_per_frame(built_site, manifest):
    entry = _animation(manifest)
    frames = json.loads((built_site / entry["files"]["frames"]).read_text())["frames"]
    params = np.array([f["params"] for f in frames])
    epochs = [f["epoch"] for f in frames]
    assert params.shape == (entry["frames"], 2)
    assert epochs[0] == 0 and epochs[-1] == 1000
    assert epochs == sorted(epochs)
    np.testing.assert_allclose(params[0], [-2.0, 0.0])


def test_stills_are_written_with_alt_text(built_site, manifest, numbers):
    stills = {s["name"]: s for s in manifest["stills"] if s["scenario"] == SLUG}
    # The chapter's figure, and the explorer's three pictures.
    assert set(stills) == {"fit", "explore-landscape", "explore-data", "explore-loss"}
    for still in stills.values():
        assert (built_site / still["file"]).stat().st_size > 0
    # The 3-D bowl is the vectors chapter's (the loss of every guess, before descent).
    bowl = next(s for s in manifest["stills"] if s["scenario"] == "vectors" and
                s["name"] == "surface")
    assert f"{numbers['lstsq_slope']:.3f}" in bowl["alt"]
    assert f"{numbers['grams_per_mm']:.1f} g" in stills["fit"]["alt"]


def test_page_shows_computed_numbers(built_site, numbers):
    vectors = (built_site / "vectors.html").read_text()
    assert "−1.2911514669828215" in vectors         # the full-precision dot product
    assert "intercept first" in vectors
    assert "media/vectors/first-guess.webp" in vectors
    page = (built_site / f"{SLUG}.html").read_text()
    # The intercept is float32 noise around 0, and the page says so (not 4 digits of it).
    from gdanim.core import text
    assert text.about_zero(numbers["final_intercept"], text.NOISE) in page
    assert f"{numbers['final_intercept']:.3e}".replace("-", "\u2212") not in page
    assert f"{numbers['lstsq_slope']:.8f}" in page
    assert "media/vectors/surface.png" in vectors
    for name in ("descent.mp4", "fit.png"):
        assert f"media/{SLUG}/{name}" in page


def test_scenario_import_stays_light():
    """`generate.py list` must not pay for JAX or matplotlib."""
    code = ("import sys, gdanim.chapters; "
            "print(sorted(m for m in ('jax', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"


def test_the_explorer_draws_the_round_bowl_round(built_site):
    """The page says the z-scored bowl's height lines are circles: the explorer's contour
    plot gives a unit of intercept as many pixels as a unit of slope."""
    import re

    page = (built_site / f"{SLUG}.html").read_text(encoding="utf-8")
    data = json.loads(re.search(r'<script type="application/json" class="explorer-data">(.*?)'
                                r'</script>', page, re.S).group(1))
    land = data["panels"]["landscape"]
    img = re.search(r'data-panel="landscape">\s*<img src="[^"]+" width="(\d+)" height="(\d+)"',
                    page)
    width, height = (int(v) for v in img.groups())
    left, bottom, across, up = land["rect"]
    per_pixel_x = (land["xlim"][1] - land["xlim"][0]) / (width * across)
    per_pixel_y = (land["ylim"][1] - land["ylim"][0]) / (height * up)
    assert per_pixel_x == pytest.approx(per_pixel_y, rel=0.02)
    assert "circles" in page
