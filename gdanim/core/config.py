"""Build settings as values: qualities, formats, the site's details and a checked build
config (gdanim/options.py parses and checks them at the command line)."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

FORMATS = ("mp4", "gif", "poster", "frames")  # frames: opt-in PNG sequence for Beamer


@dataclass(frozen=True)
class Quality:
    """How big and how smooth the media are. Layout is identical at every quality:
    only the pixel density (dpi), the number of frames and, for slides, the size of
    type against the picture (`type_scale`, for the back of a lecture hall) change."""

    name: str
    dpi: int          # figures are 12.8 x 7.2 inches, so dpi 100 gives 1280 x 720
    fps: int
    frames: int       # target frame count for a trajectory animation
    hold: int         # frames the last picture is held before the loop restarts
    every_item: bool  # sweeps (grid candidates, epochs of a short run) show every item
    type_scale: float = 1.0  # type and lines this much larger against the picture

    def sweep_frames(self, items: int, cap: int | None = None) -> int:
        """Frames for an animation that steps through `items` things one by one: all of
        them (up to `cap`) when `every_item`, else the quality's frame target."""
        return min(items, cap or items) if self.every_item else min(items, self.frames)

    @property
    def size(self) -> tuple[int, int]:
        return (round(12.8 * self.dpi), round(7.2 * self.dpi))


QUALITIES = {
    # type_scale 1.2 on the site: a 1280-px frame shown 360 px wide on a phone has tick
    # labels of 6 px and titles of 8 px (5 and 7 at 1.0); more crowds the panels (at 1.35
    # titles, legends and readouts run into each other). Draft previews the same layout.
    "draft": Quality("draft", dpi=50, fps=8, frames=16, hold=2, every_item=False,
                     type_scale=1.2),
    "web": Quality("web", dpi=100, fps=20, frames=120, hold=20, every_item=True,
                   type_scale=1.2),
    # 1920 x 1080 for projectors; a slower frame rate and a 2-3 s hold on the result
    # leave time to talk over each clip (see gdanim/outputs/kit/ for the kit).
    # type_scale stays 1.0: ticks are then 27 px (1/40 of the height), the readout 35 px;
    # at 1.1 the optimizer race's legend and readout run off the frame.
    "slides": Quality("slides", dpi=150, fps=15, frames=120, hold=36, every_item=True,
                      type_scale=1.0),
}


@dataclass(frozen=True)
class SiteInfo:
    """What gdanim.toml says about the whole site: its [site] table, and its
    [homework] table's checked values (gdanim/chapters/homework.py), as sorted
    (key, value) pairs; () for the defaults."""

    title: str = "Gradient descent, step by step"
    author: str = ""
    site_url: str = ""        # the public address, ending in "/"; "": relative links only
    repository: str = ""      # the source repository's address (About page, Colab link)
    homework: tuple = ()      # ((key, value), ...): the homework's own settings


@dataclass(frozen=True)
class BuildConfig:
    out: Path
    only: tuple[str, ...]     # scenario slugs in site order
    formats: tuple[str, ...]
    quality: Quality
    site: SiteInfo = SiteInfo()
    # "site": the pages and their extras; "kit": a slides kit (the animations and the
    # kit's own files, written by the `slides` command's writer; no stills, no pages).
    kind: str = "site"
