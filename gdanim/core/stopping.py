"""Stopping on a signal without ever losing one.

The command line turns Ctrl-C, SIGTERM and SIGHUP into an exception that unwinds the
build (so it cleans up) and exits 130, 143 or 129, leaving the previous site as it was.
An exception raised by a signal handler can go astray, though:

- Python runs the handler wherever the main thread happens to be. If that is inside a
  finaliser (a `__del__`, a weakref callback: garbage collection runs them at any
  moment, matplotlib and JAX have many), the exception is printed and dropped, and
  the build would go on to publish. So every signal is also *recorded*, and the point
  of no return, the swap that puts the new site in place, refuses to go on once one
  has arrived (`check`); so does the command line before it reports success.
- Some steps must not be cut in half: starting the pool of render workers (a worker
  half started prints a traceback, a pool half made is never stopped) and the swap.
  Inside `deferred()` a signal is only recorded; it is raised as the step ends.
"""
from __future__ import annotations

import signal
import sys
from contextlib import contextmanager
from typing import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)

_received: list[int] = []   # every stop signal since `install`, first first
_deferring = 0              # how many deferred() blocks we are inside
_committed = False          # the new site is in place: too late to keep the old one


class Terminated(BaseException):
    """SIGTERM or SIGHUP arrived: unwind like Ctrl-C (clean up), exit 128 + signal."""

    def __init__(self, signum: int):
        super().__init__(signum)
        self.signum = signum


def stop_exception(signum: int) -> BaseException:
    return KeyboardInterrupt() if signum == signal.SIGINT else Terminated(signum)


def _handler(signum, frame) -> None:
    if signum not in _received:
        _received.append(signum)
    if _deferring or isinstance(sys.exc_info()[1], (Terminated, KeyboardInterrupt)):
        return   # recorded; and a second signal does not cut short the cleanup of a first
    raise stop_exception(signum)


def _unraisable(hook):
    """sys.unraisablehook that says nothing of a stop exception dropped inside a
    finaliser (it was recorded, and is acted on at the next check)."""
    def quiet(info) -> None:
        if not isinstance(info.exc_value, (Terminated, KeyboardInterrupt)):
            hook(info)
    return quiet


def install() -> dict:
    """Handle the stop signals (main thread only); forget any earlier ones. Returns
    what `restore` needs."""
    global _deferring, _committed
    _received.clear()
    _deferring, _committed = 0, False
    previous = {"unraisablehook": sys.unraisablehook}
    sys.unraisablehook = _unraisable(sys.unraisablehook)
    for signum in SIGNALS:
        previous[signum] = signal.signal(signum, _handler)
    return previous


def restore(previous: dict) -> None:
    for key, value in previous.items():
        if key == "unraisablehook":
            sys.unraisablehook = value
        elif value is not None:
            signal.signal(key, value)


def received() -> int | None:
    """The first stop signal since `install`, or None."""
    return _received[0] if _received else None


def check() -> None:
    """Raise the stop exception if a signal has arrived, even one whose exception
    some library dropped."""
    if _received:
        raise stop_exception(_received[0])


def commit() -> None:
    """Note that the new site is in place (a later signal cannot keep the old one)."""
    global _committed
    _committed = True


def committed() -> bool:
    return _committed


@contextmanager
def deferred(block: tuple[int, ...] = ()) -> Iterator[None]:
    """A step no signal may cut in half: a signal inside is recorded and raised as the
    step ends (unless the step fails: then its own error goes on). Signals in `block`
    are also blocked for this thread at the OS level, so that processes started
    inside inherit them blocked (that is, ignore them)."""
    global _deferring
    _deferring += 1
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, block) if block else None
    try:
        yield
    finally:
        if mask is not None:
            signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        _deferring -= 1
    if not _deferring:
        check()
