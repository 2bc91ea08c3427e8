"""Where a site comes from, for the About page and the footer: gdanim's version, the
commit of the checkout it was built from (when there is one), a build date that two
builds of one commit agree on, and the citation entries (BibTeX, APA).

The date is SOURCE_DATE_EPOCH when set (the reproducible-builds convention), else the
commit's date, else today: never the clock when something steadier is known."""
from __future__ import annotations

import datetime
import os
import subprocess
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

LESSON = {"author": "Josef Fruehwald", "title": "Gradient Descent", "year": 2022,
          "date": "14 November 2022",
          "url": "https://jofrhwld.github.io/teaching/courses/2022_lin517/"}  # the course notes


@dataclass(frozen=True)
class Provenance:
    version: str
    commit: str          # full hash, "" outside a git checkout
    date: str            # YYYY-MM-DD
    date_source: str     # "SOURCE_DATE_EPOCH", "commit" or "build"

    @property
    def short(self) -> str:
        return self.commit[:7]

    def as_key(self) -> dict:
        return {"version": self.version, "commit": self.commit, "date": self.date}


def version() -> str:
    from importlib import metadata

    try:
        return metadata.version("gdanim")
    except metadata.PackageNotFoundError:   # run from a clone without installing
        import tomllib

        pyproject = Path(__file__).resolve().parents[2] / "pyproject.toml"
        try:
            return tomllib.loads(pyproject.read_text(encoding="utf-8"))["project"]["version"]
        except (OSError, KeyError, ValueError):
            return "unknown"


def _git(folder: Path, *args: str) -> str:
    try:
        result = subprocess.run(["git", "-C", str(folder), *args], capture_output=True,
                                text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return ""
    return result.stdout.strip() if result.returncode == 0 else ""


@lru_cache(maxsize=8)
def read(folder: str = ".") -> Provenance:
    """The provenance of a build run in `folder` (the current folder: the checkout the
    workflow builds from)."""
    where = Path(folder)
    commit = _git(where, "rev-parse", "--verify", "-q", "HEAD")
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch.isdigit():
        when, source = datetime.datetime.fromtimestamp(int(epoch), datetime.UTC), \
            "SOURCE_DATE_EPOCH"
    elif commit and _git(where, "log", "-1", "--format=%ct", commit).isdigit():
        when = datetime.datetime.fromtimestamp(
            int(_git(where, "log", "-1", "--format=%ct", commit)), datetime.UTC)
        source = "commit"
    else:
        when, source = datetime.datetime.now(datetime.UTC), "build"
    return Provenance(version(), commit, when.date().isoformat(), source)


def bibtex(title: str, author: str, site_url: str, repository: str, info: Provenance) -> str:
    """A @misc entry: what a reference manager imports."""
    key = "gdanim" + info.date[:4]
    fields = [("title", "{" + title + "}"),
              ("author", "{" + (author or "gdanim contributors") + "}"),
              ("year", info.date[:4]),
              ("note", f"Animated explainer after J. Fruehwald, ``Gradient Descent'' "
                       f"({LESSON['year']}). Version {info.version}"
                       + (f", commit {info.short}" if info.commit else "")),
              ("howpublished", "\\url{" + (site_url or repository) + "}"
               if (site_url or repository) else "")]
    if site_url:
        fields.append(("url", site_url))
    if repository:
        fields.append(("repository", repository))
    body = ",\n".join(f"  {name} = {{{value}}}" if name in ("url", "repository", "year")
                      else f"  {name} = {value if value.startswith('{') else '{' + value + '}'}"
                      for name, value in fields if value)
    return f"@misc{{{key},\n{body}\n}}"


def apa(title: str, author: str, site_url: str, repository: str, info: Provenance) -> str:
    """APA 7 for software/a website: Author. (Year). Title (Version x) [Website]. URL"""
    who = author or "gdanim contributors"
    where = site_url or repository
    return (f"{who}{'' if who.endswith('.') else '.'} ({info.date[:4]}). {title} "
            f"(Version {info.version}) [Website]. After J. Fruehwald, Gradient Descent "
            f"({LESSON['year']}).{' ' + where if where else ''}")
