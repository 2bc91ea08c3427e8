import numpy as np

# The belt chart: belt length in inches and in centimetres.
inches = np.array([30.5, 32.5, 34.5, 36.5, 38.5, 40.5, 42.5, 44.5, 46.5, 48.5])
cm = np.array([77, 83, 88, 93, 98, 103, 108, 113, 118, 123])


def mse(multiplier):
    """Mean squared error of the guess cm = multiplier * inches."""
    predictions = multiplier * inches
    errors = predictions - cm
    return np.mean(errors ** 2)


mse_1_5 = mse(1.5)
mse_1_7 = mse(1.7)
print("MSE with 1.5:", mse_1_5)
print("MSE with 1.7:", mse_1_7)
