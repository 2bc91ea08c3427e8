"""A chapter from a CSV (tests/fixtures/owndata): it builds, its least squares match
NumPy's polyfit in the units the page states, its videos decode, its prose is Markdown
with computed numbers and no raw HTML, and its lesson code reproduces its numbers."""
from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from gdanim.core.config import QUALITIES
from gdanim.figures.encode import probe
from gdanim.chapters.csv.chapter import CsvSpec, compute, chapter_numbers, run
from gdanim.maths.csv_columns import read_columns
from tests.conftest import run_cli
from tests.test_validity import checker  # noqa: F401  (the Nu checker fixture)

FIXTURE = Path(__file__).parent / "fixtures" / "owndata"
DRAFT = QUALITIES["draft"]


def fixture_rows():
    with open(FIXTURE / "line.csv", encoding="utf-8") as file:
        rows = [r for r in csv.DictReader(file) if r["hours"].strip() and r["score"].strip()]
    return (np.array([float(r["hours"]) for r in rows]),
            np.array([float(r["score"]) for r in rows]))


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """The fixture folder built as a teacher would: `build` run inside it."""
    folder = tmp_path_factory.mktemp("course")
    shutil.copytree(FIXTURE, folder, dirs_exist_ok=True)
    result = run_cli("build", "--config", str(folder / "gdanim.toml"), "--out",
                     str(folder / "site"), "--quality", "draft", "--formats", "mp4,poster")
    assert result.exit_code == 0, result.output
    return folder, result.output


@pytest.fixture(scope="module")
def manifest(course):
    return json.loads((course[0] / "site" / "manifest.json").read_text())


@pytest.fixture(scope="module")
def page(course):
    return (course[0] / "site" / "fixture.html").read_text(encoding="utf-8")


def test_least_squares_slope_matches_polyfit_in_the_units_the_page_states(manifest, page):
    x, y = fixture_rows()
    slope, intercept = np.polyfit(x, y, 1)
    numbers = manifest["numbers"]
    assert numbers["fixture.lstsq_slope_original"] == pytest.approx(slope, abs=1e-4)
    assert numbers["fixture.lstsq_intercept_original"] == pytest.approx(intercept, abs=1e-4)
    assert "Slope (least squares, in your units)" in page
    assert f"{slope:.6g}" in page


def test_descent_reaches_the_least_squares_answer(manifest):
    n = manifest["numbers"]
    assert n["fixture.final_slope"] == pytest.approx(n["fixture.lstsq_slope"], abs=1e-3)
    assert n["fixture.final_loss"] >= n["fixture.lstsq_loss"] - 1e-6
    assert n["fixture.diverged_at"] is None


def test_empty_cells_are_dropped_with_a_count_in_the_output_and_on_the_page(course, page,
                                                                             manifest):
    assert "dropped 1 of 40 rows" in course[1]
    assert manifest["numbers"]["fixture.rows"] == 39
    assert "1 row has an empty cell" in page and "spreadsheet row 7" in page


def test_the_videos_decode(course, manifest):
    records = [a for a in manifest["animations"] if a["scenario"] == "fixture"]
    assert {a["name"] for a in records} == {"descent", "race"}   # two optimizers: a race
    for record in records:
        info = probe(course[0] / "site" / record["files"]["mp4"])
        assert info["codec"] == "h264" and info["frames"] == record["frames"]


def test_prose_is_markdown_with_computed_numbers_and_no_raw_html(page, manifest):
    slope = manifest["numbers"]["fixture.lstsq_slope_original"]
    assert "<strong>39</strong> students" in page
    assert f"{slope:.4f} points per hour" in page
    assert "<script>alert" not in page and "&lt;script&gt;alert" in page
    step = manifest["numbers"]["fixture.adam_within_1pct_epoch"]
    assert f"Adam gets within 1% at step {step}." in page


def test_site_title_and_author_from_the_config(page, manifest):
    assert "Fixture course, by A. Teacher." in page
    assert "<title>Hours and scores · Fixture course</title>" in page
    assert [p["slug"] for p in manifest["pages"]] == ["fixture"]


def test_alt_text_and_captions_are_computed(manifest):
    descent = next(a for a in manifest["animations"] if a["name"] == "descent")
    assert "hours studied" in descent["alt"] and "the loss falls from" in descent["alt"]


def test_the_lesson_code_on_the_page_reproduces_its_numbers(course, page, manifest,
                                                            monkeypatch):
    import html
    import re

    n = manifest["numbers"]
    listing = re.search(r'data-source="fixture.py">.*?<pre[^>]*><code>(.*?)</code></pre>',
                        page, re.S).group(1)
    code = html.unescape(re.sub(r"<[^>]+>", "", listing))
    monkeypatch.chdir(course[0])
    scope: dict = {}
    exec(compile(code, "fixture.py", "exec"), scope)
    assert np.asarray(scope["params"]) == pytest.approx(
        [n["fixture.final_intercept"], n["fixture.final_slope"]], abs=1e-4)


def columns(text: str, tmp_path):
    path = tmp_path / "d.csv"
    path.write_text(text)
    found, problems = read_columns(path, "d.csv", "x", "y", lambda k: k)
    assert not problems
    return found


def test_through_the_origin_is_a_one_parameter_fit_and_draws(tmp_path):
    rng = np.random.default_rng(1)
    x = rng.uniform(1, 10, 30)
    y = 2.5 * x + rng.normal(0, 1, 30)
    data = columns("x,y\n" + "".join(f"{a},{b}\n" for a, b in zip(x, y)), tmp_path)
    spec = CsvSpec("o", "Origin", "d.csv", "x", "y", "x", "y", intercept=False,
                   optimizers=("gd", "momentum"), epochs=60)
    chapter = run(DRAFT, spec, data)
    through_origin = float(np.sum(x * y) / np.sum(x * x))
    assert chapter.numbers["lstsq_slope_original"] == pytest.approx(through_origin, rel=1e-6)
    assert chapter.numbers["lstsq_intercept_original"] == 0.0
    for animation in chapter.animations:      # both scenes build and move
        scene = animation.make_scene(DRAFT)
        scene.update(len(animation.frames) - 1)
        assert animation.frames.rows()


def test_a_learning_rate_above_the_threshold_diverges_frozen_and_labelled(tmp_path):
    data = columns("x,y\n1,2\n2,4.5\n3,5.5\n4,8\n5,9.7\n", tmp_path)
    spec = CsvSpec("d", "Diverging", "d.csv", "x", "y", "x", "y", learning_rate=1.5,
                   epochs=50)
    results = compute(spec, data)
    numbers = chapter_numbers(results)
    assert numbers["threshold"] == pytest.approx(1.0)
    assert numbers["diverged_at"] is not None
    chapter = run(DRAFT, spec, data)
    assert chapter.animations[0].frames.rows()           # finite: frozen, not inf
    assert "leaves the plot at epoch" in chapter.animations[0].alt


def test_a_big_csv_is_sampled_on_the_scatter_and_says_so(tmp_path):
    rng = np.random.default_rng(2)
    x = rng.normal(50, 10, 100_000)
    y = 0.3 * x + rng.normal(0, 3, 100_000)
    path = tmp_path / "big.csv"
    np.savetxt(path, np.column_stack([x, y]), delimiter=",", header="x,y", comments="",
               fmt="%.5f")
    data, problems = read_columns(path, "big.csv", "x", "y", lambda k: k)
    assert not problems and data.rows == 100_000
    spec = CsvSpec("big", "Big", "big.csv", "x", "y", "x", "y", epochs=50)
    chapter = run(DRAFT, spec, data)
    assert chapter.numbers["sampled_points"] == 2000
    still = next(s for s in chapter.stills if s.name == "data")
    assert "A random sample of 2,000 of the 100,000 rows is drawn." in still.alt
    assert chapter.numbers["lstsq_slope_original"] == pytest.approx(np.polyfit(x, y, 1)[0],
                                                                    abs=1e-4)


def test_semicolon_files_with_decimal_commas_read_as_numbers(tmp_path):
    data = columns("x;y\n1,5;2\n2;4,25\n3;5,5\n", tmp_path)
    assert list(data.x) == [1.5, 2.0, 3.0] and list(data.y) == [2.0, 4.25, 5.5]
    assert list(data.lines) == [2, 3, 4]


def test_the_lesson_code_reads_a_semicolon_file_too(tmp_path, monkeypatch):
    from gdanim.chapters.csv.prose import lesson_code

    (tmp_path / "d.csv").write_text("x;y\n1,5;2\n2;4,25\n3;5,5\n4;8\n")
    data, _ = read_columns(tmp_path / "d.csv", "d.csv", "x", "y", lambda k: k)
    spec = CsvSpec("s", "S", "d.csv", "x", "y", "x", "y", epochs=30)
    results = compute(spec, data)
    monkeypatch.chdir(tmp_path)
    scope: dict = {}
    exec(lesson_code(spec, results.rate, results.start, data.delimiter), scope)
    assert np.asarray(scope["params"]) == pytest.approx(results.params[-1], abs=1e-4)


def test_the_csv_page_is_valid_html(course, checker):
    import subprocess

    result = subprocess.run([checker, "--root", str(course[0] / "site"), "--format", "json"],
                            capture_output=True, text=True, timeout=600)
    report = json.loads(result.stdout or result.stderr or '{"messages": []}')
    errors = [f"{m.get('url', '').rsplit('/', 1)[-1]}:{m.get('lastLine')}: {m['message']}"
              for m in report["messages"]
              if m.get("type") == "error" and not m["message"].startswith("CSS:")]
    assert not errors, "\n".join(errors)


def test_the_notebook_has_the_csv_chapter_as_its_page_shows_it(course, page):
    import html
    import re

    import nbformat

    notebook = nbformat.read(str(course[0] / "site" / "lesson.ipynb"), as_version=4)
    nbformat.validate(notebook)
    listing = re.search(r'data-source="fixture.py">.*?<pre[^>]*><code>(.*?)</code></pre>',
                        page, re.S).group(1)
    shown = html.unescape(re.sub(r"<[^>]+>", "", listing))
    cells = [c["source"] for c in notebook["cells"] if c["cell_type"] == "code"]
    assert shown.strip() in [c.strip() for c in cells]
    assert any("folder of gdanim.toml" in c["source"] for c in notebook["cells"]
               if c["cell_type"] == "markdown")


def test_a_title_with_html_shows_as_text_in_the_notebook():
    """The heading of a chapter's cell shows the teacher's title as written, the way the
    pages do: rendered as Markdown (CommonMark, as Jupyter does), no HTML gets through."""
    import html

    from markdown_it import MarkdownIt

    from gdanim.outputs.notebook import build

    title = 'Bad <script>alert(1)</script> *bold* [link](javascript:x) & `tick` # \\ done'
    notebook = build([{"slug": "own", "title": title, "href": "own.html",
                       "context": {"lesson_code": "print(1)"}}])
    heading = next(c["source"] for c in notebook["cells"]
                   if c["cell_type"] == "markdown" and c["source"].startswith("## 1."))
    rendered = MarkdownIt("commonmark").render(heading.split("\n", 1)[0])
    assert rendered.startswith("<h2>") and "<script" not in rendered
    assert "<em>" not in rendered and "<a " not in rendered and "<code>" not in rendered
    text = html.unescape(rendered.removeprefix("<h2>").split("</h2>")[0])
    assert text == f"1. {title}"


@pytest.mark.filterwarnings("ignore::RuntimeWarning")     # the overflow is the point
@pytest.mark.parametrize("scale", [1e300, 1e-300, 1e200])
def test_the_chapter_never_crashes_with_a_traceback_even_past_the_checks(tmp_path, scale):
    """settings refuses such values before the build (tests/test_faults_data.py); were
    one to slip through, the chapter stops with a plain message, not a traceback or a
    page of inf and nan."""
    from gdanim.core.errors import GdanimError

    x = np.array([1, 2, 3, 4, 5.5]) * scale
    y = 3 * x + scale * np.array([0.1, -0.2, 0.3, 0, 0.1])
    data = columns("x,y\n" + "".join(f"{a!r},{b!r}\n" for a, b in zip(x.tolist(), y.tolist())),
                   tmp_path)
    spec = CsvSpec("big", "Big", "d.csv", "x", "y", "x", "y", epochs=20)
    with pytest.raises(GdanimError, match="big: the fit on d.csv could not be computed"):
        run(DRAFT, spec, data)
