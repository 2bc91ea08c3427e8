"""gdanim.toml: a teacher's settings, read and checked before anything is computed.

    [site]                     title, author, site_url, repository, chapters (order and selection)
    [chapters.<slug>]          settings of a built-in chapter (see `list --settings`)
    [[chapter]]                a new chapter from two columns of a CSV file

`load` reads the file (from the current folder, or the path given), checks every key
and every CSV, and raises one ConfigError listing every problem as
`file: 'key': problem`. On success it returns the site's description and the chapters
to build, as ordinary Scenario objects, ready for `gdanim.chapters.installed`."""
from __future__ import annotations

import difflib
import re
import tomllib
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

from gdanim.core.config import SiteInfo
from gdanim.options import ConfigError

CONFIG_NAME = "gdanim.toml"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
RESERVED_SLUGS = {"index", "404", "static", "manifest", "sitemap", "robots", "about", "lesson"}
SITE_KEYS = ("title", "author", "site_url", "repository", "chapters")
CHAPTER_KEYS = ("slug", "title", "csv", "x", "y", "x_label", "y_label", "standardize",
                "intercept", "optimizers", "learning_rate", "epochs", "prose", "summary",
                "source")
REQUIRED_CHAPTER_KEYS = ("slug", "title", "csv", "x", "y")
MAX_EPOCHS = 20000
# A shared gdanim.toml is read with care: it may come from someone else.
MAX_CONFIG_BYTES = 128 * 1024      # a long course's file is a few KiB
MAX_LINE_CHARS = 2000               # tomllib's time grows with a line's dotted keys
MAX_CSV_CHAPTERS = 40
MAX_PROSE_BYTES = 1024 * 1024
# The longest each text may be (characters); and the texts that may hold line breaks.
TEXT_LIMITS = {"title": 200, "author": 200, "site_url": 2000, "slug": 60, "csv": 1000,
               "prose": 1000, "x": 200, "y": 200, "x_label": 100, "y_label": 100,
               "summary": 500, "source": 5000}
MULTILINE = {"source"}
# Line and paragraph separators, and the bidirectional overrides that make text show
# in another order than it reads ("Trojan Source").
INVISIBLE = "\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@dataclass
class Settings:
    site: SiteInfo
    scenarios: list                      # gdanim.chapters.Scenario, in reading order
    notes: list[str] = field(default_factory=list)   # to say in the build output
    path: Path | None = None             # the file read, if any


def _did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Problems(list):
    """Problems of one file, each written `file: 'key': problem`."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name

    def add(self, key: str, problem: str) -> None:
        self.append(f"{self.name}: {_shown(key, 120)}: {problem}")

    def unknown_keys(self, table: dict, known, where: str) -> None:
        for key in table:
            if key not in known:
                self.add(f"{where}{key}", f"unknown key{_did_you_mean(key, known)}; "
                                          f"known keys: {', '.join(known)}")


def _type_name(value) -> str:
    return {str: "text", bool: "true/false", int: "a whole number", float: "a number",
            list: "a list", dict: "a table"}.get(type(value), type(value).__name__)


def _check(problems: _Problems, key: str, value, kind: str) -> bool:
    """Is `value` of `kind` (text, bool, number, int, list of text)? Adds a problem if not."""
    ok = {"text": isinstance(value, str) and value.strip() != "",
          "bool": isinstance(value, bool),
          "number": isinstance(value, (int, float)) and not isinstance(value, bool),
          "int": isinstance(value, int) and not isinstance(value, bool),
          "list of text": isinstance(value, list) and all(isinstance(v, str) for v in value),
          }[kind]
    if not ok:
        want = {"text": "non-empty text in quotes", "bool": "true or false",
                "number": "a number", "int": "a whole number",
                "list of text": 'a list of names, like ["a", "b"]'}[kind]
        problems.add(key, f"must be {want}, not {_type_name(value)} {_shown(value)}")
        return False
    if kind == "text":
        return _text_ok(problems, key, value)
    return ok


def _shown(value, limit: int = 60) -> str:
    """A value as a message shows it: repr (control characters escaped), shortened."""
    text = repr(value)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _text_ok(problems: _Problems, key: str, value: str) -> bool:
    """No control characters (line breaks only where Markdown is expected), and not
    longer than TEXT_LIMITS allows: these texts reach pages, file names and terminals."""
    field = key.rsplit(".", 1)[-1]
    allowed = "\n\t\r" if field in MULTILINE else ""
    bad = next((c for c in value if (ord(c) < 32 or 127 <= ord(c) < 160 or c in INVISIBLE)
                and c not in allowed), None)
    if bad is not None:
        problems.add(key, f"holds a control character (U+{ord(bad):04X}"
                          + (", a line break" if bad in "\n\r\u2028\u2029" else "")
                          + f") at position {value.index(bad) + 1}; remove it")
        return False
    limit = TEXT_LIMITS.get(field)
    if limit and len(value) > limit:
        problems.add(key, f"is {len(value):,} characters long; at most {limit:,}")
        return False
    return True


def url_problem(url: str) -> str | None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return f"{url!r} is not an http(s) address like 'https://you.github.io/course/'"
    if parts.query or parts.fragment:
        return f"{url!r} has a query or fragment ('?' or '#'); give the site's base address"
    return None


def _site(problems: _Problems, table, builtin: list[str]) -> tuple[SiteInfo, list | None]:
    if not isinstance(table, dict):
        problems.add("site", f"must be a table ([site]), not {_type_name(table)}")
        return SiteInfo(), None
    problems.unknown_keys(table, SITE_KEYS, "site.")
    info = SiteInfo()
    title = table.get("title", info.title)
    author = table.get("author", "")
    url = table.get("site_url", "")
    if "title" in table:
        _check(problems, "site.title", title, "text")
    if "author" in table:
        _check(problems, "site.author", author, "text")
    if "site_url" in table and _check(problems, "site.site_url", url, "text"):
        if url_problem(url):
            problems.add("site.site_url", url_problem(url))
    repository = table.get("repository", "")
    if "repository" in table and _check(problems, "site.repository", repository, "text"):
        if url_problem(repository):
            problems.add("site.repository", url_problem(repository).replace(
                "'https://you.github.io/course/'", "'https://github.com/you/course'"))
        else:
            repository = repository.rstrip("/")
    chapters = table.get("chapters")
    if chapters is not None and not _check(problems, "site.chapters", chapters, "list of text"):
        chapters = None
    if chapters is not None and not chapters:
        problems.add("site.chapters", "is empty; list at least one chapter")
    return SiteInfo(title=title if isinstance(title, str) else info.title,
                    author=author if isinstance(author, str) else "",
                    site_url=url if isinstance(url, str) else "",
                    repository=repository if isinstance(repository, str) and
                    not url_problem(repository) else ""), chapters


def _builtin_settings(problems: _Problems, table) -> dict[str, dict]:
    """[chapters.<slug>] tables, checked against each chapter's declared settings."""
    from gdanim.chapters import BUILT_IN

    values: dict[str, dict] = {}
    if not isinstance(table, dict):
        problems.add("chapters", f"must be tables like [chapters.descent-1d], not "
                                 f"{_type_name(table)}")
        return values
    tunable = [slug for slug, s in BUILT_IN.items() if s.options]
    for slug, entries in table.items():
        if slug not in BUILT_IN:
            problems.add(f"chapters.{slug}", f"unknown chapter{_did_you_mean(slug, BUILT_IN)}; "
                                             f"chapters with settings: {', '.join(tunable)} "
                                             f"(a CSV chapter's settings go in its [[chapter]])")
            continue
        if not isinstance(entries, dict):
            problems.add(f"chapters.{slug}", f"must be a table, not {_type_name(entries)}")
            continue
        known = {s.name: s for s in BUILT_IN[slug].options}
        if not known and entries:
            problems.add(f"chapters.{slug}", "this chapter takes no settings")
            continue
        problems.unknown_keys(entries, list(known), f"chapters.{slug}.")
        values[slug] = {}
        for name, value in entries.items():
            if name in known:
                problem = known[name].problem(value)
                if problem:
                    problems.add(f"chapters.{slug}.{name}", problem)
                else:
                    values[slug][name] = known[name].kind(value)
    return values


def _csv_chapter(problems: _Problems, index: int, table, base: Path, builtin, notes):
    """One [[chapter]] table -> a Scenario, or None after adding its problems."""
    from gdanim.chapters.csv.chapter import (OPTIMIZERS, CsvSpec, learning_rate_notes,
                                              make_scenario)
    from gdanim.chapters.csv.prose import placeholder_problems
    from gdanim.maths.csv_columns import number_problems, read_columns, read_file

    where = f"chapter[{index}]"
    if not isinstance(table, dict):
        problems.add(where, f"must be a table ([[chapter]]), not {_type_name(table)}")
        return None
    slug = table.get("slug")
    if isinstance(slug, str) and len(slug) <= TEXT_LIMITS["slug"] and slug.isprintable():
        where = f"chapter.{slug}"
    before = len(problems)
    problems.unknown_keys(table, CHAPTER_KEYS, f"{where}.")
    for key in REQUIRED_CHAPTER_KEYS:
        if key not in table:
            problems.add(f"{where}.{key}", "missing; every [[chapter]] needs "
                                           f"{', '.join(REQUIRED_CHAPTER_KEYS)}")
    clean = {key: _check(problems, f"{where}.{key}", table[key], "text")
             for key in ("slug", "title", "csv", "x", "y", "x_label", "y_label", "prose",
                         "summary", "source") if key in table}
    for key in ("standardize", "intercept"):
        if key in table:
            _check(problems, f"{where}.{key}", table[key], "bool")
    if isinstance(table.get("x"), str) and table.get("x") == table.get("y"):
        problems.add(f"{where}.y", f"is the same column as x ({table['x']!r}); choose the "
                                   f"column to predict")
    if clean.get("slug"):
        if not SLUG.match(slug):
            problems.add(f"{where}.slug", f"{slug!r} is not URL-safe: use lower-case letters, "
                                          f"digits and single hyphens, like 'old-faithful'")
        elif slug in builtin or slug in RESERVED_SLUGS:
            problems.add(f"{where}.slug", f"{slug!r} is taken by a built-in page; choose "
                                          f"another")
    optimizers = table.get("optimizers", ["gd"])
    if "optimizers" in table and _check(problems, f"{where}.optimizers", optimizers,
                                        "list of text"):
        if not optimizers:
            problems.add(f"{where}.optimizers", f"is empty; choose from {', '.join(OPTIMIZERS)}")
        for name in optimizers:
            if name not in OPTIMIZERS:
                problems.add(f"{where}.optimizers", f"unknown optimizer {name!r}"
                             f"{_did_you_mean(name, OPTIMIZERS)} (choose from: "
                             f"{', '.join(OPTIMIZERS)})")
        if len(set(optimizers)) != len(optimizers):
            problems.add(f"{where}.optimizers", "lists an optimizer twice")
    rate = table.get("learning_rate")
    if rate is not None and _check(problems, f"{where}.learning_rate", rate, "number"):
        if not 0 < rate <= 1e6:
            problems.add(f"{where}.learning_rate", f"{rate!r} is out of range (greater than "
                                                   f"0, at most 1e6)")
    epochs = table.get("epochs", 200)
    if "epochs" in table and _check(problems, f"{where}.epochs", epochs, "int"):
        if not 10 <= epochs <= MAX_EPOCHS:
            problems.add(f"{where}.epochs", f"{epochs!r} is out of range (from 10 to "
                                            f"{MAX_EPOCHS})")
    prose_text = ""
    prose_path = _inside(problems, f"{where}.prose", table, base) if clean.get("prose") else None
    if prose_path is not None:
        data, problem = read_file(prose_path, table["prose"], _shown(f"{where}.prose", 120),
                                  MAX_PROSE_BYTES)
        if problem:
            problems.append(f"{problems.name}: {problem}")
        elif b"\0" in data:
            problems.add(f"{where}.prose", f"{table['prose']} holds NUL bytes, so it is not a "
                                           f"text file; give a Markdown file")
        else:
            try:
                prose_text = data.decode("utf-8-sig")
            except UnicodeDecodeError:
                problems.add(f"{where}.prose", f"{table['prose']} is not UTF-8 text")
    for key, text in (("prose", prose_text), ("source", table.get("source"))):
        if isinstance(text, str):
            for problem in placeholder_problems(text, optimizers if isinstance(optimizers, list)
                                                else ()):
                problems.add(f"{where}.{key}", problem)
    def key(field: str) -> str:
        return f"{problems.name}: {where + '.' + field!r}"

    csv_path = _inside(problems, f"{where}.csv", table, base) if clean.get("csv") else None
    can_read = csv_path is not None and clean.get("x") and clean.get("y")
    # The CSV is read even when other keys have problems, so all come out in one report.
    columns, csv_problems = (read_columns(csv_path, table["csv"], table["x"], table["y"], key)
                             if can_read else (None, []))
    problems.extend(csv_problems)
    standardize, intercept = table.get("standardize", True), table.get("intercept", True)
    if columns is not None and isinstance(standardize, bool) and isinstance(intercept, bool):
        problems.extend(number_problems(columns, table["csv"], table["x"], table["y"],
                                        standardize, intercept))
    if len(problems) > before or columns is None:
        return None
    spec = CsvSpec(slug=slug, title=table["title"], csv_name=table["csv"], x=table["x"],
                   y=table["y"], x_label=table.get("x_label", table["x"]),
                   y_label=table.get("y_label", table["y"]),
                   standardize=table.get("standardize", True),
                   intercept=table.get("intercept", True), optimizers=tuple(optimizers),
                   learning_rate=float(rate) if rate is not None else None,
                   epochs=epochs, prose=prose_text, summary=table.get("summary", ""),
                   source=table.get("source", ""))
    scenario = make_scenario(spec, columns)
    notes.extend(f"{slug}: {note}" for note in learning_rate_notes(spec, columns))
    if columns.dropped_rows:
        shown = ", ".join(map(str, columns.dropped_rows[:5]))
        more = " ..." if len(columns.dropped_rows) > 5 else ""
        notes.append(f"{slug}: dropped {len(columns.dropped_rows)} of {columns.rows_read} rows "
                     f"of {spec.csv_name} with an empty {spec.x!r} or {spec.y!r} cell "
                     f"(lines {shown}{more})")
    return scenario


def _inside(problems: _Problems, key: str, table: dict, base: Path) -> Path | None:
    """The file a chapter's key names, if it lies in gdanim.toml's folder or below it
    (symbolic links followed). Its content is published on the site, so a shared config
    must not reach other files on the machine."""
    given = table[key.rsplit(".", 1)[-1]]
    try:
        path = (base / given).resolve()
    except (OSError, RuntimeError, ValueError) as error:     # a link loop, a NUL byte
        problems.add(key, f"{given!r} cannot be followed ({error})")
        return None
    if not path.is_relative_to(base):
        problems.add(key, f"{given!r} is outside the folder of gdanim.toml ({base}): the "
                          f"chapter publishes what it reads, so it reads files from that "
                          f"folder and below only. Copy the file there")
        return None
    return path


def find_config(path: str | None) -> Path | None:
    """The file to read: `path` if given, else ./gdanim.toml if present, else None."""
    if path is not None:
        return Path(path)
    here = Path.cwd() / CONFIG_NAME
    return here if here.is_file() else None


def load(path: str | None = None) -> Settings:
    """Read and check gdanim.toml (see the module's docstring). Without a file, the
    built-in chapters with their defaults."""
    from gdanim.chapters import BUILT_IN

    config = find_config(path)
    if config is None:
        return Settings(SiteInfo(), list(BUILT_IN.values()))
    name = str(config) if path is not None else CONFIG_NAME
    problems = _Problems(name)
    from gdanim.maths.csv_columns import read_file

    if not config.exists():
        raise ConfigError([f"{name}: no such file (the --config option names a gdanim.toml)"])
    raw, problem = read_file(config, "the file", name, MAX_CONFIG_BYTES, what="settings file")
    if problem:
        raise ConfigError([problem])
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ConfigError([f"{name}: not UTF-8 text; save it as UTF-8"])
    long = next((i for i, line in enumerate(text.splitlines(), 1)
                 if len(line) > MAX_LINE_CHARS), None)
    if long:
        raise ConfigError([f"{name}: line {long} is {len(text.splitlines()[long - 1]):,} "
                           f"characters long; at most {MAX_LINE_CHARS:,}. Break a long text "
                           f"into lines (a string in three quotes may span lines)"])
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError([f"{name}: not valid TOML: {error}"])
    except RecursionError:
        raise ConfigError([f"{name}: not a settings file: its lists or tables nest "
                           f"hundreds of levels deep"])
    problems.unknown_keys(data, ("site", "chapters", "chapter"), "")
    builtin = list(BUILT_IN)
    site, order = _site(problems, data.get("site", {}), builtin)
    values = _builtin_settings(problems, data.get("chapters", {}))
    entries = data.get("chapter", [])
    if not isinstance(entries, list):
        problems.add("chapter", "write each CSV chapter as a [[chapter]] table (two brackets)")
        entries = []
    if len(entries) > MAX_CSV_CHAPTERS:
        raise ConfigError([f"{name}: 'chapter': {len(entries):,} [[chapter]] tables; a site "
                           f"takes at most {MAX_CSV_CHAPTERS}"])
    notes: list[str] = []
    base = config.resolve().parent
    own, seen = [], {}
    for i, entry in enumerate(entries, start=1):
        slug = entry.get("slug") if isinstance(entry, dict) else None
        if isinstance(slug, str):
            if slug in seen:
                problems.add(f"chapter.{slug}.slug", f"{slug!r} is used by chapters {seen[slug]} "
                                                     f"and {i}; every slug must be unique")
            seen.setdefault(slug, i)
        scenario = _csv_chapter(problems, i, entry, base, builtin, notes)
        if scenario is not None:
            own.append(scenario)
    every = {s.slug: s for s in BUILT_IN.values()}
    every.update({s.slug: s for s in own})
    if order is not None:
        known = builtin + [e.get("slug") for e in entries if isinstance(e, dict)]
        for slug in order:
            if slug not in known:
                problems.add("site.chapters", f"unknown chapter {slug!r}"
                             f"{_did_you_mean(slug, known)} (choose from: {', '.join(known)})")
        twice = sorted({s for s in order if order.count(s) > 1})
        if twice:
            problems.add("site.chapters", f"lists {', '.join(map(repr, twice))} twice")
    if problems:
        raise ConfigError(list(problems))
    for slug, chosen in values.items():
        every[slug] = every[slug].with_values(chosen)
    slugs = order if order is not None else list(every)
    return Settings(site, [every[s] for s in slugs], notes, config)


CSV_KEYS_HELP = (
    ("slug", "required", "the page's name in its address: lower-case letters, digits, hyphens"),
    ("title", "required", "the chapter's title"),
    ("csv", "required", "the data file, in gdanim.toml's folder or below (UTF-8, header "
                        "row, at most 64 MiB)"),
    ("x", "required", "the column to predict from"),
    ("y", "required", "the column to predict"),
    ("x_label", "the column name", "what the pages and figures call x"),
    ("y_label", "the column name", "what the pages and figures call y"),
    ("standardize", "true", "rescale both columns (z-scores) before the fit; false keeps "
                            "your units and shows a stretched valley"),
    ("intercept", "true", "fit y = intercept + slope × x; false fits y = slope × x"),
    ("optimizers", '["gd"]', "more than one adds a race: gd, sgd, momentum, rmsprop, adam"),
    ("learning_rate", "5% of the threshold", "greater than 0; above the divergence "
                                             "threshold the run is shown diverging"),
    ("epochs", "200", "from 10 to 20000"),
    ("prose", "none", "a Markdown file shown at the top of the page; {{ name }} inserts a "
                      "computed number (see the manifest's keys)"),
    ("summary", "generated", "one line for the index"),
    ("source", "none", "Markdown: where the data come from and their licence"),
)


def describe(scenarios) -> str:
    """What `list --settings` prints: each chapter's settings with defaults and ranges,
    then the keys of a [[chapter]] from a CSV."""
    from gdanim.chapters.csv.prose import NUMBER_KEYS

    lines = ["Settings of the built-in chapters, in gdanim.toml as [chapters.<name>]:", ""]
    for scenario in scenarios:
        if scenario.template:          # a CSV chapter: its keys are below
            continue
        lines.append(f"{scenario.slug}")
        if not scenario.options:
            lines.append("    (no settings)")
        for s in scenario.options:
            now = scenario.values.get(s.name, s.default)
            lines.append(f"    {s.name:<14} default {s.default:<8g} range {s.low:g} to "
                         f"{s.high:g}   {s.help}"
                         + (f"   [set to {now:g}]" if now != s.default else ""))
    lines += ["", "A chapter from a CSV file, in gdanim.toml as [[chapter]]:", ""]
    for key, default, text in CSV_KEYS_HELP:
        lines.append(f"    {key:<14} {default:<20} {text}")
    lines += ["", "Numbers a CSV chapter's prose can insert as {{ name }} or {{ name:.2f }}:",
              "    " + ", ".join(NUMBER_KEYS),
              "    and, for each optimizer in a race (gd, sgd, momentum, rmsprop, adam):",
              "    <optimizer>_within_1pct_epoch, <optimizer>_final_loss, "
              "<optimizer>_diverged_at"]
    return "\n".join(lines)
