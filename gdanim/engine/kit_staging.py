"""The slides kit's staging copy and its swap: a `slides` run builds the kit beside
the one in use and puts it in place only when it is complete."""
from __future__ import annotations

import errno
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from gdanim.core.errors import GdanimError
from gdanim.outputs.kit.slide import DECK
from gdanim.outputs.kit_index import KIT

# Media files are linked into the staging copy (a build never rewrites a file in place,
# and shrink_gif and write_pptx replace theirs); every other file is copied, so writing
# it in the staging folder can never write through to the kit that is in use.
LINKED = (".mp4", ".gif", ".png")


@contextmanager
def _racing(kit: Path):
    """Another `slides` run into the same folder moved the kit while this one read or
    replaced it: say so plainly."""
    try:
        yield
    except OSError as error:
        if error.errno not in (errno.ENOENT, errno.ENOTEMPTY, errno.EEXIST):
            raise
        raise GdanimError(f"the slides kit in {kit} changed while this run was using it "
                          f"(another `slides` run into the same folder?). This run "
                          f"changed nothing; run it again once the other has finished"
                          ) from None


@contextmanager
def one_run_at_a_time(kit: Path, say):
    """Hold the slides kit in `kit` for this run: another `slides` run into the same
    folder waits here until this one has finished. Without this, two runs move each
    other's folders: one run's copy or swap of the kit, or its relinking of the site
    (which moves everything beside the site's own files, a half-made kit too), can take
    a folder away while the other is writing in it. The lock is a file in the system's
    temporary folder named after the kit's path, so nothing is written beside the kit;
    where no lock can be had, runs go on unlocked (and `_racing` says what happened)."""
    import hashlib

    try:
        import fcntl
        name = hashlib.sha256(str(kit.resolve()).encode()).hexdigest()[:16]
        handle = open(Path(tempfile.gettempdir()) / f"gdanim-slides-{name}.lock", "a")
    except (ImportError, OSError):
        yield
        return
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            say(f"waiting for another `slides` run into {kit.parent} to finish")
            fcntl.flock(handle, fcntl.LOCK_EX)
        except OSError:
            pass            # a file system without locks: go on unlocked
        yield               # the lock goes when the file is closed


def _copy_kit(kit: Path, staging: Path) -> None:
    """Fill `staging` with a copy of `kit` (media linked, not copied). The deck is left
    out: every run writes it anew, and it holds every MP4 again."""
    if not kit.is_dir():
        return
    for source in sorted(kit.rglob("*")):
        target = staging / source.relative_to(kit)
        if source == kit / DECK:
            continue
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        elif source.is_dir():
            target.mkdir()
        elif source.suffix in LINKED:
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
        else:
            shutil.copy2(source, target)


def clean_stale(kit: Path) -> list[Path]:
    """Remove what a killed `slides` left beside `kit`: its staging copy, the build's
    own staging folder beside that ("..slides-staging-..."), an old kit moved aside."""
    import re

    from gdanim.engine.outdir import _alive

    pattern = re.compile(rf"^\.\.?{re.escape(kit.name)}-(staging|old)-(\d+)-")
    removed = []
    if kit.parent.is_dir():
        for entry in kit.parent.iterdir():
            match = pattern.match(entry.name)
            if match and entry.is_dir() and not entry.is_symlink() \
                    and not _alive(int(match.group(2))):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    return removed


def _swap_in(staging: Path, kit: Path) -> None:
    """Put the finished kit in place: the old one moves aside, the new one in, the old
    one goes. If the second move fails the old kit goes back."""
    if not kit.exists() and not kit.is_symlink():
        os.replace(staging, kit)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{kit.name}-old-{os.getpid()}-", dir=kit.parent))
    try:
        os.replace(kit, old / KIT)
    except BaseException:
        shutil.rmtree(old, ignore_errors=True)
        raise
    try:
        os.replace(staging, kit)
    except BaseException:
        try:
            os.replace(old / KIT, kit)
        except OSError:
            pass   # another run's kit is there now: keep it (its run finished)
        shutil.rmtree(old, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _missing_ancestors(folder: Path) -> list[Path]:
    """`folder` and its parents that do not exist yet, innermost first."""
    missing = []
    folder = folder.absolute()
    while not os.path.lexists(folder) and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing
