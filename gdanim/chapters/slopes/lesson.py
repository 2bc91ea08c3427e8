import jax
import jax.numpy as jnp

inches = jnp.array([30.5, 32.5, 34.5, 36.5, 38.5, 40.5, 42.5, 44.5, 46.5, 48.5])
cm = jnp.array([77, 83, 88, 93, 98, 103, 108, 113, 118, 123])


def mse(multiplier):
    return jnp.mean((multiplier * inches - cm) ** 2)


# jax.grad(mse) is a new function: give it a multiplier, get the gradient there.
gradient = jax.grad(mse)

loss_1_7 = mse(1.7)
gradient_1_7 = gradient(1.7)
gradient_3_5 = gradient(3.5)
print("loss at 1.7:", loss_1_7)
print("gradient at 1.7:", gradient_1_7)
print("gradient at 3.5:", gradient_3_5)
