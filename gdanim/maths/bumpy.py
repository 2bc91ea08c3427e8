"""The smallest neural network: y = w2 · tanh(w1 · x), fitted by mean squared error to
the z-scored penguins (bill length -> body mass). Two parameters, so the whole loss
landscape can be drawn, and it is not a bowl: the loss is unchanged when both weights
flip sign, so its minima come in mirror-image pairs, and the origin (both weights zero)
is a saddle where the gradient vanishes. Float64 NumPy versions here are the checks;
`jax_loss` is what the figures' runs use (float32)."""
from __future__ import annotations

import numpy as np


def data() -> tuple[np.ndarray, np.ndarray]:
    from gdanim.maths.data import load_penguins

    p = load_penguins()
    return p.x, p.y


def loss(params, x=None, y=None) -> np.ndarray:
    """MSE at params of shape (..., 2) = (w1, w2), float64."""
    if x is None:
        x, y = data()
    params = np.asarray(params, dtype=float)
    w1, w2 = params[..., :1], params[..., 1:]
    return np.mean((w2 * np.tanh(w1 * x) - y) ** 2, axis=-1)


def gradient(params, x=None, y=None, rows=None) -> np.ndarray:
    """d loss / d (w1, w2) at params of shape (..., 2), float64; on `rows` only if given."""
    if x is None:
        x, y = data()
    if rows is not None:
        x, y = x[rows], y[rows]
    params = np.asarray(params, dtype=float)
    w1, w2 = params[..., :1], params[..., 1:]
    t = np.tanh(w1 * x)
    error = w2 * t - y
    d1 = np.mean(2 * error * w2 * (1 - t ** 2) * x, axis=-1)
    d2 = np.mean(2 * error * t, axis=-1)
    return np.stack([d1, d2], axis=-1)


def hessian(params, h: float = 1e-6) -> np.ndarray:
    """Second derivatives at one point, by central differences of the exact gradient."""
    params = np.asarray(params, dtype=float)
    rows = [(gradient(params + h * e) - gradient(params - h * e)) / (2 * h) for e in np.eye(2)]
    H = np.array(rows)
    return (H + H.T) / 2


def minimum(start=(1.0, 1.0), steps: int = 200) -> np.ndarray:
    """A minimum by Newton's method from `start` (float64); the gradient there is ~0."""
    p = np.asarray(start, dtype=float)
    for _ in range(steps):
        p = p - np.linalg.solve(hessian(p), gradient(p))
    return p


def jax_loss():
    """The same loss as a function of params alone, float32, for JAX."""
    import jax.numpy as jnp

    x, y = data()
    x, y = jnp.asarray(x, jnp.float32), jnp.asarray(y, jnp.float32)

    def mse(params):
        return jnp.mean((params[1] * jnp.tanh(params[0] * x) - y) ** 2)
    return mse


def jax_batch_loss():
    """loss(params, rows): the same on a mini-batch of rows (float32)."""
    import jax.numpy as jnp

    x, y = data()
    x, y = jnp.asarray(x, jnp.float32), jnp.asarray(y, jnp.float32)

    def mse(params, rows):
        return jnp.mean((params[1] * jnp.tanh(params[0] * x[rows]) - y[rows]) ** 2)
    return mse
