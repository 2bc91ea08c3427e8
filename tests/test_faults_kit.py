"""The slides kit taken at its word: what `slides` says about what it did, a full disk
under it, and a teacher's text with markup characters in every file that another tool
reads (the Quarto deck, the Beamer frame, the notebook, the PowerPoint notes)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.test_escape import Text
from tests.test_slides import _plain, pandoc_json

ROOT = Path(__file__).resolve().parent.parent


def test_slides_and_build_say_what_they_did(tmp_path):
    out = tmp_path / "site"
    made = run_cli("slides", "--out", str(out), "--only", "grid-search", "--formats", "mp4")
    assert made.exit_code == 0, made.output
    lines = made.output.splitlines()
    assert not [line for line in lines if "page" in line and "slides/" in line], lines
    assert any(line.startswith("made 1 animation for ") for line in lines), lines
    assert any("slides kit to" in line and "(1 animation:" in line for line in lines)
    built = run_cli("build", "--out", str(out), "--only", "grid-search", "--quality", "draft")
    assert built.exit_code == 0, built.output
    assert "did not write" not in built.output          # the kit is gdanim's own
    again = run_cli("slides", "--out", str(out), "--only", "grid-search", "--formats", "mp4")
    assert again.exit_code == 0 and "linking the kit" in again.output, again.output
    assert "did not write" not in again.output


@pytest.fixture
def small_disk(tmp_path):
    """A 12 MB tmpfs (root only)."""
    point = tmp_path / "small"
    point.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=12m", "none", str(point)],
            capture_output=True).returncode != 0:
        pytest.skip("needs root to mount a small file system")
    yield point
    subprocess.run(["umount", "-l", str(point)], capture_output=True)


def _fill(folder: Path, leave_kb: int) -> None:
    free = shutil.disk_usage(folder).free
    (folder / "filler").write_bytes(b"\0" * (free - leave_kb * 1024))


def _slides(out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "generate.py", "slides", "--out", str(out),
                           "--only", "grid-search", "--formats", "mp4", "--jobs", "1"],
                          cwd=ROOT, capture_output=True, text=True, timeout=600)


def test_slides_onto_a_full_disk_says_so_and_leaves_nothing(small_disk):
    """A first kit with a few hundred kB left: the animation fits, the kit's own files
    do not. One plain line, no traceback, nothing written."""
    _slides(small_disk / "warm")                       # the chapter and video, computed once
    shutil.rmtree(small_disk / "warm")
    _fill(small_disk, 230)
    result = _slides(small_disk / "site")
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr and "shutil.Error" not in result.stderr
    assert "the disk is full while making the slides kit" in result.stderr, result.stderr
    assert "-staging-" not in result.stderr
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler"]


def test_slides_again_onto_a_full_disk_keeps_the_kit_as_it_was(small_disk):
    first = _slides(small_disk / "site")
    assert first.returncode == 0, first.stderr
    kit = small_disk / "site" / "slides"
    before = {p: p.read_bytes() for p in kit.rglob("*") if p.is_file()}
    _fill(small_disk, 100)
    result = _slides(small_disk / "site")       # the deck is written anew: no room for it
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert "the disk is full while making the slides kit" in result.stderr
    assert "the previous kit is unchanged" in result.stderr
    assert {p: p.read_bytes() for p in kit.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in small_disk.iterdir()) == ["filler", "site"]
    assert sorted(p.name for p in (small_disk / "site").iterdir()) == ["slides"]


TITLE = "Costs $6$ {{< env HOME >}} *x*"
AUTHOR = "A & <B> @cite"
CHAPTER = "Waiting $x$ & 100% #1 {a} ~ ^ _ \\ -- [l](u)"


def test_a_teachers_text_stays_text_in_every_file_another_tool_reads(tmp_path):
    """Site and chapter titles full of markup, through the tools that read the kit and
    the notebook: Pandoc reads the Quarto deck's title, author and notes as that text
    (no maths, no shortcode); pdflatex sets the Beamer frame the site offers with the
    animation's title; the notebook's heading reads as the title with no dollar sign
    for MathJax; the PowerPoint notes are plain text, as written."""
    from markdown_it import MarkdownIt
    from pptx import Presentation

    from gdanim.starter import starter_dir

    (tmp_path / "data").mkdir()
    shutil.copy(starter_dir() / "data" / "faithful.csv", tmp_path / "data")
    config = tmp_path / "gdanim.toml"
    config.write_text(f"[site]\ntitle = '{TITLE}'\nauthor = '{AUTHOR}'\n"
                      'chapters = ["geyser"]\n\n'
                      f"[[chapter]]\nslug = \"geyser\"\ntitle = '{CHAPTER}'\n"
                      'csv = "data/faithful.csv"\nx = "waiting"\ny = "eruptions"\n'
                      "epochs = 50\n", encoding="utf-8")
    out = tmp_path / "site"
    made = run_cli("slides", "--config", str(config), "--out", str(out), "--only", "geyser",
                   "--formats", "mp4,frames", "--quiet")
    assert made.exit_code == 0, made.output
    kit = out / "slides"

    qmd = (kit / "slides.qmd").read_text(encoding="utf-8")
    assert "{{<" not in qmd
    read = pandoc_json(kit / "slides.qmd")
    assert (_plain(read["meta"]["title"]), _plain(read["meta"]["author"])) == (TITLE, AUTHOR)
    notes = [b["c"][1] for b in read["blocks"] if b["t"] == "Div" and "notes" in b["c"][0][1]]
    # The slide shows the title; its note starts with what the animation shows (issue 24:
    # no doubled title), so the chapter's title is checked where it is shown.
    assert notes and not any(_plain(n[0]).startswith(CHAPTER) for n in notes)
    assert all(b["t"] in ("Para", "BulletList") for n in notes for b in n)

    deck = Presentation(str(kit / "gdanim.pptx"))
    assert all(s.notes_slide.notes_text_frame.text.strip() for s in list(deck.slides)[1:-1])

    pdflatex, pdftotext = shutil.which("pdflatex"), shutil.which("pdftotext")
    if pdflatex and pdftotext:
        entries = json.loads((kit / "kit.json").read_text())["animations"]
        for key, entry in entries.items():
            code = next(s["code"] for s in entry["snippets"] if s["id"] == "beamer")
            (kit / "talk.tex").write_text("\\documentclass{beamer}\n\\usepackage{animate}\n"
                                          "\\begin{document}\n" + code + "\\end{document}\n",
                                          encoding="utf-8")
            result = subprocess.run([pdflatex, "-interaction=nonstopmode", "-halt-on-error",
                                     "talk.tex"], cwd=kit, capture_output=True, text=True,
                                    timeout=300)
            assert result.returncode == 0, result.stdout[-3000:]
            shown = " ".join(subprocess.run([pdftotext, "talk.pdf", "-"], cwd=kit,
                                            capture_output=True, text=True,
                                            check=True).stdout.split())
            # word by word (a long title wraps); the default font draws _ as a rule,
            # ^ and ~ as accents
            words = CHAPTER.replace("^", "\u02c6").replace("~", "\u02dc").split()
            assert all(w in shown for w in words if w != "_"), shown
    elif os.environ.get("CI", "").lower() == "true":
        pytest.fail("pdflatex and pdftotext are needed (see .ci/run)")

    built = run_cli("build", "--config", str(config), "--out", str(out), "--only", "geyser",
                    "--quality", "draft", "--quiet")
    assert built.exit_code == 0, built.output
    import nbformat

    notebook = nbformat.read(str(out / "lesson.ipynb"), as_version=4)
    heading = next(c.source for c in notebook.cells if c.cell_type == "markdown"
                   and c.source.startswith("## 1."))
    shown = Text()
    shown.feed(MarkdownIt("commonmark").render(heading.split("\n")[0] + "\n"))
    assert shown.seen.strip() == f"1. {CHAPTER}" and "$" not in shown.outside_code
