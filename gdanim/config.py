"""Build settings: parsed once at the boundary, every problem reported together."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

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
    "draft": Quality("draft", dpi=50, fps=8, frames=16, hold=2, every_item=False),
    "web": Quality("web", dpi=100, fps=20, frames=120, hold=20, every_item=True),
    # 1920 x 1080 for projectors; a slower frame rate and a 2-3 s hold on the result
    # leave time to talk over each clip (see gdanim/slides.py for the kit).
    # type_scale stays 1.0: ticks are then 27 px (1/40 of the height), the readout 35 px;
    # at 1.1 the optimizer race's legend and readout run off the frame.
    "slides": Quality("slides", dpi=150, fps=15, frames=120, hold=36, every_item=True,
                      type_scale=1.0),
}


class ConfigError(click.UsageError):
    """Bad build settings. Lists every problem; click exits with code 2."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


@dataclass(frozen=True)
class BuildConfig:
    out: Path
    only: tuple[str, ...]     # scenario slugs in site order
    formats: tuple[str, ...]
    quality: Quality


def check_out(out: Path) -> str | None:
    """Why `out` may not be replaced by a build, or None. The build replaces the whole
    folder, so it must be new, empty, or a site an earlier build wrote."""
    if not str(out).strip() or out.resolve() == Path.cwd().resolve():
        return f"{str(out)!r} is the current folder; give the site a folder of its own"
    if not out.exists():
        return None
    if not out.is_dir():
        return f"{str(out)!r} exists and is not a folder"
    if not any(out.iterdir()) or _gdanim_wrote(out) or \
            [p.name for p in out.iterdir()] == ["slides"] and _gdanim_wrote(out / "slides"):
        return None  # (a folder holding only a slides kit gets the site beside it)
    return (f"{str(out)!r} holds files that gdanim did not write; the build would replace "
            f"them. Choose a new or empty folder")


def _gdanim_wrote(folder: Path) -> bool:
    manifest = folder / "manifest.json"
    return manifest.is_file() and '"generator": "gdanim"' in manifest.read_text(errors="replace")


def parse_build_config(out: str, only: tuple[str, ...], formats: str, quality: str,
                       known: list[str]) -> BuildConfig:
    """Check raw CLI values against the known scenario slugs; raise ConfigError with
    one `'key': problem` line per problem."""
    problems = []
    unknown = [name for name in only if name not in known]
    if unknown:
        problems.append(f"'only': unknown scenario {', '.join(map(repr, unknown))} "
                        f"(choose from: {', '.join(known)})")
    wanted = [f.strip().lower() for f in formats.split(",") if f.strip()]
    bad = [f for f in wanted if f not in FORMATS]
    if bad or not wanted:
        what = f"unknown format {', '.join(map(repr, bad))}" if bad else "no format given"
        problems.append(f"'formats': {what} (choose from: {', '.join(FORMATS)})")
    if quality not in QUALITIES:
        problems.append(f"'quality': unknown quality {quality!r} "
                        f"(choose from: {', '.join(QUALITIES)})")
    out_problem = check_out(Path(out))
    if out_problem:
        problems.append(f"'out': {out_problem}")
    if problems:
        raise ConfigError(problems)
    slugs = tuple(s for s in known if s in only) if only else tuple(known)
    return BuildConfig(out=Path(out), only=slugs,
                       formats=tuple(f for f in FORMATS if f in wanted),
                       quality=QUALITIES[quality])
