"""Reuse rasterised glyphs while drawing frames, pixel for pixel as matplotlib would.

A moving readout ("epoch 12  slope +0.5894 ...") is redrawn every frame, and
matplotlib's Agg renderer asks FreeType to rasterise each of its glyphs anew: about
three quarters of a frame's drawing time. A glyph moved by whole pixels rasterises to
the same bitmap, moved, so bitmaps are kept by (font, size, glyph, sub-pixel offset) and
only the whole-pixel position changes. Horizontal text only; anything else (rotated
text, mathtext rules) goes to matplotlib unchanged. Frames are byte-identical with and
without this (tests/test_glyphs.py checks it), and it switches itself off if
matplotlib's renderer changes shape.
"""
from __future__ import annotations

from contextlib import contextmanager
from typing import Iterator

import numpy as np

MAX_GLYPHS = 20_000      # bitmaps kept (each a few hundred bytes): memory stays flat
_IDENTITY = (0x10000 * np.eye(2)).round().astype(int)


def supported(renderer) -> bool:
    """Whether this matplotlib draws text the way the cache expects (matplotlib 3.11:
    `_draw_text_glyphs_and_boxes` with FreeType's `_set_transform`/`_render_glyph`)."""
    from matplotlib import ft2font

    return (hasattr(renderer, "_draw_text_glyphs_and_boxes")
            and hasattr(ft2font.FT2Font, "_render_glyph")
            and hasattr(ft2font.FT2Font, "_set_transform")
            and hasattr(renderer, "_renderer")
            and hasattr(renderer._renderer, "draw_text_image"))


@contextmanager
def cached_glyphs(renderer) -> Iterator[None]:
    """While active, `renderer` (a RendererAgg) reuses glyph bitmaps."""
    if not supported(renderer):
        yield
        return
    from matplotlib.backends.backend_agg import get_hinting_flag
    from matplotlib.ft2font import RenderMode

    original = renderer._draw_text_glyphs_and_boxes
    bitmaps: dict[tuple, tuple[np.ndarray, int, int]] = {}

    def draw(gc, x, y, angle, glyphs, boxes):
        if angle or boxes:
            return original(gc, x, y, angle, glyphs, boxes)
        flags, antialiased = get_hinting_flag(), gc.get_antialiased()
        height = renderer.height
        for font, size, glyph, slant, extend, dx, dy in glyphs:
            # The same arithmetic as matplotlib's, at angle 0 (cos 1, sin 0).
            matrix = (_IDENTITY if (slant, extend) == (0, 1) else
                      (0x10000 * np.array([[extend, extend * slant], [0, 1]])
                       ).round().astype(int))
            px, py = round(0x40 * (x + dx)), round(0x40 * (height - y + dy))
            key = (font.fname, size, renderer.dpi, glyph, matrix.tobytes(), px & 63,
                   py & 63, flags, antialiased)
            cached = bitmaps.get(key)
            if cached is None:
                font.set_size(size, renderer.dpi)
                font._set_transform(matrix, [px & 63, py & 63])
                bitmap = font._render_glyph(
                    glyph, flags, RenderMode.NORMAL if antialiased else RenderMode.MONO)
                buffer = np.array(bitmap.buffer)
                if not antialiased:
                    buffer *= 0xff
                if len(bitmaps) >= MAX_GLYPHS:
                    bitmaps.clear()
                cached = bitmaps[key] = (buffer, bitmap.left, bitmap.top)
            buffer, left, top = cached
            top += py >> 6
            renderer._renderer.draw_text_image(
                buffer, left + (px >> 6), int(height) - top + buffer.shape[0], 0, gc)

    renderer._draw_text_glyphs_and_boxes = draw
    try:
        yield
    finally:
        del renderer._draw_text_glyphs_and_boxes     # back to the class's own method
