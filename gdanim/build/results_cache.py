"""Chapters' computed results on disk, so a rebuild with nothing changed needs neither
JAX nor matplotlib.

Each chapter is stored twice under its key: the page part (numbers, context, the
figures' names and frame tables, but no figure code) which loads without heavy
imports, and the figure part (the whole Chapter, with the functions that build its
figures) which only a render job opens. A damaged entry is a warning and a recompute."""
from __future__ import annotations

import dataclasses
import os
import pickle
import tempfile
from pathlib import Path

from gdanim.core.values import Chapter

KEEP_PER_CHAPTER = 6   # entries kept per chapter (qualities and settings a teacher switches between)


def cache_dir() -> Path:
    """$GDANIM_CACHE_DIR, else $XDG_CACHE_HOME/gdanim, else ~/.cache/gdanim."""
    if os.environ.get("GDANIM_CACHE_DIR"):
        return Path(os.environ["GDANIM_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "gdanim"


def _path(slug: str, key: str, part: str) -> Path:
    return cache_dir() / "chapters" / f"{slug}-{key}.{part}.pickle"


def figures_path(slug: str, key: str) -> Path:
    return _path(slug, key, "figures")


def page_part(chapter: Chapter) -> Chapter:
    """The chapter without the functions that draw its figures."""
    return dataclasses.replace(
        chapter,
        animations=tuple(dataclasses.replace(a, make_scene=None) for a in chapter.animations),
        stills=tuple(dataclasses.replace(s, make_figure=None) for s in chapter.stills))


def save(slug: str, key: str, chapter: Chapter) -> None:
    """Store both parts atomically; older entries of the chapter beyond the newest few
    are removed."""
    folder = cache_dir() / "chapters"
    folder.mkdir(parents=True, exist_ok=True)
    for part, value in (("figures", chapter), ("page", page_part(chapter))):
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{slug}-", suffix=".part")
        with os.fdopen(fd, "wb") as f:
            pickle.dump(value, f, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, _path(slug, key, part))
    entries = sorted(folder.glob(f"{slug}-*.page.pickle"), key=lambda p: p.stat().st_mtime,
                     reverse=True)
    for old in entries[KEEP_PER_CHAPTER:]:
        stem = old.name[:-len(".page.pickle")]
        for part in ("page", "figures"):
            (folder / f"{stem}.{part}.pickle").unlink(missing_ok=True)


def load_page(slug: str, key: str, warn=lambda message: None) -> Chapter | None:
    """The stored page part, or None if absent or damaged (then `warn` is told)."""
    return _load(_path(slug, key, "page"), warn)


def load_figures(slug: str, key: str, warn=lambda message: None) -> Chapter | None:
    return _load(figures_path(slug, key), warn)


def _load(path: Path, warn) -> Chapter | None:
    if not path.is_file():
        return None
    try:
        with open(path, "rb") as f:
            value = pickle.load(f)
        if not isinstance(value, Chapter):
            raise TypeError(f"holds a {type(value).__name__}, not a Chapter")
        return value
    except Exception as error:  # any damage at all means: compute again
        warn(f"warning: cached results {path.name} are damaged ({type(error).__name__}: "
             f"{error}); computing the chapter again")
        path.unlink(missing_ok=True)
        return None
