"""Chapter: what the learning rate does. The same descent at four learning rates, set
relative to the computed divergence threshold, on the belt (1-D) and the penguins (2-D)."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from gdanim.core.config import Quality
from gdanim.chapters import Setting, scenario
from gdanim.core.values import Animation, Chapter, FrameTable
from gdanim.core import text
from gdanim.core.text import decimal
from gdanim.maths import verdicts

EPOCHS = 40
# Learning rate as a fraction of the threshold 2/λmax, and what that fraction does.
# "zig-zags", not "oscillates": that is the verdict for a run that never settles (the
# glossary), and this one does, landing closer at every jump.
REGIMES = (("too small", 0.02), ("about right", 0.25), ("zig-zags", 0.9),
           ("diverges", 1.1))
BELT_START, PENGUIN_START = 0.0, (-2.0, 0.0)
BELT_VIEW = (-4.0, 9.0)                         # multiplier range on the plot
PENGUIN_VIEW = ((-10.5, 10.5), (-4.5, 5.5))     # (intercept range, slope range): wide
# enough that, drawn with equal scales, the round bowl fills a wide panel
# What gdanim.toml may change ([chapters.learning-rates]).
SETTINGS = (Setting("epochs", int, EPOCHS, 10, 500, "steps of every run"),)


@dataclass(frozen=True)
class RateRun:
    regime: str
    learning_rate: float
    params: np.ndarray        # frozen where the run left the plot
    loss: np.ndarray          # frozen where the run left the plot (for the picture)
    left_plot: int | None     # first epoch outside the plot or non-finite
    true_loss: np.ndarray     # the run's real loss at every epoch
    verdict: object           # maths.verdicts.Verdict: what "diverged" means, once

    @property
    def diverged_at(self) -> int | None:
        """The epoch it diverged from (verdicts: from then on worse than its start and
        only growing), or None."""
        return self.verdict.epoch if self.verdict.kind == "diverges" else None

    @property
    def final_loss(self) -> float:
        return float(self.true_loss[-1])

    @property
    def label(self) -> str:
        return f"η = {decimal(self.learning_rate)}: {self.regime}"


def fate(r: RateRun, epochs: int) -> str:
    """A diverged run in words, the same on the page, in captions and in the deck."""
    where = (f"; it left the plot at epoch {text.count(r.left_plot)}"
             if r.left_plot is not None else "")
    return (f"diverged from epoch {text.count(r.diverged_at)} (worse than its start from "
            f"then on{where}); loss {text.number(r.final_loss)} at epoch {text.count(epochs)}")


def round_rate(value: float) -> float:
    """Two significant figures: the label and the run use the same number."""
    return float(f"{value:.2g}")


def sweep(loss, start, threshold: float, low, high, epochs: int = EPOCHS) -> list[RateRun]:
    """Gradient descent at each regime's learning rate; diverging runs are frozen at the
    last epoch still on the plot."""
    from gdanim.maths.milestones import first_exit, freeze_after
    from gdanim.maths.train import gradient_descent

    runs = []
    for regime, fraction in REGIMES:
        rate = round_rate(fraction * threshold)
        run = gradient_descent(loss, start, rate, epochs)
        exit_row = first_exit(run.params, low, high)
        runs.append(RateRun(regime, rate, freeze_after(run.params, exit_row),
                            freeze_after(run.loss, exit_row), exit_row,
                            np.asarray(run.loss, dtype=float),
                            verdicts.verdict(run.loss, run.params)))
    return runs


@scenario("learning-rates", "Choosing a learning rate",
          "Too small crawls, too big bounces or blows up: the threshold is 2 over the "
          "steepest curvature.", SETTINGS)
def run(quality: Quality, epochs: int = EPOCHS) -> Chapter:
    from functools import partial

    from gdanim.maths.milestones import divergence_threshold
    from gdanim.maths.data import BELT_INCHES, load_penguins
    from gdanim.maths.problems import BELT_LESSON_RATE as LESSON_RATE, belt_loss, penguin_loss
    from gdanim.figures.schedule import even_frames
    from gdanim.chapters.learning_rates.scenes import rates_belt_scene, rates_penguin_scene

    penguins = load_penguins()
    belt_threshold = divergence_threshold(BELT_INCHES)
    penguin_threshold = divergence_threshold(penguins.design)
    belt_runs = sweep(belt_loss(), BELT_START, belt_threshold, *BELT_VIEW, epochs)
    penguin_runs = sweep(penguin_loss(), PENGUIN_START, penguin_threshold,
                         [PENGUIN_VIEW[0][0], PENGUIN_VIEW[1][0]],
                         [PENGUIN_VIEW[0][1], PENGUIN_VIEW[1][1]], epochs)

    numbers = {"belt_threshold": belt_threshold, "penguin_threshold": penguin_threshold,
               "lesson_rate": LESSON_RATE, "threshold_over_lesson_rate": belt_threshold / LESSON_RATE,
               "belt_curvature": 2 / belt_threshold, "penguin_curvature": 2 / penguin_threshold,
               "epochs": epochs}
    for tag, runs in (("belt", belt_runs), ("penguin", penguin_runs)):
        for r in runs:
            key = tag + "_" + r.regime.replace(" ", "_").replace("-", "")
            numbers[f"{key}_rate"] = r.learning_rate
            numbers[f"{key}_final_loss"] = r.final_loss
            numbers[f"{key}_diverged_at"] = r.diverged_at
            numbers[f"{key}_left_plot_at"] = r.left_plot
            numbers[f"{key}_loss_when_diverged"] = (None if r.diverged_at is None else
                                                   float(r.true_loss[r.diverged_at]))
    pick = even_frames(epochs + 1, quality.sweep_frames(epochs + 1),
                       quality.hold)
    fps = max(4, quality.fps // 3)
    animations = []
    for name, runs, make, threshold, view, what in (
            ("belt", belt_runs, rates_belt_scene, belt_threshold, BELT_VIEW,
             "the belt multiplier on its loss curve"),
            ("penguins", penguin_runs, rates_penguin_scene, penguin_threshold, PENGUIN_VIEW,
             "the penguin line's intercept and slope on the loss contour")):
        frames = FrameTable(epoch=pick, loss=np.stack([r.true_loss[pick] for r in runs], axis=1),
                            params=np.stack([r.params[pick].reshape(len(pick), -1)
                                             for r in runs], axis=1))
        fates = "; ".join(
            f"{r.label}, " + (fate(r, epochs) if r.diverged_at is not None
                              else f"loss {text.number(r.final_loss)} after {epochs} epochs")
            for r in runs)
        animations.append(Animation(
            name=name, title=f"{len(runs)} learning rates: {what}",
            alt=f"{len(runs)} panels, one per learning rate, each showing {what} over "
                f"{epochs} epochs: {fates}.",
            make_scene=partial(make, runs=runs, frames=frames, threshold=threshold,
                               view=view),
            frames=frames, poster_frame=len(frames) - 1, fps=fps,
            param_names=("multiplier",) if name == "belt" else ("intercept", "slope"),
            run_names=tuple(f"η {decimal(r.learning_rate)}" for r in runs),
            left_plot=tuple(r.left_plot for r in runs),
            params={"epochs": epochs, "learning_rates": [r.learning_rate for r in runs],
                    "start": list(np.atleast_1d(runs[0].params[0]).astype(float))}))
    from gdanim.chapters.explorers import belt_explorer

    explore_stills, explore = belt_explorer(LESSON_RATE, BELT_START, epochs)
    return Chapter(numbers=numbers, animations=tuple(animations), stills=explore_stills,
                   context={"belt_runs": belt_runs, "penguin_runs": penguin_runs,
                            "regimes": REGIMES, "explorer": explore,
                            "fate": fate})
