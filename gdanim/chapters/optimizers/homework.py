"""Homework for chapter 9: an optimizer from its formula (momentum)."""
from __future__ import annotations

from gdanim.chapters.homework import (Question, belt_gradient, belt_setup, close_test,
                                      descend, number)


def momentum_run(start: float, rate: float, beta: float, epochs: int) -> float:
    multiplier, velocity = start, 0.0
    for _ in range(epochs):
        velocity = beta * velocity + belt_gradient(multiplier)
        multiplier = multiplier - rate * velocity
    return float(multiplier)


def questions(values: dict, scenario) -> list[Question]:
    rate, beta, epochs = values["learning_rate"], values["momentum"], values["momentum_epochs"]
    final = momentum_run(0.0, rate, beta, epochs)
    call = f"momentum_descent(0.0, {number(rate)}, {number(beta)}, {epochs})"
    return [Question(
        name="q_momentum", chapter=scenario.slug, title="Momentum from its formula",
        text=("Write `momentum_descent(start, learning_rate, beta, epochs)`: gradient "
              "descent with momentum on the belt loss, from the formulas below (the "
              "velocity starts at 0). Return the last multiplier, and set "
              f"`momentum_final` to `{call}`. With beta = 0 it is plain gradient descent: "
              "the first check below uses that; the second takes two steps with beta = 0.5."),
        formulas=("velocity ← β × velocity + gradient(multiplier)",
                  "multiplier ← multiplier − learning rate × velocity"),
        setup=belt_setup(),
        solution=("def momentum_descent(start, learning_rate, beta, epochs):\n"
                  "    multiplier, velocity = start, 0.0\n"
                  "    for epoch in range(epochs):\n"
                  "        # BEGIN SOLUTION\n"
                  "        velocity = beta * velocity + gradient(multiplier)\n"
                  "        multiplier = multiplier - learning_rate * velocity\n"
                  "        # END SOLUTION\n"
                  "    return multiplier\n\n\n"
                  f"momentum_final = {call}"),
        public_tests=(close_test("plain", "momentum_descent",
                                 "momentum_descent(0.0, 1e-05, 0.0, 50)",
                                 float(descend(belt_gradient, 0.0, 1e-5, 50)),
                                 "momentum_descent(0.0, 1e-05, 0.0, 50)"),
                      close_test("two_steps", "momentum_descent",
                                 "momentum_descent(0.0, 1e-05, 0.5, 2)",
                                 momentum_run(0.0, 1e-5, 0.5, 2),
                                 "momentum_descent(0.0, 1e-05, 0.5, 2)")),
        hidden_tests=(close_test("final", "momentum_final", "momentum_final", final,
                                 "momentum_final"),
                      close_test("other", "momentum_descent",
                                 "momentum_descent(4.0, 1e-05, 0.5, 20)",
                                 momentum_run(4.0, 1e-5, 0.5, 20),
                                 "momentum_descent(4.0, 1e-05, 0.5, 20)")),
        answers={"momentum_final": final})]
