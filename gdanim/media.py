"""Render a chapter's figures to files: animations to MP4/GIF/poster (one render pass
feeding every encoder), stills to PNG, and each animation's per-frame data to JSON."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from gdanim.config import Quality
from gdanim.scenarios import Animation, Still

EXTENSIONS = {"mp4": "mp4", "gif": "gif", "poster": "png"}


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


def planned_files(animation: Animation, slug: str, formats: tuple[str, ...]) -> dict[str, str]:
    """Site-relative paths of an animation's files, per format plus its frame data."""
    folder = f"media/{slug}"
    files = {fmt: f"{folder}/{animation.name}.{EXTENSIONS[fmt]}" for fmt in formats}
    files["frames"] = f"{folder}/{animation.name}.frames.json"
    return files


def record(animation: Animation, slug: str, formats: tuple[str, ...], quality: Quality,
           size: tuple[int, int], key: str) -> MediaRecord:
    return MediaRecord(slug, animation.name, animation.title, animation.alt,
                       planned_files(animation, slug, formats), size[0], size[1],
                       len(animation.frames), animation.fps or quality.fps,
                       animation.params, animation.frame_label, key)


def render_animation(animation: Animation, slug: str, site: Path, formats: tuple[str, ...],
                     quality: Quality, on_frame: Callable[[], None] = lambda: None,
                     key: str = "") -> MediaRecord:
    from gdanim import encode, render

    scene = animation.make_scene(quality)
    if scene.n_frames != len(animation.frames):
        raise ValueError(f"{slug}/{animation.name}: scene has {scene.n_frames} frames, "
                         f"frame table {len(animation.frames)}")
    size = render.frame_size(scene)
    result = record(animation, slug, formats, quality, size, key)
    videos = {fmt: site / path for fmt, path in result.files.items() if fmt in formats}
    with encode.media_writers(videos, size, result.fps, animation.poster_frame) as write:
        for i, frame in enumerate(render.frames(scene)):
            write(i, frame)
            on_frame()
    table = {"label": animation.frame_label, "fps": result.fps,
             "frames": animation.frames.rows()}
    (site / result.files["frames"]).write_text(json.dumps(table, separators=(",", ":")))
    return result


def render_still(still: Still, slug: str, site: Path, quality: Quality) -> StillRecord:
    fig = still.make_figure(quality)
    path = f"media/{slug}/{still.name}.png"
    (site / path).parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(site / path, format="png")
    width, height = (int(v) for v in fig.canvas.get_width_height())
    return StillRecord(slug, still.name, still.alt, path, width, height)
