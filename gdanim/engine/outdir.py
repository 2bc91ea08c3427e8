"""The output folder: whether a build may write it, the staging folder beside it, and the
final swap that keeps every file gdanim did not write (a gh-pages checkout's .git,
CNAME, .nojekyll, a teacher's own files).

A build writes into `.<name>-staging-<pid>-*` beside the output and swaps it in only
at the end, so a failed or interrupted build leaves the old site as it was. A staging
folder whose process is gone (killed, power loss) is removed by the next build."""
from __future__ import annotations

import errno
import os
import re
import shutil
import tempfile
from pathlib import Path

from gdanim.core import stopping
from gdanim.core.errors import GdanimError, disk_of, unwritable

NAME_MAX, PATH_MAX = 255, 4096
SYSTEM_FOLDERS = ("/proc", "/sys", "/dev")


def check_out(out: Path) -> str | None:
    """Why `out` cannot be the site folder, or None. Checked before any work."""
    raw = str(out)
    if not raw.strip():
        return "no folder given"
    if raw == "~" or raw.startswith("~/"):
        return (f"{raw!r} starts with '~', which the shell does not expand after '='; "
                f"write --out {raw} (with a space) or the full path")
    try:
        resolved = out.expanduser().resolve()
    except (OSError, RuntimeError) as error:
        return f"{raw!r} cannot be resolved: {error}"
    if len(os.fsencode(str(resolved))) > PATH_MAX - 64:
        return f"the path is {len(os.fsencode(str(resolved)))} bytes long; keep it under {PATH_MAX - 64}"
    long_parts = [p for p in resolved.parts if len(os.fsencode(p)) > NAME_MAX - 40]
    if long_parts:
        return (f"the folder name {long_parts[0][:40]!r}... is {len(os.fsencode(long_parts[0]))} "
                f"bytes; names must stay under {NAME_MAX - 40} bytes")
    if resolved == Path.cwd().resolve():
        return f"{raw!r} is the current folder; give the site a folder of its own"
    if resolved == Path.home().resolve() or resolved == Path(resolved.anchor):
        return f"{raw!r} is {'your home folder' if resolved != Path(resolved.anchor) else 'the root folder'}; give the site a folder of its own"
    if any(str(resolved) == s or str(resolved).startswith(s + "/") for s in SYSTEM_FOLDERS):
        return f"{raw!r} is inside a system folder ({resolved.parts[1]}); choose a folder of your own"
    ancestor = resolved.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        return f"{raw!r} is inside {str(ancestor)!r}, which is a file, not a folder"
    if resolved.exists():
        if not resolved.is_dir():
            return f"{raw!r} exists and is not a folder"
        if os.path.ismount(resolved):
            return (f"{raw!r} is a mount point; the build swaps the whole folder, which a "
                    f"mount point cannot be. Use a folder inside it, e.g. --out {raw}/site")
    why = unwritable(ancestor)
    if why:
        return f"{str(ancestor)!r} cannot be written ({why}); choose a folder you can write"
    return None


def make_staging(out: Path) -> Path:
    """A new private folder beside `out`, tagged with this process id."""
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-staging-{os.getpid()}-",
                                    dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the published site is not
    return staging


def clean_stale(out: Path) -> list[Path]:
    """Remove staging and old-site folders left beside `out` by builds whose process is
    gone. Returns what was removed."""
    pattern = re.compile(rf"^\.{re.escape(out.name)}-(staging|old)-(\d+)-")
    removed = []
    if not out.parent.is_dir():
        return removed
    for entry in out.parent.iterdir():
        match = pattern.match(entry.name)
        if match and entry.is_dir() and not _alive(int(match.group(2))):
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry)
    return removed


def clear_debris(out: Path, say) -> None:
    """Remove what interrupted builds left beside `out` (see clean_stale) and say so.
    Runs on every build, a no-op one included: a build killed outright (SIGKILL,
    power loss) cannot clean up after itself, and the next one may have nothing to do."""
    removed = clean_stale(out)
    if removed:
        say(f"removed {len(removed)} folder(s) left by an interrupted build")


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def user_entries(site: Path, ours: set[str]) -> list[str]:
    """Paths (relative, POSIX) under `site` that gdanim did not write: whole folders
    where nothing inside is ours, single files otherwise."""
    found: list[str] = []
    prefixes = {p.rsplit("/", 1)[0] for p in ours if "/" in p}
    prefixes |= {"/".join(p.split("/")[:i]) for p in prefixes
                 for i in range(1, p.count("/") + 1)}

    def walk(folder: Path, rel: str) -> None:
        for entry in sorted(folder.iterdir()):
            path = f"{rel}{entry.name}"
            if path in ours:
                continue
            if entry.is_dir() and not entry.is_symlink() and path in prefixes:
                walk(entry, path + "/")
            else:
                found.append(path)

    if site.is_dir():
        walk(site, "")
    return found


def swap(staging: Path, out: Path, ours: set[str]) -> list[str]:
    """Put the finished `staging` at `out`. Everything in the old `out` that is not in
    `ours` (the files the last build wrote) moves into the new site first. Returns the
    kept paths. On any failure the old site is back in place, untouched. A stop signal
    that arrived at any moment before (see core/stopping.py) keeps the old site; one
    that arrives during the swap waits for it to end."""
    with stopping.deferred():
        stopping.check()
        kept = _swap(staging, out, ours)
        stopping.commit()
    return kept


def _swap(staging: Path, out: Path, ours: set[str]) -> list[str]:
    kept = user_entries(out, ours) if out.exists() else []
    clash = [p for p in kept if (staging / p).exists() or (staging / p).is_symlink()]
    if clash:
        raise GdanimError(
            f"'out': {', '.join(clash[:5])} in {str(out)!r} {'was' if len(clash) == 1 else 'were'} "
            f"not written by gdanim, and the new site has a file of that name. Move "
            f"{'it' if len(clash) == 1 else 'them'} elsewhere and build again; nothing was changed")
    moved: list[str] = []
    try:
        for rel in kept:
            (staging / rel).parent.mkdir(parents=True, exist_ok=True)
            os.replace(out / rel, staging / rel)
            moved.append(rel)
        if out.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{out.name}-old-{os.getpid()}-",
                                        dir=out.parent))
            os.replace(out, old / "site")
            try:
                os.replace(staging, out)
            except BaseException:
                os.replace(old / "site", out)
                raise
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(staging, out)
    except BaseException:
        for rel in reversed(moved):   # give the user's files back to the old site
            if (staging / rel).exists() or (staging / rel).is_symlink():
                os.replace(staging / rel, out / rel)
        raise
    return kept


def describe_os_error(error: OSError, doing: str) -> str:
    """One plain sentence for an OSError met while `doing` something."""
    name = getattr(error, "filename2", None) or error.filename
    where = f" ({name})" if name else ""
    if error.errno in (errno.ENOSPC, errno.EDQUOT):
        disk = disk_of(name)
        return (f"the disk is full while {doing}{where}; free some space on the disk{disk} "
                f"and build again")
    if error.errno == errno.EROFS:
        return f"the file system is read-only while {doing}{where}; choose another --out"
    if error.errno in (errno.EACCES, errno.EPERM):
        return f"permission denied while {doing}{where}; choose a folder you can write"
    if error.errno == errno.ENAMETOOLONG:
        return f"a file name is too long while {doing}{where}; use a shorter --out path"
    return f"{error.strerror or error} while {doing}{where}"

