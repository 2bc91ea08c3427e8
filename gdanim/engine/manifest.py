"""site/manifest.json: what a build made, for people and for the next build.

For people and tools: every page, every animation (files, size, frame count, fps,
parameters), every still and every number the pages show (`<chapter>.<name>`).
For the next build: every file gdanim wrote with its size and SHA-256 (nothing else in
the folder is ever touched), and each job's key, so unchanged outputs are reused only
when the file on disk is still the one that was written."""
from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from gdanim.engine.fingerprint import file_digest

FORMAT = 2   # the manifest's own layout version


@dataclass(frozen=True)
class Previous:
    """What the last build in a folder recorded; empty for a new folder."""

    files: dict[str, dict] = field(default_factory=dict)     # path -> {size, sha256}
    jobs: dict[str, dict] = field(default_factory=dict)      # job id -> {key, parts, outputs, ...}
    chapters: dict[str, dict] = field(default_factory=dict)  # slug -> {key, parts}
    legacy: bool = False     # written by a gdanim without a file list

    def intact(self, site: Path, path: str) -> str | None:
        """None if `path` is on disk as the last build wrote it, else what is wrong."""
        entry = self.files.get(path)
        target = site / path
        if entry is None:
            return f"{path} was not recorded"
        if not target.is_file():
            return f"missing file {path}"
        if target.stat().st_size != entry["size"]:
            return f"damaged file {path} (size differs)"
        if file_digest(target) != entry["sha256"]:
            return f"damaged file {path} (contents differ)"
        return None


class ManifestProblem(ValueError):
    """The folder's manifest.json cannot be trusted; the message says why."""


def read(site: Path) -> Previous | None:
    """The previous build's record in `site`; None if the folder has no gdanim
    manifest. Raises ManifestProblem if it has one that is damaged."""
    path = site / "manifest.json"
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        raise ManifestProblem(f"{path} is not UTF-8 text")
    except json.JSONDecodeError as error:
        raise ManifestProblem(f"{path} is not valid JSON ({error.msg} at line "
                              f"{error.lineno}, column {error.colno})")
    if not isinstance(data, dict) or data.get("generator") != "gdanim":
        return None
    if "files" not in data:      # a site from before file lists: all but hidden files
        return Previous(legacy=True)
    problems = []
    files = data.get("files")
    if not isinstance(files, dict):
        problems.append("'files' is not a table")
        files = {}
    for name, entry in files.items():
        if not (isinstance(entry, dict) and isinstance(entry.get("size"), int)
                and isinstance(entry.get("sha256"), str)) or name.startswith("/") \
                or ".." in name.split("/"):
            problems.append(f"entry {name!r} in 'files' lacks a size or sha256, or is not a path inside the site")
    build = data.get("build", {})
    jobs = build.get("jobs", {}) if isinstance(build, dict) else None
    chapters = build.get("chapters", {}) if isinstance(build, dict) else None
    if not isinstance(jobs, dict) or not all(
            isinstance(j, dict) and isinstance(j.get("key"), str)
            and isinstance(j.get("outputs"), list) for j in jobs.values()):
        problems.append("'build.jobs' entries need a key and a list of outputs")
        jobs = {}
    if not isinstance(chapters, dict):
        problems.append("'build.chapters' is not a table")
        chapters = {}
    if problems:
        raise ManifestProblem(f"{path} is damaged: " + "; ".join(problems[:3]))
    return Previous(files=files, jobs=jobs, chapters=chapters)


def legacy_files(site: Path) -> set[str]:
    """For a site from an older gdanim: every file except hidden ones and CNAME."""
    ours = set()
    for root, dirs, names in os.walk(site):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        rel = Path(root).relative_to(site)
        for name in names:
            if not name.startswith(".") and not (rel == Path(".") and name == "CNAME"):
                ours.add((rel / name).as_posix())
    return ours


def record_files(site: Path, paths) -> dict[str, dict]:
    """Size and SHA-256 of each path (relative to `site`), sorted by path."""
    return {p: {"size": (site / p).stat().st_size, "sha256": file_digest(site / p)}
            for p in sorted(paths)}


def make(*, quality: str, formats: tuple[str, ...], pages: list[dict], files: dict,
         jobs: dict, chapters: dict, site_url: str = "") -> dict:
    """The manifest of a finished build. Deterministic: no times, no absolute paths."""
    animations, stills, numbers = [], [], {}
    for page in pages:
        for record in page["animations"]:
            entry = asdict(record)
            entry["duration_s"] = round(record.duration, 3)
            animations.append(entry)
        stills.extend(asdict(s) for s in page["stills"])
        numbers.update({f"{page['slug']}.{k}": v for k, v in page["numbers"].items()})
    return {"generator": "gdanim", "manifest_format": FORMAT, "quality": quality,
            "formats": list(formats), "site_url": site_url,
            "pages": [{"slug": p["slug"], "title": p["title"], "href": p["href"]}
                      for p in pages],
            "animations": animations, "stills": stills, "numbers": numbers,
            "files": files, "build": {"chapters": chapters, "jobs": jobs}}
