"""Your turn, chapter 10: the loss at the saddle, and steering into a valley."""
from __future__ import annotations

from gdanim.core.exercises import (Check, Exercise, Exercises, Mistake, gridded, link,
                                   rate_text, runs, start_text)
from gdanim.core.text import fmt
from gdanim.chapters.explorer_tasks import task_view


# What a learner can do after this chapter, as a syllabus says it (the lecturer's guide).
OBJECTIVES = (
    'recognise a loss with several minima and a saddle point',
    'explain why the start decides which minimum a run reaches, and why a low loss does not pin down the parameters',
)

# Starts with mixed signs (w1 > 0 > w2) for "Which valley?": the build runs each and
# picks one that ends where both weights are negative.
MIXED = ((0.5, -0.5), (1.5, -0.3), (0.3, -1.5), (2.0, -2.0), (1.0, -2.5), (2.5, -1.0),
         (0.2, -2.5), (2.5, -0.2))


def exercises(n: dict, context: dict) -> Exercises:
    x = task_view(context["explorer"], starts=MIXED)
    tasks = [Exercise(
        "saddle-loss", "The loss on the saddle",
        "At the saddle both weights are 0. The body masses are z-scored (mean 0, standard "
        "deviation 1). What is the loss there? Work it out without a computer.",
        "With w2 = 0 the network predicts 0 for every penguin. What is the mean of (0 − y)²?",
        ("Every prediction is 0, so each squared error is y².",
         f"The mean of y² for z-scored data is its variance, 1: the loss is "
         f"{fmt(n['saddle_loss'], '.3f')}."),
        "predicting 0 for everyone leaves exactly the masses' variance, which z-scoring "
        "made 1.",
        answer=n["saddle_loss"], tolerance=0.001, digits=".3f",
        mistakes=(Mistake(0.0, "0 is what the network predicts at the saddle, not how "
                          "wrong it is."),))]
    valley = other_valley(x)
    if valley:
        tasks.append(valley)
    return Exercises("One by reasoning, then steer the explorer above.", tuple(tasks))


def other_valley(x: dict) -> Exercise | None:
    """Find a start whose weights have different signs that still ends in the valley
    where both weights are negative."""
    if not gridded(x):
        return None
    mixed = [j for j, s in enumerate(x["starts"]) if s[0] > 0 > s[1]]
    rate = x["own"]["rate"]
    found = []
    for j in mixed:
        final = x["path"][rate][j][-1]
        settles = x["verdict"][rate][j] in ("converges", "oscillates")
        if final and all(v < 0 for v in final) and settles:
            found.append(j)
    if not found:
        return None
    j = found[0]
    r = runs(x, j)[rate]
    return Exercise(
        "mixed-start", "Which valley?",
        "Find a start where w1 is positive and w2 negative, from which "
        "the run still ends in the valley where both weights are negative. Type the start "
        "into the boxes or tap the contour plot, then press Check.",
        "A start with mixed signs has to cross one of the two axes first. Which axis it "
        "reaches first decides the valley: try starts near each axis.",
        (f"From w1, w2 = {start_text(x, j)} at η = {rate_text(r['rate'])} the run "
         f"{r['says']}, in the valley where both weights are negative.",
         "The gradient there first shrinks the weight that is easier to change; once it "
         "crosses zero, both signs agree and the run slides into that valley."),
        "the start's signs disagree, and the run still ends where both weights are "
        "negative.",
        checks=(Check("start", "Pick a start where w1 is positive and w2 negative.",
                      low=(0.0, None), high=(None, 0.0)),
                Check("verdict", "This run blows up: pick a smaller learning rate.",
                      one_of=("converges", "oscillates", "creeps")),
                Check("verdict", "This run still creeps: it has not reached a valley in "
                      "the epochs shown. Try a larger learning rate.",
                      one_of=("converges", "oscillates")),
                Check("final", "This run ends with a weight above zero, not in the "
                      "valley where both are negative.", high=0)),
        show=link(x, rate, j))
