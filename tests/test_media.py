"""The per-frame table the page's player reads beside each video, and the lighter web
copy of a poster that the page shows."""
from __future__ import annotations

import numpy as np
import pytest

from gdanim.figures.media import WEB_COPY_COLOURS, frame_table, planned_files, web_copy
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


def plot_png(path) -> None:
    """A small plot like the posters: filled contours (many shades), a line, text."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 3.6), dpi=100)
    x, y = np.meshgrid(np.linspace(-2, 2, 200), np.linspace(-1, 1, 100))
    ax.contourf(x, y, x ** 2 + 4 * y ** 2, levels=40)
    ax.plot([-2, 0], [0, 0.6], color="black", linewidth=2)
    ax.set_title("Paths on the loss surface")
    fig.savefig(path, format="png")
    plt.close(fig)


def test_the_web_copy_is_webp_the_same_size_close_and_lighter(tmp_path):
    from PIL import Image

    png, webp = tmp_path / "a.png", tmp_path / "a.webp"
    plot_png(png)
    before = png.read_bytes()
    web_copy(png, webp)
    assert png.read_bytes() == before                       # the download is untouched
    with Image.open(png) as a, Image.open(webp) as b:
        assert b.format == "WEBP" and b.size == a.size
        original, shown = (np.asarray(im.convert("RGB"), dtype=int) for im in (a, b))
    assert len(np.unique(shown.reshape(-1, 3), axis=0)) <= WEB_COPY_COLOURS
    difference = np.abs(original - shown)
    assert difference.mean() < 1.0 and np.percentile(difference, 99.9) < 24
    assert webp.stat().st_size < png.stat().st_size


def test_a_web_copy_is_planned_only_with_a_poster():
    a = animation([0.0, 0.5, 1.0])
    assert planned_files(a, "ch", ("mp4", "poster"))["poster_web"] == "media/ch/a.webp"
    assert "poster_web" not in planned_files(a, "ch", ("mp4", "gif"))
    assert "poster_web" not in planned_files(a, "ch", ("mp4", "poster"), web=False)  # a kit
