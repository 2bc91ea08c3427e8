"""Homework for chapter 3: the gradient of the loss, from its formula."""
from __future__ import annotations

from gdanim.chapters.homework import (Question, belt_gradient, belt_setup, close_test,
                                      number)


def questions(values: dict, scenario) -> list[Question]:
    at = values["slope_at"]
    return [Question(
        name="q_gradient", chapter=scenario.slug, title="The gradient of the loss",
        text=("Write `gradient(multiplier)`: the derivative of the MSE with respect to the "
              "multiplier, from the formula below (no JAX needed). Then set `slope_at` to "
              f"the gradient at the multiplier {number(at)}. Its sign says which way the loss "
              "goes there: positive, it rises as the multiplier grows; negative, it falls."),
        formulas=("MSE(m) = (1/n) Σ (m xᵢ − yᵢ)²",
                  "d MSE / dm = (1/n) Σ 2 (m xᵢ − yᵢ) xᵢ"),
        setup=belt_setup(),
        solution=("def gradient(multiplier):\n"
                  "    # BEGIN SOLUTION\n"
                  "    return np.mean(2 * (multiplier * inches - cm) * inches)\n"
                  "    # END SOLUTION\n\n\n"
                  f"slope_at = gradient({number(at)})"),
        public_tests=(close_test("page_slope", "gradient", "gradient(1.7)", belt_gradient(1.7),
                                 "gradient(1.7)"),),
        hidden_tests=(close_test("slope", "slope_at", "slope_at", belt_gradient(at),
                                 "slope_at"),
                      close_test("other", "gradient", "gradient(3.0)", belt_gradient(3.0),
                                 "gradient(3.0)")),
        answers={"slope_at": belt_gradient(at)})]
