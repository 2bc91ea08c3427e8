"""Chapter: beyond plain gradient descent, as three questions, each answered fairly.

Every optimizer runs over the same log grid of learning rates (one compiled sweep per
optimizer, `maths.sweeps`), and each is raced at its own best rate from that grid. A run
has arrived when its loss is within 1% of the best possible loss *and* its parameters are
within 1% (relative distance) of the least-squares answer, and both stay so to the end.
Every claim the page makes about a run is recomputed in float64 (`maths.recheck`, plain
NumPy) and compared with the float32 runs the figures show; where the two disagree by
more than TOLERANCE the page says so.

1. Optimizer: gradient descent, momentum, RMSProp and Adam on the z-scored penguins (a
   round bowl).
2. The narrow valley: the same four on the penguins in raw units (cm and kg).

(Mini-batches against the full batch are the chapter before, `chapters/mini_batches`.)"""
from __future__ import annotations


import numpy as np

from gdanim.chapters import scenario
from gdanim.chapters.optimizers import race
from gdanim.chapters.optimizers.race import finish_line, ranked
from gdanim.core.config import Quality
from gdanim.core import text
from gdanim.core.values import Animation, Chapter, FrameTable, Still
from gdanim.maths import verdicts

START = (-2.0, 0.0)
# The shared grid: six rates per decade from 0.001 to 10 (25 rates).
RATES = 10 ** np.linspace(-3, 1, 25)
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
    """Two "from epoch N" claims agree (`verdicts.close`: within 2 epochs or 1%)."""
    return verdicts.close(epoch32, epoch64)


TOLERANCE = verdicts.SLACK




def _race_animation(name, title, where, entries, epochs, quality, best_loss, view, note,
                    **scene):
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
        alt=(f"{where} Left: the loss contour with {len(order)} paths from intercept {START[0]:g}, "
             f"slope {START[1]:g}. Right, top: each run's loss above the best; bottom: its "
             f"distance from the least-squares answer, both on log scales by epoch. "
             f"{caption}"),
        make_scene=partial(race_scene, runs=[e.run for e in order],
                           keys=[e.key for e in order],
                           legend=[f"{e.name}\nη {text.rate(e.rate)} (its best)" for e in order],
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


def _tuning_still(name, label, entries, epochs):
    from functools import partial

    from gdanim.chapters.optimizers.scenes import tuning_figure

    best = {k: e.best for k, e in entries.items()}
    lines = []
    for e in entries.values():
        ok = int((e.arrived >= 0).sum())
        gone = int((e.diverged >= 0).sum())
        when = f"from epoch {text.count(e.at)}" if e.at is not None else "never"
        lines.append(f"{e.name}: arrives at {ok} of {len(RATES)} rates, diverges at {gone}; "
                     f"raced at η {text.rate(e.rate)} (arrives {when})")
    return Still(name, (f"{label}: epochs to arrive against the learning rate, both on log "
                        f"scales, for {len(RATES)} rates from {RATES[0]:g} to {RATES[-1]:g}. "
                        + "; ".join(lines) + "."),
                 partial(tuning_figure, rates=RATES,
                         sweeps={k: (e.arrived, e.diverged) for k, e in entries.items()},
                         names={k: e.name for k, e in entries.items()}, best=best,
                         epochs=epochs, title=f"{label}: how fast, and how touchy about η"))


@scenario("optimizers", "Optimizers: momentum, RMSProp and Adam",
          "Four rules for turning a gradient into a step, each at its own best learning "
          "rate: on a round bowl and in a long narrow valley.")
def run(quality: Quality) -> Chapter:
    from gdanim.maths import recheck
    from gdanim.maths.data import load_penguins
    from gdanim.maths.milestones import divergence_threshold
    from gdanim.maths.problems import (RAW_BILL_UNIT, RAW_MASS_UNIT, condition_number,
                                       hessian, least_squares, penguin_loss, raw_design,
                                       raw_loss)

    penguins = load_penguins()
    X, y = penguins.design, penguins.y
    rows = len(y)
    bowl = race.tuned_race(penguin_loss(), X, y, BOWL_EPOCHS, RATES, START, BETAS, NAMES)
    Xr, yr = raw_design()
    valley = race.tuned_race(raw_loss(), Xr, yr, VALLEY_EPOCHS, RATES, START, BETAS, NAMES)
    best_loss = least_squares(X, y)[1]
    v_best = least_squares(Xr, yr)[1]

    # The two races, and how touchy each optimizer is.
    race_anim, caption = _race_animation(
        "race", f"{len(bowl)} optimizers on the round bowl, each at its best rate",
        "On the z-scored penguins the loss is a round bowl.", bowl,
        BOWL_EPOCHS, quality, best_loss, VIEW, "z-scored; each at its own best η")
    valley_anim, valley_caption = _race_animation(
        "valley", "The same four in raw units: a long narrow valley",
        f"With the penguins in raw units ({RAW_BILL_UNIT} and {RAW_MASS_UNIT}) the loss is a "
        f"long narrow valley, steep across and almost flat along.", valley, VALLEY_EPOCHS,
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
               "rmsprop_decay": BETAS["rmsprop"],
               "adam_b2": recheck.ADAM_B2, "rate_low": float(RATES[0]),
               "rate_high": float(RATES[-1]), "rate_count": len(RATES),
               "rates_per_decade": int(round((len(RATES) - 1) / np.log10(RATES[-1] / RATES[0]))),
               "epochs": BOWL_EPOCHS,
               "start": list(START), "best_loss": best_loss, "rows": rows,
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
               **race.numbers("bowl_", bowl), **race.numbers("valley_", valley)}
    doubts = race.doubts("Round bowl", bowl) + race.doubts("Narrow valley", valley)
    order_doubts = (race.order_doubts("Round bowl", bowl)
                    + race.order_doubts("Narrow valley", valley))
    # "The order of arrival is the same in 64-bit" is said only if it is, in every way.
    numbers["ranking_holds"] = not order_doubts
    for tag, entries in (("bowl_", bowl), ("valley_", valley)):
        numbers[f"{tag}ranking_holds"] = not race.order_doubts("", entries)
    numbers["claims_settled"] = not doubts and not order_doubts
    explore_stills, explore = round_bowl_explorer(numbers["bowl_gd_rate"], bowl, valley)
    return Chapter(numbers=numbers, animations=(race_anim, valley_anim),
                   stills=stills + explore_stills,
                   context={"explorer": explore, "bowl": bowl, "valley": valley, "ranked": ranked(bowl),
                            "valley_ranked": ranked(valley), "caption": caption,
                            "valley_caption": valley_caption,
                            "doubts": doubts, "order_doubts": order_doubts,
                            "tolerance": TOLERANCE, "names": NAMES,
                            "arrival_cell": race.arrival_cell, "check_cell": race.check_cell,
                            "ways": race.WAYS})


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
