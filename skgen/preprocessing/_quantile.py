"""Quantile (normal-score) encoding of one continuous column."""

import numpy as np
from scipy import special

from ._layout import Span
from ._standard import StandardEncoding

__all__ = ["NormalScoreMap", "QuantileEncoding", "interp_linear_tails", "midpoint_ecdf"]


def midpoint_ecdf(values, max_knots):
    """Knots and levels of the linearly interpolated mid-point empirical CDF.

    Each distinct value sits at the middle of its probability step, so levels
    lie strictly inside (0, 1) and tied values (integers) keep their
    probability after interpolation and rounding. At most ``max_knots``
    knots, evenly spread over the distinct values.
    """
    knots, counts = np.unique(values, return_counts=True)
    levels = (np.cumsum(counts) - counts / 2.0) / values.size
    if knots.size > max_knots:
        keep = np.unique(np.linspace(0, knots.size - 1, max_knots).round().astype(int))
        knots, levels = knots[keep], levels[keep]
    return knots, levels


def interp_linear_tails(x, xp, fp):
    """Piecewise-linear interpolation through increasing ``(xp, fp)``, continued
    linearly beyond both ends with the slopes of the end segments."""
    out = np.interp(x, xp, fp)
    low, high = x < xp[0], x > xp[-1]
    out[low] = fp[0] + (x[low] - xp[0]) * (fp[1] - fp[0]) / (xp[1] - xp[0])
    out[high] = fp[-1] + (x[high] - xp[-1]) * (fp[-1] - fp[-2]) / (xp[-1] - xp[-2])
    return out


class NormalScoreMap:
    """A monotone map from values to standard normal scores.

    Piecewise linear through ``(knots, scores)`` (both strictly increasing)
    and continued linearly beyond the end knots, so that the distribution it
    defines, ``P(X <= x) = Phi(score(x))``, has Gaussian tails: every finite
    value has a finite score and a finite, positive density.
    """

    def __init__(self, knots, scores):
        self.knots = np.asarray(knots, dtype=float)
        self.scores = np.asarray(scores, dtype=float)

    def score(self, values):
        """Normal score of each value."""
        return interp_linear_tails(np.asarray(values, dtype=float), self.knots, self.scores)

    def value(self, scores):
        """Inverse of :meth:`score`."""
        return interp_linear_tails(np.asarray(scores, dtype=float), self.scores, self.knots)

    def log_derivative(self, values):
        """``log |d score / d value|`` at each value (piecewise constant)."""
        seg = np.clip(np.searchsorted(self.knots, values, side="right") - 1, 0, self.knots.size - 2)
        return np.log(np.diff(self.scores)[seg] / np.diff(self.knots)[seg])

    def logpdf(self, values):
        """Log-density of the distribution the map defines."""
        z = self.score(values)
        return -0.5 * z**2 - 0.5 * np.log(2 * np.pi) + self.log_derivative(values)


class QuantileEncoding(NormalScoreMap):
    """Normal score of the value through its empirical CDF.

    Piecewise-linear between the normal scores of the training quantiles
    (mid-point ECDF, at most ``n_quantiles`` knots) and continued linearly
    beyond them, so every finite value has a finite score and density.
    """

    def __init__(self, values, *, n_quantiles=1000, **_):
        knots, levels = midpoint_ecdf(values, n_quantiles)
        if knots.size == 1:  # a constant column: a unit slope around it
            scale = StandardEncoding(values).scale
            knots, levels = knots + np.array([-1.0, 1.0]) * scale, special.ndtr([-1.0, 1.0])
        super().__init__(knots, special.ndtri(levels))

    @property
    def levels(self):
        """Normal scores of the knots."""
        return self.scores

    def spans(self, name):
        return [Span(name, "continuous", "value", 1, "identity")]

    def scale_values(self, values):
        return self.score(values)

    def unscale_values(self, z):
        return self.value(z)
