"""Homework for chapter 2: a grid search, written by hand."""
from __future__ import annotations

import numpy as np

from gdanim.chapters.homework import Question, belt_mse, belt_setup, number


def best_of_grid(points: int) -> float:
    """The grid's best multiplier; an error if two candidates tie to 1e-6 (then
    rounding, not the loss, would pick the answer)."""
    from gdanim.core.errors import GdanimError

    grid = np.linspace(0.0, 5.0, points)
    losses = np.array([belt_mse(m) for m in grid])
    order = np.argsort(losses)
    if points > 1 and losses[order[1]] - losses[order[0]] <= 1e-6 * losses[order[0]]:
        raise GdanimError(f"'homework.grid_points': with {points} points two candidates "
                          f"({grid[order[0]]:g} and {grid[order[1]]:g}) have the same loss "
                          f"to rounding; choose another number of points")
    return float(grid[order[0]])


def questions(values: dict, scenario) -> list[Question]:
    points = values["grid_points"]
    best = best_of_grid(points)
    return [Question(
        name="q_grid", chapter=scenario.slug, title="Grid search",
        text=(f"Try {points} evenly spaced multipliers from 0 to 5 (`np.linspace(0, 5, "
              f"{points})`), compute the loss of each with your `mse`, and set `best` to the "
              "multiplier with the lowest loss."),
        formulas=("candidates: np.linspace(0, 5, N) gives N evenly spaced numbers",
                  "best = the candidate whose MSE is smallest (np.argmin gives its position)"),
        setup=belt_setup(),
        solution=(f"candidates = np.linspace(0, 5, {points})\n"
                  "# BEGIN SOLUTION\n"
                  "losses = [mse(m) for m in candidates]\n"
                  "best = candidates[np.argmin(losses)]\n"
                  "# END SOLUTION"),
        public_tests=("def test_on_grid(best, candidates):\n"
                      "    import numpy as np\n"
                      "    assert np.any(np.isclose(candidates, best, rtol=0, atol=1e-9)), "
                      "\"best should be one of the candidates\"\n",),
        hidden_tests=("def test_best(best):\n"
                      f"    assert abs(float(best) - {number(best)}) < 1e-9, "
                      "\"best is not the candidate with the lowest loss\"\n",),
        answers={"best": best})]
