"""The slides kit: every animation at slide size (the `slides` quality) with a
PowerPoint/Keynote deck, a presenter view that works from disk, a Quarto revealjs deck,
snippets to paste into other decks, and Beamer snippets (with all their frames in one
beamer.zip) when the `frames` format was asked for.

`make` runs the ordinary build into `<out>/slides/` as a kit (config kind "kit"): the
animations only (no stills, covers or site pages), and in place of the pages job the
kit's own files, written by `write_kit` and recorded in the kit's manifest like any
output. A site build in `<out>` keeps the kit (it keeps every file it did not write)
and links each animation to it (outputs/kit_index.py says where the kit is and what the
pages read from it); and when `slides` runs after a site build, it rebuilds that site's
pages (`relink_site`), so the two commands can run in either order."""
from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Callable

from gdanim.core import text
from gdanim.core.errors import GdanimError
from gdanim.outputs.kit_index import KIT, KIT_FILE

GIF_BUDGET = 8 * 1024 * 1024   # Google Slides takes GIFs (not local video); keep them light
DECK = "gdanim.pptx"
TITLE = "Gradient descent, step by step"
# 16:9 at PowerPoint's 10 x 5.625 inch size, with the slide-size type that names it:
# python-pptx's template says "screen4x3", which Keynote refuses in a 16:9 deck.
SLIDE_WIDTH, SLIDE_HEIGHT, SLIDE_TYPE = 9144000, 5143500, "screen16x9"
CREDITS = (
    ("The lesson", "The examples follow Josef Fruehwald's lesson \u201cGradient Descent\u201d "
     "(course notes, November 2022). The belt chart is the Gap's belt size table, as that "
     "lesson gives it."),
    ("The penguins", "Horst, Hill & Gorman (2020), palmerpenguins: Palmer Archipelago "
     "(Antarctica) penguin data, doi:10.5281/zenodo.3960218; collected by Dr. Kristen "
     "Gorman and the Palmer Station LTER (Gorman, Williams & Fraser 2014, PLoS ONE 9(3): "
     "e90081). Licence: CC0."),
    ("The animations", "Computed with JAX and Optax, drawn with matplotlib and encoded with "
     "ffmpeg by gdanim. Every number in them comes from the runs shown."),
    ("Handout", "A printable page per animation (its poster, key frames and numbers): "
     "handout.pdf, beside the site's index.html, under \u201cTeach with this\u201d."),
)


# --- the command ---------------------------------------------------------------------

def make(out: Path, only: tuple[str, ...], formats: str, progress: bool = True,
         reuse: bool = True, jobs: int | None = None, config_path: str | None = None) -> Path:
    """Build every animation at slide quality into `out/slides/` with the kit's files,
    then, if `out` holds a site, rebuild its pages to link the kit. Returns the kit
    folder."""
    from dataclasses import replace

    from gdanim import settings
    from gdanim.build.pipeline import build
    from gdanim.chapters import SCENARIOS, installed
    from gdanim.core.config import parse_build_config

    kit = out / KIT
    chosen = settings.load(config_path)
    with installed(chosen.scenarios):
        config = replace(parse_build_config(str(kit), only, formats, "slides",
                                            list(SCENARIOS), "", chosen.site), kind="kit")
        build(config, progress=progress, reuse=reuse, jobs=jobs,
              kit_writer=lambda folder, manifest, final, say: write_kit(
                  folder, manifest, say, previous=final))
        relink_site(out, progress, jobs, chosen.site)
    return kit


def relink_site(out: Path, progress: bool, jobs: int | None, site) -> bool:
    """If `out` holds a site gdanim built, build it again with the settings it was built
    with (its manifest's chapters, quality, formats and address): only its pages change,
    now linking the kit. Returns whether it did. Call with the chapters installed."""
    import click

    from gdanim.build.pipeline import build
    from gdanim.chapters import SCENARIOS
    from gdanim.core.config import parse_build_config

    try:
        built = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        slugs = tuple(p["slug"] for p in built["pages"])
        quality, formats = built["quality"], ",".join(built["formats"])
    except (OSError, ValueError, KeyError, TypeError):
        return False
    if built.get("generator") != "gdanim":
        return False
    unknown = [slug for slug in slugs if slug not in SCENARIOS]
    if unknown:
        click.echo(f"note: the site in {out}/ has chapters these settings do not define "
                   f"({', '.join(unknown)}); build it again to link the slides kit", err=True)
        return False
    config = parse_build_config(str(out), slugs, formats, quality, list(SCENARIOS),
                                built.get("site_url"), site)
    if progress:
        click.echo(f"linking the kit from the site in {out}/", err=True)
    build(config, progress=progress, reuse=True, jobs=jobs)
    return True


# --- the kit -------------------------------------------------------------------------

@dataclass(frozen=True)
class Slide:
    """One animation of the kit: the manifest entry plus the chapter it belongs to."""

    entry: dict
    chapter: str

    @property
    def id(self) -> str:
        return f"{self.entry['scenario']}-{self.entry['name']}"

    def file(self, fmt: str) -> str | None:
        return self.entry["files"].get(fmt)


def write_kit(kit: Path, manifest: dict, say: Callable[[str], None] = lambda m: None,
              previous: Path | None = None) -> None:
    """Write the deck, presenter view, Quarto deck, snippets, beamer.zip and kit.json
    into `kit`, which holds the slide-quality animations listed in `manifest`.
    `previous` is the kit folder of the last run (default `kit`)."""
    from gdanim.outputs import webpages

    titles = {p["slug"]: p["title"] for p in manifest["pages"]}
    slides = [Slide(a, titles[a["scenario"]]) for a in manifest["animations"]]
    gif_notes = {s.id: shrink_gif(kit, s, say) for s in slides if s.file("gif")}
    # A GIF shrunk by an earlier run and reused since fits now: keep saying what was done.
    old = _previous_entries(previous or kit)
    for s in slides:
        before = old.get(f"{s.entry['scenario']}/{s.entry['name']}", {})
        sizes = {d["label"]: d["size"] for d in before.get("downloads", [])}
        if s.file("gif") and not gif_notes.get(s.id) and before.get("gif_note") and \
                sizes.get("GIF") == text.file_size((kit / s.file("gif")).stat().st_size):
            gif_notes[s.id] = before["gif_note"]
    if not (kit / "static").is_dir():
        webpages.copy_static(kit)        # the player and the site's styles
    for name in ("presenter.js", "presenter.css"):
        shutil.copyfile(_templates() / "slides" / name, kit / "static" / name)
    beamer = write_beamer_zip(kit, slides)
    (kit / "index.html").write_text(presenter_page(kit, slides), encoding="utf-8")
    say(f"  deck   {KIT}/{DECK}")
    write_pptx(kit, slides)
    (kit / "slides.qmd").write_text(quarto_deck(slides), encoding="utf-8")
    entries = {}
    for s in slides:
        entries[f"{s.entry['scenario']}/{s.entry['name']}"] = {
            "title": s.entry["title"], "chapter": s.chapter,
            "width": s.entry["width"], "height": s.entry["height"], "fps": s.entry["fps"],
            "duration_s": s.entry["duration_s"],
            "downloads": downloads(kit, s), "snippets": snippets(s),
            "gif_note": gif_notes.get(s.id) or ""}
    extra = {"beamer_zip": {"path": BEAMER_ZIP, "size": text.file_size(
        (kit / BEAMER_ZIP).stat().st_size)}} if beamer else {}
    (kit / KIT_FILE).write_text(json.dumps({"generator": "gdanim", "animations": entries,
                                            **extra}, indent=1) + "\n", encoding="utf-8")
    say(f"  kit    {len(slides)} animations: {DECK}, index.html, "
        f"slides.qmd")


BEAMER_ZIP = "beamer.zip"


def write_beamer_zip(kit: Path, slides: list[Slide]) -> Path | None:
    """Every animation's Beamer folder (numbered PNGs and its .tex snippet) in one zip,
    paths as in the kit, so unzipped beside a .tex file the snippets work as written.
    None when the kit has no frames."""
    from gdanim.outputs import offline

    folders = [s.file("beamer_frames") for s in slides if s.file("beamer_frames")]
    if not folders:
        return None
    names = sorted(p.relative_to(kit).as_posix() for folder in folders
                   for p in (kit / folder).rglob("*") if p.is_file())
    return offline.zip_files(kit / BEAMER_ZIP, [(name, kit / name) for name in names])


def _previous_entries(kit: Path) -> dict:
    try:
        return json.loads((kit / KIT_FILE).read_text(encoding="utf-8"))["animations"]
    except (OSError, ValueError, KeyError):
        return {}


def _templates() -> Path:
    from gdanim.outputs.webpages import TEMPLATES

    return TEMPLATES


def downloads(kit: Path, s: Slide) -> list[dict]:
    labels = [("mp4", "MP4"), ("gif", "GIF"), ("poster", "poster PNG"),
              ("beamer", "Beamer snippet")]
    return [{"label": label, "path": s.file(fmt),
             "size": text.file_size((kit / s.file(fmt)).stat().st_size)}
            for fmt, label in labels if s.file(fmt) and (kit / s.file(fmt)).is_file()]


def snippets(s: Slide) -> list[dict]:
    """Code to paste into a deck, naming the files by their place in the kit folder."""
    mp4, poster = s.file("mp4"), s.file("poster")
    if not mp4:
        return []
    poster_attr = f' poster="{poster}"' if poster else ""
    label = escape(s.entry["alt"], quote=True)
    video = (f'<video src="{mp4}"{poster_attr} width="{s.entry["width"]}" '
             f'height="{s.entry["height"]}" muted loop playsinline controls '
             f'aria-label="{label}"></video>')
    reveal = (f'<section data-background-video="{mp4}" data-background-video-loop '
              f'data-background-video-muted data-background-size="contain" '
              f'data-background-color="#ffffff">\n  <!-- {escape(s.entry["title"])} -->\n'
              f'</section>')
    quarto = quarto_video(s)
    out = [{"id": "html", "label": "HTML <video> tag", "code": video},
           {"id": "reveal", "label": "reveal.js section", "code": reveal},
           {"id": "quarto", "label": "Quarto shortcode", "code": quarto}]
    if s.file("beamer"):
        out.append({"id": "beamer", "label": "Beamer (animate package)",
                    "code": beamer_snippet(s)})
    return out


def quarto_video(s: Slide) -> str:
    title = s.entry["title"].replace('"', "'")
    return (f'{{{{< video {s.file("mp4")} title="{title}" width="100%" '
            f'aspect-ratio="16x9" >}}}}')


def beamer_snippet(s: Slide) -> str:
    """The frame folder's snippet, with the folder as it sits in the kit."""
    from gdanim.figures import sequence

    return sequence.snippet(s.entry["name"], s.entry["frames"], s.entry["fps"],
                            s.file("beamer_frames"))


# --- PowerPoint ------------------------------------------------------------------------

def write_pptx(kit: Path, slides: list[Slide]) -> Path:
    """gdanim.pptx: a title slide, one slide per animation (the MP4 full-bleed with its
    poster, starting by itself and looping), and a credits slide. The caption is the
    movie's description (alt text) and a text box just below the slide, seen while
    editing and never projected: speaker notes written by python-pptx make Keynote
    refuse the file (python-pptx issue #1051), so there are none."""
    from pptx import Presentation
    from pptx.util import Emu

    from gdanim.figures.encode import atomic_path

    deck = Presentation()
    deck.slide_width, deck.slide_height = Emu(SLIDE_WIDTH), Emu(SLIDE_HEIGHT)
    deck.part._element.find(_qn("p:sldSz")).set("type", SLIDE_TYPE)
    blank = deck.slide_layouts[6]

    first = deck.slides.add_slide(blank)
    _text(first, TITLE, 0.6, 0.9, 8.8, 1.4, size=36, bold=True)  # room for two lines
    chapters = list(dict.fromkeys(s.chapter for s in slides))
    _text(first, f"{_count(len(slides), 'animation')} from {_count(len(chapters), 'chapter')}: "
                 + "; ".join(chapters) + ".", 0.6, 2.5, 8.8, 1.6, size=18, colour="575C63")
    _text(first, "Each animation starts by itself and loops; click it to pause.",
          0.6, 4.4, 8.8, 0.5, size=14, colour="575C63")

    for s in slides:
        slide = deck.slides.add_slide(blank)
        poster = kit / s.file("poster") if s.file("poster") else None
        movie = slide.shapes.add_movie(str(kit / s.file("mp4")), 0, 0, deck.slide_width,
                                       deck.slide_height, poster_frame_image=(
                                           str(poster) if poster else None),
                                       mime_type="video/mp4")
        movie.name = s.entry["title"]
        movie._element.find(".//" + _qn("p:cNvPr")).set("descr", s.entry["alt"])
        autoplay_and_loop(slide, movie)
        # Beneath the slide's bottom edge: visible in the editor, not in the show.
        _text(slide, f"{s.chapter}: {s.entry['title']}. {s.entry['alt']}",
              0, 5.75, 10, 1.0, size=12, colour="575C63")

    last = deck.slides.add_slide(blank)
    _text(last, "Credits", 0.6, 0.4, 8.8, 0.8, size=32, bold=True)
    box = _text(last, "", 0.6, 1.3, 8.8, 3.9, size=15)
    frame = box.text_frame
    for i, (head, body) in enumerate(CREDITS):
        para = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        for words, bold in ((f"{head}. ", True), (body, False)):
            run = para.add_run()
            run.text, run.font.bold, run.font.size = words, bold, _pt(15)
        para.space_after = _pt(12)

    path = kit / DECK
    with atomic_path(path) as tmp:
        deck.save(str(tmp))
    return path


def autoplay_and_loop(slide, movie) -> None:
    """python-pptx times a movie to start on a click. Make it start as the slide
    appears (the start condition's delay 0 instead of "indefinite") and repeat
    indefinitely, as manim-slides does."""
    spid = movie._element.find(".//" + _qn("p:cNvPr")).get("id")
    for target in slide._element.iter(_qn("p:spTgt")):
        if target.get("spid") != spid:
            continue
        node = target.getparent().getparent()           # p:cMediaNode
        timing = node.find(_qn("p:cTn"))
        timing.set("repeatCount", "indefinite")
        for cond in timing.iter(_qn("p:cond")):
            cond.set("delay", "0")
        return
    raise GdanimError("python-pptx wrote no timing for the movie; cannot make it autoplay")


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _qn(tag: str) -> str:
    from pptx.oxml.ns import qn

    return qn(tag)


def _pt(points: float):
    from pptx.util import Pt

    return Pt(points)


def _text(slide, content: str, left: float, top: float, width: float, height: float,
          size: float, bold: bool = False, colour: str = "1D1F22"):
    from pptx.dml.color import RGBColor
    from pptx.util import Inches, Pt

    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    frame = box.text_frame
    frame.word_wrap = True
    if content:
        run = frame.paragraphs[0].add_run()
        run.text = content
        run.font.size, run.font.bold = Pt(size), bold
        run.font.color.rgb = RGBColor.from_string(colour)
    else:
        frame.paragraphs[0].font.size = Pt(size)
    return box


# --- Quarto ----------------------------------------------------------------------------

def quarto_deck(slides: list[Slide]) -> str:
    """slides.qmd: a revealjs deck, one background video per animation (looping,
    muted, so browsers let it play), titles from the build."""
    lines = ["---", f'title: "{TITLE}"', "format:", "  revealjs:",
             "    embed-resources: false", "    controls: true", "    slide-number: true",
             "---", ""]
    for s in slides:
        video = s.file("mp4")
        attrs = [f'background-video="{video}"', "background-video-loop=\"true\"",
                 "background-video-muted=\"true\"", 'background-size="contain"',
                 'background-color="#ffffff"']
        lines += [f"## {{{' '.join(attrs)}}}", "", "::: {.notes}",
                  f"{s.chapter}: {s.entry['title']}. {s.entry['alt']}", ":::", ""]
    lines += ["## Credits", ""]
    lines += [f"- **{head}.** {body}" for head, body in CREDITS]
    return "\n".join(lines) + "\n"


# --- the presenter view ----------------------------------------------------------------

def presenter_page(kit: Path, slides: list[Slide]) -> str:
    """index.html: one animation per screen with the site's player, driven by keys."""
    from gdanim.figures import media
    from gdanim.outputs import webpages

    records = []
    for s in slides:
        fields = {k: s.entry[k] for k in media.MediaRecord.__dataclass_fields__}
        records.append((s, media.MediaRecord(**fields)))
    env = webpages.environment()
    token = webpages._site_root.set(kit)
    try:
        return webpages.render(env.get_template("slides/presenter.html"), slides=records,
                           deck=DECK, page=None)
    finally:
        webpages._site_root.reset(token)


# --- the GIF budget --------------------------------------------------------------------

# Each step costs more of the picture than the one before: fewer colours first (plots
# use few), then every other frame, then fewer pixels.
GIF_STEPS = ((128, 1, 1920), (64, 1, 1920), (64, 2, 1920), (64, 2, 1280), (48, 2, 960),
             (32, 3, 960), (32, 3, 640))


def shrink_gif(kit: Path, s: Slide, say: Callable[[str], None],
               budget: int = GIF_BUDGET) -> str:
    """Re-encode the slide GIF from its MP4 until it fits `budget` bytes. Returns a
    sentence saying what was done ("" if it already fitted)."""
    import imageio_ffmpeg

    from gdanim.figures.encode import atomic_path

    gif = kit / s.file("gif")
    size = gif.stat().st_size
    if size <= budget:
        return ""
    if not s.file("mp4"):
        return (f"The GIF is {text.file_size(size)}, over the {text.file_size(budget)} "
                f"budget; build with the mp4 format too to let the build shrink it.")
    fps = s.entry["fps"]
    for colours, every, width in GIF_STEPS:
        width = min(width, s.entry["width"])
        graph = (f"[0:v]select='not(mod(n\\,{every}))',setpts=N/({fps}/{every})/TB,"
                 f"scale={width}:-2:flags=lanczos,split[a][b];"
                 f"[a]palettegen=max_colors={colours}:stats_mode=diff[p];"
                 f"[b][p]paletteuse=dither=bayer:bayer_scale=4:diff_mode=rectangle")
        with atomic_path(gif) as tmp:
            result = subprocess.run(
                [imageio_ffmpeg.get_ffmpeg_exe(), "-hide_banner", "-loglevel", "error", "-y",
                 "-i", str(kit / s.file("mp4")), "-filter_complex", graph,
                 "-r", f"{fps / every:g}", "-loop", "0", "-f", "gif", str(tmp)],
                capture_output=True, text=True)
            if result.returncode != 0:
                raise GdanimError(f"ffmpeg failed shrinking {gif.name}:\n{result.stderr}")
            new = tmp.stat().st_size
            if new > budget and (colours, every, width) != GIF_STEPS[-1]:
                continue
        done = [f"{colours} colours"]
        if every > 1:
            done.append(f"every {'other' if every == 2 else f'{every}rd'} frame "
                        f"({fps / every:g} fps)")
        if width < s.entry["width"]:
            done.append(f"{width} pixels wide")
        note = (f"The slide GIF was {text.file_size(size)}, over the "
                f"{text.file_size(budget)} budget, so it was made with "
                f"{', '.join(done)}: now {text.file_size(new)}. The MP4 is full quality.")
        say(f"  gif    {s.id}: {text.file_size(size)} -> {text.file_size(new)} "
            f"({', '.join(done)})")
        return note
    return ""
