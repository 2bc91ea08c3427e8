"""Build settings: parsed once at the boundary, every problem reported together."""
from __future__ import annotations

import urllib.parse
from dataclasses import dataclass, replace
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
class SiteInfo:
    """What gdanim.toml's [site] says about the whole site."""

    title: str = "Gradient descent, step by step"
    author: str = ""
    site_url: str = ""        # the public address, ending in "/"; "": relative links only
    repository: str = ""      # the source repository's address (About page, Colab link)


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


def check_out(out: Path) -> str | None:
    """Why `out` may not be the site folder, or None. The build keeps every file it did
    not write, but it will not move into a folder of someone else's files: the folder
    must be new, empty, hold only hidden files and CNAME (a fresh gh-pages checkout),
    or be a site an earlier build wrote."""
    from gdanim.build import manifest, outdir

    problem = outdir.check_out(out)
    if problem or not out.is_dir():
        return problem
    try:
        if manifest.read(out) is not None:
            return None
    except manifest.ManifestProblem as damaged:
        return (f"{damaged}; gdanim cannot tell which files there are its own. If the "
                f"folder holds only a site gdanim built, delete it and build again; "
                f"otherwise choose another folder")
    others = [e.name for e in out.iterdir() if not e.name.startswith(".") and e.name != "CNAME"]
    if not others or others == ["slides"] and (out / "slides" / "kit.json").is_file():
        return None  # (a folder holding only a slides kit gets the site beside it)
    return (f"{str(out)!r} holds files that gdanim did not write ({', '.join(sorted(others)[:3])}"
            f"{', ...' if len(others) > 3 else ''}) and no gdanim manifest.json. Choose a "
            f"new or empty folder")


def check_site_url(url: str) -> tuple[str | None, str | None]:
    """(the URL ending in "/", None) for a usable public address of the site, or
    (None, why not). Pages' base_url has no trailing slash; links need one."""
    parts = urllib.parse.urlsplit(url.strip())
    example = "for example https://you.github.io/gdanim/"
    if "://" not in url:
        return None, f"{url!r} has no scheme; give the full address, {example}"
    if parts.scheme not in ("http", "https"):
        return None, f"{url!r} is not an http or https address; {example}"
    if not parts.hostname:
        return None, f"{url!r} has no host name; {example}"
    if parts.query or parts.fragment or url.strip().endswith(("?", "#")):
        return None, f"{url!r} has a query or fragment (?... or #...); {example}"
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    return urllib.parse.urlunsplit((parts.scheme, parts.netloc, path, "", "")), None


def parse_build_config(out: str, only: tuple[str, ...], formats: str, quality: str,
                       known: list[str], site_url: str | None = None,
                       site: SiteInfo = SiteInfo()) -> BuildConfig:
    """Check raw CLI values against the known scenario slugs; raise ConfigError with
    one `'key': problem` line per problem. `site` is gdanim.toml's [site]; `site_url`
    (--site-url) replaces its address."""
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
    out_problem = "no folder given" if not out.strip() else check_out(Path(out))
    if out_problem:
        problems.append(f"'out': {out_problem}")
    url = site_url if site_url is not None else site.site_url
    if url:
        url, url_problem = check_site_url(url)
        if url_problem:
            problems.append(f"'site-url': {url_problem}")
        else:
            site = replace(site, site_url=url)
    else:  # site_url="" turns an address from gdanim.toml off
        site = replace(site, site_url="")
    if problems:
        raise ConfigError(problems)
    slugs = tuple(s for s in known if s in only) if only else tuple(known)
    return BuildConfig(out=Path(out), only=slugs,
                       formats=tuple(f for f in FORMATS if f in wanted),
                       quality=QUALITIES[quality], site=site)
