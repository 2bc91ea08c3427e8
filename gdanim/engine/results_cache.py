"""Chapters' computed results on disk, so a rebuild with nothing changed needs neither
JAX nor matplotlib.

Each chapter is stored twice under its key: the page part (numbers, context, the
figures' names and frame tables, but no figure code) which loads without heavy
imports, and the figure part (the whole Chapter, with the functions that build its
figures) which only a render job opens. Each entry is labelled with its chapter, key
and part, so one copied over another's name is known. A damaged or mislabelled entry
is a warning and a recompute.

The cache is a convenience: any fault in it (a file where its folder should be, a
read-only or full disk, a folder in an entry's place) is one warning naming it, and
the build goes on with a temporary cache, or, if even that fails, with the results in
memory (the figures then render in this process)."""
from __future__ import annotations

import dataclasses
import os
import pickle
import tempfile
from pathlib import Path

from gdanim.core.errors import unwritable
from gdanim.core.values import Chapter

KEEP_PER_CHAPTER = 6   # entries kept per chapter (qualities and settings a teacher switches between)


CACHE_ENV = "GDANIM_CACHE_DIR"


def cache_dir() -> Path:
    """$GDANIM_CACHE_DIR, else $XDG_CACHE_HOME/gdanim, else ~/.cache/gdanim. When that
    folder cannot be used (no home folder, a read-only disk, a file in its place), a
    temporary folder with one warning, as matplotlib does for its own cache."""
    if _state["in memory"]:
        return Path(tempfile.gettempdir()) / "gdanim-no-cache"   # (never written)
    chosen = os.environ.get(CACHE_ENV)
    if chosen:
        if chosen in _temporary:
            return Path(chosen)
        problem = _checked.get(chosen) if chosen in _checked else _problem(Path(chosen))
        _checked[chosen] = problem
        return Path(chosen) if problem is None else _temporary_dir(Path(chosen), problem)
    wanted, problem = _usual_dir()
    if problem is None and wanted is not None:
        problem = _problem(wanted)
    if problem is None:
        return wanted
    return _temporary_dir(wanted, problem)


_checked: dict[str, str | None] = {}   # folders checked in this process, and the problem
_temporary: set[str] = set()           # the temporary caches this process made
_memory: dict[tuple[str, str, str], Chapter] = {}   # (slug, key, part), when no folder works
_state = {"in memory": False}


def _problem(folder: Path) -> str | None:
    """What keeps `folder` from being a chapter cache, or None. Nothing is made here
    (a dry run writes nothing); the folder is made when a chapter is first saved."""
    chapters = folder / "chapters"
    if chapters.exists() or chapters.is_symlink():
        if not chapters.is_dir():
            return f"{chapters} is a file, where the cache keeps a folder"
        existing = chapters
    else:
        existing = folder
        while not existing.exists() and existing != existing.parent:
            existing = existing.parent
        if not existing.is_dir():
            return f"{existing} is a file, where the cache needs a folder"
    why = unwritable(existing)
    if why == "read-only file system":
        return "it is on a read-only file system"
    return f"it cannot be written ({why})" if why else None


def _reason(error: OSError) -> str:
    """An OSError met in the cache, in words."""
    import errno

    name = getattr(error, "filename2", None) or error.filename   # os.replace's target
    where = f": {name}" if name else ""
    return {errno.ENOSPC: "its disk is full", errno.EDQUOT: "its disk quota is used up",
            errno.EROFS: "it is on a read-only file system",
            errno.ENOTDIR: "a file stands where the cache needs a folder",
            errno.EISDIR: "a folder stands where the cache keeps a file",
            errno.EACCES: "permission denied", errno.EPERM: "permission denied",
            }.get(error.errno, error.strerror or str(error)) + where


def shared() -> bool:
    """Can the render workers read the chapters' results (is there a cache folder)?
    False once even a temporary folder failed: the figures then render in this process."""
    return not _state["in memory"]


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
    gets a folder in it too, as its own default sits in the same home. If not even
    that can be made, the results stay in memory for this run (see `shared`)."""
    import atexit
    import shutil

    named = os.environ.get(CACHE_ENV)
    where = (f" {CACHE_ENV}={named}" if named and wanted == Path(named)
             else f" at {wanted}" if wanted else "")
    advice = (f"Point {CACHE_ENV} at a folder you can write, or unset it, to keep it"
              if named and wanted == Path(named) else
              f"Set {CACHE_ENV} to a folder you can write to keep it")
    try:
        folder = Path(tempfile.mkdtemp(prefix="gdanim-cache-"))
        (folder / "chapters").mkdir()
    except OSError as error:
        _state["in memory"] = True
        _warn(f"warning: the chapter cache{where} cannot be used ({problem}), nor a "
              f"temporary one in {tempfile.gettempdir()} ({_reason(error)}); this build "
              f"keeps the chapters' results in memory and renders in one process, and the "
              f"next build computes every chapter again. {advice}.")
        return Path(tempfile.gettempdir()) / "gdanim-no-cache"
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    _temporary.add(str(folder))
    os.environ[CACHE_ENV] = str(folder)
    os.environ.setdefault("MPLCONFIGDIR", str(folder / "matplotlib"))
    _warn(f"warning: the chapter cache{where} cannot be used ({problem}); using a "
          f"temporary one, removed when gdanim ends, so the next build computes every "
          f"chapter again. {advice}.")
    return folder


def _warn(message: str) -> None:
    import sys

    print(message, file=sys.stderr)


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
    """Store both parts atomically, each labelled with its chapter, key and part (an
    entry copied over another's name is known for what it is); older entries of the
    chapter beyond the newest few are removed. A cache that fails while being written
    (a full disk, a folder in an entry's place) is given up for a temporary one, with a
    warning, and nothing half-written is left in it."""
    folder = cache_dir() / "chapters"
    if not shared():
        for part, value in (("figures", chapter), ("page", page_part(chapter))):
            _memory[(slug, key, part)] = value
        return
    try:
        _write(folder, slug, key, chapter)
    except OSError as error:
        _checked[str(folder.parent)] = _reason(error)
        _give_up(folder.parent, _reason(error))
        return save(slug, key, chapter)
    try:
        entries = sorted(folder.glob(f"{slug}-*.page.pickle"),
                         key=lambda p: p.stat().st_mtime, reverse=True)
        for old in entries[KEEP_PER_CHAPTER:]:
            stem = old.name[:-len(".page.pickle")]
            for part in ("page", "figures"):
                (folder / f"{stem}.{part}.pickle").unlink(missing_ok=True)
    except OSError:
        pass   # old entries stay: the cache only grows a little


def _write(folder: Path, slug: str, key: str, chapter: Chapter) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for part, value in (("figures", chapter), ("page", page_part(chapter))):
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{slug}-", suffix=".part")
        try:
            with os.fdopen(fd, "wb") as f:
                pickle.dump({"slug": slug, "key": key, "part": part, "chapter": value}, f,
                            protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, _path(slug, key, part))
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise


def _give_up(folder: Path, problem: str) -> None:
    """Leave the cache at `folder` for a temporary one, or for memory if that was one."""
    if str(folder) in _temporary:          # the temporary one failed too: memory
        _state["in memory"] = True
        _warn(f"warning: the temporary chapter cache {folder} cannot be used either "
              f"({problem}); this build keeps the chapters' results in memory and "
              f"renders in one process.")
    else:
        _temporary_dir(folder, problem)
    _carry_over(folder)


def load_page(slug: str, key: str, warn=lambda message: None) -> Chapter | None:
    """The stored page part, or None if absent or damaged (then `warn` is told)."""
    return _load(slug, key, "page", warn)


def load_figures(slug: str, key: str, warn=lambda message: None) -> Chapter | None:
    return _load(slug, key, "figures", warn)


def _load(slug: str, key: str, part: str, warn) -> Chapter | None:
    if (slug, key, part) in _memory:
        return _memory[(slug, key, part)]
    if not shared():
        return None
    path = _path(slug, key, part)
    value, problem = _read(path, slug, key, part)
    if value is not None:
        _used.add((slug, key))
        return value
    if problem:
        warn(f"warning: cached results {path.name} in {path.parent} {problem}; computing "
             f"the chapter again")
        try:
            path.unlink(missing_ok=True)
        except OSError:
            pass
    return None


_used: set[tuple[str, str]] = set()   # entries this process read: a new cache needs them


def _read(path: Path, slug: str, key: str, part: str) -> tuple[Chapter | None, str | None]:
    """(the chapter, None) if `path` holds this entry; (None, what is wrong) if it holds
    something else; (None, None) if there is nothing to read."""
    try:
        if not path.is_file():
            return None, None
        with open(path, "rb") as f:
            value = pickle.load(f)
    except Exception as error:  # any damage at all means: compute again
        return None, f"are damaged ({type(error).__name__}: {error})"
    if isinstance(value, Chapter):   # written by an older gdanim, unlabelled: remade
        return None, None
    label = value if isinstance(value, dict) else {}
    if (label.get("slug"), label.get("key"), label.get("part")) == (slug, key, part) \
            and isinstance(label.get("chapter"), Chapter):
        return label["chapter"], None
    return None, (f"belong to another chapter or key ({label.get('slug')!r}, "
                  f"{label.get('key')!r}, {label.get('part')!r})" if label
                  else f"hold a {type(value).__name__}, not a chapter's results")


def _carry_over(old: Path) -> None:
    """Into the cache now in use, the entries this process read from `old` (the one
    given up): the render jobs look for them there."""
    for slug, key in sorted(_used):
        chapter, _ = _read(old / "chapters" / f"{slug}-{key}.figures.pickle", slug, key,
                           "figures")
        if chapter is not None:
            save(slug, key, chapter)
