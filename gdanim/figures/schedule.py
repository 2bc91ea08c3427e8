"""Which epochs become frames: dense where the picture changes fast, sparse where it crawls."""
from __future__ import annotations

import numpy as np


def frame_epochs(epochs: int, frames: int, hold: int = 0) -> np.ndarray:
    """About `frames` distinct epochs from 0 to `epochs`, spaced geometrically (early
    steps are big, so they get more frames), then the last epoch repeated `hold` times."""
    frames = max(2, min(frames, epochs + 1))
    count = frames
    while True:
        picks = np.unique(np.round(np.geomspace(1, epochs + 1, count)).astype(int) - 1)
        if len(picks) >= frames or count > 50 * frames:
            break
        count += 1
    picks = picks[np.round(np.linspace(0, len(picks) - 1, frames)).astype(int)]
    return np.concatenate([picks, np.full(hold, epochs)]).astype(int)


def even_frames(n_items: int, frames: int, hold: int = 0) -> np.ndarray:
    """Indices 0..n_items-1 thinned evenly to at most `frames`, last one held."""
    frames = max(2, min(frames, n_items))
    picks = np.unique(np.round(np.linspace(0, n_items - 1, frames)).astype(int))
    return np.concatenate([picks, np.full(hold, n_items - 1)]).astype(int)
