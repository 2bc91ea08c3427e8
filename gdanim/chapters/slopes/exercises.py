"""Your turn, chapter 3: the slope from its formula, and where it is zero."""
from __future__ import annotations

from gdanim.core.exercises import Exercise, Exercises, Mistake
from gdanim.core.text import fmt


# What a learner can do after this chapter, as a syllabus says it (the lecturer's guide).
OBJECTIVES = (
    'describe the loss as a function of the parameter, with a single lowest point',
    'compute the slope (derivative) of the MSE at a guess, and read from its sign which way is downhill',
)


def exercises(n: dict, context: dict) -> Exercises:
    slope, bottom = n["slope_by_hand_at_1_7"], n["bottom"]
    return Exercises("Use the slope formula: the derivative of the MSE with respect to the "
                     "multiplier m, 2 × mean(inches × (m × inches − cm)).", (
        Exercise(
            "slope-1-7", "The slope at 1.7, by hand",
            "Using the formula, what is the slope of the loss at the multiplier 1.7?",
            "For each belt: its error at 1.7 (prediction minus chart, as in chapter 1), times "
            "its length in inches. Average those ten products, then double.",
            ("Each belt's error at 1.7 times its inches, averaged, is half the slope.",
             f"Doubling gives {fmt(slope, ',.2f')}. It is negative: the loss falls as the "
             f"multiplier grows, so the next guess should be larger than 1.7.",
             f"JAX's grad gives {fmt(n['slope_at_1_7'], ',.4f')} in 32-bit arithmetic: the "
             f"same slope, up to float32 rounding."),
            "it is twice the average of error × inches, and it is negative because 1.7 is "
            "left of the bottom of the valley.",
            answer=slope, tolerance=0.01, digits=",.2f",
            mistakes=(Mistake(slope / 2, "That leaves out the 2 in front. The 2 comes from "
                              "differentiating the square."),
                      Mistake(-slope, "The sign is flipped. The error is prediction minus "
                              "chart; at 1.7 every prediction is too short, so every error, "
                              "and the slope, is negative."))),
        Exercise(
            "bottom", "Where the slope is zero",
            "At the bottom of the valley the slope is zero. Set the formula to zero and solve "
            "for m: which multiplier is at the bottom? Give it to four decimals.",
            "mean(inches × (m × inches − cm)) = 0 means m × sum(inches²) = sum(inches × cm).",
            ("Setting the slope to zero: m = sum(inches × cm) ÷ sum(inches²).",
             f"With the chart's numbers that is {fmt(bottom, '.4f')}."),
            "it is where the slope formula is zero, so neither direction goes further down.",
            answer=bottom, tolerance=0.0001, digits=".4f",
            mistakes=(Mistake(2.54, "2.54 is the inch's definition, but the chart's "
                              "centimetres are rounded to whole numbers, so the best "
                              "multiplier for these ten belts is a little different. Solve "
                              "the formula with the chart's numbers."),)),
    ))
