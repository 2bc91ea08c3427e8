"""The preview server's static host: the sub-path, byte ranges for video seeking, the
site's 404 page at any depth, the reload script in served pages only, odd names; and
what `serve` does when its port is taken (tests/test_faults_commands.py runs it).
(Live reload in a browser: tests/test_browser.py.)"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from gdanim.serve import LiveState, byte_range, check_base_path, open_server

ROOT = Path(__file__).resolve().parent.parent
BASE = "/lesson/"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args):
        return None


def get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


@pytest.fixture(scope="module")
def live_host(built_site):
    """(root URL, live state): the draft build served as `generate.py serve` does."""
    live = LiveState()
    server = open_server(built_site, BASE, port=0, live=live)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}", live
    live.close()
    server.shutdown()
    server.server_close()


def a_video(manifest) -> str:
    return next(a["files"]["mp4"] for a in manifest["animations"] if "mp4" in a["files"])


def test_byte_ranges_let_a_video_seek(live_host, built_site, manifest):
    root, _ = live_host
    video = a_video(manifest)
    data = (built_site / video).read_bytes()
    status, headers, body = get(root + BASE + video, Range="bytes=100-199")
    assert (status, body) == (206, data[100:200])
    assert headers["Content-Range"] == f"bytes 100-199/{len(data)}"
    assert headers["Content-Type"] == "video/mp4"
    status, headers, body = get(root + BASE + video, Range="bytes=-50")
    assert (status, body) == (206, data[-50:])
    status, headers, body = get(root + BASE + video, Range=f"bytes={len(data) - 10}-")
    assert (status, body) == (206, data[-10:])
    status, headers, _ = get(root + BASE + video, Range=f"bytes={len(data)}-")
    assert status == 416 and headers["Content-Range"] == f"bytes */{len(data)}"
    status, headers, body = get(root + BASE + video)
    assert (status, body, headers["Accept-Ranges"]) == (200, data, "bytes")


@pytest.mark.parametrize("header,size,expected", [
    ("bytes=0-0", 10, (0, 0)), ("bytes=5-100", 10, (5, 9)), ("bytes=-3", 10, (7, 9)),
    ("bytes=-30", 10, (0, 9)), ("bytes=10-", 10, "bad"), ("bytes=4-2", 10, "bad"),
    (None, 10, None), ("bytes=0-1,4-5", 10, None), ("items=0-1", 10, None),
])
def test_range_headers(header, size, expected):
    assert byte_range(header, size) == expected


def test_pages_live_under_the_sub_path_with_the_sites_404_elsewhere(live_host, built_site):
    root, _ = live_host
    status, _, body = get(root + BASE)
    assert status == 200 and body.startswith((built_site / "index.html").read_bytes()[:200])
    assert get(root + "/")[1]["Location"] == BASE
    assert get(root + BASE.rstrip("/"))[1]["Location"] == BASE
    not_found = (built_site / "404.html").read_bytes()
    for path in ("/index.html", BASE + "old/deep/page.html", BASE + "../etc/passwd",
                 BASE + "a%00b.html"):
        status, _, body = get(root + path)
        assert status == 404 and body.startswith(not_found[:200]), path


def test_the_reload_script_is_in_served_pages_and_never_in_the_site(live_host, built_site,
                                                                    manifest):
    root, live = live_host
    for name in ["index.html", manifest["pages"][0]["href"], "404.html"]:
        on_disk = (built_site / name).read_bytes()
        _, headers, served = get(root + BASE + name)
        assert b"__gdanim__/events" in served and b"__gdanim__" not in on_disk
        assert served.rstrip().endswith(b"</html>")
        assert served.index(b"__gdanim__") < served.rindex(b"</body>")
        assert headers["Cache-Control"] == "no-cache"
    assert not [p for p in built_site.rglob("*") if p.is_file()
                and b"__gdanim__" in p.read_bytes()]


def test_the_event_stream_tells_pages_about_each_build(live_host):
    root, live = live_host
    live.update(generation=3, error=None)
    with urllib.request.urlopen(root + BASE + "__gdanim__/events", timeout=10) as stream:
        assert stream.headers["Content-Type"] == "text/event-stream"
        first = json.loads(stream.readline().removeprefix(b"data: "))
        assert first == {"generation": 3, "building": False, "error": None}
        stream.readline()
        live.update(error="TemplateSyntaxError: unexpected end of template")
        second = json.loads(stream.readline().removeprefix(b"data: "))
        assert second["error"].startswith("TemplateSyntaxError") and second["generation"] == 3


@pytest.mark.parametrize("value,expected", [
    ("gdanim", "/gdanim/"), ("/gdanim", "/gdanim/"), ("/a/b/", "/a/b/"), ("/", "/"),
])
def test_base_paths(value, expected):
    assert check_base_path(value) == expected


@pytest.mark.parametrize("value", ["my site", "/a?b/", "ü"])
def test_a_base_path_a_url_cannot_carry_is_refused(value):
    with pytest.raises(ValueError, match="not a plain URL path"):
        check_base_path(value)


def _bind_run(length: int) -> list[socket.socket]:
    """`length` listening sockets on consecutive ports of 127.0.0.1."""
    import random

    for _ in range(50):
        base = random.randrange(20000, 60000)
        held = []
        try:
            for port in range(base, base + length):
                s = socket.socket()
                held.append(s)
                s.bind(("127.0.0.1", port))
                s.listen()
            return held
        except OSError:
            for s in held:
                s.close()
    pytest.skip("no run of free ports on this machine")


def test_when_every_port_it_tries_is_taken_serve_says_how_to_choose(tmp_path):
    from gdanim.core.errors import GdanimError
    from gdanim.serve import PORT_TRIES, open_free_server

    held = _bind_run(PORT_TRIES + 1)
    port = held[0].getsockname()[1]
    try:
        with pytest.raises(GdanimError) as refused:
            open_free_server(tmp_path, BASE, port, None, print)
    finally:
        for s in held:
            s.close()
    assert f"Ports {port} to {port + PORT_TRIES} on 127.0.0.1 are all in use" in str(refused.value)
    assert "--port 0" in str(refused.value)


# Odd names someone might type or a crawler might send: a clean 404 or 414, never a
# dropped connection or a traceback in the terminal.
ODD_PATHS = [
    ("a 5,000-character name", "a" * 5000 + ".html", 414),
    ("a 300-character name", "b" * 300, 414),
    ("3,000 folders deep", "a/" * 3000 + "x.html", 414),
    ("a 256-byte UTF-8 name", urllib.parse.quote("é" * 128), 414),
    ("a NUL byte", "a%00b.html", 404),
    ("bytes that are not UTF-8", "%ff%fe.html", 404),
    ("climbing out", "..%2f..%2f..%2fetc%2fpasswd", 404),
    ("an encoded slash folder", "media%2f..%2f..%2f", 404),
    ("a backslash", "..\\..\\x", 404),
    ("a query only", "?a=" + "x" * 3000, 200),
    ("many slashes", "/" * 200, 404),
    ("a symlink loop", "loop/x.html", 404),
]


@pytest.mark.parametrize("name,path,status", ODD_PATHS, ids=[p[0] for p in ODD_PATHS])
def test_odd_names_get_a_clean_answer(live_host, built_site, capfd, name, path, status):
    root, _ = live_host
    loop = built_site / "loop"
    if path.startswith("loop/"):
        loop.symlink_to("loop")
    try:
        got, _, body = get(root + BASE + path)
    finally:
        if loop.is_symlink():
            loop.unlink()
    assert got == status, (got, body[:200])
    captured = capfd.readouterr()
    assert "Traceback" not in captured.err + captured.out


def test_many_readers_at_once(live_host, built_site, manifest):
    """Twenty readers fetch a video by ranges at once: every answer whole and right."""
    from concurrent.futures import ThreadPoolExecutor

    root, _ = live_host
    video = a_video(manifest)
    data = (built_site / video).read_bytes()

    def fetch(i: int) -> bool:
        start = (i * 997) % (len(data) - 100)
        status, _, body = get(root + BASE + video, Range=f"bytes={start}-{start + 99}")
        return status == 206 and body == data[start:start + 100]

    with ThreadPoolExecutor(20) as pool:
        assert all(pool.map(fetch, range(60)))
