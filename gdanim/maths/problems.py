"""The problems several chapters share: the belt chart's loss over the multiplier and
the penguins' loss over [intercept, slope], its surface and its least-squares answer,
and the same for any two columns of a teacher's CSV (`LinearProblem`). Chapters and
scenes use these rather than reaching into each other."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

BELT_LESSON_RATE = 1e-5      # the learning rate the lesson uses on the belt chart


def belt_loss():
    """MSE on the belt chart as a function of the multiplier alone (float32)."""
    from functools import partial

    import jax.numpy as jnp

    from gdanim.maths.data import BELT_CM, BELT_INCHES
    from gdanim.maths.losses import belt_mse

    return partial(belt_mse, inches=jnp.asarray(BELT_INCHES, jnp.float32),
                   cm=jnp.asarray(BELT_CM, jnp.float32))


# The penguins' first guess, [intercept, slope]: the vectors chapter scores it and the
# penguins chapter's descent starts from it.
PENGUIN_START = (-2.0, 0.0)
# The window over [intercept, slope] both chapters draw the loss in: centred near the
# bottom (0, 0.59) and wide enough to hold the start with room to spare.
PENGUIN_INTERCEPTS, PENGUIN_SLOPES, PENGUIN_GRID = (-2.6, 2.6), (-2.0, 3.2), 161


def penguin_loss():
    """MSE of `X @ params` on the z-scored penguins, as a function of params alone."""
    from functools import partial

    import jax.numpy as jnp

    from gdanim.maths.data import load_penguins
    from gdanim.maths.losses import linear_mse

    penguins = load_penguins()
    return partial(linear_mse, X=jnp.asarray(penguins.design, jnp.float32),
                   y=jnp.asarray(penguins.y, jnp.float32))


def loss_surface(intercepts: np.ndarray, slopes: np.ndarray) -> np.ndarray:
    """The loss at every (intercept, slope) pair, in one vmapped call. Returns shape
    (len(slopes), len(intercepts)): rows follow the slope, columns the intercept."""
    import jax.numpy as jnp

    from gdanim.maths.data import load_penguins
    from gdanim.maths.losses import linear_losses

    penguins = load_penguins()
    b, m = np.meshgrid(intercepts, slopes)
    pairs = jnp.asarray(np.column_stack([b.ravel(), m.ravel()]), jnp.float32)
    losses = linear_losses(pairs, jnp.asarray(penguins.design, jnp.float32),
                           jnp.asarray(penguins.y, jnp.float32))
    return np.asarray(losses, dtype=float).reshape(b.shape)


def closed_form() -> np.ndarray:
    """Ordinary least squares in float64 (NumPy's lstsq): [intercept, slope]."""
    from gdanim.maths.data import load_penguins

    penguins = load_penguins()
    return np.linalg.lstsq(penguins.design, penguins.y, rcond=None)[0]


# The penguins in their own units, for the optimizer chapter's narrow valley: bill length
# in centimetres and body mass in kilograms, neither centred nor scaled.
RAW_BILL_UNIT, RAW_MASS_UNIT = "cm", "kg"


def raw_design() -> tuple[np.ndarray, np.ndarray]:
    """(X, y) without z-scoring: X = [1, bill in cm], y = body mass in kg (float64)."""
    from gdanim.maths.data import load_penguins

    penguins = load_penguins()
    bill_cm = penguins.bill_mm / 10
    return np.column_stack([np.ones_like(bill_cm), bill_cm]), penguins.mass_g / 1000


def raw_loss():
    """MSE of `X @ params` on the raw-units penguins, as a function of params alone."""
    from functools import partial

    import jax.numpy as jnp

    from gdanim.maths.losses import linear_mse

    X, y = raw_design()
    return partial(linear_mse, X=jnp.asarray(X, jnp.float32), y=jnp.asarray(y, jnp.float32))


def hessian(X: np.ndarray) -> np.ndarray:
    """The matrix of second derivatives of the MSE of X @ params: 2 XᵀX / n. It does
    not depend on y or on the parameters."""
    X = np.asarray(X, dtype=float).reshape(len(X), -1)
    return 2 * X.T @ X / len(X)


def condition_number(X: np.ndarray) -> float:
    """How much steeper the loss bowl is across its narrowest direction than along its
    flattest: the ratio of the Hessian's largest and smallest eigenvalues."""
    values = np.linalg.eigvalsh(hessian(X))
    return float(values.max() / values.min())


def least_squares(X: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
    """The exact best parameters (float64 lstsq) and their MSE."""
    best = np.linalg.lstsq(X, y, rcond=None)[0]
    return best, float(np.mean((X @ best - y) ** 2))


def linear_surface(X: np.ndarray, y: np.ndarray, intercepts: np.ndarray,
                   slopes: np.ndarray) -> np.ndarray:
    """The MSE at every (intercept, slope) pair, in float64 NumPy; shape
    (len(slopes), len(intercepts)). The loss is a quadratic, so it is built from its
    three coefficients rather than by looping over the data."""
    X = np.asarray(X, dtype=float)
    b, m = np.meshgrid(intercepts, slopes)
    x = X[:, 1]
    return (b ** 2 + 2 * b * m * x.mean() + m ** 2 * (x ** 2).mean()
            - 2 * b * y.mean() - 2 * m * (x * y).mean() + (y ** 2).mean())


@dataclass(frozen=True)
class Scaling:
    """How a column was rescaled before fitting: value_fit = (value - shift) / scale."""

    shift: float = 0.0
    scale: float = 1.0

    def apply(self, values: np.ndarray) -> np.ndarray:
        return (np.asarray(values, dtype=float) - self.shift) / self.scale

    @staticmethod
    def choose(values: np.ndarray, standardize: bool, centre: bool) -> "Scaling":
        """z-scores (centre and population standard deviation) when `centre`; without
        an intercept, divide by the root mean square only, so zero stays zero."""
        values = np.asarray(values, dtype=float)
        if not standardize:
            return Scaling()
        if centre:
            return Scaling(float(values.mean()), float(values.std()))
        return Scaling(0.0, float(np.sqrt(np.mean(values ** 2))))


@dataclass(frozen=True)
class LinearProblem:
    """Fit y = intercept + slope * x (or y = slope * x) by mean squared error, on
    rescaled columns. Parameters are [intercept, slope], or [slope] without intercept."""

    x_raw: np.ndarray
    y_raw: np.ndarray
    intercept: bool = True
    standardize: bool = True

    @cached_property
    def x_scaling(self) -> Scaling:
        return Scaling.choose(self.x_raw, self.standardize, self.intercept)

    @cached_property
    def y_scaling(self) -> Scaling:
        return Scaling.choose(self.y_raw, self.standardize, self.intercept)

    @cached_property
    def x(self) -> np.ndarray:
        return self.x_scaling.apply(self.x_raw)

    @cached_property
    def y(self) -> np.ndarray:
        return self.y_scaling.apply(self.y_raw)

    @cached_property
    def design(self) -> np.ndarray:
        """X = [1, x] with an intercept (a column of ones first), else [x]."""
        x = self.x
        return np.column_stack([np.ones_like(x), x]) if self.intercept else x[:, None]

    def loss(self):
        """MSE of `X @ params` as a function of params alone (float32, for JAX)."""
        from functools import partial

        import jax.numpy as jnp

        from gdanim.maths.losses import linear_mse

        return partial(linear_mse, X=jnp.asarray(self.design, jnp.float32),
                       y=jnp.asarray(self.y, jnp.float32))

    def losses(self, params: np.ndarray) -> np.ndarray:
        """The loss at every row of `params` (shape (k, n_params)), in one vmapped call."""
        import jax.numpy as jnp

        from gdanim.maths.losses import linear_losses

        return np.asarray(linear_losses(jnp.asarray(params, jnp.float32),
                                        jnp.asarray(self.design, jnp.float32),
                                        jnp.asarray(self.y, jnp.float32)), dtype=float)

    def surface(self, intercepts: np.ndarray, slopes: np.ndarray) -> np.ndarray:
        """Loss on a grid, shape (len(slopes), len(intercepts)). Exact for any data
        size: MSE is a quadratic in the parameters, so it needs only the column sums."""
        x, y = self.x, self.y
        b, m = np.meshgrid(intercepts, slopes)
        return (b ** 2 + 2 * b * m * x.mean() + m ** 2 * np.mean(x ** 2)
                - 2 * b * y.mean() - 2 * m * np.mean(x * y) + np.mean(y ** 2))

    def curve(self, slopes: np.ndarray) -> np.ndarray:
        """Loss over the slope alone (no intercept), the same quadratic trick."""
        x, y = self.x, self.y
        m = np.asarray(slopes, dtype=float)
        return m ** 2 * np.mean(x ** 2) - 2 * m * np.mean(x * y) + np.mean(y ** 2)

    def closed_form(self) -> np.ndarray:
        """Ordinary least squares in float64 (NumPy's lstsq), on columns scaled to the
        same size first. Unstandardized, x may be 1e14 beside the intercept's column of
        ones, and lstsq's cut-off for small singular values would then drop the
        slope's direction and answer a wrong line."""
        norms = np.linalg.norm(self.design, axis=0)
        norms = np.where(norms > 0, norms, 1.0)
        return np.linalg.lstsq(self.design / norms, self.y, rcond=None)[0] / norms

    def mse(self, params) -> float:
        """The loss in float64."""
        return float(np.mean((self.design @ np.asarray(params, dtype=float) - self.y) ** 2))

    def threshold(self) -> float:
        """The largest learning rate at which gradient descent converges."""
        from gdanim.maths.milestones import divergence_threshold

        return divergence_threshold(self.design)

    def to_original(self, params) -> tuple[float, float]:
        """A fit on rescaled columns as (intercept, slope) in the data's own units."""
        params = np.atleast_1d(np.asarray(params, dtype=float))
        b, m = (params[0], params[1]) if self.intercept else (0.0, params[0])
        sx, sy = self.x_scaling, self.y_scaling
        slope = m * sy.scale / sx.scale
        return float(sy.shift + b * sy.scale - slope * sx.shift), float(slope)
