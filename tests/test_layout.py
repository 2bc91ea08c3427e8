"""The package's folders are the pipeline's stages, and imports point down them:
core < maths < figures < chapters < outputs < engine < the commands at the top. And the
README's recipe for a new chapter works, touching only the places it names."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from gdanim.engine import fingerprint

ROOT = Path(__file__).resolve().parent.parent
FIXTURE = Path(__file__).parent / "fixtures" / "toy_chapter"
# Lowest first. A module may import its own folder and any folder below it.
LAYERS = ("core", "maths", "figures", "chapters", "outputs", "engine")
COMMANDS = len(LAYERS)          # gdanim/*.py: cli, serve, settings, starter, slides, options


def layer(module: str) -> int | None:
    """The rank of a gdanim module ("gdanim.figures.media" -> 2); None for `gdanim`."""
    parts = module.split(".")
    if len(parts) == 1:
        return None
    return LAYERS.index(parts[1]) if parts[1] in LAYERS else COMMANDS


def every_module() -> list[str]:
    names = []
    for path in sorted(fingerprint.PACKAGE.rglob("*.py")):
        rel = path.relative_to(fingerprint.PACKAGE).with_suffix("")
        if rel.name.startswith("lesson"):     # scripts shown to readers, never imported
            continue
        names.append(".".join(["gdanim", *(p for p in rel.parts if p != "__init__")]))
    return names


def upward_imports(graph: dict[str, set[str]]) -> list[str]:
    """Every import from a lower folder into a higher one, as 'a -> b' lines."""
    bad = []
    for module, imports in sorted(graph.items()):
        for target in sorted(imports):
            low, high = layer(module), layer(target)
            if low is not None and high is not None and high > low:
                bad.append(f"{module} -> {target}")
    return bad


def test_every_module_sits_in_a_known_folder():
    folders = {p.name for p in fingerprint.PACKAGE.iterdir()
               if p.is_dir() and any(p.glob("*.py"))}
    assert folders == set(LAYERS), "a new folder needs its place in LAYERS (and the README)"


def test_no_lower_folder_imports_a_higher_one():
    graph = {m: set(fingerprint.direct_imports(m)) for m in every_module()}
    assert len(graph) > 40
    assert upward_imports(graph) == []


def test_the_layer_check_catches_an_upward_import():
    graph = {"gdanim.maths.train": {"gdanim.figures.media", "gdanim.core.values"},
             "gdanim.engine.plan": {"gdanim.outputs.kit_index"},
             "gdanim.cli": {"gdanim.engine.pipeline"}}
    assert upward_imports(graph) == ["gdanim.maths.train -> gdanim.figures.media"]


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "generate.py", *args], cwd=project,
                          capture_output=True, text=True, timeout=600,
                          env={**os.environ, "GDANIM_CACHE_DIR": str(project.parent / "cache")})


def test_the_readme_recipe_adds_a_chapter(tmp_path):
    """Follow README.md's "Add a chapter" with a toy chapter: a copy of a chapter folder,
    renamed and edited (tests/fixtures/toy_chapter/halving/: its code, figure, lesson
    and page), and its name in the one list of chapters; nothing else."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    recipe = readme.split("### Add a chapter", 1)[1].split("\n#", 1)[0]
    for place in ("gdanim/chapters/<name>/", "chapter.py", "scenes.py", "lesson.py",
                  "page.html", "READING_ORDER", "gdanim/chapters/__init__.py"):
        assert place in recipe, place
    project = tmp_path / "project"
    project.mkdir()
    for name in ("gdanim", "templates"):
        shutil.copytree(ROOT / name, project / name, ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "generate.py", project)
    before = {p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()}

    shutil.copytree(FIXTURE / "halving", project / "gdanim/chapters/halving",
                    ignore=shutil.ignore_patterns("__pycache__"))
    registry = project / "gdanim/chapters/__init__.py"
    text, count = re.subn(r'(READING_ORDER = \([^)]*)\)', r'\1, "halving")',
                          registry.read_text(encoding="utf-8"))
    assert count == 1, "the list of chapters the recipe names has moved"
    registry.write_text(text, encoding="utf-8")

    after = {p.relative_to(project).as_posix() for p in project.rglob("*") if p.is_file()}
    assert after - before == {f"gdanim/chapters/halving/{name}" for name in
                              ("__init__.py", "chapter.py", "scenes.py", "lesson.py", "page.html")}

    listed = run(project, "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout.splitlines()[-1].split()[0] == "halving"
    built = run(project, "build", "--quality", "draft", "--only", "halving", "--out", "site")
    assert built.returncode == 0, built.stderr
    page = (project / "site" / "halving.html").read_text(encoding="utf-8")
    assert "After 5 halvings the guess is 0.125." in page
    assert "guess after 5 halvings" in page          # the lesson listing
    assert 'src="media/halving/halves.webp"' in page     # the still's web copy, shown
    assert 'href="media/halving/halves.png" download' in page   # its PNG, the download
    manifest = json.loads((project / "site" / "manifest.json").read_text(encoding="utf-8"))
    assert [p["slug"] for p in manifest["pages"]] == ["halving"]
    assert "media/halving/halves.png" in manifest["files"]
    notebook = json.loads((project / "site" / "lesson.ipynb").read_text(encoding="utf-8"))
    assert any("guess after 5 halvings" in "".join(c["source"]) for c in notebook["cells"])


def test_no_module_is_too_long_to_read():
    """Every module of the package stays under 450 lines."""
    long = {path.relative_to(ROOT).as_posix(): n for path in fingerprint.PACKAGE.rglob("*.py")
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > 450}
    assert long == {}


def test_every_folder_is_packaged_and_none_is_ignored():
    """pyproject.toml names every package folder (a new one would be left out of the
    wheel), and no folder has a name that Python's usual .gitignore (GitHub's
    template) or this repository's ignores, as `build/` would be."""
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    listed = set(project["tool"]["setuptools"]["packages"])
    folders = {".".join(("gdanim",) + p.parent.relative_to(fingerprint.PACKAGE).parts)
               for p in fingerprint.PACKAGE.rglob("__init__.py")}
    assert folders - listed == set()
    ignored_anywhere = {"build", "dist", "eggs", ".eggs", "lib", "lib64", "parts", "sdist",
                        "var", "wheels", "env", "venv", "ENV", "htmlcov", "develop-eggs",
                        "downloads", "site", "instance", "target"}
    names = {p.name for p in fingerprint.PACKAGE.rglob("*") if p.is_dir()}
    assert names & ignored_anywhere == set()
    modules = [str(p.relative_to(ROOT)) for p in fingerprint.PACKAGE.rglob("*.py")]
    if (ROOT / ".git").exists():
        checked = subprocess.run(["git", "check-ignore", "--no-index", *modules], cwd=ROOT,
                                 capture_output=True, text=True)
        assert checked.stdout == "", checked.stdout
