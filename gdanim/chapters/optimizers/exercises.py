"""Your turn, optimizers: make Adam lose to momentum in the explorer."""
from __future__ import annotations

from gdanim.core.exercises import (Check, Exercise, Exercises, Mistake, gridded, link,
                                   rate_text, runs)
from gdanim.core.text import fmt
from gdanim.chapters.explorer_tasks import task_view


# What a learner can do after this chapter, as a syllabus says it (the lecturer's guide).
OBJECTIVES = (
    'describe momentum, RMSProp and Adam in words, and compare optimizers fairly, each at its own best learning rate',
)


def exercises(n: dict, context: dict) -> Exercises:
    beta, rate = n["momentum_beta"], n["bowl_adam_rate"]
    speed = 1 / (1 - beta)
    tasks = [Exercise(
        "momentum-speed", "How fast momentum rolls",
        f"Momentum keeps β = {fmt(beta, 'g')} of its velocity each step and adds the new "
        f"gradient. Along the narrow valley's floor the gradient stays almost the same for "
        f"many steps. Once the velocity has built up, how many times longer is momentum's "
        f"step than plain gradient descent's at the same learning rate?",
        "Write the velocity after many steps as g + βg + β²g + …, and sum the series.",
        (f"With a steady gradient g the velocity tends to g (1 + β + β² + …) = g / (1 − β).",
         f"1 / (1 − {fmt(beta, 'g')}) = {fmt(speed, 'g')}: the steps become "
         f"{fmt(speed, 'g')} times longer, which is why momentum runs along the valley's "
         f"floor where plain descent creeps."),
        f"the velocity sums the steady gradient {fmt(speed, 'g')} times over: 1 / (1 − β).",
        answer=speed, tolerance=0.05, digits="g",
        mistakes=(Mistake(beta, "That is the share of the velocity kept each step, not how "
                          "long the steps become: add up all the kept shares."),
                  Mistake(speed - 1, "That leaves out the newest gradient: the sum starts "
                          "at g itself, 1 + β + β² + …")))]
    tasks.append(Exercise(
        "adam-first-step", "Adam's first step",
        f"Adam starts at intercept {fmt(n['start'][0], 'g')}, slope "
        f"{fmt(n['start'][1], 'g')} on the round bowl with η = {fmt(rate, '.3g')}. By how much "
        f"does its very first step change the slope? (Ignore Adam's tiny ε.)",
        "On the first step Adam's two averages hold just the first gradient g and its "
        "square g², once the bias correction has scaled them up.",
        ("After bias correction the first averages are exactly g and g².",
         f"The update is η · g / √(g²) = η · (the sign of g): a step of η = "
         f"{fmt(rate, '.3g')} for each parameter, however large or small its gradient."),
        "Adam's first step is η long in every parameter: it divides the gradient by its "
        "own size.",
        answer=rate, tolerance=0.01 * rate, digits=".3g",
        mistakes=()))
    beat = beat_adam(task_view(context["explorer"]))
    return Exercises("Two short calculations, then a race in the explorer above.",
                     tuple(tasks + ([beat] if beat else [])))


def beat_adam(x: dict) -> Exercise | None:
    """Make Adam lose to momentum: find a momentum setting (a β and a learning rate of
    the shared grid) that gets within 1% of the answer sooner than Adam does at any rate
    (on the round bowl, from the shared start)."""
    if not gridded(x):
        return None
    names = [v["optimizer"] for v in x["variants"]]
    if "adam" not in names or "momentum" not in names:
        return None
    adam = names.index("adam")
    adam_best = min((r for r in runs(x, 0, adam) if r["arrived"] >= 0),
                    key=lambda r: r["arrived"], default=None)
    if adam_best is None:
        return None
    rivals = [(r["arrived"], k, r) for k, v in enumerate(x["variants"])
              if v["optimizer"] == "momentum"
              for r in runs(x, 0, k) if 0 <= r["arrived"] < adam_best["arrived"]]
    if not rivals:
        return None
    _, k, r = min(rivals, key=lambda t: (t[0], t[1]))
    v = x["variants"][k]
    gd = [r for k2, v2 in enumerate(x["variants"]) if v2["optimizer"] == "gd"
          for r in runs(x, 0, k2) if r["arrived"] >= 0]
    gd_best = min(gd, key=lambda r: r["arrived"], default=None)
    steps = [f"Momentum with β = {fmt(v['beta'], 'g')} at η = {rate_text(r['rate'])}: the "
             f"run {r['says']}.",
             f"Adam at its best rate, η = {rate_text(adam_best['rate'])}: the run "
             f"{adam_best['says']}."]
    if gd_best:
        steps.append(f"Even plain gradient descent beats it here: at η = "
                     f"{rate_text(gd_best['rate'])} the run {gd_best['says']}.")
    steps.append("Adam rescales every step to about the size of its learning rate, which "
                 "helps on badly scaled valleys; on this round bowl it only slows the end. "
                 "No optimizer wins everywhere: compare each at its own best rate.")
    betas = sorted(v2["beta"] for v2 in x["variants"] if v2["optimizer"] == "momentum")
    on_surface = ((Check("surface", "The explorer shows another surface: this race is on "
                         "the round bowl. Pick it under Surface.", one_of=(x["surface"],)),)
                  if x.get("surface") else ())
    lead = "On the round bowl: of" if on_surface else "Of"
    return Exercise(
        "beat-adam", "Make Adam lose",
        f"{lead} the {len(runs(x, 0, adam))} learning rates we tried Adam at (a finer grid "
        f"than the race's), its best, η = {rate_text(adam_best['rate'])}, stays within 1% "
        f"of the answer from epoch {adam_best['arrived']} on. Pick Momentum in the "
        f"explorer and find a β and a learning rate with which it gets there sooner. "
        f"Then press Check.",
        f"Try β = {fmt(betas[0], 'g')} first, and move the rate up notch by notch, reading "
        "the epoch in the readout each time.",
        tuple(steps),
        "momentum gets there before Adam does at any rate on the grid.",
        checks=(*on_surface,
                Check("optimizer", "The explorer shows another optimizer: pick Momentum.",
                      one_of=("momentum",)),
                Check("arrived_at", "This run never gets within 1% in the epochs shown.",
                      low=0),
                Check("arrived_at", f"This run gets there, but not before Adam's best "
                      f"(epoch {adam_best['arrived']}).", high=adam_best["arrived"] - 1)),
        show=link(x, r["index"], 0, k))
