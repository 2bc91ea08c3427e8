"""Homework for a chapter made from a teacher's CSV: the loss, its gradient and the
update loop on the teacher's own two columns, at a learning rate and a number of
epochs other than the page's. The data go into the notebook itself (so the grader
needs no file), for files of at most MAX_ROWS rows; larger ones get no questions."""
from __future__ import annotations

import numpy as np

from gdanim.chapters.homework import Question, close_test, descend, number, runs_test

MAX_ROWS = 5000


def prefix(slug: str) -> str:
    """The chapter's names in the notebook (its data and functions), unique per chapter."""
    return "csv_" + slug.replace("-", "_")


def setup(spec, columns, p: str) -> str:
    lines = ["import numpy as np", "",
             f"# {spec.csv_name}: {spec.x!r} (x) and {spec.y!r} (y), rows with an empty cell left out",
             f"{p}_x = np.array({number([float(v) for v in columns.x])})",
             f"{p}_y = np.array({number([float(v) for v in columns.y])})"]
    x, y = f"{p}_x", f"{p}_y"
    if spec.standardize and spec.intercept:
        lines += ["# z-scores: centre each column, divide by its standard deviation",
                  f"{x} = ({x} - {x}.mean()) / {x}.std()",
                  f"{y} = ({y} - {y}.mean()) / {y}.std()"]
    elif spec.standardize:
        lines += ["# divide by the root mean square, so that zero stays zero",
                  f"{x} = {x} / np.sqrt(np.mean({x} ** 2))",
                  f"{y} = {y} / np.sqrt(np.mean({y} ** 2))"]
    if spec.intercept:
        lines.append(f"{p}_X = np.column_stack([np.ones_like({x}), {x}])   "
                     f"# params = [intercept, slope]")
    else:
        lines.append(f"{p}_X = {x}[:, None]   # params = [slope]")
    return "\n".join(lines)


def questions(values: dict, scenario) -> list[Question]:
    from gdanim.chapters.csv.chapter import learning_rate_of, problem_of, round_rate, start_of

    spec, columns = scenario.compute.keywords["spec"], scenario.compute.keywords["columns"]
    if columns.rows > MAX_ROWS:
        return []
    problem = problem_of(spec, columns)
    X, y = problem.design, problem.y
    p = prefix(spec.slug)
    start = start_of(spec)
    best = problem.closed_form()
    guess = np.array([float(f"{v:.2g}") for v in (start + best) / 2])
    page_rate = learning_rate_of(spec, problem)
    fraction = values["csv_rate_fraction"]
    rate = round_rate(fraction * problem.threshold())
    if rate == page_rate:
        rate = round_rate(min(2 * fraction, 0.95) * problem.threshold())
    epochs = values["csv_epochs"]

    def loss(params):
        return float(np.mean((X @ params - y) ** 2))

    def gradient(params):
        return 2 * X.T @ (X @ params - y) / len(y)

    final = descend(gradient, start, rate, epochs)
    names = "[intercept, slope]" if spec.intercept else "[slope]"
    data = setup(spec, columns, p)
    where = f"{spec.y_label} from {spec.x_label}"
    guess_text, start_text = number(guess), number(start)
    return [
        Question(
            name=f"{p}_loss", chapter=spec.slug, title=f"{spec.title}: the loss",
            text=(f"Your teacher's data: {where}. Write `{p}_loss(params)`, the mean "
                  f"squared error of `{p}_X @ params` against `{p}_y` (params = {names}). "
                  f"Then set `{p}_loss_at` to the loss at {guess_text}."),
            formulas=("prediction = X @ params", "MSE = (1/n) Σ (X @ params − y)²"),
            setup=data,
            solution=(f"def {p}_loss(params):\n"
                      "    # BEGIN SOLUTION\n"
                      f"    return np.mean(({p}_X @ params - {p}_y) ** 2)\n"
                      "    # END SOLUTION\n\n\n"
                      f"{p}_loss_at = {p}_loss(np.array({guess_text}))"),
            public_tests=(close_test("start_loss", f"{p}_loss, np",
                                     f"{p}_loss(np.array({start_text}))", loss(start),
                                     f"the loss at the page's start {start_text}"),),
            hidden_tests=(close_test("loss_at", f"{p}_loss_at", f"{p}_loss_at", loss(guess),
                                     f"{p}_loss_at"),),
            answers={f"{p}_loss_at": loss(guess)}),
        Question(
            name=f"{p}_gradient", chapter=spec.slug, title=f"{spec.title}: the gradient",
            text=(f"Write `{p}_gradient(params)`: the gradient of your loss, as an array with "
                  f"one number per parameter ({names}). Then set `{p}_gradient_at` to the "
                  f"gradient at {guess_text}."),
            formulas=("gradient = (2/n) Xᵀ (X @ params − y)",),
            setup=data,
            solution=(f"def {p}_gradient(params):\n"
                      "    # BEGIN SOLUTION\n"
                      f"    return 2 * {p}_X.T @ ({p}_X @ params - {p}_y) / len({p}_y)\n"
                      "    # END SOLUTION\n\n\n"
                      f"{p}_gradient_at = {p}_gradient(np.array({guess_text}))"),
            public_tests=(runs_test("gradient_runs", f"{p}_gradient, np",
                                    f"{p}_gradient(np.array({start_text}))",
                                    f"{p}_gradient at the start"),),
            hidden_tests=(close_test("gradient_at", f"{p}_gradient_at", f"{p}_gradient_at",
                                     gradient(guess), f"{p}_gradient_at"),),
            answers={f"{p}_gradient_at": [float(v) for v in gradient(guess)]}),
        Question(
            name=f"{p}_descent", chapter=spec.slug, title=f"{spec.title}: the update loop",
            text=(f"Run gradient descent on your teacher's data from {start_text} with "
                  f"learning rate {number(rate)} for {epochs} epochs (the page used "
                  f"{number(page_rate)} and {spec.epochs}), using your `{p}_gradient`, and "
                  f"leave the result in `{p}_params`."),
            formulas=("params ← params − learning rate × gradient(params)",),
            setup=data,
            solution=(f"{p}_params = np.array({start_text})\n"
                      f"for epoch in range({epochs}):\n"
                      "    # BEGIN SOLUTION\n"
                      f"    {p}_params = {p}_params - {number(rate)} * {p}_gradient({p}_params)\n"
                      "    # END SOLUTION"),
            public_tests=(runs_test("params_finite", f"{p}_params", f"{p}_params",
                                    f"{p}_params"),),
            hidden_tests=(close_test("params", f"{p}_params", f"{p}_params", final,
                                     f"{p}_params"),),
            answers={f"{p}_params": [float(v) for v in final]}),
    ]
