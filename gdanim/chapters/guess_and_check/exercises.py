"""Your turn, chapter 1: score a guess of your own (its errors, its MSE)."""
from __future__ import annotations

import math

from gdanim.core.exercises import Exercise, Exercises, Mistake
from gdanim.core.text import fmt


# What a learner can do after this chapter, as a syllabus says it (the lecturer's guide).
OBJECTIVES = (
    'state a model with one parameter (cm = multiplier × inches) and use it to make predictions',
    'compute the errors of a guess and its mean squared error (MSE)',
    'compare two guesses by their loss',
)


def exercises(n: dict, context: dict) -> Exercises:
    guess = n["exercise_guess"]
    errors = n[f"errors_at_{str(guess).replace('.', '_')}"]
    mse = n[f"mse_at_{str(guess).replace('.', '_')}"]
    first = context["rows"][0]
    g = fmt(guess, ".1f")
    squares = [e * e for e in errors]
    return Exercises("Score a guess of your own, by hand or with a calculator.", (
        Exercise(
            "first-error", "One belt, one error",
            f"Guess a multiplier of {g}. The first belt is {fmt(first['inches'], 'g')} inches "
            f"and {fmt(first['cm'], 'g')} cm long. What is its error, prediction minus chart, "
            f"in cm?",
            "The prediction is the multiplier times the length in inches. The error is the "
            "prediction minus what the chart says.",
            (f"Prediction: {g} × {fmt(first['inches'], 'g')} = "
             f"{fmt(guess * first['inches'], 'g')} cm.",
             f"Error: {fmt(guess * first['inches'], 'g')} − {fmt(first['cm'], 'g')} = "
             f"{fmt(errors[0], 'g')} cm. It is negative: the guess is still too short."),
            "it is the prediction minus the chart's length, and it is negative because the "
            "guess still predicts too short a belt.",
            answer=errors[0], tolerance=0.01, digits="g", unit="cm",
            mistakes=(Mistake(-errors[0], "That is the chart minus the prediction: the sign "
                              "is the other way round. We take prediction minus chart, so a "
                              "guess that is too short gives a negative error."),
                      Mistake(guess * first["inches"], "That is the prediction itself; the "
                              "error is how far it lands from the chart's length."))),
        Exercise(
            "mse", f"The MSE of {g}",
            f"What is the mean squared error of the guess {g} over all {n['rows']} belts?",
            "Work out each belt's error as above, square each one, add the squares up and "
            "divide by the number of belts.",
            (f"Errors: {', '.join(fmt(e, 'g') for e in errors)}.",
             f"Squares: {', '.join(fmt(s, 'g') for s in squares)}.",
             f"Their mean: {fmt(sum(squares), ',g')} ÷ {n['rows']} = {fmt(mse, ',.4f')}. "
             f"That is far below the MSE of 1.7 ({fmt(n['mse_at_1_7'], ',.4f')}): "
             f"{g} is the better guess."),
            "that is the average of the squared errors: one number that says how wrong the "
            "guess is.",
            answer=mse, tolerance=0.01, digits=",.4f",
            mistakes=(Mistake(sum(errors) / len(errors), "That is the mean error, without "
                              "squaring. Square each error first, so that misses in either "
                              "direction count, and big ones count extra."),
                      Mistake(sum(squares), "That is the sum of the squares. The mean "
                              "divides the sum by the number of belts."),
                      Mistake(math.sqrt(mse), "That is the square root of the MSE (the "
                              "RMSE). The MSE stops before the root."))),
    ))
