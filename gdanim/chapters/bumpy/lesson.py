import jax
import jax.numpy as jnp
import numpy as np
import palmerpenguins

penguins = palmerpenguins.load_penguins().dropna()
bill = penguins["bill_length_mm"].to_numpy()
mass = penguins["body_mass_g"].to_numpy()
x = jnp.array((bill - bill.mean()) / bill.std())
y = jnp.array((mass - mass.mean()) / mass.std())


# The smallest network: params = [w1, w2], prediction w2 * tanh(w1 * x).
def mse(params):
    return jnp.mean((params[1] * jnp.tanh(params[0] * x) - y) ** 2)


# jax.jit compiles the gradient once, so the loops below run quickly.
gradient = jax.jit(jax.grad(mse))

# Gradient descent from several starts: where you start decides where you end.
finals = {}
for start in [(-2.0, -2.5), (2.5, -1.0), (-1.0, 2.0), (0.8, -1.5), (0.001, 0.0005)]:
    params = jnp.array(start)
    for epoch in range(600):
        params = params - 1.0 * gradient(params)
    finals[start] = params
    print("start", start, "ends at", params, "loss", mse(params))

# Exactly on the saddle the gradient is zero, so the run never moves.
print("gradient at the saddle:", gradient(jnp.array([0.0, 0.0])))

# Mini-batches of 32: a constant learning rate against one that shrinks.
rng = np.random.default_rng(0)
order = np.concatenate([rng.permutation(len(y))[:320] for _ in range(60)]).reshape(-1, 32)


def batch_mse(params, rows):
    return jnp.mean((params[1] * jnp.tanh(params[0] * x[rows]) - y[rows]) ** 2)


batch_gradient = jax.jit(jax.grad(batch_mse))
full_loss = jax.jit(mse)
losses = {}
for rule in ("constant", "decaying"):
    params = jnp.array([2.5, -1.0])
    history = [full_loss(params)]
    for step, rows in enumerate(order):
        rate = 1.0 if rule == "constant" else 1.0 / (1 + step / 100)
        params = params - rate * batch_gradient(params, rows)
        history.append(full_loss(params))
    losses[rule] = np.array(history)
    print(rule, "typical loss over the second half:", np.median(losses[rule][300:]))
# The numbers the page quotes, by name.
constant_median = np.median(losses["constant"][300:])
decaying_median = np.median(losses["decaying"][300:])
minus_minimum = finals[(-2.0, -2.5)]
plus_minimum = finals[(2.5, -1.0)]
print("the two minima (starts A and B):", minus_minimum, plus_minimum)
print("constant rate against shrinking, typical late loss:", constant_median, decaying_median)
