"""The problems several chapters share: the belt chart's loss over the multiplier and
the penguins' loss over [intercept, slope], its surface and its least-squares answer.
Chapters and scenes use these rather than reaching into each other."""
from __future__ import annotations

import numpy as np

BELT_LESSON_RATE = 1e-5      # the learning rate the lesson uses on the belt chart


def belt_loss():
    """MSE on the belt chart as a function of the multiplier alone (float32)."""
    from functools import partial

    import jax.numpy as jnp

    from gdanim.data import BELT_CM, BELT_INCHES
    from gdanim.models import belt_mse

    return partial(belt_mse, inches=jnp.asarray(BELT_INCHES, jnp.float32),
                   cm=jnp.asarray(BELT_CM, jnp.float32))


def penguin_loss():
    """MSE of `X @ params` on the z-scored penguins, as a function of params alone."""
    from functools import partial

    import jax.numpy as jnp

    from gdanim.data import load_penguins
    from gdanim.models import linear_mse

    penguins = load_penguins()
    return partial(linear_mse, X=jnp.asarray(penguins.design, jnp.float32),
                   y=jnp.asarray(penguins.y, jnp.float32))


def loss_surface(intercepts: np.ndarray, slopes: np.ndarray) -> np.ndarray:
    """The loss at every (intercept, slope) pair, in one vmapped call. Returns shape
    (len(slopes), len(intercepts)): rows follow the slope, columns the intercept."""
    import jax.numpy as jnp

    from gdanim.data import load_penguins
    from gdanim.models import linear_losses

    penguins = load_penguins()
    b, m = np.meshgrid(intercepts, slopes)
    pairs = jnp.asarray(np.column_stack([b.ravel(), m.ravel()]), jnp.float32)
    losses = linear_losses(pairs, jnp.asarray(penguins.design, jnp.float32),
                           jnp.asarray(penguins.y, jnp.float32))
    return np.asarray(losses, dtype=float).reshape(b.shape)


def closed_form() -> np.ndarray:
    """Ordinary least squares in float64 (NumPy's lstsq): [intercept, slope]."""
    from gdanim.data import load_penguins

    penguins = load_penguins()
    return np.linalg.lstsq(penguins.design, penguins.y, rcond=None)[0]
