"""Chapter: a bumpy landscape. The smallest neural network, y = w2 · tanh(w1 · x), on the
z-scored penguins: two mirror-image minima and a saddle at the origin, so where a run
starts decides where it ends. Gradient descent from several starts (one compiled sweep),
then mini-batches with a constant against a decaying learning rate. Every claim is
recomputed in float64 (NumPy) and the page says the check's result."""
from __future__ import annotations

import numpy as np

from gdanim.chapters import scenario
from gdanim.core.config import Quality
from gdanim.core.text import fmt
from gdanim.core.values import Animation, Chapter, FrameTable, Still, Trajectory

STARTS = ((-2.0, -2.5), (2.5, -1.0), (-1.0, 2.0), (0.8, -1.5), (0.001, 0.0005))
START_NAMES = ("A", "B", "C", "D", "E")
RATE = 1.0
EPOCHS = 600
VIEW = ((-3.0, 3.0), (-3.0, 3.0))
NEAR_SADDLE = 0.99           # "lingering": the loss still above 99% of the saddle's
LANDED = 0.01                # landed: within 1% (relative distance) of a minimum
# The schedule: mini-batch SGD, constant rate against rate / (1 + step / DECAY_STEPS).
SCHEDULE_START = (2.5, -1.0)
SCHEDULE_RATE = 1.0
DECAY_STEPS = 100
SCHEDULE_EPOCHS = 60
BATCH_SIZE = 32
SEED = 0


def decayed(rate: float, step):
    return rate / (1 + step / DECAY_STEPS)


def where_it_lands(final, minima) -> str:
    """'+' or '-' (the minimum within LANDED of `final`), 'saddle' (still at the origin)
    or 'between'."""
    final = np.asarray(final, dtype=float)
    for tag, m in zip("+-", minima):
        if np.linalg.norm(final - m) <= LANDED * np.linalg.norm(m):
            return tag
    if np.linalg.norm(final) < 1e-9:
        return "saddle"
    return "between"


def descend64(starts, rate: float, epochs: int) -> np.ndarray:
    """Gradient descent from every start in float64: params (S, epochs + 1, 2)."""
    from gdanim.maths import bumpy

    x, y = bumpy.data()
    p = np.asarray(starts, dtype=float)
    path = [p]
    for _ in range(epochs):
        p = p - rate * bumpy.gradient(p, x, y)
        path.append(p)
    return np.stack(path, axis=1)


def minibatch64(start, order, rate: float, decay: bool) -> np.ndarray:
    """Mini-batch SGD in float64, one step per row of `order`: params (steps + 1, 2)."""
    from gdanim.maths import bumpy

    x, y = bumpy.data()
    p = np.asarray(start, dtype=float)
    path = [p]
    for t, rows in enumerate(order):
        p = p - (decayed(rate, t) if decay else rate) * bumpy.gradient(p, x, y, rows)
        path.append(p)
    return np.stack(path)


def paths():
    """(float32 sweep over the starts, float64 params, minima, saddle loss)."""
    from gdanim.maths import bumpy
    from gdanim.maths.sweeps import sweep

    plus = bumpy.minimum((1.0, 1.0))
    minima = (plus, -plus)
    s = sweep(bumpy.jax_loss(), STARTS, [RATE], EPOCHS, keep=np.arange(EPOCHS + 1))
    return s, descend64(STARTS, RATE, EPOCHS), minima


def schedule():
    """Mini-batch runs with a constant and a decaying rate (float32, optax), the batch
    order, and the same two runs in float64."""
    import optax

    from gdanim.maths import bumpy
    from gdanim.maths.train import batch_order, descend_minibatch

    x, _ = bumpy.data()
    per_epoch = len(x) // BATCH_SIZE
    order = batch_order(len(x), BATCH_SIZE, SCHEDULE_EPOCHS * per_epoch, SEED)
    full, batch = bumpy.jax_loss(), bumpy.jax_batch_loss()
    runs = {"constant": descend_minibatch(batch, full, SCHEDULE_START,
                                          optax.sgd(SCHEDULE_RATE), order),
            "decaying": descend_minibatch(batch, full, SCHEDULE_START,
                                          optax.sgd(lambda t: decayed(SCHEDULE_RATE, t)),
                                          order)}
    runs64 = {"constant": minibatch64(SCHEDULE_START, order, SCHEDULE_RATE, False),
              "decaying": minibatch64(SCHEDULE_START, order, SCHEDULE_RATE, True)}
    return runs, runs64, order, per_epoch


def mark_numbers() -> dict:
    """Why a rate below the explorer's mark can still diverge. The mark is 2 / the
    steepest curvature at the minima. From the chapter's starts, the saddle and four
    others across the view, on a fine log grid of rates below the mark (one compiled
    sweep): the smallest rate from which some start diverges, how many do, and the
    steepest curvature (and its 2 / curvature) at each of those starts: higher than at
    the minima, so their own limit is lower."""
    from gdanim.maths import bumpy
    from gdanim.maths.sweeps import sweep

    minimum = np.asarray(bumpy.minimum(), dtype=float)
    curvature = float(np.linalg.eigvalsh(bumpy.hessian(minimum)).max())
    mark = 2 / curvature
    (a0, a1), (b0, b1) = VIEW
    others = [(w1, w2) for w2 in np.linspace(b0, b1, 4)[1:-1] for w1 in np.linspace(a0, a1, 4)[1:-1]]
    starts = list(dict.fromkeys([tuple(map(float, s)) for s in STARTS] + [(0.0, 0.0)]
                                + [tuple(map(float, s)) for s in others]))
    rates = np.array(sorted({float(f"{r:.2g}") for r in np.geomspace(mark / 4, mark, 16)
                             if float(f"{r:.2g}") < mark}))
    runs = sweep(bumpy.jax_loss(), np.array(starts), rates, EPOCHS,
                 best=np.stack([minimum, -minimum]))
    out = {"mark": mark, "mark_curvature": curvature, "explore_starts": len(starts)}
    rows = [k for k in range(len(rates)) if (runs.verdict[k] == "diverges").any()]
    if not rows:
        return {**out, "first_diverging_rate": None}
    first = rows[0]
    gone = [s for s, v in zip(starts, runs.verdict[first]) if v == "diverges"]
    steepest = [float(np.linalg.eigvalsh(bumpy.hessian(np.asarray(s, float))).max())
                for s in gone]
    return {**out, "first_diverging_rate": float(rates[first]),
            "first_diverging_count": len(gone), "first_diverging_below_mark": True,
            "diverging_curvature_low": min(steepest), "diverging_curvature_high": max(steepest),
            "diverging_limit_low": 2 / max(steepest), "diverging_limit_high": 2 / min(steepest)}


def _linger(loss, saddle_loss: float) -> int:
    """Epochs before the loss first drops below NEAR_SADDLE of the saddle's loss."""
    below = np.flatnonzero(np.asarray(loss) < NEAR_SADDLE * saddle_loss)
    return int(below[0]) if len(below) else len(loss)


@scenario("bumpy", "A bumpy landscape: the smallest neural network",
          "y = w2 · tanh(w1 · x) on the penguins: two mirror-image minima and a saddle, "
          "paths from several starts, and a learning rate that shrinks.")
def run(quality: Quality) -> Chapter:
    from functools import partial

    from gdanim.figures.schedule import frame_epochs
    from gdanim.chapters.bumpy.scenes import landscape, schedule_figure
    from gdanim.figures.scenes.race import race_scene
    from gdanim.maths import bumpy

    x, y = bumpy.data()
    s, params64, minima = paths()
    saddle_loss = float(bumpy.loss(np.zeros(2), x, y))
    min_loss = float(bumpy.loss(minima[0], x, y))
    eig_min = np.linalg.eigvalsh(bumpy.hessian(minima[0]))
    eig_saddle = np.linalg.eigvalsh(bumpy.hessian(np.zeros(2)))
    runs = [Trajectory(s.params[0, k], s.loss[0, k], np.full_like(s.params[0, k], np.nan))
            for k in range(len(STARTS))]
    loss64 = bumpy.loss(params64, x, y)
    numbers = {"rate": RATE, "epochs": EPOCHS, "rows": len(x),
               "minimum": [float(v) for v in minima[0]], "minimum_loss": min_loss,
               "minimum_curvatures": [float(v) for v in eig_min],
               "saddle_loss": saddle_loss, "saddle_curvatures": [float(v) for v in eig_saddle],
               "saddle_gradient": float(np.abs(bumpy.gradient(np.zeros(2), x, y)).max()),
               "minimum_gradient": float(np.abs(bumpy.gradient(minima[0], x, y)).max()),
               "near_saddle": NEAR_SADDLE, "landed_within": LANDED,
               "starts": [list(p) for p in STARTS], "start_names": list(START_NAMES)}
    holds = True
    for k, name in enumerate(START_NAMES):
        land32 = where_it_lands(runs[k].final, minima)
        land64 = where_it_lands(params64[k, -1], minima)
        linger32 = _linger(runs[k].loss, saddle_loss)
        linger64 = _linger(loss64[k], saddle_loss)
        holds &= land32 == land64 and abs(linger32 - linger64) <= 2
        numbers.update({f"start_{name}_lands": land32, f"start_{name}_lands64": land64,
                        f"start_{name}_linger": linger32, f"start_{name}_linger64": linger64,
                        f"start_{name}_final": [float(v) for v in runs[k].final],
                        f"start_{name}_final_loss": float(runs[k].loss[-1])})
    # Exactly at the saddle the gradient is zero: the run never moves (float32 and 64).
    at_saddle = descend64([(0.0, 0.0)], RATE, 5)[0]
    numbers["others_linger_max"] = max(numbers[f"start_{s}_linger"] for s in START_NAMES[:-1])
    numbers["saddle_run_moves"] = bool(np.abs(at_saddle).max() > 0)
    numbers["paths_hold"] = bool(holds)

    pick = frame_epochs(EPOCHS, quality.frames, quality.hold)
    frames = FrameTable(epoch=pick, loss=np.stack([r.loss[pick] for r in runs], 1),
                        params=np.stack([r.params[pick] for r in runs], 1))
    where = {"+": "the positive minimum", "-": "the mirror-image minimum",
             "saddle": "the saddle", "between": "neither minimum (not within 1%)"}
    summary = "; ".join(f"{n} ({p[0]:g}, {p[1]:g}) ends at {where[numbers[f'start_{n}_lands']]}"
                        for n, p in zip(START_NAMES, STARTS))
    caption = (f"Gradient descent with η {RATE:g} for {EPOCHS} epochs from {len(STARTS)} "
               f"starts: {summary}.")
    keys = ["gd", "momentum", "rmsprop", "adam", "sgd"]        # one look (colour, dash) per start
    anim = Animation(
        name="paths", title=f"{len(STARTS)} starts on a bumpy landscape",
        alt=(f"Left: the loss over w1 (across) and w2 (up), from -3 to 3 each: two dark "
             f"valleys, one at w1 {minima[0][0]:.2f}, w2 {minima[0][1]:.2f} and its mirror "
             f"image, with a saddle at the origin, and {len(STARTS)} paths. Right: each "
             f"run's loss above the minimum by epoch. {caption}"),
        make_scene=partial(race_scene, runs=runs, keys=keys,
                           legend=[f"start {n} ({p[0]:g}, {p[1]:g})"
                                   for n, p in zip(START_NAMES, STARTS)],
                           frames=frames, best_loss=min_loss, labels=("w1", "w2"),
                           background=partial(landscape, view=VIEW, minima=minima,
                                              starts=dict(zip(START_NAMES, STARTS))),
                           title="Paths on the loss landscape", start_label=None,
                           readout_text=partial(_readout, epochs=EPOCHS)),
        frames=frames, poster_frame=len(frames) - 1, frame_label="epoch",
        param_names=("w1", "w2"), run_names=tuple(f"start {n}" for n in START_NAMES),
        params={"starts": [list(p) for p in STARTS], "learning_rate": RATE,
                "epochs": EPOCHS})

    # The schedule.
    sched, sched64, order, per_epoch = schedule()
    steps = len(order)
    late = slice(steps // 2, None)
    for key in ("constant", "decaying"):
        r, p64 = sched[key], sched64[key]
        l64 = bumpy.loss(p64, x, y)
        gap, gap64 = r.loss[late] - min_loss, l64[late] - min_loss
        numbers.update({
            f"schedule_{key}_late_median": float(np.median(gap)),
            f"schedule_{key}_late_median_loss": float(np.median(r.loss[late])),
            f"schedule_{key}_late_max": float(gap.max()),
            f"schedule_{key}_late_median64": float(np.median(gap64)),
            f"schedule_{key}_late_max64": float(gap64.max()),
            f"schedule_{key}_final_distance": float(np.linalg.norm(r.final - minima[0])
                                                    / np.linalg.norm(minima[0])),
            f"schedule_{key}_final_distance64": float(np.linalg.norm(p64[-1] - minima[0])
                                                      / np.linalg.norm(minima[0]))})
    numbers.update({"schedule_rate": SCHEDULE_RATE, "schedule_decay_steps": DECAY_STEPS,
                    "schedule_epochs": SCHEDULE_EPOCHS, "schedule_steps": steps,
                    "schedule_final_rate": decayed(SCHEDULE_RATE, steps - 1),
                    "batch_size": BATCH_SIZE, "seed": SEED, "batches_per_epoch": per_epoch,
                    "schedule_start": list(SCHEDULE_START)})
    # The page's claim: the decaying run ends closer and bobs less (typical gap over the
    # second half), in float32 and again in float64.
    numbers["schedule_holds"] = bool(all(
        numbers[f"schedule_decaying_{k}"] < numbers[f"schedule_constant_{k}"]
        for k in ("late_median", "late_median64", "final_distance", "final_distance64")))
    labels = (f"constant η {SCHEDULE_RATE:g}",
              f"η {SCHEDULE_RATE:g} / (1 + step / {DECAY_STEPS})")
    still = Still(
        "schedule",
        (f"The loss above the minimum, log scale, by epoch, for mini-batch SGD from w1 "
         f"{SCHEDULE_START[0]:g}, w2 {SCHEDULE_START[1]:g}: with a constant learning rate "
         f"it bobs (over the second half typically "
         f"{fmt(numbers['schedule_constant_late_median'], '.1e')} above); with a shrinking "
         f"one it settles (typically {fmt(numbers['schedule_decaying_late_median'], '.1e')})."),
        partial(schedule_figure, steps_per_epoch=per_epoch, constant=sched["constant"].loss,
                decaying=sched["decaying"].loss, best_loss=min_loss, labels=labels))
    from gdanim.chapters.explorers import bumpy_explorer

    explore_stills, explore = bumpy_explorer(RATE, EPOCHS, VIEW, STARTS)
    numbers.update(mark_numbers())
    return Chapter(numbers=numbers, animations=(anim,), stills=(still,) + explore_stills,
                   context={"caption": caption, "where": where, "explorer": explore})


def _readout(step: int, epochs: int) -> str:
    return f"epoch {step:3d} of {epochs}    gradient descent, η {RATE:g}, {len(STARTS)} starts"
