"""Your turn for a teacher's CSV chapter: the same kinds of exercise as the built-in
chapters, from this chapter's own numbers (its fitted line, its threshold, its explorer)."""
from __future__ import annotations

from gdanim.core.exercises import (Exercise, Exercises, Mistake, diverge_task, fastest_task,
                                   overshoot_task)
from gdanim.core.text import fmt
from gdanim.chapters.explorer_tasks import task_view


# What a learner can do after this chapter, as a syllabus says it (the lecturer's guide).
OBJECTIVES = (
    'fit a straight line to your own data by gradient descent and check it against least squares',
    "read the fitted slope and intercept in the data's own units",
)


def _tolerance(scale: float) -> float:
    """A stated tolerance: about a thousandth of `scale`, to one significant figure."""
    return float(f"{max(abs(scale), 1e-12) * 1e-3:.0e}")


def exercises(n: dict, context: dict) -> Exercises:
    spec = context["spec"]
    xl, yl = spec.x_label, spec.y_label
    m = n["lstsq_slope_original"]
    b = n["lstsq_intercept_original"] if spec.intercept else 0.0
    at = n["x_max"]
    answer = b + m * at
    tol = _tolerance(max(abs(answer), n["y_std"]))
    line = (f"{yl} = {fmt(b, '.6g')} + {fmt(m, '.6g')} × {xl}" if spec.intercept
            else f"{yl} = {fmt(m, '.6g')} × {xl}")
    predict = Exercise(
        "predict", "Use the fitted line",
        f"The least-squares line is {line}. What does it predict for the largest "
        f"{xl} in the data, {fmt(at, '.6g')}?",
        f"Put {fmt(at, '.6g')} in place of {xl} and work out the right-hand side.",
        ((f"{fmt(b, '.6g')} + {fmt(m, '.6g')} × {fmt(at, '.6g')} = {fmt(answer, '.6g')}."
          if spec.intercept else f"{fmt(m, '.6g')} × {fmt(at, '.6g')} = {fmt(answer, '.6g')}."),
         f"That is a prediction in {yl}'s own units; the data's own value there may differ: "
         f"the line only gets the average trend right."),
        "the line's value at that point: intercept plus slope times the input.",
        answer=answer, tolerance=tol, digits=".6g",
        mistakes=((Mistake(m + b * at, "That swaps the two numbers: the slope multiplies the "
                           "input, the intercept is added."),) if spec.intercept else ()))
    rate, limit = n["learning_rate"], n["threshold"]
    share = rate / limit
    fraction = Exercise(
        "fraction", "How close to the edge?",
        f"This chapter's learning rate is {fmt(rate, 'g')} and the threshold (above which "
        f"the descent blows up) is {fmt(limit, '.4g')}. What fraction of the threshold is "
        f"the learning rate?",
        "Divide the learning rate by the threshold. Below 1 is safe; below 0.5 no step "
        "overshoots.",
        (f"{fmt(rate, 'g')} ÷ {fmt(limit, '.4g')} = {fmt(share, '.3g')}.",
         ("Above 1: the run blows up." if share > 1 else
          "Between 0.5 and 1: each step overshoots the bottom, but the run settles."
          if share > 0.5 else "Below 0.5: every step lands on the same side of the bottom.")),
        "the learning rate divided by the threshold.",
        answer=share, tolerance=_tolerance(share * 10), digits=".3g",
        mistakes=(Mistake(limit / rate, "That divides the other way round: the threshold "
                          "over the learning rate."),))
    x = task_view(context["explorer"])
    edge = overshoot_task(x) or diverge_task(x)
    fast = fastest_task(x)
    tasks = [t for t in (edge, fast) if t]
    return Exercises("From your own data: two by hand, then the explorer above.",
                     (predict, fraction, *tasks))
