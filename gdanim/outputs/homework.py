"""The homework notebook: an otter-grader master notebook made from the chapters'
questions (gdanim/chapters/homework.py), turned by `otter assign` into the student's
notebook (site/homework.ipynb: questions, empty answer cells, the public checks), the
solutions notebook and the autograder zip (the teacher's, see gdanim/homework.py).

The master follows otter's notebook format (version 1): an ASSIGNMENT CONFIG raw cell,
then for each question BEGIN/END QUESTION, SOLUTION and TESTS blocks in raw cells.
Tests are exception-based (otter's `ok_format: false`): public ones check a learner's
code against the numbers the site shows, hidden ones (only in autograder.zip) at the
homework's own settings. Each question is all or nothing."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

NAME = "homework.ipynb"              # the student's notebook on the site
ASSIGNMENT = "gdanim-homework"       # otter checks submissions against this name
REQUIREMENTS = ("numpy", "pandas", "palmerpenguins")   # what the questions import
INSTALL_MARK = "# Install what this homework needs"

INTRO = """# {title}: homework

Each question asks you to write a few lines of Python: the loss, its gradient, the
update loop, a learning-rate sweep, an optimizer from its formula. Replace each `...`
with your code and run the cells from the top (Shift+Enter). The cell under each question,
`grader.check(...)`, runs a first check on your code, using numbers the site shows; your
teacher's grader then checks it at this homework's own settings, which differ from the
site's, so copying the site's numbers will not pass. Answers are compared to within
{tolerance}.

The formulas you need are under each question; the chapters explain them. The first
code cell installs what the homework needs if it is missing (in Jupyter or Colab); in
your own Python, run `pip install otter-grader numpy pandas palmerpenguins` once instead.
The checks read this notebook's file: keep it alone in its folder, or named
`homework.ipynb`; in Colab, also upload it to the Files panel (the folder icon).
"""

INSTALL = f"""{INSTALL_MARK} (nothing, if it is installed already).
import importlib.util

if any(importlib.util.find_spec(name) is None for name in ("otter", "numpy", "palmerpenguins")):
    get_ipython().run_line_magic("pip", "install --quiet otter-grader {' '.join(REQUIREMENTS)}")"""


from gdanim.core.errors import GdanimError


# otter's init cell reads the checks from the notebook file named in it; a learner's
# copy is often renamed ("homework (1).ipynb"), so without that name otter looks for the
# one notebook in the folder. (Grading ignores the name.)
INIT = f"""# Initialize Otter: it reads the checks from this notebook's file
import os
import otter
grader = otter.Notebook("{NAME}" if os.path.exists("{NAME}") else None)"""


class HomeworkError(GdanimError):
    """otter assign failed (its own words follow)."""


def config_cell(run_tests: bool) -> str:
    import yaml

    config = {"name": ASSIGNMENT, "init_cell": True, "check_all_cell": True,
              "export_cell": False, "run_tests": run_tests, "solutions_pdf": False,
              "requirements": list(REQUIREMENTS), "tests": {"ok_format": False}}
    return "# ASSIGNMENT CONFIG\n" + yaml.safe_dump(config, sort_keys=False)


def question_text(number: int, question, chapter_title: str, href: str) -> str:
    from gdanim.chapters.homework import RTOL

    formulas = "\n".join(f"- `{f}`" for f in question.formulas)
    return (f"## Question {number}: {question.title}\n\n"
            f"*Chapter: [{chapter_title}]({href}) · {question.points} point"
            f"{'s' if question.points != 1 else ''}*\n\n{question.text}\n\n"
            f"**Formulas**\n\n{formulas}\n\n"
            f"Numbers are checked to within {RTOL * 100:g}%.")


def master(questions, pages: dict, title: str, run_tests: bool = True):
    """The otter master notebook (nbformat) for `questions`; `pages` maps a chapter's
    slug to (title, href)."""
    import nbformat
    from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_raw_cell

    from gdanim.chapters.homework import RTOL

    cells = [new_raw_cell(config_cell(run_tests)),
             new_markdown_cell(INTRO.format(title=title, tolerance=f"{RTOL * 100:g}%")),
             new_code_cell(INSTALL)]
    given: set[str] = set()
    for number, q in enumerate(questions, start=1):
        if q.setup and q.setup not in given:
            given.add(q.setup)
            cells.append(new_code_cell(q.setup))
        chapter_title, href = pages.get(q.chapter, (q.chapter, f"{q.chapter}.html"))
        cells += [new_raw_cell(f"# BEGIN QUESTION\nname: {q.name}\npoints: {q.points}\n"
                               f"all_or_nothing: true"),
                  new_markdown_cell(question_text(number, q, chapter_title, href)),
                  new_raw_cell("# BEGIN SOLUTION"), new_code_cell(q.solution),
                  new_raw_cell("# END SOLUTION"), new_raw_cell("# BEGIN TESTS")]
        cells += [new_code_cell(test) for test in q.public_tests]
        cells += [new_code_cell('""" # BEGIN TEST CONFIG\nhidden: true\n""" # END TEST CONFIG\n'
                                + test) for test in q.hidden_tests]
        cells += [new_raw_cell("# END TESTS"), new_raw_cell("# END QUESTION")]
    cells.append(new_markdown_cell("## Done\n\nRun the cell below to check every question "
                                   "at once. Then hand in this notebook as your teacher "
                                   "asks (save it first)."))
    notebook = new_notebook(cells=cells, metadata={
        "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
        "language_info": {"name": "python"}})
    nbformat.validate(notebook)
    return notebook


def assign(notebook, work: Path) -> dict[str, Path]:
    """Run `otter assign` on the master `notebook` in the folder `work`. Returns the
    student notebook, the solutions notebook and the autograder zip it made."""
    import nbformat

    source = work / "master"
    source.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, str(source / NAME))
    dist = work / "dist"
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    try:
        result = subprocess.run([sys.executable, "-m", "otter", "assign", str(source / NAME),
                                 str(dist), "--no-pdfs"], cwd=source, capture_output=True,
                                text=True, timeout=900, env=env)
    except subprocess.TimeoutExpired:
        raise HomeworkError("otter assign took more than 15 minutes") from None
    zips = sorted((dist / "autograder").glob("*.zip")) if dist.is_dir() else []
    if result.returncode != 0 or not zips:
        tail = "\n".join((result.stderr or result.stdout).strip().splitlines()[-15:])
        raise HomeworkError(f"otter assign failed:\n{tail}")
    return {"student": dist / "student" / NAME, "solutions": dist / "autograder" / NAME,
            "autograder": zips[-1]}


def tidy(path: Path, target: Path) -> None:
    """Copy an assigned notebook to `target` with the introduction first, then the
    install cell, then otter's init cell (which imports otter), and fixed cell ids, so two builds of the
    same homework write the same file."""
    import nbformat

    notebook = nbformat.read(str(path), as_version=4)
    cells = notebook.cells
    first = [c for c in cells if c.cell_type == "markdown"][:1] + \
        [c for c in cells if c.source.startswith(INSTALL_MARK)] + \
        [c for c in cells if c.source.startswith("# Initialize Otter")]
    notebook.cells = cells = first + [c for c in cells if not any(c is f for f in first)]
    for cell in cells:
        if cell.source.startswith("# Initialize Otter"):
            cell.source = INIT
    for number, cell in enumerate(cells):
        cell["id"] = f"cell-{number}"
        if cell.cell_type == "code":
            cell["execution_count"], cell["outputs"] = None, []
    nbformat.validate(notebook)
    text = json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    target.write_text(text, encoding="utf-8")


def made(questions, pages: dict, title: str, work: Path, run_tests: bool) -> dict[str, Path]:
    """Assign the homework in `work`: the master notebook and otter's outputs."""
    return assign(master(questions, pages, title, run_tests), work)


def write_student(site: Path, questions, pages: dict, title: str) -> Path:
    """Write site/homework.ipynb, the student's notebook (no solutions, no hidden tests)."""
    from gdanim.figures.encode import atomic_path

    work = Path(tempfile.mkdtemp(prefix="gdanim-homework-"))
    try:
        files = made(questions, pages, title, work, run_tests=False)
        path = site / NAME
        with atomic_path(path) as tmp:
            tidy(files["student"], Path(tmp))
        path.chmod(0o644)
        return path
    finally:
        shutil.rmtree(work, ignore_errors=True)


def page_titles(pages: list[dict], site_url: str | None = None) -> dict:
    """slug -> (title, href) of the site's pages; with the site's address the links are
    whole, so they work from a downloaded notebook or Colab (relative ones only beside
    the site)."""
    base = site_url.rstrip("/") + "/" if site_url else ""
    return {p["slug"]: (p["title"], base + p["href"]) for p in pages}
