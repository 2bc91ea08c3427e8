"""Homework that grades itself: what a question is, the [homework] settings, and the
questions of the chapters chosen (each chapter's folder may hold a homework.py whose
`questions(values)` returns its questions; a CSV chapter's take its spec and columns).

A question carries its text, the formulas a learner needs, the code the learner starts
from, the solution, and otter-grader tests (exception-based: functions whose
arguments otter fills from the notebook's variables). Public tests check the code
against the numbers the site itself shows; hidden tests (only in autograder.zip)
check it at the homework's own settings, which differ from the pages', against
numbers computed here in float64. Every number a learner's answer is compared with is
in `answers`: the answer key and the teacher's manifest print these."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from importlib import import_module

import numpy as np

RTOL = 1e-4                 # answers are checked to this relative tolerance (0.01%)
ATOL = 1e-6                 # and this absolute one, for answers that are ~0


@dataclass(frozen=True)
class Question:
    name: str                   # otter's question name: a Python identifier, unique
    chapter: str                # the slug of the chapter it belongs to
    title: str
    text: str                   # Markdown: what to do (no answer in it)
    formulas: tuple[str, ...]   # plain text, one per line, for the worksheet too
    solution: str               # the answer cell, with otter's SOLUTION markers
    public_tests: tuple[str, ...] = ()
    hidden_tests: tuple[str, ...] = ()
    answers: dict = field(default_factory=dict)   # what the hidden tests expect
    points: int = 1
    setup: str = ""             # code given to the learner before the question

    @property
    def starter(self) -> str:
        """The answer cell as the learner gets it: each BEGIN/END SOLUTION block is
        `...`, as otter assign strips it."""
        lines, skipping = [], False
        for line in self.solution.splitlines():
            if line.strip() == "# BEGIN SOLUTION":
                skipping = True
                lines.append(line.replace("# BEGIN SOLUTION", "..."))
            elif line.strip() == "# END SOLUTION":
                skipping = False
            elif not skipping:
                lines.append(line)
        return "\n".join(lines)


# -- the [homework] settings -----------------------------------------------------------

@dataclass(frozen=True)
class HomeworkSetting:
    name: str
    default: object
    help: str
    low: float | None = None
    high: float | None = None
    choices: tuple = ()
    kind: str = "number"        # number, int, choice, list
    length: int = 0             # a list's length, if it must have one
    example: str = "[0.0002, 0.0007]"

    def problem(self, value) -> str | None:
        if self.kind == "choice":
            if value not in self.choices:
                return f"must be one of {', '.join(map(repr, self.choices))}, not {value!r}"
            return None
        if self.kind == "list":
            if not isinstance(value, list) or not value or not all(
                    isinstance(v, (int, float)) and not isinstance(v, bool) for v in value):
                return f"must be a non-empty list of numbers, like {self.example}, not {value!r}"
            if self.length and len(value) != self.length:
                return (f"must be a list of {self.length} numbers, like {self.example}, "
                        f"not {value!r}")
            bad = [v for v in value if not self.low <= v <= self.high]
            if bad:
                return f"{bad[0]!r} is out of range (from {self.low:g} to {self.high:g})"
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)) or \
                (self.kind == "int" and not isinstance(value, int)):
            return f"must be {'a whole number' if self.kind == 'int' else 'a number'}, not {value!r}"
        if not self.low <= value <= self.high:
            return f"{value!r} is out of range (from {self.low:g} to {self.high:g})"
        return None


BELT_THRESHOLD = 1 / float(np.mean(np.array([30.5, 32.5, 34.5, 36.5, 38.5, 40.5, 42.5,
                                              44.5, 46.5, 48.5]) ** 2))
# Each differs from what the pages use, so the pages do not give the answers away.
SETTINGS = (
    HomeworkSetting("guess", 2.2, "the multiplier whose MSE question 1 asks (pages: 1.5, 1.7)",
                    0.0, 5.0),
    HomeworkSetting("grid_points", 41, "how many multipliers from 0 to 5 the grid search "
                                       "tries (pages: 50)", 3, 2000, kind="int"),
    HomeworkSetting("slope_at", 2.0, "where the gradient is asked (pages: 1.7)", 0.0, 5.0),
    HomeworkSetting("start", 1.0, "the first guess of the belt descent (pages: 0)", 0.0, 5.0),
    HomeworkSetting("learning_rate", 2e-5, "the belt descent's learning rate (pages: 1e-5); "
                                           "it diverges above 6.28e-4", 1e-7, 6e-4),
    HomeworkSetting("epochs", 25, "the belt descent's number of steps (pages: 1000)",
                    10, 20000, kind="int"),
    HomeworkSetting("penguin_column", "flipper_length_mm", "the penguins' column that predicts "
                    "body mass (pages: bill_length_mm)",
                    choices=("flipper_length_mm", "bill_depth_mm", "bill_length_mm"),
                    kind="choice"),
    HomeworkSetting("penguin_learning_rate", 0.05, "the penguins' learning rate (pages: 0.01)",
                    1e-4, 0.99),
    HomeworkSetting("penguin_epochs", 100, "the penguins' number of steps (pages: 1000)",
                    10, 20000, kind="int"),
    HomeworkSetting("sweep_rates", [2e-4, 5e-4, 6e-4, 7e-4], "the learning rates of the "
                    "sweep; none within 2% of the threshold 6.28e-4 (pages: 2%, 25%, 90% "
                    "and 110% of it)", 1e-7, 1e-2, kind="list"),
    HomeworkSetting("sweep_epochs", 30, "the sweep's number of steps (pages: 40)", 5, 5000,
                    kind="int"),
    HomeworkSetting("momentum", 0.8, "momentum's β in the optimizer question (pages: 0.9)",
                    0.0, 0.99),
    HomeworkSetting("momentum_epochs", 30, "momentum's number of steps", 10, 20000,
                    kind="int"),
    HomeworkSetting("bumpy_start", [1.5, -1.0], "where the tanh network's descent starts, "
                    "[w1, w2] (pages: five starts, none of them this)", -3.0, 3.0,
                    kind="list", length=2, example="[1.5, -1.0]"),
    HomeworkSetting("bumpy_learning_rate", 0.8, "the tanh network's learning rate (pages: 1)",
                    1e-3, 1.8),
    HomeworkSetting("bumpy_epochs", 300, "the tanh network's number of steps (pages: 600); "
                    "the run must end within 1% of a minimum", 10, 20000, kind="int"),
    HomeworkSetting("csv_rate_fraction", 0.1, "a CSV chapter's homework learning rate, as a "
                    "fraction of its divergence threshold (its page: 0.05, or its own)",
                    0.001, 0.95),
    HomeworkSetting("csv_epochs", 150, "a CSV chapter's homework number of steps (its page: "
                                       "its epochs)", 10, 20000, kind="int"),
)
DEFAULTS = {s.name: s.default for s in SETTINGS}


def check(table) -> tuple[dict, list[tuple[str, str]]]:
    """The [homework] table's values (missing ones at their defaults) and its problems,
    as (key, problem) pairs."""
    known = {s.name: s for s in SETTINGS}
    values, problems = dict(DEFAULTS), []
    if not isinstance(table, dict):
        return values, [("homework", "must be a table ([homework])")]
    for key, value in table.items():
        if key not in known:
            import difflib

            close = difflib.get_close_matches(key, list(known), n=1, cutoff=0.6)
            problems.append((f"homework.{key}", "unknown key" + (
                f" (did you mean {close[0]!r}?)" if close else "") +
                f"; known keys: {', '.join(known)}"))
            continue
        problem = known[key].problem(value)
        if problem:
            problems.append((f"homework.{key}", problem))
        else:
            values[key] = [float(v) for v in value] if known[key].kind == "list" else value
    near = [r for r in values["sweep_rates"] if abs(r / BELT_THRESHOLD - 1) < 0.02]
    if near and not any(k == "homework.sweep_rates" for k, _ in problems):
        problems.append(("homework.sweep_rates", f"{near[0]!r} is within 2% of the divergence "
                         f"threshold {BELT_THRESHOLD:.4g}: whether it settles in time is "
                         f"decided by rounding; choose a rate further from it"))
    return values, problems


def with_homework(site, data: dict, add_problem):
    """`site` (a SiteInfo) with gdanim.toml's [homework] values; each problem goes to
    add_problem(key, problem)."""
    from dataclasses import replace

    values, problems = check(data.get("homework", {}))
    for key, problem in problems:
        add_problem(key, problem)
    if "homework" not in data:
        return site
    return replace(site, homework=tuple(sorted(
        (k, tuple(v) if isinstance(v, list) else v) for k, v in values.items())))


def describe_lines() -> list[str]:
    """What `list --settings` says about [homework]."""
    lines = ["", "The homework's own numbers, in gdanim.toml as [homework] (`python generate.py "
             "homework`; they differ from the pages' so the site does not give the answers "
             "away):", ""]
    return lines + [f"    {s.name:<22} default {s.default!s:<20} {s.help}" for s in SETTINGS]


def values_of(site) -> dict:
    """The homework's values from a SiteInfo (its [homework] pairs over the defaults)."""
    return {**DEFAULTS, **{k: list(v) if isinstance(v, tuple) else v
                           for k, v in getattr(site, "homework", ())}}


# -- the questions of a site -----------------------------------------------------------

def questions(scenarios, values: dict | None = None) -> list[Question]:
    """Every question of these chapters, in reading order. A chapter without a
    homework.py has none."""
    values = {**DEFAULTS, **(values or {})}
    found: list[Question] = []
    for scenario in scenarios:
        package = scenario.module.rsplit(".", 1)[0]
        try:
            module = import_module(f"{package}.homework")
        except ModuleNotFoundError as missing:
            if missing.name != f"{package}.homework":
                raise
            continue
        found.extend(module.questions(values, scenario))
    names = [q.name for q in found]
    assert len(set(names)) == len(names), f"question names repeat: {names}"
    return found


# -- helpers for writing tests ---------------------------------------------------------

def number(value) -> str:
    """The one way a homework number is written: Python's shortest exact form (the
    answer key, the tests and the manifest agree to the last digit)."""
    if isinstance(value, (bool, np.bool_)):
        return repr(bool(value))
    if isinstance(value, str):
        return json.dumps(value)            # valid Python and JSON alike
    if isinstance(value, (list, tuple, np.ndarray)):
        return "[" + ", ".join(number(v) for v in value) + "]"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    return repr(float(value))


def close_test(test: str, names: str, expression: str, expected, what: str) -> str:
    """A test that `expression` (using the notebook's `names`) is within RTOL of
    `expected`. Its failure message says what was wrong without the answer."""
    return (f"def test_{test}({names}):\n"
            f"    import numpy as np\n"
            f"    got = {expression}\n"
            + _not_none(what) +
            f"    got = np.asarray(got, dtype=float)\n"
            f"    want = np.asarray({number(expected)})\n"
            f"    assert got.shape == want.shape, f\"{what}: expected shape {{want.shape}}, "
            f"got {{got.shape}}\"\n"
            f"    assert np.allclose(got, want, rtol={RTOL!r}, atol={ATOL!r}), (\n"
            f"        f\"{what} is {{got}}, which is not the expected value (checked to "
            f"{RTOL * 100:g}%)\")\n")


def _not_none(what: str) -> str:
    """The most common beginner's slip, named: a function without `return` (or a
    variable left as None) gives None, not a number."""
    return (f"    assert got is not None, (\"{what} is None: does the function end with "
            f"`return ...`, and is every variable set?\")\n")


def runs_test(test: str, names: str, expression: str, what: str) -> str:
    """A test that `expression` gives finite numbers (the learner's code runs)."""
    return (f"def test_{test}({names}):\n"
            f"    import numpy as np\n"
            f"    got = {expression}\n"
            + _not_none(what) +
            f"    got = np.asarray(got, dtype=float)\n"
            f"    assert np.all(np.isfinite(got)), f\"{what} should be a finite number, "
            f"not {{got}}\"\n")


def descend(gradient, start, rate: float, epochs: int) -> np.ndarray:
    """Plain gradient descent in float64: the homework's reference loop."""
    params = np.asarray(start, dtype=float)
    for _ in range(epochs):
        params = params - rate * gradient(params)
    return params


def belt_setup() -> str:
    """The belt chart as the notebook gives it (the same cell wherever it is needed)."""
    from gdanim.maths.data import BELT_CM, BELT_INCHES

    return ("import numpy as np\n\n"
            "# The belt chart: each belt's length in inches and in centimetres.\n"
            f"inches = np.array({number(BELT_INCHES)})\n"
            f"cm = np.array({number(BELT_CM)})")


def belt_mse(multiplier: float) -> float:
    from gdanim.maths.data import BELT_CM, BELT_INCHES

    return float(np.mean((multiplier * BELT_INCHES - BELT_CM) ** 2))


def belt_gradient(multiplier):
    from gdanim.maths.data import BELT_CM, BELT_INCHES

    return float(np.mean(2 * (multiplier * BELT_INCHES - BELT_CM) * BELT_INCHES))
