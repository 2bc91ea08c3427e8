"""The plan of jobs: a rebuild does only what changed, whatever the number of workers.

Tests that edit code or templates work on a copy of the project in a temporary folder,
run with its own generate.py, so the checkout is never touched."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from gdanim.engine import fingerprint

ROOT = Path(__file__).resolve().parent.parent
CHAPTERS = ("--only", "grid-search", "--only", "descent-1d")


def run(project: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "generate.py", *args], cwd=project,
                          capture_output=True, text=True, env={**os.environ, **(env or {})},
                          timeout=600)


@pytest.fixture
def project(tmp_path) -> Path:
    """A copy of the code and templates, with its own chapter cache."""
    copy = tmp_path / "project"
    copy.mkdir()
    for name in ("gdanim", "templates"):
        shutil.copytree(ROOT / name, copy / name,
                        ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "generate.py", copy)
    os.environ["GDANIM_CACHE_DIR"] = str(tmp_path / "cache")
    return copy


def jobs_run(result: subprocess.CompletedProcess) -> list[str]:
    """The progress lines of jobs that ran: '  animation x/y ...', '  pages ...'."""
    return [line.split()[0] + " " + line.split()[1] for line in result.stderr.splitlines()
            if line.startswith(("  animation", "  still", "  pages", "  computed"))]


def test_nothing_changed_means_no_job_and_no_jax(project):
    first = run(project, "build", "--quality", "draft", *CHAPTERS)
    assert first.returncode == 0, first.stderr
    probe = ("import sys, runpy; sys.argv = ['generate.py', 'build', '--quality', 'draft',"
             " '--only', 'grid-search', '--only', 'descent-1d']\n"
             "try: runpy.run_path('generate.py', run_name='__main__')\n"
             "except SystemExit as e: print('EXIT', e.code)\n"
             "print('HEAVY', [m for m in ('jax', 'matplotlib', 'optax', 'jinja2') if m in sys.modules])")
    second = subprocess.run([sys.executable, "-c", probe], cwd=project, capture_output=True,
                            text=True, timeout=120)
    assert "EXIT 0" in second.stdout and "HEAVY []" in second.stdout, second.stdout + second.stderr
    assert "up to date" in second.stderr and jobs_run(second) == []


def test_template_edit_reruns_pages_only(project):
    assert run(project, "build", "--quality", "draft", *CHAPTERS).returncode == 0
    index = project / "templates" / "index.html"
    index.write_text(index.read_text().replace("</main>", "<p>Edited intro.</p></main>")
                     if "</main>" in index.read_text() else index.read_text() + "\n{# edit #}\n")
    again = run(project, "build", "--quality", "draft", *CHAPTERS)
    assert again.returncode == 0, again.stderr
    assert jobs_run(again) == ["pages written"]


def test_changed_chapter_reruns_only_its_jobs(project):
    assert run(project, "build", "--quality", "draft", *CHAPTERS).returncode == 0
    module = project / "gdanim" / "chapters" / "grid_search" / "chapter.py"
    module.write_text(module.read_text() + "\n# an edit to this chapter only\n")
    again = run(project, "build", "--quality", "draft", *CHAPTERS)
    assert again.returncode == 0, again.stderr
    ran = jobs_run(again)
    assert "computed grid-search" in ran and "animation grid-search/sweep" in ran
    assert not any("descent-1d" in job for job in ran), ran


def test_one_or_two_workers_give_identical_files(tmp_path):
    from tests.conftest import run_cli

    manifests = []
    for workers in ("1", "2"):
        out = tmp_path / f"jobs-{workers}"
        result = run_cli("build", "--out", str(out), "--quality", "draft", "--quiet",
                         "--fresh", "--jobs", workers, *CHAPTERS)
        assert result.exit_code == 0, result.output
        manifests.append(json.loads((out / "manifest.json").read_text()))
    assert manifests[0]["files"] == manifests[1]["files"]   # sizes and SHA-256 of every file
    assert manifests[0] == manifests[1]


def test_damaged_cache_and_media_are_rebuilt(project):
    assert run(project, "build", "--quality", "draft", *CHAPTERS).returncode == 0
    cache = Path(os.environ["GDANIM_CACHE_DIR"]) / "chapters"
    page = next(cache.glob("descent-1d-*.page.pickle"))
    page.write_bytes(b"not a pickle")
    mp4 = project / "site" / "media" / "grid-search" / "sweep.mp4"
    mp4.write_bytes(mp4.read_bytes()[: mp4.stat().st_size // 2])   # truncated
    again = run(project, "build", "--quality", "draft", *CHAPTERS)
    assert again.returncode == 0, again.stderr
    assert "damaged" in again.stderr and "Traceback" not in again.stderr
    ran = jobs_run(again)
    assert "computed descent-1d" in ran and "animation grid-search/sweep" in ran
    from gdanim.figures.encode import probe

    assert probe(mp4)["frames"] > 1


def test_dry_run_writes_nothing(project):
    result = run(project, "build", "--quality", "draft", "--dry-run", *CHAPTERS)
    assert result.returncode == 0, result.stderr
    assert "chapter grid-search: compute (not computed yet)" in result.stdout
    assert sorted(p.name for p in project.iterdir()) == ["gdanim", "generate.py", "templates"]
    assert not Path(os.environ["GDANIM_CACHE_DIR"]).exists()
    assert run(project, "build", "--quality", "draft", *CHAPTERS).returncode == 0
    planned = run(project, "build", "--quality", "draft", "--dry-run", "--formats", "mp4",
                  *CHAPTERS)
    assert "animation grid-search/sweep: render (changed formats)" in planned.stdout
    assert "chapter descent-1d: up to date" in planned.stdout


def test_imports_point_one_way():
    """values and problems sit at the bottom; scenes never import scenarios; no cycle."""
    modules = [m for m in fingerprint.closure("gdanim.chapters", "gdanim.engine.pipeline",
                                              "gdanim.cli")]
    graph = {m: set(fingerprint.direct_imports(m)) for m in modules}
    for module, imports in graph.items():
        if module.startswith("gdanim.figures.scenes"):
            assert not any(i.startswith("gdanim.chapters") for i in imports), module
    assert not any(i.startswith(("gdanim.figures.scenes", "gdanim.chapters"))
                   for i in graph["gdanim.core.values"] | graph.get("gdanim.maths.problems", set()))
    # No cycles (a package's own __init__ importing its modules does not count).
    state: dict[str, int] = {}

    def visit(node, path):
        state[node] = 1
        for nxt in graph.get(node, ()):
            if nxt.startswith(node + ".") or node.startswith(nxt + "."):
                continue   # a module and the package that holds it
            assert state.get(nxt) != 1, f"import cycle: {' -> '.join(path + [nxt])}"
            if nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for module in graph:
        if module not in state:
            visit(module, [module])
