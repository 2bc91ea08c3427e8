"""Homework for chapter 7: the divergence threshold and a learning-rate sweep."""
from __future__ import annotations

import numpy as np

from gdanim.chapters.homework import (Question, belt_gradient, belt_mse, belt_setup,
                                      close_test, descend, number)


def questions(values: dict, scenario) -> list[Question]:
    from gdanim.maths.data import BELT_INCHES

    rates, epochs = values["sweep_rates"], values["sweep_epochs"]
    threshold = float(2 / (2 * np.mean(BELT_INCHES ** 2)))
    with np.errstate(over="ignore", invalid="ignore"):
        improves = [bool(belt_mse(float(descend(belt_gradient, 0.0, r, epochs))) < belt_mse(0.0))
                   for r in rates]
    return [Question(
        name="q_sweep", chapter=scenario.slug, title="A learning-rate sweep",
        text=("Compute `threshold`, the largest learning rate at which descent on the belt "
              "loss does not blow up (2 divided by the loss's curvature). Then, for each "
              f"rate in `sweep_rates`, run your `descend` from 0.0 for {epochs} epochs and "
              "append to `improves` whether the loss ended lower than it started (`True`) "
              "or not (`False`). Compare with `threshold`: the rates that do not improve "
              "should be exactly the ones past it."),
        formulas=("curvature of the MSE = d² MSE / dm² = (2/n) Σ xᵢ²",
                  "threshold = 2 / curvature",
                  "improves: MSE(after the run) < MSE(start)"),
        setup=belt_setup(),
        solution=(f"sweep_rates = {number(rates)}\n"
                  "# BEGIN SOLUTION\n"
                  "threshold = 2 / (2 * np.mean(inches ** 2))\n"
                  "# END SOLUTION\n"
                  "improves = []\n"
                  "for rate in sweep_rates:\n"
                  "    # BEGIN SOLUTION\n"
                  f"    final = descend(0.0, rate, {epochs})\n"
                  "    improves.append(bool(mse(final) < mse(0.0)))\n"
                  "    # END SOLUTION"),
        public_tests=("def test_one_each(improves, sweep_rates):\n"
                      "    assert len(improves) == len(sweep_rates), "
                      "\"improves should hold one True or False per rate\"\n",),
        hidden_tests=(close_test("threshold", "threshold", "threshold", threshold,
                                 "threshold"),
                      "def test_improves(improves):\n"
                      f"    assert [bool(s) for s in improves] == {number(improves)}, "
                      "\"improves is wrong for at least one rate\"\n"),
        answers={"threshold": threshold, "improves": improves})]
