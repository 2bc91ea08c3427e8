"""Command line: `build` writes the site, `list` shows the chapters. Heavy modules
(JAX, matplotlib) are imported only inside the commands that need them.

Every failure a user can act on ends as one plain message and an exit code, never a
traceback (unless --debug): 1 for a failed build, 2 for bad options or settings, 130
for Ctrl-C, 143 and 129 for SIGTERM and SIGHUP. In each case the previous site is
left as it was, whenever the signal comes (gdanim/core/stopping.py)."""
from __future__ import annotations

import errno
import os
import shutil
import signal
import sys
import threading
from pathlib import Path

import click

from gdanim.core.stopping import Terminated  # noqa: F401 (raised by the handlers below)
from gdanim.core import stopping

EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 1, 2, 130


class GdanimGroup(click.Group):
    """Runs a command and turns the failures a user can act on into plain messages."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True,
             **extra):
        debug = "--debug" in (sys.argv[1:] if args is None else list(args))
        in_main = threading.current_thread() is threading.main_thread()
        previous = {}
        try:
            if in_main:   # first thing: a signal from here on is never lost (core/stopping.py)
                previous = stopping.install()
            code = super().main(args, prog_name, complete_var, standalone_mode=False,
                                **extra)
            code = code if isinstance(code, int) else 0
        except click.exceptions.Exit as done:
            code = done.exit_code
        except click.ClickException as error:
            error.show()
            code = error.exit_code
        except (KeyboardInterrupt, click.exceptions.Abort):
            code = _stopped(signal.SIGINT)
        except Terminated as stop:
            code = _stopped(stop.signum)
        except Exception as error:
            if stopping.received() is not None and not debug:
                # The signal's own exception was turned into another one by a library's
                # C code (matplotlib's Agg says "Invalid bounding box"): it is still a stop.
                code = _stopped(stopping.received())
            else:
                code = _failed(error, debug)
        finally:
            stopping.restore(previous)
        if standalone_mode:
            sys.exit(code)
        return code


def _stopped(signum: int) -> int:
    if signum == signal.SIGINT:
        click.echo(f"\nInterrupted: {_what_stayed()}.", err=True)
        return EXIT_INTERRUPTED
    click.echo(f"\nStopped by {signal.Signals(signum).name}: {_what_stayed()}.", err=True)
    return 128 + signum


def _failed(error: Exception, debug: bool) -> int:
    message = describe(error)
    if message is None or debug:
        raise error
    click.echo(f"Error: {message}", err=True)
    return EXIT_FAILED


def _what_stayed() -> str:
    if stopping.committed():
        return "it came after the new site was in place, which is complete"
    return "the previous site is unchanged"


def describe(error: Exception) -> str | None:
    """The plain message for an error a user can act on; None for a bug."""
    from gdanim.core.errors import GdanimError

    if isinstance(error, GdanimError):
        return str(error)
    if isinstance(error, shutil.Error) and error.args and isinstance(error.args[0], list):
        # copytree gathers each file's failure as text: the first one, with its file
        source, target, why = error.args[0][0]
        code = next((c for c in (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES)
                     if f"[Errno {c}]" in why), None)
        if code is not None:
            error = OSError(code, os.strerror(code), target)
    if isinstance(error, OSError) and error.errno in (
            errno.ENOSPC, errno.EROFS, errno.EACCES, errno.EPERM, errno.ENAMETOOLONG,
            errno.EDQUOT, errno.EIO, errno.ENOTDIR, errno.EXDEV, errno.EBUSY):
        from gdanim.engine.outdir import describe_os_error

        return describe_os_error(error, "building the site") + \
            ". The previous site is unchanged"
    jinja = sys.modules.get("jinja2")
    if jinja and isinstance(error, jinja.TemplateError):
        return _template_message(error, jinja)
    return None


def _template_message(error, jinja) -> str:
    """A template mistake, by file and line: jinja's own for syntax errors, the
    innermost template frame of the traceback for errors while rendering."""
    if isinstance(error, jinja.TemplateSyntaxError):
        where = f"{error.filename or error.name}, line {error.lineno}"
    else:
        where = "a template"
        tb = error.__traceback__
        while tb is not None:
            name = tb.tb_frame.f_code.co_filename
            if name.endswith((".html", ".xml", ".txt", ".js", ".qmd", ".tex", ".md")):
                where = f"{name}, line {tb.tb_lineno}"
            tb = tb.tb_next
    return f"template error in {where}: {error.message or error}"


@click.group(cls=GdanimGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--debug", is_flag=True, help="Show the full traceback of any error.")
def cli(debug: bool) -> None:
    """Build an animated explainer site on gradient descent."""


@cli.command()
@click.option("--out", default="site", show_default=True, metavar="DIR",
              help="Folder to write the site into. It is replaced only if the build "
                   "succeeds; files gdanim did not write (.git, CNAME) are kept.")
@click.option("--only", multiple=True, metavar="NAME",
              help="Build only this chapter (repeatable). See `list` for names.")
@click.option("--formats", default="mp4,gif,poster", show_default=True, metavar="LIST",
              help="Comma list of animation formats: mp4, gif, poster, frames (opt-in).")
@click.option("--quality", default="web", show_default=True, metavar="draft|web|slides",
              help="draft: small, few frames, quick previews. web: the published size. "
                   "slides: 1920x1080, paced for talking over (see the slides command).")
@click.option("--fresh", is_flag=True,
              help="Compute and render everything again, ignoring every cache.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Render N figures at once (default: the number of CPUs; 1: no "
                   "worker processes).")
@click.option("--dry-run", is_flag=True,
              help="Print what would be computed and rendered, and why; write nothing.")
@click.option("--site-url", envvar="GDANIM_SITE_URL", metavar="URL",
              help="The site's public address (or $GDANIM_SITE_URL, or gdanim.toml's "
                   "site_url), e.g. https://you.github.io/gdanim/. Adds canonical links, "
                   "link previews, sitemap.xml and robots.txt. Without it every link "
                   "stays relative.")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.option("--config", "config_path", default=None, metavar="FILE",
              help="Settings file (default: gdanim.toml in the current folder, if any).")
def build(out: str, only: tuple[str, ...], formats: str, quality: str, fresh: bool,
          jobs: int | None, dry_run: bool, site_url: str | None, quiet: bool,
          config_path: str | None) -> None:
    """Compute every chapter and write the site (pages, MP4, GIF, posters, manifest)."""
    from gdanim import settings
    from gdanim.options import parse_build_config
    from gdanim.chapters import SCENARIOS, installed

    chosen = settings.load(config_path)
    with installed(chosen.scenarios):
        config = parse_build_config(out, only, formats, quality, list(SCENARIOS), site_url,
                                    chosen.site)
        if not quiet:
            for note in chosen.notes:
                click.echo(f"note: {note}", err=True)
        from gdanim.engine.pipeline import build as run_build

        run_build(config, progress=not quiet, reuse=not fresh, jobs=jobs, dry_run=dry_run)
    stopping.check()   # a signal whose exception a library dropped: never report success


def _base_path(ctx, param, value: str | None) -> str:
    from gdanim.serve import check_base_path

    try:
        return check_base_path(value if value is not None else Path.cwd().name)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@cli.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0: any free one). If another program has it, "
                   "the next free port is used (the terminal says which).")
@click.option("--base-path", callback=_base_path, metavar="/NAME/",
              help="Serve under this sub-path. Default: /<this folder's name>/, where "
                   "GitHub Pages puts a project site.")
@click.option("--quality", default="draft", show_default=True, metavar="draft|web",
              help="draft: quick to rebuild. web: the published size.")
@click.option("--only", multiple=True, metavar="NAME",
              help="Build only this chapter (repeatable).")
@click.option("--out", default="preview", show_default=True, metavar="DIR",
              help="Folder the preview is built into.")
@click.option("--config", "config_path", default=None, metavar="FILE",
              help="Settings file (default: gdanim.toml in the current folder, if any).")
def serve(port: int, base_path: str, quality: str, only: tuple[str, ...], out: str,
          config_path: str | None) -> None:
    """Preview while you edit: build, serve on 127.0.0.1, and rebuild when a template,
    gdanim's code or gdanim.toml changes; the open page reloads by itself."""
    from gdanim import serve as preview

    preview.serve(preview.Request(out, only, quality, config_path), base_path, port)


@cli.command()
@click.option("--out", default="site", show_default=True, metavar="DIR",
              help="The site folder; the kit is written into DIR/slides/.")
@click.option("--only", multiple=True, metavar="NAME",
              help="Only this chapter's animations (repeatable). See `list` for names.")
@click.option("--formats", default="mp4,gif,poster", show_default=True, metavar="LIST",
              help="Comma list: mp4, gif, poster, and frames (PNGs + a Beamer snippet).")
@click.option("--fresh", is_flag=True, help="Render every animation again.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None, metavar="N",
              help="Render N animations at once (default: one per CPU core).")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.option("--config", "config_path", default=None, metavar="FILE",
              help="Settings file (default: gdanim.toml in the current folder, if any): "
                   "its title, author, chapters and CSV chapters, as for `build`.")
def slides(out: str, only: tuple[str, ...], formats: str, fresh: bool, jobs: int | None,
           quiet: bool, config_path: str | None) -> None:
    """Every animation at 1920x1080 with a PowerPoint/Keynote deck, a presenter view,
    a Quarto deck and snippets, in DIR/slides/. A site already in DIR gets its pages
    rebuilt to link them (a site built later links them too)."""
    from pathlib import Path

    from gdanim import slides as kit

    kit.make(Path(out), only, formats, progress=not quiet, reuse=not fresh, jobs=jobs,
             config_path=config_path)


@cli.command()
@click.option("--out", default="teacher", show_default=True, metavar="DIR",
              help="Folder for the teacher's files (never inside the site: they hold "
                   "the answers). Replaced only when complete.")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.option("--config", "config_path", default=None, metavar="FILE",
              help="Settings file (default: gdanim.toml in the current folder, if any): "
                   "its chapters, CSV chapters and [homework] numbers.")
def homework(out: str, quiet: bool, config_path: str | None) -> None:
    """The homework's teacher files: the solutions notebook, otter-grader's
    autograder.zip (grade with `otter run` or on Gradescope), answer-key.pdf and a
    README. The site has the students' homework.ipynb and worksheet.pdf."""
    from gdanim import homework as teacher

    teacher.make(Path(out), config_path, progress=not quiet)


@cli.command(name="list")
@click.option("--settings", "show_settings", is_flag=True,
              help="Also show the settings each chapter takes in gdanim.toml.")
@click.option("--config", "config_path", default=None, metavar="FILE",
              help="Settings file (default: gdanim.toml in the current folder, if any).")
def list_(show_settings: bool, config_path: str | None) -> None:
    """Show the chapters in reading order, with a one-line description."""
    from gdanim import settings

    scenarios = settings.load(config_path).scenarios
    if show_settings:
        click.echo(settings.describe(scenarios))
        return
    width = max(len(s.slug) for s in scenarios)
    for scenario in scenarios:
        click.echo(f"{scenario.slug:<{width}}  {scenario.summary}")


@cli.command()
@click.argument("folder")
def init(folder: str) -> None:
    """Write a starter FOLDER: a commented gdanim.toml, an example CSV chapter (Old
    Faithful's eruptions) and its prose. Then: cd FOLDER && python -m gdanim build"""
    from gdanim.starter import write_starter

    for path in write_starter(folder):
        click.echo(f"wrote {path}")
    click.echo(f"next: cd {folder} && python -m gdanim build --quality draft")


def main() -> None:
    cli()
