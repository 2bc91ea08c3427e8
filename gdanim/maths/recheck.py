"""The same runs again, other ways: the check behind every claim a page makes about a
run. `sweeps.sweep` computes what the figures show (float32, optax, vectorised over
the grid); this module recomputes it with the textbook update rules in float64 NumPy
(`run`), and with optax itself in float64 or float32, over the grid or one rate at a
time (`optax_run`), so a claim ("Adam arrives from epoch 92") that holds only because
of one way's rounding is caught. JAX is imported only by `optax_run`."""
from __future__ import annotations

from typing import Callable

import numpy as np

EPSILON = 1e-8       # optax's default for RMSProp (inside the root) and Adam (outside)
DEFAULT_BETA = {"gd": None, "momentum": 0.9, "rmsprop": 0.9, "adam": 0.9}
ADAM_B2 = 0.999


def linear_gradient(X: np.ndarray, y: np.ndarray, rows: np.ndarray | None = None):
    """grad(params) for the MSE of X @ params, params of shape (..., P), in float64;
    with `rows`, the gradient on those rows only (a mini-batch)."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)

    gram, cross = 2 * X.T @ X / len(y), 2 * X.T @ y / len(y)   # the whole data, once

    def grad(params, rows=rows):
        if rows is None:
            return params @ gram - cross
        Xb, yb = X[rows], y[rows]
        return 2 * (params @ Xb.T - yb) @ Xb / len(yb)
    return grad


def linear_loss(X: np.ndarray, y: np.ndarray):
    """The MSE of X @ params for params of shape (..., P), from the data's sums."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    gram, cross, mean_y2 = X.T @ X / len(y), X.T @ y / len(y), float(np.mean(y ** 2))

    def loss(params):
        with np.errstate(over="ignore", invalid="ignore"):
            return (np.einsum("...i,ij,...j->...", params, gram, params)
                    - 2 * params @ cross + mean_y2)
    return loss


def run(grad: Callable, loss: Callable, start, rates, epochs: int, optimizer: str = "gd",
        beta: float | None = None, batches: np.ndarray | None = None):
    """Every rate from `start`: `epochs` full-batch steps, or one step per row of
    `batches` when given (then `grad(params, rows)` is the batch gradient). Returns
    (params (R, steps + 1, P), loss (R, steps + 1)), the loss always on all the data."""
    rates = np.asarray(rates, dtype=float)[:, None]
    beta = DEFAULT_BETA[optimizer] if beta is None else beta
    params = np.tile(np.asarray(start, dtype=float), (len(rates), 1))
    first = np.zeros_like(params)      # momentum's velocity, Adam's average gradient
    second = np.zeros_like(params)     # RMSProp's and Adam's average squared gradient
    steps = epochs if batches is None else len(batches)
    path = [params]
    with np.errstate(over="ignore", invalid="ignore"):    # a diverging rate overflows
        for t in range(1, steps + 1):
            g = grad(params) if batches is None else grad(params, batches[t - 1])
            if optimizer == "gd":
                step = g
            elif optimizer == "momentum":
                first = g + beta * first
                step = first
            elif optimizer == "rmsprop":
                second = beta * second + (1 - beta) * g ** 2
                step = g / np.sqrt(second + EPSILON)
            elif optimizer == "adam":
                first = beta * first + (1 - beta) * g
                second = ADAM_B2 * second + (1 - ADAM_B2) * g ** 2
                step = ((first / (1 - beta ** t))
                        / (np.sqrt(second / (1 - ADAM_B2 ** t)) + EPSILON))
            else:
                raise ValueError(f"unknown optimizer {optimizer!r}")
            params = params - rates * step
            path.append(params)
    params = np.stack(path, axis=1)
    with np.errstate(over="ignore", invalid="ignore"):
        return params, loss(params)


def optax_run(X: np.ndarray, y: np.ndarray, start, rates, epochs: int,
              optimizer: str = "gd", beta: float | None = None, x64: bool = True,
              one_at_a_time: bool = False):
    """optax's own optimizer on the MSE of X @ params, every rate from `start` for
    `epochs` full-batch steps, with the data, parameters and arithmetic in float64
    (`x64`, JAX's 64-bit mode switched on for this call only) or float32; vectorised
    over the rates (as the site's sweeps are) or `one_at_a_time`. Returns (params (R,
    epochs + 1, P), loss (R, epochs + 1)) as float64 arrays."""
    import jax
    import jax.numpy as jnp

    from gdanim.maths.sweeps import run_one

    x64_mode = getattr(jax, "enable_x64", None)
    if x64_mode is None:                                   # older JAX
        from jax.experimental import enable_x64 as x64_mode
    with x64_mode(x64):
        dtype = jnp.float64 if x64 else jnp.float32
        Xj, yj = jnp.asarray(X, dtype), jnp.asarray(y, dtype)

        def mse(params):
            return jnp.mean((Xj @ params - yj) ** 2)
        first = jnp.asarray(start, dtype)

        def one(rate):
            return run_one(mse, optimizer, rate, first, epochs, beta)

        rates = jnp.asarray(rates, dtype)
        if one_at_a_time:
            single = jax.jit(one)
            out = [single(r) for r in rates]
            params, loss = np.stack([o[0] for o in out]), np.stack([o[1] for o in out])
        else:
            params, loss = jax.jit(jax.vmap(one))(rates)
        return np.asarray(params, dtype=float), np.asarray(loss, dtype=float)
