"""Homework for chapter 4: the update loop of gradient descent."""
from __future__ import annotations

from gdanim.chapters.homework import (Question, belt_gradient, belt_setup, close_test,
                                      descend, number)


def belt_descent(start: float, rate: float, epochs: int) -> float:
    return float(descend(belt_gradient, start, rate, epochs))


def questions(values: dict, scenario) -> list[Question]:
    start, rate, epochs = values["start"], values["learning_rate"], values["epochs"]
    final = belt_descent(start, rate, epochs)
    call = f"descend({number(start)}, {number(rate)}, {epochs})"
    return [Question(
        name="q_descent", chapter=scenario.slug, title="The update loop",
        text=("Write `descend(start, learning_rate, epochs)`: start at `start`, and "
              "`epochs` times step against the gradient (use your `gradient`). Return the "
              f"last multiplier. Then set `final_multiplier` to `{call}`."),
        formulas=("new multiplier = multiplier − learning rate × gradient(multiplier)",),
        setup=belt_setup(),
        solution=("def descend(start, learning_rate, epochs):\n"
                  "    multiplier = start\n"
                  "    # BEGIN SOLUTION\n"
                  "    for epoch in range(epochs):\n"
                  "        multiplier = multiplier - learning_rate * gradient(multiplier)\n"
                  "    # END SOLUTION\n"
                  "    return multiplier\n\n\n"
                  f"final_multiplier = {call}"),
        public_tests=(close_test("page_run", "descend", "descend(0.0, 1e-05, 1000)",
                                 belt_descent(0.0, 1e-5, 1000), "descend(0.0, 1e-05, 1000)"),),
        hidden_tests=(close_test("final", "final_multiplier", "final_multiplier", final,
                                 "final_multiplier"),
                      close_test("short", "descend", f"descend(4.0, {number(rate)}, 5)",
                                 belt_descent(4.0, rate, 5),
                                 f"descend(4.0, {number(rate)}, 5)")),
        answers={"final_multiplier": final})]
