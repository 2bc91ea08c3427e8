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
from typing import Callable

import jinja2
from markupsafe import Markup

from gdanim.outputs import formulas, glossary, listings, publish

from gdanim.core import text
from gdanim.core.config import SiteInfo
from gdanim.core.resources import is_generated, templates_dir

TEMPLATES = templates_dir()
CHECKED = "how-we-checked.html"
STATIC = TEMPLATES / "static"
SITE_TITLE = SiteInfo().title


fmt = text.fmt      # `{{ x | fmt('.4f') }}`: the one way a number is printed


class PageMedia:
    """The videos and explorers placed so far on the page being rendered. Only the
    first video preloads; a page without videos does not load the player script, and
    one without either does not load the number format (static/numbers.js)."""

    def __init__(self) -> None:
        self.videos = 0
        self.explorers = 0

    def explorer(self) -> str:
        """Count an explorer placed (the template calls this where it places one)."""
        self.explorers += 1
        return ""

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


def homework_files() -> list[dict]:
    """The student's homework files, which every site build writes (the "homework"
    extra job): [{href, label, download}], for "Your turn" and the lecturer's guide."""
    from gdanim.outputs import homework, worksheet

    return [{"href": homework.NAME, "label": f"the homework notebook ({homework.NAME})",
             "download": True},
            {"href": worksheet.NAME, "label": f"the printable worksheet ({worksheet.NAME})",
             "download": False}]


def chapter_exercises(page: dict):
    """The chapter's "Your turn" (gdanim/core/exercises.Exercises) from its folder's
    exercises.py, given its numbers and page context; None if the folder has none."""
    from importlib import import_module

    template = page.get("template") or f"chapters/{page['slug']}.html"
    folder = template.removeprefix("chapters/").removesuffix(".html").replace("-", "_")
    name = f"gdanim.chapters.{folder}.exercises"
    try:
        module = import_module(name)
    except ModuleNotFoundError as error:
        if error.name in (name, f"gdanim.chapters.{folder}"):
            return None
        raise
    return module.exercises(page["numbers"], page["context"])


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
                       number=text.number, count=text.count, rate=text.rate,
                       about_zero=text.about_zero,
                       math=formulas.math, tex=formulas.tex_number)
    site = site or SiteInfo()
    from gdanim.outputs import handout, homework, notebook, offline, provenance, worksheet

    made = provenance.read()
    env.globals.update(
        provenance=made, site_url=site.site_url, repository=site.repository,
        colab_url=notebook.colab_url(site.repository) if site.repository else "",
        bibtex=provenance.bibtex(site.title, site.author, site.site_url, site.repository, made),
        apa=provenance.apa(site.title, site.author, site.site_url, site.repository, made),
        lesson_source=provenance.LESSON, teaching_kit=teaching_kit,
        handout_file=handout.NAME, offline_file=offline.NAME, notebook_file=notebook.NAME,
        homework_file=homework.NAME, worksheet_file=worksheet.NAME)
    env.globals.update(site_title=site.title, site_author=site.author, math=formulas.math,
                       source=listings.source, lesson=listings.lesson,
                       page_media=page_media, file_size=file_size, frame_data=frame_data,
                       script_json=script_json, slide_kit=slide_kit,
                       homework_files=homework_files, term=glossary.link)
    # The offline copy's pages (offline.py) set these: whether the pages are its
    # copies, and whether a file (site-relative) is in it. The site holds every file.
    env.globals.update(offline=False, in_copy=lambda href: True)
    return env


def render(template: jinja2.Template, **context) -> str:
    """Render one page, with a fresh count of its videos."""
    token = _page_media.set(PageMedia())
    try:
        return template.render(**context)
    finally:
        _page_media.reset(token)


def render_pages(pages: list[dict], site: SiteInfo | None = None, *,
                 root: Path | None = None, out: Path | None = None,
                 in_copy: Callable[[str], bool] | None = None) -> dict[str, str]:
    """Map output file name -> HTML for the index, every chapter page and 404.html.
    Each page dict has slug, title, summary, href, numbers, animations, stills, cover
    (a small picture for the index, or None), context and optionally template (default
    chapters/<slug>.html). `site` is gdanim.toml's [site]: title, author and the public
    address; with an address pages carry canonical and link-preview tags, and 404.html
    absolute links. `root` is the folder the media are in (file sizes and frame data are
    read from it); `out` the folder the pages go to in the end, where a slides kit may be
    (see kit_index.py). `in_copy` renders the pages for the offline copy (offline.py):
    it says which site-relative files the copy holds, and the pages link only those."""
    token, kit_token = _site_root.set(root), _kit_root.set(out)
    try:
        return _render_pages(pages, site, in_copy)
    finally:
        _site_root.reset(token)
        _kit_root.reset(kit_token)


def _render_pages(pages: list[dict], site: SiteInfo | None,
                  in_copy: Callable[[str], bool] | None = None) -> dict[str, str]:
    env = environment(site)
    if in_copy is not None:
        env.globals.update(offline=True, in_copy=in_copy)
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
            exercises=chapter_exercises(page),
            social=publish.page_meta(page, pages, site_url), **page["context"])
    out["about.html"] = render(env.get_template("about.html"), pages=pages, page=None,
                               social=publish.page_meta(None, pages, site_url, "about.html",
                                                        "About this site"))
    out["teach.html"] = render(env.get_template("teach.html"), page=None,
                               **teach_context(pages),
                               social=publish.page_meta(None, pages, site_url, "teach.html",
                                                        "Lecturer's guide"))
    by_slug = {p["slug"]: p for p in pages}
    out[glossary.NAME] = render(env.get_template("glossary.html"), pages=pages, page=None,
                                glossary_terms=glossary.TERMS, chapter_of=by_slug.get,
                                social=publish.page_meta(None, pages, site_url, glossary.NAME,
                                                         "Glossary"))
    out[CHECKED] = render(env.get_template("how-we-checked.html"), pages=pages, page=None,
                          mini=by_slug.get("mini-batches"), opt=by_slug.get("optimizers"),
                          social=publish.page_meta(None, pages, site_url, CHECKED,
                                                   "How we checked"))
    out["404.html"] = render(env.get_template("404.html"), pages=pages, page=None,
                             social=None, site_url=site_url,
                             inline_css=(STATIC / "style.css").read_text(encoding="utf-8"),
                             favicon_uri=data_uri(STATIC / "favicon.svg"))
    return out


def teach_context(pages: list[dict]) -> dict:
    """What teach.html needs: the plans resolved against these chapters, each chapter's
    objectives and settings, and its numbers by slug (for the misconceptions)."""
    from gdanim.chapters import BUILT_IN
    from gdanim.outputs import lecture

    exercises = {p["slug"]: chapter_exercises(p) for p in pages}
    kit = slide_kit if teaching_kit() else (lambda a: None)
    settings = [{"slug": p["slug"], "name": o.name, "help": o.help, "default": f"{o.default:g}",
                 "low": f"{o.low:g}", "high": f"{o.high:g}"}
                for p in pages if p["slug"] in BUILT_IN for o in BUILT_IN[p["slug"]].options]
    return {"pages": pages, "by": {p["slug"]: p for p in pages},
            "index": {p["slug"]: i + 1 for i, p in enumerate(pages)},
            "objectives": lecture.objectives, "kit": teaching_kit(), "hw": homework_files(),
            "fifty": lecture.resolve(lecture.FIFTY, pages, exercises, kit),
            "one": lecture.resolve(lecture.SESSION_ONE, pages, exercises, kit),
            "two": lecture.resolve(lecture.SESSION_TWO, pages, exercises, kit),
            "extra": lecture.unplanned(pages, exercises, kit), "settings": settings}


def data_uri(svg: Path) -> str:
    return "data:image/svg+xml," + urllib.parse.quote(svg.read_text(encoding="utf-8"))


def copy_static(site: Path, only: tuple[str, ...] | None = None) -> None:
    """static/ as written (or the files named in `only`), with the code listings'
    colours appended to style.css (one stylesheet, one request). File by file, so that
    a failure (a full disk) is the OSError itself, which the commands report plainly,
    not shutil's bundle of them; a site built inside static/ is never copied."""
    (site / "static").mkdir()
    for source in sorted(STATIC.iterdir()):
        if source.is_file() and not is_generated(source) and (only is None or source.name in only):
            shutil.copyfile(source, site / "static" / source.name)
    with open(site / "static" / "style.css", "a", encoding="utf-8") as css:
        css.write("\n" + listings.stylesheet())
