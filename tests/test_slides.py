"""The slides kit, opened by the tools that consume it: python-pptx and LibreOffice for
the deck, ffmpeg for the slide MP4s (the presenter view is opened in test_browser.py),
and the files the Quarto deck and the Beamer snippets name."""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from gdanim.outputs.kit import gif_budget, notes as kit_notes
from gdanim.outputs.kit.slide import Slide

from gdanim.core import text
from gdanim.figures.encode import probe
from tests.conftest import SLIDE_CHAPTERS as CHAPTERS

P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"


def test_kit_survives_a_site_build_and_every_file_is_there(kit, kit_manifest):
    assert kit_manifest["quality"] == "slides"
    assert {a["scenario"] for a in kit_manifest["animations"]} == set(CHAPTERS)
    for name in ("gdanim.pptx", "index.html", "slides.qmd", "kit.json"):
        assert (kit / name).is_file(), name
    for a in kit_manifest["animations"]:
        for path in a["files"].values():
            assert (kit / path).exists(), path


def test_pptx_has_one_autoplaying_looping_movie_per_animation(kit, kit_manifest):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    deck = Presentation(str(kit / "gdanim.pptx"))
    size = deck.part._element.find(f"{P}sldSz")
    assert deck.slide_width * 9 == deck.slide_height * 16
    assert size.get("type") == "screen16x9"  # Keynote refuses a 16:9 deck typed 4:3
    animations = kit_manifest["animations"]
    assert len(deck.slides) == len(animations) + 2  # title, one per animation, credits
    for slide, a in zip(list(deck.slides)[1:-1], animations):
        movies = [s for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.MEDIA]
        assert len(movies) == 1
        movie = movies[0]
        assert (movie.left, movie.top, movie.width, movie.height) == (
            0, 0, deck.slide_width, deck.slide_height)  # full-bleed
        # Titled for the outline and a screen reader, the title just off the slide
        title = slide.shapes.title
        ext = title._element.find(".//{http://schemas.openxmlformats.org/drawingml/2006/main}ext")
        assert title.text == a["title"] and ext is not None and int(ext.get("cy")) > 0
        assert title.top + title.height <= 0
        poster = movie._element.find(".//{http://schemas.openxmlformats.org/drawingml/"
                                     "2006/main}blip")
        image = slide.part.related_part(poster.get(
            "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"))
        assert image.content_type == "image/png" and len(image.blob) > 1000
        assert image.blob == (kit / a["files"]["poster"]).read_bytes()  # our poster frame
        spid = str(movie.shape_id)
        # PowerPoint's "Start: Automatically": the main sequence plays it, after the
        # slide begins, for as long as the movie lasts...
        main = next(c for c in slide._element.iter(f"{P}cTn") if c.get("nodeType") == "mainSeq")
        play = [c for c in main.iter(f"{P}cmd") if c.get("cmd") == "playFrom(0.0)"]
        assert [c.find(f".//{P}spTgt").get("spid") for c in play] == [spid]
        effect = play[0].getparent().getparent()
        assert (effect.get("presetClass"), effect.get("nodeType")) == ("mediacall", "afterEffect")
        assert int(play[0].find(f"{P}cBhvr/{P}cTn").get("dur")) == round(a["duration_s"] * 1000)
        assert main.find(f".//{P}cond[@evt='onBegin']/{P}tn").get("val") == main.get("id")
        # ...a click on it pauses and resumes it (the trigger)...
        click = next(c for c in slide._element.iter(f"{P}cTn")
                     if c.get("nodeType") == "interactiveSeq")
        assert click.find(f"{P}stCondLst/{P}cond[@evt='onClick']//{P}spTgt").get("spid") == spid
        assert [c.get("cmd") for c in click.iter(f"{P}cmd")] == ["togglePause"]
        # ...and "Loop until stopped".
        nodes = [m for m in slide._element.iter(f"{P}cMediaNode")
                 if m.find(f".//{P}spTgt").get("spid") == spid]
        assert len(nodes) == 1
        assert nodes[0].find(f"{P}cTn").get("repeatCount") == "indefinite"
        ids = [c.get("id") for c in slide._element.iter(f"{P}cTn")]
        assert len(ids) == len(set(ids))  # time node ids are unique on a slide
        assert a["alt"] in movie._element.find(f".//{P}cNvPr").get("descr")


def test_pptx_speaker_notes_hold_the_caption_key_numbers_and_what_to_point_at(
        kit, kit_manifest):
    from pptx import Presentation

    deck = Presentation(str(kit / "gdanim.pptx"))
    assert all(slide.has_notes_slide for slide in deck.slides)
    for slide, a in zip(list(deck.slides)[1:-1], kit_manifest["animations"]):
        notes = slide.notes_slide.notes_text_frame.text
        table = json.loads((kit / a["files"]["frames"]).read_text())
        last = table["frames"][-1]
        assert notes.startswith(a["alt"])      # the slide shows the title: not said twice
        assert "Key numbers:" in notes and "Point at:" in notes
        # the numbers are the run's own: where it ends
        assert f"{table['label']} {last['epoch']:,}" in notes
        assert kit_notes.number(last["loss"] if not table.get("runs") else last["loss"][0]) in notes
    descent = next(i for i, a in enumerate(kit_manifest["animations"])
                   if a["scenario"] == "descent-1d")
    notes = deck.slides[descent + 1].notes_slide.notes_text_frame.text
    assert "90% of its fall" in notes and "learning rate" in notes


def test_pptx_package_is_whole_and_names_its_notes_master(kit):
    """Every relationship points at a part that is there, every part has a content
    type, and the notes master is listed in presentation.xml: the entry python-pptx
    leaves out and Keynote needs (python-pptx #1051)."""
    import posixpath
    import zipfile
    from xml.etree import ElementTree

    REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"
    CT = "{http://schemas.openxmlformats.org/package/2006/content-types}"
    R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    with zipfile.ZipFile(kit / "gdanim.pptx") as z:
        assert z.testzip() is None
        names = set(z.namelist())
        types = ElementTree.fromstring(z.read("[Content_Types].xml"))
        defaults = {d.get("Extension").lower() for d in types.iter(f"{CT}Default")}
        overrides = {o.get("PartName").lstrip("/") for o in types.iter(f"{CT}Override")}
        assert overrides <= names, overrides - names
        for name in names - {"[Content_Types].xml"}:
            assert name in overrides or name.rsplit(".", 1)[-1].lower() in defaults, name
        notes_types = {o.get("PartName"): o.get("ContentType") for o in types.iter(f"{CT}Override")}
        targets = {}
        for rels in (n for n in names if n.endswith(".rels")):
            source = posixpath.dirname(posixpath.dirname(rels))
            for rel in ElementTree.fromstring(z.read(rels)).iter(f"{REL}Relationship"):
                if rel.get("TargetMode") == "External":
                    continue
                target = posixpath.normpath(posixpath.join(source, rel.get("Target")))
                assert target in names, f"{rels}: {rel.get('Target')} is missing"
                targets[(rels, rel.get("Id"))] = (rel.get("Type").rsplit("/", 1)[-1], target)
        presentation = ElementTree.fromstring(z.read("ppt/presentation.xml"))
        listed = presentation.findall(f"{P}notesMasterIdLst/{P}notesMasterId")
        assert len(listed) == 1
        kind, master = targets[("ppt/_rels/presentation.xml.rels", listed[0].get(f"{R}id"))]
        assert kind == "notesMaster"
        assert notes_types["/" + master].endswith("notesMaster+xml")
        order = [child.tag for child in presentation]
        assert order.index(f"{P}notesMasterIdLst") == order.index(f"{P}sldMasterIdLst") + 1
        # the master has its theme; each notes slide names the master and its slide
        master_rels = f"ppt/notesMasters/_rels/{posixpath.basename(master)}.rels"
        assert "theme" in {t for (r, _), (t, _) in targets.items() if r == master_rels}
        notes_rels = [n for n in names if n.startswith("ppt/notesSlides/_rels/")]
        assert notes_rels
        for rels in notes_rels:
            kinds = {t: p for (r, _), (t, p) in targets.items() if r == rels}
            assert kinds["notesMaster"] == master and kinds["slide"].startswith("ppt/slides/")


def soffice_or_skip() -> str:
    soffice = shutil.which("soffice")
    if not soffice:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("soffice is needed (libreoffice-impress)")
        pytest.skip("LibreOffice Impress not installed")
    return soffice


def uno_python_or_skip() -> str:
    """A Python with LibreOffice's `uno` module (Debian's python3-uno): the system's."""
    for python in ("/usr/bin/python3", shutil.which("python3")):
        if python and subprocess.run([python, "-c", "import uno"],
                                     capture_output=True).returncode == 0:
            return python
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail("python3-uno is needed (LibreOffice's Python bridge; see .ci/run)")
    pytest.skip("python3-uno not installed")


def impress(deck: Path, profile: Path) -> dict:
    """What LibreOffice Impress makes of `deck` (tests/impress.py): per slide, its movies
    (autoplay, loops) and its speaker notes."""
    soffice_or_skip()
    result = subprocess.run([uno_python_or_skip(), str(Path(__file__).parent / "impress.py"),
                             str(deck), str(profile)], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def deck_in_impress(kit, tmp_path_factory) -> dict:
    return impress(kit / "gdanim.pptx", tmp_path_factory.mktemp("impress"))


def test_impress_starts_every_movie_by_itself_and_loops_it(deck_in_impress, kit_manifest):
    """Read back through LibreOffice's own PPTX import (UNO), as its slide show reads
    it: each movie is started by the slide's main sequence with no click, and loops.
    LibreOffice keeps PowerPoint's "Loop until stopped" on the animation, not on the
    shape: its PPTX import has no code that sets a movie's Loop property (a deck that
    Impress itself saves with Loop on comes back with it off), and since 7.4 its slide
    show loops a movie whose Audio node repeats indefinitely
    (AnimationCommandNode::GetLoopingFromAnimation); impress.py applies that rule."""
    slides = deck_in_impress["slides"]
    assert len(slides) == len(kit_manifest["animations"]) + 2
    assert slides[0]["movies"] == [] and slides[-1]["movies"] == []
    for slide, a in zip(slides[1:-1], kit_manifest["animations"]):
        assert len(slide["movies"]) == 1, "one movie per animation slide"
        movie = slide["movies"][0]
        assert movie["name"] == a["title"] and movie["has_media"]
        assert movie["autoplay"], f"{a['title']}: waits for a click"
        assert movie["loops"], f"{a['title']}: plays once"


def test_the_impress_reading_can_fail(kit, tmp_path):
    """The same reading of a deck with python-pptx's own timing for the first movie
    (a click plays it, nothing repeats) finds it neither starting by itself nor looping."""
    import zipfile

    bare = ('<p:timing><p:tnLst><p:par><p:cTn id="1" dur="indefinite" restart="never" '
            'nodeType="tmRoot"><p:childTnLst><p:video><p:cMediaNode vol="80000">'
            '<p:cTn id="2" fill="hold" display="0"><p:stCondLst><p:cond delay="indefinite"/>'
            '</p:stCondLst></p:cTn><p:tgtEl><p:spTgt spid="{spid}"/></p:tgtEl>'
            '</p:cMediaNode></p:video></p:childTnLst></p:cTn></p:par></p:tnLst></p:timing>')
    changed = tmp_path / "bare.pptx"
    with zipfile.ZipFile(kit / "gdanim.pptx") as source, \
            zipfile.ZipFile(changed, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "ppt/slides/slide2.xml":
                xml = data.decode("utf-8")
                spid = re.search(r'<p:spTgt spid="(\d+)"', xml).group(1)
                xml = re.sub(r"<p:timing[ >].*</p:timing>", bare.format(spid=spid), xml, flags=re.S)
                data = xml.encode("utf-8")
            target.writestr(item, data)
    slides = impress(changed, tmp_path / "profile")["slides"]
    first, second = slides[1]["movies"][0], slides[2]["movies"][0]
    assert not first["autoplay"] and not first["loops"]
    assert second["autoplay"] and second["loops"]


def test_libreoffice_reads_the_speaker_notes(deck_in_impress, kit_manifest):
    for slide, a in zip(deck_in_impress["slides"][1:-1], kit_manifest["animations"]):
        assert a["alt"] in slide["notes"] and "Key numbers:" in slide["notes"]


def test_libreoffice_converts_the_deck_with_one_page_per_slide(kit, kit_manifest, tmp_path):
    soffice, pdfinfo = soffice_or_skip(), shutil.which("pdfinfo")
    if not pdfinfo:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("pdfinfo is needed (poppler-utils)")
        pytest.skip("poppler-utils not installed")
    result = subprocess.run([soffice, f"-env:UserInstallation=file://{tmp_path}/profile",
                             "--headless", "--convert-to", "pdf", "--outdir", str(tmp_path),
                             str(kit / "gdanim.pptx")], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr
    info = subprocess.run([pdfinfo, str(tmp_path / "gdanim.pdf")], capture_output=True,
                          text=True, check=True).stdout
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert pages == len(kit_manifest["animations"]) + 2
    width, height = map(float, re.search(r"Page size:\s+([\d.]+) x ([\d.]+)", info).groups())
    assert width / height == pytest.approx(16 / 9, rel=1e-3)


def top_level_atoms(path: Path) -> list[str]:
    names, data = [], path.read_bytes()
    at = 0
    while at + 8 <= len(data):
        size = int.from_bytes(data[at:at + 4], "big")
        names.append(data[at + 4:at + 8].decode("latin-1"))
        if size == 1:
            size = int.from_bytes(data[at + 8:at + 16], "big")
        if size < 8:
            break
        at += size
    return names


def test_slide_mp4s_are_h264_yuv420p_1080p_with_faststart(kit, kit_manifest):
    for a in kit_manifest["animations"]:
        info = probe(kit / a["files"]["mp4"])
        assert (info["codec"], info["pix_fmt"]) == ("h264", "yuv420p")
        assert (info["width"], info["height"]) == (1920, 1080)
        assert info["frames"] == a["frames"]
        atoms = top_level_atoms(kit / a["files"]["mp4"])
        assert atoms.index("moov") < atoms.index("mdat"), atoms  # plays before it loads


def test_slides_are_paced_for_talking_over(kit_manifest):
    from gdanim.core.config import QUALITIES

    slide, web = QUALITIES["slides"], QUALITIES["web"]
    assert slide.fps < web.fps and slide.hold / slide.fps > web.hold / web.fps
    descent = next(a for a in kit_manifest["animations"] if a["scenario"] == "descent-1d")
    assert descent["duration_s"] > 8


def test_quarto_deck_names_only_files_that_exist(kit, kit_manifest):
    qmd = (kit / "slides.qmd").read_text()
    named = re.findall(r'background-video="([^"]+)"', qmd)
    assert sorted(named) == sorted(a["files"]["mp4"] for a in kit_manifest["animations"])
    for path in re.findall(r'(?:src|video|poster)="?([\w./-]+\.(?:mp4|png|gif))', qmd):
        assert (kit / path).is_file(), path
    assert qmd.count('background-video-loop="true"') == len(named)
    assert qmd.count('background-video-muted="true"') == len(named)


ANIMATE = re.compile(r"\\animategraphics\[([^\]]*)\]\{(\d+)\}\{([^}]*)\}\{(\d+)\}\{(\d+)\}")


def test_beamer_snippets_name_frame_files_that_exist_padded_as_animate_expects(
        kit, kit_manifest):
    for a in kit_manifest["animations"]:
        snippet = kit / a["files"]["beamer"]
        options, fps, base, first, last = ANIMATE.search(snippet.read_text()).groups()
        assert "loop" in options and "controls" in options
        assert "keepaspectratio" in options and "height=" in options  # fits under a title
        assert int(fps) == a["fps"]
        # animate pads every number to the width of `first`
        assert len(first) == len(last)
        numbers = range(int(first), int(last) + 1)
        # named from the folder that holds media/, where the main .tex file sits
        files = [kit / f"{base}{n:0{len(first)}d}.png" for n in numbers]
        assert len(files) == a["frames"]
        assert all(f.is_file() for f in files)
        assert sorted(p.name for p in snippet.parent.glob("*.png")) == sorted(
            f.name for f in files)
        # the snippet shown on the site is a frame that inputs the file, as the README's
        entry = json.loads((kit / "kit.json").read_text())["animations"][
            f"{a['scenario']}/{a['name']}"]
        code = next(s["code"] for s in entry["snippets"] if s["id"] == "beamer")
        assert code.startswith("\\begin{frame}{") and code.endswith("\\end{frame}\n")
        assert f"\\input{{{a['files']['beamer']}}}" in code


def test_readme_names_the_frame_files_as_they_are(kit, kit_manifest):
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    sweep = next(a for a in kit_manifest["animations"] if a["scenario"] == "grid-search")
    folder = kit / sweep["files"]["beamer_frames"]
    named = re.findall(r"`(sweep-\d+\.png)`", readme)
    assert len(named) >= 2 and all((folder / name).is_file() for name in named), named
    pattern = re.search(r"`<name>-(\d+)\.png`", readme).group(1)
    assert (folder / f"sweep-{pattern}.png").is_file()


def pandoc_json(path: Path) -> dict:
    """`path` as Pandoc (Quarto's reader) reads it: its JSON syntax tree."""
    pandoc = shutil.which("pandoc")
    if not pandoc:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("pandoc is needed (see .ci/run)")
        pytest.skip("pandoc not installed")
    return json.loads(subprocess.run([pandoc, "-f", "markdown", "-t", "json", str(path)],
                                     capture_output=True, text=True, check=True).stdout)


def test_quarto_notes_are_lists_where_pandoc_reads_them(kit, kit_manifest):
    """Pandoc, Quarto's reader: in each slide's notes, "Key numbers:" and "Point at:"
    are each followed by a list, not run into one paragraph with it."""
    read = pandoc_json(kit / "slides.qmd")
    notes = [b["c"][1] for b in read["blocks"]
             if b["t"] == "Div" and "notes" in b["c"][0][1]]
    assert len(notes) == len(kit_manifest["animations"])
    for blocks in notes:
        kinds = [(b["t"], _plain(b)) for b in blocks]
        for label in ("Key numbers:", "Point at:"):
            at = [i for i, (kind, words) in enumerate(kinds) if words == label]
            assert len(at) == 1, kinds
            assert kinds[at[0]][0] == "Para" and kinds[at[0] + 1][0] == "BulletList", kinds


def _plain(block) -> str:
    """The text of a piece of Pandoc's tree (smart quotes as the straight ones)."""
    if isinstance(block, list):
        return "".join(_plain(b) for b in block)
    if isinstance(block, dict):
        kind = block.get("t")
        if kind == "Str":
            return block["c"]
        if kind in ("Space", "SoftBreak"):
            return " "
        if kind == "Quoted":
            mark = '"' if block["c"][0]["t"] == "DoubleQuote" else "'"
            return mark + _plain(block["c"][1]) + mark
        return _plain(block.get("c"))
    return ""


def test_the_kit_carries_only_the_static_files_its_pages_load(kit):
    loaded = set()
    for page in ("index.html", "notes.html"):
        loaded |= set(re.findall(r'(?:src|href)="(static/[^"?#]+)',
                                 (kit / page).read_text(encoding="utf-8")))
    carried = {p.relative_to(kit).as_posix() for p in (kit / "static").iterdir()}
    assert carried == loaded
    assert "static/explorer.js" not in carried


def readme_beamer_example() -> str:
    readme = (Path(__file__).parent.parent / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```latex\n(.*?)```", readme, re.S)
    assert len(blocks) == 1, "the README shows one Beamer example"
    return "\n".join(line.strip() for line in blocks[0].splitlines()) + "\n"


def tools_or_skip(*names: str) -> None:
    missing = [n for n in names if not shutil.which(n)]
    if not missing and "pdflatex" in names:
        found = subprocess.run(["kpsewhich", "animate.sty", "beamer.cls"],
                               capture_output=True, text=True).stdout.split()
        missing += [] if len(found) == 2 else ["beamer and animate"]
    if missing:
        message = f"{', '.join(missing)} needed (texlive-latex-extra, poppler-utils)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(message)
        pytest.skip(message)


@pytest.mark.parametrize("aspect", ["aspectratio=169", "4:3"])
def test_readme_beamer_example_compiles_fits_its_frame_and_shows_the_poster(
        kit, kit_manifest, tmp_path, aspect):
    """The README's document, as written, in a folder that holds the kit's media/ (as
    the kit folder does): two pdflatex runs, one page, no overfull frame (the picture
    and its controls fit under the title), and the page shows the poster."""
    from PIL import Image

    tools_or_skip("pdflatex", "pdfinfo", "pdftoppm")
    source = readme_beamer_example()
    assert "\\input{media/grid-search/sweep-frames/sweep.tex}" in source
    if aspect == "4:3":
        source = source.replace("[aspectratio=169]", "")
    (tmp_path / "media").symlink_to(kit / "media")
    (tmp_path / "talk.tex").write_text(source, encoding="utf-8")
    for _ in range(2):
        result = subprocess.run(["pdflatex", "-interaction=nonstopmode", "-halt-on-error",
                                 "talk.tex"], cwd=tmp_path, capture_output=True, text=True,
                                timeout=300)
        assert result.returncode == 0, result.stdout[-3000:]
    log = (tmp_path / "talk.log").read_text(errors="replace")
    assert "Overfull \\vbox" not in log, "the animation does not fit its frame"
    assert "Rerun to get" not in log  # the second run settled the pages
    info = subprocess.run(["pdfinfo", "talk.pdf"], cwd=tmp_path, capture_output=True,
                          text=True, check=True).stdout
    assert int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1)) == 1
    subprocess.run(["pdftoppm", "-r", "60", "-png", "talk.pdf", "page"], cwd=tmp_path,
                   check=True)
    page = Image.open(tmp_path / "page-1.png").convert("RGB")
    # The poster (the last frame) is on the page, not a blank box.
    sweep = next(a for a in kit_manifest["animations"] if a["scenario"] == "grid-search")
    last = sorted((kit / sweep["files"]["beamer_frames"]).glob("*.png"))[-1]
    # (another animation scores about 0.2, a blank page 0, the poster 0.7 or more)
    assert _match_on_page(page, Image.open(last)) > 0.5


def _match_on_page(page, picture) -> float:
    """How well `picture` matches the page where a centred copy of it best fits: the
    highest correlation (1 is identical, 0 unrelated, as for a blank page) between
    the picture, scaled to each width it might have there, and the page beneath it."""
    import numpy as np

    grey = np.asarray(page.convert("L"), dtype=float)
    best = 0.0
    for width in range(page.width // 2, page.width, 2):
        height = round(width * picture.height / picture.width)
        small = np.asarray(picture.convert("L").resize((width, height)), dtype=float)
        small -= small.mean()
        left = (page.width - width) // 2
        for top in range(0, page.height - height, 2):
            region = grey[top:top + height, left:left + width]
            region = region - region.mean()
            norm = np.sqrt((region * region).sum() * (small * small).sum())
            if norm:
                best = max(best, float((region * small).sum() / norm))
    return best


def test_gif_over_budget_is_shrunk_and_says_how(kit, kit_manifest, tmp_path):
    a = next(a for a in kit_manifest["animations"] if a["scenario"] == "descent-1d")
    copy = tmp_path / "kit"
    for fmt in ("mp4", "gif"):
        (copy / a["files"][fmt]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(kit / a["files"][fmt], copy / a["files"][fmt])
    before = (copy / a["files"]["gif"]).stat().st_size
    budget = before // 3
    said = []
    note = gif_budget.shrink_gif(copy, Slide(a, "chapter"), said.append, budget=budget)
    after = (copy / a["files"]["gif"]).stat().st_size
    assert after <= budget
    assert text.file_size(before) in note and text.file_size(after) in note
    assert "colours" in note and said
    assert probe(copy / a["files"]["gif"])["codec"] == "gif"
    # a GIF within budget is left alone
    assert gif_budget.shrink_gif(copy, Slide(a, "chapter"), said.append,
                             budget=after) == ""


def test_chapter_pages_link_each_animation_to_its_slide_files(site_with_kit, kit_manifest):
    for a in kit_manifest["animations"]:
        html = (site_with_kit / f"{a['scenario']}.html").read_text()
        box = html[html.index(f'id="{a["scenario"]}-{a["name"]}"'):]
        box = box[box.index('class="use-in-slides"'):box.index("</details>")]
        assert f'href="slides/index.html#{a["scenario"]}-{a["name"]}"' in box
        for fmt in ("mp4", "gif", "poster"):
            path = a["files"][fmt]
            size = text.file_size((site_with_kit / "slides" / path).stat().st_size)
            assert f'href="slides/{path}" download' in box
            assert f"({size})" in box
        assert "data-background-video" in box and "{{&lt; video" in box


def test_talking_points_name_the_winner_ties_and_diverged_runs(tmp_path):
    """The notes read the run's own frame table: a race names every run level with the
    lowest final loss as printed (0.6526 does not reach 0.6525) and the runs that
    diverged, with the epoch they left the plot and their true loss; a descent says
    when 90% of the fall was done; a grid of settings is said briefly; the note does
    not repeat the slide's title."""
    race = {"label": "epoch", "fps": 10, "poster": 0, "names": ["slope"],
            "runs": ["slow", "good", "also good", "wild"],
            "frames": [{"epoch": 0, "loss": [5.0, 5.0, 5.0, 5.0], "params": [[0]] * 4},
                       {"epoch": 40, "loss": [0.8, 0.652501, 0.6525, 9.392e6],
                        "params": [[0.4], [0.59], [0.59], [10.3]]}],
            "left": [None, None, None, 10]}
    descent = {"label": "epoch", "fps": 10, "poster": 0, "names": ["multiplier"],
               "frames": [{"epoch": e, "loss": loss, "params": [m]} for e, loss, m in
                          ((0, 1000.0, 0.0), (10, 400.0, 1.0), (20, 50.0, 2.0),
                           (30, 2.0, 2.5), (1000, 1.0, 2.54))]}
    for name, table in (("race", race), ("descent", descent)):
        (tmp_path / f"{name}.frames.json").write_text(json.dumps(table))
    entry = {"scenario": "s", "name": "race", "title": "A race", "alt": "Four runs.",
             "files": {"frames": "race.frames.json"}, "params": {"epochs": 40}}
    notes = kit_notes.talking_points(tmp_path, Slide(entry, "Chapter"))
    assert notes.heading == "Chapter: A race." and notes.caption == "Four runs."
    assert "End, epoch 40: slow: loss 0.8; good: loss 0.6525; also good: loss 0.6525; " \
           "wild: off the plot from epoch 10, loss 9.392e+06." in notes.numbers
    assert notes.point_at == ("Lowest final loss: 0.6525, reached by good and also good.",
                              "wild ends higher than at the start: diverged.")
    entry = dict(entry, name="descent", files={"frames": "descent.frames.json"},
                 params={"learning_rate": 1e-5, "epochs": 1000,
                         "grid": [0.001, 0.01, 0.1, 1.0, 10.0]})
    notes = kit_notes.talking_points(tmp_path, Slide(entry, "Chapter"))
    assert notes.numbers == ("Start, epoch 0: multiplier 0, loss 1,000.",
                             "End, epoch 1,000: multiplier 2.54, loss 1.",
                             "Settings: learning rate 0.00001, epochs 1,000, grid 5 "
                             "values from 0.001 to 10.")
    assert notes.point_at == ("By epoch 20 the loss has made 90% of its fall (to 50); the "
                              "steps after that are small.",)
    assert "Key numbers:" in notes.text() and notes.text().startswith("Four runs.")
    # Not level as printed: not named as reaching the lowest.
    (tmp_path / "race.frames.json").write_text(json.dumps(
        dict(race, frames=[race["frames"][0], dict(race["frames"][1],
                                                   loss=[0.8, 0.65256, 0.65255, 9.392e6])])))
    entry = dict(entry, name="race", files={"frames": "race.frames.json"}, params={})
    notes = kit_notes.talking_points(tmp_path, Slide(entry, "Chapter"))
    assert notes.point_at[0] == "Lowest final loss: 0.65255, reached by also good."


def test_slides_follows_gdanim_toml_title_author_and_csv_chapter(tmp_path):
    """`slides` reads gdanim.toml as `build` does: the [site] title and author on the
    deck, the Quarto deck and the presenter view, and a CSV chapter in the kit (which
    `--only` names like any other); the site built after links it."""
    import yaml
    from pptx import Presentation

    from gdanim.starter import starter_dir
    from tests.conftest import run_cli

    (tmp_path / "data").mkdir()
    shutil.copy(starter_dir() / "data" / "faithful.csv", tmp_path / "data")
    title, author = 'Descente de gradient: "pas à pas"', "Ada Lovelace & <Co>"
    config = tmp_path / "gdanim.toml"
    config.write_text(f"[site]\ntitle = '{title}'\nauthor = \"{author}\"\n"
                      'chapters = ["grid-search", "geyser"]\n\n'
                      '[[chapter]]\nslug = "geyser"\ntitle = "Old Faithful"\n'
                      'csv = "data/faithful.csv"\nx = "waiting"\ny = "eruptions"\n'
                      "epochs = 50\n", encoding="utf-8")
    out = tmp_path / "site"
    result = run_cli("slides", "--config", str(config), "--out", str(out), "--only", "geyser",
                     "--formats", "mp4", "--quiet")
    assert result.exit_code == 0, result.output
    kit = out / "slides"
    entries = json.loads((kit / "kit.json").read_text())["animations"]
    assert entries and all(key.startswith("geyser/") for key in entries)
    assert all(e["chapter"] == "Old Faithful" for e in entries.values())

    first = list(Presentation(str(kit / "gdanim.pptx")).slides)[0]
    words = [shape.text_frame.text for shape in first.shapes if shape.has_text_frame]
    assert title in words and author in words and "Gradient descent, step by step" not in words

    qmd = (kit / "slides.qmd").read_text(encoding="utf-8")
    yaml.safe_load(qmd.split("---")[1])               # valid YAML, read by Pandoc as:
    meta = pandoc_json(kit / "slides.qmd")["meta"]
    assert (_plain(meta["title"]), _plain(meta["author"])) == (title, author)

    from html.parser import HTMLParser

    class Text(HTMLParser):
        def __init__(self):
            super().__init__()
            self.title, self.text, self.where = "", "", None

        def handle_starttag(self, tag, attrs):
            self.where = tag

        def handle_data(self, data):
            if self.where == "title":
                self.title += data
            self.text += data

    page = Text()
    page.feed((kit / "index.html").read_text(encoding="utf-8"))
    assert title in page.title and f"{title}, by {author}" in page.text
    assert "Gradient descent, step by step" not in page.text

    built = run_cli("build", "--config", str(config), "--out", str(out), "--only", "geyser",
                    "--quality", "draft", "--formats", "poster", "--quiet")
    assert built.exit_code == 0, built.output
    name = next(iter(entries)).split("/")[1]
    assert f'href="slides/index.html#geyser-{name}"' in (out / "geyser.html").read_text()


def test_gif_that_no_step_brings_under_budget_says_it_is_over(kit, kit_manifest, tmp_path):
    a = next(a for a in kit_manifest["animations"] if a["scenario"] == "descent-1d")
    copy = tmp_path / "kit"
    for fmt in ("mp4", "gif"):
        (copy / a["files"][fmt]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(kit / a["files"][fmt], copy / a["files"][fmt])
    budget = 5000   # no GIF of a whole animation is this small
    said = []
    note = gif_budget.shrink_gif(copy, Slide(a, "chapter"), said.append, budget=budget)
    after = (copy / a["files"]["gif"]).stat().st_size
    assert after > budget
    assert f"over the {text.file_size(budget)} budget by {text.file_size(after - budget)}" \
        in note, note
    assert "now" not in note and "so it was made" not in note
    assert said and "OVER BUDGET" in said[0]
    assert probe(copy / a["files"]["gif"])["codec"] == "gif"   # still published, whole
