"""The chapters of the explainer, in reading order, and what each one produces.

A scenario is data: a slug, a title, the settings it takes (with defaults and ranges),
and a `run(quality)` that computes the chapter's numbers and describes its figures
(built later, only if the build renders them). `run` is a pure function of the quality
and the scenario's validated setting values."""
from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from importlib import import_module
from typing import Callable, Iterator

from gdanim.core.config import Quality
from gdanim.core.values import Chapter


@dataclass(frozen=True)
class Setting:
    """One setting a chapter takes from gdanim.toml: its type, default and the closed
    range [low, high] it must lie in."""

    name: str
    kind: type                   # int or float
    default: float | int
    low: float | int
    high: float | int
    help: str

    def problem(self, value) -> str | None:
        """Why `value` is not acceptable, or None."""
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                (self.kind is int and not isinstance(value, int)):
            want = "a whole number" if self.kind is int else "a number"
            return f"must be {want}, not {value!r}"
        if not self.low <= value <= self.high:
            return f"{value!r} is out of range (from {self.low:g} to {self.high:g})"
        return None


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    summary: str                               # one line, for `list` and the index
    compute: Callable[..., Chapter]            # compute(quality, **values)
    options: tuple[Setting, ...] = ()          # the settings it takes
    values: dict = field(default_factory=dict)  # validated settings; missing = default
    template: str = ""                         # page template; "" = chapters/<slug>.html
    inputs: dict = field(default_factory=dict)  # what else shapes its results (a CSV
                                                # chapter: its spec and its data's hash)

    def run(self, quality: Quality) -> Chapter:
        return self.compute(quality, **self.values)

    @property
    def settings(self) -> dict:
        """Everything besides code and quality that its results depend on: the key of
        its cached results is made from this."""
        return {**self.values, **self.inputs}

    @property
    def module(self) -> str:
        """The module whose code computes it."""
        return getattr(self.compute, "func", self.compute).__module__

    @property
    def page_template(self) -> str:
        return self.template or f"chapters/{self.slug}.html"

    def with_values(self, values: dict) -> "Scenario":
        """The same chapter with these settings (already checked against `settings`)."""
        return replace(self, values=dict(values))


SCENARIOS: dict[str, Scenario] = {}


def scenario(slug: str, title: str, summary: str, settings: tuple[Setting, ...] = ()):
    """Register `run(quality, **settings) -> Chapter` as the scenario `slug` (in import
    order). Every setting must be a keyword argument of `run` with the same default."""
    def register(run: Callable[..., Chapter]):
        if slug in SCENARIOS:
            raise ValueError(f"scenario {slug!r} registered twice")
        SCENARIOS[slug] = Scenario(slug, title, summary, run, settings)
        return run
    return register


def get(slug: str) -> Scenario:
    try:
        return SCENARIOS[slug]
    except KeyError:
        raise KeyError(f"unknown scenario {slug!r} (choose from: {', '.join(SCENARIOS)})")


@contextmanager
def installed(scenarios: list[Scenario]) -> Iterator[None]:
    """Make `scenarios` (in this order) the registry while the block runs: a config's
    chapter selection, settings and CSV chapters. The built-in registry comes back after."""
    saved = dict(SCENARIOS)
    SCENARIOS.clear()
    SCENARIOS.update((s.slug, s) for s in scenarios)
    try:
        yield
    finally:
        SCENARIOS.clear()
        SCENARIOS.update(saved)


BUILT_IN: dict[str, Scenario]   # set below, after the chapters registered themselves

# Each chapter is a folder here: chapter.py (its numbers and figures, registered with
# @scenario), scenes.py (figure code only it uses), lesson.py (the script its page
# shows) and page.html (its page). This list is the reading order.
READING_ORDER = ("guess_and_check", "grid_search", "slopes", "descent_1d", "vectors",
                 "penguins_2d", "learning_rates", "mini_batches", "optimizers", "bumpy")

for _name in READING_ORDER:
    import_module(f"gdanim.chapters.{_name}.chapter")

BUILT_IN = dict(SCENARIOS)
