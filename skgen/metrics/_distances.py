"""Distances between the real and the synthetic distribution in a feature space."""

from numbers import Integral

import numpy as np
from scipy import linalg
from sklearn.base import BaseEstimator, TransformerMixin, clone
from sklearn.cluster import KMeans
from sklearn.metrics import pairwise_distances
from sklearn.neural_network import MLPClassifier
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted, validate_data

from ..utils._sklearn import Interval, _fit_context
from ._tables import FeatureSpace, frames, paired_features

__all__ = ["frechet_distance", "PenultimateFeatures", "inception_score", "mmd"]


class PenultimateFeatures(TransformerMixin, BaseEstimator):
    """Features from the last hidden layer of a small classifier trained on the real data.

    The tabular stand-in for Inception features: a multi-layer perceptron is
    trained on the real rows to predict ``y`` (if given to ``fit``) or, with no
    labels, the k-means cluster of each row, and ``transform`` returns the
    activations of its last hidden layer.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(64, 32)
    n_clusters : int, default=10
        Number of pseudo-classes when ``fit`` gets no ``y``.
    max_iter : int, default=300
    random_state : int, RandomState or None, default=0

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import PenultimateFeatures
    >>> X = np.random.default_rng(0).normal(size=(200, 3))
    >>> PenultimateFeatures(hidden_layer_sizes=(8,)).fit(X).transform(X).shape
    (200, 8)
    """

    _parameter_constraints = {
        "hidden_layer_sizes": ["array-like", Interval(Integral, 1, None, closed="left")],
        "n_clusters": [Interval(Integral, 2, None, closed="left")],
        "max_iter": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(self, hidden_layer_sizes=(64, 32), n_clusters=10, max_iter=300, random_state=0):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.n_clusters = n_clusters
        self.max_iter = max_iter
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the classifier on ``X`` (and ``y``, or k-means pseudo-classes).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,), default=None

        Returns
        -------
        self : object
        """
        X = validate_data(self, X, dtype=np.float64)
        rng = check_random_state(self.random_state)
        if y is None:
            n_clusters = max(2, min(self.n_clusters, X.shape[0] // 2))
            y = KMeans(n_clusters=n_clusters, n_init=3, random_state=rng).fit_predict(X)
        self.classifier_ = MLPClassifier(
            hidden_layer_sizes=self.hidden_layer_sizes,
            max_iter=self.max_iter,
            early_stopping=X.shape[0] >= 100,
            random_state=rng,
        ).fit(X, y)
        return self

    def transform(self, X):
        """Activations of the last hidden layer.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        features : ndarray of shape (n_samples, hidden_layer_sizes[-1])
        """
        check_is_fitted(self)
        activation = validate_data(self, X, dtype=np.float64, reset=False)
        # Forward through the hidden layers only (relu, MLPClassifier's default).
        for weights, bias in zip(self.classifier_.coefs_[:-1], self.classifier_.intercepts_[:-1]):
            activation = np.maximum(activation @ weights + bias, 0.0)
        return activation


def _features(features, X_real, X_fake, random_state):
    """Map both tables through the chosen feature extractor."""
    if callable(features) and not hasattr(features, "fit"):
        return np.asarray(features(X_real), dtype=float), np.asarray(features(X_fake), dtype=float)
    named = features if isinstance(features, str) or features is None else "extractor"
    if named not in (None, "standard", "raw", "classifier", "extractor"):
        raise ValueError(
            "features must be None, 'standard', 'raw', 'classifier', a transformer with "
            f"fit/transform or a callable; got {features!r}."
        )
    real, fake = frames(X_real, X_fake, names=["X_real", "X_fake"])
    space = FeatureSpace(scaling="raw" if named == "raw" else "standard")
    real_m, fake_m = space.fit_transform(real, fake)
    if named in (None, "standard", "raw"):
        return real_m, fake_m
    if named == "classifier":
        features = PenultimateFeatures(random_state=random_state)
    if not (hasattr(features, "fit") and hasattr(features, "transform")):
        raise ValueError(f"features {features!r} has no fit/transform methods.")
    extractor = clone(features).fit(real_m)
    return extractor.transform(real_m), extractor.transform(fake_m)


def _gaussian_frechet(mu1, cov1, mu2, cov2):
    # Tr(sqrt(C1 C2)) = Tr(sqrt(sqrt(C1) C2 sqrt(C1))): the symmetric form keeps
    # the square root real and stable when C1 C2 is nearly singular.
    # Covariances of one-hot features are singular: a symmetric eigendecomposition
    # gives the PSD square root without sqrtm's complex round-off.
    eigenvalues1, vectors1 = linalg.eigh(cov1)
    root1 = (vectors1 * np.sqrt(np.clip(eigenvalues1, 0.0, None))) @ vectors1.T
    middle = root1 @ cov2 @ root1
    eigenvalues = np.linalg.eigvalsh((middle + middle.T) / 2)
    trace_root = np.sum(np.sqrt(np.clip(eigenvalues, 0.0, None)))
    value = np.sum((mu1 - mu2) ** 2) + np.trace(cov1) + np.trace(cov2) - 2.0 * trace_root
    return float(max(value, 0.0))


def frechet_distance(X_real, X_fake, features=None, *, random_state=0):
    """Fréchet distance between Gaussians fitted to real and synthetic features.

    ``||mu_r - mu_f||^2 + Tr(C_r + C_f - 2 (C_r C_f)^(1/2))``, the squared
    2-Wasserstein distance between the two Gaussian approximations. Lower is
    better; the range is ``[0, +inf)`` and 0 means equal means and covariances.

    This is **not** the published FID: FID uses Inception-v3 image features,
    and numbers computed here in another feature space are not comparable
    with FID values from papers.

    Parameters
    ----------
    X_real, X_fake : array-like or DataFrame
        Mixed DataFrames are encoded (one-hot for categories).
    features : None, "standard", "raw", "classifier", transformer or callable, default=None
        Feature space. ``None``/``"standard"``: each continuous column
        standardised with the real data's mean and standard deviation, one-hot
        categories. ``"raw"``: original units. ``"classifier"``: the last
        hidden layer of a small MLP trained on the real (standardised) data
        (:class:`PenultimateFeatures`). A transformer (with ``fit`` and
        ``transform``) is cloned, fit on the real standardised features and
        applied to both; a plain callable is applied to the tables as given.
    random_state : int, default=0
        Seed of the classifier features.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import frechet_distance
    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(5000, 1))
    >>> round(frechet_distance(real, real + 2.0, features="raw"), 3)
    4.0
    """
    real_f, fake_f = _features(features, X_real, X_fake, random_state)
    if real_f.shape[0] < 2 or fake_f.shape[0] < 2:
        raise ValueError("frechet_distance needs at least 2 rows in each table.")
    cov_r = np.atleast_2d(np.cov(real_f, rowvar=False))
    cov_f = np.atleast_2d(np.cov(fake_f, rowvar=False))
    return _gaussian_frechet(real_f.mean(axis=0), cov_r, fake_f.mean(axis=0), cov_f)


def inception_score(X_fake, classifier, *, n_splits=1):
    """Inception score of synthetic rows under any fitted probabilistic classifier.

    ``exp(E_x KL(p(y|x) || p(y)))``: high when each synthetic row is classified
    confidently (quality) and the classes are used evenly (diversity). Higher
    is better; the range is ``[1, n_classes]``. With a classifier other than
    Inception-v3 on ImageNet-like images it is not the published IS.

    Parameters
    ----------
    X_fake : array-like or DataFrame
        Synthetic rows, in the form the classifier takes.
    classifier : fitted estimator with ``predict_proba``
    n_splits : int, default=1
        The score is averaged over this many equal splits (papers use 10).

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skgen.metrics import inception_score
    >>> X = np.r_[np.zeros((50, 1)), np.ones((50, 1))] * 20
    >>> y = np.r_[np.zeros(50), np.ones(50)]
    >>> clf = LogisticRegression().fit(X, y)
    >>> round(inception_score(X, clf), 1)   # confident and balanced: close to 2 classes
    2.0
    """
    if not hasattr(classifier, "predict_proba"):
        raise TypeError(
            f"{type(classifier).__name__} has no predict_proba; inception_score needs one."
        )
    proba = np.clip(np.asarray(classifier.predict_proba(X_fake), dtype=float), 1e-12, 1.0)
    scores = []
    for part in np.array_split(proba, n_splits):
        marginal = part.mean(axis=0, keepdims=True)
        kl = np.sum(part * (np.log(part) - np.log(marginal)), axis=1)
        scores.append(np.exp(kl.mean()))
    return float(np.mean(scores))


def mmd(X_real, X_fake, *, gamma=None, max_samples=2000, random_state=0):
    """Maximum mean discrepancy with an RBF kernel (squared, biased estimate).

    ``mean k(r, r') + mean k(f, f') - 2 mean k(r, f)`` with
    ``k(a, b) = exp(-gamma ||a - b||^2)`` on standardised features. Lower is
    better; the range is ``[0, 2]`` and 0 means the two samples are identical
    in distribution (the biased estimate is 0 exactly for identical samples).

    Parameters
    ----------
    X_real, X_fake : array-like or DataFrame
    gamma : float, default=None
        Kernel width; ``None`` uses the median heuristic
        ``1 / median(||a - b||^2)`` over pairs of the pooled sample.
    max_samples : int, default=2000
        Each table is subsampled to at most this many rows (the kernel
        matrix is quadratic in memory).
    random_state : int, default=0

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import mmd
    >>> X = np.random.default_rng(0).normal(size=(300, 2))
    >>> mmd(X, X)
    0.0
    """
    real_f, fake_f = paired_features(
        X_real, X_fake, max_samples, random_state, names=("X_real", "X_fake")
    )
    d_rr = pairwise_distances(real_f) ** 2
    d_ff = pairwise_distances(fake_f) ** 2
    d_rf = pairwise_distances(real_f, fake_f) ** 2
    if gamma is None:
        pooled = np.concatenate(
            [d_rr[np.triu_indices_from(d_rr, 1)], d_ff[np.triu_indices_from(d_ff, 1)], d_rf.ravel()]
        )
        median = np.median(pooled[pooled > 0]) if np.any(pooled > 0) else 1.0
        gamma = 1.0 / median
    value = (
        np.exp(-gamma * d_rr).mean()
        + np.exp(-gamma * d_ff).mean()
        - 2 * np.exp(-gamma * d_rf).mean()
    )
    return float(max(value, 0.0))
