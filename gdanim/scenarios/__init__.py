"""The chapters of the explainer, in reading order, and what each one produces.

A scenario is data: a slug, a title, and a `run(quality)` that computes the chapter's
numbers and describes its figures (built later, only if the build renders them)."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from gdanim.config import Quality
from gdanim.values import Chapter


@dataclass(frozen=True)
class Scenario:
    slug: str
    title: str
    summary: str                          # one line, for `list` and the index
    run: Callable[[Quality], Chapter]


SCENARIOS: dict[str, Scenario] = {}


def scenario(slug: str, title: str, summary: str):
    """Register `run(quality) -> Chapter` as the scenario `slug` (in import order)."""
    def register(run: Callable[[Quality], Chapter]):
        if slug in SCENARIOS:
            raise ValueError(f"scenario {slug!r} registered twice")
        SCENARIOS[slug] = Scenario(slug, title, summary, run)
        return run
    return register


def get(slug: str) -> Scenario:
    try:
        return SCENARIOS[slug]
    except KeyError:
        raise KeyError(f"unknown scenario {slug!r} (choose from: {', '.join(SCENARIOS)})")


# Import order is reading order.
from gdanim.scenarios import (guess_and_check, grid_search, slopes, descent_1d,  # noqa: E402,F401
                              penguins_2d, learning_rates, optimizers)
