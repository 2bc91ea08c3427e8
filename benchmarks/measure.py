"""Small measuring tools for the benchmarks: wall time, and the peak memory of a process
together with every process it starts (Python plus its ffmpeg children), read from /proc."""
from __future__ import annotations

import os
import resource
import subprocess
import threading
import time
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """`with stopwatch() as took:` ... then `took[0]` is the wall-clock seconds it took
    and `took[1]` the CPU seconds of this process and the children it waited for."""
    took: list[float] = []
    started, cpu = time.perf_counter(), cpu_seconds()
    try:
        yield took
    finally:
        took += [time.perf_counter() - started, cpu_seconds() - cpu]


def cpu_seconds() -> float:
    """User + system CPU time of this process and its finished children so far."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


def _children() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    ppid = int(stat.read().rsplit(")", 1)[1].split()[1])
            except (OSError, ValueError, IndexError):
                continue
            kids.setdefault(ppid, []).append(int(entry))
    return kids


def _rss_kib(pid: int, file: str = "status", field: str = "VmRSS:") -> int:
    try:
        with open(f"/proc/{pid}/{file}") as status:
            for line in status:
                if line.startswith(field):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def tree_rss_kib(pid: int, pss: bool = False) -> int:
    """Resident memory of `pid` and all its descendants, in KiB. With `pss`, each
    process's proportional share (Pss): pages two processes share, such as the same
    library loaded in both, count once in the sum rather than once per process."""
    where = ("smaps_rollup", "Pss:") if pss else ("status", "VmRSS:")
    kids, todo, total = _children(), [pid], 0
    while todo:
        current = todo.pop()
        total += _rss_kib(current, *where)
        todo.extend(kids.get(current, []))
    return total


def peak_tree_memory(cmd: list[str], interval: float = 0.05, **kwargs) -> tuple[float, float]:
    """Run `cmd` to the end; return (seconds, peak MiB of it plus its children, summed
    at each sample). Raises CalledProcessError if it fails."""
    seconds, rss, _ = peak_tree_memories(cmd, interval, pss=False, **kwargs)
    return seconds, rss


def peak_tree_memories(cmd: list[str], interval: float = 0.05, pss: bool = True,
                       **kwargs) -> tuple[float, float, float]:
    """Run `cmd` to the end; return (seconds, peak MiB of the resident memory of it and
    its children summed, the same for their proportional shares (0 without `pss`)).
    Raises CalledProcessError if it fails."""
    peak = [0, 0]
    done = threading.Event()
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, **kwargs)

    def sample() -> None:
        while not done.wait(interval):
            peak[0] = max(peak[0], tree_rss_kib(proc.pid))
            if pss:
                peak[1] = max(peak[1], tree_rss_kib(proc.pid, pss=True))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    code = proc.wait()
    done.set()
    sampler.join()
    if code != 0:
        raise subprocess.CalledProcessError(code, cmd)
    return time.perf_counter() - started, peak[0] / 1024, peak[1] / 1024
