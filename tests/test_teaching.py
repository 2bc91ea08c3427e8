"""What a lecturer takes away, opened by the tools that consume it: the handout (poppler),
the offline copy (unzipped, opened from file:// in Chromium), the notebook (run by
nbclient on a Jupyter kernel), CITATION.cff (cffconvert), the About page's provenance
and citations, the index's "Teach with this", and a slides kit that holds only what
slides need."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.test_browser import Visit

ROOT = Path(__file__).resolve().parent.parent


def need(*tools: str) -> list[str]:
    found = [shutil.which(t) for t in tools]
    if not all(found):
        missing = [t for t, f in zip(tools, found) if not f]
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"{', '.join(missing)} needed (see .ci/run)")
        pytest.skip(f"{', '.join(missing)} not installed")
    return found


# --- the handout --------------------------------------------------------------------

def test_handout_has_two_pages_per_animation_and_fits_a4_and_letter(built_site, manifest):
    pdfinfo, pdftotext = need("pdfinfo", "pdftotext")
    path = built_site / "handout.pdf"
    info = subprocess.run([pdfinfo, str(path)], capture_output=True, text=True,
                          check=True).stdout
    assert int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)) == \
        2 * len(manifest["animations"])
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    a4, letter = (595.28, 841.89), (612.0, 792.0)
    assert width <= min(a4[0], letter[0]) + 0.5 and height <= min(a4[1], letter[1]) + 0.5
    words = subprocess.run([pdftotext, "-layout", str(path), "-"], capture_output=True,
                           text=True, check=True).stdout.split("\f")
    for page, frames, a in zip(words[0::2], words[1::2], manifest["animations"]):
        page, frames = " ".join(page.split()), " ".join(frames.split())
        assert a["title"] in page
        assert "What it shows" in page and "The numbers" in page
        assert a["alt"].split()[0] in page
        # the second page: two key frames, each with the numbers at it
        assert f"{a['title']}: two moments" in frames
        assert frames.count(f"of {a['frames']}: ") == 2
    # recorded like any output, and linked from the index and every page's footer
    assert manifest["build"]["jobs"]["handout"]["outputs"] == ["handout.pdf"]
    assert manifest["files"]["handout.pdf"]["size"] == path.stat().st_size
    assert 'href="handout.pdf"' in (built_site / "index.html").read_text()


def test_handout_pages_render_with_pictures(built_site, tmp_path):
    (pdftoppm,) = need("pdftoppm")
    import numpy as np
    from PIL import Image, ImageStat

    subprocess.run([pdftoppm, "-r", "40", "-png", "-f", "1", "-l", "1",
                    str(built_site / "handout.pdf"), str(tmp_path / "page")], check=True)
    (png,) = tmp_path.glob("page*.png")
    with Image.open(png) as image:
        grey = image.convert("L")
        # Mostly white paper, with pictures: many mid tones, some dark text.
        assert ImageStat.Stat(grey).mean[0] > 180
        histogram = grey.histogram()
        assert sum(histogram[:100]) > 500 and sum(histogram[100:230]) > 2000
    # The second page's key frames span the text width (they were 56 mm, a third of it).
    subprocess.run([pdftoppm, "-r", "40", "-png", "-f", "2", "-l", "2",
                    str(built_site / "handout.pdf"), str(tmp_path / "frames")], check=True)
    (png,) = tmp_path.glob("frames*.png")
    with Image.open(png) as image:
        grey = np.asarray(image.convert("L"))
    band = grey[int(0.15 * len(grey)):int(0.4 * len(grey))]     # inside the first frame
    inked = np.flatnonzero((band < 240).any(axis=0))
    assert inked.size and inked[-1] - inked[0] > 0.75 * grey.shape[1]


# --- the offline copy ---------------------------------------------------------------

def test_offline_zip_holds_the_whole_site_but_itself_and_the_manifest(built_site, manifest):
    from gdanim.outputs import offline

    path = built_site / offline.NAME
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        names = archive.namelist()
        assert names == sorted(names)
        inside = {n.removeprefix("gdanim-site/") for n in names}
        assert all(n.startswith("gdanim-site/") for n in names)
        for name in ("handout.pdf", "lesson.ipynb", "static/style.css"):
            assert archive.read(f"gdanim-site/{name}") == (built_site / name).read_bytes()
        # the copy's index is rendered for it: it is the offline copy, not a link to it
        index = archive.read("gdanim-site/index.html").decode("utf-8")
        assert 'href="gdanim-site.zip"' not in index and "you are reading it" in index
    assert inside == set(manifest["files"]) - {offline.NAME}
    assert offline.NAME not in inside and "manifest.json" not in inside
    assert manifest["files"][offline.NAME]["size"] == path.stat().st_size
    assert manifest["build"]["jobs"]["offline"]["outputs"] == [offline.NAME]
    assert 'href="gdanim-site.zip" download' in (built_site / "index.html").read_text()


def test_offline_zip_is_byte_identical_when_made_again(built_site, tmp_path):
    from gdanim.outputs import offline

    copy = tmp_path / "site"
    shutil.copytree(built_site, copy)
    (copy / offline.NAME).unlink()          # the next build writes it again, and only it
    result = run_cli("build", "--out", str(copy), "--quality", "draft")
    assert result.exit_code == 0, result.output
    assert "offline   written (missing file" in result.output
    assert (copy / offline.NAME).read_bytes() == (built_site / offline.NAME).read_bytes()
    assert not [p for p in copy.iterdir() if p.name.startswith(".")]   # no temporary left


def test_the_unzipped_copy_works_from_file_urls(built_site, manifest, open_context, tmp_path):
    """Unzipped as on a USB stick: the index and a chapter open from file:// without a
    console error, and the chapter's player plays and steps."""
    with zipfile.ZipFile(built_site / "gdanim-site.zip") as archive:
        archive.extractall(tmp_path)
    site = tmp_path / "gdanim-site"
    context = open_context(reduced_motion="reduce")
    index = Visit(context, (site / "index.html").resolve().as_uri())
    assert index.page.locator("h2#teach").is_visible()
    assert not index.problems, index.problems
    a = next(a for a in manifest["animations"] if a["scenario"] == "descent-1d")
    visit = Visit(context, (site / "descent-1d.html").resolve().as_uri())
    page = visit.page
    player = page.locator(f"#{a['scenario']}-{a['name']} .player")
    player.scroll_into_view_if_needed()
    video = player.locator("video")
    page.wait_for_function("v => v.readyState >= 2", arg=video.element_handle())
    player.get_by_role("button", name="Next frame").click()
    stepped = video.evaluate("v => v.currentTime")
    player.get_by_role("button", name="Next frame").click()
    assert video.evaluate("v => v.currentTime") > stepped
    video.evaluate("v => v.play()")
    page.wait_for_function("v => !v.paused && v.currentTime > 0.2",
                           arg=video.element_handle())
    assert not visit.problems, visit.problems


def test_offline_zip_carries_the_slide_kit_but_its_beamer_frames(site_with_kit, kit_manifest,
                                                                  tmp_path):
    with zipfile.ZipFile(site_with_kit / "gdanim-site.zip") as archive:
        archive.extractall(tmp_path)
    copy = tmp_path / "gdanim-site"
    for name in ("slides/index.html", "slides/gdanim.pptx", "slides/slides.qmd"):
        assert (copy / name).read_bytes() == (site_with_kit / name).read_bytes()
    assert not list(copy.glob("slides/beamer*.zip"))
    assert not list(copy.glob("slides/media/*/*-frames"))
    for a in kit_manifest["animations"]:
        html = (copy / f"{a['scenario']}.html").read_text()
        box = html[html.index('class="use-in-slides"'):]
        box = box[:box.index("</details>")]
        assert "Beamer frames are on the site, not in this offline copy" in box
        for link in re.findall(r'href="([^"#]+)', box):
            assert (copy / link).is_file(), link


def linkchecker_or_skip() -> str:
    import sys

    beside = Path(sys.executable).parent / "linkchecker"     # the venv's, if not on PATH
    found = str(beside) if beside.exists() else shutil.which("linkchecker")
    if not found:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("LinkChecker is needed (pip install -e '.[test]')")
        pytest.skip("LinkChecker not installed")
    return found


def test_every_link_in_the_unzipped_offline_copy_resolves(site_with_kit):
    """LinkChecker, from file://, on every page of the unzipped copy (the site's and
    the kit's): 0 broken links. (Run as root, LinkChecker runs as nobody: the copy sits
    in a folder anyone may read.)"""
    import csv
    import tempfile

    checker = linkchecker_or_skip()
    folder = Path(tempfile.mkdtemp(prefix="gdanim-offline-"))
    try:
        folder.chmod(0o755)
        with zipfile.ZipFile(site_with_kit / "gdanim-site.zip") as archive:
            archive.extractall(folder)
        pages = sorted((folder / "gdanim-site").rglob("*.html"))
        assert len(pages) > 5 and folder / "gdanim-site" / "slides" / "index.html" in pages
        result = subprocess.run([checker, "--no-status", "--no-warnings", "--verbose",
                                 "--output=csv", *(p.as_uri() for p in pages)],
                                capture_output=True, text=True, timeout=600)
        lines = [line for line in result.stdout.splitlines() if not line.startswith("#")]
        checked = list(csv.DictReader(lines, delimiter=";"))
        assert len(checked) > 30
        broken = [f"{r['parentname']}: {r['urlname']} ({r['result']})" for r in checked
                  if r.get("valid") != "True"]
        assert result.returncode == 0 and not broken, "\n".join(broken) or result.stderr
        # the pages it read link the decks and the kit's media, not only each other
        assert any(r["urlname"].endswith(".pptx") for r in checked)
        assert any(r["urlname"].endswith(".mp4") for r in checked)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


# --- the notebook -------------------------------------------------------------------

def test_the_notebook_starts_by_installing_what_it_needs(built_site):
    import nbformat

    notebook = nbformat.read(str(built_site / "lesson.ipynb"), as_version=4)
    first = next(c for c in notebook.cells if c.cell_type == "code")
    assert first.source.startswith("%pip install")
    imported = set()
    for cell in notebook.cells:
        if cell.cell_type == "code":
            imported |= set(re.findall(r"^(?:import|from) (\w+)", cell.source, re.M))
    assert imported - {"math", "random"} <= set(first.source.split()[3:])


def test_saved_outputs_are_what_jupyter_prints(tmp_path, monkeypatch):
    """The build saves what each cell prints; a Jupyter kernel (nbclient + ipykernel)
    running the same notebook prints the same."""
    import nbformat
    from nbclient import NotebookClient

    from gdanim.outputs import notebook

    pages = [{"slug": s, "title": s, "href": f"{s}.html", "context": {}}
             for s in ("guess-and-check", "grid-search")]
    saved = notebook.build(pages, repository="https://github.com/teacher/course",
                           outputs=True)
    code = [c for c in saved.cells if c.cell_type == "code"][1:]
    assert all(c.outputs and c.outputs[0].name == "stdout" for c in code)
    assert "1728.2125" in code[0].outputs[0].text
    assert "colab.research.google.com/github/teacher/course/blob/main/lesson.ipynb" in \
        saved.cells[0].source

    monkeypatch.setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    monkeypatch.setenv("PIP_NO_INDEX", "1")        # everything is installed already
    ran = nbformat.reads(nbformat.writes(saved), as_version=4)
    for cell in ran.cells:
        if cell.cell_type == "code":
            cell.outputs = []
    NotebookClient(ran, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    ran_code = [c for c in ran.cells if c.cell_type == "code"]
    assert not [o for o in ran_code[0].outputs if o.output_type == "error"]
    for mine, jupyters in zip(code, ran_code[1:]):
        printed = "".join(o.text for o in jupyters.outputs if o.output_type == "stream"
                          and o.name == "stdout")
        assert printed == mine.outputs[0].text


def test_the_vmap_cell_keeps_its_figure_as_jupyter_shows_it(tmp_path, monkeypatch):
    """The explorer's sweep (jax.vmap) draws a plot: the saved notebook holds it under
    the cell, a real picture (a PNG of a plotted line, not a blank), and a Jupyter
    kernel running the cell shows a picture there too."""
    import base64
    import io

    import nbformat
    import numpy as np
    from nbclient import NotebookClient
    from PIL import Image

    from gdanim.outputs import notebook

    pages = [{"slug": "learning-rates", "title": "Rates", "href": "learning-rates.html",
              "context": {}}]
    saved = notebook.build(pages, outputs=True)
    sweep = next(c for c in saved.cells if c.cell_type == "code" and "jax.vmap" in c.source)
    pictures = [o for o in sweep.outputs if o.output_type == "display_data"]
    assert len(pictures) == 1
    assert pictures[0].data["text/plain"].startswith("<Figure size")
    with Image.open(io.BytesIO(base64.b64decode(pictures[0].data["image/png"]))) as image:
        assert image.format == "PNG" and image.width > 400 and image.height > 250
        grey = np.asarray(image.convert("L"), dtype=float)
    assert (grey < 128).mean() > 0.01 and (grey > 250).mean() > 0.5   # ink on paper

    monkeypatch.setenv("PIP_DISABLE_PIP_VERSION_CHECK", "1")
    monkeypatch.setenv("PIP_NO_INDEX", "1")
    # The kernel draws as Jupyter does (inline), whatever backend the test run chose.
    monkeypatch.delenv("MPLBACKEND", raising=False)
    ran = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(sweep.source)],
                                   metadata=saved.metadata)
    NotebookClient(ran, timeout=600, kernel_name="python3",
                   resources={"metadata": {"path": str(tmp_path)}}).execute()
    assert [o.output_type for o in ran.cells[0].outputs if "image/png" in o.get("data", {})] \
        == ["display_data"]


def test_every_chapter_of_the_notebook_says_what_its_code_does():
    """Each chapter's note opens with what its code does, before pointing at the page."""
    import nbformat

    from gdanim.chapters import SCENARIOS
    from gdanim.outputs import notebook

    pages = [{"slug": slug, "title": s.title, "href": f"{slug}.html", "context": {}}
             for slug, s in SCENARIOS.items()]
    built = notebook.build(pages)
    nbformat.validate(built)
    notes = [c.source for c in built.cells
             if c.cell_type == "markdown" and c.source.startswith("## ")]
    assert len(notes) == len([p for p in pages if notebook.has_lesson(p["slug"])]) >= 8
    for note in notes:
        body = note.split("\n\n", 1)[1]
        assert not body.startswith("The page explains it"), note
        assert len(body.split(". ")[0]) > 20, note


# --- citation and provenance --------------------------------------------------------

def cffconvert() -> str:
    for found in (os.environ.get("CFFCONVERT"), str(ROOT / ".venv-cff" / "bin" / "cffconvert"),
                  shutil.which("cffconvert")):
        if found and os.access(found, os.X_OK):
            return found
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("cffconvert is needed (.ci/run installs it in .venv-cff)")
    pytest.skip("cffconvert not installed (a venv of its own: pip install cffconvert)")


def test_citation_cff_validates_and_matches_the_package(tmp_path):
    import tomllib

    tool = cffconvert()
    result = subprocess.run([tool, "--validate", "-i", str(ROOT / "CITATION.cff")],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    text = (ROOT / "CITATION.cff").read_text()
    version = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert re.search(rf"^version: {re.escape(version)}$", text, re.M)
    assert "Fruehwald" in text and "10.5281/zenodo.3960218" in text
    broken = tmp_path / "CITATION.cff"                # and it can fail
    broken.write_text(text.replace("cff-version: 1.2.0", "cff-version: 1.2.0\nauthors: 3"))
    assert subprocess.run([tool, "--validate", "-i", str(broken)],
                          capture_output=True).returncode != 0


def test_about_page_gives_address_source_version_commit_date_and_citations(tmp_path):
    from gdanim.outputs import provenance

    (tmp_path / "gdanim.toml").write_text(
        '[site]\ntitle = "Descent for linguists"\nauthor = "A. Teacher"\n'
        'site_url = "https://teacher.github.io/course/"\n'
        'repository = "https://github.com/teacher/course/"\n'
        'chapters = ["guess-and-check"]\n')
    out = tmp_path / "site"
    result = run_cli("build", "--config", str(tmp_path / "gdanim.toml"), "--out", str(out),
                     "--quality", "draft", "--quiet")
    assert result.exit_code == 0, result.output
    made = provenance.read()
    about = (out / "about.html").read_text()
    assert 'href="https://teacher.github.io/course/"' in about
    assert 'href="https://github.com/teacher/course"' in about
    assert f"gdanim {made.version}" in about
    if made.commit:
        assert f"https://github.com/teacher/course/commit/{made.commit}" in about
    assert f'<time datetime="{made.date}">' in about
    bibtex = re.search(r'<pre class="citation"[^>]*><code>(.*?)</code></pre>', about, re.S).group(1)
    assert bibtex.startswith("@misc{") and "title = {Descent for linguists}" in bibtex
    assert "author = {A. Teacher}" in bibtex and "url = {https://teacher.github.io/course/}" in bibtex
    assert f"A. Teacher. ({made.date[:4]}). Descent for linguists (Version {made.version})" in about
    assert f'href="{provenance.LESSON["url"]}"' in about
    index = (out / "index.html").read_text()
    assert "open it in Colab" in index and 'href="https://github.com/teacher/course"' in index
    for page in ("index.html", "about.html", "guess-and-check.html"):
        assert f"Version {made.version}" in (out / page).read_text()


def test_the_build_date_is_steady(tmp_path, monkeypatch):
    from gdanim.outputs import provenance

    provenance.read.cache_clear()
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1668384000")     # 2022-11-14
    try:
        assert provenance.read(str(tmp_path)).date == "2022-11-14"
        monkeypatch.delenv("SOURCE_DATE_EPOCH")
        provenance.read.cache_clear()
        outside = provenance.read(str(tmp_path))              # no git checkout here
        assert outside.commit == "" and outside.date_source == "build"
        provenance.read.cache_clear()
        inside = provenance.read(str(ROOT))
        if inside.commit:                                     # a checkout: the commit's date
            assert inside.date_source == "commit"
            assert provenance.read(str(ROOT)).date == inside.date
    finally:
        provenance.read.cache_clear()


def test_a_bad_repository_address_is_a_usage_error(tmp_path):
    (tmp_path / "gdanim.toml").write_text('[site]\nrepository = "git@github.com:me/x"\n')
    result = run_cli("build", "--config", str(tmp_path / "gdanim.toml"), "--out",
                     str(tmp_path / "site"))
    assert result.exit_code == 2
    assert "'site.repository'" in result.output and not (tmp_path / "site").exists()


# --- the slides kit: only what slides need ------------------------------------------

def test_the_kit_holds_only_what_slides_need(kit, kit_manifest):
    files = {p.relative_to(kit).as_posix() for p in kit.rglob("*") if p.is_file()}
    # The presenter view and its speaker notes window; no page of the site.
    assert not [f for f in files if f.endswith(".html") and f not in ("index.html", "notes.html")]
    assert "lesson.ipynb" not in files and not [f for f in files if "cover" in f]
    assert kit_manifest["stills"] == []
    # The posters' web copies are for the site's pages: the kit has the PNGs only.
    assert not [f for f in files if f.endswith(".webp")]
    assert all("poster_web" not in a["files"] for a in kit_manifest["animations"])
    zips = json.loads((kit / "kit.json").read_text())["beamer_zips"]
    wanted = {"index.html", "notes.html", "gdanim.pptx", "slides.qmd", "kit.json",
              "manifest.json", *(z["path"] for parts in zips.values() for z in parts)}
    assert wanted <= files
    media = set()
    for a in kit_manifest["animations"]:
        media |= {p for p in a["files"].values() if (kit / p).is_file()}
        folder = a["files"]["beamer_frames"].rstrip("/") + "/"
        media |= {f for f in files if f.startswith(folder)}
    others = files - wanted - media
    assert {f.split("/")[0] for f in others} <= {"static"}, others
    # every kit file is recorded with its hash, so the next run can reuse it
    assert set(kit_manifest["files"]) == files - {"manifest.json"}


def test_each_chapter_zips_its_frame_folders_as_in_the_kit(kit, kit_manifest,
                                                           site_with_kit):
    from gdanim.outputs.kit.beamer import ZIP_BUDGET

    zips = json.loads((kit / "kit.json").read_text())["beamer_zips"]
    assert set(zips) == {a["scenario"] for a in kit_manifest["animations"]}
    for slug, parts in zips.items():
        names = set()
        for part in parts:
            assert (kit / part["path"]).stat().st_size <= ZIP_BUDGET < 100 * 10 ** 6
            with zipfile.ZipFile(kit / part["path"]) as archive:
                assert archive.testzip() is None
                names |= set(archive.namelist())
        frames = {p.relative_to(kit).as_posix() for a in kit_manifest["animations"]
                  if a["scenario"] == slug
                  for p in (kit / a["files"]["beamer_frames"]).iterdir()}
        assert names == frames
        html = (site_with_kit / f"{slug}.html").read_text()
        for part in parts:
            assert f'href="slides/{part["path"]}" download' in html
    assert not (kit / "beamer.zip").exists()


def test_frames_past_the_budget_come_in_parts_that_make_the_folders_whole(
        kit, kit_manifest, tmp_path):
    """A small budget in place of 90 MB: every part within it, and all parts unzipped
    in one folder give back every frame, byte for byte; an old beamer.zip goes."""
    from gdanim.outputs.kit import beamer
    from gdanim.outputs.kit.slide import Slide

    copy = tmp_path / "kit"
    slides = [Slide(a, a["scenario"]) for a in kit_manifest["animations"]]
    for s in slides:
        shutil.copytree(kit / s.file("beamer_frames"), copy / s.file("beamer_frames"))
    (copy / "beamer.zip").write_bytes(b"from an older gdanim")
    budget = 3 * 1024 * 1024
    written = beamer.write_beamer_zips(copy, slides, budget=budget)
    assert sorted(p.name for p in copy.glob("beamer*.zip")) == sorted(
        name for names in written.values() for name in names)
    unzipped = tmp_path / "unzipped"
    for slug, names in written.items():
        assert len(names) > 1 and names[0] == f"beamer-{slug}-1.zip"
        for name in names:
            assert (copy / name).stat().st_size <= budget
            with zipfile.ZipFile(copy / name) as archive:
                archive.extractall(unzipped)
    for s in slides:
        for frame in (kit / s.file("beamer_frames")).iterdir():
            assert (unzipped / frame.relative_to(kit)).read_bytes() == frame.read_bytes()


def test_index_teaches_with_the_kit(site_with_kit):
    index = (site_with_kit / "index.html").read_text()
    section = index[index.index('id="teach"'):]
    links = re.findall(r'href="([^"#:]+)"', section)
    for wanted in ("slides/index.html", "slides/gdanim.pptx", "handout.pdf",
                   "gdanim-site.zip", "lesson.ipynb"):
        assert wanted in links
    for link in links:
        assert (site_with_kit / link).is_file(), link
