"""Chapter: beyond plain gradient descent, as three questions, each answered fairly.

Every optimizer runs over the same log grid of learning rates (one compiled sweep per
optimizer, `maths.sweeps`), and each is raced at its own best rate from that grid. A run
has arrived when its loss is within 1% of the best possible loss *and* its parameters are
within 1% (relative distance) of the least-squares answer, and both stay so to the end.
Every claim the page makes about a run is recomputed in float64 (`maths.recheck`, plain
NumPy) and compared with the float32 runs the figures show; where the two disagree by
more than TOLERANCE the page says so.

1. Noise: full batch against mini-batches of 32, each at its own best rate, counted per
   epoch and per gradient evaluation.
2. Optimizer: gradient descent, momentum, RMSProp and Adam on the z-scored penguins (a
   round bowl).
3. The narrow valley: the same four on the penguins in raw units (cm and kg)."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from gdanim.chapters import scenario
from gdanim.core.config import Quality
from gdanim.core.values import Animation, Chapter, FrameTable, Still, Trajectory

START = (-2.0, 0.0)
# The shared grid: six rates per decade from 0.001 to 10 (25 rates).
RATES = 10 ** np.linspace(-3, 1, 25)
BATCH_SIZE = 32
SEED = 0
NOISE_EPOCHS = 16
NOISE_WITHIN = 0.05        # the noise question asks for the loss within 5% of the best
BOWL_EPOCHS = 400
VALLEY_EPOCHS = 3000
WITHIN = 0.01              # arrival: loss and parameters within 1%
OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")
NAMES = {"gd": "Gradient descent", "momentum": "Momentum", "rmsprop": "RMSProp",
         "adam": "Adam", "sgd": "Mini-batch SGD"}
BETAS = {"gd": None, "momentum": 0.9, "rmsprop": 0.9, "adam": 0.9}   # optax's defaults
VIEW = ((-2.4, 1.4), (-0.9, 1.7))            # (intercept range, slope range), z-scored
VALLEY_VIEW = ((-2.6, 1.4), (-0.15, 1.75))   # the same in raw units (kg, kg per cm)


def agrees(epoch32, epoch64) -> bool:
    """A float32 "from epoch N" holds in float64 when both runs arrive and the epochs
    differ by at most 2 or 1%, whichever is larger (or neither arrives)."""
    if epoch32 is None or epoch64 is None:
        return epoch32 is None and epoch64 is None
    return abs(epoch32 - epoch64) <= max(2, 0.01 * epoch32)


TOLERANCE = "2 epochs or 1%, whichever is larger"


def _epoch(value) -> int | None:
    return None if value < 0 else int(value)


def best_index(arrived: np.ndarray, distance: np.ndarray) -> int:
    """The grid rate that arrives soonest (ties: the smaller rate); if none arrives, the
    one that ends closest to the least-squares answer."""
    arrived = np.asarray(arrived)
    if (arrived >= 0).any():
        return int(np.argmin(np.where(arrived >= 0, arrived, np.iinfo(np.int64).max)))
    return int(np.nanargmin(np.where(np.isfinite(distance), distance, np.nan)))


@dataclass
class Entry:
    """One optimizer in one race: its whole sweep over the grid (float32, and the
    float64 recheck) and its run at its own best rate."""

    key: str
    rates: np.ndarray
    arrived: np.ndarray         # (R,) per grid rate, -1: never (float32)
    diverged: np.ndarray        # (R,) -1: never
    arrived64: np.ndarray       # (R,) the same runs in float64
    best: int                   # index into rates, chosen from the float32 sweep
    best64: int                 # the same choice made from the float64 sweep
    run: Trajectory             # float32, at rates[best], every epoch
    run64_loss: np.ndarray
    run64_params: np.ndarray
    best_params: np.ndarray
    best_loss: float
    sweep_params: np.ndarray | None = None   # (R, epochs + 1, P) every rate, float32
    sweep_loss: np.ndarray | None = None     # (R, epochs + 1)

    @property
    def name(self) -> str:
        return NAMES[self.key]

    @property
    def rate(self) -> float:
        return float(self.rates[self.best])

    @property
    def at(self) -> int | None:
        return _epoch(self.arrived[self.best])

    @property
    def at64(self) -> int | None:
        return _epoch(self.arrived64[self.best])

    @property
    def holds(self) -> bool:
        """The float32 claim (arrival epoch at this rate, and this rate being the best
        of the grid) holds in float64 within TOLERANCE."""
        same_best = (self.best64 == self.best
                     or self.arrived64[self.best64] == self.arrived64[self.best])
        return bool(agrees(self.at, self.at64) and same_best)

    def distance(self, params=None) -> np.ndarray:
        params = self.run.params if params is None else params
        return (np.linalg.norm(np.asarray(params, float) - self.best_params, axis=-1)
                / np.linalg.norm(self.best_params))


def tuned_race(loss_fn, X, y, epochs: int, rates=RATES, start=START) -> dict[str, Entry]:
    """Each optimizer over the grid (one compiled call each), its best rate, and the
    same sweep in float64."""
    from gdanim.maths import recheck
    from gdanim.maths.problems import least_squares
    from gdanim.maths.sweeps import judge, sweep

    best_params, best_loss = least_squares(X, y)
    grad64, loss64 = recheck.linear_gradient(X, y), recheck.linear_loss(X, y)
    keep = np.arange(epochs + 1)
    entries = {}
    for key in OPTIMIZERS:
        s = sweep(loss_fn, [start], rates, epochs, optimizer=key, beta=BETAS[key],
                  best=best_params, keep=keep, within=WITHIN)
        params64, l64 = recheck.run(grad64, loss64, start, rates, epochs, key, BETAS[key])
        _, _, arrived64, distance64 = judge(params64, l64, best_params, best_loss, WITHIN)
        i = best_index(s.arrived_at[:, 0], s.distance[:, 0])
        run = Trajectory(params=s.params[i, 0], loss=s.loss[i, 0],
                         grad=np.full_like(s.params[i, 0], np.nan))
        entries[key] = Entry(key, np.asarray(rates, float), s.arrived_at[:, 0],
                             s.diverged_at[:, 0], arrived64, i,
                             best_index(arrived64, distance64), run, l64[i], params64[i],
                             best_params, best_loss, s.params[:, 0], s.loss[:, 0])
    return entries


def ranked(entries: dict[str, Entry], in64: bool = False) -> list[Entry]:
    """Soonest arrival first; runs that never arrive last, closest first."""
    def key(e: Entry):
        at = e.at64 if in64 else e.at
        return (at is None, at if at is not None else 0, float(e.distance()[-1]))
    return sorted(entries.values(), key=key)


@dataclass
class NoiseResult:
    rates: np.ndarray
    per_epoch: int
    order: np.ndarray
    best_loss: float
    gd_within: list              # per rate: first epoch staying within 5%, or None
    sgd_within: list             # per rate: first step staying within 5%, or None
    sgd_within64: list
    gd_within64: list
    gd: int = 0                  # best indices
    sgd: int = 0
    runs: dict = field(default_factory=dict)


def noise(bowl: dict[str, Entry] | None = None, epochs: int = NOISE_EPOCHS,
          rates=RATES, seed: int = SEED) -> NoiseResult:
    """Full batch and mini-batches of BATCH_SIZE over the grid for `epochs` passes
    over the data; each picks the rate that gets within NOISE_WITHIN of the best loss
    soonest (staying there to the end), in epochs."""
    import jax.numpy as jnp

    from gdanim.maths import recheck
    from gdanim.maths.data import load_penguins
    from gdanim.maths.losses import linear_mse
    from gdanim.maths.milestones import stays_within
    from gdanim.maths.problems import least_squares, penguin_loss
    from gdanim.maths.sweeps import minibatch_sweep, sweep
    from gdanim.maths.train import batch_order

    penguins = load_penguins()
    X, y = penguins.design, penguins.y
    best_loss = least_squares(X, y)[1]
    per_epoch = len(y) // BATCH_SIZE
    order = batch_order(len(y), BATCH_SIZE, epochs * per_epoch, seed)
    Xj, yj = jnp.asarray(X, jnp.float32), jnp.asarray(y, jnp.float32)
    sgd_params, sgd_loss = minibatch_sweep(lambda p, rows: linear_mse(p, Xj[rows], yj[rows]),
                                           penguin_loss(), start=START, rates=rates,
                                           batches=order)
    if bowl is not None and np.array_equal(bowl["gd"].rates, rates) and \
            bowl["gd"].sweep_loss.shape[1] > epochs:     # the race's sweep holds these runs
        gd_params = bowl["gd"].sweep_params[:, : epochs + 1]
        gd_loss = bowl["gd"].sweep_loss[:, : epochs + 1]
    else:
        full = sweep(penguin_loss(), [START], rates, epochs, keep=np.arange(epochs + 1))
        gd_params, gd_loss = full.params[:, 0], full.loss[:, 0]
    grad64, loss64 = recheck.linear_gradient(X, y), recheck.linear_loss(X, y)
    _, sgd_loss64 = recheck.run(grad64, loss64, START, rates, 0, "gd", batches=order)
    _, gd_loss64 = recheck.run(grad64, loss64, START, rates, epochs, "gd")

    def within(losses):
        return [stays_within(l, best_loss, NOISE_WITHIN) for l in losses]

    r = NoiseResult(np.asarray(rates, float), per_epoch, order, best_loss, within(gd_loss),
                    within(sgd_loss), within(sgd_loss64), within(gd_loss64))

    def best(arrivals, losses):
        score = [a if a is not None else np.inf for a in arrivals]
        if np.isfinite(score).any():
            return int(np.argmin(score))
        return int(np.nanargmin(np.where(np.isfinite(losses[:, -1]), losses[:, -1], np.nan)))

    r.gd, r.sgd = best(r.gd_within, gd_loss), best(r.sgd_within, sgd_loss)
    nan = np.full_like(gd_params[r.gd], np.nan)
    r.runs = {"gd": Trajectory(gd_params[r.gd], gd_loss[r.gd], nan),
              "sgd": Trajectory(sgd_params[r.sgd], sgd_loss[r.sgd],
                                np.full_like(sgd_params[r.sgd], np.nan))}
    return r


def _doubts(label: str, entries: dict[str, Entry]) -> list[str]:
    """One sentence per claim of this race that does not hold in float64."""
    out = []
    for e in entries.values():
        if e.holds:
            continue
        def when(epoch):
            return "never" if epoch is None else f"from epoch {epoch:,}"

        if agrees(e.at, e.at64):
            line = (f"{label}, {e.name} at η {e.rate:.3g} arrives {when(e.at)} in both, but "
                    f"it is not the best rate in float64")
        else:
            line = (f"{label}, {e.name} at η {e.rate:.3g}: arrives {when(e.at)} in float32, "
                    f"{when(e.at64)} in float64")
        if e.best64 != e.best and e.arrived64[e.best64] != e.arrived64[e.best]:
            other = e.best64
            line += (f"; in float64 the best rate on the grid is {e.rates[other]:.3g}, "
                     f"arriving {when(_epoch(e.arrived64[other]))} (in float32 that rate "
                     f"arrives {when(_epoch(e.arrived[other]))})")
        out.append(line + ".")
    return out


def _race_numbers(tag: str, entries: dict[str, Entry]) -> dict:
    n = {}
    for e in entries.values():
        from gdanim.maths.milestones import stays_within

        distance = e.distance()
        steps = np.linalg.norm(np.diff(e.run.params, axis=0), axis=-1)
        n.update({
            f"{tag}{e.key}_rate": e.rate, f"{tag}{e.key}_arrived": e.at,
            f"{tag}{e.key}_arrived64": e.at64, f"{tag}{e.key}_holds": e.holds,
            f"{tag}{e.key}_rate64": float(e.rates[e.best64]),
            f"{tag}{e.key}_final_loss": float(e.run.loss[-1]),
            f"{tag}{e.key}_final_loss64": float(e.run64_loss[-1]),
            f"{tag}{e.key}_final_params": [float(v) for v in e.run.final],
            f"{tag}{e.key}_final_distance": float(distance[-1]),
            f"{tag}{e.key}_final_distance64": float(e.distance(e.run64_params)[-1]),
            f"{tag}{e.key}_loss_arrived": stays_within(e.run.loss, e.best_loss, WITHIN),
            f"{tag}{e.key}_loss_arrived64": stays_within(e.run64_loss, e.best_loss, WITHIN),
            f"{tag}{e.key}_last_step": float(steps[-1]),
            f"{tag}{e.key}_sweep_arrived": [_epoch(a) for a in e.arrived],
            f"{tag}{e.key}_sweep_arrived64": [_epoch(a) for a in e.arrived64],
            f"{tag}{e.key}_sweep_diverged": [_epoch(d) for d in e.diverged],
            f"{tag}{e.key}_rates_arriving": int((e.arrived >= 0).sum())})
    order32 = [e.key for e in ranked(entries)]
    order64 = [e.key for e in ranked(entries, in64=True)]
    n[f"{tag}ranking"] = order32
    n[f"{tag}ranking64"] = order64
    return n


def _race_animation(name, title, entries, epochs, quality, best_loss, view, note, **scene):
    from functools import partial

    from gdanim.figures.schedule import frame_epochs
    from gdanim.figures.scenes.race import race_scene

    order = list(entries.values())
    pick = frame_epochs(epochs, quality.frames, quality.hold)
    frames = FrameTable(epoch=pick, loss=np.stack([e.run.loss[pick] for e in order], 1),
                        params=np.stack([e.run.params[pick] for e in order], 1))
    summary = "; ".join(finish_line(e, epochs) for e in ranked(entries))
    caption = (f"Each optimizer at its own best learning rate from the same grid of "
               f"{len(RATES)} rates. Arrived (loss within 1% of the best and parameters "
               f"within 1% of the least-squares answer, for good): {summary}.")
    return Animation(
        name=name, title=title,
        alt=(f"Left: the loss contour with {len(order)} paths from intercept {START[0]:g}, "
             f"slope {START[1]:g}. Right, top: each run's loss above the best; bottom: its "
             f"distance from the least-squares answer, both on log scales by epoch. "
             f"{caption}"),
        make_scene=partial(race_scene, runs=[e.run for e in order],
                           keys=[e.key for e in order],
                           legend=[f"{e.name}\nη {e.rate:.3g} (its best)" for e in order],
                           frames=frames, best_loss=best_loss, view=view,
                           best_params=order[0].best_params,
                           readout_text=partial(_epoch_readout, epochs=epochs, note=note),
                           **scene),
        frames=frames, poster_frame=len(frames) - 1, frame_label="epoch",
        param_names=("intercept", "slope"), run_names=tuple(e.name for e in order),
        params={"start": list(START), "epochs": epochs, "grid": [float(r) for r in RATES],
                "optimizers": {e.key: {"name": e.name, "learning_rate": e.rate,
                                       "beta": BETAS[e.key], "mini_batches": False}
                               for e in order}}), caption


def finish_line(e: Entry, epochs: int) -> str:
    return (f"{e.name} from epoch {e.at}" if e.at is not None
            else f"{e.name} not within {epochs:,} epochs")


def _tuning_still(name, label, entries, epochs):
    from functools import partial

    from gdanim.chapters.optimizers.scenes import tuning_figure

    best = {k: e.best for k, e in entries.items()}
    lines = []
    for e in entries.values():
        ok = int((e.arrived >= 0).sum())
        gone = int((e.diverged >= 0).sum())
        when = f"from epoch {e.at}" if e.at is not None else "never"
        lines.append(f"{e.name}: arrives at {ok} of {len(RATES)} rates, diverges at {gone}; "
                     f"raced at η {e.rate:.3g} (arrives {when})")
    return Still(name, (f"{label}: epochs to arrive against the learning rate, both on log "
                        f"scales, for {len(RATES)} rates from {RATES[0]:g} to {RATES[-1]:g}. "
                        + "; ".join(lines) + "."),
                 partial(tuning_figure, rates=RATES,
                         sweeps={k: (e.arrived, e.diverged) for k, e in entries.items()},
                         names={k: e.name for k, e in entries.items()}, best=best,
                         epochs=epochs, title=f"{label}: how fast, and how touchy about η"))


@scenario("optimizers", "Optimizers: SGD, momentum, RMSProp and Adam",
          "Mini-batches against the full batch, then four optimizers, each at its own best "
          "learning rate: on a round bowl and in a long narrow valley.")
def run(quality: Quality) -> Chapter:
    from functools import partial

    from gdanim.figures.schedule import frame_epochs
    from gdanim.figures.scenes.race import race_scene
    from gdanim.maths import recheck
    from gdanim.maths.data import load_penguins
    from gdanim.maths.milestones import divergence_threshold
    from gdanim.maths.problems import (RAW_BILL_UNIT, RAW_MASS_UNIT, condition_number,
                                       hessian, least_squares, penguin_loss, raw_design,
                                       raw_loss)

    penguins = load_penguins()
    X, y = penguins.design, penguins.y
    rows = len(y)
    bowl = tuned_race(penguin_loss(), X, y, BOWL_EPOCHS)
    Xr, yr = raw_design()
    valley = tuned_race(raw_loss(), Xr, yr, VALLEY_EPOCHS)
    best_loss = least_squares(X, y)[1]
    v_best = least_squares(Xr, yr)[1]

    # 1. Noise, each at its own best rate.
    nz = noise(bowl)
    per_epoch = nz.per_epoch
    sgd_steps = NOISE_EPOCHS * per_epoch
    gd_at, sgd_at = nz.gd_within[nz.gd], nz.sgd_within[nz.sgd]
    sgd_late = nz.runs["sgd"].loss[sgd_steps // 2:] - best_loss
    noise_numbers = {
        "noise_epochs": NOISE_EPOCHS, "sgd_steps": sgd_steps, "noise_within": NOISE_WITHIN,
        "noise_gd_rate": float(nz.rates[nz.gd]), "noise_sgd_rate": float(nz.rates[nz.sgd]),
        "noise_gd_epochs": gd_at, "noise_gd_epochs64": nz.gd_within64[nz.gd],
        "noise_sgd_steps": sgd_at, "noise_sgd_steps64": nz.sgd_within64[nz.sgd],
        "noise_sgd_epochs": None if sgd_at is None else sgd_at / per_epoch,
        "noise_sgd_rows": None if sgd_at is None else sgd_at * BATCH_SIZE,
        "noise_gd_rows": None if gd_at is None else gd_at * rows,
        "noise_holds": bool(agrees(gd_at, nz.gd_within64[nz.gd])
                        and agrees(sgd_at, nz.sgd_within64[nz.sgd])),
        "noise_sgd_rates_arriving": sum(a is not None for a in nz.sgd_within),
        "noise_gd_rates_arriving": sum(a is not None for a in nz.gd_within),
        "sgd_late_max_gap": float(sgd_late.max()), "sgd_late_min_gap": float(sgd_late.min()),
        "sgd_late_median_gap": float(np.median(sgd_late)),
        "gd_noise_final_gap": float(nz.runs["gd"].loss[-1] - best_loss)}
    noise_caption = (
        f"Each at its own best rate from the grid: full batch η {nz.rates[nz.gd]:.3g}, "
        f"mini-batches η {nz.rates[nz.sgd]:.3g}. Within {NOISE_WITHIN:.0%} of the best loss "
        f"for good: full batch from epoch {gd_at} ({_count(gd_at, 'gradient')} on all {rows} "
        f"birds); mini-batches from step {sgd_at} (epoch {sgd_at / per_epoch:.1f}, "
        f"{_count(sgd_at, 'gradient')} on {BATCH_SIZE} birds each).")
    pick = frame_epochs(sgd_steps, quality.frames, quality.hold)
    noise_positions = [pick // per_epoch, pick]
    runs = [nz.runs["gd"], nz.runs["sgd"]]
    noise_frames = FrameTable(epoch=pick, loss=np.stack([r.loss[p] for r, p in
                                                         zip(runs, noise_positions)], 1),
                              params=np.stack([r.params[p] for r, p in
                                               zip(runs, noise_positions)], 1))
    noise_anim = Animation(
        name="noise", title="Full batch against mini-batches, each at its best rate",
        alt=(f"Left: the z-scored penguins' loss contour with two paths from intercept "
             f"{START[0]:g}, slope {START[1]:g}: full-batch gradient descent takes one "
             f"step per pass over the data, mini-batch SGD takes {per_epoch} wobbly steps "
             f"per pass. Right: both losses above the best, on a log scale, by epoch. "
             f"{noise_caption}"),
        make_scene=partial(race_scene, runs=runs, keys=["gd", "sgd"],
                           legend=[f"Full batch (all birds)\nη {nz.rates[nz.gd]:.3g}",
                                   f"Mini-batches of {BATCH_SIZE}\nη {nz.rates[nz.sgd]:.3g}"],
                           frames=noise_frames, best_loss=best_loss, view=VIEW,
                           positions=noise_positions, steps_per_epoch=[1, per_epoch],
                           readout_text=partial(_noise_readout, per_epoch=per_epoch,
                                                epochs=NOISE_EPOCHS)),
        frames=noise_frames, poster_frame=len(noise_frames) - 1,
        frame_label="mini-batch step", param_names=("intercept", "slope"),
        run_names=("Full batch", f"Mini-batches of {BATCH_SIZE}"),
        params={"start": list(START), "epochs": NOISE_EPOCHS, "seed": SEED,
                "batch_size": BATCH_SIZE, "grid": [float(r) for r in RATES],
                "optimizers": {"gd": {"name": "Full-batch gradient descent",
                                      "learning_rate": float(nz.rates[nz.gd]),
                                      "mini_batches": False},
                               "sgd": {"name": NAMES["sgd"],
                                       "learning_rate": float(nz.rates[nz.sgd]),
                                       "mini_batches": True}}})

    # 2. and 3. The two races, and how touchy each optimizer is.
    race_anim, caption = _race_animation(
        "race", f"{len(bowl)} optimizers on the round bowl, each at its best rate", bowl,
        BOWL_EPOCHS, quality, best_loss, VIEW, "z-scored; each at its own best η")
    valley_anim, valley_caption = _race_animation(
        "valley", "The same four in raw units: a long narrow valley", valley, VALLEY_EPOCHS,
        quality, v_best, VALLEY_VIEW, "raw units; each at its own best η",
        problem="raw", surface_width=1.5, start_label=((-12, 0), "right"),
        labels=(f"intercept ({RAW_MASS_UNIT})", f"slope ({RAW_MASS_UNIT} per {RAW_BILL_UNIT})"))
    stills = (_tuning_still("tuning", "Round bowl (z-scored)", bowl, BOWL_EPOCHS),
              _tuning_still("valley-tuning", "Narrow valley (raw units)", valley,
                            VALLEY_EPOCHS))

    H = hessian(Xr)
    eigenvalues = np.linalg.eigvalsh(H)
    scale = 1 / np.sqrt(np.diag(H))         # the best any per-axis rescaling can do (2x2)
    mm_design = np.column_stack([np.ones(rows), penguins.bill_mm])
    bowl_curvature = float(np.linalg.eigvalsh(hessian(X)).max())
    numbers = {"rates": [float(r) for r in RATES], "momentum_beta": BETAS["momentum"],
               "adam_b2": recheck.ADAM_B2, "rate_low": float(RATES[0]),
               "rate_high": float(RATES[-1]), "rate_count": len(RATES),
               "rates_per_decade": int(round((len(RATES) - 1) / np.log10(RATES[-1] / RATES[0]))),
               "epochs": BOWL_EPOCHS, "batch_size": BATCH_SIZE, "seed": SEED,
               "start": list(START), "best_loss": best_loss, "rows": rows,
               "batches_per_epoch": per_epoch, "rows_per_epoch": per_epoch * BATCH_SIZE,
               **noise_numbers,
               "bowl_curvature": bowl_curvature, "bowl_jump_rate": 1 / bowl_curvature,
               "bowl_threshold": divergence_threshold(X),
               "bowl_start_distance": float(np.linalg.norm(
                   np.asarray(START) - least_squares(X, y)[0])),
               "valley_rates_above_cap": int((RATES > divergence_threshold(Xr)).sum()),
               "zscored_condition_number": condition_number(X),
               "valley_epochs": VALLEY_EPOCHS, "valley_best_loss": v_best,
               "valley_best_params": [float(v) for v in least_squares(Xr, yr)[0]],
               "valley_threshold": divergence_threshold(Xr),
               "valley_condition_number": condition_number(Xr),
               "valley_eigenvalues": [float(v) for v in eigenvalues],
               "valley_axis_scaled_condition_number": float(np.linalg.cond(
                   scale[:, None] * H * scale[None, :])),
               "mm_condition_number": condition_number(mm_design),
               "bill_cm_mean": float(penguins.bill_mm.mean() / 10),
               "bill_cm_std": float(penguins.bill_mm.std() / 10),
               "bill_unit": RAW_BILL_UNIT, "mass_unit": RAW_MASS_UNIT,
               **_race_numbers("bowl_", bowl), **_race_numbers("valley_", valley)}
    doubts = _doubts("Round bowl", bowl) + _doubts("Narrow valley", valley)
    if not numbers["noise_holds"]:
        doubts.append(f"Noise: float64 puts the full batch within {NOISE_WITHIN:.0%} from "
                      f"epoch {nz.gd_within64[nz.gd]} and the mini-batches from step "
                      f"{nz.sgd_within64[nz.sgd]}.")
    numbers["ranking_holds"] = bool(numbers["bowl_ranking"] == numbers["bowl_ranking64"]
                                and numbers["valley_ranking"] == numbers["valley_ranking64"])
    explore_stills, explore = round_bowl_explorer(numbers["bowl_gd_rate"], bowl, valley)
    return Chapter(numbers=numbers, animations=(noise_anim, race_anim, valley_anim),
                   stills=stills + explore_stills,
                   context={"explorer": explore, "bowl": bowl, "valley": valley, "ranked": ranked(bowl),
                            "valley_ranked": ranked(valley), "caption": caption,
                            "noise_caption": noise_caption, "valley_caption": valley_caption,
                            "doubts": doubts, "tolerance": TOLERANCE, "names": NAMES})


def _count(k: int, noun: str) -> str:
    return f"{k} {noun}{'' if k == 1 else 's'}"


def _noise_readout(step: int, per_epoch: int, epochs: int) -> str:
    return (f"epoch {step / per_epoch:5.1f} of {epochs}    full batch: {step // per_epoch:2d} "
            f"steps    mini-batch: {step:3d} steps")


def _epoch_readout(step: int, epochs: int, note: str) -> str:
    return f"epoch {step:4d} of {epochs}    {note}"


def round_bowl_explorer(own_rate: float, bowl=None, valley=None):
    """The explorer: every optimizer, any rate and β, on the round bowl (z-scored) and
    the narrow valley (raw units), from the races' start; the lesson's settings are
    each optimizer at its own best rate in each race."""
    from gdanim.chapters.explorers import optimizer_explorer
    from gdanim.maths.data import load_penguins
    from gdanim.maths.problems import RAW_BILL_UNIT, RAW_MASS_UNIT, raw_design

    penguins = load_penguins()
    Xr, yr = raw_design()

    def rates(entries):
        return {k: float(e.rate) for k, e in (entries or {}).items() if k in OPTIMIZERS}
    return optimizer_explorer([
        {"name": "bowl", "label": "Round bowl (z-scored)", "x": penguins.x, "y": penguins.y,
         "start": START, "epochs": BOWL_EPOCHS, "view": VIEW, "rates": rates(bowl),
         "xlabels": ("bill length (z-score)", "body mass (z-score)")},
        {"name": "valley", "label": "Narrow valley (raw units)", "x": Xr[:, 1], "y": yr,
         "start": START, "epochs": VALLEY_EPOCHS, "view": VALLEY_VIEW, "rates": rates(valley),
         "xlabels": (f"bill length ({RAW_BILL_UNIT})", f"body mass ({RAW_MASS_UNIT})")}],
        own_rate)
