"""The lesson's data sets: the belt chart and the Palmer penguins."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

# A shop's belt chart: waist size, belt length in inches, belt length in cm.
BELT_WAIST = np.array([28, 30, 32, 34, 36, 38, 40, 42, 44, 46])
BELT_INCHES = np.array([30.5, 32.5, 34.5, 36.5, 38.5, 40.5, 42.5, 44.5, 46.5, 48.5])
BELT_CM = np.array([77, 83, 88, 93, 98, 103, 108, 113, 118, 123], dtype=float)


def zscore(x: np.ndarray) -> np.ndarray:
    """Centre and scale by the population standard deviation (ddof=0)."""
    return (x - x.mean()) / x.std()


@dataclass(frozen=True)
class Penguins:
    bill_mm: np.ndarray      # raw feature
    mass_g: np.ndarray       # raw target
    x: np.ndarray            # z-scored bill length
    y: np.ndarray            # z-scored body mass

    @property
    def design(self) -> np.ndarray:
        """X = [1, x]: a column of ones (for the intercept), then the feature."""
        return np.column_stack([np.ones_like(self.x), self.x])

    def to_grams_per_mm(self, intercept: float, slope: float) -> tuple[float, float]:
        """Turn a fit on z-scores into (grams at 0 mm, grams per mm of bill)."""
        sx, sy = self.bill_mm.std(), self.mass_g.std()
        per_mm = slope * sy / sx
        at_zero = self.mass_g.mean() + intercept * sy - per_mm * self.bill_mm.mean()
        return float(at_zero), float(per_mm)


@lru_cache(maxsize=1)
def load_penguins() -> Penguins:
    """Palmer penguins with every incomplete row dropped (333 birds)."""
    import palmerpenguins

    frame = palmerpenguins.load_penguins().dropna()
    bill = frame["bill_length_mm"].to_numpy(dtype=float)
    mass = frame["body_mass_g"].to_numpy(dtype=float)
    return Penguins(bill_mm=bill, mass_g=mass, x=zscore(bill), y=zscore(mass))
