"""Your turn, chapter 4: one step by hand, then two tasks with the explorer."""
from __future__ import annotations

from gdanim.core.exercises import Exercise, Exercises, Mistake, fastest_task, overshoot_task
from gdanim.core.text import decimal, fmt
from gdanim.chapters.explorer_tasks import task_view


# What a learner can do after this chapter, as a syllabus says it (the lecturer's guide).
OBJECTIVES = (
    'state the gradient descent update: new guess = old guess − learning rate × gradient',
    'carry out a step by hand and explain why steps shrink near the bottom',
    "use an automatic-differentiation tool (JAX's grad) to get the slope",
)


def exercises(n: dict, context: dict) -> Exercises:
    x = task_view(context["explorer"])
    start, rate, slope = n["start"], n["learning_rate"], n["start_slope"]
    step = start - rate * slope
    one = Exercise(
        "first-step", "One step by hand",
        f"The descent starts at the multiplier {fmt(start, 'g')}, where the slope of the "
        f"loss is {fmt(slope, ',.1f')}. With the learning rate η = {decimal(rate)}, what "
        f"is the guess after one step?",
        "The update rule: new guess = old guess − η × slope.",
        (f"new guess = {fmt(start, 'g')} − {decimal(rate)} × ({fmt(slope, ',.1f')})",
         f"= {fmt(start, 'g')} + {fmt(-rate * slope, '.6f')} = {fmt(step, '.6f')}. "
         f"The slope is negative, so the step goes up, towards the bottom of the valley."),
        "the step is minus η times the slope; a negative slope moves the guess up.",
        answer=step, tolerance=0.00001, digits=".6f",
        mistakes=(Mistake(start + rate * slope, "That steps along the slope, uphill. The "
                          "rule subtracts η × slope, so a negative slope moves the guess "
                          "up."),
                  Mistake(start - slope, "That leaves out the learning rate: a step as long "
                          "as the slope itself would throw the guess far past the answer.")))
    tasks = [t for t in (overshoot_task(x), fastest_task(x)) if t]
    return Exercises("One step by hand; then use the explorer above.", (one, *tasks))
