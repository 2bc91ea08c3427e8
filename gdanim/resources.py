"""Where the files gdanim ships beside its code are: the page templates and static
assets. A wheel carries the project's top-level templates/ as gdanim/templates/
(see pyproject.toml); a source checkout keeps it beside the package."""
from __future__ import annotations

from importlib import resources
from pathlib import Path


def templates_dir() -> Path:
    packaged = resources.files("gdanim") / "templates"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "templates"
