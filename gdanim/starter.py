"""`init FOLDER`: a starter a teacher can build at once: a commented gdanim.toml, an
example CSV (Old Faithful, with its source and licence) and the chapter's prose. The
files ship with the package, beside the page templates (templates/starter/)."""
from __future__ import annotations

import shutil
from pathlib import Path

from gdanim.core.errors import GdanimError


def starter_dir() -> Path:
    from gdanim.core.resources import templates_dir

    return templates_dir() / "starter"


def write_starter(folder: str) -> list[Path]:
    """Copy the starter into `folder` (created if needed). Never overwrites a file:
    if any starter file exists there already, nothing is written."""
    source, target = starter_dir(), Path(folder)
    files = sorted(p.relative_to(source) for p in source.rglob("*") if p.is_file())
    clashes = [str(target / f) for f in files if (target / f).exists()]
    if clashes:
        raise GdanimError(f"{', '.join(clashes)} already exist{'s' if len(clashes) == 1 else ''}; "
                          f"nothing was written. Choose a new folder")
    written = []
    for f in files:
        (target / f).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source / f, target / f)
        written.append(target / f)
    return written
