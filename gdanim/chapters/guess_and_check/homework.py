"""Homework for chapter 1: write the loss (mean squared error) and score a guess."""
from __future__ import annotations

from gdanim.chapters.homework import Question, belt_mse, belt_setup, close_test, number


def questions(values: dict, scenario) -> list[Question]:
    guess = values["guess"]
    page_guess = 1.5
    return [Question(
        name="q_loss", chapter=scenario.slug, title="The loss of a guess",
        text=("Write `mse(multiplier)`: the mean squared error of the model "
              "`cm = multiplier × inches` on the belt chart. Then set `mse_at_guess` to "
              f"the loss of the guess {number(guess)}."),
        formulas=("error of a belt = multiplier × inches − cm",
                  "MSE = the mean of the squared errors = (1/n) Σ (multiplier × xᵢ − yᵢ)²,"
                  " where xᵢ is belt i's inches, yᵢ its cm and n the number of belts"),
        setup=belt_setup(),
        solution=("def mse(multiplier):\n"
                  "    \"\"\"The mean squared error of cm = multiplier × inches.\"\"\"\n"
                  "    # BEGIN SOLUTION\n"
                  "    errors = multiplier * inches - cm\n"
                  "    return np.mean(errors ** 2)\n"
                  "    # END SOLUTION\n\n\n"
                  f"mse_at_guess = mse({number(guess)})"),
        public_tests=(close_test("page_guess", "mse", f"mse({page_guess!r})",
                                 belt_mse(page_guess), f"mse({page_guess!r})"),),
        hidden_tests=(close_test("guess", "mse_at_guess", "mse_at_guess", belt_mse(guess),
                                 "mse_at_guess"),
                      close_test("other", "mse", "mse(3.0)", belt_mse(3.0), "mse(3.0)")),
        answers={"mse_at_guess": belt_mse(guess)})]
