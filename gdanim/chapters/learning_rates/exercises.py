"""Your turn, chapter 7: the threshold from the curvature, and the edge in the explorer."""
from __future__ import annotations

from gdanim.core.exercises import Exercise, Exercises, Mistake, diverge_task
from gdanim.core.text import decimal, fmt
from gdanim.chapters.explorer_tasks import task_view


# What a learner can do after this chapter, as a syllabus says it (the lecturer's guide).
OBJECTIVES = (
    'tell apart the four regimes of the learning rate: crawling, settling, zig-zagging, diverging',
    'compute the largest safe learning rate, 2 ÷ curvature, for a squared-error loss',
)


def exercises(n: dict, context: dict) -> Exercises:
    curve, limit = n["belt_curvature"], n["belt_threshold"]
    lesson, ratio = n["lesson_rate"], n["threshold_over_lesson_rate"]
    tasks = [
        Exercise(
            "threshold", "The threshold from the curvature",
            f"The belt loss has curvature {fmt(curve, ',.1f')} everywhere. What is the "
            f"largest learning rate that does not blow up (the threshold)? Give six decimals.",
            "A step overshoots the bottom once η × curvature passes 1, and lands further "
            "away than it started once η × curvature passes 2.",
            (f"threshold = 2 ÷ curvature = 2 ÷ {fmt(curve, ',.1f')} = {fmt(limit, '.6f')}.",),
            "at 2 ÷ curvature a step lands exactly as far past the bottom as it started "
            "before it; any larger and the guess gets worse each step.",
            answer=limit, tolerance=0.000001, digits=".6f",
            mistakes=(Mistake(1 / curve, "That is 1 ÷ curvature, the rate that jumps to the "
                              "bottom in one step. The runs only blow up at twice that."),
                      Mistake(curve / 2, "That is the curvature divided by 2; the threshold "
                              "is 2 divided by the curvature."))),
        Exercise(
            "headroom", "How much room the lesson left",
            f"The one-dimensional descent used η = {decimal(lesson)}. How many times larger "
            f"could it have been before reaching the threshold? Give one decimal.",
            "Divide the threshold by the lesson's learning rate.",
            (f"{fmt(limit, '.6f')} ÷ {decimal(lesson)} = {fmt(ratio, '.1f')}.",
             "So the lesson's run was safe but slow: it could have taken far bigger steps."),
            "the threshold is that many times the lesson's rate.",
            answer=ratio, tolerance=0.1, digits=".1f",
            mistakes=(Mistake(1 / ratio, "That divides the other way round: the lesson's "
                              "rate over the threshold."),))]
    edge = diverge_task(task_view(context["explorer"]))
    return Exercises("Compute the limit, then find it in the explorer above.",
                     tuple(tasks + ([edge] if edge else [])))
