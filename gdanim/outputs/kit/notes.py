"""What a presenter says over each animation: the speaker notes of the deck, the
Quarto deck and the presenter view."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from gdanim.core import text
from gdanim.outputs.kit.slide import Slide


@dataclass(frozen=True)
class Notes:
    """What a presenter says over one animation: the caption, the key numbers (where
    the run starts and ends, its settings) and what to point at, all read from the
    animation's own frame table, so they hold for a CSV chapter as for the lesson."""

    heading: str      # "chapter: title."
    caption: str      # the animation's description
    numbers: tuple[str, ...]
    point_at: tuple[str, ...]

    def text(self) -> str:
        # The slide already shows the title: the note starts with what it shows.
        lines = [self.caption]
        if self.numbers:
            lines += ["", "Key numbers:", *(f"- {n}" for n in self.numbers)]
        if self.point_at:
            lines += ["", "Point at:", *(f"- {n}" for n in self.point_at)]
        return "\n".join(lines)


_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def number(x) -> str:
    """A number as every output prints it (`core.text.number`)."""
    if x is None:
        return "too large for float32"
    return text.number(x)


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _count_of(value: float) -> str:
    return f"{round(value):,}"


def talking_points(kit: Path, s: Slide) -> Notes:
    heading, caption = f"{s.chapter}: {s.entry['title']}.", s.entry["alt"]
    # Learning rates as the pages write them (0.000013, not 1.300e−05).
    settings = [f"{name.replace('_', ' ')} {_setting(value, 'rate' in name)}"
                for name, value in s.entry.get("params", {}).items()
                if _setting(value) is not None]
    table = None
    if s.file("frames"):
        try:
            table = json.loads((kit / s.file("frames")).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            table = None
    if not table or not table.get("frames"):
        return Notes(heading, caption,
                     tuple(["Settings: " + ", ".join(settings) + "."] if settings else []), ())
    if table.get("runs"):
        numbers, point = _race_points(table)
    else:
        numbers, point = _run_points(table)
    if settings:
        numbers.append("Settings: " + ", ".join(settings) + ".")
    return Notes(heading, caption, tuple(numbers), tuple(point))


def _setting(value, rate: bool = False) -> str | None:
    """A run's setting as a short text, or None for one too big to say (a dict)."""
    if isinstance(value, bool) or isinstance(value, str):
        return str(value).lower() if isinstance(value, bool) else value
    say = text.rate_decimal if rate else number
    if isinstance(value, (int, float)):
        return _count_of(value) if isinstance(value, int) else say(value)
    if isinstance(value, list) and all(isinstance(v, (int, float)) for v in value):
        if len(value) > 4:         # a grid: say it briefly
            return f"{len(value)} values from {say(value[0])} to {say(value[-1])}"
        return "(" + ", ".join(say(v) for v in value) + ")"
    return None


def _finite(x) -> bool:
    return x is not None and x == x and abs(x) != float("inf")


def _run_points(table: dict) -> tuple[list[str], list[str]]:
    """One run: where it starts and ends, and the frame worth pointing at."""
    frames, label, names = table["frames"], table["label"], table.get("names", [])

    def state(f: dict) -> str:
        parts = [f"{n} {text.parameter(v, f['params'])}" for n, v in zip(names, f["params"])]
        return ", ".join(parts + [f"loss {number(f['loss'])}"])

    first, last = frames[0], frames[-1]
    numbers = [f"Start, {label} {_count_of(first['epoch'])}: {state(first)}.",
               f"End, {label} {_count_of(last['epoch'])}: {state(last)}."]
    losses = [f["loss"] if _finite(f["loss"]) else float("inf") for f in frames]
    low = min(range(len(frames)), key=losses.__getitem__)
    fall = losses[0] - losses[-1]
    point = []
    rises = any(b > a + 1e-6 * abs(a) for a, b in zip(losses, losses[1:]))
    if fall > 0 and losses[-1] - losses[low] <= 1e-3 * fall and not rises:
        # A descent: the loss only falls, and it ends at the bottom (to within a hair).
        # Most of the fall comes early, in big steps: say when. (Guesses picked by hand
        # go up and down, and no such thing can be said of them.)
        k = next(i for i, loss in enumerate(losses) if loss <= losses[-1] + 0.1 * fall)
        point.append(f"By {label} {_count_of(frames[k]['epoch'])} the loss has made 90% of "
                     f"its fall (to {number(losses[k])}); the steps after that are small.")
    elif 0 < low < len(frames) - 1:
        point.append(f"The lowest loss, at {label} {_count_of(frames[low]['epoch'])}: "
                     f"{state(frames[low])}.")
    if not _finite(last["loss"]) or last["loss"] > first["loss"]:
        point.append("The loss ends higher than it started: the run diverged.")
    return numbers, point


def _same_loss_elsewhere(table: dict, finals: list, best: int) -> list[str]:
    """Runs that end within 1% of the lowest loss but more than 1% away from the best
    run's parameters: a low loss alone does not pin down the parameters (the valley's
    plain descent; the bumpy landscape's two valleys)."""
    runs, names, last = table["runs"], table.get("names", []), table["frames"][-1]
    params = last.get("params")
    if not isinstance(params, list) or len(params) != len(runs) or not names:
        return []
    ref = params[best]
    if not all(_finite(v) for v in ref):
        return []
    size = max(sum(v * v for v in ref) ** 0.5, 1e-12)

    def where(p):
        return ", ".join(f"{n} {text.parameter(v, p)}" for n, v in zip(names, p))
    away = [i for i, (v, p) in enumerate(zip(finals, params))
            if i != best and _finite(v) and v <= finals[best] + 0.01 * abs(finals[best])
            and all(_finite(x) for x in p)
            and sum((a - b) ** 2 for a, b in zip(p, ref)) ** 0.5 > 0.01 * size]
    if not away:
        return []
    return ["Nearly the same loss, other parameters: " + "; ".join(
        f"{runs[i]} ends at {where(params[i])}" for i in away)
        + f", against {runs[best]}'s {where(ref)}. A low loss alone does not pin down "
        "the parameters."]


def _race_points(table: dict) -> tuple[list[str], list[str]]:
    """Several runs at once: each run's final loss (its true loss, and where it left the
    plot, for a run that did), the lowest, and who diverged."""
    frames, label, runs = table["frames"], table["label"], table["runs"]
    first, last = frames[0], frames[-1]
    left = table.get("left") or [None] * len(runs)
    start = {number(v) for v in first["loss"]}

    def end(r, v, gone):
        if gone is not None and gone <= last["epoch"]:
            return f"{r}: off the plot from {label} {_count_of(gone)}, loss {number(v)}"
        return f"{r}: loss {number(v)}"
    numbers = [f"Start, {label} {_count_of(first['epoch'])}: loss "
               + (start.pop() + " for every run" if len(start) == 1 else
                  "; ".join(f"{r} {number(v)}" for r, v in zip(runs, first["loss"]))) + ".",
               f"End, {label} {_count_of(last['epoch'])}: "
               + "; ".join(end(r, v, g) for r, v, g in zip(runs, last["loss"], left)) + "."]
    finals = [v if _finite(v) else float("inf") for v in last["loss"]]
    best = min(range(len(runs)), key=finals.__getitem__)
    # Runs that end level with the best, as printed, share it: name them all.
    level = [r for r, v in zip(runs, finals) if number(v) == number(finals[best])]
    point = [f"Lowest final loss: {number(finals[best])}, reached by " + _and(level) + "."]
    point += _same_loss_elsewhere(table, finals, best)
    diverged = [r for r, v0, v, g in zip(runs, first["loss"], last["loss"], left)
                if not _finite(v) or v > v0 or g is not None]
    if diverged:
        point.append(_and(diverged) + (" ends" if len(diverged) == 1 else " end")
                     + " higher than at the start: diverged.")
    return numbers, point
