"""Pages from templates: jinja2 with autoescape and StrictUndefined, every URL relative."""
from __future__ import annotations

import shutil
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SITE_TITLE = "Gradient descent, step by step"


def fmt(value, spec: str = "") -> str:
    """`{{ x | fmt('.4f') }}`: Python format spec; a minus sign is set as a true minus."""
    return format(value, spec).replace("-", "\u2212")


def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES),
                             autoescape=jinja2.select_autoescape(["html", "xml"],
                                                                 default_for_string=True),
                             undefined=jinja2.StrictUndefined, trim_blocks=True,
                             lstrip_blocks=True, keep_trailing_newline=True)
    env.filters["fmt"] = fmt
    env.globals["site_title"] = SITE_TITLE
    return env


def render_pages(pages: list[dict]) -> dict[str, str]:
    """Map output file name -> HTML for the index and every chapter page. Each page
    dict has slug, title, summary, href, numbers, animations, stills, context."""
    env = environment()
    out = {"index.html": env.get_template("index.html").render(pages=pages, page=None)}
    for i, page in enumerate(pages):
        out[page["href"]] = env.get_template(f"chapters/{page['slug']}.html").render(
            page=page, pages=pages, number=i + 1,
            prev=pages[i - 1] if i > 0 else None,
            next=pages[i + 1] if i + 1 < len(pages) else None,
            n=page["numbers"], animations={a.name: a for a in page["animations"]},
            stills={s.name: s for s in page["stills"]}, **page["context"])
    return out


def copy_static(site: Path) -> None:
    shutil.copytree(TEMPLATES / "static", site / "static")
