"""The built site in a real browser: Debian's Chromium driven by Playwright, the site
served over HTTP under a sub-path (as GitHub Pages serves a project site), with byte
ranges (so videos can seek) and Pages' habit of answering any missing path with 404.html
(gdanim.serve's static host, which `generate.py serve` uses too).

Without Chromium or Playwright these tests skip; with CI=true they fail instead."""
from __future__ import annotations

import json
import math
import os
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from gdanim.serve import open_server

CHROMIUM = os.environ.get("GDANIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--autoplay-policy=no-user-gesture-required"]
PREFIX = "/gdanim-site/"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}


# --- the site, served as GitHub Pages serves a project site ---------------------------

@pytest.fixture(scope="session")
def site_url(built_site):
    """The draft build, served at http://127.0.0.1:<port>/gdanim-site/ by the preview
    server's static host (gdanim.serve), without its reload script."""
    server = open_server(built_site, PREFIX, port=0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}{PREFIX}"
    server.shutdown()
    server.server_close()


# The browser and open_context fixtures live in tests/conftest.py (one browser for the
# whole session, shared by every test file that drives Chromium).


class Visit:
    """A page opened in `context`, noting what a visitor would trip over."""

    def __init__(self, context, url: str, expect_status: int = 200):
        self.problems: list[str] = []
        self.page = page = context.new_page()
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"script error: {error}"))
        page.on("requestfailed", self._failed)
        page.on("response", lambda r: self.problems.append(f"HTTP {r.status}: {r.url}")
                if r.status >= 400 and r.url != url else None)
        self.url = url
        response = page.goto(url, wait_until="load")
        if response.status != expect_status:
            self.problems.append(f"HTTP {response.status} for the page itself")

    def _console(self, message) -> None:
        # A page served as a 404 (on purpose) reports its own status as an error.
        if message.type == "error" and message.location.get("url") != self.url:
            self.problems.append(f"console error: {message.text}")

    def _failed(self, request) -> None:
        # Chromium cuts a video's request short once it has the bytes it wants.
        if request.resource_type == "media" and "ERR_ABORTED" in (request.failure or ""):
            return
        self.problems.append(f"request failed: {request.url} ({request.failure})")

    def scroll_through(self) -> None:
        """Scroll to the bottom and back, as a reader would (lazy images load)."""
        self.page.evaluate("""async () => {
            for (let y = 0; y < document.body.scrollHeight; y += innerHeight / 2) {
                scrollTo(0, y);
                await new Promise(r => setTimeout(r, 30));
            }
            scrollTo(0, 0);
        }""")


def site_pages(manifest) -> list[str]:
    return ["index.html", *(p["href"] for p in manifest["pages"]), "404.html"]


def pages_with_video(manifest) -> list[str]:
    hrefs = {p["slug"]: p["href"] for p in manifest["pages"]}
    with_video = {a["scenario"] for a in manifest["animations"] if "mp4" in a["files"]}
    return [hrefs[slug] for slug in hrefs if slug in with_video]


# --- the tests -----------------------------------------------------------------------

def test_every_page_and_its_media_load_cleanly(site_url, open_context, manifest):
    context = open_context()
    problems = []
    for name in site_pages(manifest):
        visit = Visit(context, site_url + name)
        visit.scroll_through()
        page = visit.page
        # Every picture loads as the reader scrolls past, the explorer's other surfaces
        # too (laid out, invisible, under the shown one): a switch is instant.
        page.wait_for_function("[...document.images].every(i => i.complete)")
        broken = page.evaluate("[...document.images].filter(i => !i.naturalWidth)"
                               ".map(i => i.currentSrc || i.src)")
        visit.problems += [f"image did not load: {src}" for src in broken]
        # preload="none" videos fetch nothing until asked: ask, then wait for a frame.
        page.evaluate("""() => document.querySelectorAll('video').forEach(v => {
            if (v.readyState < 2) { v.preload = 'auto'; v.load(); } })""")
        try:
            page.wait_for_function("[...document.querySelectorAll('video')]"
                                   ".every(v => v.readyState >= 2 || v.error)")
        except Exception:
            pass  # reported just below, video by video
        for video in page.evaluate("""[...document.querySelectorAll('video')].map(v =>
                ({src: v.currentSrc, ready: v.readyState, error: v.error && v.error.code}))"""):
            if video["ready"] < 2:
                visit.problems.append(f"video not playable (readyState {video['ready']}, "
                                      f"error {video['error']}): {video['src']}")
        problems += [f"{name}: {p}" for p in visit.problems]
        page.close()
    assert not problems, "\n".join(problems)


def test_no_page_scrolls_sideways_on_a_phone(site_url, open_context, manifest):
    context = open_context(viewport=PHONE)
    too_wide = {}
    for name in site_pages(manifest):
        visit = Visit(context, site_url + name)
        visit.page.wait_for_timeout(200)  # the player script has added its controls
        width, inner = visit.page.evaluate(
            "[document.scrollingElement.scrollWidth, window.innerWidth]")
        if width > inner:
            too_wide[name] = width
        visit.page.close()
    assert not too_wide, f"wider than {PHONE['width']} px: {too_wide}"


def test_reduced_motion_means_nothing_plays(site_url, open_context, manifest):
    context = open_context(reduced_motion="reduce")
    moving = []
    for name in pages_with_video(manifest):
        page = Visit(context, site_url + name).page
        for video in page.locator("video").all():
            video.scroll_into_view_if_needed()
            page.wait_for_timeout(400)
        states = page.evaluate("[...document.querySelectorAll('video')]"
                               ".map(v => ({paused: v.paused, t: v.currentTime}))")
        moving += [f"{name}: video {i} {s}" for i, s in enumerate(states)
                   if not s["paused"] or s["t"] > 0]
        page.close()
    assert not moving, "\n".join(moving)


def test_with_motion_allowed_a_video_plays_in_view_and_pauses_out_of_it(
        site_url, open_context, manifest):
    context = open_context(reduced_motion="no-preference")
    page = Visit(context, site_url + pages_with_video(manifest)[0]).page
    video = page.locator("video").first
    video.scroll_into_view_if_needed()
    page.wait_for_function("() => { const v = document.querySelector('video');"
                           " return !v.paused && v.currentTime > 0; }")
    page.evaluate("scrollTo(0, document.body.scrollHeight)")
    page.wait_for_function("document.querySelector('video').paused")


def frame_at(seconds: float, fps: int, count: int) -> int:
    return max(0, min(count - 1, math.floor(seconds * fps + 1e-3)))


def readout_for(table: dict, k: int) -> str:
    """The start of the readout for frame k ("epoch 5 of 1,000")."""
    frames = table["frames"]
    return f"{table['label']} {frames[k]['epoch']:,} of {frames[-1]['epoch']:,}"


@pytest.fixture(scope="session")
def middle_animation(manifest, built_site) -> tuple[dict, dict, str]:
    """(animation, its frame table, its page) for the animation whose poster is nearest
    its middle, so that steps either way show different pictures."""
    tables = {a["files"]["frames"]: json.loads((built_site / a["files"]["frames"]).read_text())
              for a in manifest["animations"] if "mp4" in a["files"]}
    animation = min((a for a in manifest["animations"] if "mp4" in a["files"]),
                    key=lambda a: abs(tables[a["files"]["frames"]]["poster"] / a["frames"] - 0.5))
    table = tables[animation["files"]["frames"]]
    assert 0 < table["poster"] < len(table["frames"]) - 2, "no animation to step both ways in"
    href = next(p["href"] for p in manifest["pages"] if p["slug"] == animation["scenario"])
    return animation, table, href


def test_player_controls_step_scrub_and_play(site_url, open_context, middle_animation):
    animation, table, href = middle_animation
    count, fps, poster = len(table["frames"]), table["fps"], table["poster"]
    page = Visit(open_context(reduced_motion="reduce"), site_url + href).page
    player = page.locator(f"#{animation['scenario']}-{animation['name']} .player")
    video = player.locator("video")
    readout = player.locator(".player-readout")
    scrubber = player.get_by_role("slider", name="Frame")
    player.scroll_into_view_if_needed()

    def frame() -> int:
        return frame_at(video.evaluate("v => v.currentTime"), fps, count)

    def expect_frame(k: int) -> None:
        page.wait_for_function(
            "([v, k, fps, n]) => !v.seeking && Math.max(0, Math.min(n - 1,"
            " Math.floor(v.currentTime * fps + 1e-3))) === k",
            arg=[video.element_handle(), k, fps, count])
        assert scrubber.input_value() == str(k)
        assert readout.inner_text().startswith(readout_for(table, k))

    # Enhanced: our controls instead of the browser's, the poster's numbers showing.
    assert video.evaluate("v => v.controls") is False
    page.wait_for_function("r => r.textContent.includes(' of ')",
                           arg=readout.element_handle())
    assert readout.inner_text().startswith(readout_for(table, poster))
    assert scrubber.input_value() == str(poster)

    # Step forward and back, one frame at a time.
    player.get_by_role("button", name="Next frame").click()
    expect_frame(min(poster + 1, count - 1))
    for _ in range(2):
        player.get_by_role("button", name="Previous frame").click()
    expect_frame(max(min(poster + 1, count - 1) - 2, 0))

    # The scrubber: jump to the last frame, then to the middle.
    scrubber.focus()
    page.keyboard.press("End")
    expect_frame(count - 1)
    scrubber.evaluate("(s, k) => { s.value = k; s.dispatchEvent(new Event('input',"
                      " {bubbles: true})); }", count // 2)
    expect_frame(count // 2)

    # Keys: arrows step, space plays and pauses.
    page.keyboard.press("ArrowLeft")
    expect_frame(count // 2 - 1)
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    expect_frame(count // 2 + 1)

    # Play: time moves, the frame and readout follow, the button says Pause.
    player.get_by_role("button", name="Play").click()
    start = frame()
    page.wait_for_function(
        "([v, k, fps]) => !v.paused && Math.floor(v.currentTime * fps) !== k",
        arg=[video.element_handle(), start, fps])
    pause = player.get_by_role("button", name="Pause")
    pause.click()
    page.wait_for_function("v => v.paused", arg=video.element_handle())
    stopped = frame()
    page.wait_for_function("([r, text]) => r.textContent.startsWith(text)",
                           arg=[readout.element_handle(), readout_for(table, stopped)])
    assert player.get_by_role("button", name="Play").is_visible()

    scrubber.focus()
    page.keyboard.press(" ")
    page.wait_for_function("v => !v.paused", arg=video.element_handle())
    page.keyboard.press(" ")
    page.wait_for_function("v => v.paused", arg=video.element_handle())


def test_the_picture_on_screen_is_the_frame_the_player_names(
        site_url, open_context, middle_animation):
    """Scrub to the poster's frame and its neighbours: the video's picture matches the
    poster PNG (rendered from the same frame) best at the poster's index."""
    animation, table, href = middle_animation
    page = Visit(open_context(), site_url + href).page
    player = page.locator(f"#{animation['scenario']}-{animation['name']} .player")
    player.scroll_into_view_if_needed()
    difference = {}
    for k in (table["poster"] - 1, table["poster"], table["poster"] + 1):
        difference[k] = player.evaluate("""async (root, k) => {
            const video = root.querySelector('video'), scrubber = root.querySelector('input');
            scrubber.value = k;
            scrubber.dispatchEvent(new Event('input', {bubbles: true}));
            while (video.seeking || video.readyState < 2 || !video.currentTime)
                await new Promise(r => setTimeout(r, 20));
            const w = video.videoWidth, h = video.videoHeight;
            const canvas = new OffscreenCanvas(w, h), g = canvas.getContext('2d');
            g.drawImage(video, 0, 0);
            const shown = g.getImageData(0, 0, w, h).data;
            const poster = new Image();
            poster.src = video.poster;
            await poster.decode();
            g.drawImage(poster, 0, 0, w, h);
            const expected = g.getImageData(0, 0, w, h).data;
            let sum = 0;
            for (let i = 0; i < shown.length; i++) if (i % 4 !== 3) sum += Math.abs(shown[i] - expected[i]);
            return sum / (w * h);
        }""", k)
    best = min(difference, key=difference.get)
    assert best == table["poster"], f"mean pixel difference from the poster by frame: {difference}"


def test_404_page_finds_the_site_from_any_depth(site_url, open_context, manifest):
    context = open_context()
    for url in [site_url + "404.html", site_url + "chapters/old/nowhere.html"]:
        expected = 200 if url.endswith("/404.html") else 404
        visit = Visit(context, url, expect_status=expected)
        page = visit.page
        links = page.locator(".found-chapters a")
        links.first.wait_for()
        assert links.count() == len(manifest["pages"])
        assert page.locator("a.site-name").evaluate("a => a.href") == site_url
        assert [a.get_attribute("href") for a in links.all()] == \
            [urllib.parse.urlsplit(site_url).path + p["href"] for p in manifest["pages"]]
        # Styled by its inline stylesheet, not the browser's defaults.
        assert "system-ui" in page.locator("h1").evaluate("h => getComputedStyle(h).fontFamily")
        assert not visit.problems, f"{url}: {visit.problems}"
        page.close()


def test_404_page_without_javascript_never_links_outside_the_site(site_url, open_context):
    context = open_context(java_script_enabled=False)
    url = site_url + "chapters/old/nowhere.html"
    page = Visit(context, url, expect_status=404).page
    hrefs = page.evaluate("[...document.querySelectorAll('a[href]')].map(a => a.href)")
    outside = [h for h in hrefs if not h.startswith(site_url) or h.split("#")[0] not in
               (url, site_url)]
    assert not outside, f"links that leave the site (or go to '/'): {outside}"
    hint = page.locator(".home-hint")
    assert hint.is_visible() and "address" in hint.inner_text()
    assert "system-ui" in page.locator("h1").evaluate("h => getComputedStyle(h).fontFamily")


@pytest.mark.parametrize("javascript", [True, False])
def test_404_page_with_a_site_url_links_home_from_any_depth(published_site, open_context,
                                                            manifest, javascript):
    _, url = published_site
    context = open_context(java_script_enabled=javascript)
    visit = Visit(context, url + "old/deep/nowhere.html", expect_status=404)
    page = visit.page
    links = page.locator(".found-chapters a")
    assert links.count() == len(manifest["pages"]) and links.first.is_visible()
    assert [a.get_attribute("href") for a in links.all()] == \
        [url + p["href"] for p in manifest["pages"]]
    page.get_by_role("link", name="Go to the first page").click()
    page.wait_for_url(url)
    assert page.locator("ol.chapters li").count() == len(manifest["pages"])
    assert not visit.problems, visit.problems


# --- the preview server (`generate.py serve`) ---------------------------------------------

class Preview:
    """`generate.py serve` in a child process, building one chapter from a copy of the
    templates (GDANIM_TEMPLATES), its terminal output collected line by line."""

    def __init__(self, tmp_path: Path, chapter: str):
        from gdanim.outputs import webpages

        root = Path(__file__).resolve().parent.parent
        self.templates = tmp_path / "templates"
        shutil.copytree(webpages.TEMPLATES, self.templates)
        self.out = tmp_path / "preview"
        env = dict(os.environ, GDANIM_TEMPLATES=str(self.templates), PYTHONUNBUFFERED="1")
        self.process = subprocess.Popen(
            [sys.executable, "generate.py", "serve", "--port", "0", "--only", chapter,
             "--out", str(self.out), "--base-path", "/lesson/"],
            cwd=root, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        self.lines: list[str] = []
        self._new_line = threading.Condition()
        threading.Thread(target=self._read, daemon=True).start()
        self.url = self.wait_for(r"Serving .* at (http://\S+)").group(1)

    def _read(self) -> None:
        for line in self.process.stderr:
            with self._new_line:
                self.lines.append(line)
                self._new_line.notify_all()

    def wait_for(self, pattern: str, after: int = 0, timeout: float = 180):
        """The first line after line `after` that matches `pattern`."""
        deadline = time.monotonic() + timeout
        with self._new_line:
            while True:
                for line in self.lines[after:]:
                    match = re.search(pattern, line)
                    if match:
                        return match
                left = deadline - time.monotonic()
                if left <= 0 or self.process.poll() is not None:
                    raise AssertionError(f"no {pattern!r} in:\n{''.join(self.lines)}")
                self._new_line.wait(min(left, 1))

    def edit(self, template: str, old: str, new: str) -> int:
        """Replace text in a template of the copy; return the output line count before."""
        path = self.templates / template
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
        return len(self.lines)

    def stop(self) -> int:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                return self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                raise
        return self.process.returncode


def test_serve_reloads_the_page_after_an_edit_and_survives_a_broken_one(
        tmp_path, open_context):
    preview = Preview(tmp_path, "guess-and-check")
    try:
        preview.wait_for(r"^Built in")
        page = Visit(open_context(), preview.url + "guess-and-check.html").page
        # The chapters' shared page (templates/chapter.html); each chapter's own page is
        # in its folder of gdanim/chapters/, which the copy of templates/ does not hold.
        marker = '{% block chapter %}{% endblock %}'
        box = page.locator("#gdanim-serve")

        # An edit: the open page reloads by itself and shows it.
        seen = preview.edit("chapter.html", marker,
                            '<p id="edit">First edit, made while serving.</p>\n' + marker)
        page.locator("#edit", has_text="First edit").wait_for(timeout=180_000)
        preview.wait_for(r"^Built in", after=seen)

        # A broken template: the error in the browser and the terminal; the last good
        # page stays, on screen and from the server.
        seen = preview.edit("chapter.html", "<p id=\"edit\">",
                            "{% if %}<p id=\"edit\">")
        box.filter(has_text="TemplateSyntaxError").wait_for(timeout=180_000)
        assert "The last rebuild failed" in box.inner_text()
        preview.wait_for("TemplateSyntaxError", after=seen)
        preview.wait_for("still serving the last good site", after=seen)
        assert page.locator("#edit").inner_text() == "First edit, made while serving."
        again = Visit(open_context(), preview.url + "guess-and-check.html")
        assert again.page.locator("#edit").inner_text() == "First edit, made while serving."
        # The box is written by the preview's script once it has asked the server (a
        # moment after the load): wait for it, as a reader would see it appear.
        again.page.locator("#gdanim-serve").filter(
            has_text="TemplateSyntaxError").wait_for(state="visible", timeout=60_000)

        # Fixed: the page reloads with the new text and the error is gone.
        seen = preview.edit("chapter.html",
                            "{% if %}<p id=\"edit\">First edit", "<p id=\"edit\">Fixed")
        page.locator("#edit", has_text="Fixed").wait_for(timeout=180_000)
        assert not box.is_visible()
        preview.wait_for(r"^Built in", after=seen)
    finally:
        code = preview.stop()
    assert code == 130, "".join(preview.lines)   # Ctrl-C, as for every command
    assert "Stopped." in "".join(preview.lines)
    # The reload script only ever lived in responses; the preview folder is a plain site.
    files = [p for p in preview.out.rglob("*") if p.is_file()]
    assert files and not [p for p in files if b"__gdanim__" in p.read_bytes()]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["preview", "templates"]


def test_the_page_prints_every_number_as_python_does(built_site, open_context):
    """The player's readout and the explorer's engine format numbers in the page; the
    notes, handout and pages format them in Python (core/text.py). Same digits for the
    same value, exact ties included (9,630.25 once printed 9,630.3 in the presenter view
    and 9,630.2 in the notes)."""
    import numpy as np
    from gdanim.core import text

    rng = np.random.default_rng(7)
    values = [9630.25, 2.0405e10, 0.125, 1e-5, 10291.0, 0.0, -0.65255, 1234567.0, 5.0]
    values += [float(np.float32(v)) for v in
               rng.choice([-1, 1], 300) * 10.0 ** rng.uniform(-8, 12, 300)]
    page = Visit(open_context(), (built_site / "descent-1d.html").resolve().as_uri()).page
    page.wait_for_function("() => window.GDEngine && window.gdanimPlayers")
    got = page.evaluate("""vs => vs.map(v => [window.GDEngine.number(v),
                                              window.gdanimPlayers.number(v)])""", values)
    wrong = [(v, text.number(v), e, p) for v, (e, p) in zip(values, got)
             if not e == p == text.number(v)]
    assert wrong == []


def test_readout_shows_the_numbers_when_the_site_is_opened_from_disk(
        built_site, open_context, middle_animation):
    """file:// (a USB stick in a lecture hall): fetch() is refused there, so the frame
    data must come with the page."""
    animation, table, href = middle_animation
    page = Visit(open_context(reduced_motion="reduce"),
                 (built_site / href).resolve().as_uri()).page
    readout = page.locator(f"#{animation['scenario']}-{animation['name']} .player-readout")
    readout.scroll_into_view_if_needed()
    page.wait_for_function("r => r.textContent.includes(' of ')",
                           arg=readout.element_handle())
    assert readout.inner_text().startswith(readout_for(table, table["poster"]))
    values = table["frames"][table["poster"]]["params"]
    if not table.get("runs"):  # one run: its parameters are named with their values
        assert f"{table['names'][0]} " in readout.inner_text()
        assert len(re.findall(r"\d", readout.inner_text())) >= len(values)


def test_player_speed_and_full_screen_controls(site_url, open_context, middle_animation):
    animation, table, href = middle_animation
    page = Visit(open_context(reduced_motion="reduce"), site_url + href).page
    player = page.locator(f"#{animation['scenario']}-{animation['name']} .player")
    video = player.locator("video")
    player.scroll_into_view_if_needed()
    # The keys are written on the page, not only in tooltips.
    keys = player.locator(".player-keys")
    assert keys.is_visible() and "space" in keys.inner_text() and "[ ]" in keys.inner_text()

    speed = player.get_by_role("combobox", name="Speed")
    assert [o for o in speed.locator("option").all_inner_texts()] == [
        "0.25\u00d7", "0.5\u00d7", "0.75\u00d7", "1\u00d7", "1.5\u00d7", "2\u00d7"]
    speed.select_option("0.5")
    assert video.evaluate("v => v.playbackRate") == 0.5
    player.get_by_role("button", name="Next frame").focus()
    page.keyboard.press("]")
    assert video.evaluate("v => v.playbackRate") == 0.75
    assert speed.input_value() == "0.75"
    for _ in range(5):
        page.keyboard.press("[")
    assert video.evaluate("v => v.playbackRate") == 0.25  # no slower than a quarter

    # Played at the chosen speed: a second of clock time is a quarter second of video.
    player.get_by_role("button", name="Play").click()
    page.wait_for_function("v => !v.paused && v.currentTime > 0", arg=video.element_handle())
    start = video.evaluate("v => v.currentTime")
    page.wait_for_timeout(1000)
    moved = video.evaluate("v => v.currentTime") - start
    player.get_by_role("button", name="Pause").click()
    assert 0.1 < moved < 0.6

    player.get_by_role("button", name="Full screen").click()
    page.wait_for_function("r => document.fullscreenElement === r",
                           arg=player.element_handle())
    page.keyboard.press("f")
    page.wait_for_function("() => document.fullscreenElement === null")


def test_player_goes_to_twice_the_speed(site_url, open_context, middle_animation):
    animation, table, href = middle_animation
    page = Visit(open_context(reduced_motion="reduce"), site_url + href).page
    player = page.locator(f"#{animation['scenario']}-{animation['name']} .player")
    video = player.locator("video")
    player.scroll_into_view_if_needed()
    player.get_by_role("button", name="Previous frame").focus()
    for _ in range(4):
        page.keyboard.press("]")
    assert video.evaluate("v => v.playbackRate") == 2  # 1, 1.5, 2, and no faster
    assert player.get_by_role("combobox", name="Speed").input_value() == "2"
    page.keyboard.press("Home")
    player.get_by_role("button", name="Play").click()
    page.wait_for_function("v => !v.paused && v.currentTime > 0", arg=video.element_handle())
    start = video.evaluate("v => v.currentTime")
    page.wait_for_timeout(500)
    moved = video.evaluate("v => v.currentTime") - start
    player.get_by_role("button", name="Pause").click()
    assert 0.6 < moved < 1.6, f"half a second of clock moved the video {moved:.2f} s"


def test_a_click_on_the_video_gives_the_player_the_keys(
        site_url, open_context, middle_animation):
    """After a click on the picture, space pauses (not scrolls the page) and the other
    keys act on that player."""
    animation, table, href = middle_animation
    page = Visit(open_context(reduced_motion="reduce"), site_url + href).page
    player = page.locator(f"#{animation['scenario']}-{animation['name']} .player")
    video = player.locator("video")
    player.scroll_into_view_if_needed()
    page.evaluate("window.scrollBy(0, -40)")  # room to scroll either way
    video.click()  # a click on the picture plays it...
    page.wait_for_function("v => !v.paused", arg=video.element_handle())
    assert player.evaluate("r => document.activeElement === r")
    scrolled = page.evaluate("window.scrollY")
    page.keyboard.press(" ")  # ...and space pauses it, where the page stays
    page.wait_for_function("v => v.paused", arg=video.element_handle())
    page.wait_for_timeout(200)
    assert page.evaluate("window.scrollY") == scrolled
    page.keyboard.press("]")
    assert video.evaluate("v => v.playbackRate") == 1.5
    stopped = frame_at(video.evaluate("v => v.currentTime"), table["fps"], len(table["frames"]))
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "([v, k, fps]) => !v.seeking && Math.floor(v.currentTime * fps + 1e-3) === k",
        arg=[video.element_handle(), min(stopped + 1, len(table["frames"]) - 1), table["fps"]])


# --- accessibility: axe-core on every page --------------------------------------------

@pytest.fixture(scope="session")
def axe():
    """axe-core (as bundled by the axe-playwright-python package)."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("axe-playwright-python is not installed; CI must not skip this")
        pytest.skip("axe-playwright-python is not installed (pip install -e .[test])")
    return Axe()


def axe_violations(axe, page) -> list[str]:
    """Every rule axe-core finds broken on `page`, one line each with where."""
    results = axe.run(page).response
    assert results["testEngine"]["version"].startswith("4."), results["testEngine"]
    return [f"{v['id']} ({v['impact']}): {v['help']} at "
            f"{', '.join(str(n['target']) for n in v['nodes'][:4])}"
            for v in results["violations"]]


@pytest.mark.parametrize("viewport,scheme", [(DESKTOP, "light"), (PHONE, "light"),
                                             (PHONE, "dark")],
                         ids=["desktop", "phone", "phone-dark"])
def test_axe_finds_no_violations_on_any_page(site_url, built_site, kit, axe, open_context,
                                             viewport, scheme):
    """Every page of the draft site (the 404 page served for a missing address, the
    about page), and the slides kit's presenter view opened from disk."""
    context = open_context(viewport=viewport, color_scheme=scheme)
    urls = [site_url + p.name for p in sorted(built_site.glob("*.html"))]
    urls += [site_url + "old/nowhere.html", (kit / "index.html").resolve().as_uri()]
    assert {"index.html", "about.html", "404.html"} <= {u.rsplit("/", 1)[1] for u in urls}
    problems = []
    for url in urls:
        page = context.new_page()
        page.goto(url, wait_until="load")
        page.wait_for_timeout(200)   # the player script has added its controls
        problems += [f"{url.rsplit('/', 1)[1]}: {v}" for v in axe_violations(axe, page)]
        page.close()
    assert not problems, "\n".join(problems)


# --- the presenter view, from disk ------------------------------------------------------

def state(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('section.slide')]
        .filter(s => s.querySelector('video')).map(s => ({
        hidden: s.hidden, paused: s.querySelector('video').paused,
        time: s.querySelector('video').currentTime,
        readout: s.querySelector('.player-readout').textContent}))""")


def test_presenter_view_from_file_moves_with_keys_and_plays_only_when_asked(
        kit, kit_manifest, open_context):
    context = open_context(viewport={"width": 1920, "height": 1080}, reduced_motion=None)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((kit / "index.html").resolve().as_uri())
    page.wait_for_timeout(1500)
    shown = state(page)
    assert [s["hidden"] for s in shown] == [False] + [True] * (len(shown) - 1)
    assert all(s["paused"] and s["time"] == 0 for s in shown)  # nothing autoplays
    first = kit_manifest["animations"][0]
    assert first["frame_label"] in shown[0]["readout"]  # the readout has the frame data

    page.keyboard.press("ArrowRight")
    assert [s["hidden"] for s in state(page)][:2] == [True, False]
    page.keyboard.press("PageUp")
    assert [s["hidden"] for s in state(page)][:2] == [False, True]
    page.keyboard.press("PageDown")

    page.keyboard.press(" ")
    page.wait_for_function("document.querySelectorAll('video')[1].currentTime > 0.5")
    assert not state(page)[1]["paused"]
    page.keyboard.press(" ")
    assert state(page)[1]["paused"]
    stopped = state(page)[1]["time"]
    page.keyboard.press(".")
    page.wait_for_timeout(300)
    assert state(page)[1]["time"] > stopped  # one frame on
    page.keyboard.press("[")
    assert page.evaluate("document.querySelectorAll('video')[1].playbackRate") == 0.75
    page.keyboard.press("ArrowLeft")
    assert state(page)[1]["paused"]  # leaving a slide pauses it
    assert page.evaluate("location.hash") == f"#{first['scenario']}-{first['name']}"
    assert errors == []


def boxes(page) -> dict:
    """Where the visible slide's parts are on screen (x, y, width, height)."""
    return page.evaluate("""() => {
        const slide = document.querySelector('section.slide:not([hidden])');
        const box = el => { if (!el || !el.offsetParent) return null;
            const r = el.getBoundingClientRect(); return [r.x, r.y, r.width, r.height]; };
        return {slide: box(slide), video: box(slide.querySelector('video')),
                controls: box(slide.querySelector('.player-controls')),
                readout: box(slide.querySelector('.player-readout')),
                notes: box(slide.querySelector('.slide-notes')),
                help: box(document.querySelector('.help'))};
    }""")


def overlap(a, b) -> bool:
    return (a[0] < b[0] + b[2] - 0.5 and b[0] < a[0] + a[2] - 0.5 and
            a[1] < b[1] + b[3] - 0.5 and b[1] < a[1] + a[3] - 0.5)


def test_presenter_view_at_1920x1080_fits_with_and_without_notes_and_in_full_screen(
        kit, kit_manifest, open_context):
    """Nothing covers anything: the video, its controls, the readout, the notes panel
    (key s) and the key line each have their own room, on screen, in a window and in
    full screen (where the readout used to slide under the key line)."""
    context = open_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((kit / "index.html").resolve().as_uri())
    page.wait_for_function("document.querySelector('.player-readout').textContent !== ''")
    first = kit_manifest["animations"][0]

    def check(notes: bool) -> None:
        parts = boxes(page)
        assert (parts["notes"] is not None) == notes
        assert parts["slide"][2] == 1920  # the slide spans the screen, whatever it shows
        shown = {k: v for k, v in parts.items() if v and k != "slide"}
        for name, (x, y, w, h) in shown.items():
            assert w > 0 and h > 0 and x >= 0 and y >= 0, name
            assert x + w <= 1920.5 and y + h <= 1080.5, f"{name} runs off the screen"
        names = sorted(shown)
        for i, a in enumerate(names):
            for b in names[i + 1:]:
                assert not overlap(shown[a], shown[b]), f"{a} and {b} overlap"
        assert parts["video"][2] > 1000 and parts["video"][3] > 560  # still big

    check(notes=False)
    page.keyboard.press("s")
    check(notes=True)
    panel = page.locator("section.slide:not([hidden]) .slide-notes")
    text = panel.inner_text()
    assert first["alt"] in text
    assert "KEY NUMBERS" in text.upper() and "POINT AT" in text.upper()
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement !== null")
    check(notes=True)
    page.keyboard.press("s")
    check(notes=False)
    page.keyboard.press("ArrowRight")
    check(notes=False)
    page.keyboard.press("f")
    page.wait_for_function("document.fullscreenElement === null")
    assert errors == []


def test_notes_window_follows_the_presenter_view_and_drives_it(kit, kit_manifest,
                                                               open_context):
    """From disk (file://): n opens notes.html, which shows the notes of the slide on
    show and the numbers under its picture; keys pressed there move the presenter."""
    context = open_context(viewport={"width": 1920, "height": 1080}, reduced_motion=None)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((kit / "index.html").resolve().as_uri())
    page.wait_for_timeout(500)
    with page.expect_popup() as opened:
        page.keyboard.press("n")
    notes = opened.value
    notes.on("pageerror", lambda e: errors.append(f"notes window: {e}"))
    assert notes.url.endswith("/notes.html")
    animations = kit_manifest["animations"]
    ids = [f"{a['scenario']}-{a['name']}" for a in animations]

    def shown() -> str:
        return notes.evaluate("document.querySelector('section.speaker-slide:not([hidden])')"
                              ".dataset.slide")

    notes.wait_for_function("document.querySelector('.speaker-link').hidden")  # connected
    assert shown() == ids[0]
    section = notes.locator("section.speaker-slide:not([hidden])")
    assert animations[0]["alt"] in section.inner_text()
    assert animations[0]["frame_label"] in section.locator(".speaker-readout").inner_text()
    assert f"Next: {animations[1]['title']}" in section.inner_text()

    page.keyboard.press("ArrowRight")
    notes.wait_for_function(f"document.body.dataset.slide === '1'")
    assert shown() == ids[1] and animations[1]["alt"] in section.inner_text()
    page.keyboard.press(" ")  # play: the readout in the notes window follows the picture
    notes.wait_for_function("document.querySelector('.speaker-count').textContent"
                            ".includes('playing')")
    before = section.locator(".speaker-readout").inner_text()
    notes.wait_for_function("t => document.querySelector("
                            "'section.speaker-slide:not([hidden]) .speaker-readout')"
                            ".textContent !== t", arg=before)
    page.keyboard.press(" ")

    notes.keyboard.press("ArrowLeft")  # a key in the notes window moves the presenter
    page.wait_for_function("document.body.dataset.slide === '0'")
    notes.wait_for_function("document.body.dataset.slide === '0'")

    # Reloaded, the presenter view is found again by the notes window.
    page.reload()
    page.keyboard.press("ArrowRight")
    notes.wait_for_function("document.body.dataset.slide === '1'", timeout=6000)
    assert errors == []


@pytest.fixture
def plain_http_server(built_site):
    """The draft build served by `python -m http.server`, which ignores byte ranges (as
    some hosts do): the browser then cannot seek in a video by itself."""
    import socket
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind",
                             "127.0.0.1", "--directory", str(built_site)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            break
        except OSError:
            if time.monotonic() > deadline:
                proc.kill()
                raise
            time.sleep(0.1)
    yield url
    proc.terminate()
    proc.wait(timeout=10)


@pytest.mark.parametrize("where", ["python -m http.server", "file://"])
def test_player_steps_frames_without_byte_ranges(where, plain_http_server, built_site,
                                                 open_context, middle_animation):
    """Frame stepping must not jump back to frame 1 where the server sends no byte
    ranges, nor from disk: step forward several times (quickly, before the video is
    in), then back, then to the end, checking the time and the readout."""
    import urllib.request

    animation, table, href = middle_animation
    count, fps, poster = len(table["frames"]), table["fps"], table["poster"]
    if where == "file://":
        url = (built_site / href).resolve().as_uri()
    else:
        url = plain_http_server + href
        asked = urllib.request.Request(plain_http_server + animation["files"]["mp4"],
                                       headers={"Range": "bytes=0-99"})
        with urllib.request.urlopen(asked, timeout=10) as answer:
            assert answer.status == 200 and "Accept-Ranges" not in answer.headers  # no ranges
    page = Visit(open_context(reduced_motion="reduce"), url).page
    player = page.locator(f"#{animation['scenario']}-{animation['name']} .player")
    video, readout = player.locator("video"), player.locator(".player-readout")
    player.scroll_into_view_if_needed()

    def expect_frame(k: int) -> None:
        page.wait_for_function(
            "([v, k, fps, n]) => !v.seeking && v.readyState >= 2 && Math.max(0, Math.min("
            "n - 1, Math.floor(v.currentTime * fps + 1e-3))) === k",
            arg=[video.element_handle(), k, fps, count])
        assert player.get_by_role("slider", name="Frame").input_value() == str(k)
        assert readout.inner_text().startswith(readout_for(table, k))

    steps = min(4, count - 1 - poster)
    for _ in range(steps):
        player.get_by_role("button", name="Next frame").click()
    expect_frame(poster + steps)
    page.wait_for_timeout(300)          # and it stays there
    expect_frame(poster + steps)
    player.get_by_role("button", name="Previous frame").click()
    player.get_by_role("button", name="Previous frame").click()
    expect_frame(poster + steps - 2)
    player.get_by_role("slider", name="Frame").focus()
    page.keyboard.press("End")
    expect_frame(count - 1)
    page.keyboard.press("ArrowLeft")
    expect_frame(count - 2)


# --- the explorers (issue 18) -----------------------------------------------------------
# Keyboard control, links that reproduce a view, readouts that print the build's numbers
# (checked against a NumPy recomputation), never NaN or Infinity; served and from disk.

from tests.test_explorer import PAGES, explorer_data, numpy_descent, problem_of  # noqa: E402

NUMBER = r"−?[\d,]*\.?\d+(?:e[−+]?\d+)?"


def value(text: str) -> float:
    return float(text.replace("−", "-").replace(",", ""))


def explorer_readout(page) -> str:
    return page.locator(".explorer-readout").inner_text()


def parsed(text: str, names: list[str]) -> tuple[int, list[float], float]:
    epoch = int(re.search(r"Epoch ([\d,]+)", text).group(1).replace(",", ""))
    params = [value(re.search(rf"{name} ({NUMBER})", text).group(1)) for name in names]
    loss = value(re.search(rf"loss ({NUMBER})", text).group(1))
    return epoch, params, loss


@pytest.fixture(params=["served", "file"])
def explorer_where(request, site_url, built_site):
    """A page's address: served under the sub-path, or opened from disk."""
    if request.param == "served":
        return lambda page: site_url + page
    return lambda page: (built_site / page).as_uri()


@pytest.mark.parametrize("page_name", PAGES)
def test_the_keyboard_moves_the_rate_and_the_readout_follows(open_context, explorer_where, page_name):
    visit = Visit(open_context(), explorer_where(page_name))
    page = visit.page
    slider = page.locator("#explore-rate")
    slider.scroll_into_view_if_needed()
    before = explorer_readout(page)
    assert "Epoch" in before and ("converges" in before or "creeps" in before)
    slider.focus()
    page.keyboard.press("ArrowRight")
    after = explorer_readout(page)
    assert after != before
    assert page.locator("#explore-rate-box").input_value() in after
    assert "lr=" in page.evaluate("location.hash")
    page.keyboard.press("End")          # far past the threshold: the run diverges, and says so
    last = explorer_readout(page)
    assert " diverges" in last and "past the threshold" in slider.get_attribute("aria-valuetext")
    epoch = page.locator("#explore-epoch")
    epoch.focus()
    page.keyboard.press("Home")
    for _ in range(min(int(epoch.get_attribute("max")), 60) + 1):   # the blow-up, epoch by epoch
        text = explorer_readout(page)
        assert "NaN" not in text and "Infinity" not in text and "undefined" not in text
        page.keyboard.press("ArrowRight")
    assert visit.problems == []


@pytest.mark.parametrize("page_name", PAGES)
def test_a_link_sets_every_control_and_the_numbers_are_the_lessons(open_context, built_site,
                                                                   explorer_where, page_name):
    """Any rate and start, not only the build's: the readout is float32 gradient descent
    on the chapter's data, recomputed here in NumPy."""
    d = explorer_data(built_site, page_name)
    X, y = problem_of(page_name)
    lo, hi = d["lr_range"]
    view = d["panels"]["landscape"]
    other = [round(a + 0.7 * (b - a), 3) for a, b in (view["xlim"], view["ylim"])][:len(d["params"])]
    picks = [(d["own"]["lr"], d["start"], 12), (lo * (hi / lo) ** 0.61, other, 37)]
    context = open_context()
    for rate, start, epoch in picks:
        link = f"#lr={rate!r}&start={','.join(repr(v) for v in start)}&epoch={epoch}"
        visit = Visit(context, explorer_where(page_name) + link)
        page = visit.page
        # The explorer runs the rate as linked, every digit; its box shows what the reader
        # linked, or, for the page's own rate, the readout's six digits.
        state = page.evaluate("() => document.querySelector('section.explorer').explorer.state")
        assert state["lr"] == rate
        box = page.locator("#explore-rate-box").input_value()
        assert float(box) == (float(f"{rate:.6g}") if rate == d["own"]["lr"] else rate)
        assert int(page.locator("#explore-epoch").input_value()) == epoch
        shown = [float(v) for v in page.locator("input[data-param]").evaluate_all(
            "els => els.map(e => e.value)")]
        assert shown == start
        text = explorer_readout(page)
        got_epoch, params, loss = parsed(text, d["params"])
        assert got_epoch == epoch
        ref_p, ref_l = numpy_descent(X, y, start, rate, epoch)
        assert params == pytest.approx(list(ref_p[epoch]), rel=2e-3, abs=1e-4), text
        assert loss == pytest.approx(float(ref_l[epoch]), rel=2e-3), text
        assert page.locator(".explorer-note").inner_text() == ""
        assert visit.problems == []
        visit.page.close()


def test_a_click_on_the_contour_places_the_start(open_context, site_url, built_site):
    d = explorer_data(built_site, "penguins-2d.html")
    visit = Visit(open_context(), site_url + "penguins-2d.html")
    page = visit.page
    panel = page.locator('.explorer-panel[data-panel="landscape"]')
    panel.scroll_into_view_if_needed()
    box = panel.bounding_box()
    b, m = 1.23, -0.71
    p = d["panels"]["landscape"]
    (x0, x1), (y0, y1), r = p["xlim"], p["ylim"], p["rect"]
    fx = r[0] + r[2] * (b - x0) / (x1 - x0)
    fy = 1 - (r[1] + r[3] * (m - y0) / (y1 - y0))
    page.mouse.click(box["x"] + fx * box["width"], box["y"] + fy * box["height"])
    shown = [float(v) for v in page.locator("input[data-param]").evaluate_all(
        "els => els.map(e => e.value)")]
    assert shown == pytest.approx([b, m], abs=0.03)
    assert urllib.parse.unquote(page.evaluate("location.hash")).count(",") == 1
    # A drag moves it on, and the link follows when the button is let go.
    page.mouse.down()
    page.mouse.move(box["x"] + (fx - 0.1) * box["width"], box["y"] + fy * box["height"], steps=5)
    page.mouse.up()
    moved = [float(v) for v in page.locator("input[data-param]").evaluate_all(
        "els => els.map(e => e.value)")]
    assert moved[0] < b - 0.2 and moved[1] == pytest.approx(m, abs=0.03)
    assert f"start={moved[0]!r}" in page.evaluate("location.hash").replace("start=-", "start=-")
    assert visit.problems == []


def test_answering_a_question_reveals_it_and_sets_the_explorer(open_context, site_url, built_site):
    d = explorer_data(built_site, "descent-1d.html")
    q = d["questions"][0]
    visit = Visit(open_context(viewport=PHONE), site_url + "descent-1d.html")
    page = visit.page
    details = page.locator(f'details[data-question="{q["id"]}"]')
    details.locator("summary").click()
    assert not page.locator(f'details[data-question="{q["id"]}"] .answer').is_visible()
    details.get_by_role("button", name=q["choices"][q["right"]]).click()
    assert page.locator(f'details[data-question="{q["id"]}"] .answer').is_visible()
    state = page.evaluate("() => document.querySelector('section.explorer').explorer.state")
    assert state["lr"] == q["set"]["lr"]
    box = page.locator("#explore-rate-box").input_value()      # the readout's six digits
    assert box == f'{q["set"]["lr"]:.6g}' and f"\u03b7 = {box}" in explorer_readout(page)
    verdict = ("diverges", "oscillates", "converges", "creeps")
    said = next(w for w in verdict if f"the run {w}" in q["answer"])
    assert f"the run {said}" in explorer_readout(page)
    assert visit.problems == []


def test_the_explorer_fits_a_phone(open_context, site_url):
    visit = Visit(open_context(viewport=PHONE), site_url + "penguins-2d.html")
    page = visit.page
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"]
    for selector in ("#explore-rate", "#explore-rate-box", "#explore-epoch", "[data-action=play]",
                     "[data-action=step]", "[data-action=reset]", "input[data-param]"):
        box = page.locator(selector).first.bounding_box()
        assert box["height"] >= 24 and box["width"] >= 24, selector
    panel = page.locator('.explorer-panel[data-panel="landscape"] img').bounding_box()
    assert panel["width"] >= 300        # full width, not a thumbnail


def test_the_presenter_view_has_a_try_it_live_slide_whose_keys_stay_its_own(
        site_with_kit, open_context):
    """After a chapter's last animation, the presenter view shows its explorer (from the
    site the kit sits in): keys pressed in it move the explorer, not the slides; Esc
    gives them back to the presenter view."""
    kit = site_with_kit / "slides"
    context = open_context(viewport={"width": 1920, "height": 1080})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((kit / "index.html").as_uri() + "#descent-1d-explore")
    slide = page.locator('section.slide[data-slide="descent-1d-explore"]')
    assert slide.is_visible()
    frame = page.frame_locator('section.slide[data-slide="descent-1d-explore"] iframe')
    rate = frame.locator("#explore-rate")
    rate.wait_for()
    assert not frame.locator(".site-header").is_visible()    # the explorer alone
    readout = frame.locator(".explorer-readout")
    before = readout.inner_text()
    rate.focus()
    page.keyboard.press("ArrowRight")
    assert readout.inner_text() != before
    assert slide.is_visible()                                  # the slide did not move
    page.keyboard.press("Escape")
    page.keyboard.press("ArrowLeft")                           # the presenter's again
    assert not slide.is_visible()
    assert page.evaluate("location.hash") == "#descent-1d-descent"
    assert errors == []


def test_the_optimizer_and_beta_come_from_the_link(open_context, site_url, built_site):
    d = explorer_data(built_site, "optimizers.html")
    rate = d["own"]["lr"]
    visit = Visit(open_context(), site_url + f"optimizers.html#lr={rate!r}"
                  f"&optimizer=momentum&beta=0.99")
    page = visit.page
    assert page.locator("#explore-optimizer").input_value() == "momentum"
    assert page.locator("#explore-beta").input_value() == "0.99"
    assert explorer_readout(page).startswith("Momentum (β = 0.99). ")
    page.locator("#explore-optimizer").select_option("adam")
    assert "optimizer=adam" in page.evaluate("location.hash")
    assert explorer_readout(page).startswith("Adam (β1 = 0.99, β2 = 0.999). ")
    assert visit.problems == []
