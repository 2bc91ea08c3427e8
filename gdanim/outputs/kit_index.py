"""Where the slides kit sits in a site folder, and what the site's pages read from it:
each animation's slide files, sizes and snippets (kit.json, written by slides.py)."""
from __future__ import annotations

import json
from pathlib import Path

KIT = "slides"                 # the kit's folder inside the site folder
KIT_FILE = "kit.json"          # what the site reads to link each animation


def kit_key(site: Path) -> str:
    """A digest of the kit beside the site ("" without one): the pages show it."""
    import hashlib

    try:
        return hashlib.sha256((site / KIT / KIT_FILE).read_bytes()).hexdigest()[:20]
    except OSError:
        return ""


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
    return entry
