"""The optimizer race figure: a path that leaves the surface panel is marked where it
goes out, and the 1% labels sit where no curve can cover them."""
from types import SimpleNamespace

import numpy as np


def _scene(params_b):
    from gdanim.core.config import QUALITIES
    from gdanim.core.values import FrameTable
    from gdanim.figures.scenes.race import race_scene

    rows = len(params_b)
    calm = np.column_stack([np.linspace(-0.8, 0, rows), np.linspace(0, 0.5, rows)])
    runs = [SimpleNamespace(params=p, loss=np.geomspace(2, 1.001, rows)) for p in (calm, params_b)]
    frames = FrameTable(epoch=np.arange(rows), loss=np.ones((rows, 2)),
                        params=np.stack([calm, params_b], axis=1))
    return race_scene(QUALITIES["draft"], runs, frames, best_loss=1.0,
                      background=lambda ax: ax.set(xlim=(-1, 1), ylim=(-1, 1)),
                      keys=["gd", "momentum"], legend=["Gradient descent", "Momentum"],
                      best_params=[0.0, 0.5], labels=("intercept", "slope"))


def _edge_marks(scene, surface):
    """The lines drawn on the panel's edge: markers not clipped by it (the runs' own
    heads are)."""
    return [a for a in scene.moving if getattr(a, "axes", None) is surface
            and hasattr(a, "get_marker") and not a.get_clip_on()]


def test_a_path_that_leaves_the_panel_is_marked_on_its_edge():
    from gdanim.figures.render import frames

    rows = 8
    wild = np.column_stack([np.linspace(-0.8, 0, rows), [0, 3.2, -0.4, 1.5, 0.6, 0.5, 0.5, 0.5]])
    scene = _scene(wild)
    for _ in frames(scene):
        pass
    surface = scene.fig.axes[0]
    marks = _edge_marks(scene, surface)
    assert len(marks) == 1 and marks[0].get_visible() and marks[0].get_marker() == "^"
    x, y = marks[0].get_data()
    assert y[0] == surface.get_ylim()[1]                # on the top edge
    note = next(a for a in scene.moving if hasattr(a, "get_text") and a.axes is surface)
    assert note.get_visible() and "Momentum: slope 3.2" in note.get_text()


def test_a_path_that_stays_in_gets_no_mark_and_the_one_percent_labels_sit_outside():
    scene = _scene(np.column_stack([np.linspace(-0.8, 0, 8), np.linspace(0, 0.5, 8)]))
    surface = scene.fig.axes[0]
    assert not _edge_marks(scene, surface)
    labels = [t for ax in scene.fig.axes[1:] for t in ax.texts if t.get_text() == "1%"]
    assert len(labels) == 2 and all(t.get_position()[0] > 1 for t in labels)
