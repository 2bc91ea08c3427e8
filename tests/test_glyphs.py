"""Reusing rasterised glyphs changes no pixel: frames are byte-identical with and
without the cache, for text that moves by fractions of a pixel, changes, is rotated,
bold, not antialiased, or mathtext."""
from __future__ import annotations

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from gdanim.figures import render
from gdanim.figures.glyphs import supported
from gdanim.core.values import Scene


def text_scene() -> Scene:
    fig = Figure(figsize=(4, 3), dpi=73)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    ax.plot([0, 1], [0, 1])
    readout = fig.text(0.02, 0.97, "", va="top", family="DejaVu Sans Mono",
                       bbox={"boxstyle": "round", "fc": "#f4f3ec"})
    label = ax.text(0, 0, "", fontsize=11, weight="bold", color="#D55E00")
    tilted = ax.text(0.5, 0.2, "", rotation=30)
    rough = ax.text(0.1, 0.8, "", antialiased=False)
    maths = ax.text(0.6, 0.6, "")

    def update(i: int) -> None:
        t = i / 7
        readout.set_text(f"epoch {i:4d}   loss {np.exp(-t):.4f}")
        label.set_position((0.13 * t % 1, 0.37 * t % 1))    # fractional pixel steps
        label.set_text(f"guess {t:.3f}")
        tilted.set_text(f"step {i}")
        rough.set_text(f"{i * 37 % 101}")
        maths.set_text(rf"$\theta = {t:.2f}$")

    return Scene(fig, [readout, label, tilted, rough, maths], update, 24)


def test_reused_glyphs_give_the_same_pixels():
    plain = [bytes(f) for f in render.frames(text_scene(), reuse_glyphs=False)]
    reused = [bytes(f) for f in render.frames(text_scene(), reuse_glyphs=True)]
    assert len(plain) == 24 and len(set(plain)) > 20     # the frames do change
    assert reused == plain


def test_this_matplotlib_is_supported():
    """If matplotlib's text drawing changes shape the cache turns itself off (still
    correct, only slower): this says so, so someone can update glyphs.py."""
    fig = Figure()
    assert supported(FigureCanvasAgg(fig).get_renderer())
