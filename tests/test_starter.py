"""`init FOLDER` writes a starter that builds at once with `python -m gdanim build`."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import run_cli

ROOT = Path(__file__).resolve().parent.parent


def test_init_then_build_works_in_a_fresh_folder(tmp_path):
    result = run_cli("init", str(tmp_path / "course"))
    assert result.exit_code == 0, result.output
    course = tmp_path / "course"
    assert {"gdanim.toml", "geyser.md", "data/faithful.csv", "data/SOURCE.md"} <= {
        p.relative_to(course).as_posix() for p in course.rglob("*") if p.is_file()}
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    built = subprocess.run([sys.executable, "-m", "gdanim", "build", "--quality", "draft",
                            "--only", "geyser", "--formats", "poster", "--quiet"],
                           cwd=course, env=env, capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr
    page = (course / "site" / "geyser.html").read_text(encoding="utf-8")
    assert "Old Faithful" in page and "272 eruptions" in page
    assert "public domain" in page                # the data's licence, on the page
    assert "Where the data come from" in page


def test_init_never_overwrites(tmp_path):
    (tmp_path / "gdanim.toml").write_text("mine")
    result = run_cli("init", str(tmp_path))
    assert result.exit_code != 0
    assert "already exist" in result.output
    assert (tmp_path / "gdanim.toml").read_text() == "mine"
    assert not (tmp_path / "geyser.md").exists()
