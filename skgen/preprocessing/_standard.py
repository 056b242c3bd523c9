"""Standard scaling of one continuous column."""

import numpy as np

from ._layout import Span

__all__ = ["StandardEncoding"]


class StandardEncoding:
    """``z = (x - mean) / std``: one value per row, identity output.

    Parameters
    ----------
    values : ndarray of observed values (float).
    """

    def __init__(self, values, **_):
        self.mean = float(values.mean())
        self.scale = float(values.std()) or 1.0

    def spans(self, name):
        return [Span(name, "continuous", "value", 1, "identity")]

    def scale_values(self, values):
        return (values - self.mean) / self.scale

    def unscale_values(self, z):
        return z * self.scale + self.mean

    def log_derivative(self, values):
        """``log |dz/dx|`` at each observed value."""
        return np.full(values.shape, -np.log(self.scale))
