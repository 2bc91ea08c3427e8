"""The slides kit: every animation at slide size (the `slides` quality) with a
PowerPoint/Keynote deck, a presenter view that works from disk (with a speaker notes
window, notes.html), a Quarto revealjs deck, snippets to paste into other decks, and
Beamer snippets (with all their frames in one beamer.zip) when the `frames` format was
asked for. The deck, the presenter view and the Quarto deck share each animation's
talking points (talking_points).

`make` runs the ordinary build into `<out>/slides/` as a kit (config kind "kit"): the
animations only (no stills, covers or site pages), and in place of the pages job the
kit's own files, written by `write_kit` and recorded in the kit's manifest like any
output. A site build in `<out>` keeps the kit (it keeps every file it did not write)
and links each animation to it (outputs/kit_index.py says where the kit is and what the
pages read from it); and when `slides` runs after a site build, it rebuilds that site's
pages (`relink_site`), so the two commands can run in either order."""
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
    ("Handout", "A printable page per animation (its poster, key frames and numbers): "
     "handout.pdf, beside the site's index.html, under \u201cTeach with this\u201d."),
)


# --- the command ---------------------------------------------------------------------

def make(out: Path, only: tuple[str, ...], formats: str, progress: bool = True,
         reuse: bool = True, jobs: int | None = None, config_path: str | None = None) -> Path:
    """Build every animation at slide quality and write the kit, with gdanim.toml's
    site title, author and chapters (`config_path`, or ./gdanim.toml), as `build` does.
    The kit is a build of its own (config kind "kit": the animations, and in place of
    the pages the kit's files, recorded in its manifest), made in a staging folder
    beside `out/slides/` (which starts as a copy of the current kit, so unchanged
    animations are reused) and swapped in only when it is complete: a failed or
    interrupted run leaves the previous kit and site as they were. Then, if `out` holds
    a site, its pages are rebuilt to link the kit. Returns the kit folder."""
    import click

    from gdanim import settings
    from gdanim.engine import outdir
    from gdanim.engine.pipeline import build
    from gdanim.options import ConfigError, parse_build_config
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
            manifest = build(replace(config, out=staging, kind="kit"), progress=progress,
                             reuse=reuse, jobs=jobs, shown_as=str(kit),
                             kit_writer=lambda folder, manifest, final, say: write_kit(
                                 folder, manifest, say, chosen.site, previous=final))
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
        say(f"wrote the slides kit to {kit}/ ({len(manifest['animations'])} animations: "
            f"{DECK}, index.html, slides.qmd)")
        relink_site(out, progress, jobs, chosen.site)
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

    from gdanim.engine.outdir import _alive

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




def relink_site(out: Path, progress: bool, jobs: int | None, site) -> bool:
    """If `out` holds a site gdanim built, build it again with the settings it was built
    with (its manifest's chapters, quality, formats and address): only its pages change,
    now linking the kit. Returns whether it did. Call with the chapters installed."""
    import click

    from gdanim.engine.pipeline import build
    from gdanim.chapters import SCENARIOS
    from gdanim.options import parse_build_config

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
              site=None, previous: Path | None = None) -> None:
    """Write the deck, presenter view, Quarto deck, snippets, beamer.zip and kit.json
    into `kit`, which holds the slide-quality animations listed in `manifest`. `site`
    is gdanim.toml's [site] (a SiteInfo): its title and author go on the decks and the
    presenter view. `previous` is the kit folder of the last run (default `kit`)."""
    from gdanim.core.config import SiteInfo
    from gdanim.outputs import webpages

    site = site or SiteInfo()
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
    explorers = manifest.get("explorers", ())     # chapters with an explorer
    (kit / "index.html").write_text(presenter_page(kit, slides, site, explorers=explorers),
                                    encoding="utf-8")
    (kit / NOTES_PAGE).write_text(presenter_page(kit, slides, site, NOTES_PAGE, explorers),
                                  encoding="utf-8")
    say(f"  deck   {KIT}/{DECK}")
    write_pptx(kit, slides, site.title, site.author)
    (kit / "slides.qmd").write_text(quarto_deck(kit, slides, site.title, site.author),
                                    encoding="utf-8")
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
              f'data-background-color="#ffffff">\n  <!-- {escape(s.entry["title"]).replace("--", "–")} -->\n'
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
    # A shortcode's attribute ends at a double quote and the shortcode at >}}: a
    # teacher's title must not carry either (nor a line break).
    title = " ".join(s.entry["title"].split())
    title = title.replace('"', "'").replace("<", "‹").replace(">", "›").replace("}", ")")
    return (f'{{{{< video {s.file("mp4")} title="{title}" width="100%" '
            f'aspect-ratio="16x9" >}}}}')


# --- what to say: the speaker notes of the deck and the presenter view -------------------

@dataclass(frozen=True)
class Notes:
    """What a presenter says over one animation: the caption, the key numbers (where
    the run starts and ends, its settings) and what to point at, all read from the
    animation's own frame table, so they hold for a CSV chapter as for the lesson."""

    heading: str      # "chapter: title."
    caption: str      # the animation's description
    numbers: tuple[str, ...]
    point_at: tuple[str, ...]

    def text(self) -> str:
        lines = [f"{self.heading} {self.caption}"]
        if self.numbers:
            lines += ["", "Key numbers:", *(f"- {n}" for n in self.numbers)]
        if self.point_at:
            lines += ["", "Point at:", *(f"- {n}" for n in self.point_at)]
        return "\n".join(lines)


_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def number(x: float) -> str:
    """A number as the player's readout prints it: a few significant digits, grouped
    thousands, a true minus sign."""
    x = float(x)
    if x != x or x in (float("inf"), float("-inf")):
        return "not a number" if x != x else text.minus(f"{x}")
    if x != 0 and abs(x) < 1e-3:
        mantissa, exponent = f"{x:.2e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return text.minus(mantissa) + "\u00d710" + str(int(exponent)).translate(_SUPERSCRIPT)
    if abs(x) >= 1000:
        return text.minus(f"{x:,.0f}")
    return text.minus(f"{x:.4g}")


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _count_of(value: float) -> str:
    return f"{round(value):,}"


def talking_points(kit: Path, s: Slide) -> Notes:
    heading, caption = f"{s.chapter}: {s.entry['title']}.", s.entry["alt"]
    settings = [f"{name.replace('_', ' ')} {_setting(value)}"
                for name, value in s.entry.get("params", {}).items()
                if _setting(value) is not None]
    table = None
    if s.file("frames"):
        try:
            table = json.loads((kit / s.file("frames")).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            table = None
    if not table or not table.get("frames"):
        return Notes(heading, caption,
                     tuple(["Settings: " + ", ".join(settings) + "."] if settings else []), ())
    if table.get("runs"):
        numbers, point = _race_points(table)
    else:
        numbers, point = _run_points(table)
    if settings:
        numbers.append("Settings: " + ", ".join(settings) + ".")
    return Notes(heading, caption, tuple(numbers), tuple(point))


def _setting(value) -> str | None:
    """A run's setting as a short text, or None for one too big to say (a dict)."""
    if isinstance(value, bool) or isinstance(value, str):
        return str(value).lower() if isinstance(value, bool) else value
    if isinstance(value, (int, float)):
        return _count_of(value) if isinstance(value, int) else number(value)
    if isinstance(value, list) and all(isinstance(v, (int, float)) for v in value):
        return "(" + ", ".join(number(v) for v in value) + ")"
    return None


def _finite(x: float) -> bool:
    return x == x and abs(x) != float("inf")


def _run_points(table: dict) -> tuple[list[str], list[str]]:
    """One run: where it starts and ends, and the frame worth pointing at."""
    frames, label, names = table["frames"], table["label"], table.get("names", [])

    def state(f: dict) -> str:
        parts = [f"{n} {number(v)}" for n, v in zip(names, f["params"])]
        return ", ".join(parts + [f"loss {number(f['loss'])}"])

    first, last = frames[0], frames[-1]
    numbers = [f"Start, {label} {_count_of(first['epoch'])}: {state(first)}.",
               f"End, {label} {_count_of(last['epoch'])}: {state(last)}."]
    losses = [f["loss"] if _finite(f["loss"]) else float("inf") for f in frames]
    low = min(range(len(frames)), key=losses.__getitem__)
    fall = losses[0] - losses[-1]
    point = []
    if fall > 0 and losses[-1] - losses[low] <= 1e-3 * fall:
        # A descent: it ends at the bottom (to within a hair). Most of the fall comes
        # early, in big steps: say when.
        k = next(i for i, loss in enumerate(losses) if loss <= losses[-1] + 0.1 * fall)
        point.append(f"By {label} {_count_of(frames[k]['epoch'])} the loss has made 90% of "
                     f"its fall (to {number(losses[k])}); the steps after that are small.")
    elif 0 < low < len(frames) - 1:
        point.append(f"The lowest loss, at {label} {_count_of(frames[low]['epoch'])}: "
                     f"{state(frames[low])}.")
    if not _finite(last["loss"]) or last["loss"] > first["loss"]:
        point.append("The loss ends higher than it started: the run diverged.")
    return numbers, point


def _race_points(table: dict) -> tuple[list[str], list[str]]:
    """Several runs at once: each run's final loss, the lowest, and who diverged."""
    frames, label, runs = table["frames"], table["label"], table["runs"]
    first, last = frames[0], frames[-1]
    start = {number(v) for v in first["loss"]}
    numbers = [f"Start, {label} {_count_of(first['epoch'])}: loss "
               + (start.pop() + " for every run" if len(start) == 1 else
                  "; ".join(f"{r} {number(v)}" for r, v in zip(runs, first["loss"]))) + ".",
               f"End, {label} {_count_of(last['epoch'])}: "
               + "; ".join(f"{r}: loss {number(v)}" for r, v in zip(runs, last["loss"])) + "."]
    finals = [v if _finite(v) else float("inf") for v in last["loss"]]
    best = min(range(len(runs)), key=finals.__getitem__)
    # Runs that end level with the best (to 0.1%) share it: name them all.
    level = [r for r, v in zip(runs, finals) if v <= finals[best] + 1e-3 * abs(finals[best])]
    point = [f"Lowest final loss: {number(finals[best])}, reached by " + _and(level) + "."]
    diverged = [r for r, v0, v in zip(runs, first["loss"], last["loss"])
                if not _finite(v) or v > v0]
    if diverged:
        point.append(_and(diverged) + (" ends" if len(diverged) == 1 else " end")
                     + " higher than at the start: diverged.")
    return numbers, point


def beamer_snippet(s: Slide) -> str:
    """The frame folder's snippet, with the folder as it sits in the kit."""
    from gdanim.figures import sequence

    return sequence.snippet(s.entry["name"], s.entry["frames"], s.entry["fps"],
                            s.file("beamer_frames"))


# --- PowerPoint ------------------------------------------------------------------------

def write_pptx(kit: Path, slides: list[Slide], title: str = TITLE, author: str = "") -> Path:
    """gdanim.pptx: a title slide, one slide per animation (the MP4 full-bleed with its
    poster, starting by itself and looping, its description as alt text), and a credits
    slide. Each animation's speaker notes hold its caption, key numbers and what to
    point at (talking_points), with the notes master listed where Keynote looks for it
    (list_notes_master)."""
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
    _notes(first, (
        "Each animation slide starts its movie as the slide appears and loops it; a click "
        "on the movie pauses and resumes it. Its notes hold the caption, the key numbers "
        "and what to point at."))

    for s in slides:
        slide = deck.slides.add_slide(blank)
        poster = kit / s.file("poster") if s.file("poster") else None
        movie = slide.shapes.add_movie(str(kit / s.file("mp4")), 0, 0, deck.slide_width,
                                       deck.slide_height, poster_frame_image=(
                                           str(poster) if poster else None),
                                       mime_type="video/mp4")
        movie.name = s.entry["title"]
        movie._element.find(".//" + _qn("p:cNvPr")).set("descr", s.entry["alt"])
        autoplay_and_loop(slide, movie, s.entry["duration_s"])
        _notes(slide, talking_points(kit, s).text())

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
    _notes(last, "\n".join(f"{h}. {b}" for h, b in CREDITS))

    list_notes_master(deck)
    path = kit / DECK
    with atomic_path(path) as tmp:
        deck.save(str(tmp))
    return path


def _notes(slide, content: str) -> None:
    """The slide's speaker notes, one paragraph a line, at 12 pt so that a printed
    notes page holds them."""
    frame = slide.notes_slide.notes_text_frame
    frame.text = content
    for para in frame.paragraphs:
        for run in para.runs:
            run.font.size = _pt(12)


def list_notes_master(deck) -> None:
    """Name the notes master in presentation.xml, as PowerPoint does.

    python-pptx makes a notes master (with its theme) for the first notes slide and
    relates it to the presentation, but does not add the `<p:notesMasterIdLst>` entry
    that names it: a reader that finds the master through that list, as Keynote does,
    meets notes slides whose master it cannot find and refuses the file (python-pptx
    issue #1051; the same omission in other writers, and its fix, are described in
    python-pptx PR #1128 and iOfficeAI/OfficeCLI #255). The list goes right after the
    slide masters' list, where the schema puts it."""
    from pptx.opc.constants import RELATIONSHIP_TYPE as RT

    part = deck.part
    root = part._element
    if root.find(_qn("p:notesMasterIdLst")) is not None:
        return
    rid = next((r.rId for r in part.rels.values() if r.reltype == RT.NOTES_MASTER), None)
    if rid is None:         # no notes anywhere: nothing to name
        return
    listing = root.makeelement(_qn("p:notesMasterIdLst"), {})
    listing.append(root.makeelement(_qn("p:notesMasterId"), {_qn("r:id"): rid}))
    root.find(_qn("p:sldMasterIdLst")).addnext(listing)


# The timing PowerPoint itself writes for a movie set to "Start: Automatically" and
# "Loop until stopped", with the trigger it adds so that a click on the movie pauses
# and resumes it. Read top down:
# - the main sequence (what the show runs on its own): its first step starts as the
#   slide begins (the onBegin condition pointing at the sequence, id 2) and holds one
#   effect of the "media call" kind, playFrom(0.0) on the movie, timed to the movie's
#   length (PowerPoint's "After Previous", which is what "Automatically" means);
# - an interactive sequence: a click on the movie (the onClick condition that names
#   it) runs togglePause on it;
# - the media node: the movie itself, repeating indefinitely ("Loop until stopped").
# python-pptx writes only a bare media node, which PowerPoint plays on a click and
# LibreOffice does not play at all; with the main sequence LibreOffice imports a
# play command and an indefinite repeat (tests/test_slides.py checks that).
_TIMING = """<p:timing xmlns:p="http://schemas.openxmlformats.org/presentationml/2006/main">
<p:tnLst><p:par><p:cTn id="1" dur="indefinite" restart="never" nodeType="tmRoot"><p:childTnLst>
 <p:seq concurrent="1" nextAc="seek"><p:cTn id="2" dur="indefinite" nodeType="mainSeq"><p:childTnLst>
  <p:par><p:cTn id="3" fill="hold"><p:stCondLst><p:cond delay="indefinite"/>
    <p:cond evt="onBegin" delay="0"><p:tn val="2"/></p:cond></p:stCondLst><p:childTnLst>
   <p:par><p:cTn id="4" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>
    <p:par><p:cTn id="5" presetID="1" presetClass="mediacall" presetSubtype="0" fill="hold"
        nodeType="afterEffect"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>
     <p:cmd type="call" cmd="playFrom(0.0)"><p:cBhvr><p:cTn id="6" dur="{ms}" fill="hold"/>
      <p:tgtEl><p:spTgt spid="{spid}"/></p:tgtEl></p:cBhvr></p:cmd>
    </p:childTnLst></p:cTn></p:par>
   </p:childTnLst></p:cTn></p:par>
  </p:childTnLst></p:cTn></p:par>
 </p:childTnLst></p:cTn>
 <p:prevCondLst><p:cond evt="onPrev" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:prevCondLst>
 <p:nextCondLst><p:cond evt="onNext" delay="0"><p:tgtEl><p:sldTgt/></p:tgtEl></p:cond></p:nextCondLst>
 </p:seq>
 <p:seq concurrent="1" nextAc="seek"><p:cTn id="7" restart="whenNotActive" fill="hold"
     evtFilter="cancelBubble" nodeType="interactiveSeq"><p:stCondLst>
   <p:cond evt="onClick" delay="0"><p:tgtEl><p:spTgt spid="{spid}"/></p:tgtEl></p:cond>
  </p:stCondLst><p:endSync evt="end" delay="0"><p:rtn val="all"/></p:endSync><p:childTnLst>
  <p:par><p:cTn id="8" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>
   <p:par><p:cTn id="9" fill="hold"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>
    <p:par><p:cTn id="10" presetID="2" presetClass="mediacall" presetSubtype="0" fill="hold"
        nodeType="clickEffect"><p:stCondLst><p:cond delay="0"/></p:stCondLst><p:childTnLst>
     <p:cmd type="call" cmd="togglePause"><p:cBhvr><p:cTn id="11" dur="1" fill="hold"/>
      <p:tgtEl><p:spTgt spid="{spid}"/></p:tgtEl></p:cBhvr></p:cmd>
    </p:childTnLst></p:cTn></p:par>
   </p:childTnLst></p:cTn></p:par>
  </p:childTnLst></p:cTn></p:par>
 </p:childTnLst></p:cTn>
 <p:nextCondLst><p:cond evt="onClick" delay="0"><p:tgtEl><p:spTgt spid="{spid}"/></p:tgtEl>
  </p:cond></p:nextCondLst></p:seq>
 <p:video><p:cMediaNode vol="80000"><p:cTn id="12" repeatCount="indefinite" fill="hold"
     display="0"><p:stCondLst><p:cond delay="indefinite"/></p:stCondLst></p:cTn>
  <p:tgtEl><p:spTgt spid="{spid}"/></p:tgtEl></p:cMediaNode></p:video>
</p:childTnLst></p:cTn></p:par></p:tnLst></p:timing>"""


def autoplay_and_loop(slide, movie, duration_s: float) -> None:
    """Replace python-pptx's timing for `movie` (a click starts it) with PowerPoint's
    own for "Start: Automatically" and "Loop until stopped" (see _TIMING)."""
    from pptx.oxml import parse_xml

    spid = movie._element.find(".//" + _qn("p:cNvPr")).get("id")
    old = slide._element.find(_qn("p:timing"))
    if old is None:
        raise GdanimError("python-pptx wrote no timing for the movie; cannot make it autoplay")
    ms = max(1, round(duration_s * 1000))
    old.getparent().replace(old, parse_xml(_TIMING.format(spid=spid, ms=ms)))


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

def quarto_deck(kit: Path, slides: list[Slide], title: str = TITLE, author: str = "") -> str:
    """slides.qmd: a revealjs deck, one background video per animation (looping,
    muted, so browsers let it play), titles from the build, the talking points as
    speaker notes."""
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
                  _markdown_lines(talking_points(kit, s).text()), ":::", ""]
    lines += ["## Credits", ""]
    lines += [f"- **{head}.** {body}" for head, body in CREDITS]
    return "\n".join(lines) + "\n"


def _markdown_lines(text: str) -> str:
    """Notes as Markdown text: a teacher's titles and captions shown as written, never
    read as HTML or Markdown (each line escaped; "- " list items kept)."""
    from gdanim.outputs.notebook import markdown_text

    return "\n".join("- " + markdown_text(line[2:]) if line.startswith("- ") else
                     markdown_text(line) for line in text.split("\n"))


# --- the presenter view ----------------------------------------------------------------

NOTES_PAGE = "notes.html"


@dataclass(frozen=True)
class TryIt:
    """A "try it live" slide: a chapter's explorer, shown from the site the kit sits in
    (slides/ inside the site folder), its controls working by themselves."""

    scenario: str
    chapter: str
    name: str = "explore"

    @property
    def title(self) -> str:
        return "Try it live"

    @property
    def href(self) -> str:
        return f"../{self.scenario}.html?present#explore"

    def notes(self) -> Notes:
        return Notes(f"{self.chapter}: try it live.",
                     "The chapter's explorer: every run it shows was computed by the build.",
                     (), ("Ask first: with a learning rate just past the threshold, what "
                          "will the guess do? Then slide the rate there and play.",
                          "Click in the explorer to use its controls; Esc gives the keys "
                          "back to the presenter view."))


def presenter_page(kit: Path, slides: list[Slide], site=None,
                   template: str = "presenter.html", explorers=()) -> str:
    """index.html: one animation per screen with the site's player, driven by keys,
    with its speaker notes beside it on demand, and after a chapter's last animation
    its explorer when it has one (`explorers`: their slugs); with template="notes.html",
    the speaker notes window that follows it."""
    from gdanim.figures import media
    from gdanim.outputs import webpages

    records = []
    for i, s in enumerate(slides):
        fields = {k: s.entry[k] for k in media.MediaRecord.__dataclass_fields__}
        records.append((s, media.MediaRecord(**fields), talking_points(kit, s)))
        slug = s.entry["scenario"]
        last_of_chapter = i + 1 == len(slides) or slides[i + 1].entry["scenario"] != slug
        if last_of_chapter and slug in explorers:
            live = TryIt(slug, s.chapter)
            records.append((live, live, live.notes()))
    env = webpages.environment(site)
    token = webpages._site_root.set(kit)
    try:
        return webpages.render(env.get_template(f"slides/{template}"), slides=records,
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
