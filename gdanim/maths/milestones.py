"""Facts read off trajectories: when a run diverges, when it gets close to the best."""
from __future__ import annotations

import numpy as np


def divergence_threshold(X: np.ndarray) -> float:
    """The largest learning rate at which gradient descent on mean squared error for
    the linear model X @ params still converges: 2 / largest eigenvalue of the
    loss's Hessian, which is 2 XᵀX / n."""
    X = np.asarray(X, dtype=float).reshape(len(X), -1)
    hessian = 2 * X.T @ X / len(X)
    return float(2 / np.linalg.eigvalsh(hessian).max())


def first_exit(params: np.ndarray, low, high) -> int | None:
    """The first row whose parameters are non-finite or outside [low, high] (per
    parameter), or None if the run stays inside throughout."""
    params = np.asarray(params, dtype=float).reshape(len(params), -1)
    outside = ~np.isfinite(params) | (params < np.asarray(low)) | (params > np.asarray(high))
    rows = np.flatnonzero(outside.any(axis=1))
    return int(rows[0]) if len(rows) else None


def freeze_after(values: np.ndarray, row: int | None) -> np.ndarray:
    """A copy of `values` in which every row from `row` on repeats row `row - 1`:
    a diverged run stays where it was last seen on the plot."""
    values = np.array(values, copy=True)
    if row is not None:
        values[row:] = values[max(row - 1, 0)]
    return values


def first_true(mask) -> int | None:
    """Index of the first True in `mask`, or None (np.argmax would say 0)."""
    rows = np.flatnonzero(np.asarray(mask))
    return int(rows[0]) if len(rows) else None


def first_within(loss: np.ndarray, best: float, tolerance: float = 0.01) -> int | None:
    """The first step whose loss is within `tolerance` (relative) of `best`."""
    return first_true(np.asarray(loss) <= best * (1 + tolerance))


def stays_within(loss: np.ndarray, best: float, tolerance: float = 0.01) -> int | None:
    """The first step from which the loss stays within `tolerance` (relative) of `best`
    to the end of the run, or None if the last step is not within it. Unlike
    `first_within`, a run that swings through the target and out again has not arrived."""
    outside = np.flatnonzero(~(np.asarray(loss) <= best * (1 + tolerance)))
    if len(outside) == 0:
        return 0
    last = int(outside[-1])
    return None if last == len(loss) - 1 else last + 1
