"""Chapter 4: gradient descent on the belt data: step against the slope, 1000 times."""
from __future__ import annotations

import numpy as np

from gdanim.core import text
from gdanim.core.config import Quality
from gdanim.maths.problems import BELT_LESSON_RATE, belt_loss
from gdanim.chapters import Setting, scenario
from gdanim.core.values import Animation, Chapter, FrameTable

START, LEARNING_RATE, EPOCHS = 0.0, BELT_LESSON_RATE, 1000
SETTLED_WITHIN = 0.005      # "settled": this close to the final multiplier
# What gdanim.toml may change ([chapters.descent-1d]). Above 2 / (2 mean(inches²)) =
# 6.28e-4 the run diverges, which the learning-rates chapter shows.
SETTINGS = (
    Setting("learning_rate", float, LEARNING_RATE, 1e-7, 6e-4,
            "step size; the run diverges above 6.28e-4"),
    Setting("epochs", int, EPOCHS, 10, 20000, "number of steps"),
    Setting("start", float, START, 0.0, 5.0, "the first guess of the multiplier"),
)


def descend_belt(start: float = START, learning_rate: float = LEARNING_RATE,
                 epochs: int = EPOCHS):
    """The whole 1-D run as a Trajectory (one jitted scan)."""
    from gdanim.maths.train import gradient_descent

    return gradient_descent(belt_loss(), start, learning_rate, epochs)


@scenario("descent-1d", "Gradient descent in one dimension",
          "Start at 0 and repeatedly step against the gradient: the guess slides to the answer.",
          SETTINGS)
def run(quality: Quality, learning_rate: float = LEARNING_RATE, epochs: int = EPOCHS,
        start: float = START) -> Chapter:
    from functools import partial

    from gdanim.maths.milestones import first_true
    from gdanim.maths.data import BELT_CM, BELT_INCHES
    from gdanim.maths.losses import belt_losses
    from gdanim.figures.schedule import frame_epochs
    from gdanim.chapters.descent_1d.scenes import descent_scene

    run_ = descend_belt(start, learning_rate, epochs)
    steps = np.abs(np.diff(run_.params))
    final = float(run_.final)
    settled = first_true(np.abs(run_.params - final) < SETTLED_WITHIN)
    numbers = {"start": start, "learning_rate": learning_rate, "epochs": epochs,
               "final_multiplier": final, "final_loss": float(run_.loss[-1]),
               "start_loss": float(run_.loss[0]), "start_slope": float(run_.grad[0]),
               "first_step": float(steps[0]), "tenth_step": float(steps[9]),
               "last_step": float(steps[-1]), "settled_epoch": settled,
               "settled_within": SETTLED_WITHIN}
    grid = np.linspace(0.0, 5.0, 201)
    grid_losses = np.asarray(belt_losses(grid, BELT_INCHES, BELT_CM), dtype=float)
    pick = frame_epochs(epochs, quality.frames, quality.hold)
    frames = FrameTable(epoch=pick, loss=run_.loss[pick], params=run_.params[pick])
    animation = Animation(
        name="descent", title="Gradient descent on the belt data",
        alt=(f"Three panels moving together. Left: a dot starts at multiplier {start:g} high "
             f"on the loss valley and slides down to {text.number(final)}, in big steps at "
             f"first and "
             f"tiny ones later, with its tangent flattening. Top right: the fitted line "
             f"rises onto the belt data. Bottom right: the loss falls by epoch."),
        make_scene=partial(descent_scene, grid=grid, grid_losses=grid_losses, frames=frames,
                           frame_slopes=run_.grad[pick], all_loss=run_.loss,
                           learning_rate=learning_rate),
        frames=frames, poster_frame=int(np.argmax(pick >= 5)),
        params={"start": start, "learning_rate": learning_rate, "epochs": epochs},
        param_names=("multiplier",))
    from gdanim.chapters.explorers import belt_explorer

    explore_stills, explore = belt_explorer(learning_rate, start, epochs)
    return Chapter(numbers=numbers, animations=(animation,), stills=explore_stills,
                   context={"explorer": explore, "first_epochs": [{"epoch": e, "multiplier": float(run_.params[e]),
                                              "slope": float(run_.grad[e]),
                                              "loss": float(run_.loss[e])}
                                             for e in range(4)]})
