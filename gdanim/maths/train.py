"""Pure JAX training: one jitted `lax.scan` over epochs returns the whole trajectory."""
from __future__ import annotations

from typing import Callable

import jax
import jax.numpy as jnp
import numpy as np
import optax

from gdanim.core.values import Trajectory  # noqa: F401 (the result type of every run here)


def descend(loss_fn: Callable, start, optimizer: optax.GradientTransformation,
            epochs: int) -> Trajectory:
    """Run `epochs` full-batch steps of `optimizer` on `loss_fn(params)` from `start`."""
    value_and_grad = jax.value_and_grad(loss_fn)

    def step(carry, _):
        params, state = carry
        loss, grad = value_and_grad(params)
        updates, state = optimizer.update(grad, state, params)
        return (optax.apply_updates(params, updates), state), (params, loss, grad)

    @jax.jit
    def run(params):
        (last, _), (ps, ls, gs) = jax.lax.scan(step, (params, optimizer.init(params)),
                                               length=epochs)
        last_loss, last_grad = value_and_grad(last)
        return (jnp.concatenate([ps, last[None]]), jnp.append(ls, last_loss),
                jnp.concatenate([gs, last_grad[None]]))

    params, loss, grad = run(jnp.asarray(start, dtype=jnp.float32))
    return Trajectory(params=np.asarray(params), loss=np.asarray(loss),
                      grad=np.asarray(grad))


def gradient_descent(loss_fn: Callable, start, learning_rate: float,
                     epochs: int) -> Trajectory:
    """Plain full-batch gradient descent: params <- params - learning_rate * grad."""
    return descend(loss_fn, start, optax.sgd(learning_rate), epochs)


def batch_order(n_rows: int, batch_size: int, steps: int, seed: int) -> np.ndarray:
    """Row indices for `steps` mini-batches: each epoch is a fresh seeded shuffle cut
    into whole batches (the few rows left over wait for the next shuffle). Every
    stochastic optimizer gets this same array, so the race is fair."""
    rng = np.random.default_rng(seed)
    per_epoch = n_rows // batch_size
    epochs = -(-steps // per_epoch)
    order = np.concatenate([rng.permutation(n_rows)[: per_epoch * batch_size]
                            for _ in range(epochs)])
    return order[: steps * batch_size].reshape(steps, batch_size)


def descend_minibatch(batch_loss: Callable, full_loss: Callable, start,
                      optimizer: optax.GradientTransformation,
                      batches: np.ndarray) -> Trajectory:
    """One optimizer step per row of `batches`, using `batch_loss(params, rows)`'s
    gradient. The recorded loss is `full_loss(params)`, so runs compare fairly; the
    recorded grad is the mini-batch gradient that was used."""
    batch_grad = jax.grad(batch_loss)

    def step(carry, rows):
        params, state = carry
        grad = batch_grad(params, rows)
        updates, state = optimizer.update(grad, state, params)
        return (optax.apply_updates(params, updates), state), (params, full_loss(params), grad)

    @jax.jit
    def run(params, batches):
        (last, _), (ps, ls, gs) = jax.lax.scan(step, (params, optimizer.init(params)), batches)
        return (jnp.concatenate([ps, last[None]]), jnp.append(ls, full_loss(last)),
                jnp.concatenate([gs, jnp.full_like(last, jnp.nan)[None]]))

    params, loss, grad = run(jnp.asarray(start, dtype=jnp.float32), jnp.asarray(batches))
    return Trajectory(params=np.asarray(params), loss=np.asarray(loss),
                      grad=np.asarray(grad))
