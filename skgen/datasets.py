"""Offline data sets and toy distributions with an exact log-density.

Two kinds of data for examples, tests and benchmarks, none of which touches
the network:

- **Tables.** :func:`load_penguins` reads the Palmer penguins table shipped
  inside skgen (``skgen/data/penguins.csv``; Horst, Hill & Gorman 2020, data
  released under CC0 1.0). :func:`load_iris_frame`, :func:`load_wine_frame`,
  :func:`load_breast_cancer_frame`, :func:`load_diabetes_frame` and
  :func:`load_digits_array` wrap the data sets that scikit-learn bundles, with
  class labels as strings so that generators treat them as categories.
- **Toy distributions** whose log-density is known exactly, so that a model's
  ``score_samples`` can be compared with the truth:
  :class:`GaussianMixtureDistribution` (ring or grid of Gaussians),
  :class:`Checkerboard`, :class:`Banana` and :class:`Funnel`. Each has
  ``sample(n_samples, random_state=None)``, ``log_prob(X)``, ``n_features``
  and ``entropy`` (``None`` where no closed form exists). :func:`make_toy`
  builds one by name.
"""

import importlib.resources
import inspect
import math
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy.special import logsumexp
from sklearn import datasets as _sk_datasets
from sklearn.utils import check_array

from .base import check_n_samples
from .utils import as_generator

__all__ = [
    "load_penguins",
    "load_iris_frame",
    "load_wine_frame",
    "load_breast_cancer_frame",
    "load_diabetes_frame",
    "load_digits_array",
    "ToyDistribution",
    "GaussianMixtureDistribution",
    "Checkerboard",
    "Banana",
    "Funnel",
    "make_toy",
]

_PENGUIN_MEASUREMENTS = ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")


# ---------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------


def _split_target(frame, target, return_X_y):
    """Return ``frame`` whole, or ``(X, y)`` with ``y`` the column ``target``."""
    if not return_X_y:
        return frame
    return frame.drop(columns=target), frame[target]


def load_penguins(*, as_frame=True, return_X_y=False):
    """Load the Palmer penguins table (344 rows, 8 columns, with missing values).

    Size measurements of three penguin species observed on three islands of
    the Palmer Archipelago, Antarctica, 2007-2009: a small mixed-type table
    with three string columns (``species``, ``island``, ``sex``), four float
    measurements, an integer ``year``, and 19 missing cells (two rows miss
    every measurement; ``sex`` misses 11 values). The file ships inside skgen,
    so loading needs neither the network nor the ``palmerpenguins`` package,
    and gives the same columns and dtypes as ``palmerpenguins.load_penguins()``.

    The data are by Horst, Hill & Gorman (2020), released under the CC0 1.0
    public-domain dedication; collected by Dr. Kristen Gorman and the Palmer
    Station Long Term Ecological Research Program.

    Parameters
    ----------
    as_frame : bool, default=True
        If True, return a DataFrame (string columns for ``species``,
        ``island`` and ``sex``, float64 measurements with NaN, int64
        ``year``). If False, return an object ndarray of the same values.
    return_X_y : bool, default=False
        If True, return ``(X, y)`` with ``y`` the ``species`` column and ``X``
        the other seven columns.

    Returns
    -------
    data : DataFrame of shape (344, 8) or ndarray
        The table, or ``(X, y)`` if ``return_X_y`` is True.

    References
    ----------
    Horst A. M., Hill A. P., Gorman K. B. (2020). palmerpenguins: Palmer
    Archipelago (Antarctica) penguin data. R package version 0.1.0.
    https://allisonhorst.github.io/palmerpenguins/. doi:10.5281/zenodo.3960218.

    Examples
    --------
    >>> from skgen.datasets import load_penguins
    >>> penguins = load_penguins()
    >>> penguins.shape
    (344, 8)
    >>> sorted(penguins["species"].unique())
    ['Adelie', 'Chinstrap', 'Gentoo']
    >>> int(penguins.isna().sum().sum())
    19
    """
    dtypes = {name: "float64" for name in _PENGUIN_MEASUREMENTS} | {"year": "int64"}
    resource = importlib.resources.files("skgen").joinpath("data", "penguins.csv")
    with resource.open("r", encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype=dtypes)
    if not as_frame:
        frame = frame.astype(object)
        result = _split_target(frame, "species", return_X_y)
        return tuple(part.to_numpy() for part in result) if return_X_y else result.to_numpy()
    return _split_target(frame, "species", return_X_y)


def _bundled_frame(loader, return_X_y, **loader_kwargs):
    """A scikit-learn bundled data set as one DataFrame with a ``target`` column.

    Class labels become their names (strings), so that generators treat the
    target as a category rather than as an integer to be modelled.
    """
    bunch = loader(as_frame=True, **loader_kwargs)
    frame = bunch.frame.copy()
    target_names = bunch.get("target_names")
    if target_names is not None:
        names = np.asarray(target_names, dtype=object)[frame["target"].to_numpy()]
        frame["target"] = pd.Series(names, index=frame.index)
    return _split_target(frame, "target", return_X_y)


_BUNDLED_DOC = """Load scikit-learn's bundled {title} data set as a DataFrame of shape {shape}.

    {description}
    The data ship with scikit-learn; nothing is downloaded.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(X, y)``: the feature columns and the ``target``
        Series.

    Returns
    -------
    frame : DataFrame
        Feature columns plus a ``target`` column ({target}), or ``(X, y)``.

    Examples
    --------
    >>> from skgen.datasets import {name}
    >>> {name}().shape
    {shape}
    """


def _bundled_loader(name, loader, *, title, shape, description, target):
    def load(*, return_X_y=False):
        return _bundled_frame(loader, return_X_y)

    load.__name__ = load.__qualname__ = name
    load.__doc__ = _BUNDLED_DOC.format(
        name=name, title=title, shape=shape, description=description, target=target
    )
    return load


load_iris_frame = _bundled_loader(
    "load_iris_frame",
    _sk_datasets.load_iris,
    title="iris",
    shape=(150, 5),
    description="Four measurements of 150 iris flowers from three species.",
    target="the species name as a string",
)
load_wine_frame = _bundled_loader(
    "load_wine_frame",
    _sk_datasets.load_wine,
    title="wine",
    shape=(178, 14),
    description="Thirteen chemical measurements of 178 wines from three cultivars.",
    target="``'class_0'``, ``'class_1'`` or ``'class_2'``",
)
load_breast_cancer_frame = _bundled_loader(
    "load_breast_cancer_frame",
    _sk_datasets.load_breast_cancer,
    title="breast cancer (Wisconsin diagnostic)",
    shape=(569, 31),
    description="Thirty features of cell nuclei from 569 breast masses.",
    target="``'malignant'`` or ``'benign'``",
)
load_diabetes_frame = _bundled_loader(
    "load_diabetes_frame",
    _sk_datasets.load_diabetes,
    title="diabetes",
    shape=(442, 11),
    description="Ten standardised baseline variables of 442 diabetes patients.",
    target="a float: disease progression one year after baseline",
)


def load_digits_array(*, n_class=10, return_X_y=False):
    """Load scikit-learn's bundled 8x8 handwritten digits as float arrays.

    1,797 images (for ``n_class=10``) with pixel intensities 0 to 16, each
    flattened to 64 features. The data ship with scikit-learn; nothing is
    downloaded.

    Parameters
    ----------
    n_class : int, default=10
        Keep the digits ``0`` to ``n_class - 1``.
    return_X_y : bool, default=False
        If True, return ``(X, y)`` with ``y`` the int digit labels.

    Returns
    -------
    X : ndarray of shape (n_samples, 64), float64
        The images, or ``(X, y)`` if ``return_X_y`` is True.

    Examples
    --------
    >>> from skgen.datasets import load_digits_array
    >>> X, y = load_digits_array(return_X_y=True)
    >>> X.shape, y.shape
    ((1797, 64), (1797,))
    """
    X, y = _sk_datasets.load_digits(n_class=n_class, return_X_y=True)
    X = X.astype(np.float64)
    return (X, y) if return_X_y else X


# ---------------------------------------------------------------------------
# Toy distributions
# ---------------------------------------------------------------------------

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
