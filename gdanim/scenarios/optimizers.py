"""Chapter: beyond full-batch descent. Mini-batch SGD, momentum, RMSProp and Adam race
full-batch gradient descent on the penguins' loss surface, all through optax."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdanim.config import Quality
from gdanim.scenarios import scenario
from gdanim.values import Animation, Chapter, FrameTable

START = (-2.0, 0.0)
STEPS = 150
LEARNING_RATE = 0.05
BATCH_SIZE = 32
SEED = 0
VIEW = ((-2.4, 1.4), (-0.9, 1.7))     # (intercept range, slope range) on the plot


@dataclass(frozen=True)
class RaceEntry:
    key: str
    name: str
    short: str           # legend name
    hyper: dict          # what the optimizer was given
    stochastic: bool     # mini-batches (True) or the whole data set each step

    def optimizer(self):
        import optax

        if self.key == "gd" or self.key == "sgd":
            return optax.sgd(self.hyper["learning_rate"])
        if self.key == "momentum":
            return optax.sgd(self.hyper["learning_rate"], momentum=self.hyper["momentum"])
        if self.key == "rmsprop":
            return optax.rmsprop(self.hyper["learning_rate"], decay=self.hyper["decay"])
        if self.key == "adam":
            return optax.adam(self.hyper["learning_rate"], b1=self.hyper["b1"],
                              b2=self.hyper["b2"])
        raise KeyError(f"unknown optimizer {self.key!r}")

    @property
    def settings(self) -> str:
        """The hyperparameters in a short line, for legends and captions."""
        names = {"learning_rate": "η", "b1": "β₁", "b2": "β₂"}
        return ", ".join(f"{names.get(k, k)} {v:g}" for k, v in self.hyper.items())


ENTRIES = (
    RaceEntry("gd", "Gradient descent (full batch)", "Full-batch GD",
              {"learning_rate": LEARNING_RATE}, False),
    RaceEntry("sgd", "Mini-batch SGD", "Mini-batch SGD", {"learning_rate": LEARNING_RATE}, True),
    RaceEntry("momentum", "SGD with momentum", "Momentum",
              {"learning_rate": LEARNING_RATE, "momentum": 0.9}, True),
    RaceEntry("rmsprop", "RMSProp", "RMSProp", {"learning_rate": LEARNING_RATE, "decay": 0.9},
              True),
    RaceEntry("adam", "Adam", "Adam", {"learning_rate": LEARNING_RATE, "b1": 0.9, "b2": 0.999},
              True),
)


def race(steps: int = STEPS, seed: int = SEED):
    """Every entry from START for `steps` steps; the stochastic ones share one batch
    order. Returns (trajectories by key, the batch order, the closed-form best loss)."""
    import jax.numpy as jnp

    from gdanim.data import load_penguins
    from gdanim.models import linear_mse
    from gdanim.problems import closed_form, penguin_loss
    from gdanim.train import batch_order, descend, descend_minibatch

    penguins = load_penguins()
    X, y = jnp.asarray(penguins.design, jnp.float32), jnp.asarray(penguins.y, jnp.float32)
    full_loss = penguin_loss()

    def batch_loss(params, rows):
        return linear_mse(params, X[rows], y[rows])

    order = batch_order(len(penguins.y), BATCH_SIZE, steps, seed)
    runs = {}
    for entry in ENTRIES:
        if entry.stochastic:
            runs[entry.key] = descend_minibatch(batch_loss, full_loss, START,
                                                entry.optimizer(), order)
        else:
            runs[entry.key] = descend(full_loss, START, entry.optimizer(), steps)
    best = closed_form()
    best_loss = float(np.mean((penguins.design @ best - penguins.y) ** 2))
    return runs, order, best_loss


def finish_line(name: str, step: int | None, steps: int) -> str:
    return f"{name} at step {step}" if step is not None else f"{name} not within {steps} steps"


@scenario("optimizers", "Optimizers: SGD, momentum, RMSProp and Adam",
          f"{len(ENTRIES)} ways to walk downhill, racing on the penguins' loss surface from "
          f"the same start.")
def run(quality: Quality) -> Chapter:
    from functools import partial

    from gdanim.analysis import first_within
    from gdanim.schedule import frame_epochs
    from gdanim.scenes.race import race_scene

    from gdanim.data import load_penguins

    runs, order, best_loss = race()
    rows = len(load_penguins().y)
    arrivals = {e.key: first_within(runs[e.key].loss, best_loss) for e in ENTRIES}
    ranked = sorted(ENTRIES, key=lambda e: (arrivals[e.key] is None, arrivals[e.key] or 0))
    summary = "; ".join(finish_line(e.name, arrivals[e.key], STEPS) for e in ranked)
    numbers = {"steps": STEPS, "learning_rate": LEARNING_RATE, "batch_size": BATCH_SIZE,
               "seed": SEED, "start": list(START), "best_loss": best_loss,
               "rows": rows, "batches_per_epoch": rows // BATCH_SIZE}
    for e in ENTRIES:
        numbers[f"{e.key}_within_1pct_step"] = arrivals[e.key]
        numbers[f"{e.key}_final_loss"] = float(runs[e.key].loss[-1])
        numbers[f"{e.key}_final_params"] = [float(v) for v in runs[e.key].final]
    pick = frame_epochs(STEPS, quality.frames, quality.hold)
    frames = FrameTable(epoch=pick,
                        loss=np.stack([runs[e.key].loss[pick] for e in ENTRIES], axis=1),
                        params=np.stack([runs[e.key].params[pick] for e in ENTRIES], axis=1))
    caption = (f"Within 1% of the best possible loss: {summary}.")
    animation = Animation(
        name="race", title=f"{len(ENTRIES)} optimizers, one surface",
        alt=(f"Left: the penguins' loss contour with {len(ENTRIES)} paths from intercept {START[0]:g}, "
             f"slope {START[1]:g} towards the minimum; momentum overshoots and curls back, "
             f"the mini-batch runs wobble. Right: each run's loss above the best, on a log "
             f"scale, by step. {caption}"),
        make_scene=partial(race_scene, runs=[runs[e.key] for e in ENTRIES], entries=ENTRIES,
                           frames=frames, best_loss=best_loss, view=VIEW,
                           batch_size=BATCH_SIZE),
        frames=frames, poster_frame=len(frames) - 1, frame_label="step",
        param_names=("intercept", "slope"), run_names=tuple(e.short for e in ENTRIES),
        params={"start": list(START), "steps": STEPS, "seed": SEED, "batch_size": BATCH_SIZE,
                "optimizers": {e.key: {"name": e.name, **e.hyper,
                                       "mini_batches": e.stochastic} for e in ENTRIES}})
    return Chapter(numbers=numbers, animations=(animation,),
                   context={"entries": ENTRIES, "arrivals": arrivals, "ranked": ranked,
                            "caption": caption})
