"""Chapter: mini-batches against the full batch, fairly compared.

Both run over the same log grid of learning rates from the same start on the z-scored
penguins, and both are judged by the one arrival rule of the site (`maths.verdicts`:
the loss within 1% of the best *and* the parameters within 1% of the least-squares
answer, staying so to the end; a run that goes in and out of that band "hovers", and
every stay is named). They are compared two ways, with the same budget each way:

- equal gradient evaluations: BUDGET steps each (the full batch reads all the birds for
  each of its gradients, a mini-batch only BATCH_SIZE);
- equal epochs: BUDGET passes over the data each (the full batch takes one step per
  pass, the mini-batches one per batch).

The full-batch run is the same in both (one step per epoch). Mini-batches are judged at
every step, not only at the end of each epoch. The chosen shuffle decides when a
hovering run last enters the band, so the best mini-batch rate is run again with
SHUFFLES other shuffles and the page gives the spread. Every run is rechecked in float64
(`maths.recheck`, NumPy, the same batches)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdanim.chapters import scenario
from gdanim.core.config import Quality
from gdanim.core.values import Animation, Chapter, FrameTable, Trajectory

START = (-2.0, 0.0)
RATES = 10 ** np.linspace(-3, 1, 25)       # the optimizers chapter's grid
BATCH_SIZE = 32
SEED = 0
BUDGET = 160            # gradient evaluations for one comparison, epochs for the other
SHUFFLES = 10           # other seeds for the best mini-batch rate
SHOWN_EPOCHS = BUDGET   # the animation: the first SHOWN_EPOCHS epochs of the equal-epochs run
VIEW = ((-2.4, 1.4), (-0.9, 1.7))


@dataclass
class Side:
    """One contestant under one budget: a verdict per grid rate and its best rate."""

    name: str
    steps_per_epoch: int
    verdicts: list               # verdicts.Verdict per rate
    best: int                    # index into RATES
    params: np.ndarray           # (steps + 1, 2) at the best rate
    loss: np.ndarray

    @property
    def arriving(self) -> int:
        return sum(v.arrival.epoch is not None for v in self.verdicts)

    @property
    def verdict(self):
        return self.verdicts[self.best]

    @property
    def at(self) -> int | None:
        """The step from which it stays within 1% (None: not at the end)."""
        return self.verdict.arrival.epoch


def best_rate(verdicts) -> int:
    """The rate that is within 1% for good soonest (ties: the smaller rate); if none is,
    the one that ends nearest the answer."""
    at = [v.arrival.epoch if v.arrival.epoch is not None else np.inf for v in verdicts]
    if np.isfinite(at).any():
        return int(np.argmin(at))
    return int(np.argmin([v.distance if np.isfinite(v.distance) else np.inf
                          for v in verdicts]))


def judge_all(params, loss, answer, best_loss, name, per_epoch) -> Side:
    from gdanim.maths.verdicts import verdict

    judged = [verdict(l, p, answer, best_loss) for p, l in zip(params, loss)]
    i = best_rate(judged)
    return Side(name, per_epoch, judged, i, params[i], loss[i])


def batches(seed: int, steps: int, rows: int) -> np.ndarray:
    from gdanim.maths.train import batch_order

    return batch_order(rows, BATCH_SIZE, steps, seed)


def contest(rates=RATES, budget: int = BUDGET, in64: bool = False) -> dict[str, Side]:
    """The full batch for `budget` epochs and mini-batches for `budget` epochs, every
    rate; the mini-batches also cut at `budget` steps. float32 (JAX, optax), or the same
    runs in float64 (NumPy) with `in64`."""
    from gdanim.maths import recheck
    from gdanim.maths.data import load_penguins
    from gdanim.maths.problems import least_squares

    penguins = load_penguins()
    X, y = penguins.design, penguins.y
    answer, best_loss = least_squares(X, y)
    per_epoch = len(y) // BATCH_SIZE
    order = batches(SEED, budget * per_epoch, len(y))
    if in64:
        grad, loss = recheck.linear_gradient(X, y), recheck.linear_loss(X, y)
        gd_params, gd_loss = recheck.run(grad, loss, START, rates, budget, "gd")
        sgd_params, sgd_loss = recheck.run(grad, loss, START, rates, 0, "gd", batches=order)
    else:
        gd_params, gd_loss, sgd_params, sgd_loss = _float32_runs(X, y, rates, budget, order)
    return {
        "gd": judge_all(gd_params, gd_loss, answer, best_loss, "Full batch", 1),
        "sgd_evals": judge_all(sgd_params[:, : budget + 1], sgd_loss[:, : budget + 1],
                               answer, best_loss, f"Mini-batches of {BATCH_SIZE}", per_epoch),
        "sgd_epochs": judge_all(sgd_params, sgd_loss, answer, best_loss,
                                f"Mini-batches of {BATCH_SIZE}", per_epoch)}


def _float32_runs(X, y, rates, epochs, order):
    import jax.numpy as jnp

    from gdanim.maths.losses import linear_mse
    from gdanim.maths.problems import penguin_loss
    from gdanim.maths.sweeps import minibatch_sweep, sweep

    Xj, yj = jnp.asarray(X, jnp.float32), jnp.asarray(y, jnp.float32)
    sgd_params, sgd_loss = minibatch_sweep(
        lambda p, rows: linear_mse(p, Xj[rows], yj[rows]), penguin_loss(), start=START,
        rates=rates, batches=order)
    full = sweep(penguin_loss(), [START], rates, epochs, keep=np.arange(epochs + 1))
    return full.params[:, 0], full.loss[:, 0], sgd_params, sgd_loss


def other_shuffles(rate: float, budget: int = BUDGET, seeds=range(1, SHUFFLES + 1)):
    """The mini-batches at `rate` for `budget` epochs with other shuffles: for each, the
    step from which it stays within 1% (None: not at the end) and how many times it
    entered the band."""
    import jax.numpy as jnp

    from gdanim.maths.data import load_penguins
    from gdanim.maths.losses import linear_mse
    from gdanim.maths.problems import least_squares, penguin_loss
    from gdanim.maths.sweeps import minibatch_sweep
    from gdanim.maths.verdicts import verdict

    penguins = load_penguins()
    X, y = penguins.design, penguins.y
    answer, best_loss = least_squares(X, y)
    Xj, yj = jnp.asarray(X, jnp.float32), jnp.asarray(y, jnp.float32)
    out = []
    for seed in seeds:
        order = batches(seed, budget * (len(y) // BATCH_SIZE), len(y))
        p, l = minibatch_sweep(lambda q, rows: linear_mse(q, Xj[rows], yj[rows]),
                               penguin_loss(), start=START, rates=[rate], batches=order)
        v = verdict(l[0], p[0], answer, best_loss)
        out.append((v.arrival.epoch, len(v.arrival.stays)))
    return out


def side_numbers(tag: str, side: Side, per_epoch: int) -> dict:
    v = side.verdict
    stays = v.arrival.stays
    arriving = [float(r) for r, s in zip(RATES, side.verdicts) if s.arrival.epoch is not None]
    return {f"{tag}_rate": float(RATES[side.best]), f"{tag}_arriving": side.arriving,
            f"{tag}_at": side.at,
            f"{tag}_at_epochs": None if side.at is None else side.at / per_epoch,
            f"{tag}_kind": v.arrival.kind, f"{tag}_entries": len(stays),
            f"{tag}_first_in": stays[0][0] if stays else None,
            f"{tag}_first_in_epochs": stays[0][0] / per_epoch if stays else None,
            f"{tag}_final_distance": float(v.distance),
            f"{tag}_sweep_at": [s.arrival.epoch for s in side.verdicts],
            f"{tag}_arriving_low": min(arriving) if arriving else None,
            f"{tag}_arriving_high": max(arriving) if arriving else None}


TOLERANCE = "2 steps or 1%, whichever is larger"


def agrees(a, b) -> bool:
    """The same tolerance as the optimizers chapter: 2 steps or 1%, or neither arrives."""
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= max(2, 0.01 * a)


@scenario("mini-batches", "Mini-batches: a handful of birds per step",
          "Stochastic gradient descent against the full batch, each at its own best "
          "learning rate, at equal gradient evaluations and at equal epochs.")
def run(quality: Quality) -> Chapter:
    from functools import partial

    from gdanim.figures.schedule import frame_epochs
    from gdanim.figures.scenes.race import race_scene
    from gdanim.maths.data import load_penguins
    from gdanim.maths.problems import least_squares

    penguins = load_penguins()
    X, y = penguins.design, penguins.y
    rows, per_epoch = len(y), len(y) // BATCH_SIZE
    answer, best_loss = least_squares(X, y)
    c, c64 = contest(), contest(in64=True)
    gd, short, long = c["gd"], c["sgd_evals"], c["sgd_epochs"]
    shuffles = other_shuffles(float(RATES[long.best]))
    found = [a for a, _ in shuffles if a is not None]
    late = long.loss[len(long.loss) // 2:] - best_loss
    n = {"rows": rows, "batch_size": BATCH_SIZE, "seed": SEED, "budget": BUDGET,
         "batches_per_epoch": per_epoch, "rows_per_epoch": per_epoch * BATCH_SIZE,
         "sgd_steps": BUDGET * per_epoch, "start": list(START), "best_loss": best_loss,
         "rates": [float(r) for r in RATES], "rate_count": len(RATES),
         "rate_low": float(RATES[0]), "rate_high": float(RATES[-1]),
         "rates_per_decade": int(round((len(RATES) - 1) / np.log10(RATES[-1] / RATES[0]))),
         "gd_rows_read": BUDGET * rows, "sgd_evals_rows_read": BUDGET * BATCH_SIZE,
         "sgd_epochs_rows_read": BUDGET * per_epoch * BATCH_SIZE,
         "cost_ratio": rows / BATCH_SIZE,
         "shuffles": SHUFFLES, "shuffles_arriving": len(found),
         "shuffles_at": [a for a, _ in shuffles],
         "shuffles_earliest_epochs": min(found) / per_epoch if found else None,
         "shuffles_latest_epochs": max(found) / per_epoch if found else None,
         "sgd_late_min_gap": float(late.min()), "sgd_late_max_gap": float(late.max()),
         "sgd_late_median_gap": float(np.median(late)),
         "sgd_late_max_distance": float(np.max(np.linalg.norm(
             long.params[len(long.loss) // 2:] - answer, axis=-1) / np.linalg.norm(answer))),
         "shown_epochs": SHOWN_EPOCHS,
         **side_numbers("gd", gd, 1), **side_numbers("evals", short, per_epoch),
         **side_numbers("epochs", long, per_epoch)}
    for tag, side in (("gd", "gd"), ("evals", "sgd_evals"), ("epochs", "sgd_epochs")):
        n[f"{tag}_at64"] = c64[side].verdicts[c[side].best].arrival.epoch
        n[f"{tag}_arriving64"] = c64[side].arriving
        n[f"{tag}_rate64"] = float(RATES[c64[side].best])
        n[f"{tag}_holds"] = bool(agrees(n[f"{tag}_at"], n[f"{tag}_at64"])
                                 and n[f"{tag}_arriving"] == n[f"{tag}_arriving64"])
    n["holds"] = all(n[f"{t}_holds"] for t in ("gd", "evals", "epochs"))

    # The animation: the equal-epochs contest, its first SHOWN_EPOCHS epochs.
    steps = SHOWN_EPOCHS * per_epoch
    pick = frame_epochs(steps, quality.frames, quality.hold)
    positions = [pick // per_epoch, pick]
    runs = [Trajectory(gd.params[: SHOWN_EPOCHS + 1], gd.loss[: SHOWN_EPOCHS + 1],
                       np.full_like(gd.params[: SHOWN_EPOCHS + 1], np.nan)),
            Trajectory(long.params[: steps + 1], long.loss[: steps + 1],
                       np.full_like(long.params[: steps + 1], np.nan))]
    frames = FrameTable(epoch=pick, loss=np.stack([r.loss[p] for r, p in zip(runs, positions)], 1),
                        params=np.stack([r.params[p] for r, p in zip(runs, positions)], 1))
    caption = (f"Each at its own best rate from the grid for {BUDGET} epochs: the full batch "
               f"at η {RATES[gd.best]:.3g}, {describe(gd, 1, 'epoch')}; mini-batches of "
               f"{BATCH_SIZE} at η {RATES[long.best]:.3g}, "
               f"{describe(long, per_epoch, 'epoch')}.")
    anim = Animation(
        name="noise", title="Full batch against mini-batches, each at its best rate",
        alt=(f"Left: the z-scored penguins' loss contour with two paths from intercept "
             f"{START[0]:g}, slope {START[1]:g}: full-batch gradient descent takes one "
             f"step per pass over the data, mini-batch SGD takes {per_epoch} wobbly steps "
             f"per pass. Right: both losses above the best and both distances from the "
             f"answer, on log scales, by epoch. {caption}"),
        make_scene=partial(race_scene, runs=runs, keys=["gd", "sgd"],
                           legend=[f"Full batch (all birds)\nη {RATES[gd.best]:.3g}",
                                   f"Mini-batches of {BATCH_SIZE}\nη {RATES[long.best]:.3g}"],
                           frames=frames, best_loss=best_loss, view=VIEW, best_params=answer,
                           positions=positions, steps_per_epoch=[1, per_epoch],
                           readout_text=partial(_readout, per_epoch=per_epoch,
                                                epochs=SHOWN_EPOCHS)),
        frames=frames, poster_frame=len(frames) - 1, frame_label="mini-batch step",
        param_names=("intercept", "slope"),
        run_names=("Full batch", f"Mini-batches of {BATCH_SIZE}"),
        params={"start": list(START), "epochs": SHOWN_EPOCHS, "seed": SEED,
                "batch_size": BATCH_SIZE, "grid": [float(r) for r in RATES],
                "optimizers": {"gd": {"name": "Full-batch gradient descent",
                                      "learning_rate": float(RATES[gd.best]),
                                      "mini_batches": False},
                               "sgd": {"name": "Mini-batch SGD",
                                       "learning_rate": float(RATES[long.best]),
                                       "mini_batches": True}}})
    return Chapter(numbers=n, animations=(anim,), stills=(),
                   context={"caption": caption, "tolerance": TOLERANCE,
                            "gd_text": describe(gd, 1, "epoch"),
                            "evals_text": describe(short, 1, "gradient evaluation"),
                            "epochs_text": describe(long, per_epoch, "epoch")})


def describe(side: Side, per: int, unit: str) -> str:
    """What the run at its best rate did, in words, in `unit`s (a step is 1/per of one):
    every stay in the band is named when it goes in and out."""
    stays = side.verdict.arrival.stays

    def at(step: int) -> str:
        value = step / per
        return f"{unit} {value:,.1f}" if per > 1 and value != int(value) else f"{unit} {int(value):,}"
    if not stays:
        return (f"never within 1% (still {side.verdict.distance:.1%} from the answer at "
                f"the end)")
    if side.at is None:
        a, b = stays[-1]
        last = f"at {at(a)}" if a == b else f"from {at(a)} to {at(b)}"
        return (f"within 1% {_times(len(stays))}, the last {last}, and outside again "
                f"at the end")
    if len(stays) == 1:
        return f"within 1% from {at(side.at)} on"
    return (f"first within 1% at {at(stays[0][0])}, then out and in again "
            f"{_times(len(stays) - 1)}, within for good from {at(side.at)}")


def _times(k: int) -> str:
    return {1: "once", 2: "twice"}.get(k, f"{k} times")


def _readout(step: int, per_epoch: int, epochs: int) -> str:
    return (f"epoch {step / per_epoch:5.1f} of {epochs}    full batch: {step // per_epoch:3d} "
            f"steps    mini-batch: {step:4d} steps")
