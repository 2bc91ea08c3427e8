"""Chapter 1: guess a multiplier, draw its line, and score it with one number (MSE)."""
from __future__ import annotations

import numpy as np

from gdanim.core.config import Quality
from gdanim.chapters import scenario
from gdanim.core.values import Chapter, Still

GUESSES = (1.5, 1.7)


def key(guess: float) -> str:
    return str(guess).replace(".", "_")


@scenario("guess-and-check", "Guess and check",
          "Guess how many cm are in an inch, draw the line, and measure how wrong it is.")
def run(quality: Quality) -> Chapter:
    from functools import partial

    from gdanim.maths.data import BELT_CM, BELT_INCHES, BELT_WAIST
    from gdanim.chapters.guess_and_check.scenes import guesses_figure

    # Plain NumPy, float64: the lesson's first numbers come before any JAX.
    errors = {g: g * BELT_INCHES - BELT_CM for g in GUESSES}
    mse = {g: float(np.mean(errors[g] ** 2)) for g in GUESSES}
    numbers = {f"mse_at_{key(g)}": mse[g] for g in GUESSES}
    numbers.update({f"errors_at_{key(g)}": [float(e) for e in errors[g]] for g in GUESSES})
    numbers["rows"] = len(BELT_INCHES)
    rows = [{"waist": int(w), "inches": float(i), "cm": float(c),
             **{f"error_{key(g)}": float(errors[g][k]) for g in GUESSES}}
            for k, (w, i, c) in enumerate(zip(BELT_WAIST, BELT_INCHES, BELT_CM))]
    still = Still("guesses",
                  f"The ten belts as dots (inches across, cm up) with the lines cm = "
                  f"{GUESSES[0]} × inches and cm = {GUESSES[1]} × inches, both below every "
                  f"dot; beside them, bars of each belt's error, all negative. MSE is "
                  f"{mse[GUESSES[0]]:,.4f} for {GUESSES[0]} and {mse[GUESSES[1]]:,.4f} for "
                  f"{GUESSES[1]}.",
                  partial(guesses_figure, guesses=mse))
    return Chapter(numbers=numbers, stills=(still,),
                   context={"rows": rows, "guesses": GUESSES})
