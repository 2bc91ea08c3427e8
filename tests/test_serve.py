"""The preview server's static host: the sub-path, byte ranges for video seeking, the
site's 404 page at any depth, the reload script in served pages only; and `serve`'s
clear error when its port is taken. (Live reload in a browser: tests/test_browser.py.)"""
from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import urllib.error
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


def test_a_port_in_use_is_a_clear_error_with_the_fix(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run([sys.executable, "generate.py", "serve", "--port", str(port),
                                 "--out", str(tmp_path / "preview")],
                                cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert f"Port {port} on 127.0.0.1 is in use" in result.stderr
    assert f"--port {port + 1}" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "preview").exists()
