"""Reuse an animation's files from the previous build when nothing that shapes them
changed: the key hashes the frame data, settings, quality, formats, gdanim's own code
and the versions of the libraries that draw and encode."""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from functools import lru_cache
from importlib import metadata
from pathlib import Path

import numpy as np

from gdanim.config import Quality
from gdanim.values import Animation

PACKAGE = Path(__file__).resolve().parent
LIBRARIES = ("numpy", "jax", "optax", "matplotlib", "imageio-ffmpeg", "palmerpenguins")


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    digest = hashlib.sha256()
    for path in sorted(PACKAGE.rglob("*.py")):
        digest.update(path.relative_to(PACKAGE).as_posix().encode())
        digest.update(path.read_bytes())
    for name in LIBRARIES:
        digest.update(f"{name}=={metadata.version(name)}".encode())
    return digest.hexdigest()


def animation_key(animation: Animation, slug: str, quality: Quality,
                  formats: tuple[str, ...]) -> str:
    digest = hashlib.sha256(code_fingerprint().encode())
    settings = {"slug": slug, "name": animation.name, "quality": quality.name,
                "formats": list(formats), "fps": animation.fps,
                "poster": animation.poster_frame, "params": animation.params}
    digest.update(json.dumps(settings, sort_keys=True, default=str).encode())
    for array in (animation.frames.epoch, animation.frames.loss, animation.frames.params):
        digest.update(np.ascontiguousarray(array, dtype=float).tobytes())
    return digest.hexdigest()[:20]


def previous_animations(site: Path) -> dict[tuple[str, str], dict]:
    """The animations recorded in an existing site's manifest, by (scenario, name)."""
    try:
        manifest = json.loads((site / "manifest.json").read_text())
        return {(a["scenario"], a["name"]): a for a in manifest["animations"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def reuse(entry: dict | None, key: str, old_site: Path, new_site: Path) -> bool:
    """Copy the entry's files from the old site into the new one if its key matches
    and every file is still there. Returns whether it did."""
    if not entry or entry.get("key") != key:
        return False
    files = list(entry["files"].values())
    if not all((old_site / f).is_file() for f in files):
        return False
    for f in files:
        target = new_site / f
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(old_site / f, target)   # same disk: instant, no extra space
        except OSError:
            shutil.copy2(old_site / f, target)
    return True
