"""The built pages as HTML: titles and descriptions, formulas as MathML, code listings
that match the source, and video markup that respects the reader."""
from __future__ import annotations

import html
import importlib
import inspect
import json
import re
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest

from gdanim.outputs import webpages


class Outline(HTMLParser):
    """The parts of a page these tests read."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.description = None
        self.videos: list[dict] = []
        self.scripts: list[str] = []
        self.maths = 0
        self.listings: list[tuple[str, str]] = []   # (data-source, text of its <pre>)
        self.text: list[str] = []                   # prose, outside code and formulas
        self._in: list[str] = []
        self._listing = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and attrs.get("name") == "description":
            self.description = attrs.get("content")
        elif tag == "video":
            self.videos.append(attrs)
        elif tag == "script" and "src" in attrs:
            self.scripts.append(attrs["src"])
        elif tag == "math":
            self.maths += 1
        elif tag == "figure" and "data-source" in attrs:
            self._listing = [attrs["data-source"], ""]
        if tag not in ("meta", "link", "source", "img", "br", "input", "mspace"):
            self._in.append(tag)

    def handle_endtag(self, tag):
        if tag in self._in:
            while self._in.pop() != tag:
                pass
        if tag == "figure" and self._listing:
            self.listings.append(tuple(self._listing))
            self._listing = None

    def handle_data(self, data):
        if self._in and self._in[-1] == "title":
            self.title += data
        if self._listing and "pre" in self._in:
            self._listing[1] += data
        if not {"pre", "code", "math", "script", "style"} & set(self._in):
            self.text.append(data)


def outline(path: Path) -> Outline:
    parser = Outline()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


@pytest.fixture(scope="session")
def pages(built_site) -> dict[str, Outline]:
    return {p.name: outline(p) for p in sorted(built_site.glob("*.html"))}


@pytest.fixture(scope="session")
def chapter_pages(pages, manifest) -> dict[str, Outline]:
    return {p["href"]: pages[p["href"]] for p in manifest["pages"]}


def test_the_site_has_an_index_a_404_page_and_every_chapter(pages, manifest):
    assert set(pages) == {"index.html", "404.html", "about.html", "teach.html", "glossary.html",
                          "how-we-checked.html", *(p["href"] for p in manifest["pages"])}


def test_every_page_has_its_own_title_and_a_description(pages):
    for name, page in pages.items():
        assert page.title.strip(), f"{name} has no <title>"
        assert page.description and page.description.strip(), f"{name}: no description"
    titles = [page.title for page in pages.values()]
    assert len(set(titles)) == len(titles), f"titles repeat: {titles}"


def test_formulas_are_mathml_and_no_tex_is_left_in_the_text(pages, chapter_pages):
    assert sum(page.maths for page in chapter_pages.values()) >= 5
    for name, page in pages.items():
        leftover = re.findall(r"\\[A-Za-z]+|\$[^$]+\$", " ".join(page.text))
        assert not leftover, f"{name}: TeX outside a formula: {leftover}"


@pytest.mark.parametrize("href, needle", [
    ("guess-and-check.html", "&#x02211;"),   # the sum in the MSE
    ("slopes.html", "<mfrac>"),              # d MSE / dm
    ("descent-1d.html", "&#x02190;"),        # the update arrow
])
def test_the_lesson_formulas_are_there(built_site, href, needle):
    text = (built_site / href).read_text()
    formulas = re.findall(r"<math\b.*?</math>", text, flags=re.S)
    assert any(needle in f for f in formulas), f"{href}: no formula with {needle!r}"


def real_source(ref: str) -> str:
    module, _, qualname = ref.partition(":")
    obj = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return textwrap.dedent(inspect.getsource(obj))


def test_any_listing_of_site_code_is_the_real_source(chapter_pages):
    """Chapters show lesson scripts (tests/test_lesson.py); a listing of the site's own
    code, where a page has one, must match the source on disk."""
    for name, page in chapter_pages.items():
        for ref, text in page.listings:
            assert html.unescape(text) == real_source(ref), f"{name}: {ref} differs"


def test_about_page_credits_the_sources_and_every_footer_links_to_it(built_site, pages):
    about = (built_site / "about.html").read_text(encoding="utf-8")
    for credit in ("Fruehwald", "10.5281/zenodo.3960218", "e90081", "Palmer Station",
                   "CC0", "CC BY 4.0", "MIT", "How to cite", "belt size table"):
        assert credit in about, f"about.html does not mention {credit!r}"
    for name in pages:
        if name != "404.html":
            assert 'href="about.html"' in (built_site / name).read_text(encoding="utf-8"), name
    root = Path(__file__).resolve().parent.parent
    assert "MIT License" in (root / "LICENSE").read_text()
    assert "CC BY 4.0" in (root / "LICENSE-content").read_text()


def test_videos_never_autoplay_from_markup_and_only_the_first_preloads(pages, built_site):
    for name, page in pages.items():
        for video in page.videos:
            assert "autoplay" not in video, f"{name}: a video autoplays without the script"
            assert "controls" in video, f"{name}: without JavaScript a video needs controls"
            assert "muted" in video and "playsinline" in video
        preloads = [video["preload"] for video in page.videos]
        assert preloads[1:] == ["none"] * (len(preloads) - 1), f"{name}: {preloads}"
        assert preloads[:1] in ([], ["auto"]), name
        # The player script comes with the videos, and only with them.
        assert ("static/player.js" in page.scripts) == bool(page.videos), name
        # The number format comes with the scripts that print numbers, and only with
        # them: before the player (the engine is deferred, so it runs after both).
        users = [s for s in ("static/player.js", "static/engine.js") if s in page.scripts]
        assert ("static/numbers.js" in page.scripts) == bool(users), name
        if "static/player.js" in users:
            assert page.scripts.index("static/numbers.js") < \
                page.scripts.index("static/player.js"), name


def test_each_player_has_its_frame_table(built_site):
    text = "\n".join(p.read_text() for p in built_site.glob("*.html"))
    tables = re.findall(r'data-frames="([^"]+)"', text)
    assert tables
    for path in tables:
        table = json.loads((built_site / path).read_text())
        assert {"label", "fps", "poster", "names", "frames"} <= set(table)
        assert 0 <= table["poster"] < len(table["frames"])
        for row in table["frames"]:
            if "runs" in table:  # several runs: a loss and a parameter vector per run
                assert len(row["loss"]) == len(row["params"]) == len(table["runs"])
                assert all(len(p) == len(table["names"]) for p in row["params"])
            else:
                assert len(row["params"]) == len(table["names"])


def test_static_files_include_the_icon_the_player_and_code_colours(built_site):
    static = built_site / "static"
    assert (static / "favicon.svg").read_text().lstrip().startswith("<svg")
    assert "prefers-reduced-motion" in (static / "player.js").read_text()
    css = (static / "style.css").read_text()
    assert ".listing pre .k" in css and "prefers-color-scheme: dark" in css


def test_the_404_page_needs_nothing_relative(built_site):
    text = (built_site / "404.html").read_text()
    assert not re.search(r'(?:href|src)="(?!data:|/|#|https?:)', text), \
        "404.html is served at any depth: a relative URL there breaks"
    assert "<style>" in text


def test_only_the_first_video_of_a_page_preloads_whatever_the_template_order():
    env = webpages.environment()
    template = env.from_string(
        "{% for _ in range(3) %}{{ page_media().preload() }} {% endfor %}"
        "{{ page_media().videos }}")
    assert webpages.render(template) == "auto none none 3"
    assert webpages.render(template) == "auto none none 3"  # a new page starts over


def render_animation_macro(files: dict) -> str:
    from gdanim.figures.media import MediaRecord

    record = MediaRecord("ch", "a", "A title", "What it shows", files, 640, 360, 18, 8, {},
                         "epoch", "key", 4)
    template = webpages.environment().from_string(
        '{% from "macros.html" import animation %}{{ animation(a) }}'
        "{% if page_media().videos %}[player]{% endif %}")
    return webpages.render(template, a=record)


def test_without_an_mp4_the_animation_is_a_still_that_links_to_the_gif():
    html = render_animation_macro({"gif": "m/a.gif", "poster": "m/a.png"})
    assert "<video" not in html and "[player]" not in html
    assert '<img src="m/a.png"' in html and 'href="m/a.gif"' in html
    assert '<img src="m/a.gif"' not in html  # a GIF on the page would move unpaused


def test_with_an_mp4_the_animation_is_a_player():
    html = render_animation_macro({"mp4": "m/a.mp4", "poster": "m/a.png",
                                   "frames": "m/a.frames.json"})
    assert 'data-frames="m/a.frames.json"' in html and 'data-poster-frame="4"' in html
    assert 'preload="auto"' in html and "[player]" in html


def test_the_page_shows_the_posters_web_copy_and_offers_the_png():
    html = render_animation_macro({"mp4": "m/a.mp4", "poster": "m/a.png",
                                   "poster_web": "m/a.webp", "frames": "m/a.frames.json"})
    assert 'poster="m/a.webp"' in html and 'poster="m/a.png"' not in html
    assert '<a href="m/a.png" download>poster PNG</a>' in html
    still = render_animation_macro({"gif": "m/a.gif", "poster": "m/a.png",
                                    "poster_web": "m/a.webp"})
    assert '<img src="m/a.webp"' in still and '<a href="m/a.png" download>' in still
    # A record without the web copy (a build before it) shows the PNG, as before.
    assert 'poster="m/a.png"' in render_animation_macro({"mp4": "m/a.mp4", "poster": "m/a.png"})


def test_a_gif_without_a_still_is_linked_not_looped():
    html = render_animation_macro({"gif": "media/ch/a.gif", "frames": "media/ch/a.frames.json"})
    assert 'href="media/ch/a.gif"' in html
    assert "<img" not in html and "<video" not in html


def test_a_still_shows_its_web_copy_and_offers_the_png():
    from gdanim.figures.media import StillRecord

    template = webpages.environment().from_string(
        '{% from "macros.html" import still %}{{ still(s) }}')
    html = webpages.render(template, s=StillRecord("ch", "f", "What it shows", "m/f.png",
                                                   640, 360, "m/f.webp"))
    assert '<img src="m/f.webp"' in html and '<a href="m/f.png" download>' in html
    older = webpages.render(template, s=StillRecord("ch", "f", "What it shows", "m/f.png",
                                                    640, 360))   # a record from before
    assert '<img src="m/f.png"' in older
