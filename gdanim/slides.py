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

import json
import shutil
from dataclasses import replace
from pathlib import Path

from gdanim.engine.kit_staging import _copy_kit, _missing_ancestors, _racing, _swap_in, clean_stale
from gdanim.outputs.kit.slide import DECK
from gdanim.outputs.kit.writer import write_kit
from gdanim.outputs.kit_index import KIT

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
