"""Homework for chapter 6: two parameters, a matrix gradient, on another column."""
from __future__ import annotations

import numpy as np

from gdanim.chapters.homework import Question, close_test, descend, number, runs_test

START = (-2.0, 0.0)         # as the page starts


def design(column: str) -> tuple[np.ndarray, np.ndarray]:
    """X = [1, z-scored column] and y = z-scored body mass, as the notebook builds them."""
    import palmerpenguins

    frame = palmerpenguins.load_penguins().dropna()
    feature = frame[column].to_numpy(dtype=float)
    mass = frame["body_mass_g"].to_numpy(dtype=float)
    x = (feature - feature.mean()) / feature.std()
    y = (mass - mass.mean()) / mass.std()
    return np.column_stack([np.ones_like(x), x]), y


def setup(column: str) -> str:
    return ("import numpy as np\n"
            "import palmerpenguins\n\n"
            "penguins = palmerpenguins.load_penguins().dropna()   # 333 complete rows\n"
            f"feature = penguins[{column!r}].to_numpy()\n"
            "mass = penguins[\"body_mass_g\"].to_numpy()\n"
            "x = (feature - feature.mean()) / feature.std()        # z-scores\n"
            "y = (mass - mass.mean()) / mass.std()\n"
            "X = np.column_stack([np.ones_like(x), x])             # [1, x]: params = "
            "[intercept, slope]")


def questions(values: dict, scenario) -> list[Question]:
    column = values["penguin_column"]
    rate, epochs = values["penguin_learning_rate"], values["penguin_epochs"]
    X, y = design(column)

    def gradient(params):
        return 2 * X.T @ (X @ params - y) / len(y)

    at_start = gradient(np.array(START))
    final = descend(gradient, START, rate, epochs)
    return [Question(
        name="q_penguins", chapter=scenario.slug, title="Two parameters",
        text=(f"Predict body mass from `{column}` (both z-scored; the page used "
              "bill length). Write `linear_gradient(params)`, the gradient of the MSE of "
              "`X @ params` as a NumPy array of two numbers, then run gradient descent from "
              f"[{START[0]:g}, {START[1]:g}] with learning rate {number(rate)} for {epochs} "
              "epochs, and leave the result in `penguin_params` ([intercept, slope])."),
        formulas=("prediction = X @ params   (params = [intercept, slope])",
                  "MSE = (1/n) Σ (X @ params − y)²",
                  "gradient = (2/n) Xᵀ (X @ params − y)",
                  "params ← params − learning rate × gradient"),
        setup=setup(column),
        solution=("def linear_gradient(params):\n"
                  "    # BEGIN SOLUTION\n"
                  "    return 2 * X.T @ (X @ params - y) / len(y)\n"
                  "    # END SOLUTION\n\n\n"
                  f"params = np.array([{START[0]!r}, {START[1]!r}])\n"
                  f"for epoch in range({epochs}):\n"
                  "    # BEGIN SOLUTION\n"
                  f"    params = params - {number(rate)} * linear_gradient(params)\n"
                  "    # END SOLUTION\n"
                  "penguin_params = params"),
        public_tests=(runs_test("gradient_runs", "linear_gradient, np",
                                "linear_gradient(np.array([-2.0, 0.0]))",
                                "linear_gradient([-2, 0])"),
                      "def test_two_numbers(linear_gradient, np):\n"
                      "    assert np.shape(linear_gradient(np.array([-2.0, 0.0]))) == (2,), "
                      "\"linear_gradient should return two numbers\"\n",
                      # z-scored y averages 0: the intercept's part is 2 × mean(−2 − y) = −4
                      close_test("intercept_part", "linear_gradient, np",
                                 "linear_gradient(np.array([-2.0, 0.0]))[0]", 2 * START[0],
                                 "linear_gradient([-2, 0])[0], the intercept's part")),
        hidden_tests=(close_test("gradient", "linear_gradient, np",
                                 "linear_gradient(np.array([-2.0, 0.0]))", at_start,
                                 "linear_gradient([-2, 0])"),
                      close_test("params", "penguin_params", "penguin_params", final,
                                 "penguin_params")),
        answers={f"linear_gradient([{START[0]:g},{START[1]:g}])": [float(v) for v in at_start],
                 "penguin_params": [float(v) for v in final]})]
