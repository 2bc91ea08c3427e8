"""Many runs in one compiled call: an optimizer over a grid of learning rates and
starting points, with `jax.vmap` over the same jitted `lax.scan` a single run uses.

Every run is exactly the lesson's run at that setting (float32, the same update rule),
so an explorer or a race drawn from a sweep shows the lesson's own numbers. What can be
said about each run (its verdict) is read off its whole loss curve here, in NumPy."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from gdanim.maths import verdicts

OPTIMIZERS = ("gd", "momentum", "rmsprop", "adam")


def make_optimizer(name: str, learning_rate, beta: float | None = None):
    """The optax optimizer `name` at `learning_rate` (a number or a traced value).
    `beta` is momentum's β, RMSProp's decay or Adam's b1; None keeps optax's default
    (momentum 0.9, which optax leaves to the caller)."""
    import optax

    if name == "gd":
        return optax.sgd(learning_rate)
    if name == "momentum":
        return optax.sgd(learning_rate, momentum=0.9 if beta is None else beta)
    if name == "rmsprop":
        return optax.rmsprop(learning_rate) if beta is None else \
            optax.rmsprop(learning_rate, decay=beta)
    if name == "adam":
        return optax.adam(learning_rate) if beta is None else optax.adam(learning_rate, b1=beta)
    raise ValueError(f"unknown optimizer {name!r} (choose from: {', '.join(OPTIMIZERS)})")


def kept_epochs(epochs: int, count: int = 64) -> np.ndarray:
    """Epochs an explorer shows: every one of the first few, then log-spaced, always
    including 0 and the last."""
    if epochs + 1 <= count:
        return np.arange(epochs + 1)
    dense = np.arange(min(11, epochs + 1))
    spread = np.geomspace(10, epochs, count - len(dense) + 1).round().astype(int)
    return np.unique(np.concatenate([dense, spread, [epochs]]))


def run_one(loss_fn: Callable, optimizer: str, rate, start, epochs: int,
            beta: float | None = None):
    """One full-batch run of `optimizer` on `loss_fn(params)` from `start` at `rate`,
    as JAX traces it (inside `jax.jit`, `jax.vmap`): (params (epochs + 1, P), loss
    (epochs + 1,)), epoch 0 first. The one run every sweep and recheck repeats."""
    import jax
    import jax.numpy as jnp
    import optax

    opt = make_optimizer(optimizer, rate, beta)
    value_and_grad = jax.value_and_grad(loss_fn)

    def step(carry, _):
        params, state = carry
        loss, grad = value_and_grad(params)
        updates, state = opt.update(grad, state, params)
        return (optax.apply_updates(params, updates), state), (params, loss)

    (last, _), (ps, ls) = jax.lax.scan(step, (start, opt.init(start)), length=epochs)
    return jnp.concatenate([ps, last[None]]), jnp.append(ls, loss_fn(last))


@dataclass(frozen=True)
class Sweep:
    """Runs over rates × starts. Arrays are indexed [rate, start, kept epoch, ...]."""

    optimizer: str
    beta: float | None
    rates: np.ndarray          # (R,)
    starts: np.ndarray         # (S, P)
    epochs: np.ndarray         # (K,) the kept epochs, 0 and the last included
    params: np.ndarray         # (R, S, K, P) float32, as the run computed them
    loss: np.ndarray           # (R, S, K) float32
    verdict: np.ndarray        # (R, S) "converges" | "oscillates" | "diverges" | "creeps"
    diverged_at: np.ndarray    # (R, S) first epoch from which the run only gets worse; -1
    arrived_at: np.ndarray     # (R, S) first epoch from which it stays arrived; -1
    distance: np.ndarray       # (R, S) final relative distance from the best parameters


def sweep(loss_fn: Callable, starts, rates, epochs: int, optimizer: str = "gd",
          beta: float | None = None, best=None, keep: np.ndarray | None = None,
          within: float = 0.01) -> Sweep:
    """Run `optimizer` on `loss_fn(params)` (params a vector) from every start at every
    rate for `epochs` full-batch steps, in one compiled call. `best` (the least-squares
    parameters, when known) lets each run be judged by where its parameters land as well
    as by its loss: arrived means loss within `within` (relative) of the best loss and
    parameters within `within` (relative distance) of `best`, staying so to the end."""
    import jax
    import jax.numpy as jnp

    starts = np.asarray(starts, dtype=np.float32).reshape(len(starts), -1)
    rates = np.asarray(rates, dtype=np.float32)
    keep = kept_epochs(epochs) if keep is None else np.asarray(keep)

    def one(rate, start):
        return run_one(loss_fn, optimizer, rate, start, epochs, beta)

    run = jax.jit(jax.vmap(jax.vmap(one, in_axes=(None, 0)), in_axes=(0, None)))
    params, loss = run(jnp.asarray(rates), jnp.asarray(starts))
    params, loss = np.asarray(params), np.asarray(loss)     # (R, S, E+1, P), (R, S, E+1)
    if best is not None and np.ndim(best) == 2:     # several answers (minima): the nearest
        verdict, diverged, arrived, distance = nearest_answer(
            params, loss, best, [float(loss_fn(jnp.asarray(b, dtype=jnp.float32))) for b in best],
            within)
    else:
        best_loss = None if best is None else float(loss_fn(jnp.asarray(best, dtype=jnp.float32)))
        verdict, diverged, arrived, distance = judge(params, loss, best, best_loss, within)
    return Sweep(optimizer, beta, rates, starts, keep, params[:, :, keep], loss[:, :, keep],
                 verdict, diverged, arrived, distance)


def judge(params: np.ndarray, loss: np.ndarray, best=None, best_loss=None,
          within: float = 0.01):
    """Per run (leading axes), from the whole run, by `verdicts.verdict`, the rules every
    output says its verdicts by: the verdict, the epoch it left (diverges; -1 for any
    other verdict), the epoch from which it stays within `within` of the answer to the end
    (-1: it is outside at the end), and its final distance from `best` (relative). `best`
    may hold several answers, one per row, with `best_loss` one loss each: a run is judged
    against the answer it ends nearest to."""
    params, loss = np.asarray(params, dtype=float), np.asarray(loss, dtype=float)
    shape = loss.shape[:-1]
    params = params.reshape(*shape, loss.shape[-1], -1)
    kinds = np.full(shape, "", dtype="<U10")
    diverged, arrived = np.full(shape, -1), np.full(shape, -1)
    distance = np.full(shape, np.nan)
    for at in np.ndindex(*shape):
        v = verdicts.verdict(loss[at], params[at], best, best_loss, within)
        kinds[at], distance[at] = v.kind, v.distance
        diverged[at] = v.epoch if v.kind == "diverges" else -1
        arrived[at] = -1 if v.arrival.epoch is None else v.arrival.epoch
    return kinds, diverged, arrived, distance


def minibatch_sweep(batch_loss: Callable, full_loss: Callable, start, rates,
                    batches: np.ndarray, optimizer: str = "gd",
                    beta: float | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Mini-batch runs at every rate in one compiled call: one step of `optimizer` per
    row of `batches` (row indices), with `batch_loss(params, rows)`'s gradient; every
    rate sees the same batches. Returns (params (R, steps + 1, P), loss on all the data
    (R, steps + 1)), float32, exactly `train.descend_minibatch` at each rate."""
    import jax
    import jax.numpy as jnp
    import optax

    batch_grad = jax.grad(batch_loss)
    start = jnp.asarray(start, dtype=jnp.float32)

    def one(rate):
        opt = make_optimizer(optimizer, rate, beta)

        def step(carry, rows):
            params, state = carry
            updates, state = opt.update(batch_grad(params, rows), state, params)
            return (optax.apply_updates(params, updates), state), (params, full_loss(params))

        (last, _), (ps, ls) = jax.lax.scan(step, (start, opt.init(start)),
                                           jnp.asarray(batches))
        return jnp.concatenate([ps, last[None]]), jnp.append(ls, full_loss(last))

    params, loss = jax.jit(jax.vmap(one))(jnp.asarray(rates, dtype=jnp.float32))
    return np.asarray(params), np.asarray(loss)


def nearest_answer(params, loss, answers, answer_losses, within: float = 0.01):
    """`judge` for a landscape with several answers (a non-convex loss's minima): each
    run is judged against the answer it ends nearest to."""
    return judge(params, loss, np.asarray(answers, dtype=float),
                 np.asarray(answer_losses, dtype=float), within)
