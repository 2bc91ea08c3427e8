"""The per-frame table the page's player reads beside each video."""
from __future__ import annotations

import numpy as np
import pytest

from gdanim.figures.media import frame_table
from gdanim.core.values import Animation, FrameTable


def animation(params, names=()) -> Animation:
    frames = FrameTable(epoch=np.array([0, 1, 5]), loss=np.array([3.0, 2.0, 1.0]),
                        params=np.asarray(params, dtype=float))
    return Animation(name="a", title="A", alt="a", make_scene=lambda q: None, frames=frames,
                     poster_frame=1, params={}, param_names=names)


def test_frame_table_names_the_parameters_and_the_poster():
    table = frame_table(animation([[0.0, 1.0], [0.5, 1.5], [1.0, 2.0]],
                                  ("intercept", "slope")), fps=8)
    assert table["names"] == ["intercept", "slope"]
    assert (table["label"], table["fps"], table["poster"]) == ("epoch", 8, 1)
    assert table["frames"][2] == {"epoch": 5, "loss": 1.0, "params": [1.0, 2.0]}


@pytest.mark.parametrize("params, names", [
    ([0.0, 0.5, 1.0], ["parameter"]),
    ([[0, 1], [0, 1], [0, 1]], ["parameter 1", "parameter 2"])])
def test_unnamed_parameters_get_plain_names(params, names):
    assert frame_table(animation(params), fps=8)["names"] == names


def test_a_name_per_parameter_or_none():
    with pytest.raises(ValueError, match="1 param_names for 2 parameters"):
        frame_table(animation([[0, 1], [0, 1], [0, 1]], ("multiplier",)), fps=8)
