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


CACHE_ENV = "GDANIM_CACHE_DIR"


def cache_dir() -> Path:
    """$GDANIM_CACHE_DIR, else $XDG_CACHE_HOME/gdanim, else ~/.cache/gdanim. When that
    folder cannot be written (no home folder, a read-only one), a temporary folder
    with one warning, as matplotlib does for its own cache."""
    if os.environ.get(CACHE_ENV):
        return Path(os.environ[CACHE_ENV])
    wanted, problem = _usual_dir()
    if problem is None:
        return wanted
    return _temporary_dir(wanted, problem)


def _usual_dir() -> tuple[Path | None, str | None]:
    """The usual cache folder (made if missing) and None, or what is wrong with it."""
    xdg = os.environ.get("XDG_CACHE_HOME", "")
    if os.path.isabs(xdg):          # the XDG rules ignore a relative path
        folder = Path(xdg) / "gdanim"
    else:
        home = os.environ.get("HOME")
        if home is None:
            try:
                home = str(Path.home())
            except RuntimeError:
                return None, "no home folder is set (HOME)"
        if not home or not os.path.isabs(home):
            return None, f"the home folder HOME={home!r} is not a full path"
        if not os.path.isdir(home):
            return None, f"the home folder {home} does not exist"   # never made for you
        folder = Path(home) / ".cache" / "gdanim"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        return folder, error.strerror or str(error)
    if not os.access(folder, os.W_OK | os.X_OK):   # also says no for a read-only disk
        return folder, "it cannot be written"
    return folder, None


def _temporary_dir(wanted: Path | None, problem: str) -> Path:
    """A fresh temporary cache, removed at exit, shared with this build's workers
    through $GDANIM_CACHE_DIR (so they find it, and nobody warns twice). Matplotlib
    gets a folder in it too, as its own default sits in the same home."""
    import atexit
    import shutil
    import sys

    folder = Path(tempfile.mkdtemp(prefix="gdanim-cache-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    os.environ[CACHE_ENV] = str(folder)
    os.environ.setdefault("MPLCONFIGDIR", str(folder / "matplotlib"))
    where = f" at {wanted}" if wanted else ""
    print(f"warning: the chapter cache{where} cannot be used ({problem}); using a "
          f"temporary one, removed when gdanim ends, so the next build computes every "
          f"chapter again. Set {CACHE_ENV} to a folder you can write to keep it.",
          file=sys.stderr)
    return folder


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
