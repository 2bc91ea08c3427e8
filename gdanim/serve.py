"""`generate.py serve`: a live preview of the site while you edit it.

It builds the site, serves the folder on 127.0.0.1 under the sub-path GitHub Pages will
use for a project site (/<repo>/), and rebuilds whenever a template, gdanim's code or
the config changes. Each rebuild runs `gdanim.engine.pipeline.build` in a fresh Python process, so
edited code is the code that runs, and a crash cannot take the server down. A failed
rebuild leaves the last good site in place (the build swaps folders only on success).

The static host itself, with the reload script the served pages get, is
gdanim/host.py."""
from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing import resource_tracker
from pathlib import Path

import click

from gdanim.core.errors import GdanimError
from gdanim.core.resources import is_generated
from gdanim.host import (EVENTS, NO_SITE_YET, PORT_TRIES, TYPES, LiveState,  # noqa: F401
                         PortInUse, SiteHandler, byte_range, check_base_path, inject,
                         open_free_server, open_server, too_long)


# --- building and watching --------------------------------------------------------------

@dataclass(frozen=True)
class Request:
    """What to build, as given on the command line. Read again for every build, so an
    edited gdanim.toml counts."""

    out: str
    only: tuple[str, ...]
    quality: str
    config_path: str | None = None

    @contextmanager
    def config(self):
        """(BuildConfig, the settings file or None), with gdanim.toml's chapters
        installed meanwhile; raises ConfigError for bad options or settings. The preview
        keeps every link relative, even with a site_url in gdanim.toml."""
        from gdanim import settings
        from gdanim.core.config import FORMATS
        from gdanim.options import parse_build_config
        from gdanim.chapters import SCENARIOS, installed

        chosen = settings.load(self.config_path)
        with installed(chosen.scenarios):
            yield parse_build_config(self.out, self.only, ",".join(FORMATS), self.quality,
                                     list(SCENARIOS), "", chosen.site), chosen.path


def describe(error: BaseException) -> str:
    """A failed build's error in a few lines: the message, and where it happened."""
    if isinstance(error, (GdanimError, click.ClickException)):
        return error.format_message() if isinstance(error, click.ClickException) \
            else str(error)
    lines = traceback.format_exception_only(type(error), error)
    frames = traceback.extract_tb(error.__traceback__)
    # A template's own line says more than the jinja2 internals that raised.
    frames = [f for f in frames if f.filename.endswith(".html")] or frames
    where = f"\n  in {frames[-1].filename}, line {frames[-1].lineno}" if frames else ""
    return "".join(lines).strip() + where


def _build_in_child(request: Request, answer) -> None:
    """Run in a fresh interpreter: build, then send None or the error's description.
    It starts with the stop signals blocked (see rebuild) until it can unwind the
    build cleanly."""
    from gdanim.core import stopping

    result = "interrupted"
    try:
        stopping.install()
        signal.pthread_sigmask(signal.SIG_UNBLOCK, stopping.SIGNALS)  # one waiting: now
        import jinja2

        try:
            from gdanim.engine.pipeline import build

            with request.config() as (config, _):
                build(config, progress=True, reuse=True)
            result = None
        except (KeyboardInterrupt, stopping.Terminated):
            raise
        except BaseException as error:  # reported to the server, which keeps running
            if stopping.received() is not None:   # a stop that a C library re-worded
                raise KeyboardInterrupt from error
            if not isinstance(error, (GdanimError, click.ClickException,
                                      jinja2.TemplateError)):
                traceback.print_exc()  # a bug, not an edit: the whole story, in the terminal
            result = describe(error)
    except (KeyboardInterrupt, stopping.Terminated):
        result = "interrupted"
    finally:   # from here on a signal waits: the process is ending anyway
        signal.pthread_sigmask(signal.SIG_BLOCK, stopping.SIGNALS)
    try:
        answer.send(result)
    except BaseException:  # the server stopped first (Ctrl-C): nobody to tell
        pass


def rebuild(request: Request, live: LiveState, say) -> bool:
    """Build in a child process; on success the open pages reload, on failure they
    show the error and the server keeps the last good site."""
    from gdanim.core import stopping

    live.update(building=True)
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_build_in_child, args=(request, send), name="gdanim-build")
    started = time.perf_counter()
    try:
        # The child starts with the stop signals blocked (a mask a new process keeps):
        # a Ctrl-C while it imports (the terminal sends it to both) waits until it can
        # unwind cleanly. multiprocessing starts its resource tracker with the first
        # process and unblocks SIGINT and SIGTERM as it does, so that comes first.
        # (Never SIG_IGN here: a signal that comes meanwhile to any thread is lost.)
        resource_tracker.ensure_running()
        with stopping.deferred(block=stopping.SIGNALS):   # (here, a signal waits)
            child.start()
        send.close()
        try:
            error = _answer(receive)
        except EOFError:
            error = f"the build stopped without a word (exit code {child.exitcode})"
    except BaseException:  # Ctrl-C: stop the build too, and let it clean up
        if child.pid is not None:
            stop_child(child)
        raise
    child.join(30)
    stop_child(child)
    if error is None:
        live.update(generation=live.generation + 1, building=False, error=None)
        say(f"Built in {time.perf_counter() - started:.1f} s; open pages reload.")
        return True
    live.update(building=False, error=error)
    say(click.style("The build failed; still serving the last good site.\n", fg="red") + error)
    return False


def _answer(receive):
    """The build's answer. The wait looks at the stop signals twice a second, so that
    one whose exception a library's finaliser dropped (core/stopping.py) still stops
    the preview instead of leaving it waiting for the build, then watching forever."""
    from gdanim.core import stopping

    while not receive.poll(0.25):
        stopping.check()
    return receive.recv()


def stop_child(child) -> None:
    """End a build. Ctrl-C in a terminal reaches it too and it removes its staging
    folder; otherwise it gets its own SIGINT; then SIGTERM. A build that still has not
    ended (stuck in a library) is killed: the preview stops either way, and the next
    build clears the staging folder it leaves."""
    child.join(2)
    for stop, wait in ((lambda: os.kill(child.pid, signal.SIGINT), 10),
                       (child.terminate, 5), (child.kill, None)):
        if not child.is_alive():
            break
        stop()
        child.join(wait)


def watched_paths(out: Path, config_file: Path | None) -> list[Path]:
    """What a rebuild depends on: the templates, gdanim's code and the settings file
    (gdanim.toml) if there is one; never the output folder."""
    import gdanim
    from gdanim.core.resources import templates_dir

    paths = [templates_dir(), Path(gdanim.__file__).resolve().parent]
    if config_file:
        paths.append(Path(config_file).resolve())
    keep = []
    for path in paths:
        if not any(other in path.parents for other in paths) and path not in keep:
            keep.append(path)
    return [p for p in keep if p.exists() and p != out and out not in p.parents]


def serve(request: Request, base: str, port: int) -> None:
    """Build, serve on 127.0.0.1:`port` under `base`, rebuild on changes; Ctrl-C stops
    (exit 130; SIGTERM and SIGHUP: 143 and 129), with one line. Bad options or settings
    raise ConfigError before anything starts."""
    import watchfiles

    from gdanim.core import stopping

    say = lambda message: click.echo(message, err=True)  # noqa: E731
    with request.config() as (config, config_file):
        out = config.out.resolve()
    live = LiveState()
    server = open_free_server(out, base, port, live, say)
    threading.Thread(target=server.serve_forever, name="gdanim-serve", daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}{base}"
    say(f"Serving {out} at {url}  (Ctrl-C stops)")
    default = watchfiles.DefaultFilter()

    def wanted(change, path: str) -> bool:   # never the site, its staging, another site
        for folder in (Path(path), *Path(path).parents):
            if folder in paths:
                break
            if folder == out or is_generated(folder):
                return False
        return default(change, path)

    stopped = None
    try:
        paths = watched_paths(out, config_file)
        rebuild(request, live, say)
        say("Watching for changes in " + ", ".join(map(str, paths)))
        # Every half second the watch also looks at the stop signals (see _answer).
        for changes in watchfiles.watch(*paths, watch_filter=wanted, raise_interrupt=True,
                                        rust_timeout=500, yield_on_timeout=True):
            stopping.check()
            if not changes:
                continue
            names = sorted({Path(path).name for _, path in changes})
            say(f"Changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}")
            rebuild(request, live, say)
    except (KeyboardInterrupt, stopping.Terminated):
        stopped = stopping.received() or signal.SIGINT   # (watchfiles makes each a Ctrl-C)
    finally:
        # Closing down is not cut short: a second Ctrl-C waits, and the process ends.
        signal.pthread_sigmask(signal.SIG_BLOCK, stopping.SIGNALS)
        live.close()
        server.shutdown()
        server.server_close()
        say("Stopped.")
    raise click.exceptions.Exit(128 + stopped)
