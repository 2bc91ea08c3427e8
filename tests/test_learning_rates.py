"""The divergence threshold, and what happens just either side of it."""
import json

import numpy as np
import pytest

from gdanim.maths.milestones import divergence_threshold, first_exit, first_within, freeze_after
from gdanim.maths.data import BELT_CM, BELT_INCHES, load_penguins
from gdanim.figures.encode import probe
from gdanim.maths.problems import belt_loss, penguin_loss
from gdanim.maths.train import gradient_descent


def belt():
    loss = belt_loss()
    best = np.linalg.lstsq(BELT_INCHES[:, None], BELT_CM, rcond=None)[0]
    return loss, 0.0, divergence_threshold(BELT_INCHES), best


def penguins():
    p = load_penguins()
    loss = penguin_loss()
    best = np.linalg.lstsq(p.design, p.y, rcond=None)[0]
    return loss, [-2.0, 0.0], divergence_threshold(p.design), best


def test_threshold_values():
    assert divergence_threshold(BELT_INCHES) == pytest.approx(
        1 / np.mean(BELT_INCHES ** 2))
    # z-scored feature with a column of ones: XᵀX/n is the identity, so 2/λ = 1.
    assert divergence_threshold(load_penguins().design) == pytest.approx(1.0)


@pytest.mark.parametrize("problem", [belt, penguins], ids=["belt", "penguins"])
def test_threshold_separates_converging_from_diverging(problem):
    loss, start, threshold, best = problem()

    def distance(run):  # from the least-squares answer, at the start and at the end
        gap = np.abs(np.asarray(run.params, float).reshape(len(run.params), -1) - best)
        return gap[0].max(), gap[-1].max()

    start_gap, end_gap = distance(gradient_descent(loss, start, 0.97 * threshold, 400))
    assert end_gap < start_gap / 100
    start_gap, end_gap = distance(gradient_descent(loss, start, 1.03 * threshold, 400))
    assert end_gap > start_gap * 100


def test_exit_and_freeze():
    params = np.array([[0.0, 0.0], [1.0, 2.0], [9.0, 0.0], [np.nan, 1.0]])
    assert first_exit(params, [-5, -5], [5, 5]) == 2
    assert first_exit(params[:2], [-5, -5], [5, 5]) is None
    frozen = freeze_after(params, 2)
    assert np.isfinite(frozen).all() and (frozen[3] == params[1]).all()
    assert first_within(np.array([3.0, 2.0, 1.005, 1.0]), 1.0) == 2


def test_diverging_runs_are_labelled_and_render_finite(built_site, manifest):
    """A diverged run is said one way everywhere (maths.verdicts: the epoch it diverged
    from), with the epoch it left the plot and its true loss at the end, never the
    value frozen where it left the plot."""
    from gdanim.core import text
    from gdanim.maths import verdicts

    n = manifest["numbers"]
    assert n["learning-rates.belt_diverges_diverged_at"] is not None
    assert n["learning-rates.penguin_diverges_diverged_at"] is not None
    assert n["learning-rates.belt_zigzags_diverged_at"] is None
    page = (built_site / "learning-rates.html").read_text()
    for tag in ("belt", "penguin"):
        k = f"learning-rates.{tag}_diverges"
        final, left = n[f"{k}_final_loss"], n[f"{k}_left_plot_at"]
        assert final > 1e3 * n[f"learning-rates.{tag}_about_right_final_loss"]
        said = f"diverged from epoch {n[f'{k}_diverged_at']}"
        assert said in page and text.number(final) in page
        assert left is not None and left >= n[f"{k}_diverged_at"]
    for a in (a for a in manifest["animations"] if a["scenario"] == "learning-rates"):
        assert "diverged from epoch" in a["alt"] and "left the plot at epoch" in a["alt"]
        frames = json.loads((built_site / a["files"]["frames"]).read_text(),
                            parse_constant=lambda c: pytest.fail(f"{c} in frames.json"))
        assert len(frames["frames"]) == a["frames"]
        assert probe(built_site / a["files"]["mp4"])["frames"] == a["frames"]
        # The readout's last loss of the diverged run is its true loss, as the page says.
        tag = "belt" if a["name"] == "belt" else "penguin"
        last = frames["frames"][-1]["loss"][-1]
        assert verdicts.number(last) == text.number(n[f"learning-rates.{tag}_diverges_final_loss"])
        assert frames["left"][-1] == n[f"learning-rates.{tag}_diverges_left_plot_at"]


def test_a_run_that_leaves_its_panel_stays_in_sight():
    """A diverged run's dot is drawn inside its panel (a triangle on the edge it
    crossed), and its note lies wholly inside the panel: neither is cut by the edge."""
    from types import SimpleNamespace

    from gdanim.chapters.learning_rates.scenes import rates_belt_scene
    from gdanim.core.config import QUALITIES
    from gdanim.core.values import FrameTable
    from gdanim.figures.render import frames as render_frames

    epochs = np.arange(6)
    calm = np.linspace(0, 2.5, 6)[:, None]
    wild = (2.5 + 2.5 * (-2.0) ** epochs)[:, None]          # 0, 7.5, -7.5, 22.5, ...
    runs = [SimpleNamespace(params=p, left_plot=left, diverged_at=left and 1,
                            label=f"run {k}")
            for k, (p, left) in enumerate([(calm, None)] * 3 + [(wild, 3)])]
    losses = np.column_stack([((r.params[:, 0, None] * BELT_INCHES - BELT_CM) ** 2).mean(1)
                              for r in runs])
    table = FrameTable(epoch=epochs, loss=losses,
                       params=np.stack([r.params for r in runs], axis=1))
    scene = rates_belt_scene(QUALITIES["draft"], runs, table, threshold=1.0, view=(-4, 9))
    for _ in render_frames(scene):
        pass                                             # leaves the last frame drawn
    renderer = scene.fig.canvas.get_renderer()
    ax = scene.fig.axes[3]
    box = ax.get_window_extent(renderer)
    dot = next(a for a in scene.moving if getattr(a, "axes", None) is ax
               and hasattr(a, "get_marker") and a.get_linestyle() == "None")
    assert dot.get_marker() in "^v<>", "the run that left is a triangle on the edge"
    x, y = ax.transData.transform(np.column_stack(dot.get_data()))[0]
    assert box.x0 <= x <= box.x1 and box.y0 <= y <= box.y1
    note = next(a for a in scene.moving if hasattr(a, "get_text") and a.axes is ax)
    assert note.get_visible() and "diverged from epoch 1" in note.get_text()
    extent = note.get_window_extent(renderer)
    assert box.x0 <= extent.x0 and extent.x1 <= box.x1
    assert box.y0 <= extent.y0 and extent.y1 <= box.y1
