import jax
import jax.numpy as jnp
import numpy as np
import palmerpenguins

penguins = palmerpenguins.load_penguins().dropna()
bill = penguins["bill_length_mm"].to_numpy()
mass = penguins["body_mass_g"].to_numpy()
ones = np.ones_like(bill)
# Z-scored (a round bowl) and raw units, bill in cm and mass in kg (a narrow valley).
bowl_X = jnp.array(np.column_stack([ones, (bill - bill.mean()) / bill.std()]))
bowl_y = jnp.array((mass - mass.mean()) / mass.std())
valley_X = jnp.array(np.column_stack([ones, bill / 10]))
valley_y = jnp.array(mass / 1000)

# How stretched the valley is: the ratio of the steepest and flattest curvature.
curvatures = np.linalg.eigvalsh(2 * np.asarray(valley_X).T @ np.asarray(valley_X) / len(bill))
condition_number = curvatures.max() / curvatures.min()
print("condition number:", condition_number)

# The shared grid of learning rates: six per power of ten, from 0.001 to 10.
rates = 10 ** np.linspace(-3, 1, 25)


def train(X, y, optimizer, rate, epochs):
    """Full-batch training from intercept -2, slope 0. Returns the loss at the end and
    the epoch from which the run has arrived: loss within 1% of the best and parameters
    within 1% of the least-squares answer, staying so to the end (None: never)."""
    def mse(params):
        return jnp.mean((X @ params - y) ** 2)

    answer = np.linalg.lstsq(np.asarray(X, float), np.asarray(y, float), rcond=None)[0]
    best = np.mean((np.asarray(X, float) @ answer - np.asarray(y, float)) ** 2)
    gradient = jax.jit(jax.grad(mse))    # compiled once, so the loops run quickly
    loss = jax.jit(mse)

    def close(params):
        near = np.linalg.norm(np.asarray(params) - answer) <= 0.01 * np.linalg.norm(answer)
        return near and loss(params) <= 1.01 * best

    params = jnp.array([-2.0, 0.0])
    v, a, s = jnp.zeros(2), jnp.zeros(2), jnp.zeros(2)   # velocity, averages
    arrived = 0 if close(params) else None
    for t in range(1, epochs + 1):
        g = gradient(params)
        if optimizer == "gd":
            step = g
        elif optimizer == "momentum":
            v = g + 0.9 * v
            step = v
        elif optimizer == "rmsprop":
            s = 0.9 * s + 0.1 * g ** 2
            step = g / jnp.sqrt(s + 1e-8)
        else:   # adam
            a = 0.9 * a + 0.1 * g
            s = 0.999 * s + 0.001 * g ** 2
            step = (a / (1 - 0.9 ** t)) / (jnp.sqrt(s / (1 - 0.999 ** t)) + 1e-8)
        params = params - rate * step
        if not close(params):
            arrived = None          # left (or not yet in) the 1% zone
        elif arrived is None:
            arrived = t             # entered it
    return loss(params), arrived


# Each optimizer at its own best rate from the grid (the page's tables).
bowl_best = {"gd": rates[16], "momentum": rates[4], "rmsprop": rates[5], "adam": rates[12]}
bowl_runs = [train(bowl_X, bowl_y, name, rate, 400) for name, rate in bowl_best.items()]
bowl_losses = [final for final, arrived in bowl_runs]
bowl_arrived = [arrived for final, arrived in bowl_runs]
print("round bowl, loss after 400 epochs:", bowl_losses, "arrived from epoch:", bowl_arrived)

valley_best = {"gd": rates[10], "momentum": rates[11], "rmsprop": rates[5], "adam": rates[16]}
valley_runs = [train(valley_X, valley_y, name, rate, 3000) for name, rate in valley_best.items()]
gd_loss, momentum_loss, rmsprop_loss, adam_loss = [final for final, arrived in valley_runs]
valley_arrived = [arrived for final, arrived in valley_runs]
print("valley, loss after 3000 epochs:", gd_loss, momentum_loss, rmsprop_loss, adam_loss)
print("valley, arrived from epoch:", valley_arrived)

# Noise: full batch (rate rates[16]) against mini-batches of 32 (rate rates[13]).
answer = np.linalg.lstsq(np.asarray(bowl_X), np.asarray(bowl_y), rcond=None)[0]
best_loss = np.mean((np.asarray(bowl_X) @ answer - np.asarray(bowl_y)) ** 2)
rng = np.random.default_rng(0)
order = np.concatenate([rng.permutation(len(bill))[:320] for _ in range(16)]).reshape(-1, 32)


def bowl_mse(params, rows):
    return jnp.mean((bowl_X[rows] @ params - bowl_y[rows]) ** 2)


batch_gradient = jax.jit(jax.grad(bowl_mse))
everyone = np.arange(len(bill))


def first_for_good(losses):
    """The first step from which the loss stays within 5% of the best."""
    outside = [i for i, loss in enumerate(losses) if loss > 1.05 * best_loss]
    return outside[-1] + 1 if outside else 0


for name, rate, batches in (("full batch", rates[16], [everyone] * 16),
                            ("mini-batches", rates[13], order)):
    params = jnp.array([-2.0, 0.0])
    losses = [bowl_mse(params, everyone)]
    for rows in batches:
        params = params - rate * batch_gradient(params, rows)
        losses.append(bowl_mse(params, everyone))
    print(name, "within 5% of the best for good from step", first_for_good(losses))
    if name == "full batch":
        full_batch_within = first_for_good(losses)
    else:
        mini_batch_within = first_for_good(losses)
