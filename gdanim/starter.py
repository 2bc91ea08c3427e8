"""`init FOLDER`: a starter a teacher can build at once: a commented gdanim.toml, an
example CSV (Old Faithful, with its source and licence) and the chapter's prose. The
files ship with the package, beside the page templates (templates/starter/).

`init` writes all of its files or none: every clash and every place it cannot write is
found before the first file is written, each file is created only if no file of that
name exists (so two `init`s into one folder cannot overwrite each other), and if writing
fails half-way the files and folders it made are removed again."""
from __future__ import annotations

import errno
import os
import shutil
from pathlib import Path

from gdanim.options import ConfigError
from gdanim.core.errors import GdanimError, unwritable

NAME_MAX, PATH_MAX = 255, 4096
AGAIN = "nothing was written. Choose another FOLDER: python -m gdanim init NEW-FOLDER"
WRITABLE = ("nothing was written. Choose a folder you can write: "
            "python -m gdanim init FOLDER")
SYSTEM_FOLDERS = ("/proc", "/sys", "/dev")


def starter_dir() -> Path:
    from gdanim.core.resources import templates_dir

    return templates_dir() / "starter"


def starter_files() -> list[Path]:
    source = starter_dir()
    return sorted(p.relative_to(source) for p in source.rglob("*") if p.is_file())


def problems(folder: str, files: list[Path]) -> list[str]:
    """Why the starter cannot be written into `folder`, as `'folder': problem` lines."""
    if not folder.strip():
        return ["'folder': no folder given; try: python -m gdanim init my-course"]
    if "\0" in folder:
        return ["'folder': the name holds a NUL byte, which no file name can"]
    target = Path(folder).expanduser()
    long = [p for p in target.parts if len(os.fsencode(p)) > NAME_MAX]
    if long:
        return [f"'folder': the name {long[0][:40]!r}... is {len(os.fsencode(long[0]))} "
                f"bytes; file names must stay under {NAME_MAX}; {AGAIN}"]
    if len(os.fsencode(str(target.absolute()))) > PATH_MAX - 64:
        return [f"'folder': the path is too long (keep it under {PATH_MAX - 64} bytes); "
                f"{AGAIN}"]
    absolute = str(target.absolute())
    if any(absolute == s or absolute.startswith(s + "/") for s in SYSTEM_FOLDERS):
        return [f"'folder': {folder!r} is inside a system folder; {WRITABLE}"]
    found = []
    ancestor = target
    while not os.path.lexists(ancestor) and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return [f"'folder': {str(ancestor)!r} is a file, not a folder; {AGAIN}"]
    # A file where the starter needs a folder (a file named `data`), or a starter file
    # that is there already (a dangling link counts: it would be written through).
    for f in files:
        for depth in range(1, len(f.parts)):
            part = target.joinpath(*f.parts[:depth])
            if os.path.lexists(part) and not part.is_dir():
                found.append(f"'folder': {str(part)!r} is a file, and the starter puts a "
                             f"folder of that name there (for {'/'.join(f.parts[:depth])}/...)")
                break
        else:
            if os.path.lexists(target / f):
                found.append(f"'folder': {str(target / f)!r} already exists")
    found = list(dict.fromkeys(found))
    if found:
        return found + [f"'folder': {AGAIN} (init never overwrites a file)"]
    where = target if target.is_dir() else ancestor
    why = unwritable(where)
    if why == "read-only file system":
        return [f"'folder': {str(where)!r} is on a read-only file system; {WRITABLE}"]
    if why:
        return [f"'folder': {str(where)!r} cannot be written ({why}); {WRITABLE}"]
    return []


def write_starter(folder: str) -> list[Path]:
    """Copy the starter into `folder` (created if needed). Never overwrites a file:
    if any starter file exists there already, or anything cannot be written, nothing is
    written (ConfigError, a usage error)."""
    source, files = starter_dir(), starter_files()
    found = problems(folder, files)
    if found:
        raise ConfigError(found)
    target = Path(folder).expanduser()
    made: list[Path] = []        # files and folders this run created, in order
    try:
        for f in files:
            missing = []
            folder_path = (target / f).parent
            while not os.path.lexists(folder_path):
                missing.append(folder_path)
                folder_path = folder_path.parent
            for path in reversed(missing):
                path.mkdir()
                made.append(path)
            with open(source / f, "rb") as given, open(target / f, "xb") as copy:
                made.append(target / f)
                shutil.copyfileobj(given, copy)
    except BaseException as error:
        for path in reversed(made):
            try:
                path.rmdir() if path.is_dir() and not path.is_symlink() else path.unlink()
            except OSError:
                pass
        if isinstance(error, FileExistsError):   # another init got there first
            raise ConfigError([f"'folder': {error.filename!r} appeared while init was "
                               f"writing (another init?); {AGAIN}"]) from None
        if isinstance(error, OSError):
            raise GdanimError(f"'folder': {_os_problem(error)}; {WRITABLE}") from None
        raise
    return [target / f for f in files]


def _os_problem(error: OSError) -> str:
    where = f" ({error.filename})" if error.filename else ""
    return {errno.ENOSPC: f"the disk is full{where}",
            errno.EROFS: f"the file system is read-only{where}",
            errno.EACCES: f"permission denied{where}",
            errno.EPERM: f"permission denied{where}",
            errno.ENAMETOOLONG: f"a file name is too long{where}",
            errno.ENOTDIR: f"a file stands where a folder is needed{where}",
            }.get(error.errno, f"{error.strerror or error}{where}")
