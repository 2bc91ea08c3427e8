"""Command line: `build` writes the site, `list` shows the chapters. Heavy modules
(JAX, matplotlib) are imported only inside the commands that need them."""
from __future__ import annotations

from pathlib import Path

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
@click.option("--site-url", envvar="GDANIM_SITE_URL", metavar="URL",
              help="The site's public address (or $GDANIM_SITE_URL), e.g. "
                   "https://you.github.io/gdanim/. Adds canonical links, link previews, "
                   "sitemap.xml and robots.txt. Without it every link stays relative.")
@click.option("--quiet", is_flag=True, help="No progress output.")
def build(out: str, only: tuple[str, ...], formats: str, quality: str, fresh: bool,
          site_url: str | None, quiet: bool) -> None:
    """Compute every chapter and write the site (pages, MP4, GIF, posters, manifest)."""
    from gdanim.config import parse_build_config
    from gdanim.scenarios import SCENARIOS

    config = parse_build_config(out, only, formats, quality, list(SCENARIOS), site_url)
    from gdanim.build import build as run_build

    run_build(config, progress=not quiet, reuse=not fresh)


def _base_path(ctx, param, value: str | None) -> str:
    from gdanim.serve import check_base_path

    try:
        return check_base_path(value if value is not None else Path.cwd().name)
    except ValueError as error:
        raise click.BadParameter(str(error)) from None


@cli.command()
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port on 127.0.0.1 (0: any free one).")
@click.option("--base-path", callback=_base_path, metavar="/NAME/",
              help="Serve under this sub-path. Default: /<this folder's name>/, where "
                   "GitHub Pages puts a project site.")
@click.option("--quality", default="draft", show_default=True, metavar="draft|web",
              help="draft: quick to rebuild. web: the published size.")
@click.option("--only", multiple=True, metavar="NAME",
              help="Build only this chapter (repeatable).")
@click.option("--out", default="preview", show_default=True, metavar="DIR",
              help="Folder the preview is built into.")
def serve(port: int, base_path: str, quality: str, only: tuple[str, ...], out: str) -> None:
    """Preview while you edit: build, serve on 127.0.0.1, and rebuild when a template,
    gdanim's code or gdanim.toml changes; the open page reloads by itself."""
    from gdanim import serve as preview
    from gdanim.config import parse_build_config
    from gdanim.errors import GdanimError
    from gdanim.scenarios import SCENARIOS

    config = parse_build_config(out, only, "mp4,gif,poster", quality, list(SCENARIOS))
    try:
        preview.serve(config, base_path, port)
    except GdanimError as error:
        raise click.ClickException(str(error)) from None


@cli.command(name="list")
def list_() -> None:
    """Show the chapters in reading order, with a one-line description."""
    from gdanim.scenarios import SCENARIOS

    width = max(map(len, SCENARIOS))
    for slug, scenario in SCENARIOS.items():
        click.echo(f"{slug:<{width}}  {scenario.summary}")


def main() -> None:
    cli()
