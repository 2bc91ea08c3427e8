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
        lines = [f"{self.heading} {self.caption}"]
        if self.numbers:
            lines += ["", "Key numbers:", *(f"- {n}" for n in self.numbers)]
        if self.point_at:
            lines += ["", "Point at:", *(f"- {n}" for n in self.point_at)]
        return "\n".join(lines)


_SUPERSCRIPT = str.maketrans("-0123456789", "\u207b\u2070\u00b9\u00b2\u00b3\u2074\u2075\u2076\u2077\u2078\u2079")


def number(x: float) -> str:
    """A number as the player's readout prints it: a few significant digits, grouped
    thousands, a true minus sign."""
    x = float(x)
    if x != x or x in (float("inf"), float("-inf")):
        return "not a number" if x != x else text.minus(f"{x}")
    if x != 0 and abs(x) < 1e-3:
        mantissa, exponent = f"{x:.2e}".split("e")
        mantissa = mantissa.rstrip("0").rstrip(".")
        return text.minus(mantissa) + "\u00d710" + str(int(exponent)).translate(_SUPERSCRIPT)
    if abs(x) >= 1000:
        return text.minus(f"{x:,.0f}")
    return text.minus(f"{x:.4g}")


def _and(names: list[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _count_of(value: float) -> str:
    return f"{round(value):,}"


def talking_points(kit: Path, s: Slide) -> Notes:
    heading, caption = f"{s.chapter}: {s.entry['title']}.", s.entry["alt"]
    settings = [f"{name.replace('_', ' ')} {_setting(value)}"
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


def _setting(value) -> str | None:
    """A run's setting as a short text, or None for one too big to say (a dict)."""
    if isinstance(value, bool) or isinstance(value, str):
        return str(value).lower() if isinstance(value, bool) else value
    if isinstance(value, (int, float)):
        return _count_of(value) if isinstance(value, int) else number(value)
    if isinstance(value, list) and all(isinstance(v, (int, float)) for v in value):
        return "(" + ", ".join(number(v) for v in value) + ")"
    return None


def _finite(x: float) -> bool:
    return x == x and abs(x) != float("inf")


def _run_points(table: dict) -> tuple[list[str], list[str]]:
    """One run: where it starts and ends, and the frame worth pointing at."""
    frames, label, names = table["frames"], table["label"], table.get("names", [])

    def state(f: dict) -> str:
        parts = [f"{n} {number(v)}" for n, v in zip(names, f["params"])]
        return ", ".join(parts + [f"loss {number(f['loss'])}"])

    first, last = frames[0], frames[-1]
    numbers = [f"Start, {label} {_count_of(first['epoch'])}: {state(first)}.",
               f"End, {label} {_count_of(last['epoch'])}: {state(last)}."]
    losses = [f["loss"] if _finite(f["loss"]) else float("inf") for f in frames]
    low = min(range(len(frames)), key=losses.__getitem__)
    fall = losses[0] - losses[-1]
    point = []
    if fall > 0 and losses[-1] - losses[low] <= 1e-3 * fall:
        # A descent: it ends at the bottom (to within a hair). Most of the fall comes
        # early, in big steps: say when.
        k = next(i for i, loss in enumerate(losses) if loss <= losses[-1] + 0.1 * fall)
        point.append(f"By {label} {_count_of(frames[k]['epoch'])} the loss has made 90% of "
                     f"its fall (to {number(losses[k])}); the steps after that are small.")
    elif 0 < low < len(frames) - 1:
        point.append(f"The lowest loss, at {label} {_count_of(frames[low]['epoch'])}: "
                     f"{state(frames[low])}.")
    if not _finite(last["loss"]) or last["loss"] > first["loss"]:
        point.append("The loss ends higher than it started: the run diverged.")
    return numbers, point


def _race_points(table: dict) -> tuple[list[str], list[str]]:
    """Several runs at once: each run's final loss, the lowest, and who diverged."""
    frames, label, runs = table["frames"], table["label"], table["runs"]
    first, last = frames[0], frames[-1]
    start = {number(v) for v in first["loss"]}
    numbers = [f"Start, {label} {_count_of(first['epoch'])}: loss "
               + (start.pop() + " for every run" if len(start) == 1 else
                  "; ".join(f"{r} {number(v)}" for r, v in zip(runs, first["loss"]))) + ".",
               f"End, {label} {_count_of(last['epoch'])}: "
               + "; ".join(f"{r}: loss {number(v)}" for r, v in zip(runs, last["loss"])) + "."]
    finals = [v if _finite(v) else float("inf") for v in last["loss"]]
    best = min(range(len(runs)), key=finals.__getitem__)
    # Runs that end level with the best (to 0.1%) share it: name them all.
    level = [r for r, v in zip(runs, finals) if v <= finals[best] + 1e-3 * abs(finals[best])]
    point = [f"Lowest final loss: {number(finals[best])}, reached by " + _and(level) + "."]
    diverged = [r for r, v0, v in zip(runs, first["loss"], last["loss"])
                if not _finite(v) or v > v0]
    if diverged:
        point.append(_and(diverged) + (" ends" if len(diverged) == 1 else " end")
                     + " higher than at the start: diverged.")
    return numbers, point
