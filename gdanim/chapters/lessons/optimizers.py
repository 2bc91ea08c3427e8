import jax
import jax.numpy as jnp
import numpy as np
import palmerpenguins

# Raw units: bill length in cm, body mass in kg, not z-scored.
penguins = palmerpenguins.load_penguins().dropna()
bill_cm = penguins["bill_length_mm"].to_numpy() / 10
mass_kg = penguins["body_mass_g"].to_numpy() / 1000
X = jnp.array(np.column_stack([np.ones_like(bill_cm), bill_cm]))
y = jnp.array(mass_kg)


def mse(params):
    return jnp.mean((X @ params - y) ** 2)


gradient = jax.grad(mse)

# How stretched the valley is: the ratio of the steepest and flattest curvature.
curvatures = np.linalg.eigvalsh(2 * np.asarray(X).T @ np.asarray(X) / len(y))
condition_number = curvatures.max() / curvatures.min()
print("condition number:", condition_number)

# Plain gradient descent.
params = jnp.array([-2.0, 0.0])
for epoch in range(1200):
    params = params - 0.048 * gradient(params)
gd_loss = mse(params)

# Momentum: keep a velocity that remembers 90% of the previous steps.
params, velocity = jnp.array([-2.0, 0.0]), jnp.zeros(2)
for epoch in range(1200):
    velocity = gradient(params) + 0.9 * velocity
    params = params - 0.048 * velocity
momentum_loss = mse(params)

# Adam: running averages of the gradient (m) and of its square (v).
params, m, v = jnp.array([-2.0, 0.0]), jnp.zeros(2), jnp.zeros(2)
for t in range(1, 1201):
    g = gradient(params)
    m = 0.9 * m + 0.1 * g
    v = 0.999 * v + 0.001 * g ** 2
    m_hat, v_hat = m / (1 - 0.9 ** t), v / (1 - 0.999 ** t)
    params = params - 0.1 * m_hat / (jnp.sqrt(v_hat) + 1e-8)
adam_loss = mse(params)

print("loss after 1200 epochs: GD", gd_loss, "momentum", momentum_loss, "Adam", adam_loss)
