"""Your turn, chapter 6: a prediction in grams, how fast the distance to the bottom
shrinks, and the quickest rate on the penguins' round bowl."""
from __future__ import annotations

import math

from gdanim.core.exercises import Exercise, Exercises, Mistake, fastest_task
from gdanim.core.text import fmt
from gdanim.chapters.explorer_tasks import task_view


# What a learner can do after this chapter, as a syllabus says it (the lecturer's guide).
OBJECTIVES = (
    'describe the loss over two parameters as a surface, and descent as a path across it',
    'explain why each step on a round bowl removes the same fraction of the distance left',
    'check a descent against least squares, and turn a fit on z-scores back into the '
    'data\'s units',
)


BILL_MM = 50.0          # the bill length the grams exercise asks about


def grams_task(n: dict) -> Exercise:
    # The line as the page prints it (whole grams, and grams per mm to one decimal), so
    # the worked solution's sum adds up from the numbers it shows.
    at_zero, per_mm = round(n["grams_at_zero_mm"]), round(n["grams_per_mm"], 1)
    answer = at_zero + per_mm * BILL_MM
    return Exercise(
        "grams", "A prediction in grams",
        f"In the data's units the fitted line is body mass = {fmt(at_zero, ',.0f')} g + "
        f"{fmt(per_mm, '.1f')} g per mm × bill length. What body mass does it predict for a "
        f"penguin with a {fmt(BILL_MM, 'g')} mm bill? Give whole grams.",
        "Put the bill length into the line: the intercept plus the slope times the bill.",
        (f"{fmt(at_zero, ',.0f')} + {fmt(per_mm, '.1f')} × {fmt(BILL_MM, 'g')}",
         f"= {fmt(answer, ',.0f')} g."),
        "the intercept sets where the line starts and the slope adds its grams for every "
        "millimetre of bill.",
        answer=answer, tolerance=10, digits=",.0f", unit="g",
        mistakes=(Mistake(per_mm * BILL_MM, "That is only the slope's part: add the "
                          "intercept."),))


def halve_task(n: dict) -> Exercise | None:
    """How many epochs halve the distance to the bottom; None when the chapter's rate
    makes the factor 0 (one step lands) or not a shrink."""
    s = round(n["shrink_per_epoch"], 4)          # as the page prints it
    if not 0.01 <= s <= 0.9999:
        return None
    k = math.ceil(math.log(0.5) / math.log(s))   # the first epoch with s**k <= 1/2
    half = Exercise(
        "halve", "Halfway down",
        f"On this round bowl each epoch multiplies the distance to the bottom by "
        f"{fmt(s, '.4f')}. After how many epochs is the distance half of what it was at the "
        f"start, or less? Give a whole number.",
        "After k epochs the distance is the start's times "
        f"{fmt(s, '.4f')}^k. Find the first k that brings that factor to 0.5 or below "
        "(logarithms help, or a calculator and a few tries).",
        (f"{fmt(s, '.4f')}^k ≤ 0.5 means k ≥ ln 0.5 ÷ ln {fmt(s, '.4f')} = "
         f"{fmt(math.log(0.5) / math.log(s), '.2f')},",
         f"so the first whole epoch is {k}: {fmt(s, '.4f')}^{k} = {fmt(s ** k, '.3f')}."),
        "each epoch takes away the same fraction of what is left, so halving takes the same "
        "number of epochs wherever you start on the way down.",
        answer=k, tolerance=0.5, digits="d",
        mistakes=tuple(m for m in (
            Mistake(k - 1, f"Close: after {k - 1} epochs the factor is "
                           f"{fmt(s ** (k - 1), '.3f')}, still above a half. Round up."),
            Mistake(round(0.5 / (1 - s)), "That takes the same amount off every epoch. It "
                    "takes the same fraction: the amount shrinks with the distance."))
            if abs(m.value - k) > 0.5))
    return half


def exercises(n: dict, context: dict) -> Exercises:
    tasks = [t for t in (grams_task(n), halve_task(n),
                         fastest_task(task_view(context["explorer"]))) if t]
    return Exercises("By hand, then with the explorer above.", tuple(tasks))
