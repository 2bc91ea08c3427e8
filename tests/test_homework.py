"""Homework that grades itself (issue 27): `generate.py homework` writes the teacher's
files, and otter-grader itself grades with them: the solutions get full marks, the
unanswered student notebook less (naming the failed questions), and a notebook with
one deliberate mistake loses exactly that question's points. The worksheet and the
answer key fit A4 and Letter; the answer key's numbers are the manifest's. The same for
a CSV chapter's homework. Bad settings and a folder inside the site are refused."""
from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from gdanim.chapters.homework import number
from tests.conftest import run_cli

FIXTURE = Path(__file__).parent / "fixtures" / "owndata"
A4, LETTER = (595.28, 841.89), (612.0, 792.0)


def otter_run(teacher: Path, notebook: Path, out: Path) -> dict[str, tuple[float, float]]:
    """Grade `notebook` with teacher/autograder.zip; question -> (score, max score)."""
    out.mkdir(parents=True, exist_ok=True)
    done = subprocess.run([sys.executable, "-m", "otter", "run", "-a",
                           str(teacher / "autograder.zip"), "-o", str(out), str(notebook)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout + done.stderr
    results = json.loads((out / "results.json").read_text())
    return {t["name"]: (t["score"], t["max_score"]) for t in results["tests"]
            if "score" in t}


def make_teacher(folder: Path, *config: str) -> Path:
    result = run_cli("homework", "--out", str(folder / "teacher"), "--quiet", *config)
    assert result.exit_code == 0, result.output
    return folder / "teacher"


@pytest.fixture(scope="module")
def teacher(tmp_path_factory) -> Path:
    return make_teacher(tmp_path_factory.mktemp("homework"))


@pytest.fixture(scope="module")
def csv_teacher(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("csv-homework")
    shutil.copytree(FIXTURE, folder, dirs_exist_ok=True)
    return make_teacher(folder, "--config", str(folder / "gdanim.toml"))


# One deliberate mistake each, and the one question it must cost: (question, a line of
# its solution, the line it becomes).
MISTAKES = (
    # momentum without its velocity (plain descent): passes the public check (beta = 0)
    ("q_momentum", "multiplier = multiplier - learning_rate * velocity",
     "multiplier = multiplier - learning_rate * gradient(multiplier)"),
    # the tanh network's weights updated one after the other, w2 from the new w1: the
    # page's long run still reaches the same minimum (the public check passes), the
    # homework's runs do not end where the grader's do
    ("q_valley", "w2 = w2 - learning_rate * g[1]",
     "w2 = w2 - learning_rate * network_gradient(w1, w2)[1]"),
)


def with_mistake(teacher: Path, target: Path, line: str, wrong: str) -> Path:
    """The solutions notebook with `line` (in exactly one cell) replaced by `wrong`."""
    notebook = nbformat.read(str(teacher / "homework-solutions.ipynb"), as_version=4)
    changed = 0
    for cell in notebook.cells:
        if cell.cell_type == "code" and line in cell.source:
            cell.source = cell.source.replace(line, wrong)
            changed += 1
    assert changed == 1
    nbformat.write(notebook, str(target))
    return target


def test_the_teacher_gets_every_file(teacher):
    names = {p.name for p in teacher.iterdir()}
    assert {"homework-solutions.ipynb", "autograder.zip", "answer-key.pdf", "README.md",
            "homework.ipynb", "manifest.json"} <= names
    readme = (teacher / "README.md").read_text()
    assert "otter run -a autograder.zip" in readme and "Gradescope" in readme
    assert "public" in readme


def test_otter_grades_solutions_blank_and_one_mistake(teacher, tmp_path):
    made = json.loads((teacher / "manifest.json").read_text())
    questions = [q["name"] for q in made["questions"]]
    assert len(questions) >= 7          # one or more per chapter with homework
    assert {"q_network", "q_valley"} <= set(questions)     # the bumpy chapter's two

    full = otter_run(teacher, teacher / "homework-solutions.ipynb", tmp_path / "full")
    assert set(full) == set(questions)
    assert all(score == top for score, top in full.values()), full

    blank = otter_run(teacher, teacher / "homework.ipynb", tmp_path / "blank")
    failed = [name for name, (score, top) in blank.items() if score < top]
    assert sum(s for s, _ in blank.values()) < sum(t for _, t in blank.values())
    assert set(failed) == set(questions)       # every question named, none answered

    for question, line, wrong in MISTAKES:
        notebook = with_mistake(teacher, tmp_path / f"{question}.ipynb", line, wrong)
        one = otter_run(teacher, notebook, tmp_path / question)
        lost = {name: top - score for name, (score, top) in one.items() if score < top}
        assert lost == {question: full[question][1]}, (question, lost)


def test_the_student_notebook_holds_no_answer(teacher):
    made = json.loads((teacher / "manifest.json").read_text())
    text = (teacher / "homework.ipynb").read_text()
    solutions = (teacher / "homework-solutions.ipynb").read_text()
    assert "BEGIN SOLUTION" not in text
    for q in made["questions"]:
        for value in q["answers"].values():
            for v in value if isinstance(value, list) else [value]:
                if isinstance(v, float) and len(repr(v)) > 6:   # not a round number
                    assert repr(v) not in text, (q["name"], v)
    assert "np.mean(errors ** 2)" in solutions and "np.mean(errors ** 2)" not in text


def page_sizes(pdf: Path) -> list[tuple[float, float]]:
    info = subprocess.run(["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True,
                          text=True, check=True).stdout
    return [tuple(map(float, m)) for m in re.findall(r"size:\s+([\d.]+) x ([\d.]+) pts", info)]


def fits_paper(pdf: Path) -> None:
    sizes = page_sizes(pdf)
    assert sizes
    for width, height in sizes:
        assert width <= min(A4[0], LETTER[0]) + 0.01 and height <= min(A4[1], LETTER[1]) + 0.01


def key_matches_manifest(teacher: Path) -> None:
    """Every number the grader expects is in the answer key as the manifest has it,
    and every `name = value` line of the question pages is one of them."""
    text = subprocess.run(["pdftotext", "-layout", str(teacher / "answer-key.pdf"), "-"],
                          capture_output=True, text=True, check=True).stdout
    made = json.loads((teacher / "manifest.json").read_text())
    expected = {name: value for q in made["questions"] for name, value in q["answers"].items()}
    assert expected
    shown = {}
    for part in text.split("What the grader expects")[1:]:
        part = re.split(r"\n\s*page \d+ of", part)[0]
        shown.update(re.findall(r"^\s*([\w\[\](),.-]+) = (.+?)\s*$", part, re.M))
    for name, value in expected.items():
        assert name in shown, name
        parsed = json.loads(shown[name].replace("True", "true").replace("False", "false"))
        assert parsed == value, (name, shown[name], value)
        assert shown[name] == number(value)
    assert set(shown) == set(expected)


def test_answer_key_fits_paper_and_equals_the_manifest(teacher):
    fits_paper(teacher / "answer-key.pdf")
    key_matches_manifest(teacher)


def test_the_site_has_the_student_files(built_site):
    index = (built_site / "index.html").read_text()
    assert 'href="homework.ipynb"' in index and 'href="worksheet.pdf"' in index
    fits_paper(built_site / "worksheet.pdf")
    words = subprocess.run(["pdftotext", str(built_site / "worksheet.pdf"), "-"],
                           capture_output=True, text=True, check=True).stdout
    assert "Your working" in words and "The formulas" in words
    assert "grader expects" not in words and "np.mean(errors" not in words
    notebook = nbformat.read(str(built_site / "homework.ipynb"), as_version=4)
    assert notebook.cells[0].cell_type == "markdown"
    assert notebook.cells[1].source.startswith("# Install") and \
        notebook.cells[2].source.startswith("# Initialize Otter")
    import zipfile

    with zipfile.ZipFile(built_site / "gdanim-site.zip") as offline:
        names = offline.namelist()
    assert "gdanim-site/homework.ipynb" in names and "gdanim-site/worksheet.pdf" in names


def test_csv_chapter_homework_grades_and_matches(csv_teacher, tmp_path):
    made = json.loads((csv_teacher / "manifest.json").read_text())
    questions = [q["name"] for q in made["questions"]]
    assert questions == ["csv_fixture_loss", "csv_fixture_gradient", "csv_fixture_descent"]
    full = otter_run(csv_teacher, csv_teacher / "homework-solutions.ipynb", tmp_path / "full")
    assert all(score == top for score, top in full.values()) and set(full) == set(questions)
    blank = otter_run(csv_teacher, csv_teacher / "homework.ipynb", tmp_path / "blank")
    assert {n for n, (s, t) in blank.items() if s < t} == set(questions)
    fits_paper(csv_teacher / "answer-key.pdf")
    key_matches_manifest(csv_teacher)


def test_bad_homework_settings_name_key_and_file(tmp_path):
    config = tmp_path / "gdanim.toml"
    config.write_text('[homework]\nlearning_rate = "fast"\nguesss = 2\n'
                      'sweep_rates = [0.00063]\n', encoding="utf-8")
    (tmp_path / "teacher").mkdir()
    (tmp_path / "teacher" / "mine.txt").write_text("keep")
    result = run_cli("homework", "--config", str(config), "--out", str(tmp_path / "t2"))
    assert result.exit_code == 2
    assert "'homework.learning_rate': must be a number" in result.output
    assert "'homework.guesss': unknown key (did you mean 'guess'?)" in result.output
    assert "'homework.sweep_rates'" in result.output and "within 2%" in result.output
    assert str(config) in result.output
    assert not (tmp_path / "t2").exists()
    refused = run_cli("homework", "--out", str(tmp_path / "teacher"))
    assert refused.exit_code == 2 and "did not write" in refused.output
    assert (tmp_path / "teacher" / "mine.txt").read_text() == "keep"


def test_a_folder_inside_the_site_is_refused(built_site):
    result = run_cli("homework", "--out", str(built_site / "teacher"))
    assert result.exit_code == 2
    assert "inside the site" in result.output
    assert not (built_site / "teacher").exists()


def test_bumpy_settings_are_checked(tmp_path):
    """A network start that is not two numbers is named; a run too short to land within
    1% of a minimum is refused (its valley would not be settled), before otter runs and
    without touching the folder."""
    config = tmp_path / "gdanim.toml"
    config.write_text("[homework]\nbumpy_start = [1.0]\n", encoding="utf-8")
    result = run_cli("homework", "--config", str(config), "--out", str(tmp_path / "t"))
    assert result.exit_code == 2
    assert "'homework.bumpy_start': must be a list of 2 numbers" in result.output
    config.write_text("[homework]\nbumpy_epochs = 20\n", encoding="utf-8")
    result = run_cli("homework", "--config", str(config), "--out", str(tmp_path / "t"))
    assert result.exit_code != 0
    assert "'homework.bumpy_epochs'" in result.output and "not settled" in result.output
    assert not (tmp_path / "t").exists()
