"""Beamer: beamer.zip, every animation's frame folder (PNGs and its snippet) in one file."""
from __future__ import annotations

from pathlib import Path

from gdanim.outputs.kit.slide import Slide

BEAMER_ZIP = "beamer.zip"


def write_beamer_zip(kit: Path, slides: list[Slide]) -> Path | None:
    """Every animation's Beamer folder (numbered PNGs and its .tex snippet) in one zip,
    paths as in the kit, so unzipped beside a .tex file the snippets work as written.
    None when the kit has no frames."""
    from gdanim.outputs import offline

    folders = [s.file("beamer_frames") for s in slides if s.file("beamer_frames")]
    if not folders:
        return None
    names = sorted(p.relative_to(kit).as_posix() for folder in folders
                   for p in (kit / folder).rglob("*") if p.is_file())
    return offline.zip_files(kit / BEAMER_ZIP, [(name, kit / name) for name in names])
