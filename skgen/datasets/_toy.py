"""Toy distributions with an exact log-density, to compare a model's scores with the truth."""

import inspect
import math
from numbers import Integral, Real

import numpy as np
from scipy.special import logsumexp
from sklearn.utils import check_array

from ..utils import as_generator, check_n_samples

__all__ = [
    "Banana",
    "Checkerboard",
    "Funnel",
    "GaussianMixtureDistribution",
    "ToyDistribution",
    "make_toy",
]

_LOG_2PI = math.log(2.0 * math.pi)


def _gaussian_log_pdf(x, mean, std):
    """Elementwise log N(x; mean, std**2)."""
    z = (x - mean) / std
    return -0.5 * (z * z + _LOG_2PI) - np.log(std)


def _check_positive(name, value, *, integer=False):
    kind = Integral if integer else Real
    if isinstance(value, bool) or not isinstance(value, kind) or not value > 0:
        what = "a positive int" if integer else "a positive number"
        raise ValueError(f"{name} must be {what}, got {value!r}.")


class ToyDistribution:
    """Base class of the toy distributions: a sampler plus its exact log-density.

    Subclasses set ``n_features`` and implement ``_sample(n_samples, rng)``
    (``rng`` a numpy Generator) and ``_log_prob(X)`` on a validated float
    array; this class validates arguments and handles ``random_state``.
    """

    n_features = 2

    @property
    def entropy(self):
        """Differential entropy in nats, or ``None`` where no closed form exists."""
        return None

    def sample(self, n_samples, random_state=None):
        """Draw ``n_samples`` points.

        Parameters
        ----------
        n_samples : int
            Number of points, at least 1.
        random_state : None, int, RandomState or Generator, default=None
            An int makes the draw reproducible.

        Returns
        -------
        X : ndarray of shape (n_samples, n_features)
        """
        n_samples = check_n_samples(n_samples)
        return self._sample(n_samples, as_generator(random_state))

    def log_prob(self, X):
        """Exact log-density of each row (``-inf`` outside the support).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
        """
        X = check_array(X, dtype=np.float64)
        if X.shape[1] != self.n_features:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(self).__name__} has "
                f"{self.n_features} features."
            )
        return self._log_prob(X)

    def __repr__(self):
        names = inspect.signature(type(self).__init__).parameters
        args = ", ".join(f"{name}={getattr(self, name)!r}" for name in names if name != "self")
        return f"{type(self).__name__}({args})"


class GaussianMixtureDistribution(ToyDistribution):
    """Equal-weight mixture of isotropic 2-D Gaussians on a ring or a square grid.

    Parameters
    ----------
    n_components : int, default=8
        Number of Gaussians; a perfect square for ``layout="grid"``.
    layout : {"ring", "grid"}, default="ring"
        ``"ring"``: centres evenly spaced on a circle of radius ``radius``.
        ``"grid"``: centres on a square grid spanning ``[-radius, radius]``
        in each coordinate.
    radius : float, default=4.0
        Radius of the ring, or half the side of the grid.
    std : float, default=0.5
        Standard deviation of every component in each coordinate.

    Attributes
    ----------
    means_ : ndarray of shape (n_components, 2)
        The component centres.

    Examples
    --------
    >>> from skgen.datasets import GaussianMixtureDistribution
    >>> ring = GaussianMixtureDistribution(n_components=8, radius=4.0, std=0.2)
    >>> ring.sample(5, random_state=0).shape
    (5, 2)
    >>> bool(ring.log_prob([[4.0, 0.0]])[0] > ring.log_prob([[0.0, 0.0]])[0])
    True
    """

    def __init__(self, n_components=8, *, layout="ring", radius=4.0, std=0.5):
        _check_positive("n_components", n_components, integer=True)
        _check_positive("radius", radius)
        _check_positive("std", std)
        self.n_components = n_components
        self.layout = layout
        self.radius = radius
        self.std = std
        if layout == "ring":
            angles = 2.0 * np.pi * np.arange(n_components) / n_components
            self.means_ = radius * np.column_stack([np.cos(angles), np.sin(angles)])
        elif layout == "grid":
            side = math.isqrt(n_components)
            if side * side != n_components:
                raise ValueError(
                    f"layout='grid' needs n_components to be a perfect square, got {n_components}."
                )
            ticks = np.linspace(-radius, radius, side) if side > 1 else np.zeros(1)
            self.means_ = np.array([(a, b) for a in ticks for b in ticks], dtype=np.float64)
        else:
            raise ValueError(f"layout must be 'ring' or 'grid', got {layout!r}.")

    def _sample(self, n_samples, rng):
        component = rng.integers(self.n_components, size=n_samples)
        return self.means_[component] + self.std * rng.standard_normal((n_samples, 2))

    def _log_prob(self, X):
        per_component = _gaussian_log_pdf(X[:, None, :], self.means_[None], self.std).sum(axis=2)
        return logsumexp(per_component, axis=1) - math.log(self.n_components)


class Checkerboard(ToyDistribution):
    """Uniform distribution on the dark squares of a 2-D checkerboard.

    The box ``[-size / 2, size / 2]^2`` is cut into ``n_squares`` x
    ``n_squares`` squares; the density is uniform on the squares whose row and
    column indices have an even sum, and zero (``log_prob = -inf``) elsewhere.

    Parameters
    ----------
    n_squares : int, default=4
        Squares per side.
    size : float, default=8.0
        Side length of the whole board, centred on the origin.

    Examples
    --------
    >>> from skgen.datasets import Checkerboard
    >>> board = Checkerboard(n_squares=4, size=8.0)
    >>> board.log_prob([[-3.0, -3.0], [-1.0, -3.0]])
    array([-3.4657359,       -inf])
    """

    def __init__(self, n_squares=4, *, size=8.0):
        _check_positive("n_squares", n_squares, integer=True)
        _check_positive("size", size)
        self.n_squares = n_squares
        self.size = size
        self.width_ = size / n_squares
        rows, cols = np.indices((n_squares, n_squares)).reshape(2, -1)
        dark = (rows + cols) % 2 == 0
        self.dark_squares_ = np.column_stack([rows[dark], cols[dark]])

    @property
    def entropy(self):
        return math.log(len(self.dark_squares_) * self.width_**2)

    def _sample(self, n_samples, rng):
        square = self.dark_squares_[rng.integers(len(self.dark_squares_), size=n_samples)]
        corner = square * self.width_ - self.size / 2.0
        return corner + self.width_ * rng.random((n_samples, 2))

    def _log_prob(self, X):
        index = np.floor((X + self.size / 2.0) / self.width_)
        on_board = np.all((index >= 0) & (index < self.n_squares), axis=1)
        dark = on_board & (index.sum(axis=1) % 2 == 0)
        return np.where(dark, -self.entropy, -np.inf)


class Banana(ToyDistribution):
    """Warped 2-D Gaussian shaped like a banana.

    ``x1 ~ N(0, std_x1**2)`` and ``x2 | x1 ~ N(curvature * (x1**2 - std_x1**2),
    std_x2**2)``. The map from a standard Gaussian is a shear with unit
    Jacobian, so the density is the product of the two Gaussians and the
    entropy is ``log(2 pi e std_x1 std_x2)``.

    Parameters
    ----------
    std_x1 : float, default=2.0
        Standard deviation of the first coordinate.
    std_x2 : float, default=1.0
        Conditional standard deviation of the second coordinate.
    curvature : float, default=0.25
        How strongly the mean of ``x2`` bends with ``x1`` (0 gives a Gaussian).

    Examples
    --------
    >>> from skgen.datasets import Banana
    >>> banana = Banana()
    >>> banana.sample(3, random_state=0).shape
    (3, 2)
    >>> round(banana.entropy, 3)
    3.531
    """

    def __init__(self, *, std_x1=2.0, std_x2=1.0, curvature=0.25):
        _check_positive("std_x1", std_x1)
        _check_positive("std_x2", std_x2)
        if isinstance(curvature, bool) or not isinstance(curvature, Real):
            raise ValueError(f"curvature must be a number, got {curvature!r}.")
        self.std_x1 = std_x1
        self.std_x2 = std_x2
        self.curvature = curvature

    @property
    def entropy(self):
        return 1.0 + _LOG_2PI + math.log(self.std_x1 * self.std_x2)

    def _mean_x2(self, x1):
        return self.curvature * (x1 * x1 - self.std_x1**2)

    def _sample(self, n_samples, rng):
        noise = rng.standard_normal((n_samples, 2))
        x1 = self.std_x1 * noise[:, 0]
        x2 = self._mean_x2(x1) + self.std_x2 * noise[:, 1]
        return np.column_stack([x1, x2])

    def _log_prob(self, X):
        x1, x2 = X[:, 0], X[:, 1]
        return _gaussian_log_pdf(x1, 0.0, self.std_x1) + _gaussian_log_pdf(
            x2, self._mean_x2(x1), self.std_x2
        )


class Funnel(ToyDistribution):
    """Neal's funnel in ``n_features`` dimensions.

    ``v = x[:, 0] ~ N(0, scale**2)`` and, given ``v``, every other coordinate
    is ``N(0, exp(v))``: a funnel whose neck is hard for samplers and density
    models alike. The entropy is ``0.5 log(2 pi e scale**2) + (n_features - 1)
    * 0.5 log(2 pi e)`` (the ``v / 2`` terms average to zero).

    Parameters
    ----------
    n_features : int, default=2
        Dimension, at least 2.
    scale : float, default=3.0
        Standard deviation of ``v`` (3.0 in Neal, 2003).

    References
    ----------
    Neal R. M. (2003). Slice sampling. The Annals of Statistics, 31(3), 705-767.

    Examples
    --------
    >>> from skgen.datasets import Funnel
    >>> funnel = Funnel(n_features=5)
    >>> funnel.sample(4, random_state=0).shape
    (4, 5)
    """

    def __init__(self, n_features=2, *, scale=3.0):
        _check_positive("n_features", n_features, integer=True)
        if n_features < 2:
            raise ValueError(f"n_features must be at least 2, got {n_features}.")
        _check_positive("scale", scale)
        self.n_features = n_features
        self.scale = scale

    @property
    def entropy(self):
        return 0.5 * (1.0 + _LOG_2PI) * self.n_features + math.log(self.scale)

    def _sample(self, n_samples, rng):
        noise = rng.standard_normal((n_samples, self.n_features))
        v = self.scale * noise[:, :1]
        return np.hstack([v, np.exp(v / 2.0) * noise[:, 1:]])

    def _log_prob(self, X):
        v = X[:, 0]
        rest = _gaussian_log_pdf(X[:, 1:], 0.0, np.exp(v / 2.0)[:, None]).sum(axis=1)
        return _gaussian_log_pdf(v, 0.0, self.scale) + rest


_TOYS = {
    "gaussian_mixture": GaussianMixtureDistribution,
    "checkerboard": Checkerboard,
    "banana": Banana,
    "funnel": Funnel,
}


def make_toy(name, **params):
    """Build a toy distribution by name.

    Parameters
    ----------
    name : {"gaussian_mixture", "checkerboard", "banana", "funnel"}
    **params
        Passed to the class's constructor.

    Returns
    -------
    distribution : ToyDistribution

    Examples
    --------
    >>> from skgen.datasets import make_toy
    >>> make_toy("checkerboard", n_squares=2)
    Checkerboard(n_squares=2, size=8.0)
    """
    try:
        cls = _TOYS[name]
    except KeyError:
        raise ValueError(
            f"Unknown toy distribution {name!r}; choose from {sorted(_TOYS)}."
        ) from None
    return cls(**params)
