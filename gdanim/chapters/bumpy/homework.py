"""Homework for chapter 10: the tanh network's loss and gradient, then gradient descent
from the homework's own start, and which valley it ends in.

The valley is asked only when the run ends within LANDED (1%) of a minimum in float64,
so no rounding decides it; the final weights are checked to the usual tolerance."""
from __future__ import annotations

import numpy as np

from gdanim.chapters.homework import Question, close_test, number

PAGE_START = (2.5, -1.0)        # the page's start B, run as the page runs it
OTHER = (-0.5, 1.0)             # a second point for the hidden checks
VALLEYS = {"+": "positive", "-": "negative"}


def setup() -> str:
    return ("import numpy as np\n"
            "import palmerpenguins\n\n"
            "penguins = palmerpenguins.load_penguins().dropna()   # 333 complete rows\n"
            "bill = penguins[\"bill_length_mm\"].to_numpy()\n"
            "mass = penguins[\"body_mass_g\"].to_numpy()\n"
            "bill_z = (bill - bill.mean()) / bill.std()             # z-scores, as on the page\n"
            "mass_z = (mass - mass.mean()) / mass.std()")


def run(start, rate: float, epochs: int) -> np.ndarray:
    """Plain gradient descent on the network's loss in float64: the last [w1, w2]."""
    from gdanim.chapters.bumpy.chapter import descend64

    with np.errstate(over="ignore", invalid="ignore"):
        return descend64([start], rate, epochs)[0, -1]


def landing(start, rate: float, epochs: int) -> tuple[np.ndarray, str]:
    """The run's last weights and its valley ('positive' or 'negative'); an error naming
    the settings if it does not end within 1% of a minimum (then which valley would be
    decided by how far it got, or by rounding)."""
    from gdanim.chapters.bumpy.chapter import LANDED, where_it_lands
    from gdanim.core.errors import GdanimError
    from gdanim.maths import bumpy

    plus = bumpy.minimum((1.0, 1.0))
    final = run(start, rate, epochs)
    tag = where_it_lands(final, (plus, -plus))
    if tag not in VALLEYS:
        raise GdanimError(
            f"'homework.bumpy_start', 'homework.bumpy_learning_rate', 'homework.bumpy_epochs': "
            f"from {number(list(start))} with learning rate {number(rate)} for {epochs} "
            f"epochs the run does not end within {LANDED:.0%} of either minimum "
            f"(it ends at {number(list(final))}), so which valley it is in is not settled; "
            f"choose more epochs, another learning rate or another start")
    return final, VALLEYS[tag]


def questions(values: dict, scenario) -> list[Question]:
    from gdanim.chapters.bumpy.chapter import RATE, EPOCHS
    from gdanim.maths import bumpy

    start = tuple(float(v) for v in values["bumpy_start"])
    rate, epochs = values["bumpy_learning_rate"], values["bumpy_epochs"]
    final, valley = landing(start, rate, epochs)
    plus = bumpy.minimum((1.0, 1.0))
    loss_at_start = float(bumpy.loss(np.array(start)))
    gradient_at_start = [float(v) for v in bumpy.gradient(np.array(start))]
    w1, w2 = (number(v) for v in start)
    m1, m2 = (number(float(v)) for v in plus)
    page_final = run(PAGE_START, RATE, EPOCHS)
    call = f"descend_network({w1}, {w2}, {number(rate)}, {epochs})"
    crossing = (": the signs of this start differ, so the run must cross an axis first"
                if start[0] * start[1] < 0 else "")
    network = Question(
        name="q_network", chapter=scenario.slug, title="The smallest network's loss and gradient",
        text=("The network predicts a penguin's z-scored body mass from its z-scored bill "
              "length as `w2 × tanh(w1 × x)`. Write `network_loss(w1, w2)`, its mean squared "
              "error on `bill_z` and `mass_z`, and `network_gradient(w1, w2)`, the two "
              "derivatives from the formulas below as a NumPy array `[d loss / d w1, d loss / "
              f"d w2]`. Then set `loss_at_start` and `gradient_at_start` to both at w1 = {w1}, "
              f"w2 = {w2}."),
        formulas=("prediction = w2 × tanh(w1 × x),   error = prediction − y",
                  "loss = (1/n) Σ errorᵢ²",
                  "d tanh(z) / dz = 1 − tanh(z)²",
                  "d loss / d w1 = (1/n) Σ 2 × errorᵢ × w2 × (1 − tanh(w1 xᵢ)²) × xᵢ",
                  "d loss / d w2 = (1/n) Σ 2 × errorᵢ × tanh(w1 xᵢ)"),
        setup=setup(),
        solution=("def network_loss(w1, w2):\n"
                  "    # BEGIN SOLUTION\n"
                  "    errors = w2 * np.tanh(w1 * bill_z) - mass_z\n"
                  "    return np.mean(errors ** 2)\n"
                  "    # END SOLUTION\n\n\n"
                  "def network_gradient(w1, w2):\n"
                  "    # BEGIN SOLUTION\n"
                  "    t = np.tanh(w1 * bill_z)\n"
                  "    errors = w2 * t - mass_z\n"
                  "    d_w1 = np.mean(2 * errors * w2 * (1 - t ** 2) * bill_z)\n"
                  "    d_w2 = np.mean(2 * errors * t)\n"
                  "    return np.array([d_w1, d_w2])\n"
                  "    # END SOLUTION\n\n\n"
                  f"loss_at_start = network_loss({w1}, {w2})\n"
                  f"gradient_at_start = network_gradient({w1}, {w2})"),
        public_tests=(close_test("saddle_loss", "network_loss", "network_loss(0.0, 0.0)",
                                 float(bumpy.loss(np.zeros(2))), "network_loss(0, 0)"),
                      close_test("minimum_loss", "network_loss", f"network_loss({m1}, {m2})",
                                 float(bumpy.loss(plus)), "the loss at the positive minimum"),
                      close_test("minimum_flat", "network_gradient",
                                 f"network_gradient({m1}, {m2})", [0.0, 0.0],
                                 "the gradient at the positive minimum")),
        hidden_tests=(close_test("loss", "loss_at_start", "loss_at_start", loss_at_start,
                                 "loss_at_start"),
                      close_test("gradient", "gradient_at_start", "gradient_at_start",
                                 gradient_at_start, "gradient_at_start"),
                      close_test("other", "network_gradient",
                                 f"network_gradient({number(OTHER[0])}, {number(OTHER[1])})",
                                 bumpy.gradient(np.array(OTHER)),
                                 f"network_gradient({number(OTHER[0])}, {number(OTHER[1])})")),
        answers={"loss_at_start": loss_at_start, "gradient_at_start": gradient_at_start})
    descent = Question(
        name="q_valley", chapter=scenario.slug, title="Which valley?",
        text=("Write `descend_network(w1, w2, learning_rate, epochs)`: gradient descent on "
              "the network's loss with your `network_gradient`, moving both weights at once, "
              "`epochs` times. Return the last weights as `np.array([w1, w2])`. Set "
              f"`network_final` to `{call}`{crossing}. Then set `valley` to "
              "`\"positive\"` if it ends in the valley where both weights are positive, "
              "`\"negative\"` if both are negative."),
        formulas=("g = network_gradient(w1, w2)   (both from the same, old weights)",
                  "w1 ← w1 − learning rate × g[0],   w2 ← w2 − learning rate × g[1]"),
        setup=setup(),
        solution=("def descend_network(w1, w2, learning_rate, epochs):\n"
                  "    for epoch in range(epochs):\n"
                  "        # BEGIN SOLUTION\n"
                  "        g = network_gradient(w1, w2)\n"
                  "        w1 = w1 - learning_rate * g[0]\n"
                  "        w2 = w2 - learning_rate * g[1]\n"
                  "        # END SOLUTION\n"
                  "    return np.array([w1, w2])\n\n\n"
                  f"network_final = {call}\n"
                  "# BEGIN SOLUTION\n"
                  "valley = \"positive\" if network_final[0] > 0 else \"negative\"\n"
                  "# END SOLUTION"),
        public_tests=(close_test("page_run", "descend_network",
                                 f"descend_network({number(PAGE_START[0])}, "
                                 f"{number(PAGE_START[1])}, {number(RATE)}, {EPOCHS})",
                                 page_final, "the page's start B after its run"),),
        hidden_tests=(close_test("final", "network_final", "network_final", final,
                                 "network_final"),
                      "def test_valley(valley):\n"
                      f"    assert valley == {number(valley)}, "
                      "(\"valley should be the minimum this run ends in, written \"\n"
                      "     \"'positive' or 'negative' (lowercase); it is \" + repr(valley))\n",
                      close_test("short", "descend_network",
                                 f"descend_network({number(OTHER[0])}, {number(OTHER[1])}, "
                                 f"{number(rate)}, 5)", run(OTHER, rate, 5),
                                 f"descend_network({number(OTHER[0])}, {number(OTHER[1])}, "
                                 f"{number(rate)}, 5)")),
        answers={"network_final": [float(v) for v in final], "valley": valley})
    return [network, descent]
