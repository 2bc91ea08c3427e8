"""The slides kit: every animation at slide size (the `slides` quality) with a
PowerPoint/Keynote deck, a presenter view that works from disk, a Quarto revealjs deck,
snippets to paste into other decks, and Beamer snippets when the `frames` format was
asked for.

`make` builds the media with the ordinary build into `<out>/slides/` and then writes
the kit beside them from the build's manifest (the slide build's own pages stay, at
slide size; its index.html becomes the presenter view). A site build in `<out>` keeps
the kit (it keeps every file it did not write) and links each animation to it
(outputs/kit_index.py says where the kit is and what the pages read from it)."""
from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, replace
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
)


# --- the command ---------------------------------------------------------------------

def make(out: Path, only: tuple[str, ...], formats: str, progress: bool = True,
         reuse: bool = True, jobs: int | None = None, config_path: str | None = None) -> Path:
    """Build every animation at slide quality and write the kit, with gdanim.toml's
    site title, author and chapters (`config_path`, or ./gdanim.toml), as `build` does.
    The kit is made in a staging folder beside `out/slides/` (which starts as a copy of
    the current kit, so unchanged animations are reused) and swapped in only when it
    is complete: a failed or interrupted run leaves the previous kit and site as they
    were. Returns the kit folder."""
    import click

    from gdanim import settings
    from gdanim.build import outdir
    from gdanim.build.pipeline import build
    from gdanim.core.config import ConfigError, parse_build_config
    from gdanim.chapters import SCENARIOS, installed

    chosen = settings.load(config_path)
    kit = out / KIT
    say = (lambda msg: click.echo(msg, err=True)) if progress else (lambda msg: None)
    with installed(chosen.scenarios):
        problems = deck_problems(formats)
        try:
            config = parse_build_config(str(kit), only, formats, "slides", list(SCENARIOS),
                                        "", chosen.site)
        except ConfigError as error:
            raise ConfigError(error.problems + problems) from None
        if problems:
            raise ConfigError(problems)
        for note in chosen.notes:
            say(f"note: {note}")
        if clean_stale(kit):
            say("removed a slides kit left half-made by an interrupted run")
        made = _missing_ancestors(kit.parent)
        staging = None
        try:
            staging = outdir.make_staging(kit)
            with _racing(kit):
                _copy_kit(kit, staging)
            manifest = build(replace(config, out=staging), progress=progress, reuse=reuse,
                             jobs=jobs, shown_as=str(kit))
            write_kit(staging, manifest, say, chosen.site)
            with _racing(kit):
                _swap_in(staging, kit)
        except BaseException:
            if staging is not None:
                shutil.rmtree(staging, ignore_errors=True)
            for folder in made:         # the folders this run made, if still empty
                try:
                    folder.rmdir()
                except OSError:
                    break
            raise
    say(f"wrote the slides kit to {kit}/ ({len(manifest['animations'])} animations: {DECK}, "
        f"index.html, slides.qmd)")
    return kit


def deck_problems(formats: str) -> list[str]:
    """The deck and the presenter view play the MP4s: a format list without mp4
    cannot make a kit."""
    wanted = {f.strip().lower() for f in formats.split(",") if f.strip()}
    if not wanted or "mp4" in wanted:
        return []   # (no format at all is the build's own problem)
    return [f"'formats': the slides kit needs mp4 (the PowerPoint deck and the presenter "
            f"view play the MP4s); add it, e.g. --formats mp4,{','.join(sorted(wanted))}"]


# Media files are linked into the staging copy (a build never rewrites a file in place,
# and shrink_gif and write_pptx replace theirs); every other file is copied, so writing
# it in the staging folder can never write through to the kit that is in use.
LINKED = (".mp4", ".gif", ".png")


@contextmanager
def _racing(kit: Path):
    """Another `slides` run into the same folder moved the kit while this one read or
    replaced it: say so plainly."""
    try:
        yield
    except OSError as error:
        if error.errno not in (errno.ENOENT, errno.ENOTEMPTY, errno.EEXIST):
            raise
        raise GdanimError(f"the slides kit in {kit} changed while this run was using it "
                          f"(another `slides` run into the same folder?). This run "
                          f"changed nothing; run it again once the other has finished"
                          ) from None


def _copy_kit(kit: Path, staging: Path) -> None:
    """Fill `staging` with a copy of `kit` (media linked, not copied). The deck is left
    out: every run writes it anew, and it holds every MP4 again."""
    if not kit.is_dir():
        return
    for source in sorted(kit.rglob("*")):
        target = staging / source.relative_to(kit)
        if source == kit / DECK:
            continue
        if source.is_symlink():
            os.symlink(os.readlink(source), target)
        elif source.is_dir():
            target.mkdir()
        elif source.suffix in LINKED:
            try:
                os.link(source, target)
            except OSError:
                shutil.copy2(source, target)
        else:
            shutil.copy2(source, target)


def clean_stale(kit: Path) -> list[Path]:
    """Remove what a killed `slides` left beside `kit`: its staging copy, the build's
    own staging folder beside that ("..slides-staging-..."), an old kit moved aside."""
    import re

    from gdanim.build.outdir import _alive

    pattern = re.compile(rf"^\.\.?{re.escape(kit.name)}-(staging|old)-(\d+)-")
    removed = []
    if kit.parent.is_dir():
        for entry in kit.parent.iterdir():
            match = pattern.match(entry.name)
            if match and entry.is_dir() and not entry.is_symlink() \
                    and not _alive(int(match.group(2))):
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
    return removed


def _swap_in(staging: Path, kit: Path) -> None:
    """Put the finished kit in place: the old one moves aside, the new one in, the old
    one goes. If the second move fails the old kit goes back."""
    if not kit.exists() and not kit.is_symlink():
        os.replace(staging, kit)
        return
    old = Path(tempfile.mkdtemp(prefix=f".{kit.name}-old-{os.getpid()}-", dir=kit.parent))
    try:
        os.replace(kit, old / KIT)
    except BaseException:
        shutil.rmtree(old, ignore_errors=True)
        raise
    try:
        os.replace(staging, kit)
    except BaseException:
        try:
            os.replace(old / KIT, kit)
        except OSError:
            pass   # another run's kit is there now: keep it (its run finished)
        shutil.rmtree(old, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _missing_ancestors(folder: Path) -> list[Path]:
    """`folder` and its parents that do not exist yet, innermost first."""
    missing = []
    folder = folder.absolute()
    while not os.path.lexists(folder) and folder != folder.parent:
        missing.append(folder)
        folder = folder.parent
    return missing


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
              site=None) -> None:
    """Write the deck, presenter view, Quarto deck, snippets and kit.json into `kit`,
    which holds a slide-quality build (its manifest is `manifest`). `site` is
    gdanim.toml's [site] (a SiteInfo): its title and author go on the decks and the
    presenter view."""
    from gdanim.core.config import SiteInfo

    site = site or SiteInfo()
    titles = {p["slug"]: p["title"] for p in manifest["pages"]}
    slides = [Slide(a, titles[a["scenario"]]) for a in manifest["animations"]]
    gif_notes = {s.id: shrink_gif(kit, s, say) for s in slides if s.file("gif")}
    # A GIF shrunk by an earlier run and reused since fits now: keep saying what was done.
    old = _previous_entries(kit)
    for s in slides:
        before = old.get(f"{s.entry['scenario']}/{s.entry['name']}", {})
        sizes = {d["label"]: d["size"] for d in before.get("downloads", [])}
        if s.file("gif") and not gif_notes.get(s.id) and before.get("gif_note") and \
                sizes.get("GIF") == text.file_size((kit / s.file("gif")).stat().st_size):
            gif_notes[s.id] = before["gif_note"]
    for name in ("presenter.js", "presenter.css"):
        shutil.copyfile(_templates() / "slides" / name, kit / "static" / name)
    (kit / "index.html").write_text(presenter_page(kit, slides, site), encoding="utf-8")
    say(f"  deck   {KIT}/{DECK}")
    write_pptx(kit, slides, site.title, site.author)
    (kit / "slides.qmd").write_text(quarto_deck(slides, site.title, site.author),
                                    encoding="utf-8")
    entries = {}
    for s in slides:
        entries[f"{s.entry['scenario']}/{s.entry['name']}"] = {
            "title": s.entry["title"], "chapter": s.chapter,
            "width": s.entry["width"], "height": s.entry["height"], "fps": s.entry["fps"],
            "duration_s": s.entry["duration_s"],
            "downloads": downloads(kit, s), "snippets": snippets(s),
            "gif_note": gif_notes.get(s.id) or ""}
    (kit / KIT_FILE).write_text(json.dumps({"generator": "gdanim", "animations": entries},
                                           indent=1) + "\n", encoding="utf-8")


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

def write_pptx(kit: Path, slides: list[Slide], title: str = TITLE, author: str = "") -> Path:
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
    # Room for a two-line title, and the author's name below it.
    _text(first, title, 0.6, 0.5 if author else 0.9, 8.8, 1.4, size=36, bold=True)
    if author:
        _text(first, author, 0.6, 1.95, 8.8, 0.5, size=20, colour="575C63")
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

def quarto_deck(slides: list[Slide], title: str = TITLE, author: str = "") -> str:
    """slides.qmd: a revealjs deck, one background video per animation (looping,
    muted, so browsers let it play), titles from the build."""
    # A JSON string is a YAML string too: quotes and colons in a title stay text.
    lines = ["---", f"title: {json.dumps(title, ensure_ascii=False)}"] + (
        [f"author: {json.dumps(author, ensure_ascii=False)}"] if author else []) + [
        "format:", "  revealjs:",
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

def presenter_page(kit: Path, slides: list[Slide], site=None) -> str:
    """index.html: one animation per screen with the site's player, driven by keys."""
    from gdanim.figures import media
    from gdanim.outputs import webpages

    records = []
    for s in slides:
        fields = {k: s.entry[k] for k in media.MediaRecord.__dataclass_fields__}
        records.append((s, media.MediaRecord(**fields)))
    env = webpages.environment(site)
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
        if new > budget:   # even the smallest step did not fit: say so plainly
            note = (f"The slide GIF is {text.file_size(new)}, over the "
                    f"{text.file_size(budget)} budget by {text.file_size(new - budget)}, "
                    f"even made with {', '.join(done)} (it was {text.file_size(size)}). "
                    f"Apps with a GIF size limit may refuse it; use the MP4 (full quality) "
                    f"where you can.")
            say(f"  gif    {s.id}: OVER BUDGET: {text.file_size(new)}, "
                f"{text.file_size(new - budget)} over {text.file_size(budget)} even with "
                f"{', '.join(done)}")
            return note
        note = (f"The slide GIF was {text.file_size(size)}, over the "
                f"{text.file_size(budget)} budget, so it was made with "
                f"{', '.join(done)}: now {text.file_size(new)}. The MP4 is full quality.")
        say(f"  gif    {s.id}: {text.file_size(size)} -> {text.file_size(new)} "
            f"({', '.join(done)})")
        return note
    return ""
