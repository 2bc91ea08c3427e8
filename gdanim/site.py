"""Pages from templates: jinja2 with autoescape and StrictUndefined, every URL relative.

Templates get `math(tex)` (MathML) and `source("module:function")` (highlighted code)
as globals. The 404 page is the exception to relative URLs: GitHub Pages serves it at
any depth, so it carries its own styles and finds the site root in the browser."""
from __future__ import annotations

import shutil
import urllib.parse
from contextvars import ContextVar
from pathlib import Path

import jinja2

from gdanim import formulas, listings, publish, text
from gdanim.config import SiteInfo
from gdanim.resources import templates_dir

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


def page_media() -> PageMedia:
    """The current page's PageMedia (templates call this; see `render`)."""
    return _page_media.get()


def environment(site: SiteInfo | None = None) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=jinja2.select_autoescape(["html", "xml"],
                                                                 default_for_string=True),
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    env.filters.update(fmt=fmt, decimal=text.decimal, math=formulas.math, tex=formulas.tex_number)
    site = site or SiteInfo()
    env.globals.update(site_title=site.title, site_author=site.author, math=formulas.math,
                       source=listings.source, lesson=listings.lesson,
                       page_media=page_media)
    return env


def render(template: jinja2.Template, **context) -> str:
    """Render one page, with a fresh count of its videos."""
    token = _page_media.set(PageMedia())
    try:
        return template.render(**context)
    finally:
        _page_media.reset(token)


def render_pages(pages: list[dict], site: SiteInfo | None = None) -> dict[str, str]:
    """Map output file name -> HTML for the index, every chapter page and 404.html.
    Each page dict has slug, title, summary, href, numbers, animations, stills, cover
    (a small picture for the index, or None), context and optionally template (default
    chapters/<slug>.html). `site` is gdanim.toml's [site]: title, author and the public
    address; with an address pages carry canonical and link-preview tags, and 404.html
    absolute links."""
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
