"""The executor: run a plan's stale figure jobs (animations and stills) inline or on a
pool of worker processes, and report each as it finishes.

Workers are started fresh ("spawn"), not forked: the parent may hold JAX's threads,
which do not survive a fork. Each worker loads the chapter's figure code from the
chapter cache, so only a job's name crosses the process boundary. Output does not
depend on the number of workers: every job writes its own files, deterministically."""
from __future__ import annotations

import multiprocessing
import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

from gdanim.core import stopping
from gdanim.core.config import QUALITIES
from gdanim.engine.plan import Job


@dataclass(frozen=True)
class Task:
    """What a worker needs to run one figure job."""

    job_id: str
    kind: str            # animation | still
    slug: str
    name: str
    chapter_key: str
    staging: str
    quality: str
    formats: tuple[str, ...]
    key: str
    web: bool = True     # the posters' web copies: a site's pages show them, a kit has none


@dataclass(frozen=True)
class Done:
    job_id: str
    record: Any          # media.MediaRecord or media.StillRecord
    seconds: float
    frames: int
    bytes: int


_figures: dict[tuple[str, str], Any] = {}
PARENTS_SIGNALS = {signal.SIGINT, signal.SIGHUP}


def run_task(task: Task) -> Done:
    """Render one figure into the staging folder (in a worker, or inline)."""
    from gdanim.engine import results_cache
    from gdanim.figures import media

    started = time.perf_counter()
    chapter = _figures.get((task.slug, task.chapter_key))
    if chapter is None:
        chapter = results_cache.load_figures(task.slug, task.chapter_key)
        if chapter is None:
            raise RuntimeError(f"{task.slug}: computed results vanished from the cache "
                               f"({results_cache.cache_dir()}) during the build")
        _figures.clear()
        _figures[(task.slug, task.chapter_key)] = chapter
    staging, quality = Path(task.staging), QUALITIES[task.quality]
    if task.kind == "animation":
        animation = next(a for a in chapter.animations if a.name == task.name)
        record = media.render_animation(animation, task.slug, staging, task.formats,
                                        quality, key=task.key, web=task.web)
        files, frames = list(record.files.values()), record.frames
    else:
        still = next(s for s in chapter.stills if s.name == task.name)
        record = media.render_still(still, task.slug, staging, quality)
        files, frames = [f for f in (record.file, record.web) if f], 1
    size = sum((staging / f).stat().st_size for f in files)
    return Done(task.job_id, record, time.perf_counter() - started, frames, size)


GRACE = 20   # seconds a stopped worker has to unwind before it just exits


def _unwind(signum, frame) -> None:
    # Should the SystemExit be dropped (raised inside a finaliser, see core/stopping.py),
    # the worker still ends, a little later.
    import threading

    backstop = threading.Timer(GRACE, os._exit, (128 + signum,))
    backstop.daemon = True
    backstop.start()
    raise SystemExit(128 + signum)


def _quiet_unraisable(hook):
    def quiet(info) -> None:
        if not isinstance(info.exc_value, SystemExit):
            hook(info)
    return quiet


def _worker_init() -> None:
    # The parent stops workers with SIGTERM; unwinding (not dying at once) lets each
    # one stop its ffmpeg and remove its partial files. Ctrl-C and a closed terminal
    # (SIGHUP, sent to the whole process group) are the parent's to handle: a worker
    # killed outright could hold the pool's queue lock, and stopping the pool would hang.
    signal.signal(signal.SIGTERM, _unwind)
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGHUP, signal.SIG_IGN)
    signal.pthread_sigmask(signal.SIG_UNBLOCK, PARENTS_SIGNALS)
    sys.unraisablehook = _quiet_unraisable(sys.unraisablehook)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:   # not on Linux
        return max(1, os.cpu_count() or 1)


def run(tasks: list[Task], workers: int, on_done: Callable[[Done], None]) -> dict[str, Done]:
    """Run every task; `on_done` hears of each as it finishes. With one worker (or one
    task) everything runs in this process. The first failure stops the rest."""
    results: dict[str, Done] = {}
    if workers <= 1 or len(tasks) <= 1:
        for task in tasks:
            results[task.job_id] = done = run_task(task)
            on_done(done)
        return results
    context = multiprocessing.get_context("spawn")
    pool = None
    try:
        # Starting the pool is not cut in half by a signal (it waits for the end), and
        # what it starts (the workers, multiprocessing's resource tracker) inherits
        # Ctrl-C and SIGHUP blocked: they are for this process to act on.
        with stopping.deferred(block=PARENTS_SIGNALS):
            pool = context.Pool(min(workers, len(tasks)), initializer=_worker_init)
        # Longest first (animations before stills) keeps both workers busy to the end.
        ordered = sorted(tasks, key=lambda t: t.kind != "animation")
        for done in pool.imap_unordered(run_task, ordered):
            results[done.job_id] = done
            on_done(done)
    except BaseException:
        if pool is not None:
            with stopping.deferred():
                pool.terminate()   # SIGTERM: each worker stops its ffmpeg and unwinds
                pool.join()
        raise
    pool.close()
    pool.join()
    return results
