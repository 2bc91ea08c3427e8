"""Exercises for a chapter's "Your turn": what a chapter folder's exercises.py returns and
templates/exercises.html renders (static/exercises.js checks the answers in the page).

Two kinds:
- a number the learner works out, checked against the build's own value within a stated
  tolerance; a known wrong answer (a slip people make) gets its own explanation;
- a task done with the chapter's explorer, checked from the explorer's published state
  (data-state-* attributes on its section, see static/explorer.js): every Check must hold.

Every number a reader sees is formatted here with text.fmt (the pages' `fmt` filter)."""
from __future__ import annotations

from dataclasses import dataclass, field

from gdanim.core import text


@dataclass(frozen=True)
class Mistake:
    """A wrong answer worth naming: `value` (matched within the exercise's tolerance) and
    what it means, in words."""

    value: float
    why: str


@dataclass(frozen=True)
class Check:
    """One condition on the explorer's state, by value (never by a grid position, so it
    holds for any explorer that publishes the state). `key` is a state field (verdict,
    optimizer, arrived_at, rate, start, final, ...); the value must be one of `one_of`,
    and/or (numbers) at least `low` and at most `high`: a number bounds every element of a
    list, a tuple bounds each element by position (None: no bound). `why` is said when it
    does not hold."""

    key: str
    why: str
    one_of: tuple = ()
    low: float | tuple | None = None
    high: float | tuple | None = None

    def data(self) -> dict:
        out: dict = {"key": self.key, "why": self.why}
        if self.one_of:
            out["in"] = list(self.one_of)
        if self.low is not None:
            out["min"] = list(self.low) if isinstance(self.low, tuple) else self.low
        if self.high is not None:
            out["max"] = list(self.high) if isinstance(self.high, tuple) else self.high
        return out


@dataclass(frozen=True)
class Exercise:
    """One exercise. `task`, `hint` and each step of `solution` are plain sentences.
    A number exercise has `answer`, `tolerance` (absolute), `unit` and `digits` (the
    format the answer is shown in); an explorer task has `checks` and optionally `show`,
    an explorer link (#lr=...&start=...) to a setting that works."""

    id: str
    title: str
    task: str
    hint: str
    solution: tuple[str, ...]
    right: str                                 # said when the answer is right: why
    answer: float | None = None
    tolerance: float = 0.0
    digits: str = "g"
    unit: str = ""
    mistakes: tuple[Mistake, ...] = ()
    checks: tuple[Check, ...] = ()
    show: str = ""

    @property
    def kind(self) -> str:
        return "explorer" if self.checks else "number"

    @property
    def shown(self) -> str:
        """The answer as the page prints it."""
        return "" if self.answer is None else text.fmt(self.answer, self.digits)

    @property
    def tolerance_text(self) -> str:
        return text.decimal(self.tolerance)

    def data(self) -> dict:
        """What static/exercises.js needs (never shown as it stands)."""
        if self.kind == "explorer":
            return {"kind": "explorer", "checks": [c.data() for c in self.checks],
                    "right": self.right}
        return {"kind": "number", "answer": self.answer, "tolerance": self.tolerance,
                "right": self.right,
                "mistakes": [{"value": m.value, "why": m.why} for m in self.mistakes]}


@dataclass(frozen=True)
class Exercises:
    """A chapter's "Your turn": its exercises and a line on what they practise."""

    intro: str
    items: tuple[Exercise, ...] = field(default_factory=tuple)


def problems(exercises: Exercises) -> list[str]:
    """What is wrong with a chapter's exercises (empty when fine): two to four of them,
    unique ids, a finite answer with a positive tolerance no wider than the gap to any
    named mistake."""
    import math

    out = []
    items = exercises.items
    if not 2 <= len(items) <= 4:
        out.append(f"{len(items)} exercises (want two to four)")
    ids = [e.id for e in items]
    if len(set(ids)) != len(ids):
        out.append(f"repeated ids: {ids}")
    for e in items:
        if e.kind == "number":
            if e.answer is None or not math.isfinite(e.answer) or not e.tolerance > 0:
                out.append(f"{e.id}: needs a finite answer and a positive tolerance")
                continue
            for m in e.mistakes:
                if abs(m.value - e.answer) <= e.tolerance:
                    out.append(f"{e.id}: the mistake {m.value} is within the tolerance")
    return out


# --- explorer tasks, from the explorer's page data (gdanim/chapters/explorers.py) -------

def gridded(x: dict | None) -> bool:
    """Whether `x` carries a grid of runs (rates x starts), from which the tasks below take
    their worked solutions: the live explorer's page data does not; the build makes one
    for the tasks (gdanim/chapters/explorer_tasks.py). Without it, no explorer tasks
    rather than a crash."""
    return bool(x) and all(k in x for k in ("rates", "starts", "own")) and \
        ("says" in x or "variants" in x)


def rate_text(rate: float) -> str:
    """A learning rate as the explorer prints it: three significant figures, no exponent."""
    return text.rate_decimal(rate)


def runs(x: dict, start: int | None = None, variant: int | None = None) -> list[dict]:
    """The explorer's runs from one start (default the chapter's), one per learning rate:
    index, rate, verdict, arrived (epoch within 1%, or -1), diverged, says."""
    d = x["variants"][variant] if variant is not None else x
    s = x["own"]["start"] if start is None else start
    return [{"index": i, "rate": r, "verdict": d["verdict"][i][s],
             "arrived": d["arrived_at"][i][s], "diverged": d["diverged_at"][i][s],
             "says": d["says"][i][s],
             "back_and_forth": bool(d["back_and_forth"][i][s]) if "back_and_forth" in d
             else d["verdict"][i][s] == "oscillates"} for i, r in enumerate(x["rates"])]


def link(x: dict, rate: int, start: int | None = None, variant: int | None = None) -> str:
    """An explorer link (#lr=...&start=...&epoch=...) to one run, shown at its last epoch."""
    s = x["own"]["start"] if start is None else start
    out = (f"#lr={text.decimal(x['rates'][rate])}&start="
           f"{','.join(f'{v:g}' for v in x['starts'][s])}&epoch={x['epochs'][-1]}")
    if x.get("surface"):
        out += f"&surface={x['surface']}"
    if variant is not None:
        v = x["variants"][variant]
        out += f"&optimizer={v['optimizer']}" + ("" if v["beta"] is None else f"&beta={v['beta']}")
    return out


def own_start(x: dict) -> Check:
    """The run must start from the chapter's own start (within a thousandth of the
    picture, as a typed or clicked start may land)."""
    start = x["starts"][x["own"]["start"]]
    spans = [x["panels"]["landscape"]["xlim"], x["panels"]["landscape"]["ylim"]][:len(start)]
    pad = [abs(s[1] - s[0]) / 1000 for s in spans]
    return Check("start", f"Start from the chapter's own start, {start_text(x)} (Reset puts "
                 f"it back).", low=tuple(v - p for v, p in zip(start, pad)),
                 high=tuple(v + p for v, p in zip(start, pad)))


def start_text(x: dict, start: int | None = None) -> str:
    s = x["own"]["start"] if start is None else start
    return ", ".join(text.fmt(v, "g") for v in x["starts"][s])


def overshoot_task(x: dict, id: str = "overshoot") -> Exercise | None:
    """Find a learning rate at which the guess overshoots (jumps across the valley) but
    still settles within 1%: None if no rate of the grid does that from the own start."""
    if not gridded(x):
        return None
    good = [r for r in runs(x) if r["back_and_forth"] and r["arrived"] >= 0]
    if not good:
        return None
    r = good[len(good) // 2]     # the middle one: the ends border on "no jump" and "never in"
    return Exercise(
        id, "Overshoot, but settle",
        f"Using the explorer, from the start {start_text(x)}, find a learning rate at which "
        f"the guess jumps back and forth across the bottom of the valley but still gets "
        f"within 1% of {x['answer']}. Then press Check.",
        "Small rates creep and the largest blow up. Look just below the threshold mark "
        "on the slider, and watch the path on the landscape: does it cross the bottom?",
        (f"Below half the threshold each step lands on the same side of the bottom; "
         f"between half the threshold and the threshold a step overshoots, yet each jump is "
         f"smaller than the last; past the threshold the jumps grow.",
         f"At η = {rate_text(r['rate'])} the run {r['says']}."),
        "the guess overshoots the bottom and still settles: the learning rate is above half "
        "the threshold and below the threshold itself.",
        checks=(own_start(x),
                Check("back_and_forth", "This run does not jump back and forth across the "
                      "valley: it has to overshoot.", one_of=("true",)),
                Check("arrived_at", "It overshoots, but never gets within 1% in the "
                      "epochs shown: try a slightly smaller rate.", low=0)),
        show=link(x, r["index"]))


def fastest_task(x: dict, id: str = "fastest") -> Exercise | None:
    """Find the learning rate that gets within 1% of the answer soonest from the own
    start."""
    if not gridded(x):
        return None
    arrived = [r for r in runs(x) if r["arrived"] >= 0]
    if not arrived:
        return None
    best = min(arrived, key=lambda r: (r["arrived"], r["index"]))
    return Exercise(
        id, "The quickest rate",
        f"From the start {start_text(x)}, find a learning rate with which the run gets "
        f"within 1% of {x['answer']} in as few epochs as any rate on the slider (the "
        f"readout names the epoch). Then press Check.",
        "Bigger is faster, up to a point. Try the rates around half the threshold and "
        "compare the epochs the readout gives.",
        (f"The fastest rate on the slider is η = {rate_text(best['rate'])}: the run "
         f"{best['says']}.",
         "On a bowl that curves the same way everywhere, a rate of exactly half the "
         "threshold jumps to the bottom in a single step; the slider's nearest "
         "rate lands close to it. Rates either side take longer: smaller ones because "
         "their steps are too short, larger ones because they overshoot."),
        "no rate on the slider gets there sooner.",
        checks=(own_start(x),
                Check("arrived_at", "This run does not get within 1% of the answer at "
                      "all in the epochs shown.", low=0),
                Check("arrived_at", f"This run gets there, but another rate does it in "
                      f"fewer epochs.", high=best["arrived"])),
        show=link(x, best["index"]))


def diverge_task(x: dict, id: str = "edge") -> Exercise | None:
    """Find a learning rate just past the threshold (at most 10% above it) at which the
    run blows up."""
    if not gridded(x):
        return None
    cap = 1.1 * x["threshold"]
    gone = [r for r in runs(x) if r["verdict"] == "diverges" and r["rate"] <= cap]
    if not gone:
        return None
    edge = gone[0]
    limit = rate_text(x["threshold"])
    return Exercise(
        id, "Find the edge",
        f"From the start {start_text(x)}, find a learning rate at which the run blows up "
        f"(diverges), but no more than 10% above the threshold 2/λmax = {limit}. Then "
        f"press Check.",
        "Move the rate up from the chapter's own rate a little at a time, reading the "
        "verdict after each move; stop at the first rate that blows up.",
        (f"At η = {rate_text(edge['rate'])} the run {edge['says']}.",
         f"The edge is the threshold 2/λmax = {limit}: just past it each step lands further "
         f"from the bottom than the one before, so the run blows up even though the rate "
         f"is barely larger than one that settles."),
        "the run blows up just past the threshold: the edge is sharp.",
        checks=(own_start(x),
                Check("verdict", "This run does not blow up: go higher.",
                      one_of=("diverges",)),
                Check("rate", f"This one blows up, but it is more than 10% above the "
                      f"threshold: go lower.", high=float(f"{cap:.3g}"))),
        show=link(x, edge["index"]))
