"""Where the files gdanim ships beside its code are: the page templates and static
assets. A wheel carries the project's top-level templates/ as gdanim/templates/
(see pyproject.toml); a source checkout keeps it beside the package."""
from __future__ import annotations

import os
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
