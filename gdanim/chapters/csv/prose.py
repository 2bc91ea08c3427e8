"""The page of a chapter made from a teacher's CSV: the teacher's Markdown with the
chapter's computed numbers filled in, the lesson code that reproduces its descent, and
what the template shows (chapter.py computes the results this reads)."""
from __future__ import annotations

import re
from functools import partial

TABLE_EPOCHS = (0, 1, 2, 10, 100)   # the epochs the page's table shows
# The numbers a chapter's prose may insert with {{ name }} (chapter_numbers makes them).
NUMBER_KEYS = ("rows", "rows_read", "dropped_rows", "sampled_points", "x_mean", "x_std",
               "x_min", "x_max", "y_mean", "y_std", "y_min", "y_max", "correlation",
               "learning_rate", "threshold", "epochs", "start_loss", "final_loss",
               "diverged_at", "lstsq_loss", "explained", "close_epoch", "final_intercept",
               "final_slope", "lstsq_intercept", "lstsq_slope", "final_intercept_original",
               "final_slope_original", "lstsq_intercept_original", "lstsq_slope_original",
               "condition_number", "param_gap")

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z0-9_]+)\s*(?::\s*([^}]*?))?\s*\}\}")


def format_number(value, spec: str = "") -> str:
    from gdanim.core.text import minus

    if value is None:
        return "none"
    if spec:
        return minus(format(value, spec))
    if isinstance(value, bool) or isinstance(value, int):
        return minus(f"{value:,}" if not isinstance(value, bool) else str(value))
    if isinstance(value, float):
        if value != 0 and abs(value) < 1e-4:
            return minus(f"{value:.2e}")
        if abs(value) >= 1e4:
            return minus(f"{value:,.0f}")
        return minus(f"{value:.4g}")
    return minus(str(value))


def number_keys(optimizers=()) -> tuple[str, ...]:
    """The names a chapter's prose may insert: NUMBER_KEYS, and per raced optimizer."""
    race = [f"{key}_{what}" for key in optimizers if len(optimizers) > 1
            for what in ("within_1pct_epoch", "final_loss", "diverged_at")]
    return NUMBER_KEYS + tuple(race)


def _spec_ok(spec: str) -> bool:
    for sample in (1.5, 1):
        try:
            format(sample, spec)
            return True
        except (ValueError, TypeError):
            pass
    return False


def placeholder_problems(text: str, optimizers=()) -> list[str]:
    """Names in `{{ name }}` that are not numbers a CSV chapter computes, and format
    specs (`{{ name:.2f }}`) Python cannot use."""
    import difflib

    known = number_keys(optimizers)
    problems = []
    for match in PLACEHOLDER.finditer(text):
        name, spec = match.group(1), match.group(2) or ""
        if name not in known:
            close = difflib.get_close_matches(name, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            problems.append(f"{{{{ {name} }}}} is not a number this chapter computes{hint}")
        elif spec and not _spec_ok(spec):
            problems.append(f"{{{{ {name}:{spec} }}}}: {spec!r} is not a number format "
                            f"(try .2f, .3g or ,d)")
    return problems


def render_markdown(text: str, numbers: dict):
    """Markdown (CommonMark, raw HTML escaped) with `{{ name }}` or `{{ name:.2f }}`
    replaced by the chapter's computed number of that manifest key."""
    from markdown_it import MarkdownIt
    from markupsafe import Markup

    def fill(match) -> str:
        value, spec = numbers[match.group(1)], match.group(2) or ""
        try:
            return format_number(value, spec)
        except (ValueError, TypeError):      # e.g. ',d' on a float: the plain form
            return format_number(value)

    filled = PLACEHOLDER.sub(fill, text)
    return Markup(MarkdownIt("commonmark", {"html": False}).render(filled))


def lesson_code(spec, rate: float, start, delimiter: str = ",") -> str:
    """Plain lesson-style Python that reproduces the chapter's descent."""
    keep = f'r[{spec.x!r}].strip() and r[{spec.y!r}].strip()'
    reader = "csv.DictReader(file)" if delimiter == "," else \
        f"csv.DictReader(file, delimiter={delimiter!r})"

    def number(column: str) -> str:
        cell = f"r[{column!r}]" + (".replace(',', '.')" if delimiter != "," else "")
        return f"float({cell})"

    lines = ["import csv", "", "import jax", "import jax.numpy as jnp", "",
             f"with open({spec.csv_name!r}, encoding='utf-8-sig', newline='') as file:",
             f"    rows = [r for r in {reader} if {keep}]",
             f"x = jnp.array([{number(spec.x)} for r in rows])",
             f"y = jnp.array([{number(spec.y)} for r in rows])"]
    if spec.standardize and spec.intercept:
        lines += ["", "# z-scores: centre each column, divide by its standard deviation",
                  "x = (x - x.mean()) / x.std()", "y = (y - y.mean()) / y.std()"]
    elif spec.standardize:
        lines += ["", "# divide by the root mean square, so that zero stays zero",
                  "x = x / jnp.sqrt(jnp.mean(x ** 2))", "y = y / jnp.sqrt(jnp.mean(y ** 2))"]
    if spec.intercept:
        lines += ["X = jnp.column_stack([jnp.ones_like(x), x])   # a column of ones, then x",
                  "", "def loss(params):                # params = [intercept, slope]",
                  "    return jnp.mean((X @ params - y) ** 2)"]
    else:
        lines += ["", "def loss(params):                # params = [slope]",
                  "    return jnp.mean((params[0] * x - y) ** 2)"]
    start_text = ", ".join(repr(float(v)) for v in start)
    lines += ["", f"params = jnp.array([{start_text}])",
              f"for epoch in range({spec.epochs}):",
              f"    params = params - {rate!r} * jax.grad(loss)(params)",
              "print(params, loss(params))", ""]
    return "\n".join(lines)


def listing_html(code: str, name: str):
    from markupsafe import Markup, escape
    from pygments import highlight
    from pygments.formatters import HtmlFormatter
    from pygments.lexers import PythonLexer

    body = highlight(code, PythonLexer(), HtmlFormatter(nowrap=True))
    return Markup(f'<figure class="listing" data-source="{escape(name)}"><figcaption>'
                  f'<code>{escape(name)}</code>, run it in the folder of gdanim.toml'
                  f'</figcaption><pre tabindex="0"><code>{body}</code></pre></figure>')


def tidy(value: float, standardize: bool) -> str:
    """Six significant figures; on rescaled columns, float noise shown as 0."""
    from gdanim.core.text import minus

    if standardize and abs(value) < 1e-6:
        return "0"
    return minus(f"{value:.6g}")


def page_context(r, numbers: dict) -> dict:
    spec = r.spec
    code = lesson_code(spec, r.rate, r.start, r.columns.delimiter)
    snapshots = [{"epoch": e, "params": [float(v) for v in r.params[e]],
                  "loss": float(r.loss[e])}
                 for e in sorted(set(TABLE_EPOCHS) | {spec.epochs}) if e <= spec.epochs]
    first = [{"row": r.columns.lines[i], "x": float(r.columns.x[i]), "y": float(r.columns.y[i]),
              "fx": float(r.problem.x[i]), "fy": float(r.problem.y[i])} for i in range(5)
             if i < r.columns.rows]
    return {"spec": spec, "tidy": partial(tidy, standardize=spec.standardize), "prose": render_markdown(spec.prose, numbers) if spec.prose else "",
            "source_note": render_markdown(spec.source, numbers) if spec.source else "",
            "lesson_code": code, "listing": listing_html(code, f"{spec.slug}.py"),
            "snapshots": snapshots, "first_rows": first, "race_runs": r.runs,
            "dropped_lines": list(r.columns.dropped_rows[:10])}
