"""Build settings: parsed once at the boundary, every problem reported together."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import click

FORMATS = ("mp4", "gif", "poster")


@dataclass(frozen=True)
class Quality:
    """How big and how smooth the media are. Layout is identical at every quality:
    only the pixel density (dpi) and the number of frames change."""

    name: str
    dpi: int          # figures are 12.8 x 7.2 inches, so dpi 100 gives 1280 x 720
    fps: int
    frames: int       # target frame count for a trajectory animation
    hold: int         # frames the last picture is held before the loop restarts

    @property
    def size(self) -> tuple[int, int]:
        return (round(12.8 * self.dpi), round(7.2 * self.dpi))


QUALITIES = {
    "draft": Quality("draft", dpi=50, fps=8, frames=16, hold=2),
    "web": Quality("web", dpi=100, fps=20, frames=120, hold=20),
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
    out_path = Path(out)
    if out_path.exists() and not out_path.is_dir():
        problems.append(f"'out': {out!r} exists and is not a folder")
    if problems:
        raise ConfigError(problems)
    slugs = tuple(s for s in known if s in only) if only else tuple(known)
    return BuildConfig(out=out_path, only=slugs,
                       formats=tuple(f for f in FORMATS if f in wanted),
                       quality=QUALITIES[quality])
