import numpy as np
import pytest

from gdanim.figures.schedule import even_frames, frame_epochs


@pytest.mark.parametrize("epochs,frames", [(1000, 16), (1000, 120), (50, 200), (5, 3)])
def test_frame_epochs_span_the_run(epochs, frames):
    picks = frame_epochs(epochs, frames)
    assert picks[0] == 0 and picks[-1] == epochs
    assert len(picks) == min(frames, epochs + 1)
    assert np.all(np.diff(picks) > 0)


def test_frame_epochs_dense_early_sparse_late():
    gaps = np.diff(frame_epochs(1000, 60))
    assert gaps[0] < gaps[-1]


def test_hold_repeats_the_last_frame():
    assert list(frame_epochs(100, 5, hold=3)[-4:]) == [100] * 4
    assert list(even_frames(50, 10, hold=2)[-3:]) == [49] * 3
