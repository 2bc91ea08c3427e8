"""Chapter: beyond plain gradient descent, as three separate questions.

1. Noise: full-batch gradient descent against mini-batch SGD at the same learning rate,
   compared per epoch (pass over the data).
2. Optimizer: gradient descent, momentum, RMSProp and Adam, all on the full batch of
   z-scored penguins, so every run is deterministic.
3. The narrow valley: the same four on the penguins in raw units (cm and kg), where the
   loss is a long thin valley and plain descent crawls even at its best stable rate."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdanim.core.config import Quality
from gdanim.chapters import scenario
from gdanim.core.values import Animation, Chapter, FrameTable

START = (-2.0, 0.0)
LEARNING_RATE = 0.05
BATCH_SIZE = 32
SEED = 0
NOISE_EPOCHS = 16
RACE_EPOCHS = 150
VALLEY_EPOCHS = 1200
VALLEY_START = (-2.0, 0.0)
# Plain descent on the valley tries these fractions of its divergence threshold and
# keeps the one that gets close soonest: its best stable rate.
GD_FRACTIONS = (0.5, 0.7, 0.9, 0.95, 0.99)
VALLEY_RATES = {"rmsprop": 0.01, "adam": 0.1}
VIEW = ((-2.4, 1.4), (-0.9, 1.7))        # (intercept range, slope range), z-scored
VALLEY_VIEW = ((-2.6, 1.4), (-0.15, 1.75))   # the same in raw units (kg, kg per cm)


@dataclass(frozen=True)
class RaceEntry:
    key: str
    name: str
    short: str           # legend name
    hyper: dict          # what the optimizer was given
    stochastic: bool = False   # mini-batches (True) or the whole data set each step

    def optimizer(self):
        import optax

        if self.key in ("gd", "sgd"):
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
        names = {"learning_rate": "η", "momentum": "β", "decay": "ρ", "b1": "β₁",
                 "b2": "β₂"}
        return ", ".join(f"{names.get(k, k)} {v:g}" for k, v in self.hyper.items())


def contestants(rate: float, adaptive_rates: dict | None = None) -> tuple[RaceEntry, ...]:
    """Gradient descent, momentum, RMSProp and Adam, all full batch. Momentum shares
    plain descent's rate; RMSProp and Adam use `adaptive_rates` where given."""
    adaptive_rates = adaptive_rates or {}
    return (
        RaceEntry("gd", "Gradient descent", "Gradient descent", {"learning_rate": rate}),
        RaceEntry("momentum", "Momentum", "Momentum", {"learning_rate": rate, "momentum": 0.9}),
        RaceEntry("rmsprop", "RMSProp", "RMSProp",
                  {"learning_rate": adaptive_rates.get("rmsprop", rate), "decay": 0.9}),
        RaceEntry("adam", "Adam", "Adam",
                  {"learning_rate": adaptive_rates.get("adam", rate), "b1": 0.9, "b2": 0.999}),
    )


NOISE_ENTRIES = (
    RaceEntry("gd", "Full-batch gradient descent", "Full batch (all birds)",
              {"learning_rate": LEARNING_RATE}),
    RaceEntry("sgd", "Mini-batch SGD", f"Mini-batches of {BATCH_SIZE}",
              {"learning_rate": LEARNING_RATE}, stochastic=True),
)
ENTRIES = contestants(LEARNING_RATE)


def _penguin_problem():
    import jax.numpy as jnp

    from gdanim.maths.data import load_penguins
    from gdanim.maths.problems import least_squares

    penguins = load_penguins()
    X, y = penguins.design, penguins.y
    return X, y, least_squares(X, y)[1], jnp.asarray(X, jnp.float32), jnp.asarray(y, jnp.float32)


def noise(epochs: int = NOISE_EPOCHS, seed: int = SEED):
    """Full-batch GD for `epochs` steps and mini-batch SGD for as many epochs (so
    `epochs * batches_per_epoch` steps), same rate and start. Returns (runs by key,
    batch order, batches per epoch, best loss)."""
    from gdanim.maths.losses import linear_mse
    from gdanim.maths.problems import penguin_loss
    from gdanim.maths.train import batch_order, descend, descend_minibatch

    X, y, best_loss, Xj, yj = _penguin_problem()
    per_epoch = len(y) // BATCH_SIZE
    order = batch_order(len(y), BATCH_SIZE, epochs * per_epoch, seed)
    gd, sgd = NOISE_ENTRIES
    runs = {"gd": descend(penguin_loss(), START, gd.optimizer(), epochs),
            "sgd": descend_minibatch(lambda p, rows: linear_mse(p, Xj[rows], yj[rows]),
                                     penguin_loss(), START, sgd.optimizer(), order)}
    return runs, order, per_epoch, best_loss


def race(epochs: int = RACE_EPOCHS, entries=ENTRIES):
    """Every entry on the full batch of z-scored penguins. Returns (runs, best loss)."""
    from gdanim.maths.problems import penguin_loss
    from gdanim.maths.train import descend

    best_loss = _penguin_problem()[2]
    return {e.key: descend(penguin_loss(), START, e.optimizer(), epochs)
            for e in entries}, best_loss


def _arrival(step: int | None) -> float:
    return float("inf") if step is None else step


def best_stable_rate(loss, threshold: float, best_loss: float, epochs: int) -> float:
    """Of GD_FRACTIONS of the divergence threshold (rounded to 3 significant figures),
    the rate whose run settles within 1% of the best loss soonest."""
    import optax

    from gdanim.maths.milestones import stays_within
    from gdanim.maths.train import descend

    rates = [float(f"{f * threshold:.3g}") for f in GD_FRACTIONS]
    rates = [r for r in rates if r < threshold]
    arrivals = [_arrival(stays_within(descend(loss, VALLEY_START, optax.sgd(r), epochs).loss,
                                      best_loss)) for r in rates]
    return rates[int(np.argmin(arrivals))]


def valley(epochs: int = VALLEY_EPOCHS):
    """The four contestants on the raw-units penguins. Returns (entries, runs, best
    loss, divergence threshold, condition number)."""
    from gdanim.maths.milestones import divergence_threshold
    from gdanim.maths.problems import condition_number, least_squares, raw_design, raw_loss
    from gdanim.maths.train import descend

    X, y = raw_design()
    best_loss = least_squares(X, y)[1]
    threshold = divergence_threshold(X)
    loss = raw_loss()
    rate = best_stable_rate(loss, threshold, best_loss, epochs)
    entries = contestants(rate, VALLEY_RATES)
    runs = {e.key: descend(loss, VALLEY_START, e.optimizer(), epochs) for e in entries}
    return entries, runs, best_loss, threshold, condition_number(X)


def finish_line(name: str, epoch: int | None, epochs: int) -> str:
    return (f"{name} from epoch {epoch}" if epoch is not None
            else f"{name} not settled in {epochs} epochs")


def standings(entries, runs, best_loss: float, epochs: int):
    """(arrival epoch by key, entries ranked by arrival, one-line summary)."""
    from gdanim.maths.milestones import stays_within

    arrivals = {e.key: stays_within(runs[e.key].loss, best_loss) for e in entries}
    ranked = sorted(entries, key=lambda e: _arrival(arrivals[e.key]))
    summary = "; ".join(finish_line(e.name, arrivals[e.key], epochs) for e in ranked)
    return arrivals, ranked, summary


def _frames(runs, entries, positions, counter=None) -> FrameTable:
    """Frame i shows row positions[k][i] of run k; `counter` (default: the first run's
    rows) is what the frame's label counts."""
    return FrameTable(epoch=positions[0] if counter is None else counter,
                      loss=np.stack([runs[e.key].loss[p] for e, p in zip(entries, positions)], 1),
                      params=np.stack([runs[e.key].params[p]
                                       for e, p in zip(entries, positions)], 1))


@scenario("optimizers", "Optimizers: SGD, momentum, RMSProp and Adam",
          "Mini-batches against the full batch, then four optimizers racing: on a round "
          "bowl and in a long narrow valley.")
def run(quality: Quality) -> Chapter:
    from functools import partial

    from gdanim.maths.milestones import first_within
    from gdanim.maths.data import load_penguins
    from gdanim.maths.problems import (RAW_BILL_UNIT, RAW_MASS_UNIT, condition_number, hessian,
                                 raw_design)
    from gdanim.figures.schedule import frame_epochs
    from gdanim.figures.scenes.race import FLOOR, race_scene

    penguins = load_penguins()
    rows = len(penguins.y)

    # 1. Noise: one frame per mini-batch step; full batch shown at whole epochs.
    noise_runs, order, per_epoch, best_loss = noise()
    sgd_steps = NOISE_EPOCHS * per_epoch
    pick = frame_epochs(sgd_steps, quality.frames, quality.hold)
    noise_positions = [pick // per_epoch, pick]
    noise_frames = _frames(noise_runs, NOISE_ENTRIES, noise_positions, counter=pick)
    noise_final = {e.key: float(noise_runs[e.key].loss[-1]) for e in NOISE_ENTRIES}
    sgd_close = first_within(noise_runs["sgd"].loss, best_loss, 0.05)
    gd_close = first_within(noise_runs["gd"].loss, best_loss, 0.05)
    # Over the second half of the run: how far the mini-batch loss bobs above the best.
    sgd_late = noise_runs["sgd"].loss[sgd_steps // 2:] - best_loss
    noise_numbers = {
        "noise_epochs": NOISE_EPOCHS, "sgd_steps": sgd_steps,
        "gd_noise_final_loss": noise_final["gd"], "sgd_noise_final_loss": noise_final["sgd"],
        "sgd_within_5pct_epoch": None if sgd_close is None else sgd_close / per_epoch,
        "gd_within_5pct_epoch": gd_close,
        "sgd_late_max_gap": float(sgd_late.max()), "sgd_late_min_gap": float(sgd_late.min()),
        "sgd_late_median_gap": float(np.median(sgd_late)),
        "gd_noise_final_gap": noise_final["gd"] - best_loss}
    noise_caption = (f"After {NOISE_EPOCHS} passes over the data the full-batch run's loss is "
                     f"{noise_final['gd']:.4f} and the mini-batch run's {noise_final['sgd']:.4f} "
                     f"(best possible {best_loss:.4f}).")

    # 2. Four optimizers on the round bowl, full batch.
    runs, _ = race()
    arrivals, ranked, summary = standings(ENTRIES, runs, best_loss, RACE_EPOCHS)
    pick = frame_epochs(RACE_EPOCHS, quality.frames, quality.hold)
    race_frames = _frames(runs, ENTRIES, [pick] * len(ENTRIES))
    caption = f"Within 1% of the best possible loss for good: {summary}."

    # 3. The narrow valley in raw units.
    v_entries, v_runs, v_best, v_threshold, v_condition = valley()
    v_arrivals, v_ranked, v_summary = standings(v_entries, v_runs, v_best, VALLEY_EPOCHS)
    pick = frame_epochs(VALLEY_EPOCHS, quality.frames, quality.hold)
    valley_frames = _frames(v_runs, v_entries, [pick] * len(v_entries))
    valley_caption = f"Within 1% of the best possible loss for good: {v_summary}."
    mm_design = np.column_stack([np.ones(rows), penguins.bill_mm])
    eigenvalues = np.linalg.eigvalsh(hessian(raw_design()[0]))

    numbers = {"steps": RACE_EPOCHS, "epochs": RACE_EPOCHS, "learning_rate": LEARNING_RATE,
               "batch_size": BATCH_SIZE, "seed": SEED, "start": list(START),
               "best_loss": best_loss, "rows": rows, "batches_per_epoch": per_epoch,
               "rows_per_epoch": per_epoch * BATCH_SIZE, **noise_numbers,
               "zscored_condition_number": condition_number(penguins.design),
               "valley_epochs": VALLEY_EPOCHS, "valley_start": list(VALLEY_START),
               "valley_best_loss": v_best, "valley_threshold": v_threshold,
               "valley_condition_number": v_condition,
               "valley_eigenvalues": [float(v) for v in eigenvalues],
               "mm_condition_number": condition_number(mm_design),
               "valley_gd_rate": v_entries[0].hyper["learning_rate"],
               "valley_gd_fraction": v_entries[0].hyper["learning_rate"] / v_threshold,
               "bill_cm_mean": float(penguins.bill_mm.mean() / 10),
               "bill_cm_std": float(penguins.bill_mm.std() / 10),
               "bill_unit": RAW_BILL_UNIT, "mass_unit": RAW_MASS_UNIT}
    for tag, entries, rs, arr in (("", ENTRIES, runs, arrivals),
                                  ("valley_", v_entries, v_runs, v_arrivals)):
        for e in entries:
            numbers[f"{tag}{e.key}_settled_epoch"] = arr[e.key]
            numbers[f"{tag}{e.key}_final_loss"] = float(rs[e.key].loss[-1])
            numbers[f"{tag}{e.key}_final_params"] = [float(v) for v in rs[e.key].final]
            numbers[f"{tag}{e.key}_learning_rate"] = e.hyper["learning_rate"]

    def optimizers(entries):
        return {e.key: {"name": e.name, **e.hyper, "mini_batches": e.stochastic}
                for e in entries}

    noise_anim = Animation(
        name="noise", title="Full batch against mini-batches, same learning rate",
        alt=(f"Left: the z-scored penguins' loss contour with two paths from intercept "
             f"{START[0]:g}, slope {START[1]:g}: full-batch gradient descent takes one "
             f"straight step per pass over the data, mini-batch SGD takes {per_epoch} "
             f"wobbly steps per pass. Right: both losses above the best, on a log scale, "
             f"by epoch. {noise_caption}"),
        make_scene=partial(race_scene, runs=[noise_runs[e.key] for e in NOISE_ENTRIES],
                           keys=[e.key for e in NOISE_ENTRIES],
                           legend=[f"{e.short}\n{e.settings}" for e in NOISE_ENTRIES],
                           frames=noise_frames, best_loss=best_loss, view=VIEW,
                           positions=noise_positions, steps_per_epoch=[1, per_epoch],
                           readout_text=partial(_noise_readout, per_epoch=per_epoch,
                                                epochs=NOISE_EPOCHS)),
        frames=noise_frames, poster_frame=len(noise_frames) - 1,
        frame_label="mini-batch step", param_names=("intercept", "slope"),
        run_names=tuple(e.short for e in NOISE_ENTRIES),
        params={"start": list(START), "epochs": NOISE_EPOCHS, "seed": SEED,
                "batch_size": BATCH_SIZE, "optimizers": optimizers(NOISE_ENTRIES)})
    race_anim = Animation(
        name="race", title=f"{len(ENTRIES)} optimizers on the round bowl, full batch",
        alt=(f"Left: the z-scored penguins' loss contour with {len(ENTRIES)} paths from "
             f"intercept {START[0]:g}, slope {START[1]:g} towards the minimum; momentum "
             f"overshoots and curls back, RMSProp and Adam set off diagonally. Right: each "
             f"run's loss above the best, on a log scale, by epoch. {caption}"),
        make_scene=partial(race_scene, runs=[runs[e.key] for e in ENTRIES],
                           keys=[e.key for e in ENTRIES],
                           legend=[f"{e.short}\n{e.settings}" for e in ENTRIES],
                           frames=race_frames, best_loss=best_loss, view=VIEW,
                           positions=[race_frames.epoch] * len(ENTRIES),
                           readout_text=partial(_epoch_readout, epochs=RACE_EPOCHS,
                                                note="all runs use all birds every step")),
        frames=race_frames, poster_frame=len(race_frames) - 1, frame_label="epoch",
        param_names=("intercept", "slope"), run_names=tuple(e.short for e in ENTRIES),
        params={"start": list(START), "epochs": RACE_EPOCHS,
                "optimizers": optimizers(ENTRIES)})
    valley_anim = Animation(
        name="valley", title="The same four in raw units: a long narrow valley",
        alt=(f"Left: the loss contour of body mass in kg against bill length in cm, a thin "
             f"diagonal valley (condition number {v_condition:,.0f}), with {len(v_entries)} "
             f"paths from intercept {VALLEY_START[0]:g}, slope {VALLEY_START[1]:g}: plain "
             f"gradient descent drops to the valley floor and then crawls along it. Right: "
             f"each run's loss above the best, on a log scale, by epoch. {valley_caption}"),
        make_scene=partial(race_scene, runs=[v_runs[e.key] for e in v_entries],
                           keys=[e.key for e in v_entries],
                           legend=[f"{e.short}\n{e.settings}" for e in v_entries],
                           frames=valley_frames, best_loss=v_best, view=VALLEY_VIEW,
                           positions=[valley_frames.epoch] * len(v_entries),
                           problem="raw", surface_width=1.5, start_label=((-12, 0), "right"),
                           labels=(f"intercept ({RAW_MASS_UNIT})",
                                        f"slope ({RAW_MASS_UNIT} per {RAW_BILL_UNIT})"),
                           readout_text=partial(_epoch_readout, epochs=VALLEY_EPOCHS,
                                                note=f"raw units, condition number "
                                                     f"{v_condition:,.0f}")),
        frames=valley_frames, poster_frame=len(valley_frames) - 1, frame_label="epoch",
        param_names=("intercept", "slope"), run_names=tuple(e.short for e in v_entries),
        params={"start": list(VALLEY_START), "epochs": VALLEY_EPOCHS,
                "units": [RAW_BILL_UNIT, RAW_MASS_UNIT], "optimizers": optimizers(v_entries)})
    # Runs that end far above where plain descent ends have not settled at their rate.
    gd_gap = max(numbers["gd_final_loss"] - best_loss, FLOOR)
    hovering = [e for e in ENTRIES[2:] if numbers[f"{e.key}_final_loss"] - best_loss > 10 * gd_gap]
    explore_stills, explore = round_bowl_explorer()
    return Chapter(numbers=numbers, animations=(noise_anim, race_anim, valley_anim),
                   stills=explore_stills,
                   context={"explorer": explore, "entries": ENTRIES, "noise_entries": NOISE_ENTRIES,
                            "arrivals": arrivals, "ranked": ranked, "caption": caption,
                            "noise_caption": noise_caption, "valley_entries": v_entries,
                            "valley_arrivals": v_arrivals, "valley_ranked": v_ranked,
                            "valley_caption": valley_caption, "hovering": hovering,
                            "gd_fractions": GD_FRACTIONS})


def _noise_readout(step: int, per_epoch: int, epochs: int) -> str:
    return (f"epoch {step / per_epoch:5.1f} of {epochs}    full batch: {step // per_epoch:2d} "
            f"steps    mini-batch: {step:3d} steps")


def _epoch_readout(step: int, epochs: int, note: str) -> str:
    return f"epoch {step:4d} of {epochs}    {note}"


def round_bowl_explorer():
    """The explorer: every optimizer (and β) over one grid of learning rates on the
    round bowl (z-scored penguins), from the race's start, for the race's epochs."""
    from gdanim.chapters.explorers import optimizer_explorer
    from gdanim.maths.data import load_penguins
    from gdanim.maths.problems import penguin_loss

    penguins = load_penguins()
    return optimizer_explorer(penguin_loss(), penguins.x, penguins.y, penguins.design,
                              START, RACE_EPOCHS, VIEW,
                              ("bill length (z-score)", "body mass (z-score)"))

