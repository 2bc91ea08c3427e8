"""The built site as a user gets it: media that play, links that resolve, a stable manifest."""
import json
import re
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from gdanim.figures.encode import probe
from tests.conftest import run_cli


def test_manifest_lists_every_page_and_animation(manifest):
    slugs = [p["slug"] for p in manifest["pages"]]
    assert slugs[:4] == ["guess-and-check", "grid-search", "slopes", "descent-1d"]
    names = {(a["scenario"], a["name"]) for a in manifest["animations"]}
    assert {("grid-search", "sweep"), ("descent-1d", "descent")} <= names
    for a in manifest["animations"]:
        assert set(a["files"]) == {"mp4", "gif", "poster", "poster_web", "frames"}
        assert a["width"] % 2 == 0 and a["height"] % 2 == 0
        assert a["frames"] > 1 and a["fps"] > 0 and isinstance(a["params"], dict)
    assert manifest["numbers"]["grid-search.best_multiplier"] == 2.5510204081632653


def test_every_number_is_shown_as_the_lesson_shows_it(built_site):
    pages = {p.name: p.read_text() for p in built_site.glob("*.html")}
    assert "1728.2125" in pages["guess-and-check.html"]
    assert "1128.2125" in pages["guess-and-check.html"]
    assert "2.5510204081632653" in pages["grid-search.html"]
    assert "1128.2124" in pages["slopes.html"]
    assert "\u22122681.3499" in pages["slopes.html"]
    assert "<dd>2.541</dd>" in pages["descent-1d.html"]


def test_media_decode_with_expected_frames(built_site, manifest):
    for a in manifest["animations"]:
        mp4 = probe(built_site / a["files"]["mp4"])
        assert (mp4["codec"], mp4["pix_fmt"]) == ("h264", "yuv420p")
        assert (mp4["width"], mp4["height"], mp4["frames"]) == (a["width"], a["height"],
                                                                a["frames"])
        gif = probe(built_site / a["files"]["gif"])
        assert (gif["codec"], gif["frames"]) == ("gif", a["frames"])
        poster = probe(built_site / a["files"]["poster"])
        assert (poster["codec"], poster["width"], poster["height"]) == ("png", a["width"],
                                                                        a["height"])
        shown = probe(built_site / a["files"]["poster_web"])   # the page's lighter copy
        assert (shown["codec"], shown["width"], shown["height"]) == ("webp", a["width"],
                                                                     a["height"])
        assert (built_site / a["files"]["poster_web"]).stat().st_size < \
            (built_site / a["files"]["poster"]).stat().st_size
        frames = json.loads((built_site / a["files"]["frames"]).read_text())
        assert len(frames["frames"]) == a["frames"]


def test_pages_show_the_web_copies_and_offer_the_pngs(built_site, manifest):
    text = "\n".join(p.read_text(encoding="utf-8") for p in built_site.glob("*.html"))
    for s in manifest["stills"]:
        assert s["web"] == s["file"].removesuffix(".png") + ".webp", s
        shown = probe(built_site / s["web"])
        assert (shown["codec"], shown["width"], shown["height"]) == ("webp", s["width"],
                                                                     s["height"])
        assert f'<img src="{s["web"]}"' in text and f'<img src="{s["file"]}"' not in text
    for a in manifest["animations"]:
        assert f'poster="{a["files"]["poster_web"]}"' in text
        assert f'poster="{a["files"]["poster"]}"' not in text
        assert f'<a href="{a["files"]["poster"]}" download>poster PNG</a>' in text
    assert 'download>Download this figure (PNG' in text


def test_mp4_starts_fast(built_site, manifest):
    # +faststart moves the index (moov) before the data (mdat) so playback starts early.
    data = (built_site / manifest["animations"][0]["files"]["mp4"]).read_bytes()[:4096]
    assert data.find(b"moov") != -1 and (data.find(b"mdat") == -1
                                         or data.find(b"moov") < data.find(b"mdat"))


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.urls = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "poster") and value:
                self.urls.append(value)


def test_every_link_and_asset_resolves_relatively(built_site):
    # 404.html is served at any depth, so it finds the site root by script instead
    # (tests/test_browser.py covers it).
    pages = sorted(p for p in built_site.rglob("*.html") if p.name != "404.html")
    assert {p.name for p in pages} >= {"index.html", "grid-search.html", "descent-1d.html"}
    for page in pages:
        parser = Links()
        parser.feed(page.read_text())
        assert parser.urls, page.name
        for url in parser.urls:
            parts = urlsplit(url)
            if parts.scheme in ("http", "https", "mailto", "data") or url.startswith("#"):
                continue
            assert not url.startswith("/"), f"{page.name}: absolute URL {url}"
            target = (page.parent / unquote(parts.path)).resolve()
            assert target.is_file(), f"{page.name}: {url} does not resolve"
    for css in built_site.glob("static/*.css"):
        for url in re.findall(r"url\(['\"]?([^'\")]+)", css.read_text()):
            if not url.startswith("data:"):
                assert (css.parent / url).resolve().is_file(), url


def test_chapter_pages_link_in_order(built_site, manifest):
    hrefs = [p["href"] for p in manifest["pages"]]
    for before, after in zip(hrefs, hrefs[1:]):
        assert f'href="{after}"' in (built_site / before).read_text()
        assert f'href="{before}"' in (built_site / after).read_text()


def test_build_twice_gives_the_same_files(tmp_path, manifest):
    """Two clean builds: the same manifest, which holds every file's SHA-256, so every
    page, poster, GIF and MP4 is byte-identical."""
    out = tmp_path / "again"
    assert run_cli("build", "--out", str(out), "--quality", "draft", "--quiet",
                   "--fresh").exit_code == 0
    again = json.loads((out / "manifest.json").read_text())
    assert again["files"] == manifest["files"]
    assert again == manifest


def test_only_and_formats_limit_the_output(tmp_path):
    out = tmp_path / "site"
    result = run_cli("build", "--out", str(out), "--quality", "draft", "--quiet",
                     "--only", "grid-search", "--formats", "poster")
    assert result.exit_code == 0, result.output
    data = json.loads((out / "manifest.json").read_text())
    assert [p["slug"] for p in data["pages"]] == ["grid-search"]
    assert set(data["animations"][0]["files"]) == {"poster", "poster_web", "frames"}
    assert not list(out.rglob("*.mp4")) and not list(out.rglob("*.gif"))
    assert "grid-search.html" in (out / "index.html").read_text()


def test_second_build_reuses_every_unchanged_animation(tmp_path):
    out = tmp_path / "site"
    args = ("build", "--out", str(out), "--quality", "draft", "--only", "grid-search",
            "--only", "descent-1d")
    first = run_cli(*args)
    mp4 = out / "media/descent-1d/descent.mp4"
    before = mp4.stat().st_ino
    manifest = (out / "manifest.json").read_text()
    second = run_cli(*args)
    assert second.exit_code == 0
    assert "up to date" in second.output and "animation" not in second.output
    assert mp4.stat().st_ino == before            # the very same file, untouched
    assert (out / "manifest.json").read_text() == manifest
    def rendered(result):
        return [line for line in result.output.splitlines() if line.startswith("  animation ")]

    fresh = run_cli(*args, "--fresh")
    assert len(rendered(fresh)) == 2 and fresh.output.count("computed") == 2
    # A different set of formats is a different output: rendered again, not recomputed.
    fewer = run_cli(*args, "--formats", "mp4")
    assert len(rendered(fewer)) == 2 and "computed" not in fewer.output
    assert first.exit_code == fresh.exit_code == fewer.exit_code == 0
