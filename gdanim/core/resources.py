"""Where the files gdanim ships beside its code are: the page templates and static
assets. A wheel carries the project's top-level templates/ as gdanim/templates/
(see pyproject.toml); a source checkout keeps it beside the package."""
from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path


TEMPLATES_ENV = "GDANIM_TEMPLATES"


def templates_dir() -> Path:
    """$GDANIM_TEMPLATES if set (the preview server's tests edit a copy), else the
    templates in the installed package, else beside the package in a checkout."""
    if os.environ.get(TEMPLATES_ENV):
        return Path(os.environ[TEMPLATES_ENV]).resolve()
    packaged = resources.files("gdanim") / "templates"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parents[2] / "templates"


# A build's staging folder, an old site moved aside, a slides run's staging copy.
BUILD_DEBRIS = re.compile(r"^\.\.?.+-(staging|old)-\d+-")


def is_generated(folder: Path) -> bool:
    """Is `folder` one that gdanim writes: a site or slides kit (its manifest.json says
    gdanim made it), or a build's staging or old-site folder? Such a folder is never an
    input, even inside the templates (fingerprints, the preview's watcher, static
    files): a site built there would otherwise change the inputs of every next build."""
    if BUILD_DEBRIS.match(folder.name):
        return True
    try:
        with open(folder / "manifest.json", "rb") as manifest:
            start = manifest.read(200)
    except OSError:
        return False
    return b'"generator": "gdanim"' in start or b'"generator":"gdanim"' in start
