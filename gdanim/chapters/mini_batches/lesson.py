import jax
import jax.numpy as jnp
import numpy as np
import palmerpenguins

penguins = palmerpenguins.load_penguins().dropna()
bill = penguins["bill_length_mm"].to_numpy()
mass = penguins["body_mass_g"].to_numpy()
X = jnp.array(np.column_stack([np.ones_like(bill), (bill - bill.mean()) / bill.std()]))
y = jnp.array((mass - mass.mean()) / mass.std())

# The least-squares answer and its loss: the target both runs are judged against.
answer = np.linalg.lstsq(np.asarray(X, float), np.asarray(y, float), rcond=None)[0]
best_loss = np.mean((np.asarray(X, float) @ answer - np.asarray(y, float)) ** 2)


def mse(params, rows):
    return jnp.mean((X[rows] @ params - y[rows]) ** 2)


gradient = jax.jit(jax.grad(mse))    # compiled once, so the loops run quickly
loss = jax.jit(mse)
everyone = np.arange(len(bill))


def close(params):
    """Within 1%: the loss on all the birds, and the distance from the answer."""
    near = np.linalg.norm(np.asarray(params) - answer) <= 0.01 * np.linalg.norm(answer)
    return near and loss(params, everyone) <= 1.01 * best_loss


def arrived_from(rate, batches):
    """One step per batch from intercept -2, slope 0: the step from which the run stays
    within 1% to the end (None: it is outside at the end)."""
    params = jnp.array([-2.0, 0.0])
    arrived = 0 if close(params) else None
    for step, rows in enumerate(batches, start=1):
        params = params - rate * gradient(params, rows)
        if not close(params):
            arrived = None          # left (or not yet in) the 1% band
        elif arrived is None:
            arrived = step          # entered it
    return arrived


# Mini-batches of 32: each epoch a fresh shuffle, cut into 10 batches (seed 0).
rng = np.random.default_rng(0)
epochs = 160
order = np.concatenate([rng.permutation(len(bill))[:320] for _ in range(epochs)])
mini_batches = order.reshape(-1, 32)

# Each at its own best rate from the grid of the page (six per power of ten).
rates = 10 ** np.linspace(-3, 1, 25)
full_batch = arrived_from(rates[16], [everyone] * epochs)
print("full batch, within 1% from epoch", full_batch)
mini_batch = arrived_from(rates[3], mini_batches)
print("mini-batches, within 1% from step", mini_batch, "= epoch", mini_batch / 10)
