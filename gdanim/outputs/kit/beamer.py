"""Beamer: every animation's frame folder (PNGs and its snippet) zipped, one zip per
chapter (beamer-<chapter>.zip), split into parts (beamer-<chapter>-1.zip, -2, ...)
where one would pass ZIP_BUDGET: a site published by a git push keeps every file under
GitHub's 100 MB limit. Unzipped in one folder, a chapter's parts make its folders whole."""
from __future__ import annotations

import re
from pathlib import Path

from gdanim.outputs.kit.slide import Slide

ZIP_BUDGET = 90_000_000     # bytes: under GitHub's 100 MB (and 100 MiB) file limit
ENTRY_COST = 200            # a zip's bytes per file beyond the file's own (headers)
# Every Beamer zip a kit has held: this version's and the one beamer.zip of before.
ZIP_NAME = re.compile(r"^beamer(-[a-z0-9-]+)?\.zip$")


def write_beamer_zips(kit: Path, slides: list[Slide],
                      budget: int = ZIP_BUDGET) -> dict[str, list[str]]:
    """Zip each chapter's Beamer folders, paths as in the kit (so unzipped beside a .tex
    file the snippets work as written), each zip at most `budget` bytes; remove the
    Beamer zips of earlier runs. Returns {chapter slug: [zip names, in order]} ({}
    when the kit has no frames)."""
    from gdanim.outputs import offline

    chapters: dict[str, list[str]] = {}
    for s in slides:
        if s.file("beamer_frames"):
            folder = kit / s.file("beamer_frames")
            chapters.setdefault(s.entry["scenario"], []).extend(
                sorted(p.relative_to(kit).as_posix() for p in folder.rglob("*")
                       if p.is_file()))
    written: dict[str, list[str]] = {}
    for slug, names in chapters.items():
        parts = _pack(kit, names, budget)
        zips = ([f"beamer-{slug}.zip"] if len(parts) == 1 else
                [f"beamer-{slug}-{i}.zip" for i in range(1, len(parts) + 1)])
        for name, part in zip(zips, parts):
            offline.zip_files(kit / name, [(n, kit / n) for n in part])
        written[slug] = zips
    keep = {name for zips in written.values() for name in zips}
    for old in kit.iterdir():
        if ZIP_NAME.match(old.name) and old.name not in keep and old.is_file():
            old.unlink()
    return written


def _pack(kit: Path, names: list[str], budget: int) -> list[list[str]]:
    """`names` in order, cut into runs whose zip stays within `budget` (a file bigger
    than the budget by itself gets a zip of its own)."""
    parts: list[list[str]] = [[]]
    used = 0
    for name in names:
        cost = (kit / name).stat().st_size + ENTRY_COST + 2 * len(name.encode())
        if parts[-1] and used + cost > budget:
            parts.append([])
            used = 0
        parts[-1].append(name)
        used += cost
    return parts
