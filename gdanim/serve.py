"""`generate.py serve`: a live preview of the site while you edit it.

It builds the site, serves the folder on 127.0.0.1 under the sub-path GitHub Pages will
use for a project site (/<repo>/), and rebuilds whenever a template, gdanim's code or
the config changes. Each rebuild runs `gdanim.engine.pipeline.build` in a fresh Python process, so
edited code is the code that runs, and a crash cannot take the server down. A failed
rebuild leaves the last good site in place (the build swaps folders only on success).

Served HTML pages get a small script that follows the server's state (a stream of
server-sent events): it reloads the page after a good rebuild and shows a failed
rebuild's error. The script is added to the response only; the files in the site
folder never carry it.

Python's own http.server ignores Range requests (it always sends the whole file), and
browsers need byte ranges to seek in a video, so the handler here answers them."""
from __future__ import annotations

import errno
import http.server
import json
import mimetypes
import multiprocessing
import os
import re
import signal
import threading
import time
import traceback
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click

from gdanim.core.errors import GdanimError

EVENTS = "__gdanim__/events"   # the state stream, under the base path
TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
         ".json": "application/json", ".svg": "image/svg+xml", ".mp4": "video/mp4",
         ".gif": "image/gif", ".png": "image/png", ".xml": "application/xml",
         ".txt": "text/plain; charset=utf-8"}


# --- what the open pages follow -------------------------------------------------------

class LiveState:
    """The site's state as the open pages see it: `generation` goes up with every good
    build, `building` is true while one runs, `error` is the last build's failure."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self.generation, self.building, self.error, self.closed = 0, False, None, False

    def snapshot(self) -> dict:
        return {"generation": self.generation, "building": self.building, "error": self.error}

    def update(self, **values) -> None:
        with self._changed:
            for name, value in values.items():
                setattr(self, name, value)
            self._changed.notify_all()

    def wait(self, seen: dict | None, timeout: float) -> dict | None:
        """The state once it differs from `seen` (or after `timeout` s); None once closed."""
        with self._changed:
            self._changed.wait_for(lambda: self.closed or self.snapshot() != seen, timeout)
            return None if self.closed else self.snapshot()

    def close(self) -> None:
        self.update(closed=True)


LIVE_SCRIPT = """
<script>/* Added by `generate.py serve` (never written to the site): reload after a
rebuild; show a failed rebuild's error. */
(function () {
  "use strict";
  var shown = %(generation)d, box;
  function say(kind, heading, text) {
    if (!box) {
      box = document.createElement("div");
      box.id = "gdanim-serve";
      box.style.cssText = "position:fixed;z-index:99;left:1rem;right:1rem;bottom:1rem;" +
        "max-height:45vh;overflow:auto;padding:.8rem 1rem;border-radius:.5rem;" +
        "font:14px/1.4 system-ui,sans-serif;box-shadow:0 2px 12px rgba(0,0,0,.3)";
      document.body.appendChild(box);
    }
    box.hidden = !kind;
    if (!kind) return;
    box.className = kind;
    box.style.left = kind === "error" ? "1rem" : "auto";  // "Rebuilding" is a small note
    box.setAttribute("role", kind === "error" ? "alert" : "status");
    box.style.background = kind === "error" ? "#fff0f0" : "#f3f6fa";
    box.style.color = "#111";
    box.style.border = "2px solid " + (kind === "error" ? "#b00020" : "#0a5c91");
    box.textContent = "";
    var strong = document.createElement("strong");
    strong.textContent = heading;
    box.appendChild(strong);
    if (text) {
      var pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:.5rem 0 0;font-size:13px";
      pre.textContent = text;
      box.appendChild(pre);
    }
  }
  var events = new EventSource(%(events)s);
  events.onmessage = function (message) {
    var state = JSON.parse(message.data);
    if (state.generation !== shown) { location.reload(); return; }
    if (state.error) say("error", "The last rebuild failed; this is the site as it was " +
                         "before. Fix the problem and save: the page reloads by itself.",
                         state.error);
    else if (state.building) say("building", "Rebuilding\\u2026");
    else say(null);
  };
})();
</script>
"""

NO_SITE_YET = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>No site yet</title></head>
<body style="font:16px/1.5 system-ui,sans-serif;margin:2rem">
<h1>No site here yet</h1>
<p>The first build is running, or it failed (the terminal says which). This page
reloads by itself when the site is ready.</p>
</body></html>
"""


def inject(page: bytes, live: LiveState, base: str) -> bytes:
    """`page` with the live script just before its closing </body>."""
    script = LIVE_SCRIPT % {"generation": live.generation,
                            "events": json.dumps(base + EVENTS)}
    at = page.lower().rfind(b"</body>")
    at = len(page) if at < 0 else at
    return page[:at] + script.encode() + page[at:]


# --- the static host --------------------------------------------------------------------

def byte_range(header: str | None, size: int) -> tuple[int, int] | None | str:
    """(first, last) byte for a single `bytes=` range, None to send the whole file (no
    range, or several), "bad" for a range that starts past the end."""
    match = re.fullmatch(r"bytes=(\d*)-(\d*)", (header or "").strip())
    if not match or not any(match.groups()):
        return None
    first, last = match.groups()
    if first:
        start, end = int(first), min(int(last), size - 1) if last else size - 1
    else:  # "bytes=-500": the last 500 bytes
        start, end = max(0, size - int(last)), size - 1
    return "bad" if start >= size or start > end else (start, end)


class SiteHandler(http.server.BaseHTTPRequestHandler):
    """Serves `site` under `base` (e.g. "/gdanim/") as GitHub Pages does a project site:
    a folder's index.html, the site's 404.html for any missing path, byte ranges. With
    `live`, HTML responses carry the reload script and `base + EVENTS` streams state."""

    site: Path
    base: str
    live: LiveState | None = None
    server_version = "gdanim-serve"

    def log_message(self, *args) -> None:
        pass  # the terminal is for build output and errors

    def do_GET(self) -> None:
        self.respond(with_body=True)

    def do_HEAD(self) -> None:
        self.respond(with_body=False)

    def respond(self, with_body: bool) -> None:
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        try:
            if too_long(path):   # no file can have such a name: say so, do not look
                return self.send(414, b"URI too long\n", TYPES[".txt"], {}, with_body)
            if self.live and path == self.base + EVENTS:
                return self.stream_events()
            if path in ("/", self.base.rstrip("/")) and path != self.base:
                return self.send(302, b"", "text/plain", {"Location": self.base}, with_body)
            file = self.find(path)
            if file and file.is_dir():
                return self.send(301, b"", "text/plain", {"Location": path + "/"}, with_body)
            if file is None:
                missing = self.site / "404.html"
                body = missing.read_bytes() if missing.is_file() else NO_SITE_YET.encode()
                return self.send(404, body, TYPES[".html"], {}, with_body)
            try:
                self.send_file(file, with_body)
            except (BrokenPipeError, ConnectionResetError):
                raise
            except OSError:  # unreadable, or gone in a rebuild's swap: as if missing
                self.send(404, NO_SITE_YET.encode(), TYPES[".html"], {}, with_body)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the browser had what it needed (media requests are often cut short)

    def find(self, path: str) -> Path | None:
        """The file (or folder) `path` names inside the site, else None."""
        if not path.startswith(self.base):
            return None
        relative = path[len(self.base):]
        for _ in range(20):  # a rebuild swaps the folder: it is missing for a moment
            if self.site.is_dir():
                break
            time.sleep(0.05)
        try:
            file = (self.site / (relative or "index.html")).resolve()
            if not (file == self.site or self.site in file.parents):
                return None
            if file.is_dir() and path.endswith("/"):
                file = file / "index.html"
            return file if file.exists() else None
        except (ValueError, OSError, RuntimeError):  # a NUL byte, a name too long, a
            return None                                # loop of links (RuntimeError)

    def send_file(self, file: Path, with_body: bool) -> None:
        body = file.read_bytes()
        kind = TYPES.get(file.suffix) or mimetypes.guess_type(file.name)[0] or \
            "application/octet-stream"
        if self.live and file.suffix == ".html":
            return self.send(200, inject(body, self.live, self.base), kind, {}, with_body)
        status, headers = 200, {"Accept-Ranges": "bytes"}
        span = byte_range(self.headers.get("Range"), len(body))
        if span == "bad":
            status, headers["Content-Range"], body = 416, f"bytes */{len(body)}", b""
        elif span:
            start, end = span
            status, headers["Content-Range"] = 206, f"bytes {start}-{end}/{len(body)}"
            body = body[start:end + 1]
        self.send(status, body, kind, headers, with_body)

    def send(self, status: int, body: bytes, kind: str, headers: dict, with_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        if self.live:
            self.send_header("Cache-Control", "no-cache")  # a reload shows the new build
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if with_body:
            self.wfile.write(body)

    def stream_events(self) -> None:
        """Server-sent events: the state now, then each change, until the server stops."""
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        seen = None
        while True:
            state = self.live.wait(seen, timeout=15)
            if state is None:
                return
            # A comment line every 15 s finds closed connections.
            self.wfile.write(f"data: {json.dumps(state)}\n\n".encode() if state != seen
                             else b": still here\n\n")
            self.wfile.flush()
            seen = state


NAME_MAX, PATH_MAX = 255, 4096


def too_long(path: str) -> bool:
    """Is `path` (a URL path) longer than any file name or path can be?"""
    return len(path.encode("utf-8", "surrogateescape")) > PATH_MAX or any(
        len(part.encode("utf-8", "surrogateescape")) > NAME_MAX for part in path.split("/"))


def open_server(site: Path, base: str, port: int,
                live: LiveState | None = None) -> http.server.ThreadingHTTPServer:
    """A server for `site` under `base` on 127.0.0.1:`port` (0: any free port), bound
    but not yet serving; call serve_forever()."""
    handler = type("Handler", (SiteHandler,), {"site": site.resolve(), "base": base,
                                                "live": live})
    try:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    except OSError as error:
        if error.errno == errno.EADDRINUSE:
            raise PortInUse(
                f"Port {port} on 127.0.0.1 is in use, by another `serve` or another "
                f"program. Stop that program, or choose another port: "
                f"python -m gdanim serve --port {port + 1}") from None
        if error.errno in (errno.EACCES, errno.EPERM):
            raise GdanimError(f"Port {port} needs administrator rights; choose a port "
                              f"above 1023: python -m gdanim serve --port 8000") from None
        raise
    server.daemon_threads = True
    return server


class PortInUse(GdanimError):
    pass


PORT_TRIES = 20   # a port in use: how many of the next ones `serve` tries


def open_free_server(site: Path, base: str, port: int, live: LiveState | None,
                     say) -> http.server.ThreadingHTTPServer:
    """open_server on `port` or, when another program has it, on the next free one
    of the PORT_TRIES after it, saying which."""
    last = min(port + PORT_TRIES, 65535) if port else 0
    for candidate in range(port, last + 1):
        try:
            server = open_server(site, base, candidate, live)
        except PortInUse:
            continue
        if candidate != port:
            say(f"Port {port} is in use (another `serve`, or another program); using "
                f"port {candidate} instead.")
        return server
    raise GdanimError(f"Ports {port} to {last} on 127.0.0.1 are all in use. Stop the "
                      f"programs using them, or choose another port: python -m gdanim "
                      f"serve --port 0 (any free port)")


def check_base_path(value: str) -> str:
    """`value` as a sub-path with a slash at each end ("gdanim" -> "/gdanim/"); raise
    ValueError for characters a URL path cannot carry as they are."""
    path = "/" + value.strip().strip("/")
    if not re.fullmatch(r"(/[A-Za-z0-9._~-]+)*/?", path):
        raise ValueError(f"{value!r} is not a plain URL path; use letters, digits and "
                         f". _ ~ - between slashes, e.g. /gdanim/")
    return path.rstrip("/") + "/"


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
    """Run in a fresh interpreter: build, then send None or the error's description."""
    import jinja2

    try:
        from gdanim.engine.pipeline import build

        with request.config() as (config, _):
            build(config, progress=True, reuse=True)
        result = None
    except KeyboardInterrupt:
        result = "interrupted"
    except BaseException as error:  # reported to the server, which keeps running
        if not isinstance(error, (GdanimError, click.ClickException, jinja2.TemplateError)):
            traceback.print_exc()  # a bug, not an edit: the whole story, in the terminal
        result = describe(error)
    try:
        answer.send(result)
    except BaseException:  # the server stopped first (Ctrl-C): nobody to tell
        pass


def rebuild(request: Request, live: LiveState, say) -> bool:
    """Build in a child process; on success the open pages reload, on failure they
    show the error and the server keeps the last good site."""
    live.update(building=True)
    context = multiprocessing.get_context("spawn")
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_build_in_child, args=(request, send), name="gdanim-build")
    started = time.perf_counter()
    child.start()
    send.close()
    try:
        error = receive.recv()
    except EOFError:
        error = f"the build stopped without a word (exit code {child.exitcode})"
    except BaseException:  # Ctrl-C: stop the build too, and let it clean up
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


def stop_child(child) -> None:
    """End a build. Ctrl-C in a terminal reaches it too and it removes its staging
    folder; otherwise it gets its own SIGINT; as a last resort, SIGTERM."""
    child.join(5)
    if child.is_alive():
        os.kill(child.pid, signal.SIGINT)
        child.join(15)
    if child.is_alive():
        child.terminate()
    child.join()


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
    """Build, serve on 127.0.0.1:`port` under `base`, rebuild on changes; Ctrl-C stops.
    Bad options or settings raise ConfigError before anything starts."""
    import watchfiles

    say = lambda message: click.echo(message, err=True)  # noqa: E731
    with request.config() as (config, config_file):
        out = config.out.resolve()
    live = LiveState()
    server = open_free_server(out, base, port, live, say)
    threading.Thread(target=server.serve_forever, name="gdanim-serve", daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}{base}"
    say(f"Serving {out} at {url}  (Ctrl-C stops)")
    default = watchfiles.DefaultFilter()
    try:
        rebuild(request, live, say)
        paths = watched_paths(out, config_file)
        say("Watching for changes in " + ", ".join(map(str, paths)))
        for changes in watchfiles.watch(
                *paths, watch_filter=lambda change, path: default(change, path)
                and out not in Path(path).parents, raise_interrupt=True):
            names = sorted({Path(path).name for _, path in changes})
            say(f"Changed: {', '.join(names[:5])}{' ...' if len(names) > 5 else ''}")
            rebuild(request, live, say)
    except KeyboardInterrupt:
        pass
    finally:
        live.close()
        server.shutdown()
        server.server_close()
        say("Stopped.")
