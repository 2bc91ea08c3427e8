"""The lecturer's guide (teach.html): lesson plans with timings, resolved against the
chapters this site was built with, and each chapter's learning objectives (OBJECTIVES in
its folder's exercises.py).

A plan is a list of blocks: minutes, a chapter (None: the whole class), what to do, and
what to show (an animation, the explorer, one of its questions, an exercise). Blocks
whose chapter is not in the build are left out; chapters in the build that no plan names
(a teacher's CSV chapter) are added as optional blocks."""
from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class Block:
    minutes: int
    chapter: str | None
    what: str
    show: tuple[tuple[str, str], ...] = ()   # (kind, name): animation, explorer,
                                             # question, exercise


FIFTY = (
    Block(7, "guess-and-check", "Pose the puzzle: the belt chart and a multiplier we pretend "
          "not to know. Take a guess from the room, score 1.5 together on the board, and "
          "name the score: the mean squared error. Learners then score a guess of their own "
          "in pairs.", (("exercise", "first-error"), ("exercise", "mse"))),
    Block(5, "grid-search", "Let the computer guess: play the sweep, pause it near the best "
          "and ask what a grid can miss.", (("animation", "sweep"), ("exercise", "pick"))),
    Block(6, "slopes", "The loss is a valley with a slope. Play the tangent; ask which way to "
          "move from 1.7 and from 3.5, and why the sign of the slope says it.",
          (("animation", "tangent"), ("exercise", "slope-1-7"))),
    Block(10, "descent-1d", "Step against the slope. Play the descent; do the first step by "
          "hand together; then learners use the explorer to make the guess overshoot and "
          "still settle.", (("animation", "descent"), ("exercise", "first-step"),
                            ("explorer", ""), ("exercise", "overshoot"))),
    Block(8, "learning-rates", "How big a step? Ask the “predict, then check” question before "
          "showing anything, then play the four rates and compute the threshold together.",
          (("question", "past-threshold"), ("animation", "belt"), ("exercise", "threshold"))),
    Block(4, "vectors", "Two parameters: z-scores, the column of ones, a prediction as a "
          "dot product, done together on the board; play the guesses on the loss map.",
          (("exercise", "dot"), ("animation", "guesses"))),
    Block(4, "penguins-2d", "Play the descent on the contour map: a straight path down a "
          "round bowl.", (("animation", "descent"), ("explorer", ""))),
    Block(4, "optimizers", "Beyond plain descent: play the race on the round bowl and ask "
          "whether Adam is always best.", (("animation", "race"), ("exercise", "beat-adam"))),
    Block(2, None, "Recap the loop (guess, measure, slope, step) and set the homework on "
          "the chapters shown today; its bumpy-landscape questions need that chapter first."),
)

SESSION_ONE = (
    Block(12, "guess-and-check", "The puzzle, a guess from the room, errors and the MSE. "
          "Learners do both exercises in pairs and compare.",
          (("exercise", "first-error"), ("exercise", "mse"))),
    Block(10, "grid-search", "Play the sweep; learners work out the grid's step and its pick, "
          "and how far off a grid can be.", (("animation", "sweep"), ("exercise", "spacing"),
                                             ("exercise", "pick"), ("exercise", "worst-case"))),
    Block(10, "slopes", "The valley and its slope: play the tangent, then the slope at 1.7 by "
          "hand and where the slope is zero.", (("animation", "tangent"),
                                               ("exercise", "slope-1-7"), ("exercise", "bottom"))),
    Block(15, "descent-1d", "Gradient descent: play it, one step by hand, then both explorer "
          "tasks on laptops or phones.", (("animation", "descent"), ("exercise", "first-step"),
                                          ("explorer", ""), ("exercise", "overshoot"),
                                          ("exercise", "fastest"))),
    Block(3, None, "Recap, and set the homework's questions on these four chapters "
          "(guess-and-check to gradient descent)."),
)

SESSION_TWO = (
    Block(5, "descent-1d", "Warm-up: the explorer's question about the smallest rate, "
          "answered by show of hands, then checked.", (("question", "smallest-rate"),)),
    Block(6, "vectors", "Two parameters: z-scores, the column of ones, the dot product; "
          "learners score the flat first guess without a computer, then watch guesses "
          "move across the loss map.",
          (("exercise", "dot"), ("exercise", "flat-start"), ("animation", "guesses"))),
    Block(6, "penguins-2d", "The loss surface and descent across it; learners find the "
          "quickest rate with the explorer.",
          (("animation", "descent"), ("exercise", "fastest"))),
    Block(10, "learning-rates", "Predict first, then the four regimes and the threshold; "
          "learners find the edge in the explorer.",
          (("question", "past-threshold"), ("animation", "belt"), ("exercise", "threshold"),
           ("exercise", "edge"))),
    Block(5, "mini-batches", "Steps, gradient evaluations and epochs; mini-batches against the "
          "full batch at the same budget, each at its best rate.",
          (("exercise", "epoch-rows"), ("animation", "noise"))),
    Block(7, "optimizers", "Momentum, RMSProp and Adam: the race on the round bowl, the long "
          "valley. Learners make Adam lose.",
          (("animation", "race"), ("animation", "valley"), ("exercise", "beat-adam"))),
    Block(8, "bumpy", "A landscape with two valleys and a saddle: which valley a run reaches "
          "depends on where it starts.", (("animation", "paths"), ("exercise", "saddle-loss"),
                                         ("exercise", "mixed-start"))),
    Block(3, None, "Recap: the same loop everywhere; what changes is the landscape. Set the "
          "rest of the homework (from the penguins to the bumpy landscape)."),
)

EXTRA_MINUTES = 8      # an optional block for a chapter no plan names (a CSV chapter)


def objectives(page: dict) -> tuple[str, ...]:
    """The chapter's learning objectives (OBJECTIVES in its folder's exercises.py)."""
    template = page.get("template") or f"chapters/{page['slug']}.html"
    folder = template.removeprefix("chapters/").removesuffix(".html").replace("-", "_")
    try:
        module = import_module(f"gdanim.chapters.{folder}.exercises")
    except ModuleNotFoundError:
        return ()
    return tuple(getattr(module, "OBJECTIVES", ()))


def resolve(plan: tuple[Block, ...], pages: list[dict], exercises: dict, kit) -> dict:
    """The plan's rows for this build: {rows: [{start, end, chapter, what, show: [{label,
    href, presenter}]}], minutes, optional: [...] (rows for chapters no plan names)}.
    `exercises` maps slug -> Exercises (or None); `kit(animation)` is the slides kit's
    entry for an animation (None without a kit)."""
    by_slug = {p["slug"]: p for p in pages}
    rows, clock = [], 0
    for block in plan:
        page = by_slug.get(block.chapter) if block.chapter else None
        if block.chapter and page is None:
            continue
        rows.append({"start": clock, "end": clock + block.minutes, "page": page,
                     "what": block.what,
                     "show": [s for s in (_item(kind, name, page, exercises, kit)
                                          for kind, name in block.show) if s]})
        clock += block.minutes
    return {"rows": rows, "minutes": clock}


def unplanned(pages: list[dict], exercises: dict, kit) -> list[dict]:
    """Optional rows for the chapters no plan names (a teacher's CSV chapter)."""
    named = {b.chapter for b in FIFTY + SESSION_ONE + SESSION_TWO}
    out = []
    for page in pages:
        if page["slug"] in named:
            continue
        show = [_item("animation", a.name, page, exercises, kit) for a in page["animations"]]
        if "explorer" in page["context"]:
            show.append(_item("explorer", "", page, exercises, kit))
        ex = exercises.get(page["slug"])
        show += [_item("exercise", e.id, page, exercises, kit) for e in (ex.items if ex else ())]
        out.append({"minutes": EXTRA_MINUTES, "page": page, "show": [s for s in show if s]})
    return out


def _item(kind: str, name: str, page: dict, exercises: dict, kit) -> dict | None:
    """One thing to show, as a link into the site (and the presenter view, if a kit has
    it), or None when this build has no such thing."""
    href = page["href"]
    if kind == "animation":
        found = [a for a in page["animations"] if a.name == name]
        if not found:
            return None
        a = found[0]
        entry = kit(a)
        return {"label": f"Animation: {a.title}", "href": f"{href}#{a.scenario}-{a.name}",
                "presenter": entry["presenter"] if entry else None}
    if kind == "explorer":
        if "explorer" not in page["context"]:
            return None
        entries = [e for e in map(kit, page["animations"]) if e]
        presenter = (entries[0]["presenter"].split("#")[0] + f"#{page['slug']}-explore"
                     if entries else None)
        return {"label": "Explorer: “Try it yourself”", "href": f"{href}#explore",
                "presenter": presenter}
    if kind == "question":
        x = page["context"].get("explorer") or {}
        found = [q for q in x.get("questions", ()) if q["id"] == name]
        if not found:
            return None
        return {"label": f"Question: {found[0]['text']}", "href": f"{href}#explore",
                "presenter": None}
    ex = exercises.get(page["slug"])
    found = [e for e in (ex.items if ex else ()) if e.id == name]
    if not found:
        return None
    e = found[0]        # a number's answer, for the lecturer at the board
    answer = f" (answer: {e.shown}{' ' + e.unit if e.unit else ''})" if e.kind == "number" else ""
    return {"label": f"Exercise: {e.title}{answer}", "href": f"{href}#exercise-{name}",
            "presenter": None}
