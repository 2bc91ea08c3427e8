"""`python generate.py homework`: the teacher's files, in teacher/ (never in the site).

    homework-solutions.ipynb   the homework with its solutions, run through its tests
    autograder.zip             otter-grader's autograder: `otter run` or Gradescope
    answer-key.pdf             every question with its solution and expected numbers
    homework.ipynb             the student's notebook (the site has the same one)
    manifest.json              the settings and every number the grader expects
    README.md                  how to grade

Made like the site: in a staging folder beside the target, swapped in only when
complete, so bad settings or a failed `otter assign` leave the previous folder as it was.
Files in the folder that gdanim did not write are kept."""
from __future__ import annotations

import json
import shutil
import tempfile
from pathlib import Path

GENERATOR = "gdanim-homework"
FILES = ("homework-solutions.ipynb", "autograder.zip", "answer-key.pdf", "homework.ipynb",
         "README.md", "manifest.json")

README = """# Homework: the teacher's files

Made by `python generate.py homework` from {config}. **Keep this folder private**: it
holds the solutions and the expected numbers. Do not commit it to a public repository or
push it to a branch that GitHub Pages publishes (the site's `homework.ipynb` and
`worksheet.pdf` are the students' copies, with no answers).

| file | what it is |
|---|---|
| `homework.ipynb` | the student's notebook (the same as the site's): {count} questions, {points} points |
| `homework-solutions.ipynb` | the same with solutions and every test, hidden ones too |
| `autograder.zip` | otter-grader's autograder for it |
| `answer-key.pdf` | each question with a solution and the numbers the grader expects |
| `manifest.json` | the settings these numbers come from, and the numbers |

## Grade on your own computer

    pip install otter-grader numpy pandas palmerpenguins
    mkdir -p results
    otter run -a autograder.zip -o results/ submissions/alice.ipynb

`otter run` needs the `-o` folder to exist, and no Docker: it runs the notebook here,
then prints each question's score and writes `results/results.json`. Each question is
all or nothing; the message under a failed question says which check failed (without
the answer).
`otter grade` grades a whole folder of submissions in Docker, if you have it.

## Grade on Gradescope

Create a "Programming Assignment", choose "Autograder: zip file" and upload
`autograder.zip`; students upload their `homework.ipynb`.

## The numbers

The homework's numbers come from `[homework]` in gdanim.toml and differ from the
site's, so the public pages do not give the answers away: `python generate.py list
--settings` lists the keys. Change them (a different guess, learning rate, penguin
column...) and run `python generate.py homework` again; build the site again too, so
its `homework.ipynb` and `worksheet.pdf` state the same settings.

Settings used:

{settings}
"""


def inside_site(out: Path) -> Path | None:
    """The site folder (one holding a gdanim manifest.json) that `out` is in or is."""
    for folder in [out, *out.parents]:
        try:
            built = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(built, dict) and built.get("generator") == "gdanim":
            return folder
    return None


def out_problem(out: Path) -> str | None:
    from gdanim.engine import outdir

    problem = outdir.check_out(out)
    if problem:
        return problem
    resolved = out.expanduser().resolve()
    site = inside_site(resolved)
    if site is not None:
        return (f"{str(out)!r} is inside the site in {str(site)!r}, which is published; the "
                f"teacher's files hold the answers. Choose a folder outside it, e.g. "
                f"--out teacher")
    if resolved.is_dir() and previous_files(resolved) is None:
        others = [e.name for e in resolved.iterdir() if not e.name.startswith(".")]
        if others:
            return (f"{str(out)!r} holds files that gdanim did not write "
                    f"({', '.join(sorted(others)[:3])}) and no homework manifest.json. "
                    f"Choose a new or empty folder")
    return None


def previous_files(out: Path) -> list[str] | None:
    try:
        built = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(built, dict) or built.get("generator") != GENERATOR:
        return None
    return [f for f in built.get("files", []) if isinstance(f, str)]


def manifest(questions, values: dict) -> dict:
    return {"generator": GENERATOR, "settings": values,
            "questions": [{"name": q.name, "chapter": q.chapter, "title": q.title,
                           "points": q.points, "answers": q.answers} for q in questions],
            "files": list(FILES)}


def make(out: Path, config_path: str | None = None, progress: bool = True) -> Path:
    """Write the teacher's files into `out`; return it."""
    import click

    from gdanim import settings
    from gdanim.chapters import installed
    from gdanim.chapters.homework import questions, values_of
    from gdanim.engine import outdir
    from gdanim.options import ConfigError
    from gdanim.outputs import homework, worksheet

    chosen = settings.load(config_path)
    problem = out_problem(out)
    if problem:
        raise ConfigError([f"'out': {problem}"])
    say = (lambda m: click.echo(m, err=True)) if progress else (lambda m: None)
    values = values_of(chosen.site)
    with installed(chosen.scenarios):
        asked = questions(chosen.scenarios, values)
    pages = homework.page_titles([{"slug": s.slug, "title": s.title, "href": f"{s.slug}.html"}
                                  for s in chosen.scenarios], chosen.site.site_url)
    title = chosen.site.title
    if outdir.clean_stale(out):
        say("removed a folder left half-made by an interrupted run")
    staging = outdir.make_staging(out)
    work = Path(tempfile.mkdtemp(prefix="gdanim-homework-"))
    try:
        say(f"otter assign: {len(asked)} questions, running the solutions through every test")
        files = homework.made(asked, pages, title, work, run_tests=True)
        homework.tidy(files["solutions"], staging / "homework-solutions.ipynb")
        homework.tidy(files["student"], staging / "homework.ipynb")
        shutil.copyfile(files["autograder"], staging / "autograder.zip")
        worksheet.write(staging / worksheet.KEY_NAME, asked, title, True, values, pages)
        made = manifest(asked, values)
        (staging / "manifest.json").write_text(json.dumps(made, indent=2) + "\n",
                                               encoding="utf-8")
        shown = "\n".join(f"    {k} = {json.dumps(v)}" for k, v in values.items())
        (staging / "README.md").write_text(README.format(
            config=str(chosen.path or "the built-in settings"), count=len(asked),
            points=sum(q.points for q in asked), settings=shown), encoding="utf-8")
        for name in FILES:
            (staging / name).chmod(0o644)
        ours = set(previous_files(out.resolve()) or []) | {"manifest.json"}
        outdir.swap(staging, out.resolve(), ours)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        shutil.rmtree(work, ignore_errors=True)
    say(f"wrote the teacher's homework files to {out}/ ({', '.join(FILES[:3])}, README.md); "
        f"keep them private")
    return out
