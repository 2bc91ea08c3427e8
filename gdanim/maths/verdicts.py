"""What can be said about one run, defined once: its verdict and when it arrived.

Every output (pages, tables, captions, deck notes, handout, the explorers) says these
things through this module, and the page's engine (templates/static/engine.js,
`GDEngine.verdict`) applies the very same rules, tested to agree (tests/test_engine.py).
Plain NumPy, no JAX.

A run is its loss at epochs 0, 1, ..., N (the whole run, not a sample), and when known
its parameters at the same epochs and the answer (the best parameters and their loss).
The rules, in words:

**The band.** An epoch is *within 1%* (`within`) when its loss is at most the best loss
plus 1% of it (plus a floor of a billionth of the starting loss, so that a best loss of
0 can be reached in float32) and, when the parameters and the answer are known, the
parameters are within 1% of the answer (distance over the answer's length; over 1 when
the answer is the origin). With several answers (the minima of a bumpy loss) a run is
judged against the answer it ends nearest to.

**Arrival.** The run's stays in the band are its stretches of consecutive epochs
inside it. One stay that lasts to the end: it *arrives*, "within 1% from epoch 206". A
run that enters the band and leaves it again *hovers*, and no single epoch is named: "within 1%
from epoch 206 to 1,305, again from 2,678" (it stays from 2,678), or "... again from
2,678 to 2,700" (it is outside at the end). Such an epoch is decided by rounding, and
the words say so by naming every stay.

**Diverges.** A loss or a parameter stops being a finite number (float32 overflowed),
or the loss keeps growing: the highest loss of the run's last quarter is more than 1%
above the highest of the quarter before, the last epoch's loss is the highest of the
last half, and it is outside the band. The epoch it *left* is the first epoch from
which the loss stays above the starting loss (never again as good as the start); a run
still below its start at the end left at the epoch after its lowest loss. The verdict
carries the true loss at that epoch and at the end (not a frozen value).

**Oscillates.** Bounded (it does not diverge) but not settling: in the last quarter
the run still moves (its steps are larger than float32 noise, 1e-5 of the parameters'
size; or, without parameters, its loss still changes by more than 1e-6), goes back and
forth (most moving steps point against the step before, or the loss rises in at least
a third of the steps), gets no closer to the answer (its smallest gap in the last
quarter is not 1% below the smallest gap of the quarter before) and is not inside the
band throughout that quarter. A 2-cycle is the plain case; at exactly the threshold
rate on a quadratic the loss stays constant while the parameters flip: that needs the
parameters to be seen.

**Converges.** Not the above, and within the band at the last epoch.

**Creeps.** Not the above: still outside the band at the last epoch (too slow, or
stuck, such as a start on a saddle that never moves).

A run that goes back and forth but still gets closer is marked `zigzag` (words may
say so), whatever its verdict.

**Decided by rounding.** The same run computed several ways (float32 and float64, one
rate at a time or vectorised over a grid, optax or the textbook formulas) is *settled*
when every way arrives and their epochs differ by at most 2 or 1% (whichever is larger),
or when none arrives. Otherwise its arrival epoch is decided by rounding, and the words
name each way's stays instead of one epoch (`Check`)."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from gdanim.core import text

WITHIN = 0.01          # the chapters' arrival rule: within 1%
GROWTH = 0.01          # a quarter's highest loss 1% above the quarter before: growing
PROGRESS = 0.01        # the smallest gap 1% lower than the quarter before: getting closer
MOVING = 1e-5          # steps smaller than this fraction of the parameters' size: noise
LOSS_NOISE = 1e-6      # the same for the loss, without parameters
FLOOR = 1e-9           # the band's floor, as a fraction of the starting loss


@dataclass(frozen=True)
class Arrival:
    """The run's stays in the band: (first epoch inside, last epoch inside), in order."""

    stays: tuple[tuple[int, int], ...]
    last: int                               # the run's last epoch

    @property
    def epoch(self) -> int | None:
        """The epoch from which it stays in the band to the end, or None."""
        if self.stays and self.stays[-1][1] == self.last:
            return self.stays[-1][0]
        return None

    @property
    def kind(self) -> str:
        """arrives (one stay, to the end) | hovers (in and out) | never."""
        if not self.stays:
            return "never"
        return "arrives" if len(self.stays) == 1 and self.epoch is not None else "hovers"

    def text(self, within: float = WITHIN, answer: str = "the answer") -> str:
        """'within 1% of the answer from epoch 206 to 1,305, again from 2,678'; '' if never."""
        if not self.stays:
            return ""
        def stay(a: int, b: int) -> str:
            return f"from epoch {a:,}" if b == self.last else \
                (f"at epoch {a:,}" if a == b else f"from epoch {a:,} to {b:,}")
        shown = list(self.stays)
        parts = []
        if len(shown) > 3:       # many visits: the first, how many more, the last
            parts.append(f"{stay(*shown[0])}, in and out {len(shown) - 2:,} more times")
            shown = shown[-1:]
        for a, b in shown:
            parts.append(stay(a, b) if not parts else
                         "again " + stay(a, b).replace(" epoch ", " ", 1))
        return f"within {percent(within)} of {answer} " + ", ".join(parts)


@dataclass(frozen=True)
class Verdict:
    kind: str                   # converges | oscillates | diverges | creeps
    epoch: int | None           # diverges: the epoch it left; converges: it arrived
    loss_then: float | None     # diverges: the true loss at `epoch`
    final_loss: float           # the true loss at the last epoch (inf: overflowed)
    distance: float             # the final distance from the answer, relative (nan: none)
    arrival: Arrival
    zigzag: bool
    answer: int = 0             # which answer it was judged against (several minima)
    epochs: int = field(default=0)

    def text(self, answer: str = "the answer", within: float = WITHIN) -> str:
        """The verdict in words, as pages and the explorer print it."""
        there = self.arrival.text(within, answer)
        if self.kind == "diverges":
            return (f"diverges: from epoch {self.epoch:,} it is worse than where it started "
                    f"and only grows (loss {number(self.loss_then)} then, "
                    f"{number(self.final_loss)} at epoch {self.epochs:,})")
        if self.kind == "oscillates":
            return ("oscillates: it keeps jumping back and forth without settling" +
                    (f" (it was {there})" if there else
                     f", still {percent(self.distance)} away after {self.epochs:,} epochs"
                     if math.isfinite(self.distance) else ""))
        if self.kind == "converges":
            return ("converges" + (", zig-zagging" if self.zigzag else "") + f": {there}")
        away = f"still {percent(self.distance)} away from {answer}" \
            if math.isfinite(self.distance) else f"still outside the {percent(within)} band"
        return (f"creeps: after {self.epochs:,} epochs it is {away}" +
                (f" (it was {there})" if there else ""))

    def as_dict(self, answer: str = "the answer", within: float = WITHIN) -> dict:
        return {"kind": self.kind, "epoch": self.epoch, "text": self.text(answer, within),
                "arrived": self.arrival.epoch, "stays": [list(s) for s in self.arrival.stays]}


SLACK_EPOCHS, SLACK_SHARE = 2, 0.01    # two arrival epochs "agree": within 2 or 1%
SLACK = "2 epochs or 1%, whichever is larger"


def close(a: int | None, b: int | None) -> bool:
    """Two arrival epochs agree: both None, or within 2 epochs or 1% of the smaller."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= max(SLACK_EPOCHS, SLACK_SHARE * min(a, b))


@dataclass(frozen=True)
class Check:
    """One run computed several ways (name -> its Arrival): do they tell one story?"""

    ways: dict

    @property
    def epochs(self) -> list:
        return [a.epoch for a in self.ways.values()]

    @property
    def settled(self) -> bool:
        """Every way arrives within the slack of every other, or none arrives."""
        e = self.epochs
        if all(x is None for x in e):
            return True
        return all(x is not None for x in e) and close(min(e), max(e))

    @property
    def low(self) -> int | None:
        """The earliest arrival of any way (None: some way never arrives)."""
        e = self.epochs
        return None if any(x is None for x in e) else min(e)

    @property
    def high(self) -> int | None:
        e = self.epochs
        return None if any(x is None for x in e) else max(e)

    @property
    def hovers(self) -> bool:
        return any(a.kind == "hovers" for a in self.ways.values())

    def text(self, within: float = WITHIN, answer: str = "the answer") -> str:
        """'rounding decides: in float32 ... ; in float64 (optax) ...': each way's stays,
        ways with the same stays named together."""
        said: dict[tuple, list[str]] = {}
        for name, a in self.ways.items():
            said.setdefault(a.stays, []).append(name)
        parts = []
        for stays, names in said.items():
            a = self.ways[names[0]]
            words = a.text(within, answer) or f"never within {percent(within)} of {answer}"
            parts.append(f"{' and '.join(names)}: {words}")
        return "; ".join(parts)


def number(x) -> str:
    """A loss as the explorer prints it (templates/static/engine.js `number`): five
    significant digits with thousands separators, an exponent below 0.001 or from a
    million; a true minus sign. The one format of every output (`core.text.number`)."""
    if x is None or not math.isfinite(x):
        return "too large for float32"
    return text.number(float(x))


def percent(fraction: float) -> str:
    """1% ; 0.5% ; 12.3% (three significant digits)."""
    if fraction is None or not math.isfinite(fraction):
        return "far"
    return f"{float(f'{fraction * 100:.3g}'):g}%"


def band(loss, params=None, best=None, best_loss=None, within: float = WITHIN) -> np.ndarray:
    """Per epoch: inside the band (see the module's rules). Without `best_loss` the
    band is around the run's own lowest loss."""
    loss = np.asarray(loss, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        finite = np.isfinite(loss)
        if best_loss is None:
            best_loss = float(np.min(loss[finite])) if finite.any() else 0.0
        start = abs(loss[0]) if finite[0] else 0.0
        inside = finite & (loss <= best_loss * (1 + within) + FLOOR * start)
        if params is not None and best is not None:
            params = np.asarray(params, dtype=float).reshape(len(loss), -1)
            inside &= distances(params, best) <= within
    return inside


def distances(params, best) -> np.ndarray:
    """Each epoch's distance from `best`, over the length of `best` (1 if it is 0)."""
    params = np.asarray(params, dtype=float).reshape(len(params), -1)
    best = np.asarray(best, dtype=float).ravel()
    scale = float(np.linalg.norm(best))
    scale = scale if scale > 1e-9 else 1.0
    with np.errstate(over="ignore", invalid="ignore"):
        gap = np.linalg.norm(params - best, axis=-1) / scale
    return np.where(np.isfinite(gap), gap, np.inf)


def arrival(inside) -> Arrival:
    """The stays in the band of a per-epoch inside/outside record."""
    inside = np.asarray(inside, dtype=bool)
    edges = np.diff(np.concatenate([[False], inside, [False]]).astype(np.int8))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1) - 1
    return Arrival(tuple((int(a), int(b)) for a, b in zip(starts, ends)), len(inside) - 1)


def holds_from(inside) -> np.ndarray:
    """For many runs at once (epochs on the last axis): the epoch from which `inside`
    holds to the end, -1 where it does not hold at the last epoch. The epoch of the
    last stay when it lasts to the end (`Arrival.epoch`), for a whole grid of runs."""
    inside = np.asarray(inside, dtype=bool)
    outside_after = np.flip(np.cumsum(np.flip(~inside, -1), -1), -1)   # this epoch on
    to_the_end = inside & (outside_after == 0)
    return np.where(to_the_end[..., -1], to_the_end.argmax(-1), -1)


def _quarters(n: int) -> tuple[slice, slice]:
    """The last quarter of epochs 0..n and the quarter before it (at least one each)."""
    q = max(1, n // 4)
    return slice(n + 1 - q, n + 1), slice(max(0, n + 1 - 2 * q), n + 1 - q)


def verdict(loss, params=None, best=None, best_loss=None, within: float = WITHIN) -> Verdict:
    """The verdict on one run (see the module's rules). `best` is the answer's
    parameters, or several answers (one per row) with `best_loss` one loss each."""
    loss = np.asarray(loss, dtype=float)
    if params is not None:
        params = np.asarray(params, dtype=float).reshape(len(loss), -1)
    if best is not None and np.ndim(best) == 2:
        ends = [distances(params[-1:], b)[0] for b in best]
        pick = int(np.argmin(ends))
        return _verdict(loss, params, np.asarray(best[pick], dtype=float),
                        np.atleast_1d(best_loss)[pick], within, pick)
    return _verdict(loss, params, best, best_loss, within, 0)


def _verdict(loss, params, best, best_loss, within, pick) -> Verdict:
    n = len(loss) - 1
    with np.errstate(over="ignore", invalid="ignore"):
        finite = np.isfinite(loss)
        if params is not None:
            finite &= np.isfinite(params).all(axis=-1)
        inside = band(loss, params, best, best_loss, within)
        stays = arrival(inside)
        tail, before = _quarters(n)
        big = np.where(finite, loss, np.inf)
        distance = float(distances(params[-1:], best)[0]) \
            if params is not None and best is not None else math.nan

        grows = (not finite.all()) or (
            n >= 2 and big[tail].max() > (1 + GROWTH) * big[before].max()
            and big[-1] >= big[n // 2:].max() and not inside[-1])
        if grows:
            above = big > big[0]
            if above[-1]:
                back = np.flatnonzero(~above)
                left = int(back[-1]) + 1 if len(back) else 0
            else:
                left = min(n - int(np.argmin(big[::-1])) + 1, n)
            return Verdict("diverges", left, float(loss[left]), float(loss[-1]), distance,
                           stays, False, pick, n)

        # Moving, back and forth, getting closer?
        if params is not None:
            steps = np.diff(params, axis=0)
            size = 1 + np.abs(params[:-1]).sum(-1)
            moving = np.abs(steps).sum(-1) > MOVING * size            # (n,) step e -> e+1
            turns = np.zeros(n, dtype=bool)
            turns[1:] = (steps[1:] * steps[:-1]).sum(-1) < 0
        else:
            steps = np.diff(loss)
            moving = np.abs(steps) > LOSS_NOISE * np.abs(loss[:-1])
            turns = steps > 0
        step_tail = slice(max(0, tail.start - 1), n)                   # steps into the tail
        share = 0.5 if params is not None else 1 / 3

        def back_and_forth(m, t):
            return bool(m.sum() > 0 and (t & m).sum() > share * max(m.sum(), 2))
        m = moving[step_tail]
        if params is not None and best is not None:
            gap = distances(params, best)
        else:
            target = best_loss if best_loss is not None else float(np.min(big))
            gap = np.abs(loss - target)
        closer = gap[tail].min() < (1 - PROGRESS) * gap[before].min() if n >= 2 else True
        zigzag = back_and_forth(moving, turns)
        if back_and_forth(m, turns[step_tail]) and not closer and not inside[tail].all():
            kind = "oscillates"
        elif inside[-1]:
            kind = "converges"
        else:
            kind = "creeps"
        return Verdict(kind, stays.epoch if kind == "converges" else None, None,
                       float(loss[-1]), distance, stays, zigzag, pick, n)
