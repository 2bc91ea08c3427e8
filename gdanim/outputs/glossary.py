"""The glossary: every term a chapter uses, defined once in plain words.

Pages link a term with `{{ term("variance") }}` (or `term("variance", "variances")` for
other words): a link to its entry on glossary.html. An id that is not here stops the
build, so no page can link a term the glossary lacks. Each entry names the chapter
(slug) where the text first defines it, so the glossary can point back there."""
from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Term:
    id: str
    word: str               # as the glossary heads it
    meaning: str            # plain words; may hold simple HTML (<em>, <sub>)
    chapter: str            # the slug of the chapter that first uses and defines it
    anchor: str = ""        # where in that chapter, if not its top


TERMS = (
    Term("loss", "loss", "One number that says how wrong the model's guesses are: the "
         "smaller, the better. Training means making it small.", "guess-and-check"),
    Term("mse", "mean squared error (MSE)", "A loss: for each row, take the guess minus "
         "the actual value, square it (so misses either way count, and big misses count "
         "a lot), then average over all rows.", "guess-and-check"),
    Term("parameter", "parameter", "A number the model may change to fit the data: the "
         "belt chart's multiplier, or the penguins' intercept and slope.", "slopes"),
    Term("grid-search", "grid search", "Trying evenly spaced values of a parameter and "
         "keeping the one with the lowest loss.", "grid-search"),
    Term("derivative", "derivative", "How fast a function changes when its input moves a "
         "tiny bit: the slope of its curve at that point.", "slopes"),
    Term("tangent", "tangent", "The straight line that just touches a curve at one point "
         "and runs in the same direction as the curve there. Its slope is the curve's "
         "derivative at that point.", "slopes"),
    Term("gradient", "gradient", "The derivative with respect to every parameter at once: "
         "one slope per parameter. It points uphill, the way the loss grows fastest, so "
         "gradient descent steps the other way.", "slopes"),
    Term("float32", "float32 and float64", "How a computer stores numbers with a decimal "
         "point: float32 keeps about 7 significant digits, float64 about 16. JAX uses "
         "float32 unless told otherwise, so its last digits can differ from exact "
         "arithmetic.", "slopes"),
    Term("learning-rate", "learning rate (η, eta)", "The number the gradient is multiplied "
         "by to make one step: step = η × gradient. Too small and descent crawls; too "
         "large and it overshoots.", "descent-1d"),
    Term("epoch", "epoch", "One pass over all the training data. In full-batch descent "
         "every step uses all the data, so one step is one epoch.", "descent-1d"),
    Term("step", "step", "One update of the parameters: compute a gradient, move against "
         "it.", "descent-1d"),
    Term("verdicts", "converges, oscillates, diverges, creeps", "This site's four words "
         "for how a run ends. It <em>converges</em> when it settles within 1% of the "
         "answer (a run that jumps back and forth over the bottom but lands closer "
         "every time <em>zig-zags</em> in, and still converges); <em>oscillates</em> "
         "when it keeps jumping back and forth without settling or getting closer; "
         "<em>diverges</em> when its loss grows past every "
         "bound (or stops being a number); <em>creeps</em> when it is still far from the "
         "answer at the end: too slow, or stuck.", "descent-1d"),
    Term("jit", "jit (just-in-time compilation)", "<code>jax.jit(f)</code> turns a Python "
         "function into fast machine code the first time it runs; later calls reuse it.",
         "learning-rates"),
    Term("lax-scan", "lax.scan", "<code>jax.lax.scan</code> runs the same step many times "
         "inside one compiled program, carrying the state (here the parameters) from one "
         "step to the next: a fast loop.", "learning-rates"),
    Term("variance", "variance", "How spread out numbers are: the average of the squared "
         "distances from their mean. Its square root is the standard deviation.",
         "vectors"),
    Term("standard-deviation", "standard deviation", "The typical distance of numbers from "
         "their mean: the square root of the variance, in the same units as the numbers.",
         "vectors"),
    Term("z-score", "z-score", "A number's distance from the mean, counted in standard "
         "deviations: z = (x − mean) / standard deviation. Z-scored data have mean 0 and "
         "standard deviation 1, whatever units they came in.", "vectors"),
    Term("correlation", "correlation", "How closely two quantities rise and fall together, "
         "from −1 (one falls exactly as the other rises) through 0 (no straight-line link) "
         "to 1. For z-scored data it is the slope of the best straight line.",
         "penguins-2d"),
    Term("neural-network", "neural network (weights)", "A model built from many small "
         "pieces, each multiplying its input by a number (a <em>weight</em>, a parameter "
         "like the slope) and bending the result with a curve such as tanh; the pieces' "
         "outputs are added up. No formula gives its best weights, so it is trained by "
         "gradient descent. The bumpy chapter builds the smallest one.", "penguins-2d"),
    Term("least-squares", "least squares", "The line (or parameters) with the lowest "
         "possible MSE, found directly by algebra instead of by descending.",
         "penguins-2d"),
    Term("curvature", "curvature", "How fast the slope itself changes: a sharply bent "
         "valley has a high curvature, a wide flat one a low curvature. For the MSE of a "
         "straight-line model it is the same everywhere.", "learning-rates"),
    Term("threshold", "threshold (2 / curvature)", "The largest learning rate at which "
         "gradient descent on a bowl still settles: 2 divided by the bowl's steepest "
         "curvature. Above it, each step overshoots further than the last and the run "
         "diverges.", "descent-1d"),
    Term("matrix", "matrix", "A table of numbers in rows and columns. The vectors chapter's "
         "X is one: a row per penguin, a column of ones beside a column of bill lengths.",
         "vectors"),
    Term("eigenvalue", "eigenvalue", "A bowl over two parameters curves differently in "
         "different directions. Its curvatures along its steepest and its flattest "
         "direction are the two eigenvalues of its matrix of second derivatives (the "
         "Hessian); λ<sub>max</sub> is the larger.", "learning-rates"),
    Term("vmap", "vmap", "<code>jax.vmap(f)</code> makes a function that runs <code>f</code>"
         " on a whole array of inputs at once (here: many learning rates), as one "
         "vectorised computation instead of a Python loop.", "learning-rates"),
    Term("mini-batch", "mini-batch", "A small random handful of rows (here 32 penguins) "
         "used to compute one step's gradient, instead of all the data.", "mini-batches"),
    Term("sgd", "stochastic gradient descent (SGD)", "Gradient descent where each step's "
         "gradient comes from a mini-batch: cheaper steps, but noisy ones.",
         "mini-batches"),
    Term("full-batch", "full batch", "Every step's gradient computed on all the rows: the "
         "gradient descent of the chapters before mini-batches.", "mini-batches"),
    Term("seed", "random seed", "The number a random generator starts from. The same seed "
         "gives the same \u201crandom\u201d choices every time, so a run can be repeated "
         "exactly.", "mini-batches"),
    Term("gradient-evaluation", "gradient evaluation", "Computing one gradient: the work "
         "of one step. A full-batch gradient reads every row; a mini-batch gradient reads "
         "only the batch.", "mini-batches"),
    Term("arrival", "arrived (within 1%)", "This site's one rule for a run being done: its "
         "loss is within 1% of the best possible loss, its parameters are within 1% of "
         "the least-squares answer, and both stay so to the end of the run. A run that "
         "goes in and out of that band hovers, and we name every stay.", "mini-batches"),
    Term("optax", "optax", "A library of optimizers for JAX (gradient descent, momentum, "
         "RMSProp, Adam and more); the site's runs use its standard implementations.",
         "optimizers"),
    Term("optimizer", "optimizer", "The rule that turns gradients into steps. Plain "
         "gradient descent (step = η × gradient) is the simplest; momentum, RMSProp and "
         "Adam remember past gradients to shape each step.", "optimizers"),
    Term("running-average", "running average", "An average kept up to date one value at a "
         "time instead of recomputed: new average = β × old average + (1 − β) × new value. "
         "With β = 0.9 it keeps 90% of the old average at every step, so recent values "
         "count most and old ones fade.", "optimizers"),
    Term("bias-correction", "bias correction", "Adam's fix for running averages that start "
         "at zero and so are too small for the first few steps: at step t it divides them "
         "by 1 − β<sup>t</sup>, which is small at first and soon close to 1.", "optimizers"),
    Term("momentum", "momentum", "An optimizer that keeps a running sum of past gradients "
         "(a velocity) and steps along it, like a ball rolling downhill that speeds up on "
         "long slopes.", "optimizers"),
    Term("adam", "RMSProp and Adam", "Optimizers that divide each parameter's step by the "
         "size of its recent gradients, so every parameter moves at about the same pace; "
         "Adam adds momentum's running average on top.", "optimizers"),
    Term("condition-number", "condition number", "The steepest curvature of a bowl divided "
         "by its flattest: 1 for a round bowl, large for a long narrow valley, where one "
         "learning rate cannot suit both directions.", "optimizers", "valley"),
    Term("hessian", "Hessian", "The table of a loss's second derivatives (how each slope "
         "changes as each parameter moves); its eigenvalues are the bowl's curvatures.",
         "learning-rates"),
    Term("saddle", "saddle", "A point where the gradient is zero but which is a minimum in "
         "one direction and a maximum in another, like the middle of a horse's saddle.",
         "bumpy"),
    Term("tanh", "tanh", "A function that squashes any number into the range from −1 to 1: "
         "close to a straight line near zero, flat far from it.", "bumpy"),
    Term("schedule", "learning-rate schedule", "A learning rate that changes during the "
         "run, usually big early and smaller later, so mini-batch noise dies down near "
         "the bottom.", "bumpy"),
    Term("newtons-method", "Newton's method", "A way to find where the gradient is zero "
         "that divides each step by the curvature: on a bowl it lands on the bottom in one "
         "step, and near a minimum it needs only a few. It heads for saddles as readily "
         "as for minima, so it suits pinning down a point already found.", "bumpy"),
)

BY_ID = {t.id: t for t in TERMS}
NAME = "glossary.html"


def link(id: str, text: str | None = None) -> Markup:
    """`<a class="term" href="glossary.html#id">text</a>`; an unknown id is an error."""
    if id not in BY_ID:
        raise KeyError(f"term({id!r}): no such entry in gdanim/outputs/glossary.py "
                       f"(known: {', '.join(BY_ID)})")
    return Markup(f'<a class="term" href="{NAME}#{id}">'
                  f'{escape(text if text is not None else BY_ID[id].word)}</a>')
