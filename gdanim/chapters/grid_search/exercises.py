"""Your turn, chapter 2: the grid's spacing, its pick, and how far off a grid can be."""
from __future__ import annotations

from gdanim.core.exercises import Exercise, Exercises, Mistake
from gdanim.core.text import fmt


# What a learner can do after this chapter, as a syllabus says it (the lecturer's guide).
OBJECTIVES = (
    'describe grid search as scoring every candidate on an evenly spaced grid',
    "explain why a grid's best can miss the true best by up to half a step, and what a finer grid costs",
)


def exercises(n: dict, context: dict) -> Exercises:
    count, lo, hi, gap = n["candidates"], n["start"], n["stop"], n["spacing"]
    best, k = n["best_multiplier"], n["best_index"]
    grid = f"{count} evenly spaced multipliers from {fmt(lo, 'g')} to {fmt(hi, 'g')}"
    return Exercises("Work out what the grid can and cannot find.", (
        Exercise(
            "spacing", "The grid's step",
            f"The grid tries {grid}, both ends included. How far apart are two neighbouring "
            f"candidates?",
            f"Count the gaps, not the points: {count} points in a row have one gap fewer.",
            (f"{count} points have {count - 1} gaps between them.",
             f"The gaps share the distance {fmt(hi - lo, 'g')}: {fmt(hi - lo, 'g')} ÷ "
             f"{count - 1} = {fmt(gap, '.5f')}."),
            f"{count} points have {count - 1} gaps, and they share the whole range.",
            answer=gap, tolerance=0.0005, digits=".5f",
            mistakes=(Mistake((hi - lo) / count, f"That divides by {count}, the number of "
                              f"points. There are {count - 1} gaps between {count} points."),)),
        Exercise(
            "pick", "The grid's pick",
            "Which of the candidates has the smallest MSE? Give it to four decimals.",
            f"List the candidates near 2.54 (each is {fmt(lo, 'g')} plus a whole number of "
            f"steps) and ask which is nearest the bottom of the loss curve.",
            (f"Candidate number k is {fmt(lo, 'g')} + k × {fmt(gap, '.5f')}.",
             f"The loss is lowest at k = {k}: {fmt(best, '.4f')}, with MSE "
             f"{fmt(n['best_mse'], '.4f')}. Its neighbours, {fmt(best - gap, '.4f')} and "
             f"{fmt(best + gap, '.4f')}, are further from the bottom."),
            "the grid can only answer with one of its own candidates, and this is the one "
            "with the lowest loss.",
            answer=best, tolerance=0.0005, digits=".4f",
            mistakes=(Mistake(2.54, "2.54 is how many centimetres make an inch, but it is not "
                              "one of the candidates: the grid can only pick from its own "
                              "list."),
                      Mistake(best - gap, "That is a neighbour of the best candidate, one "
                              "step lower; its loss is higher."))),
        Exercise(
            "worst-case", "How far off can a grid be?",
            f"Suppose the true best multiplier lies somewhere between two neighbouring "
            f"candidates of this grid. At most how far from it can the nearest candidate be?",
            "Put the true best anywhere between two neighbours. When is the nearer of the "
            "two as far away as it can get?",
            (f"The worst place is exactly in the middle of a gap: then both neighbours are "
             f"half a step away.",
             f"Half a step: {fmt(gap, '.5f')} ÷ 2 = {fmt(gap / 2, '.5f')}. A finer grid "
             f"shrinks this, but costs a loss calculation per candidate."),
            "the nearest candidate is never more than half a step from the true best.",
            answer=gap / 2, tolerance=0.0005, digits=".5f",
            mistakes=(Mistake(gap, "That is a whole step. The true best can always go to the "
                              "nearer of its two neighbours, which is at most half a step "
                              "away."),)),
    ))
