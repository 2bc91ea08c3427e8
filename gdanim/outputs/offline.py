"""The offline copy, site/gdanim-site.zip: every file of the site in one download, to
unzip onto a USB stick or a laptop and open index.html from disk (file://). The pages
link only relatively and each player carries its frame data, so nothing needs a server.

The zip holds the files the build wrote before it (pages, media, handout, notebook,
static files); not manifest.json (written after it, for the next build) and not itself.
With a slides kit beside the site it holds the kit too (the presenter view, the decks,
the 1080p files the "Use in slides" boxes link), but not its Beamer frames, which only
a LaTeX user needs and which outweigh all the rest (they are in the kit's Beamer zips).
Every link in it resolves inside it (file://): its pages are rendered again for it
(webpages.render_pages with `in_copy`), so they link only the files it holds and say
in words where the rest is (the zip itself, the Beamer zips and frames: on the site).
It is byte-identical from one build to the next: names sorted, one fixed date, fixed
permissions; media (already compressed) stored, text deflated."""
from __future__ import annotations

import re
import zipfile
from pathlib import Path

NAME = "gdanim-site.zip"
FOLDER = "gdanim-site"          # everything sits in one folder inside the zip
LEFT_OUT = {NAME, "manifest.json"}
STORED = (".mp4", ".gif", ".png", ".jpg", ".webp", ".zip", ".pptx")
DATE = (1980, 1, 1, 0, 0, 0)    # the earliest date a zip can hold: no clock in the file
BEAMER_ZIP = re.compile(r"^beamer(-[a-z0-9-]+)?\.zip$")   # the kit's (kit/beamer.py)


def members(site: Path) -> list[str]:
    """The site-relative files that go into the zip, sorted."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                  if p.is_file() and p.relative_to(site).as_posix() not in LEFT_OUT)


def kit_members(kit: Path) -> list[str]:
    """The kit's files (as its manifest lists them) for the offline copy: all but the
    Beamer frames and their zips."""
    import json

    try:
        built = json.loads((kit / "manifest.json").read_text(encoding="utf-8"))
        files, animations = built["files"], built["animations"]
    except (OSError, ValueError, KeyError, TypeError):
        return []
    frames = tuple(a["files"]["beamer_frames"].rstrip("/") + "/" for a in animations
                   if "beamer_frames" in a.get("files", {}))
    return sorted(name for name in files if not name.startswith(frames)
                  and not BEAMER_ZIP.match(name) and (kit / name).is_file())


def write(site: Path, kit: Path | None = None, pages: list[dict] | None = None,
          site_info=None, render_pages=None) -> Path:
    """Zip the site folder's files (and the slides kit's, from `kit`) into
    site/gdanim-site.zip, inside one folder. With `pages` (the build's, and its
    `site_info`, and the page renderer, webpages.render_pages, passed in so that this
    module never imports the pages that link to it), the site's pages in the zip are
    rendered for it: they link only what it holds."""
    entries: list[tuple[str, Path | bytes]] = [(name, site / name) for name in members(site)]
    if kit is not None and kit.is_dir():
        entries += [(f"{kit.name}/{name}", kit / name) for name in kit_members(kit)]
    if pages is not None:
        held = {name for name, _ in entries}
        rendered = render_pages(pages, site_info, root=site,
                                         out=kit.parent if kit is not None else None,
                                         in_copy=lambda href: href.split("#")[0] in held)
        entries = [(name, rendered[name].encode("utf-8") if name in rendered else source)
                   for name, source in entries]
    return zip_files(site / NAME, sorted(entries), FOLDER + "/")


def zip_files(path: Path, entries: list[tuple[str, Path | bytes]], prefix: str = "") -> Path:
    """Zip `entries` (name in the zip, and its file or its bytes) into `path` (written
    under a temporary name, checked, then renamed, so a half-written zip is never
    there), byte-identical for the same files."""
    from gdanim.figures.encode import atomic_path

    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w") as archive:
            for name, source_path in entries:
                info = zipfile.ZipInfo(f"{prefix}{name}", date_time=DATE)
                info.external_attr = 0o644 << 16
                info.create_system = 3          # unix, so the permissions are read
                info.compress_type = (zipfile.ZIP_STORED if name.lower().endswith(STORED)
                                      else zipfile.ZIP_DEFLATED)
                if isinstance(source_path, bytes):
                    archive.writestr(info, source_path)
                    continue
                with open(source_path, "rb") as source, archive.open(info, "w") as target:
                    while block := source.read(1 << 20):
                        target.write(block)
        with zipfile.ZipFile(tmp) as check:      # never publish a broken file
            bad = check.testzip()
            if bad:
                from gdanim.core.errors import GdanimError

                raise GdanimError(f"{path.name} came out damaged ({bad})")
    path.chmod(0o644)
    return path
