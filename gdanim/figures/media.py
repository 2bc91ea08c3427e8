"""Render a chapter's figures to files: animations to MP4/GIF/poster (one render pass
feeding every encoder), stills to PNG, a lighter WebP copy of each poster and still for
the pages to show, and each animation's per-frame data to JSON."""
from __future__ import annotations

import json
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from gdanim.figures import sequence
from gdanim.core.config import Quality
from gdanim.core.values import Animation, Still

EXTENSIONS = {"mp4": "mp4", "gif": "gif", "poster": "png"}
# The pages show a lighter copy of each poster and still (WebP, see web_copy); the PNG
# stays the download. Lighthouse's phone (1.6 Mbit/s) waited on the posters' PNGs before
# its first paint.
WEB_COPY_COLOURS = 256
COVER_SIZE = (640, 360)   # the index's chapter images: sharp at 2x in a card, ~20 kB


@dataclass(frozen=True)
class MediaRecord:
    """Where an animation's files went (paths relative to the site root) and its shape."""

    scenario: str
    name: str
    title: str
    alt: str
    files: dict[str, str]
    width: int
    height: int
    frames: int
    fps: int
    params: dict
    frame_label: str
    key: str              # hash of everything that shapes the files (see cache.py)
    poster_frame: int

    @property
    def duration(self) -> float:
        return self.frames / self.fps


@dataclass(frozen=True)
class StillRecord:
    scenario: str
    name: str
    alt: str
    file: str
    width: int
    height: int
    web: str = ""         # the lighter copy the pages show (web_copy); "" before it existed


def still_files(slug: str, name: str) -> tuple[str, str]:
    """A still's PNG (the download) and its web copy (what the pages show)."""
    return f"media/{slug}/{name}.png", f"media/{slug}/{name}.webp"


def planned_files(animation: Animation, slug: str, formats: tuple[str, ...],
                  web: bool = True) -> dict[str, str]:
    """Site-relative paths of an animation's files, per format plus its frame data; with
    `web` (a site, not the slides kit) and a poster, the poster's web copy."""
    folder = f"media/{slug}"
    files = {fmt: f"{folder}/{animation.name}.{EXTENSIONS[fmt]}" for fmt in formats
             if fmt in EXTENSIONS}
    if web and "poster" in files:   # what the page shows; the PNG is the download
        files["poster_web"] = f"{folder}/{animation.name}.webp"
    files["frames"] = f"{folder}/{animation.name}.frames.json"
    if "frames" in formats:  # the PNG sequence for Beamer (see sequence.py)
        files["beamer"] = sequence.snippet_path(folder, animation.name)
        files["beamer_frames"] = sequence.folder_path(folder, animation.name)
    return files


def record(animation: Animation, slug: str, formats: tuple[str, ...], quality: Quality,
           size: tuple[int, int], key: str, web: bool = True) -> MediaRecord:
    return MediaRecord(slug, animation.name, animation.title, animation.alt,
                       planned_files(animation, slug, formats, web), size[0], size[1],
                       len(animation.frames), animation.fps or quality.fps,
                       animation.params, animation.frame_label, key,
                       animation.poster_frame)


@dataclass(frozen=True)
class CoverRecord:
    file: str
    width: int
    height: int


def render_animation(animation: Animation, slug: str, site: Path, formats: tuple[str, ...],
                     quality: Quality, on_frame: Callable[[], None] = lambda: None,
                     key: str = "", web: bool = True) -> MediaRecord:
    from gdanim.figures import encode, render

    scene = animation.make_scene(quality)
    if scene.n_frames != len(animation.frames):
        raise ValueError(f"{slug}/{animation.name}: scene has {scene.n_frames} frames, "
                         f"frame table {len(animation.frames)}")
    size = render.frame_size(scene)
    result = record(animation, slug, formats, quality, size, key, web)
    videos = {fmt: site / path for fmt, path in result.files.items()
              if fmt in formats and fmt in EXTENSIONS}
    with ExitStack() as stack:
        write = stack.enter_context(encode.media_writers(videos, size, result.fps,
                                                         animation.poster_frame))
        write_png = (stack.enter_context(sequence.png_sequence(
            site / result.files["beamer_frames"], animation.name, size, result.fps,
            result.frames, result.files["beamer_frames"])) if "frames" in formats else None)
        for i, frame in enumerate(render.frames(scene)):
            write(i, frame)
            if write_png:
                write_png(frame)
            on_frame()
    if "poster_web" in result.files:
        web_copy(site / result.files["poster"], site / result.files["poster_web"])
    (site / result.files["frames"]).write_text(json.dumps(frame_table(animation, result.fps),
                                                          separators=(",", ":")))
    return result


def frame_table(animation: Animation, fps: int) -> dict:
    """What the page's player shows for each frame: {label, fps, poster, names, frames:
    [{epoch, loss, params}]}; frame i is on screen from i/fps to (i+1)/fps seconds."""
    rows = animation.frames.rows()
    runs = list(animation.run_names)
    # Several runs side by side: params is [run][parameter], loss is [run].
    width = len((rows[0]["params"][0] if runs else rows[0]["params"])) if rows else 0
    names = list(animation.param_names)
    if len(names) != width:
        if names:
            raise ValueError(f"{animation.name}: {len(names)} param_names for {width} "
                             f"parameters")
        names = ["parameter"] if width == 1 else [f"parameter {i + 1}" for i in range(width)]
    table = {"label": animation.frame_label, "fps": fps, "poster": animation.poster_frame,
             "names": names, "frames": rows}
    if runs:
        table["runs"] = runs
    if any(e is not None for e in animation.left_plot):
        table["left"] = [None if e is None else int(e) for e in animation.left_plot]
    return table


def render_still(still: Still, slug: str, site: Path, quality: Quality) -> StillRecord:
    fig = still.make_figure(quality)
    path, web = still_files(slug, still.name)
    (site / path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(site / path, format="png")
    web_copy(site / path, site / web)
    width, height = (int(v) for v in fig.canvas.get_width_height())
    return StillRecord(slug, still.name, still.alt, path, width, height, web)


def render_cover(image: str, slug: str, site: Path) -> CoverRecord:
    """A small copy of one of the chapter's pictures (`image`, relative to the site) for
    the index: scaled to fit COVER_SIZE and reduced to 64 colours, which plots on
    white survive without visible change."""
    from PIL import Image

    from gdanim.figures.encode import atomic_path

    path = f"media/{slug}/cover.png"
    with Image.open(site / image) as picture:
        small = picture.convert("RGB")
    small.thumbnail(COVER_SIZE, Image.Resampling.LANCZOS)
    with atomic_path(site / path) as tmp:
        small.quantize(64, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            tmp, format="PNG", optimize=True)
    return CoverRecord(path, small.width, small.height)


def web_copy(png: Path, target: Path) -> None:
    """A lighter copy of the picture `png` for the pages to show: reduced to
    WEB_COPY_COLOURS colours without dithering (flat plot colours, antialiased lines and
    text survive with no visible change) and saved as lossless WebP, about a quarter
    to a third of the PNG's bytes. The PNG itself is left as it is, for download."""
    from PIL import Image

    from gdanim.figures.encode import atomic_path

    with Image.open(png) as picture:
        rgb = picture.convert("RGB")
    fewer = rgb.quantize(WEB_COPY_COLOURS, method=Image.Quantize.MEDIANCUT,
                         dither=Image.Dither.NONE).convert("RGB")
    with atomic_path(target) as tmp:
        fewer.save(tmp, format="WEBP", lossless=True, method=6)
