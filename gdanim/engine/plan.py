"""The build's plan: which chapters to compute and which jobs to run, each with the key
of what shapes it, its output files, and why it must run (or None: up to date).

Deciding is kept apart from doing: nothing here renders, writes or imports JAX or
matplotlib. `build --dry-run` prints a plan; the executor (execute.py) runs it."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

from gdanim.engine import fingerprint

from gdanim.outputs import kit_index, provenance
from gdanim.core.config import BuildConfig
from gdanim.engine.manifest import Previous
from gdanim.core.values import Chapter

RENDER_MODULES = ("gdanim.figures.media", "gdanim.figures.encode", "gdanim.figures.render")
PART_NAMES = {"code": "code", "libraries": "library versions", "quality": "quality",
              "settings": "settings", "chapter": "chapter results", "formats": "formats",
              "source": "source picture", "templates": "templates", "pages": "page list",
              "figures": "figures", "chapters": "chapters", "lessons": "lesson scripts",
              "files": "site files", "provenance": "version, commit or date",
              "slides kit": "slides kit"}


@dataclass
class ChapterStep:
    """One chapter: its key and, once known, its results (page part)."""

    slug: str
    title: str
    summary: str
    template: str                 # its page template
    module: str                   # the scenario's module, whose code shapes the results
    parts: dict                   # what the key is made of
    chapter: Chapter | None       # page part, from the cache or computed this build
    reason: str | None            # why it must be computed; None if cached

    @property
    def key(self) -> str:
        return fingerprint.digest_of(self.parts)


@dataclass(frozen=True)
class Job:
    id: str                       # "animation descent-1d/descent", "pages"
    kind: str                     # animation | still | cover | pages
    slug: str | None
    name: str | None
    parts: dict
    outputs: tuple[str, ...]      # site-relative files it writes (pages: known after)
    reason: str | None            # why it runs; None: its files are reused
    source: str | None = None     # cover: the picture it is made from

    @property
    def key(self) -> str:
        return fingerprint.digest_of(self.parts)


@dataclass
class Plan:
    """Everything the later stages need: the build's settings, the previous build's
    record, each chapter's step and (once every chapter has results) each job."""

    config: BuildConfig
    previous: Previous | None
    fresh: bool                   # --fresh: every step runs
    chapters: list[ChapterStep]
    jobs: list[Job] = field(default_factory=list)

    @property
    def records(self) -> dict:
        """The previous build's record of each job, by id."""
        return self.previous.jobs if self.previous else {}

    @property
    def stale_chapters(self) -> list[ChapterStep]:
        return [c for c in self.chapters if c.reason]

    @property
    def stale_jobs(self) -> list[Job]:
        return [j for j in self.jobs if j.reason]

    def nothing_to_do(self) -> bool:
        return not self.stale_chapters and not self.stale_jobs


def why(previous: Previous | None, record: dict | None, parts: dict, site: Path,
        fresh: bool, outputs: tuple[str, ...] | None = None) -> str | None:
    """Why a step must run again, in words; None when its recorded outputs are intact."""
    if fresh:
        return "--fresh"
    if previous is None or record is None:
        return "new"
    old = record.get("parts", {})
    changed = [PART_NAMES.get(k, k) for k in sorted(set(parts) | set(old))
               if parts.get(k) != old.get(k)]
    if changed:
        return "changed " + ", ".join(changed)
    if outputs is not None and tuple(record.get("outputs", ())) != tuple(outputs):
        return "different files"
    for output in record.get("outputs", ()):
        problem = previous.intact(site, output)
        if problem:
            return problem
    return None


def chapter_parts(config: BuildConfig, module: str, settings: dict | None = None) -> dict:
    quality = asdict(config.quality)
    return {"code": fingerprint.code_key(module),
            "libraries": fingerprint.library_key(fingerprint.COMPUTE_LIBRARIES),
            "quality": fingerprint.digest_of(quality),
            "settings": fingerprint.digest_of(settings or {})}


def plan_chapters(config: BuildConfig, scenarios, previous: Previous | None, fresh: bool,
                  load_page) -> Plan:
    """Step one: each chapter's key, and its results if the cache has them."""
    steps = []
    for scenario in scenarios:
        module = getattr(scenario, "module", None) or scenario.run.__module__
        parts = chapter_parts(config, module, getattr(scenario, "settings", None))
        step = ChapterStep(scenario.slug, scenario.title, scenario.summary,
                           scenario.page_template, module, parts, None, None)
        record = previous.chapters.get(scenario.slug) if previous else None
        step.chapter = None if fresh else load_page(scenario.slug, step.key)
        if step.chapter is None:
            step.reason = ("--fresh" if fresh else
                           why(previous, record, parts, config.out, False) or "results not cached")
            if step.reason == "new" and record is None:
                step.reason = "not computed yet"
        steps.append(step)
    return Plan(config, previous, fresh, steps)


def animation_files(slug: str, animation, formats: tuple[str, ...],
                    web: bool = True) -> dict[str, str]:
    """The files an animation's job writes: media.planned_files, with the `frames`
    format's folder listed file by file (each numbered PNG and the snippet)."""
    from gdanim.figures import media, sequence

    files = media.planned_files(animation, slug, formats, web)
    if files.pop("beamer_frames", None) is not None:
        files.update(sequence.files(f"media/{slug}", animation.name, len(animation.frames)))
    return files


def plan_jobs(plan: Plan) -> None:
    """Step two, once chapters have results: the figure, cover and page jobs. A chapter
    still to compute has none yet (only --dry-run plans before computing); the pages
    job is planned only when every chapter has its results."""
    from gdanim.figures import media

    config, previous, fresh = plan.config, plan.previous, plan.fresh
    site = config.out
    records = plan.records
    render_code = fingerprint.code_key(*RENDER_MODULES)
    draw_libraries = fingerprint.library_key(fingerprint.DRAW_LIBRARIES)
    jobs: list[Job] = []
    for step in plan.chapters:
        if step.chapter is None:
            continue
        pictures = []
        for animation in step.chapter.animations:
            job_id = f"animation {step.slug}/{animation.name}"
            files = animation_files(step.slug, animation, config.formats,
                                    config.kind == "site")
            outputs = tuple(files.values())
            parts = {"chapter": step.key, "code": render_code, "libraries": draw_libraries,
                     "formats": list(config.formats)}
            jobs.append(Job(job_id, "animation", step.slug, animation.name, parts, outputs,
                            why(previous, records.get(job_id), parts, site, fresh, outputs)))
            if "poster" in files:
                pictures.append((jobs[-1], files["poster"]))
        for still in (step.chapter.stills if config.kind == "site" else ()):
            job_id = f"still {step.slug}/{still.name}"
            outputs = media.still_files(step.slug, still.name)
            parts = {"chapter": step.key, "code": render_code, "libraries": draw_libraries}
            jobs.append(Job(job_id, "still", step.slug, still.name, parts, outputs,
                            why(previous, records.get(job_id), parts, site, fresh, outputs)))
            pictures.append((jobs[-1], outputs[0]))
        # The index shows each chapter by its first poster, else first still (a kit has no index).
        if pictures and config.kind == "site":
            source_job, picture = pictures[0]
            job_id = f"cover {step.slug}"
            outputs = (f"media/{step.slug}/cover.png",)
            parts = {"source": [source_job.key, picture],
                     "code": fingerprint.code_key("gdanim.figures.media")}
            reason = why(previous, records.get(job_id), parts, site, fresh, outputs)
            if source_job.reason and not reason:
                reason = "its picture is rendered again"
            jobs.append(Job(job_id, "cover", step.slug, None, parts, outputs, reason,
                            source=picture))
    if any(step.chapter is None for step in plan.chapters):
        plan.jobs = jobs
        return
    every_module = [m for m in _all_modules()]
    parts = {"templates": [fingerprint.tree_key(_templates()),
                           fingerprint.files_key(chapter_pages())],
             "code": fingerprint.code_key(*every_module),
             "pages": [[s.slug, s.key] for s in plan.chapters],
             "figures": [j.key for j in jobs],
             "slides kit": kit_index.kit_key(site),   # the "Use in slides" boxes
             "provenance": provenance.read().as_key(),   # About page and footer
             # Every build setting but the folder (site URL, title, formats...).
             "settings": fingerprint.digest_of({f.name: getattr(config, f.name)
                                                for f in fields(config) if f.name != "out"})}
    jobs.append(Job("pages", "pages", None, None, parts, (),
                    why(previous, records.get("pages"), parts, site, fresh)))
    if config.kind == "site":
        jobs += extra_jobs(plan, jobs, config, previous, fresh)
    plan.jobs = jobs


def extra_jobs(plan: Plan, jobs: list[Job], config: BuildConfig, previous: Previous | None,
               fresh: bool) -> list[Job]:
    """The site's extras, each a job of its own so that a template edit does not redo
    them: the notebook (its cells run for their outputs), the printable handout, and
    last the offline copy, a zip of every other file (its key: every other job's)."""
    from gdanim.outputs import handout, homework, listings, notebook, offline, worksheet

    records = previous.jobs if previous else {}
    site_parts = {"title": config.site.title, "author": config.site.author,
                  "repository": config.site.repository}
    chapters = [[s.slug, s.key, s.title] for s in plan.chapters]
    wanted = [
        ("notebook", (notebook.NAME,),
         {"chapters": chapters, "code": fingerprint.code_key("gdanim.outputs.notebook"),
          "lessons": fingerprint.files_key(listings.lesson_files()),
          "libraries": fingerprint.library_key(fingerprint.COMPUTE_LIBRARIES),
          "settings": fingerprint.digest_of(site_parts),
          "quality": config.quality.name != "draft"}),   # outputs saved or not
        ("handout", (handout.NAME,),
         {"chapters": chapters, "figures": [j.key for j in jobs if j.kind == "animation"],
          "code": fingerprint.code_key("gdanim.outputs.handout"),
          "libraries": fingerprint.library_key(fingerprint.DRAW_LIBRARIES),
          "settings": fingerprint.digest_of(site_parts, config.site.site_url)}),
        ("homework", (homework.NAME, worksheet.NAME),
         {"chapters": chapters, "code": homework_code_key(),
          "libraries": fingerprint.library_key(HOMEWORK_LIBRARIES),
          "settings": fingerprint.digest_of(config.site.title, config.site.homework,
                                            config.site.site_url)}),
    ]
    extras = [Job(name, name, None, None, parts, outputs,
                  why(previous, records.get(name), parts, config.out, fresh, outputs))
              for name, outputs, parts in wanted]
    parts = {"files": [j.key for j in jobs + extras],
             "code": fingerprint.code_key("gdanim.outputs.offline")}
    outputs = (offline.NAME,)
    extras.append(Job("offline", "offline", None, None, parts, outputs,
                      why(previous, records.get("offline"), parts, config.out, fresh, outputs)))
    return extras


HOMEWORK_LIBRARIES = ("otter-grader", "nbformat", "numpy", "pandas", "palmerpenguins",
                      "matplotlib")


def homework_code_key() -> str:
    """The code the homework comes from: its writers and every chapter's questions."""
    modules = ["gdanim.outputs.homework", "gdanim.outputs.worksheet", "gdanim.chapters.homework"]
    modules += [f"gdanim.chapters.{p.parent.name}.homework"
                for p in sorted(fingerprint.PACKAGE.glob("chapters/*/homework.py"))]
    return fingerprint.code_key(*modules)


def _templates() -> Path:
    from gdanim.core.resources import templates_dir

    return templates_dir()


def chapter_pages() -> list[Path]:
    """Every chapter folder's page template."""
    return sorted(fingerprint.PACKAGE.glob("chapters/*/page.html"))


def _all_modules() -> list[str]:
    package = fingerprint.PACKAGE
    names = []
    for path in sorted(package.rglob("*.py")):
        rel = path.relative_to(package).with_suffix("")
        parts = [p for p in rel.parts if p != "__init__"]
        names.append(".".join(["gdanim", *parts]))
    return names


def describe(plan: Plan) -> list[str]:
    """The plan in words, one line per step, for --dry-run."""
    lines = []
    for step in plan.chapters:
        lines.append(f"chapter {step.slug}: " + (f"compute ({step.reason})" if step.reason
                                                 else "up to date (results cached)"))
        if step.reason and step.chapter is None:
            lines.append("  its figures and pages: decided after computing")
    for job in plan.jobs:
        what = "render" if job.kind != "pages" else "write"
        lines.append(f"{job.id}: " + (f"{what} ({job.reason})" if job.reason else "up to date"))
    return lines
