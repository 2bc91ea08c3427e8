"""Turn a Scene into raw RGBA frames: draw the static layers once, then per frame
restore that background and draw only the moving artists (blitting)."""
from __future__ import annotations

from typing import Iterator

from gdanim.core.values import Scene


def frames(scene: Scene, reuse_glyphs: bool = True) -> Iterator[bytes]:
    """Yield each frame's RGBA bytes. The buffer is reused: consume before the next.
    `reuse_glyphs` keeps rasterised text between frames (same pixels, see glyphs.py)."""
    from gdanim.figures.glyphs import cached_glyphs

    fig = scene.fig
    canvas = fig.canvas
    for artist in scene.moving:
        artist.set_animated(True)       # left out of the full draw below
    canvas.draw()
    background = canvas.copy_from_bbox(fig.bbox)
    renderer = canvas.get_renderer()
    with (cached_glyphs(renderer) if reuse_glyphs else _nothing()):
        for i in range(scene.n_frames):
            canvas.restore_region(background)
            scene.update(i)
            for artist in scene.moving:
                fig.draw_artist(artist)
            yield memoryview(canvas.buffer_rgba()).cast("B")


def frame_size(scene: Scene) -> tuple[int, int]:
    return tuple(int(v) for v in scene.fig.canvas.get_width_height())


def _nothing():
    from contextlib import nullcontext

    return nullcontext()
