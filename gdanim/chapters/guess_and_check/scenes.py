"""Figures for the guess-and-check chapter: two guessed lines against the belt chart."""
from __future__ import annotations

import numpy as np

from gdanim.core.config import Quality
from gdanim.maths.data import BELT_CM, BELT_INCHES
from gdanim.figures.scenes import BLUE, DATA, ORANGE, new_figure
from gdanim.figures.scenes.belt import INCH_RANGE, belt_axes


def guesses_figure(quality: Quality, guesses: dict[float, float]):
    """The data with each guessed line and its errors; bars of the errors per belt."""
    fig = new_figure(quality, readout_band=False)
    left, right = fig.subplots(1, 2, width_ratios=[1.15, 1])
    belt_axes(left, "Two guesses against the chart")
    width = 0.38
    for k, ((guess, mse), colour) in enumerate(zip(guesses.items(), [ORANGE, BLUE])):
        predicted = guess * BELT_INCHES
        left.plot(INCH_RANGE, guess * INCH_RANGE, color=colour, label=f"cm = {guess} × inches")
        left.vlines(BELT_INCHES + (k - 0.5) * 0.3, predicted, BELT_CM, color=colour, lw=1.5,
                    ls=":")
        errors = predicted - BELT_CM
        right.bar(np.arange(len(errors)) + (k - 0.5) * width, errors, width, color=colour,
                  label=f"guess {guess}: MSE {mse:,.4f}")
    left.legend(loc="upper left")
    right.axhline(0, color=DATA, lw=1)
    right.set(xticks=range(len(BELT_INCHES)), xticklabels=[f"{v:g}" for v in BELT_INCHES],
              xlabel="belt length (inches)", ylabel="error: guess − chart (cm)",
              title="Every guess falls short", ylim=(-62, 8))
    right.tick_params(axis="x", labelsize=11, rotation=45)
    right.legend(loc="lower left")
    return fig
