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

from gdanim import slides

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
        poster = movie._element.find(".//{http://schemas.openxmlformats.org/drawingml/"
                                     "2006/main}blip")
        image = slide.part.related_part(poster.get(
            "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}embed"))
        assert image.content_type == "image/png" and len(image.blob) > 1000
        spid = movie.shape_id
        targets = [t for t in slide._element.iter(f"{P}spTgt") if t.get("spid") == str(spid)]
        assert len(targets) == 1
        node = targets[0].getparent().getparent().find(f"{P}cTn")
        assert node.get("repeatCount") == "indefinite"
        assert [c.get("delay") for c in node.iter(f"{P}cond")] == ["0"]
        assert a["alt"] in movie._element.find(f".//{P}cNvPr").get("descr")
        assert not slide.has_notes_slide  # notes written by python-pptx break Keynote


def test_libreoffice_converts_the_deck_with_one_page_per_slide(kit, kit_manifest, tmp_path):
    soffice, pdfinfo = shutil.which("soffice"), shutil.which("pdfinfo")
    if not (soffice and pdfinfo):
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("soffice and pdfinfo are needed (libreoffice-impress, poppler-utils)")
        pytest.skip("LibreOffice Impress or poppler-utils not installed")
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
        assert int(fps) == a["fps"]
        # animate pads every number to the width of `first`
        assert len(first) == len(last)
        numbers = range(int(first), int(last) + 1)
        files = [snippet.parent / f"{base}{n:0{len(first)}d}.png" for n in numbers]
        assert len(files) == a["frames"]
        assert all(f.is_file() for f in files)
        assert sorted(p.name for p in snippet.parent.glob("*.png")) == sorted(
            f.name for f in files)
        # the kit's copy of the snippet names the folder as it sits in the kit
        entry = json.loads((kit / "kit.json").read_text())["animations"][
            f"{a['scenario']}/{a['name']}"]
        code = next(s["code"] for s in entry["snippets"] if s["id"] == "beamer")
        assert (kit / (ANIMATE.search(code).group(3) + first + ".png")).is_file()


def test_gif_over_budget_is_shrunk_and_says_how(kit, kit_manifest, tmp_path):
    a = next(a for a in kit_manifest["animations"] if a["scenario"] == "descent-1d")
    copy = tmp_path / "kit"
    for fmt in ("mp4", "gif"):
        (copy / a["files"][fmt]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(kit / a["files"][fmt], copy / a["files"][fmt])
    before = (copy / a["files"]["gif"]).stat().st_size
    budget = before // 3
    said = []
    note = slides.shrink_gif(copy, slides.Slide(a, "chapter"), said.append, budget=budget)
    after = (copy / a["files"]["gif"]).stat().st_size
    assert after <= budget
    assert text.file_size(before) in note and text.file_size(after) in note
    assert "colours" in note and said
    assert probe(copy / a["files"]["gif"])["codec"] == "gif"
    # a GIF within budget is left alone
    assert slides.shrink_gif(copy, slides.Slide(a, "chapter"), said.append,
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
    front = yaml.safe_load(qmd.split("---")[1])
    assert (front["title"], front["author"]) == (title, author)

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
    note = slides.shrink_gif(copy, slides.Slide(a, "chapter"), said.append, budget=budget)
    after = (copy / a["files"]["gif"]).stat().st_size
    assert after > budget
    assert f"over the {text.file_size(budget)} budget by {text.file_size(after - budget)}" \
        in note, note
    assert "now" not in note and "so it was made" not in note
    assert said and "OVER BUDGET" in said[0]
    assert probe(copy / a["files"]["gif"])["codec"] == "gif"   # still published, whole
