"""What the CSV chapter's computing (chapter.py) and its figures (figures.py) share."""
from __future__ import annotations

BATCH_SIZE = 32             # mini-batch SGD's rows a step
GRID_POINTS = 161           # the loss surface's grid, each way
CLOSE_WITHIN = 0.01         # "arrived": loss within 1% of the least-squares loss


def batch_size(rows: int) -> int:
    """BATCH_SIZE rows a step, but at least four batches an epoch on small data (a
    batch of every row would be full-batch descent again)."""
    return max(1, min(BATCH_SIZE, rows // 4))
