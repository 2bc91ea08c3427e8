import jax
import jax.numpy as jnp
import numpy as np

inches = jnp.array([30.5, 32.5, 34.5, 36.5, 38.5, 40.5, 42.5, 44.5, 46.5, 48.5])
cm = jnp.array([77, 83, 88, 93, 98, 103, 108, 113, 118, 123])


def mse(multiplier):
    return jnp.mean((multiplier * inches - cm) ** 2)


gradient = jax.grad(mse)

# The largest safe learning rate: 2 divided by the loss's curvature.
curvature = 2 * np.mean(np.asarray(inches) ** 2)
threshold = 2 / curvature
print("threshold:", threshold)

final_losses = {}
for fraction in [0.02, 0.25, 0.9, 1.1]:
    learning_rate = float(f"{fraction * threshold:.2g}")   # two significant figures
    multiplier = 0.0
    for epoch in range(40):
        multiplier = multiplier - learning_rate * gradient(multiplier)
    final_losses[learning_rate] = mse(multiplier)
    print("learning rate", learning_rate, "loss after 40 epochs:", final_losses[learning_rate])
