"""Build options from the command line, parsed once at the boundary: every problem
reported together, as `'key': problem` lines (click exits with code 2)."""
from __future__ import annotations

import urllib.parse
from dataclasses import replace
from pathlib import Path

import click

from gdanim.core.config import FORMATS, QUALITIES, BuildConfig, SiteInfo


class ConfigError(click.UsageError):
    """Bad build settings. Lists every problem; click exits with code 2."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("\n".join(problems))


def check_out(out: Path) -> str | None:
    """Why `out` may not be the site folder, or None. The build keeps every file it did
    not write, but it will not move into a folder of someone else's files: the folder
    must be new, empty, hold only hidden files and CNAME (a fresh gh-pages checkout),
    or be a site an earlier build wrote."""
    from gdanim.engine import manifest, outdir

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
