"""The values that travel between pipeline stages: a chapter's results, its figures
(animations and stills), the frame table an animation shows, and the scene a figure
becomes. Every stage imports this module; it imports none of them."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from gdanim.core.config import Quality


@dataclass
class Scene:
    """A figure drawn once, plus the artists that move and how to move them."""

    fig: Any                        # matplotlib Figure
    moving: list                    # artists redrawn each frame
    update: Callable[[int], None]   # put frame i on the moving artists
    n_frames: int


@dataclass(frozen=True)
class FrameTable:
    """What each frame shows: the epoch (or candidate number, or step), its loss and
    parameters."""

    epoch: np.ndarray
    loss: np.ndarray
    params: np.ndarray

    def __len__(self) -> int:
        return len(self.epoch)

    def rows(self) -> list[dict]:
        """One JSON-ready dict per frame. Animations of several runs have a loss per
        run and a parameter vector per run."""
        loss = np.asarray(self.loss, dtype=float)
        params = np.asarray(self.params, dtype=float)
        if params.ndim == 1:
            params = params[:, None]
        if not np.isfinite(params).all():
            raise ValueError("frame table has non-finite parameters; freeze diverged runs")
        # A diverged run's true loss is kept; one too large for float32 is null.
        def value(v):
            return float(v) if np.isfinite(v) else None
        return [{"epoch": int(e),
                 "loss": [value(v) for v in l] if np.ndim(l) else value(l),
                 "params": p.tolist()}
                for e, l, p in zip(self.epoch, loss, params)]


@dataclass(frozen=True)
class Animation:
    name: str                             # file stem, unique within the chapter
    title: str
    alt: str                              # describes what the animation shows
    make_scene: Callable[[Quality], Scene]
    frames: FrameTable
    poster_frame: int                     # index of the frame used as the poster
    params: dict                          # the settings it was made with (for the manifest)
    frame_label: str = "epoch"            # what FrameTable.epoch counts
    fps: int | None = None                # None: the quality's frame rate
    param_names: tuple[str, ...] = ()     # one per column of FrameTable.params, for
                                          # the page's readout ("multiplier")
    run_names: tuple[str, ...] = ()       # several runs in one animation: their labels
    left_plot: tuple = ()                 # per run: the epoch it left the plot (its
                                          # picture frozen there, its loss still true), or None


@dataclass(frozen=True)
class Still:
    name: str
    alt: str
    make_figure: Callable[[Quality], Any]


@dataclass(frozen=True)
class Chapter:
    """A scenario's results: numbers for the page and manifest, figures to render,
    and anything else the template needs (tables, code)."""

    numbers: dict[str, Any]
    animations: tuple[Animation, ...] = ()
    stills: tuple[Still, ...] = ()
    context: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Trajectory:
    """Row e holds the state after e epochs (row 0 is the start), so every array has
    epochs + 1 rows: parameters, the loss there, and the gradient there."""

    params: np.ndarray   # (epochs + 1,) or (epochs + 1, n_params)
    loss: np.ndarray     # (epochs + 1,)
    grad: np.ndarray     # same shape as params

    @property
    def epochs(self) -> int:
        return len(self.loss) - 1

    @property
    def final(self) -> np.ndarray:
        return self.params[-1]
