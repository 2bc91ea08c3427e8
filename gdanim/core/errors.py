"""Errors a user can act on. The command line prints their message alone (no traceback
unless --debug) and exits 1; anything else is a bug and keeps its traceback."""
from __future__ import annotations

import os
import shutil
from pathlib import Path


class GdanimError(Exception):
    """A problem with the user's input, files or tools, with what to do about it."""


def unwritable(path) -> str | None:
    """Why the folder `path` cannot be written: 'read-only file system' or 'permission
    denied'; None when it can."""
    try:
        read_only = bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except OSError:
        read_only = False
    if read_only:
        return "read-only file system"
    return None if os.access(path, os.W_OK | os.X_OK) else "permission denied"


def disk_of(name) -> str:
    """' holding <mount point> (<n> MB free)' for the disk a path is on, or ''."""
    if not name:
        return ""
    path = Path(os.fsdecode(name)).absolute()
    while not path.exists() and path != path.parent:
        path = path.parent
    mount = path
    while not os.path.ismount(mount) and mount != mount.parent:
        mount = mount.parent
    try:
        free = shutil.disk_usage(path).free
    except OSError:
        return f" holding {mount}"
    return f" holding {mount} ({free / 1e6:.1f} MB free)"
