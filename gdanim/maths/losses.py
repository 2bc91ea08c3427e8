"""The lesson's models and losses, written in JAX so `jax.grad` can differentiate them."""
from functools import lru_cache

import jax.numpy as jnp


def belt_mse(multiplier, inches, cm):
    """Mean squared error of the guess `cm = multiplier * inches`."""
    predictions = multiplier * inches
    return jnp.mean((predictions - cm) ** 2)


def linear_mse(params, X, y):
    """Mean squared error of the linear model `X @ params` (params = [intercept, slope])."""
    predictions = X @ params
    return jnp.mean((predictions - y) ** 2)


def belt_losses(multipliers, inches, cm):
    """The belt loss at many multipliers at once (vectorised with `jax.vmap`)."""
    return _batched(belt_mse)(multipliers, inches, cm)


def linear_losses(params_stack, X, y):
    """`linear_mse` for every row of `params_stack` (shape (k, 2)) in one call."""
    return _batched(linear_mse)(params_stack, X, y)


@lru_cache(maxsize=None)
def _batched(loss):
    """loss(params, data...) -> one jitted function over a stack of params. Built once
    per loss, so repeated calls reuse the compiled code."""
    import jax

    return jax.jit(jax.vmap(loss, in_axes=(0, None, None)))

