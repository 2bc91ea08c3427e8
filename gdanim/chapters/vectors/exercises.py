"""Your turn, chapter 5: a dot product and a loss without a computer."""
from __future__ import annotations

from gdanim.core.exercises import Exercise, Exercises, Mistake
from gdanim.core.text import fmt


# What a learner can do after this chapter, as a syllabus says it (the lecturer's guide).
OBJECTIVES = (
    'z-score a variable and explain why it helps',
    'write a prediction as a dot product of [1, x] with [intercept, slope], and all predictions as a matrix product',
    'score a first guess at two parameters with the MSE, by hand for a flat line',
)


def exercises(n: dict, context: dict) -> Exercises:
    b, m = n["check_params"]
    z, pred = n["check_bill_z"], n["check_prediction"]
    b0, m0 = n["start"]
    loss = n["start_loss"]
    tasks = [Exercise(
        "dot", "A prediction as a dot product",
        f"The parameter vector is [intercept, slope] = [{fmt(b, 'g')}, {fmt(m, 'g')}]. One "
        f"penguin's row of X is [1, {fmt(z, '.4f')}] (its z-scored bill length). What is "
        f"its prediction (a z-scored body mass)? Give four decimals.",
        "A dot product multiplies the two vectors entry by entry and adds: the 1 pairs with "
        "the intercept, the bill length with the slope.",
        (f"1 × {fmt(b, 'g')} + {fmt(z, '.4f')} × {fmt(m, 'g')}",
         f"= {fmt(b, 'g')} + ({fmt(z * m, '.4f')}) = {fmt(pred, '.4f')}."),
        "the 1 in the row picks up the intercept and the bill length is multiplied by the "
        "slope.",
        answer=pred, tolerance=0.0005, digits=".4f",
        mistakes=(Mistake(m + b * z, "That takes the first number as the slope. The "
                          "vector is [intercept, slope]: the column of ones comes first."),)),
        Exercise(
        "flat-start", "A loss without a computer",
        f"The first guess is intercept {fmt(b0, 'g')} and slope {fmt(m0, 'g')}: a flat "
        f"line at {fmt(b0, 'g')}. The body masses are z-scored (mean 0, standard deviation "
        f"1). What is the MSE of this start?",
        "With slope 0 every prediction is the intercept. Expand the mean of (intercept − y)²"
        " and use what z-scoring tells you about the mean of y and the mean of y².",
        (f"mean((c − y)²) = c² − 2c × mean(y) + mean(y²), with c = {fmt(b0, 'g')}.",
         f"z-scored: mean(y) = 0 and mean(y²) = 1, so the MSE is {fmt(b0 * b0, 'g')} + 0 + 1 "
         f"= {fmt(loss, 'g')}. The build's float32 computation gives exactly that."),
        "the line's height squared plus the masses' variance, which z-scoring made 1.",
        answer=loss, tolerance=0.001, digits="g",
        mistakes=(Mistake(b0 * b0, "That is the line's height squared, but the masses also "
                          "spread around their mean: add their variance, which is 1 after "
                          "z-scoring."),
                  Mistake(abs(b0), "That is how far the line sits from the masses' mean, "
                          "not the mean of the squared errors.")))]
    return Exercises("Two by hand.", tuple(tasks))
