"""The companion notebook, site/lesson.ipynb: every chapter's lesson script in reading
order, each after a short note on what it does. Built with nbformat; the code cells are
the files in gdanim/chapters/lessons/ as they are, so the notebook and the pages never disagree."""
from __future__ import annotations

from pathlib import Path

from gdanim.outputs.listings import ListingError, lesson_path

NAME = "lesson.ipynb"

INTRO = """# Gradient descent, step by step: the code

This notebook holds the code of every chapter of the site, in reading order. Each cell is
a whole program: run the cells from the top (Shift+Enter). You need Python with `numpy`,
`jax` and `palmerpenguins` installed (`pip install numpy jax palmerpenguins`).

JAX, which appears from chapter 3 on, is a numerical library for Python. `jax.numpy`
works like NumPy, and `jax.grad(f)` turns a function `f` that returns one number into a
new function that returns its gradient (its derivative, for every input at once)."""

NOTES = {
    "guess-and-check": "Score a guess: the mean squared error of `cm = multiplier * inches`.",
    "grid-search": "Try 50 multipliers between 0 and 5 and keep the one with the lowest loss.",
    "slopes": "Let JAX find the gradient of the loss with `jax.grad`.",
    "descent-1d": "Gradient descent: step against the gradient, 1000 times.",
    "penguins-2d": "Two parameters, real data: z-scored penguins, a design matrix with a "
                   "column of ones, and the same loop.",
    "learning-rates": "The same descent at four learning rates, set from the divergence "
                      "threshold 2 / curvature.",
    "optimizers": "Penguins in raw units (a long narrow valley): gradient descent, momentum "
                  "and Adam written out by hand.",
}


SWEEP_NOTE = ("Every learning rate at once, as the page's explorer was computed: "
              "`jax.vmap` runs the same descent for a whole array of rates in one compiled "
              "call. The plot shows the loss each rate reaches after 40 epochs: past the "
              "threshold it shoots up. (It needs `matplotlib` too.)")


def markdown_text(text: str) -> str:
    """`text` as literal Markdown text, the way the pages show a title: HTML escaped
    (&, <, > as entities), Markdown's own marks backslash-escaped, and every run of
    white space (a line break too) one space, so it stays one heading."""
    import html
    import re

    text = html.escape(" ".join(text.split()), quote=False)
    return re.sub(r"([\\`*_{}\[\]()#+!|~])", r"\\\1", text)


def has_lesson(slug: str) -> bool:
    try:
        lesson_path(slug)
    except ListingError:
        return False
    return True


def build(pages: list[dict]):
    """An nbformat v4 notebook for the chapters in `pages` (dicts with slug, title, href,
    context): each built-in chapter's lesson script, and for a chapter made from the
    teacher's own CSV the code its page shows (context "lesson_code")."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    cells = [new_markdown_cell(INTRO)]
    for number, page in enumerate(pages, start=1):
        own_code = page.get("context", {}).get("lesson_code")
        if has_lesson(page["slug"]):
            note = NOTES.get(page["slug"], "")
            code = lesson_path(page["slug"]).read_text(encoding="utf-8")
        elif own_code:                      # a chapter from the teacher's own CSV
            note = ("Gradient descent on your own data, as the chapter runs it. Run this "
                    "cell in the folder of gdanim.toml: it reads the CSV from there.")
            code = own_code
        else:
            continue
        cells.append(new_markdown_cell(
            f"## {number}. {markdown_text(page['title'])}\n\n{note} The page explains it: "
            f"[{page['href']}]({page['href']})."))
        cells.append(new_code_cell(code))
        if has_lesson(page["slug"] + "-sweep"):     # the explorer's sweep, as one cell
            cells.append(new_markdown_cell(SWEEP_NOTE))
            cells.append(new_code_cell(
                lesson_path(page["slug"] + "-sweep").read_text(encoding="utf-8")))
    # nbformat gives each new cell a random id; fixed ids keep two builds identical.
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    nbformat.validate(notebook)
    return notebook


def write(site: Path, pages: list[dict]) -> Path:
    """Write the notebook into the site folder; return its path."""
    import nbformat

    path = Path(site) / NAME
    nbformat.write(build(pages), str(path))
    return path
