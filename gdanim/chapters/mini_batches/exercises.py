"""Your turn, mini-batches: what one epoch of mini-batches sees."""
from __future__ import annotations

from gdanim.core.exercises import Exercise, Exercises, Mistake
from gdanim.core.text import fmt


# What a learner can do after this chapter, as a syllabus says it (the lecturer's guide).
OBJECTIVES = (
    'explain mini-batch stochastic gradient descent, and the difference between a step, '
    'a gradient evaluation and an epoch',
    'compare two training methods fairly: each at its own best learning rate, with the '
    'same budget',
)


def exercises(n: dict, context: dict) -> Exercises:
    rows, size, per = n["rows"], n["batch_size"], n["rows_per_epoch"]
    batches = n["batches_per_epoch"]
    task = Exercise(
        "epoch-rows", "What one epoch sees",
        f"Mini-batch SGD shuffles the {rows} penguins and cuts them into batches of {size}, "
        f"using only full batches. How many penguins does one epoch use?",
        f"How many whole batches of {size} fit into {rows}?",
        (f"{rows} ÷ {size} = {fmt(rows / size, '.2f')}, so {batches} whole batches fit.",
         f"{batches} × {size} = {per} penguins; the other {rows - per} wait for the next "
         f"shuffle, which mixes them in again."),
        f"only whole batches are used: {batches} of them.",
        answer=float(per), tolerance=0.5, digits=".0f",
        mistakes=(Mistake(float(rows), f"That would use every penguin, but {rows} is not a "
                          f"whole number of batches of {size}: the leftovers wait for the "
                          f"next shuffle."),
                  Mistake(float(batches + 1) * size, "That counts a batch that is not full; "
                          "only whole batches are used.")))
    budget, steps = n["budget"], n["sgd_steps"]
    count = Exercise(
        "epoch-steps", "Steps in the equal-epochs contest",
        f"In the contest at equal epochs, both sides pass over the data {budget} times. How "
        f"many steps (parameter updates) do the mini-batches take?",
        "One step per batch: how many batches make one epoch?",
        (f"One epoch is {batches} batches, so {batches} steps.",
         f"{budget} epochs × {batches} steps = {steps} steps, against {budget} for the full "
         f"batch, which takes one step per epoch."),
        f"{batches} steps per epoch, for {budget} epochs.",
        answer=float(steps), tolerance=0.5, digits=".0f",
        mistakes=(Mistake(float(budget), f"That is the full batch's count: one step per "
                          f"epoch. The mini-batches take one step per batch."),
                  Mistake(float(budget * size), f"That multiplies by the batch size; count "
                          f"batches per epoch instead ({batches}).")))
    return Exercises("Two counts, to make the three words exact.", (task, count))
