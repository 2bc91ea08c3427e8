"""Where the slides kit sits in a site folder, and what the site's pages read from it:
each animation's slide files, sizes and snippets (kit.json, written by outputs/kit/writer.py)."""
from __future__ import annotations

import json
from pathlib import Path

KIT = "slides"                 # the kit's folder inside the site folder
KIT_FILE = "kit.json"          # what the site reads to link each animation


def kit_key(site: Path) -> str:
    """A digest of the kit beside the site ("" without one): the pages show it."""
    import hashlib

    digest = hashlib.sha256()
    try:
        digest.update((site / KIT / KIT_FILE).read_bytes())
    except OSError:
        return ""
    try:   # the kit's files, by their hashes (a file may change and keep its size)
        digest.update((site / KIT / "manifest.json").read_bytes())
    except OSError:
        pass
    return digest.hexdigest()[:20]


def kit_entry(site: Path, scenario: str, name: str) -> dict | None:
    """What a chapter page shows in its "Use in slides" box for one animation, with
    hrefs relative to the site root; None if the kit lacks it."""
    try:
        entries = json.loads((site / KIT / KIT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    entry = entries.get("animations", {}).get(f"{scenario}/{name}")
    if not entry:
        return None
    entry = dict(entry)
    entry["downloads"] = [dict(d, href=f"{KIT}/{d['path']}") for d in entry["downloads"]]
    entry["presenter"] = f"{KIT}/index.html#{scenario}-{name}"
    whole = entries.get("beamer_zip")
    entry["beamer_zip"] = dict(whole, href=f"{KIT}/{whole['path']}") if whole else None
    return entry


def kit_summary(site: Path) -> dict | None:
    """What the index's "Teach with this" links from the kit: the presenter view, the
    decks and the Beamer zip, each with its href (relative to the site root) and size;
    None without a kit."""
    from gdanim.core import text

    try:
        entries = json.loads((site / KIT / KIT_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    found = {}
    for key, name in (("presenter", "index.html"), ("deck", "gdanim.pptx"),
                      ("quarto", "slides.qmd"), ("beamer", "beamer.zip")):
        path = site / KIT / name
        found[key] = ({"href": f"{KIT}/{name}", "size": text.file_size(path.stat().st_size)}
                      if path.is_file() else None)
    found["animations"] = len(entries.get("animations", {}))
    return found
