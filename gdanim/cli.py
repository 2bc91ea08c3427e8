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
              help="Comma list of animation formats: mp4, gif, poster, frames (opt-in).")
@click.option("--quality", default="web", show_default=True, metavar="draft|web|slides",
              help="draft: small, few frames, quick previews. web: the published size. "
                   "slides: 1920x1080, paced for talking over (see the slides command).")
@click.option("--fresh", is_flag=True,
              help="Render every animation again, even those unchanged since the last build.")
@click.option("--quiet", is_flag=True, help="No progress output.")
def build(out: str, only: tuple[str, ...], formats: str, quality: str, fresh: bool,
          quiet: bool) -> None:
    """Compute every chapter and write the site (pages, MP4, GIF, posters, manifest)."""
    from gdanim.config import parse_build_config
    from gdanim.scenarios import SCENARIOS

    config = parse_build_config(out, only, formats, quality, list(SCENARIOS))
    from gdanim.build import build as run_build

    run_build(config, progress=not quiet, reuse=not fresh)


@cli.command()
@click.option("--out", default="site", show_default=True, metavar="DIR",
              help="The site folder; the kit is written into DIR/slides/.")
@click.option("--only", multiple=True, metavar="NAME",
              help="Only this chapter's animations (repeatable). See `list` for names.")
@click.option("--formats", default="mp4,gif,poster", show_default=True, metavar="LIST",
              help="Comma list: mp4, gif, poster, and frames (PNGs + a Beamer snippet).")
@click.option("--fresh", is_flag=True, help="Render every animation again.")
@click.option("--quiet", is_flag=True, help="No progress output.")
def slides(out: str, only: tuple[str, ...], formats: str, fresh: bool, quiet: bool) -> None:
    """Every animation at 1920x1080 with a PowerPoint/Keynote deck, a presenter view,
    a Quarto deck and snippets, in DIR/slides/. Build the site afterwards to link them."""
    from pathlib import Path

    from gdanim import slides as kit

    kit.make(Path(out), only, formats, progress=not quiet, reuse=not fresh)


@cli.command(name="list")
def list_() -> None:
    """Show the chapters in reading order, with a one-line description."""
    from gdanim.scenarios import SCENARIOS

    width = max(map(len, SCENARIOS))
    for slug, scenario in SCENARIOS.items():
        click.echo(f"{slug:<{width}}  {scenario.summary}")


def main() -> None:
    cli()
