"""The offline copy, site/gdanim-site.zip: every file of the site in one download, to
unzip onto a USB stick or a laptop and open index.html from disk (file://). The pages
link only relatively and each player carries its frame data, so nothing needs a server.

The zip holds the files the build wrote before it (pages, media, handout, notebook,
static files); not manifest.json (written after it, for the next build) and not itself.
It is byte-identical from one build to the next: names sorted, one fixed date, fixed
permissions; media (already compressed) stored, text deflated."""
from __future__ import annotations

import zipfile
from pathlib import Path

NAME = "gdanim-site.zip"
FOLDER = "gdanim-site"          # everything sits in one folder inside the zip
LEFT_OUT = {NAME, "manifest.json"}
STORED = (".mp4", ".gif", ".png", ".jpg", ".webp", ".zip", ".pptx")
DATE = (1980, 1, 1, 0, 0, 0)    # the earliest date a zip can hold: no clock in the file


def members(site: Path) -> list[str]:
    """The site-relative files that go into the zip, sorted."""
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*")
                  if p.is_file() and p.relative_to(site).as_posix() not in LEFT_OUT)


def write(site: Path) -> Path:
    """Zip the site folder's files into site/gdanim-site.zip, inside one folder."""
    return zip_files(site / NAME, site, members(site), FOLDER + "/")


def zip_files(path: Path, root: Path, names: list[str], prefix: str = "") -> Path:
    """Zip `names` (relative to `root`) into `path` (written under a temporary name,
    checked, then renamed, so a half-written zip is never there), byte-identical for
    the same files."""
    from gdanim.figures.encode import atomic_path

    site = root
    with atomic_path(path) as tmp:
        with zipfile.ZipFile(tmp, "w") as archive:
            for name in names:
                info = zipfile.ZipInfo(f"{prefix}{name}", date_time=DATE)
                info.external_attr = 0o644 << 16
                info.create_system = 3          # unix, so the permissions are read
                info.compress_type = (zipfile.ZIP_STORED if name.lower().endswith(STORED)
                                      else zipfile.ZIP_DEFLATED)
                with open(site / name, "rb") as source, archive.open(info, "w") as target:
                    while block := source.read(1 << 20):
                        target.write(block)
        with zipfile.ZipFile(tmp) as check:      # never publish a broken file
            bad = check.testzip()
            if bad:
                from gdanim.core.errors import GdanimError

                raise GdanimError(f"{path.name} came out damaged ({bad})")
    path.chmod(0o644)
    return path
