"""The slides kit: every animation at slide size (the `slides` quality) with a
PowerPoint/Keynote deck, a presenter view that works from disk (with a speaker notes
window, notes.html), a Quarto revealjs deck, snippets to paste into other decks, and
Beamer snippets (with their frames zipped per chapter) when the `frames` format was
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
import shutil
from dataclasses import replace
from pathlib import Path

from gdanim.core.errors import GdanimError
from gdanim.engine.kit_staging import (_copy_kit, _missing_ancestors, _racing, _swap_in,
                                       clean_stale, one_run_at_a_time)
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
        with one_run_at_a_time(kit, say):   # another run into this folder waits
            site_config = site_to_relink(out, chosen.site)   # checked before anything is written
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
            except BaseException as error:
                if staging is not None:
                    shutil.rmtree(staging, ignore_errors=True)
                for folder in made:         # the folders this run made, if still empty
                    try:
                        folder.rmdir()
                    except OSError:
                        break
                if isinstance(error, OSError) and error.errno == errno.ENOSPC:
                    raise _disk_full(error, kit) from None
                raise
            count = len(manifest["animations"])
            say(f"wrote the slides kit to {kit}/ ({count} animation{'' if count == 1 else 's'}: "
                f"{DECK}, index.html, slides.qmd)")
            if site_config is not None:
                relink_site(site_config, progress, jobs)
    return kit


def _disk_full(error: OSError, kit: Path) -> GdanimError:
    """A full disk, said plainly: which file, and that nothing was left half-written."""
    # (shutil's copies name the source first, the file being written second)
    written = getattr(error, "filename2", None) or error.filename
    if written:      # said as the file the kit will have, not its staging copy
        parts = Path(written).parts
        staged = [i for i, part in enumerate(parts) if "-staging-" in part]
        written = kit.joinpath(*parts[staged[-1] + 1:]) if staged else written
    where = f" ({written})" if written else ""
    before = ("the previous kit is unchanged" if kit.is_dir() else
              "nothing was left behind")
    return GdanimError(f"the disk is full while making the slides kit in {kit}{where}; "
                       f"free some space and run `slides` again ({before})")


def deck_problems(formats: str) -> list[str]:
    """The deck and the presenter view play the MP4s: a format list without mp4
    cannot make a kit."""
    wanted = {f.strip().lower() for f in formats.split(",") if f.strip()}
    if not wanted or "mp4" in wanted:
        return []   # (no format at all is the build's own problem)
    return [f"'formats': the slides kit needs mp4 (the PowerPoint deck and the presenter "
            f"view play the MP4s); add it, e.g. --formats mp4,{','.join(sorted(wanted))}"]


def site_to_relink(out: Path, site):
    """The settings the site in `out` was built with (its manifest's chapters, quality,
    formats and address), checked like new ones: a ConfigError naming manifest.json for
    a bad value. None if `out` holds no site gdanim built, or one whose manifest is
    damaged (a warning) or names chapters these settings do not define (a note). Call
    with the chapters installed, before writing anything."""
    import click

    from gdanim.engine import manifest
    from gdanim.chapters import SCENARIOS
    from gdanim.options import ConfigError, parse_build_config

    path = out / "manifest.json"
    try:
        if manifest.read(out) is None:
            return None
        built = json.loads(path.read_text(encoding="utf-8"))
        slugs = tuple(p["slug"] for p in built["pages"])
        quality, formats, url = built["quality"], built["formats"], built.get("site_url")
        if not (all(isinstance(s, str) for s in slugs) and isinstance(quality, str)
                and isinstance(formats, list) and all(isinstance(f, str) for f in formats)
                and isinstance(url, (str, type(None)))):
            raise TypeError("a value of the wrong kind")
    except manifest.ManifestProblem as damaged:
        click.echo(f"warning: {damaged}; the site there is not linked to the kit (build it "
                   f"again to link it)", err=True)
        return None
    except (KeyError, TypeError) as error:
        click.echo(f"warning: {path} is damaged ({error}); the site there is not linked to "
                   f"the kit (build it again to link it)", err=True)
        return None
    unknown = [slug for slug in slugs if slug not in SCENARIOS]
    if unknown:
        click.echo(f"note: the site in {out}/ has chapters these settings do not define "
                   f"({', '.join(unknown)}); build it again to link the slides kit", err=True)
        return None
    try:
        return parse_build_config(str(out), slugs, ",".join(formats), quality,
                                  list(SCENARIOS), url, site)
    except ConfigError as error:
        named = {"'site-url'": "'site_url'", "'only'": "'pages'"}
        raise ConfigError([
            f"{path}: {named.get(line.split(':')[0], line.split(':')[0])}:"
            f"{line.split(':', 1)[1]} (read back from the site's last build; build the "
            f"site again, or correct the file)" if not line.startswith("'out'") else line
            for line in error.problems]) from None


def relink_site(config, progress: bool, jobs: int | None) -> None:
    """Build the site `config` describes again (see site_to_relink): only its pages
    change, now linking the kit. Call with the chapters installed."""
    import click

    from gdanim.engine.pipeline import build

    if progress:
        click.echo(f"linking the kit from the site in {config.out}/", err=True)
    build(config, progress=progress, reuse=True, jobs=jobs)
