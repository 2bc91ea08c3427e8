"""Command line: `build` writes the site, `list` shows the chapters. Heavy modules
(JAX, matplotlib) are imported only inside the commands that need them."""
from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
def cli() -> None:
    """Build an animated explainer site on gradient descent."""


@cli.command()
@click.option("--out", default="site", show_default=True, metavar="DIR",
              help="Folder to write the site into. It is replaced only if the build succeeds.")
@click.option("--only", multiple=True, metavar="NAME",
              help="Build only this chapter (repeatable). See `list` for names.")
@click.option("--formats", default="mp4,gif,poster", show_default=True, metavar="LIST",
              help="Comma list of animation formats: mp4, gif, poster.")
@click.option("--quality", default="web", show_default=True, metavar="draft|web",
              help="draft: small, few frames, quick previews. web: the published size.")
@click.option("--fresh", is_flag=True,
              help="Render every animation again, even those unchanged since the last build.")
@click.option("--quiet", is_flag=True, help="No progress output.")
@click.option("--config", "config_path", default=None, metavar="FILE",
              help="Settings file (default: gdanim.toml in the current folder, if any).")
def build(out: str, only: tuple[str, ...], formats: str, quality: str, fresh: bool,
          quiet: bool, config_path: str | None) -> None:
    """Compute every chapter and write the site (pages, MP4, GIF, posters, manifest)."""
    from dataclasses import replace

    from gdanim import settings
    from gdanim.config import parse_build_config
    from gdanim.scenarios import SCENARIOS, installed

    chosen = settings.load(config_path)
    with installed(chosen.scenarios):
        config = replace(parse_build_config(out, only, formats, quality, list(SCENARIOS)),
                         site=chosen.site)
        if not quiet:
            for note in chosen.notes:
                click.echo(f"note: {note}", err=True)
        from gdanim.build import build as run_build

        run_build(config, progress=not quiet, reuse=not fresh)


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
    from gdanim.errors import GdanimError
    from gdanim.starter import write_starter

    try:
        written = write_starter(folder)
    except GdanimError as error:
        raise click.ClickException(str(error))
    for path in written:
        click.echo(f"wrote {path}")
    click.echo(f"next: cd {folder} && python -m gdanim build --quality draft")


def main() -> None:
    cli()
