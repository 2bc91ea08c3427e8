import jax
import jax.numpy as jnp
import numpy as np
import palmerpenguins

# Drop every row with a gap anywhere (as the lesson does), then z-score both columns.
penguins = palmerpenguins.load_penguins().dropna()
bill = penguins["bill_length_mm"].to_numpy()
mass = penguins["body_mass_g"].to_numpy()
x = (bill - bill.mean()) / bill.std()
y = (mass - mass.mean()) / mass.std()

# A column of ones (for the intercept), then the feature: params = [intercept, slope].
X = jnp.array(np.column_stack([np.ones_like(x), x]))
y = jnp.array(y)


def mse(params):
    return jnp.mean((X @ params - y) ** 2)


gradient = jax.grad(mse)

params = jnp.array([-2.0, 0.0])
start_loss = mse(params)
for epoch in range(1000):
    params = params - 0.01 * gradient(params)

final_loss = mse(params)
print("start loss:", start_loss)
print("params after 1000 epochs:", params, "loss:", final_loss)

# The exact answer, for comparison: least squares in 64-bit NumPy.
best, *_ = np.linalg.lstsq(np.asarray(X, float), np.asarray(y, float), rcond=None)
print("least squares:", best)
