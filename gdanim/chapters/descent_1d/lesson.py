import jax
import jax.numpy as jnp

inches = jnp.array([30.5, 32.5, 34.5, 36.5, 38.5, 40.5, 42.5, 44.5, 46.5, 48.5])
cm = jnp.array([77, 83, 88, 93, 98, 103, 108, 113, 118, 123])


def mse(multiplier):
    return jnp.mean((multiplier * inches - cm) ** 2)


gradient = jax.grad(mse)

multiplier = 0.0
learning_rate = 1e-5
for epoch in range(1000):
    multiplier = multiplier - learning_rate * gradient(multiplier)

final_loss = mse(multiplier)
print("multiplier after 1000 epochs:", multiplier)
print("loss:", final_loss)
