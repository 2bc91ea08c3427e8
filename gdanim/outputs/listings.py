"""Code listings for the pages: a chapter names the functions behind its numbers
("gdanim.maths.losses:belt_mse") and gets their current source, highlighted by Pygments.

The source is read from the module's file with `ast`, not imported, so rendering a
page never runs (or waits for) JAX; what the page shows is exactly what is on disk."""
from __future__ import annotations

import ast
import importlib.util
import textwrap
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup, escape
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import PythonLexer

# Both meet WCAG AA (4.5:1) for every token colour Python code uses; see tests.
LIGHT_STYLE, DARK_STYLE = "xcode", "github-dark"


class ListingError(LookupError):
    """A source reference that does not name a function or class on disk."""


@dataclass(frozen=True)
class Snippet:
    ref: str          # "package.module:qualified.name"
    path: str         # file, relative to the folder holding the top-level package
    first_line: int   # 1-based, decorators included
    last_line: int
    text: str         # dedented source, ending in a newline


def _definition(tree: ast.Module, qualname: str, ref: str) -> ast.AST:
    """Walk `Outer.inner` through class and function bodies."""
    scope: ast.AST = tree
    for part in qualname.split("."):
        found = [node for node in getattr(scope, "body", [])
                 if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
                 and node.name == part]
        if not found:
            raise ListingError(f"source {ref!r}: no function or class {part!r} there")
        scope = found[-1]  # a later definition replaces an earlier one, as at run time
    return scope


@lru_cache(maxsize=None)
def find(ref: str) -> Snippet:
    """The source of `ref` ("gdanim.maths.train:descend", "pkg.mod:Class.method")."""
    module, _, qualname = ref.partition(":")
    if not module or not qualname:
        raise ListingError(f"source {ref!r}: write it as 'package.module:function'")
    try:
        spec = importlib.util.find_spec(module)
    except ModuleNotFoundError:
        spec = None
    if spec is None or not spec.origin or not spec.origin.endswith(".py"):
        raise ListingError(f"source {ref!r}: no Python module {module!r}")
    path = Path(spec.origin)
    text = path.read_text(encoding="utf-8")
    node = _definition(ast.parse(text, filename=str(path)), qualname, ref)
    first = min([node.lineno] + [d.lineno for d in node.decorator_list])
    lines = text.splitlines(keepends=True)[first - 1:node.end_lineno]
    top = Path(importlib.util.find_spec(module.split(".")[0]).origin).parent.parent
    return Snippet(ref, path.relative_to(top).as_posix(), first, node.end_lineno,
                   textwrap.dedent("".join(lines)))


def source(*refs: str) -> Markup:
    """`{{ source("gdanim.maths.losses:belt_mse") }}`: one captioned, highlighted listing per
    reference, in the order given."""
    if not refs:
        raise ListingError("source() needs at least one 'package.module:function'")
    formatter = HtmlFormatter(nowrap=True)
    blocks = []
    for ref in refs:
        snippet = find(ref)
        code = highlight(snippet.text, PythonLexer(), formatter)
        lines = (f"line {snippet.first_line}" if snippet.first_line == snippet.last_line
                 else f"lines {snippet.first_line}\u2013{snippet.last_line}")
        blocks.append(
            f'<figure class="listing" data-source="{escape(ref)}">'
            f'<figcaption><code>{escape(snippet.path)}</code>, {lines}</figcaption>'
            f'<pre tabindex="0"><code>{code}</code></pre></figure>')
    return Markup("\n".join(blocks))


def stylesheet() -> str:
    """Token colours for `.listing pre`: the light style, or the dark one when the
    reader's system asks for a dark scheme. The two never mix: a token only one
    style colours must not keep a light-scheme colour on a dark background."""
    def rules(style: str) -> str:
        formatter = HtmlFormatter(style=style)
        lines = (formatter.get_background_style_defs(".listing pre")
                 + formatter.get_token_style_defs(".listing pre"))
        # Drop Pygments' trailing "/* Token.Name */" notes: half the bytes, no meaning.
        return "\n".join("  " + line.split(" /*")[0] for line in lines)

    return (f"/* Code listings: Pygments styles {LIGHT_STYLE!r} and {DARK_STYLE!r}, "
            f"generated at build time. */\n"
            f"@media not all and (prefers-color-scheme: dark) {{\n{rules(LIGHT_STYLE)}\n}}\n"
            f"@media (prefers-color-scheme: dark) {{\n{rules(DARK_STYLE)}\n}}\n")


CHAPTERS = Path(__file__).resolve().parents[1] / "chapters"


def lesson_path(slug: str) -> Path:
    """The lesson script for chapter `slug`, in the chapter's folder ("descent-1d" ->
    gdanim/chapters/descent_1d/lesson.py); a chapter's second script is named by a
    suffix ("learning-rates-sweep" -> gdanim/chapters/learning_rates/lesson_sweep.py)."""
    name = slug.replace("-", "_")
    candidates = [CHAPTERS / name / "lesson.py"]
    if "_" in name:
        base, part = name.rsplit("_", 1)
        candidates.append(CHAPTERS / base / f"lesson_{part}.py")
    for path in candidates:
        if path.is_file():
            return path
    raise ListingError(f"lesson({slug!r}): no lesson script gdanim/chapters/{name}/lesson.py")


def lesson_files() -> list[Path]:
    """Every chapter's lesson scripts."""
    return sorted(CHAPTERS.glob("*/lesson*.py"))


def script_name(slug: str) -> str:
    """What a reader saves the script as: "descent_1d.py"."""
    return slug.replace("-", "_") + ".py"


def lesson(slug: str) -> Markup:
    """`{{ lesson("descent-1d") }}`: the chapter's whole lesson script, highlighted, with
    a caption saying how to run it and where the notebook is."""
    path = lesson_path(slug)
    source = path.read_text(encoding="utf-8")
    code = highlight(source, PythonLexer(), HtmlFormatter(nowrap=True))
    lines = len(source.rstrip("\n").split("\n"))
    return Markup(
        f'<figure class="listing lesson" data-lesson="{escape(slug)}">'
        f'<figcaption>The whole program, <code>{escape(script_name(slug))}</code>, {lines} '
        f'lines (the box scrolls to show them all): paste it into a '
        f'Python file and run it, or run it in the <a href="lesson.ipynb" download>lesson '
        f'notebook</a>, which has every chapter\'s code in order.</figcaption>'
        f'<pre tabindex="0"><code>{code}</code></pre></figure>')
