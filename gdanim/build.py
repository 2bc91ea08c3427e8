"""The build: compute every chapter, render media and pages into a staging folder beside
the output, and only then swap it in, so a failed build leaves the old site untouched."""
from __future__ import annotations

import json
import os
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path

import click

from gdanim.config import BuildConfig
from gdanim.scenarios import get
from gdanim.values import Chapter


def build(config: BuildConfig, progress: bool = True, reuse: bool = True) -> dict:
    """Build the site described by `config`; return the manifest. With `reuse`,
    animations whose inputs are unchanged are copied from the existing site."""
    from gdanim import cache, media, site, slides

    started = time.perf_counter()
    say = (lambda msg: click.echo(msg, err=True)) if progress else (lambda msg: None)
    scenarios = [get(slug) for slug in config.only]

    # 1. Compute: every trajectory and number, before anything is written.
    chapters: dict[str, Chapter] = {}
    for scenario in scenarios:
        chapters[scenario.slug] = scenario.run(config.quality)
    say(f"computed {len(chapters)} chapters in {time.perf_counter() - started:.1f} s")

    out = config.out.resolve()
    previous = cache.previous_animations(out) if reuse else {}
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-staging-", dir=out.parent))
    staging.chmod(0o755)  # mkdtemp makes it private; the published site is not
    try:
        # 2. Render: media for every chapter into the staging folder.
        pages = []
        for scenario in scenarios:
            chapter = chapters[scenario.slug]
            stills = []
            for still in chapter.stills:
                stills.append(media.render_still(still, scenario.slug, staging,
                                                 config.quality))
                say(f"  still  {scenario.slug}/{still.name}")
            animations = []
            for animation in chapter.animations:
                key = cache.animation_key(animation, scenario.slug, config.quality,
                                          config.formats)
                old = previous.get((scenario.slug, animation.name))
                if old and cache.reuse(old, key, out, staging):
                    size = (old["width"], old["height"])
                    animations.append(media.record(animation, scenario.slug, config.formats,
                                                   config.quality, size, key))
                    say(f"  reused {scenario.slug}/{animation.name} (unchanged)")
                else:
                    animations.append(_render_with_progress(animation, scenario.slug, staging,
                                                            config, progress, key))
            # The index shows each chapter by its first poster, or else its first still.
            pictures = [a.files["poster"] for a in animations if "poster" in a.files]
            pictures += [s.file for s in stills]
            cover = (media.render_cover(pictures[0], scenario.slug, staging)
                     if pictures else None)
            pages.append({"slug": scenario.slug, "title": scenario.title,
                          "summary": scenario.summary, "href": f"{scenario.slug}.html",
                          "numbers": chapter.numbers, "animations": animations,
                          "stills": stills, "cover": cover, "context": chapter.context})

        # 3. Pages, static files and the manifest.
        slides.carry_over(out, staging)  # a slides kit in the old site stays, and is linked
        for name, html in site.render_pages(pages, staging).items():
            (staging / name).write_text(html, encoding="utf-8")
        site.copy_static(staging)
        manifest = make_manifest(config, pages)
        (staging / "manifest.json").write_text(json.dumps(manifest, indent=2) + "\n")

        # 4. Swap the finished site in.
        _replace_dir(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    say(f"wrote {config.out}/ ({len(pages)} pages, {len(manifest['animations'])} "
        f"animations) in {time.perf_counter() - started:.1f} s")
    return manifest


def _render_with_progress(animation, slug, staging, config, progress, key):
    from gdanim import media

    label = f"  video  {slug}/{animation.name}"
    if not progress:
        return media.render_animation(animation, slug, staging, config.formats,
                                      config.quality, key=key)
    with click.progressbar(length=len(animation.frames), label=label, file=sys.stderr,
                           show_pos=True, width=30) as bar:
        return media.render_animation(animation, slug, staging, config.formats,
                                      config.quality, on_frame=lambda: bar.update(1), key=key)


def make_manifest(config: BuildConfig, pages: list[dict]) -> dict:
    """Everything a machine needs: each animation's files and shape, and every number."""
    animations, stills, numbers = [], [], {}
    for page in pages:
        for record in page["animations"]:
            entry = asdict(record)
            entry["duration_s"] = round(record.duration, 3)
            animations.append(entry)
        stills.extend(asdict(s) for s in page["stills"])
        numbers.update({f"{page['slug']}.{k}": v for k, v in page["numbers"].items()})
    return {"generator": "gdanim", "quality": config.quality.name,
            "formats": list(config.formats),
            "pages": [{"slug": p["slug"], "title": p["title"], "href": p["href"]}
                      for p in pages],
            "animations": animations, "stills": stills, "numbers": numbers}


def _replace_dir(new: Path, target: Path) -> None:
    """Put `new` at `target`; the old folder is moved aside first and removed last."""
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}-old-", dir=target.parent))
        os.replace(target, old / "site")
        os.replace(new, target)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.replace(new, target)
