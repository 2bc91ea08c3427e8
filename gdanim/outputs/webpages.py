"""Pages from templates: jinja2 with autoescape and StrictUndefined, every URL relative.

Templates get `math(tex)` (MathML) and `source("module:function")` (highlighted code)
as globals. The 404 page is the exception to relative URLs: GitHub Pages serves it at
any depth, so it carries its own styles and finds the site root in the browser."""
from __future__ import annotations

import json
import shutil
import urllib.parse
from contextvars import ContextVar
from pathlib import Path

import jinja2
from markupsafe import Markup

from gdanim.outputs import formulas, listings, publish

from gdanim.core import text
from gdanim.core.config import SiteInfo
from gdanim.core.resources import templates_dir

TEMPLATES = templates_dir()
STATIC = TEMPLATES / "static"
SITE_TITLE = SiteInfo().title


def fmt(value, spec: str = "") -> str:
    """`{{ x | fmt('.4f') }}`: Python format spec; a minus sign is set as a true minus."""
    return text.minus(format(value, spec))


class PageMedia:
    """The videos placed so far on the page being rendered. Only the first one
    preloads; a page without videos does not load the player script."""

    def __init__(self) -> None:
        self.videos = 0

    def preload(self) -> str:
        """The `preload` value for the next <video> on the page. "auto" rather than
        "metadata" for the first: it is small and usually plays at once, and with
        "metadata" Chromium opens the whole file and then cancels the request."""
        self.videos += 1
        return "auto" if self.videos == 1 else "none"


_page_media: ContextVar[PageMedia] = ContextVar("page_media")
# The folder the pages are written into, while they render: file sizes and frame data
# are read from it. None (sizes and embedded data left out) when not given.
_site_root: ContextVar[Path | None] = ContextVar("site_root", default=None)
# The site folder itself (where a slides kit may sit, kept across builds).
_kit_root: ContextVar[Path | None] = ContextVar("kit_root", default=None)


def file_size(path: str) -> str:
    """`path`'s size (relative to the site being written) as "1.4 MB", or ""."""
    root = _site_root.get()
    if root is None or not (root / path).is_file():
        return ""
    return text.file_size((root / path).stat().st_size)


def frame_data(a) -> Markup:
    """An animation's frame table as JSON for a <script type="application/json"> in the
    page, so the readout works from disk (file://), where fetch() is refused."""
    root = _site_root.get()
    path = a.files.get("frames")
    if root is None or not path or not (root / path).is_file():
        return Markup("")
    raw = json.dumps(json.loads((root / path).read_text(encoding="utf-8")),
                     separators=(",", ":"))
    # Nothing in it may end the <script> element early.
    return Markup(raw.replace("<", "\\u003c").replace(">", "\\u003e"))


def script_json(value) -> Markup:
    """`value` as JSON for a <script type="application/json"> in the page (compact,
    nothing in it can end the element early)."""
    raw = json.dumps(value, separators=(",", ":"), allow_nan=False)
    return Markup(raw.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


def slide_kit(a) -> dict | None:
    """The slides kit's entry for this animation, if a kit sits in the site's slides/
    folder (written by `generate.py slides`), else None."""
    root = _kit_root.get()
    if root is None:
        return None
    from gdanim.outputs import kit_index

    return kit_index.kit_entry(root, a.scenario, a.name)


def teaching_kit() -> dict | None:
    """The slides kit's whole-deck files for the index's "Teach with this" (None
    without a kit beside the site)."""
    root = _kit_root.get()
    if root is None:
        return None
    from gdanim.outputs import kit_index

    return kit_index.kit_summary(root)


def page_media() -> PageMedia:
    """The current page's PageMedia (templates call this; see `render`)."""
    return _page_media.get()


CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"


def loader() -> jinja2.BaseLoader:
    """Templates from templates/, and each chapter's page from its own folder:
    "chapters/descent-1d.html" is gdanim/chapters/descent_1d/page.html."""
    def chapter_page(name: str):
        path = CHAPTERS / name.removesuffix(".html").replace("-", "_") / "page.html"
        if not name.endswith(".html") or not path.is_file():
            return None
        mtime = path.stat().st_mtime
        return (path.read_text(encoding="utf-8"), str(path),
                lambda: path.is_file() and path.stat().st_mtime == mtime)

    return jinja2.ChoiceLoader([
        jinja2.FileSystemLoader(TEMPLATES),
        jinja2.PrefixLoader({"chapters": jinja2.FunctionLoader(chapter_page)})])


def environment(site: SiteInfo | None = None) -> jinja2.Environment:
    env = jinja2.Environment(loader=loader(),
                             autoescape=jinja2.select_autoescape(["html", "xml"],
                                                                 default_for_string=True),
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(fmt=fmt, decimal=text.decimal, duration=text.duration,
                       math=formulas.math, tex=formulas.tex_number)
    site = site or SiteInfo()
    from gdanim.outputs import handout, notebook, offline, provenance

    made = provenance.read()
    env.globals.update(
        provenance=made, site_url=site.site_url, repository=site.repository,
        colab_url=notebook.colab_url(site.repository) if site.repository else "",
        bibtex=provenance.bibtex(site.title, site.author, site.site_url, site.repository, made),
        apa=provenance.apa(site.title, site.author, site.site_url, site.repository, made),
        lesson_source=provenance.LESSON, teaching_kit=teaching_kit,
        handout_file=handout.NAME, offline_file=offline.NAME, notebook_file=notebook.NAME)
    env.globals.update(site_title=site.title, site_author=site.author, math=formulas.math,
                       source=listings.source, lesson=listings.lesson,
                       page_media=page_media, file_size=file_size, frame_data=frame_data,
                       script_json=script_json, slide_kit=slide_kit)
    return env


def render(template: jinja2.Template, **context) -> str:
    """Render one page, with a fresh count of its videos."""
    token = _page_media.set(PageMedia())
    try:
        return template.render(**context)
    finally:
        _page_media.reset(token)


def render_pages(pages: list[dict], site: SiteInfo | None = None, *,
                 root: Path | None = None, out: Path | None = None) -> dict[str, str]:
    """Map output file name -> HTML for the index, every chapter page and 404.html.
    Each page dict has slug, title, summary, href, numbers, animations, stills, cover
    (a small picture for the index, or None), context and optionally template (default
    chapters/<slug>.html). `site` is gdanim.toml's [site]: title, author and the public
    address; with an address pages carry canonical and link-preview tags, and 404.html
    absolute links. `root` is the folder the media are in (file sizes and frame data are
    read from it); `out` the folder the pages go to in the end, where a slides kit may be
    (see kit_index.py)."""
    token, kit_token = _site_root.set(root), _kit_root.set(out)
    try:
        return _render_pages(pages, site)
    finally:
        _site_root.reset(token)
        _kit_root.reset(kit_token)


def _render_pages(pages: list[dict], site: SiteInfo | None) -> dict[str, str]:
    env = environment(site)
    site_url = (site.site_url if site else "") or None
    out = {"index.html": render(env.get_template("index.html"), pages=pages, page=None,
                                social=publish.page_meta(None, pages, site_url))}
    for i, page in enumerate(pages):
        out[page["href"]] = render(
            env.get_template(page.get("template") or f"chapters/{page['slug']}.html"),
            page=page, pages=pages, number=i + 1,
            prev=pages[i - 1] if i > 0 else None,
            next=pages[i + 1] if i + 1 < len(pages) else None,
            n=page["numbers"], animations={a.name: a for a in page["animations"]},
            stills={s.name: s for s in page["stills"]},
            social=publish.page_meta(page, pages, site_url), **page["context"])
    out["about.html"] = render(env.get_template("about.html"), pages=pages, page=None,
                               social=publish.page_meta(None, pages, site_url, "about.html",
                                                        "About this site"))
    out["404.html"] = render(env.get_template("404.html"), pages=pages, page=None,
                             social=None, site_url=site_url,
                             inline_css=(STATIC / "style.css").read_text(encoding="utf-8"),
                             favicon_uri=data_uri(STATIC / "favicon.svg"))
    return out


def data_uri(svg: Path) -> str:
    return "data:image/svg+xml," + urllib.parse.quote(svg.read_text(encoding="utf-8"))


def copy_static(site: Path) -> None:
    """static/ as written, with the code listings' colours appended to style.css
    (one stylesheet, one request)."""
    shutil.copytree(STATIC, site / "static")
    with open(site / "static" / "style.css", "a", encoding="utf-8") as css:
        css.write("\n" + listings.stylesheet())
