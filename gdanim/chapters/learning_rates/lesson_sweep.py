import jax
import jax.numpy as jnp
import matplotlib.pyplot as plt
import numpy as np

inches = jnp.array([30.5, 32.5, 34.5, 36.5, 38.5, 40.5, 42.5, 44.5, 46.5, 48.5])
cm = jnp.array([77, 83, 88, 93, 98, 103, 108, 113, 118, 123])


def mse(multiplier):
    return jnp.mean((multiplier * inches - cm) ** 2)


def final_loss(learning_rate, start=0.0, epochs=40):
    """The loss after `epochs` steps of gradient descent at this learning rate."""
    def step(multiplier, _):
        return multiplier - learning_rate * jax.grad(mse)(multiplier), None

    multiplier, _ = jax.lax.scan(step, start, length=epochs)
    return mse(multiplier)


threshold = 2 / (2 * np.mean(np.asarray(inches) ** 2))
rates = np.geomspace(threshold / 1000, 1.5 * threshold, 30)
rates = np.append(rates, [0.00001, 0.9 * threshold, 1.1 * threshold])
rates = np.unique([float(f"{r:.3g}") for r in rates])      # three significant figures

# Every learning rate at once: vmap runs final_loss for each rate, jit compiles it once.
losses = jax.jit(jax.vmap(final_loss))(jnp.array(rates))
final_losses = dict(zip(rates, np.asarray(losses)))

plt.figure(figsize=(7, 4))
plt.loglog(rates, np.asarray(losses), "o-")
plt.axvline(threshold, color="grey", linestyle=":", label="threshold 2 / curvature")
plt.xlabel("learning rate")
plt.ylabel("loss after 40 epochs")
plt.legend()
plt.show()
