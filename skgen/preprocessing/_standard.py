"""Standard scaling of one continuous column."""

import numpy as np

from ._layout import Span

__all__ = ["StandardEncoding", "mean_and_std"]


def mean_and_std(values):
    """Mean and standard deviation of ``values`` without overflow.

    The values are first divided by their largest magnitude, so that the
    squares behind the variance stay finite even for values near the largest
    float (a plain ``std`` of values near 1e160 is ``inf``).
    """
    values = np.asarray(values, dtype=float)
    top = float(np.max(np.abs(values))) if values.size else 0.0
    if top < 1e100 or not np.isfinite(top):  # squares cannot overflow: the plain formulas
        return float(np.mean(values)), float(np.std(values))
    unit = values / top
    return float(np.mean(unit) * top), float(np.std(unit) * top)


class StandardEncoding:
    """``z = (x - mean) / std``: one value per row, identity output.

    Parameters
    ----------
    values : ndarray of observed values (float).
    """

    def __init__(self, values, **_):
        self.mean, scale = mean_and_std(values)
        self.scale = scale or 1.0

    def spans(self, name):
        return [Span(name, "continuous", "value", 1, "identity")]

    def scale_values(self, values):
        return (values - self.mean) / self.scale

    def unscale_values(self, z):
        return z * self.scale + self.mean

    def log_derivative(self, values):
        """``log |dz/dx|`` at each observed value."""
        return np.full(values.shape, -np.log(self.scale))
