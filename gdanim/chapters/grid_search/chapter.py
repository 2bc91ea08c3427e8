"""Chapter 2: try 50 evenly spaced multipliers and keep the one with the lowest loss."""
from __future__ import annotations

import numpy as np

from gdanim.core.config import Quality
from gdanim.chapters import scenario
from gdanim.core.values import Animation, Chapter, FrameTable

START, STOP, COUNT = 0.0, 5.0, 50


@scenario("grid-search", "Grid search",
          f"Try {COUNT} multipliers between {START:g} and {STOP:g} and keep the one with the "
          f"smallest loss.")
def run(quality: Quality) -> Chapter:
    from functools import partial

    from gdanim.maths.data import BELT_CM, BELT_INCHES
    from gdanim.maths.losses import belt_losses
    from gdanim.figures.schedule import even_frames
    from gdanim.chapters.grid_search.scenes import grid_sweep_scene

    grid = np.linspace(START, STOP, COUNT)
    losses = np.asarray(belt_losses(grid, BELT_INCHES, BELT_CM), dtype=float)
    best = int(np.argmin(losses))
    numbers = {"candidates": COUNT, "start": START, "stop": STOP,
               "spacing": float(grid[1] - grid[0]), "best_index": best + 1,
               "best_multiplier": float(grid[best]), "best_mse": float(losses[best]),
               "worst_mse": float(losses.max())}
    pick = even_frames(COUNT, quality.sweep_frames(COUNT),
                       quality.hold)
    # Candidates are numbered from 1, as on the page and in the figure's readout.
    frames = FrameTable(epoch=pick + 1, loss=losses[pick], params=grid[pick])
    sweep = Animation(
        name="sweep", title="Grid search, one candidate at a time",
        alt=(f"Left: the belt data with a candidate line that swings upward as the "
             f"multiplier grows from {START:g} to {STOP:g}. Right: the loss traced for each "
             f"of the {COUNT} candidates, a U-shaped curve whose lowest point, "
             f"{grid[best]:.4f}, is marked with a star."),
        make_scene=partial(grid_sweep_scene, grid=grid, losses=losses, frames=frames),
        frames=frames, poster_frame=len(frames) - 1, frame_label="candidate",
        params={"start": START, "stop": STOP, "candidates": COUNT},
        param_names=("multiplier",),
        fps=max(4, quality.fps // 2))
    return Chapter(numbers=numbers, animations=(sweep,),
                   context={"table": [{"multiplier": float(m), "mse": float(l)}
                                      for m, l in zip(grid, losses)]})
