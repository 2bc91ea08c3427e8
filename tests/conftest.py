"""Shared fixtures: one draft build of the whole site per test session."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from gdanim.cli import cli


def run_cli(*args: str):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture(scope="session", autouse=True)
def chapter_cache(tmp_path_factory):
    """The tests' own chapter cache, so they neither read nor fill the user's."""
    import os

    folder = tmp_path_factory.mktemp("chapter-cache")
    old = os.environ.get("GDANIM_CACHE_DIR")
    os.environ["GDANIM_CACHE_DIR"] = str(folder)
    yield folder
    if old is None:
        os.environ.pop("GDANIM_CACHE_DIR", None)
    else:
        os.environ["GDANIM_CACHE_DIR"] = old


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> Path:
    """A `--quality draft` build of every chapter, shared by the tests that read it."""
    out = tmp_path_factory.mktemp("build") / "site"
    result = run_cli("build", "--out", str(out), "--quality", "draft", "--quiet")
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def manifest(built_site) -> dict:
    return json.loads((built_site / "manifest.json").read_text())


@pytest.fixture(scope="session")
def published_site(built_site, tmp_path_factory):
    """(folder, site URL): the draft build again with `--site-url`, served by gdanim's
    static host at that very address (http://127.0.0.1:<port>/gdanim-pub/), so its
    absolute links can be followed. Built over a copy of `built_site`, whose animations
    it reuses."""
    import shutil
    import threading

    from gdanim.serve import open_server

    out = tmp_path_factory.mktemp("published") / "site"
    shutil.copytree(built_site, out)
    server = open_server(out, "/gdanim-pub/", port=0)
    url = f"http://127.0.0.1:{server.server_address[1]}/gdanim-pub/"
    result = run_cli("build", "--out", str(out), "--quality", "draft", "--quiet",
                     "--site-url", url)
    assert result.exit_code == 0, result.output
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield out, url
    server.shutdown()
    server.server_close()


# --- the slides kit (tests/test_slides.py, and its presenter view in test_browser.py) ---

SLIDE_CHAPTERS = ("grid-search", "descent-1d")  # a sweep and a descent: two quick animations


@pytest.fixture(scope="session")
def site_with_kit(tmp_path_factory) -> Path:
    """`slides` (with the Beamer frames), then a draft site `build` into the same folder."""
    out = tmp_path_factory.mktemp("slides") / "site"
    only = [arg for slug in SLIDE_CHAPTERS for arg in ("--only", slug)]
    result = run_cli("slides", "--out", str(out), "--formats", "mp4,gif,poster,frames",
                     "--quiet", *only)
    assert result.exit_code == 0, result.output
    result = run_cli("build", "--out", str(out), "--quality", "draft", "--quiet", *only)
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="session")
def kit(site_with_kit) -> Path:
    return site_with_kit / "slides"


@pytest.fixture(scope="session")
def kit_manifest(kit) -> dict:
    return json.loads((kit / "manifest.json").read_text())


# --- one Chromium for the session (test_browser.py, test_teaching.py) -----------------

import os  # noqa: E402

CHROMIUM = os.environ.get("GDANIM_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--autoplay-policy=no-user-gesture-required"]
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def browser():
    problem = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        problem = "the playwright package is not installed"
    if problem is None and not os.access(CHROMIUM, os.X_OK):
        problem = f"no Chromium at {CHROMIUM} (set GDANIM_CHROMIUM, or apt-get install chromium)"
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"browser tests cannot run: {problem}; CI must not skip them")
        pytest.skip(problem)
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def open_context(browser):
    """open_context(**options) -> a fresh browser context, closed after the test."""
    contexts = []

    def make(viewport=DESKTOP, reduced_motion="reduce", **options):
        context = browser.new_context(viewport=viewport, reduced_motion=reduced_motion,
                                      **options)
        context.set_default_timeout(10_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
