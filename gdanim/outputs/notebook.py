"""The companion notebook, site/lesson.ipynb: every chapter's lesson script in reading
order, each after a short note on what it does, with the output it prints. Built with
nbformat; the code cells are the chapters' lesson scripts (gdanim/chapters/<name>/lesson.py) as they are, so the
notebook and the pages never disagree.

Ready to run anywhere: its first code cell installs what the scripts import (`%pip`
works in Jupyter and Colab), and with the repository known (gdanim.toml's
`repository`) it opens with an "Open in Colab" link.

The saved outputs are the scripts' own: the build runs the code cells, each a whole
program, one after another in a fresh Python process (the build's interpreter and
libraries) and saves what each prints and the figures it draws, as PNGs the way
Jupyter's inline backend shows them (not at the draft quality, for speed). Not through
a Jupyter kernel: the result is the same for programs that print and plot, and the
build then needs neither ipykernel nor nbclient (the tests execute the notebook with
nbclient and compare)."""
from __future__ import annotations

import json
import subprocess
import sys
import warnings
from pathlib import Path

from gdanim.outputs.listings import ListingError, lesson_path

NAME = "lesson.ipynb"
PACKAGES = ("numpy", "jax", "palmerpenguins", "matplotlib")   # what the lesson scripts import
INSTALL = f"%pip install --quiet {' '.join(PACKAGES)}"
IN_REPOSITORY = "lesson.ipynb"    # where "Open in Colab" expects a copy (see the README)

INTRO = """# Gradient descent, step by step: the code

This notebook holds the code of every chapter of the site, in reading order. Each cell is
a whole program: run the cells from the top (Shift+Enter). The first code cell installs
what they need (`numpy`, `jax`, `palmerpenguins` and `matplotlib`); in your own
Python, run `pip install numpy jax palmerpenguins matplotlib` once instead.

JAX, which appears from chapter 3 on, is a numerical library for Python. `jax.numpy`
works like NumPy, and `jax.grad(f)` turns a function `f` that returns one number into a
new function that returns its gradient (its derivative, for every input at once)."""

NOTES = {
    "guess-and-check": "Score a guess: the mean squared error of `cm = multiplier * inches`.",
    "grid-search": "Try 50 multipliers between 0 and 5 and keep the one with the lowest loss.",
    "slopes": "Let JAX find the gradient of the loss with `jax.grad`.",
    "descent-1d": "Gradient descent: step against the gradient, 1000 times.",
    "vectors": "Two parameters, real data: z-scored penguins, a design matrix with a "
               "column of ones, one prediction as a dot product, and the first guess's loss.",
    "penguins-2d": "The same loop on two parameters: descent across the penguins' loss "
                   "surface, checked against least squares.",
    "learning-rates": "The same descent at four learning rates, set from the divergence "
                      "threshold 2 / curvature.",
    "mini-batches": "Full batch against mini-batches of 32, each at its best rate, judged "
                    "by the same 1% rule.",
    "optimizers": "Penguins in raw units (a long narrow valley): gradient descent, momentum "
                  "and Adam written out by hand.",
    "bumpy": "The smallest network, `w2 * tanh(w1 * x)`, on the penguins: a loss with "
             "several valleys, so the same descent from different starts ends in "
             "different places.",
}
# A chapter whose lesson has no note of its own above still gets a sentence.
NO_NOTE = "The chapter's code, as its page runs it."


SWEEP_NOTE = ("Every learning rate at once, as the page's explorer was computed: "
              "`jax.vmap` runs the same descent for a whole array of rates in one compiled "
              "call. The plot shows the loss each rate reaches after 40 epochs: past the "
              "threshold it shoots up. (It needs `matplotlib` too.)")


def markdown_text(text: str) -> str:
    """`text` as literal Markdown text in the notebook, the way the pages show a title
    (see escape.jupyter_markdown)."""
    from gdanim.core.escape import jupyter_markdown

    return jupyter_markdown(text)


def has_lesson(slug: str) -> bool:
    try:
        lesson_path(slug)
    except ListingError:
        return False
    return True


def colab_url(repository: str) -> str:
    """"Open in Colab" for the notebook's copy in a GitHub repository ("" if the
    repository is not on GitHub)."""
    import urllib.parse

    parts = urllib.parse.urlsplit(repository.strip())
    path = [p for p in parts.path.split("/") if p]
    if parts.netloc.lower() not in ("github.com", "www.github.com") or len(path) < 2:
        return ""
    owner, repo = path[0], path[1].removesuffix(".git")
    return (f"https://colab.research.google.com/github/{owner}/{repo}/blob/main/"
            f"{IN_REPOSITORY}")


def build(pages: list[dict], repository: str = "", outputs: bool = False):
    """An nbformat v4 notebook for the chapters in `pages` (dicts with slug, title, href,
    context): each built-in chapter's lesson script, and for a chapter made from the
    teacher's own CSV the code its page shows (context "lesson_code"). With `outputs`,
    each code cell is run and what it prints saved under it."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

    intro = INTRO + ("\nUnder each cell is the output it gave when the site was built.\n"
                     if outputs else "")
    colab = colab_url(repository) if repository else ""
    if colab:
        intro += (f"\n[![Open In Colab](https://colab.research.google.com/assets/"
                  f"colab-badge.svg)]({colab})\n")
    cells = [new_markdown_cell(intro), new_code_cell(INSTALL)]
    programs = []          # (cell, code, must it run)
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
            f"## {number}. {markdown_text(page['title'])}\n\n{note or NO_NOTE} The page "
            f"explains it: [{page['href']}]({page['href']})."))
        cells.append(new_code_cell(code))
        programs.append((cells[-1], code, has_lesson(page["slug"])))
        if has_lesson(page["slug"] + "-sweep"):     # the explorer's sweep, as one cell
            sweep = lesson_path(page["slug"] + "-sweep").read_text(encoding="utf-8")
            cells.append(new_markdown_cell(SWEEP_NOTE))
            cells.append(new_code_cell(sweep))
            programs.append((cells[-1], sweep, True))
    if outputs:
        for count, ((cell, _, _), shown) in enumerate(
                zip(programs, run_cells([(code, must) for _, code, must in programs])),
                start=1):
            if shown is not None:
                printed, pictures = shown
                cell["execution_count"] = count
                cell["outputs"] = ([nbformat.v4.new_output("stream", name="stdout",
                                                           text=printed)] if printed else [])
                cell["outputs"] += [nbformat.v4.new_output(
                    "display_data", data={"image/png": png, "text/plain": words})
                    for png, words in pictures]
    # nbformat gives each new cell a random id; fixed ids keep two builds identical.
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    nbformat.validate(notebook)
    return notebook


# Runs each program of the JSON list on stdin with fresh globals, as a script would,
# and prints a JSON list of what each printed (None: it failed, with the traceback) and
# the figures it left open, as Jupyter shows them under the cell: a PNG (base64) and
# the text Jupyter gives with it ("<Figure size 700x400 with 1 Axes>"). matplotlib
# draws off screen (Agg), at the size and resolution Jupyter's inline backend uses.
RUNNER = """
import base64, contextlib, io, json, os, sys, traceback, warnings
os.environ["MPLBACKEND"] = "Agg"
warnings.filterwarnings("ignore", message=".*non-interactive.*")
results = []
def figures():
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is None:
        return []
    shown = []
    for number in pyplot.get_fignums():
        figure = pyplot.figure(number)
        png = io.BytesIO()
        figure.savefig(png, format="png", bbox_inches="tight", metadata={"Software": None})
        shown.append([base64.b64encode(png.getvalue()).decode("ascii"), repr(figure)])
    pyplot.close("all")
    return shown
for code in json.load(sys.stdin):
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "<cell>", "exec"), {"__name__": "__main__"})
            shown = figures()
        results.append([out.getvalue(), "", shown])
    except BaseException:
        results.append([None, traceback.format_exc(), []])
sys.__stdout__.write("\\n@@results@@" + json.dumps(results))
"""


def run_cells(programs: list[tuple[str, bool]], timeout: float = 900) -> list[list | None]:
    """What each (code, must_run) program shows, run in order in one fresh Python
    process (one JAX start-up for all): [what it prints, [(PNG as base64, its text),
    ...] for the figures it draws]. A built-in lesson that fails is an error; a
    program of the teacher's own (it reads their CSV, from the current folder) that
    fails is left without output (None)."""
    from gdanim.core.errors import GdanimError

    if not programs:
        return []
    try:
        with warnings.catch_warnings():   # JAX, if loaded here, frowns on any fork
            warnings.simplefilter("ignore", RuntimeWarning)
            result = subprocess.run([sys.executable, "-c", RUNNER], capture_output=True,
                                    text=True, timeout=timeout,
                                    input=json.dumps([code for code, _ in programs]))
        _, _, tail = result.stdout.rpartition("\n@@results@@")
        results = json.loads(tail)
    except (subprocess.TimeoutExpired, ValueError) as error:
        raise GdanimError(f"running the notebook's cells failed: {error}") from None
    shown = []
    for (code, must), (out, problem, pictures) in zip(programs, results):
        if out is None and must:
            raise GdanimError(f"a lesson script in the notebook failed:\n{problem}")
        shown.append(None if out is None else [out, pictures])
    return shown


def write(site: Path, pages: list[dict], repository: str = "", outputs: bool = True) -> Path:
    """Write the notebook (with its outputs, unless `outputs` is false: the draft
    quality leaves them out, as running every lesson takes a while) into the site
    folder; return its path."""
    import nbformat

    from gdanim.figures.encode import atomic_path

    path = Path(site) / NAME
    notebook = build(pages, repository, outputs)
    with atomic_path(path) as tmp:
        nbformat.write(notebook, str(tmp))
    return path
