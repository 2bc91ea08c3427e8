import jax.numpy as jnp
import numpy as np
import palmerpenguins

# Drop every row with a gap anywhere (as the lesson does), then z-score both columns.
penguins = palmerpenguins.load_penguins().dropna()
bill = penguins["bill_length_mm"].to_numpy()
mass = penguins["body_mass_g"].to_numpy()
x = (bill - bill.mean()) / bill.std()
y = (mass - mass.mean()) / mass.std()
print("bill: mean", bill.mean(), "standard deviation", bill.std())
print("mass: mean", mass.mean(), "standard deviation", mass.std())

# A column of ones (for the intercept), then the feature: params = [intercept, slope].
X = jnp.array(np.column_stack([np.ones_like(x), x]))
y = jnp.array(y)
print("X has", X.shape[0], "rows and", X.shape[1], "columns")

# One penguin, one dot product: row 1 of X with the bad line [2, 4].
prediction = X[1] @ jnp.array([2.0, 4.0])
print("prediction for penguin 1:", prediction)


def mse(params):
    return jnp.mean((X @ params - y) ** 2)


# Every penguin at once: X @ params gives all the predictions; the MSE averages them.
start_loss = mse(jnp.array([-2.0, 0.0]))
print("loss of the flat first guess [-2, 0]:", start_loss)
