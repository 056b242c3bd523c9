"""Kernel density estimation for numeric arrays and mixed-type tables (product kernel)."""

from numbers import Integral, Real

import numpy as np
from scipy import special
from sklearn import neighbors

from ..base import BaseGenerator
from ..preprocessing import MixedTable
from ..utils._sklearn import Interval, StrOptions

__all__ = ["KernelDensity"]

_LOG_2PI = np.log(2 * np.pi)


def _bandwidth_rule(bandwidth, n, d):
    """Scott's and Silverman's rules, as scikit-learn computes them."""
    if bandwidth == "scott":
        return n ** (-1.0 / (d + 4))
    if bandwidth == "silverman":
        return (n * (d + 2) / 4.0) ** (-1.0 / (d + 4))
    return float(bandwidth)


def _radial_offsets(kernel, n_samples, n_features, bandwidth, rng):
    """Draws from one kernel of ``bandwidth`` centred at the origin, in ``n_features`` dimensions.

    Each of scikit-learn's kernels is radial, ``K(x) proportional to k(|x| / h)``, so a draw is a
    uniform direction times a radius with density ``proportional to r^(d-1) k(r / h)``:

    - ``"epanechnikov"``, ``k = 1 - u^2``: ``u^2 ~ Beta(d/2, 2)``;
    - ``"linear"``, ``k = 1 - u``: ``u ~ Beta(d, 2)``;
    - ``"exponential"``, ``k = exp(-u)``: ``u ~ Gamma(d)``;
    - ``"cosine"``, ``k = cos(pi u / 2)``: rejection from the linear kernel's
      radius, since ``cos(pi u / 2) <= (pi / 2) (1 - u)`` (acceptance >= 2/pi).
    """
    d = n_features
    if kernel == "epanechnikov":
        radius = np.sqrt(rng.beta(d / 2, 2, size=n_samples))
    elif kernel == "linear":
        radius = rng.beta(d, 2, size=n_samples)
    elif kernel == "exponential":
        radius = rng.gamma(d, size=n_samples)
    elif kernel == "cosine":
        radius = np.empty(0)
        while radius.size < n_samples:
            proposal = rng.beta(d, 2, size=2 * (n_samples - radius.size) + 10)
            gap = np.maximum(1.0 - proposal, 1e-300)
            keep = rng.random(proposal.size) * (np.pi / 2) * gap <= np.cos(np.pi * proposal / 2)
            radius = np.concatenate([radius, proposal[keep]])
        radius = radius[:n_samples]
    else:  # pragma: no cover - the parameter constraints list the kernels
        raise ValueError(f"Unknown kernel {kernel!r}.")
    direction = rng.standard_normal((n_samples, d))
    direction /= np.linalg.norm(direction, axis=1, keepdims=True)
    return direction * (bandwidth * radius)[:, None]


class KernelDensity(BaseGenerator):
    """Kernel density estimator, for numeric arrays and mixed-type tables.

    On a numeric array scikit-learn's :class:`~sklearn.neighbors.KernelDensity`
    runs inside with the same parameters, so scores are scikit-learn's; unlike
    scikit-learn, :meth:`score` is the *mean* log-density, as everywhere in skgen.

    On a DataFrame, continuous columns are standardised by the encoder (so one
    bandwidth fits all of them; the scaling's Jacobian keeps scores in the
    original space). If the table has discrete columns or missing values the
    kernel becomes a product kernel (``kernel="gaussian"`` only): a Gaussian in
    each continuous column, an Aitchison-Aitken kernel on each discrete column
    and on each column's missingness (keep the training value with probability
    ``1 - lambda``, else switch uniformly to another one). A training row whose
    value is missing contributes a standard normal in that column. With
    ``discrete_bandwidth=None``, ``lambda = (C - 1) / (C n)`` for a column with
    ``C`` values: about one training row's worth of probability is spread over
    the other values, so unseen combinations keep a small probability while
    category and missing-value rates stay those of the training data.

    Parameters
    ----------
    bandwidth : float or {"scott", "silverman"}, default=1.0
    kernel : {"gaussian", "tophat", "epanechnikov", "exponential", "linear", "cosine"}, \
default="gaussian"
        Every kernel samples: the Gaussian and tophat ones through
        scikit-learn, the others by drawing each row's offset from the
        kernel's radial distribution.
    algorithm : {"kd_tree", "ball_tree", "auto"}, default="auto"
    atol, rtol : float, default=0
        Tolerances of scikit-learn's tree-based evaluation.
    leaf_size : int, default=40
    discrete_bandwidth : float in [0, 1] or None, default=None
        Switching probability of the discrete kernel (see above).
    random_state : int, RandomState instance or None, default=None
        Seeds ``sample``.

    Attributes
    ----------
    bandwidth_ : float
    kde_ : sklearn.neighbors.KernelDensity, when the data are all continuous and observed.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import KernelDensity
    >>> X = np.random.default_rng(0).normal(size=(100, 2))
    >>> kde = KernelDensity(bandwidth=0.5, random_state=0).fit(X)
    >>> kde.score_samples(X[:3]).shape
    (3,)
    >>> kde.sample(2).shape
    (2, 2)
    """

    _parameter_constraints = {
        **BaseGenerator._parameter_constraints,
        "bandwidth": [
            Interval(Real, 0, None, closed="neither"),
            StrOptions({"scott", "silverman"}),
        ],
        "kernel": [
            StrOptions({"gaussian", "tophat", "epanechnikov", "exponential", "linear", "cosine"})
        ],
        "algorithm": [StrOptions({"kd_tree", "ball_tree", "auto"})],
        "atol": [Interval(Real, 0, None, closed="left")],
        "rtol": [Interval(Real, 0, None, closed="left")],
        "leaf_size": [Interval(Integral, 1, None, closed="left")],
        "discrete_bandwidth": [None, Interval(Real, 0, 1, closed="both")],
    }

    def __init__(
        self,
        *,
        bandwidth=1.0,
        kernel="gaussian",
        algorithm="auto",
        atol=0,
        rtol=0,
        leaf_size=40,
        discrete_bandwidth=None,
        random_state=None,
    ):
        self.bandwidth = bandwidth
        self.kernel = kernel
        self.algorithm = algorithm
        self.atol = atol
        self.rtol = rtol
        self.leaf_size = leaf_size
        self.discrete_bandwidth = discrete_bandwidth
        self.random_state = random_state

    def _fit(self, data, seed):
        self._is_product_ = bool(data.codes.shape[1]) or bool(np.isnan(data.continuous).any())
        n, p = data.continuous.shape
        if not self._is_product_:
            self.kde_ = neighbors.KernelDensity(
                bandwidth=self.bandwidth,
                kernel=self.kernel,
                algorithm=self.algorithm,
                atol=self.atol,
                rtol=self.rtol,
                leaf_size=self.leaf_size,
            ).fit(data.continuous)
            self.bandwidth_ = float(self.kde_.bandwidth_)
            return
        if self.kernel != "gaussian":
            raise ValueError(
                "Tables with discrete columns or missing values need kernel='gaussian' "
                f"(the product kernel); got kernel={self.kernel!r}."
            )
        self.kde_ = None
        self.bandwidth_ = _bandwidth_rule(self.bandwidth, n, max(p, 1))
        self.training_ = data
        switch = self.discrete_bandwidth
        self.missing_columns_ = np.flatnonzero(np.isnan(data.continuous).any(axis=0))
        cards = list(data.cardinalities) + [2] * self.missing_columns_.size
        self.discrete_lambdas_ = np.array(
            [(c - 1) / c * (1.0 / n if switch is None else switch) for c in cards]
        )

    def _sample_kernel(self, n_samples, rng):
        """Rows from scikit-learn's KDE: its own sampler for the Gaussian and
        tophat kernels, a draw from the kernel's radial distribution for the others."""
        if self.kernel in ("gaussian", "tophat"):
            return self.kde_.sample(
                n_samples, random_state=np.random.RandomState(rng.integers(2**31 - 1))
            )
        train = np.asarray(self.kde_.tree_.data)
        centres = train[rng.integers(train.shape[0], size=n_samples)]
        return centres + _radial_offsets(
            self.kernel, n_samples, train.shape[1], self.bandwidth_, rng
        )

    def _discrete_codes(self, data):
        """Codes of discrete columns followed by missingness indicators."""
        missing = np.isnan(data.continuous[:, self.missing_columns_]).astype(np.intp)
        return np.column_stack([data.codes, missing]).astype(np.intp)

    def _score_samples(self, data):
        if self.kde_ is not None:
            return self.kde_.score_samples(data.continuous)
        train = self.training_
        train_codes = self._discrete_codes(train)
        cards = list(train.cardinalities) + [2] * self.missing_columns_.size
        log_keep = np.log1p(-self.discrete_lambdas_)
        with np.errstate(divide="ignore"):
            log_switch = np.log(self.discrete_lambdas_ / np.maximum(np.array(cards) - 1, 1))
        h = self.bandwidth_
        n_train = train.continuous.shape[0]
        codes = self._discrete_codes(data)
        out = np.empty(data.continuous.shape[0])
        train_missing = np.isnan(train.continuous)
        # Chunks keep the (rows x training rows) kernel matrix small.
        chunk = max(1, 2**22 // max(n_train, 1))
        for start in range(0, out.size, chunk):
            x = data.continuous[start : start + chunk]
            log_k = np.zeros((x.shape[0], n_train))
            for j in range(x.shape[1]):
                observed = ~np.isnan(x[:, j])
                centre = np.where(train_missing[:, j], 0.0, train.continuous[:, j])
                width = np.where(train_missing[:, j], 1.0, h)
                z = (x[observed, j][:, None] - centre) / width
                log_k[observed] += -0.5 * z**2 - np.log(width) - 0.5 * _LOG_2PI
            for j in range(codes.shape[1]):
                same = codes[start : start + chunk, j][:, None] == train_codes[:, j]
                log_k += np.where(same, log_keep[j], log_switch[j])
            out[start : start + chunk] = special.logsumexp(log_k, axis=1) - np.log(n_train)
        return out

    def _sample(self, n_samples, rng):
        if self.kde_ is not None:
            return MixedTable(
                self._sample_kernel(n_samples, rng), np.empty((n_samples, 0), np.intp)
            )
        train = self.training_
        rows = rng.integers(train.continuous.shape[0], size=n_samples)
        codes = self._discrete_codes(train)[rows]
        cards = np.array(list(train.cardinalities) + [2] * self.missing_columns_.size)
        switch = rng.random(codes.shape) < self.discrete_lambdas_
        # Switching moves to one of the other C - 1 values uniformly.
        shift = rng.integers(1, np.maximum(cards, 2), size=codes.shape)
        codes = np.where(switch, (codes + shift) % np.maximum(cards, 1), codes)
        centre = train.continuous[rows]
        unknown = np.isnan(centre)
        continuous = np.where(unknown, 0.0, centre) + rng.standard_normal(centre.shape) * np.where(
            unknown, 1.0, self.bandwidth_
        )
        q = train.codes.shape[1]
        missing = codes[:, q:].astype(bool)
        continuous[:, self.missing_columns_] = np.where(
            missing, np.nan, continuous[:, self.missing_columns_]
        )
        return MixedTable(continuous, codes[:, :q], list(train.cardinalities))
