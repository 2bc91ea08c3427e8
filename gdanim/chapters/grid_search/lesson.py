import numpy as np

inches = np.array([30.5, 32.5, 34.5, 36.5, 38.5, 40.5, 42.5, 44.5, 46.5, 48.5])
cm = np.array([77, 83, 88, 93, 98, 103, 108, 113, 118, 123])


def mse(multiplier):
    return np.mean((multiplier * inches - cm) ** 2)


# Try 50 evenly spaced multipliers from 0 to 5 and keep the best.
candidates = np.linspace(0, 5, 50)
losses = []
for multiplier in candidates:
    losses.append(mse(multiplier))

best = np.argmin(losses)
best_multiplier = candidates[best]
best_mse = losses[best]
print("best multiplier:", best_multiplier, "with MSE", best_mse)
