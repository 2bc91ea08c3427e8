"""The build, one pass, each stage entered once:

1. Plan the chapters (plan.py): each chapter's key; its results come from the chapter
   cache when the key matches. Nothing heavy is imported for this.
2. Compute the stale chapters, into the cache. First a staging folder is made beside
   the output, which proves it can be written before any computing.
3. Plan the jobs, now that every chapter has results: figures, covers, pages. If none
   is stale the site is left as it is (a no-op rebuild needs neither JAX nor
   matplotlib).
4. Execute (execute.py): unchanged files are linked from the current site into
   staging, stale figures rendered (inline or on a pool), covers and pages written and
   the manifest recorded.
5. Swap the staging folder in, keeping every file gdanim did not write. A failure
   anywhere leaves the previous site untouched."""
from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import asdict
from pathlib import Path

import click

from gdanim.engine import results_cache, execute, manifest, outdir
from gdanim.core.config import BuildConfig
from gdanim.core.errors import GdanimError
from gdanim.engine.plan import Plan, plan_chapters, plan_jobs, describe
from gdanim.chapters import get


def build(config: BuildConfig, progress: bool = True, reuse: bool = True,
          jobs: int | None = None, dry_run: bool = False, shown_as: str | None = None,
          kit_writer=None) -> dict:
    """Build the site described by `config`; return its manifest. Without `reuse`
    every chapter is computed and every figure rendered again (--fresh). `shown_as`
    names the output in messages (the slides kit builds in a staging copy). A slides
    kit (config.kind "kit") has its files written by `kit_writer(folder, manifest, out,
    say)` in place of the pages (the `slides` command passes it)."""
    started = time.perf_counter()
    say = (lambda msg: click.echo(msg, err=True)) if progress else (lambda msg: None)
    warn = lambda msg: click.echo(msg, err=True)  # noqa: E731 (warnings always show)
    out = config.out.resolve()
    fresh = not reuse
    previous = _previous(out)
    scenarios = [get(slug) for slug in config.only]

    plan = plan_chapters(config, scenarios, previous, fresh,
                         lambda slug, key: results_cache.load_page(slug, key, warn))
    if not dry_run:
        outdir.clear_debris(out, say)   # every build, the no-op one too
    staging = None
    try:
        if plan.stale_chapters and not dry_run:
            staging = _stage(out, say)
            _compute(plan, say)
        plan_jobs(plan)
        if dry_run:
            for line in describe(plan):
                click.echo(line)
            return {}
        if plan.nothing_to_do():
            say(f"{shown_as or config.out}/ is up to date (nothing changed; checked in "
                f"{time.perf_counter() - started:.2f} s)")
            return json.loads((out / "manifest.json").read_text(encoding="utf-8"))
        staging = staging or _stage(out, say)
        result = _execute(plan, staging, jobs, say, kit_writer)
        _swap(plan, staging, say)
    except BaseException:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        raise
    took = f"in {time.perf_counter() - started:.1f} s"
    animations = _count(len(result["animations"]), "animation")
    if config.kind == "kit":      # no pages: the kit's files stand in their place
        say(f"made {animations} for {shown_as or config.out}/ {took}")
    else:
        say(f"wrote {shown_as or config.out}/ ({_count(len(result['pages']), 'page')}, "
            f"{animations}) {took}")
    return result


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _previous(out: Path) -> manifest.Previous | None:
    try:
        return manifest.read(out)
    except manifest.ManifestProblem as problem:
        raise GdanimError(f"'out': {problem}. gdanim cannot tell which files in it are "
                          f"its own. If the folder holds only a site gdanim built, delete "
                          f"it and build again; otherwise choose another --out")


def _stage(out: Path, say) -> Path:
    """A new staging folder beside `out` (debris of interrupted builds is gone by now)."""
    return outdir.make_staging(out)


def _compute(plan: Plan, say) -> None:
    for step in plan.stale_chapters:
        began = time.perf_counter()
        chapter = get(step.slug).run(plan.config.quality)
        results_cache.save(step.slug, step.key, chapter)
        step.chapter = results_cache.page_part(chapter)
        say(f"  computed  {step.slug} ({step.reason}) in {time.perf_counter() - began:.1f} s")


def _execute(plan: Plan, staging: Path, workers: int | None, say, kit_writer=None) -> dict:
    """Every job of the plan into `staging`, and its manifest; returns the manifest."""
    from gdanim.figures import media

    config, records = plan.config, plan.records
    out = config.out.resolve()
    # Unchanged outputs: the very files of the current site, linked (no copy, no space).
    for job in plan.jobs:
        if not job.reason and job.kind not in ("pages", *EXTRAS):
            for output in records[job.id]["outputs"]:
                _link(out / output, staging / output)

    keys = {s.slug: s.key for s in plan.chapters}
    tasks = [execute.Task(j.id, j.kind, j.slug, j.name, keys[j.slug], str(staging),
                          config.quality.name, config.formats, j.key,
                          config.kind == "site")
             for j in plan.stale_jobs if j.kind in ("animation", "still")]
    if not results_cache.shared():   # the results are in this process's memory only
        workers = 1
    if tasks:
        workers = workers or execute.default_jobs()
        say(f"rendering {len(tasks)} figure(s) with {min(workers, len(tasks))} worker(s)")
    done = execute.run(tasks, workers or 1, lambda d: say(_done_line(d)))

    figures: dict[str, object] = {}
    for job in plan.jobs:
        if job.kind in ("animation", "still"):
            figures[job.id] = (done[job.id].record if job.id in done else
                               _record_from(job.kind, records[job.id]["record"]))
    covers = {}
    for job in plan.jobs:
        if job.kind == "cover":
            covers[job.slug] = (media.render_cover(job.source, job.slug, staging)
                                if job.reason else
                                media.CoverRecord(**records[job.id]["record"]))

    pages = []
    for step in plan.chapters:
        chapter = step.chapter
        pages.append({"slug": step.slug, "title": step.title, "summary": step.summary,
                      "template": step.template,
                      "href": f"{step.slug}.html", "numbers": chapter.numbers,
                      "animations": [figures[f"animation {step.slug}/{a.name}"]
                                     for a in chapter.animations],
                      "stills": [figures[f"still {step.slug}/{s.name}"]
                                 for s in chapter.stills
                                 if f"still {step.slug}/{s.name}" in figures],  # (a kit has none)
                      "cover": covers.get(step.slug), "context": chapter.context})

    checks = {} if config.kind == "kit" else _take_checks(pages)
    written_before_pages = _files(staging)
    pages_job = next(j for j in plan.jobs if j.kind == "pages")
    if pages_job.reason:
        began = time.perf_counter()
        if config.kind == "kit":
            made = manifest.make(quality=config.quality.name, formats=config.formats,
                                 pages=pages, files={}, jobs={}, chapters={})
            made["explorers"] = [s.slug for s in plan.chapters      # "try it live" slides
                                 if "explorer" in s.chapter.context]
            kit_writer(staging, made, out, say)
        else:
            _write_pages(pages, checks, staging, config.site, out)
        say(f"  pages     written ({pages_job.reason}) in {time.perf_counter() - began:.1f} s")
    else:
        for output in records["pages"]["outputs"]:
            _link(out / output, staging / output)
    page_outputs = sorted(_files(staging) - written_before_pages)
    for job in plan.jobs:     # the notebook, handout and offline copy, in that order
        if job.kind in EXTRAS:
            if job.reason:
                began = time.perf_counter()
                _write_extra(job.kind, pages, staging, config, out, job.key)
                say(f"  {job.kind:<9} written ({job.reason}) in "
                    f"{time.perf_counter() - began:.1f} s")
            else:
                for output in records[job.id]["outputs"]:
                    _link(out / output, staging / output)

    job_records = {}
    for job in plan.jobs:
        entry = {"key": job.key, "parts": job.parts}
        if job.kind in ("animation", "still"):
            record = figures[job.id]
            entry["outputs"] = list(job.outputs)
            entry["record"] = asdict(record)
        elif job.kind == "cover":
            entry["outputs"] = list(job.outputs)
            entry["record"] = asdict(covers[job.slug])
        elif job.kind == "pages":
            entry["outputs"] = page_outputs
        else:
            entry["outputs"] = list(job.outputs)
        job_records[job.id] = entry
    files = manifest.record_files(staging, _files(staging))
    result = manifest.make(
        quality=config.quality.name, formats=config.formats, pages=pages, files=files,
        jobs=job_records, site_url=config.site.site_url,
        chapters={s.slug: {"key": s.key, "parts": s.parts} for s in plan.chapters})
    (staging / "manifest.json").write_text(json.dumps(result, indent=2) + "\n",
                                           encoding="utf-8")
    os.chmod(staging / "manifest.json", 0o644)
    if done:
        say(_summary(done.values()))
    return result


def _swap(plan: Plan, staging: Path, say) -> None:
    """Move the staging folder into place, keeping every file gdanim did not write."""
    previous, out = plan.previous, plan.config.out.resolve()
    ours = set(previous.files) | {"manifest.json"} if previous and not previous.legacy \
        else (manifest.legacy_files(out) if previous else set())
    kept = outdir.swap(staging, out, ours)
    from gdanim.outputs.kit_index import KIT, KIT_FILE

    # The slides kit is gdanim's too (the `slides` command's): kept, not reported.
    kept = [k for k in kept if not (k == KIT and (out / KIT / KIT_FILE).is_file())]
    if kept:
        say(f"kept {len(kept)} file(s) gdanim did not write: {', '.join(kept[:5])}"
            + (" ..." if len(kept) > 5 else ""))


def _take_checks(pages: list[dict]) -> dict[str, dict]:
    """Take the explorers' JAX runs (for the tests) out of the pages' explorer data,
    whether or not the pages are written this time: every page rendered (the site's,
    the offline copy's) carries the same data. {slug: checks}."""
    taken = {}
    for page in pages:
        explorer = page["context"].get("explorer")
        if isinstance(explorer, dict) and "checks" in explorer:
            taken[page["slug"]] = explorer["checks"]
            page["context"] = {**page["context"],
                               "explorer": {k: v for k, v in explorer.items() if k != "checks"}}
    return taken


def _write_pages(pages: list[dict], checks: dict[str, dict], staging: Path, site_info=None,
                 out: Path | None = None) -> None:
    """The pages job: HTML, the explorers' checks (checks/<slug>.json, beside, not in,
    the pages), the publishing extras (with a site URL) and the static files."""
    import json

    from gdanim.outputs import publish, webpages

    for slug, runs in checks.items():
        (staging / "checks").mkdir(exist_ok=True)
        (staging / "checks" / f"{slug}.json").write_text(
            json.dumps(runs, allow_nan=False), encoding="utf-8")
    for name, html in webpages.render_pages(pages, site_info, root=staging, out=out).items():
        (staging / name).write_text(html, encoding="utf-8")
    publish.write(staging, pages, site_info.site_url if site_info else None)
    webpages.copy_static(staging)


EXTRAS = ("notebook", "handout", "homework", "offline")


def _write_extra(kind: str, pages: list[dict], staging: Path, config: BuildConfig,
                 out: Path, key: str = "") -> None:
    """A site extra, written into staging: site/lesson.ipynb with its outputs, the
    printable handout.pdf, the student's homework (homework.ipynb, worksheet.pdf), and
    the offline copy (a zip of every file written so far)."""
    from gdanim.outputs import handout, notebook, offline, webpages

    if kind == "homework":
        _write_homework(pages, staging, config, key)
    elif kind == "notebook":
        notebook.write(staging, pages, config.site.repository,
                       outputs=config.quality.name != "draft")
    elif kind == "handout":
        handout.write(staging, pages, config.site)
    else:
        from gdanim.outputs.kit_index import KIT

        # with the slides kit, if one is beside the site; its pages link only what it holds
        offline.write(staging, out / KIT, pages, config.site, webpages.render_pages)


def _write_homework(pages: list[dict], staging: Path, config: BuildConfig, key: str) -> None:
    """homework.ipynb (otter assign's student notebook) and worksheet.pdf; kept in the
    cache under the job's key, as `otter assign` takes a few seconds."""
    from gdanim.chapters import SCENARIOS
    from gdanim.chapters.homework import questions, values_of
    from gdanim.engine.results_cache import cache_dir
    from gdanim.outputs import homework, worksheet

    names = (homework.NAME, worksheet.NAME)
    kept = cache_dir() / "homework" / key
    if key and all((kept / name).is_file() for name in names):
        for name in names:
            shutil.copyfile(kept / name, staging / name)
            os.chmod(staging / name, 0o644)
        return
    values = values_of(config.site)
    asked = questions([SCENARIOS[p["slug"]] for p in pages if p["slug"] in SCENARIOS], values)
    titles = homework.page_titles(pages, config.site.site_url)
    homework.write_student(staging, asked, titles, config.site.title)
    worksheet.write(staging / worksheet.NAME, asked, config.site.title, False, values, titles)
    if key:
        try:
            kept.mkdir(parents=True, exist_ok=True)
            for name in names:
                shutil.copyfile(staging / name, kept / name)
        except OSError:
            pass            # a cache that cannot be written only costs time


def _record_from(kind: str, data: dict):
    from gdanim.figures import media

    return (media.MediaRecord if kind == "animation" else media.StillRecord)(**data)


def _files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def _link(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)   # same disk: instant, no extra space
    except OSError:
        shutil.copy2(source, target)


def _done_line(done: execute.Done) -> str:
    kind, _, name = done.job_id.partition(" ")
    return f"  {kind:<9} {name}  {done.seconds:.1f} s  {done.bytes / 1e6:.2f} MB"


def _summary(done) -> str:
    rows = sorted(done, key=lambda d: d.job_id)
    width = max(len(d.job_id) for d in rows)
    lines = [f"{'job':<{width}}  {'seconds':>7}  {'frames/s':>8}  {'bytes':>10}"]
    for d in rows:
        rate = f"{d.frames / d.seconds:8.1f}" if d.seconds > 0 and d.frames > 1 else f"{'':8}"
        lines.append(f"{d.job_id:<{width}}  {d.seconds:7.1f}  {rate}  {d.bytes:10,d}")
    return "\n".join(lines)
