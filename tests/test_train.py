"""The jitted scan against a plain NumPy gradient-descent loop."""
import numpy as np
import pytest

from gdanim.maths.data import BELT_CM, BELT_INCHES
from gdanim.chapters.descent_1d.chapter import descend_belt


def numpy_descent(start, learning_rate, epochs):
    m, history = start, [start]
    for _ in range(epochs):
        slope = 2 * np.mean((m * BELT_INCHES - BELT_CM) * BELT_INCHES)
        m = m - learning_rate * slope
        history.append(m)
    return np.array(history)


@pytest.mark.parametrize("learning_rate,epochs", [(1e-5, 1000), (3e-5, 200)])
def test_trajectory_matches_numpy_loop(learning_rate, epochs):
    run = descend_belt(0.0, learning_rate, epochs)
    expected = numpy_descent(0.0, learning_rate, epochs)
    assert run.params.shape == (epochs + 1,)
    np.testing.assert_allclose(run.params, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(run.loss, np.mean((expected[:, None] * BELT_INCHES - BELT_CM) ** 2,
                                                 axis=1), rtol=1e-3, atol=1e-3)
    np.testing.assert_allclose(run.grad[:5], [2 * np.mean((m * BELT_INCHES - BELT_CM) * BELT_INCHES)
                                              for m in expected[:5]], rtol=1e-4)


def test_trajectory_is_frozen_numpy():
    run = descend_belt(0.0, 1e-5, 10)
    assert isinstance(run.params, np.ndarray)
    with pytest.raises(AttributeError):
        run.params = None
