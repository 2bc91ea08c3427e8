"""The optimizer races: each optimizer over the shared grid of learning rates, raced at
its own best rate, and every claim about a run checked by computing it other ways.

A run has arrived when its loss is within 1% of the best possible loss *and* its
parameters are within 1% of the least-squares answer, and both stay so to the end
(`maths.verdicts`, the one definition). What the figures show is the float32 optax
sweep; each rate is computed again with optax itself in float64 and with the textbook
formulas in float64 NumPy (`maths.recheck`). Where the ways disagree beyond the slack
(`verdicts.close`), the arrival is decided by rounding and the page names each way's
stays (`verdicts.Check`) instead of one epoch."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdanim.core import text
from gdanim.maths import verdicts

# The ways each run is computed. The first is what the figures show.
SHOWN, OPTAX64, NUMPY64 = "32-bit optax", "64-bit optax", "64-bit NumPy"
WAYS = (SHOWN, OPTAX64, NUMPY64)
CHECKS = (OPTAX64, NUMPY64)          # the 64-bit ways


def best_index(arrived, distance) -> int:
    """The grid rate that arrives soonest (ties: the smaller rate); if none arrives, the
    one that ends closest to the least-squares answer."""
    arrived = np.asarray(arrived)
    if (arrived >= 0).any():
        return int(np.argmin(np.where(arrived >= 0, arrived, np.iinfo(np.int64).max)))
    return int(np.nanargmin(np.where(np.isfinite(distance), distance, np.nan)))


def _epoch(value) -> int | None:
    return None if value is None or value < 0 else int(value)


@dataclass
class Entry:
    """One optimizer in one race: every grid rate computed each way (its stays in the
    1% band per way), and its run at its own best rate."""

    key: str
    name: str
    rates: np.ndarray
    ways: dict                  # way -> list of verdicts.Arrival, one per rate
    verdicts: list              # verdicts.Verdict per rate (float32, as shown)
    best: int                   # index into rates, chosen from the float32 sweep
    run: object                 # Trajectory, float32, at rates[best], every epoch
    run64_params: np.ndarray    # optax float64 at rates[best]
    run64_loss: np.ndarray
    best_params: np.ndarray
    best_loss: float
    sweep_params: np.ndarray    # (R, epochs + 1, P) every rate, float32
    sweep_loss: np.ndarray
    run_numpy64_params: np.ndarray | None = None   # 64-bit NumPy at rates[best]

    @property
    def rate(self) -> float:
        return float(self.rates[self.best])

    def arrived_in(self, way: str = SHOWN) -> np.ndarray:
        """(R,) the epoch each rate arrives from in `way` (-1: never)."""
        return np.array([-1 if a.epoch is None else a.epoch for a in self.ways[way]])

    @property
    def arrived(self) -> np.ndarray:
        return self.arrived_in(SHOWN)

    @property
    def diverged(self) -> np.ndarray:
        """(R,) the epoch each rate left (verdicts: it diverges), -1: it does not."""
        return np.array([v.epoch if v.kind == "diverges" else -1 for v in self.verdicts])

    @property
    def arrival(self) -> verdicts.Arrival:
        return self.ways[SHOWN][self.best]

    @property
    def at(self) -> int | None:
        return self.arrival.epoch

    @property
    def at64(self) -> int | None:
        return self.ways[OPTAX64][self.best].epoch

    def check(self, i: int | None = None) -> verdicts.Check:
        i = self.best if i is None else i
        return verdicts.Check({way: self.ways[way][i] for way in WAYS})

    def best_in(self, way: str) -> int | None:
        """The soonest arrival on the whole grid in `way` (None: no rate arrives)."""
        return _epoch(min((a.epoch for a in self.ways[way] if a.epoch is not None),
                          default=None))

    def rivals(self) -> list[int]:
        """Grid rates that arrive sooner than the raced one, beyond the slack, in some
        64-bit way: the raced rate's being the best is then in doubt."""
        out = []
        for j in range(len(self.rates)):
            if j == self.best:
                continue
            for way in CHECKS:
                mine, theirs = self.ways[way][self.best].epoch, self.ways[way][j].epoch
                if theirs is not None and (mine is None or (theirs < mine
                                                            and not verdicts.close(theirs, mine))):
                    out.append(j)
                    break
        return out

    @property
    def holds(self) -> bool:
        """The float32 claim (its arrival, and this rate being the best on the grid)
        comes out the same in every way."""
        return self.check().settled and not self.rivals()

    def distance(self, params=None) -> np.ndarray:
        return verdicts.distances(self.run.params if params is None else params,
                                  self.best_params)


def tuned_race(loss_fn, X, y, epochs: int, rates, start, betas: dict,
               names: dict) -> dict[str, Entry]:
    """Each optimizer over the grid, each way (one compiled call per optimizer and
    way), and its best rate from the float32 sweep (`sweeps.sweep` on `loss_fn`, the
    runs the figures and the explorer show)."""
    from gdanim.core.values import Trajectory
    from gdanim.maths import recheck
    from gdanim.maths.problems import least_squares
    from gdanim.maths.sweeps import sweep

    best_params, best_loss = least_squares(X, y)
    grad64, loss64 = recheck.linear_gradient(X, y), recheck.linear_loss(X, y)
    entries = {}
    for key, beta in betas.items():
        s = sweep(loss_fn, [start], rates, epochs, optimizer=key, beta=beta,
                  keep=np.arange(epochs + 1))
        runs = {SHOWN: (s.params[:, 0], s.loss[:, 0]),
                OPTAX64: recheck.optax_run(X, y, start, rates, epochs, key, beta, x64=True),
                NUMPY64: recheck.run(grad64, loss64, start, rates, epochs, key, beta)}
        ways = {way: [verdicts.arrival(verdicts.band(l, p, best_params, best_loss))
                      for p, l in zip(*runs[way])] for way in WAYS}
        params, loss = (np.asarray(v, dtype=float) for v in runs[SHOWN])
        judged = [verdicts.verdict(l, p, best_params, best_loss) for p, l in zip(params, loss)]
        arrived = [-1 if a.epoch is None else a.epoch for a in ways[SHOWN]]
        i = best_index(arrived, [v.distance for v in judged])
        run = Trajectory(params=params[i], loss=loss[i], grad=np.full_like(params[i], np.nan))
        entries[key] = Entry(key, names[key], np.asarray(rates, float), ways, judged, i, run,
                             runs[OPTAX64][0][i], runs[OPTAX64][1][i], best_params,
                             best_loss, params, loss, runs[NUMPY64][0][i])
    return entries


def ranking(entries: dict[str, Entry], way: str = SHOWN) -> list[str]:
    """Soonest arrival on the grid first (in `way`); runs that never arrive last."""
    def key(e: Entry):
        at = e.at if way == SHOWN else e.best_in(way)
        return (at is None, at if at is not None else 0, float(e.distance()[-1]))
    return [e.key for e in sorted(entries.values(), key=key)]


def ranked(entries: dict[str, Entry]) -> list[Entry]:
    return [entries[k] for k in ranking(entries)]


def finish_line(e: Entry, epochs: int) -> str:
    """The raced run's arrival in words, every stay named when it hovers."""
    a = e.arrival
    if not a.stays:
        return f"{e.name} not within {text.count(epochs)} epochs"
    if a.kind == "arrives":
        return f"{e.name} from epoch {text.count(a.epoch)}"
    if a.epoch is not None:       # in for good at the end, after going in and out
        return (f"{e.name} from epoch {text.count(a.epoch)}, after going in and out "
                f"({a.text(answer='the answer')})")
    return f"{e.name} never for good ({a.text(answer='the answer')})"


def arrival_cell(e: Entry, epochs: int) -> str:
    """The table's "within 1% for good from epoch" cell."""
    a = e.arrival
    if a.epoch is None:
        return f"not in {text.count(epochs)}" + (" (in and out)" if a.stays else "")
    if a.kind == "hovers":      # short, for a phone: the stays are in the caption
        return f"{text.count(a.epoch)} (first in at {text.count(a.stays[0][0])})"
    return text.count(a.epoch)


def check_cell(e: Entry) -> str:
    """The table's "in 64-bit" cell: the same, a range within the slack, or rounding."""
    c = e.check()
    if not c.settled:
        return "decided by rounding"
    epochs = {a.epoch for a in c.ways.values()}
    if len(epochs) == 1:
        return "the same"
    return f"{text.count(c.low)} to {text.count(c.high)}"


def doubts(label: str, entries: dict[str, Entry]) -> list[str]:
    """One sentence per claim of this race that the ways do not agree on."""
    out = []
    for e in entries.values():
        c = e.check()
        if not c.settled:
            out.append(f"{label}, {e.name} at η {text.rate(e.rate)}: rounding decides when "
                       f"it arrives. {c.text(answer='the answer')}.")
        for j in e.rivals():
            rival = e.check(j)
            if rival.settled:
                out.append(f"{label}, {e.name}: in 64-bit η {text.rate(e.rates[j])} arrives "
                           f"sooner than η {text.rate(e.rate)}, from epoch "
                           f"{text.count(rival.low)}.")
            else:
                out.append(f"{label}, {e.name}: at η {text.rate(e.rates[j])} rounding decides "
                           f"whether it arrives before η {text.rate(e.rate)} does (from "
                           f"epoch {text.count(e.at)}). {rival.text(answer='the answer')}.")
    return out


def order_doubts(label: str, entries: dict[str, Entry]) -> list[str]:
    """The order of arrival in each 64-bit way, where it differs from the figures'."""
    shown = ranking(entries)
    out = []
    for way in CHECKS:
        order = ranking(entries, way)
        if order != shown:
            firsts = ", ".join(_first(entries[k], way) for k in order)
            out.append(f"{label}: the {way} runs, each optimizer at the rate of the grid "
                       f"that arrives soonest in them, put them in the order {firsts}.")
    return out


def _first(e: Entry, way: str) -> str:
    at = e.best_in(way)
    if at is None:
        return e.name
    j = next(j for j, a in enumerate(e.ways[way]) if a.epoch == at)
    return f"{e.name} (η {text.rate(e.rates[j])}, from epoch {text.count(at)})"


def under(*values: float) -> float:
    """The smallest power of ten above every value: what can be said of a size that
    rounding decides ("under 1e−9")."""
    top = max(abs(float(v)) for v in values)
    return float(10.0 ** np.ceil(np.log10(top))) if top > 0 else 0.0


def numbers(tag: str, entries: dict[str, Entry]) -> dict:
    """The race's numbers for the manifest (every number the page states about it)."""
    n = {}
    for e in entries.values():
        k = f"{tag}{e.key}"
        c = e.check()
        run64 = np.asarray(e.run64_params)
        np64 = np.asarray(e.run_numpy64_params)
        steps = np.linalg.norm(np.diff(e.run.params, axis=0), axis=-1)
        loss_band = verdicts.arrival(verdicts.band(e.run.loss, best_loss=e.best_loss))
        loss_band64 = verdicts.arrival(verdicts.band(e.run64_loss, best_loss=e.best_loss))
        n.update({
            f"{k}_rate": e.rate, f"{k}_arrived": e.at, f"{k}_arrived64": e.at64,
            f"{k}_stays": [list(s) for s in e.arrival.stays],
            f"{k}_arrival_kind": e.arrival.kind,
            f"{k}_settled": c.settled, f"{k}_holds": e.holds,
            f"{k}_arrived_low": c.low, f"{k}_arrived_high": c.high,
            f"{k}_ways": {way: [list(s) for s in a.stays] for way, a in c.ways.items()},
            f"{k}_rivals64": [float(e.rates[j]) for j in e.rivals()],
            f"{k}_final_loss": float(e.run.loss[-1]),
            f"{k}_final_loss64": float(e.run64_loss[-1]),
            f"{k}_final_params": [float(v) for v in e.run.final],
            f"{k}_final_distance": float(e.distance()[-1]),
            f"{k}_final_distance64": float(e.distance(run64)[-1]),
            f"{k}_loss_arrived": loss_band.epoch, f"{k}_loss_arrived64": loss_band64.epoch,
            f"{k}_last_step": float(steps[-1]),
            f"{k}_last_step64": float(np.linalg.norm(run64[-1] - run64[-2])),
            f"{k}_last_step_under": under(steps[-1], np.linalg.norm(run64[-1] - run64[-2]),
                                          np.linalg.norm(np64[-1] - np64[-2])),
            f"{k}_sweep_arrived": [_epoch(a) for a in e.arrived],
            f"{k}_sweep_arrived64": [_epoch(a) for a in e.arrived_in(OPTAX64)],
            f"{k}_sweep_diverged": [_epoch(d) for d in e.diverged],
            f"{k}_rates_arriving": int((e.arrived >= 0).sum())})
    n[f"{tag}ranking"] = ranking(entries)
    for way, short in ((OPTAX64, "64"), (NUMPY64, "64_numpy")):
        n[f"{tag}ranking{short}"] = ranking(entries, way)
    return n
