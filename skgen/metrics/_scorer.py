"""Sample-based metrics as scikit-learn scorers, for ``GridSearchCV(scoring=...)``."""

import numpy as np

from ._distances import frechet_distance, mmd
from ._fidelity import (
    column_pair_similarity,
    column_shape_similarity,
    detection_score,
    precision_recall_density_coverage,
)

__all__ = ["make_generative_scorer", "GENERATIVE_METRICS"]


def shape_similarity(real, synthetic):
    """Mean of :func:`column_shape_similarity` over the columns."""
    return float(column_shape_similarity(real, synthetic)["score"].mean())


def pair_similarity(real, synthetic):
    """Mean of :func:`column_pair_similarity` over the column pairs."""
    return float(column_pair_similarity(real, synthetic)["score"].mean())


class _PRDCPart:
    """One value of :func:`precision_recall_density_coverage` (a class, not a
    closure, so that scorers pickle with the search that holds them)."""

    def __init__(self, part):
        self.part = part
        self.__name__ = part

    def __call__(self, real, synthetic, **kwargs):
        return precision_recall_density_coverage(real, synthetic, **kwargs)[self.part]


# name -> (metric(real, synthetic, **kwargs) -> float, greater_is_better)
GENERATIVE_METRICS = {
    "frechet_distance": (frechet_distance, False),
    "mmd": (mmd, False),
    "detection": (detection_score, True),
    "shape_similarity": (shape_similarity, True),
    "pair_similarity": (pair_similarity, True),
    "precision": (_PRDCPart("precision"), True),
    "recall": (_PRDCPart("recall"), True),
    "coverage": (_PRDCPart("coverage"), True),
}


class _GenerativeScorer:
    """Callable ``scorer(estimator, X, y=None)``: sample, compare with ``X``, sign for "greater is better"."""

    def __init__(self, metric, sign, n_samples, random_state, kwargs):
        self.metric = metric
        self.sign = sign
        self.n_samples = n_samples
        self.random_state = random_state
        self.kwargs = kwargs

    def __call__(self, estimator, X, y=None):
        n_samples = self.n_samples if self.n_samples is not None else len(X)
        synthetic = estimator.sample(n_samples, random_state=self.random_state)
        if isinstance(synthetic, tuple):  # class-conditional models return (X, y)
            synthetic = synthetic[0]
        return self.sign * float(self.metric(X, synthetic, **self.kwargs))

    def __repr__(self):
        name = getattr(self.metric, "__name__", repr(self.metric))
        return f"make_generative_scorer({name}, greater_is_better={self.sign > 0})"


def make_generative_scorer(
    metric, n_samples=None, *, greater_is_better=None, random_state=0, **kwargs
):
    """Make a scorer that samples from a fitted generator and compares with held-out data.

    The scorer ``scorer(estimator, X, y=None)`` draws ``len(X)`` rows (or
    ``n_samples``) from ``estimator.sample`` with a fixed ``random_state``,
    computes ``metric(X, X_synthetic, **kwargs)`` and returns it signed so that
    greater is better (scikit-learn's convention: a distance is negated), so
    it can be passed as ``scoring=`` to ``GridSearchCV`` or ``cross_val_score``.

    Parameters
    ----------
    metric : str or callable
        One of ``"frechet_distance"``, ``"mmd"``, ``"detection"``,
        ``"shape_similarity"``, ``"pair_similarity"``, ``"precision"``,
        ``"recall"``, ``"coverage"``, or a callable
        ``metric(X_real, X_synthetic, **kwargs) -> float``. The *density*
        of :func:`precision_recall_density_coverage` is not offered: it is
        best near 1, and a model whose rows crowd the densest real region
        scores above 1, so maximising it would select that model.
    n_samples : int, default=None
        Rows to draw; ``None`` draws as many as the held-out fold has.
    greater_is_better : bool, default=None
        Direction of a callable ``metric`` (default True); named metrics know
        their own direction, and passing a contradicting value is an error.
    random_state : int, default=0
        Seed of the sampling, so every candidate is judged on reproducible samples.
    **kwargs
        Passed to ``metric``.

    Returns
    -------
    scorer : callable

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.base import BaseEstimator
    >>> from sklearn.model_selection import GridSearchCV
    >>> from skgen.metrics import make_generative_scorer
    >>> class Gaussian(BaseEstimator):   # any estimator with fit and sample
    ...     def __init__(self, scale=1.0): self.scale = scale
    ...     def fit(self, X, y=None): self.mean_ = X.mean(0); return self
    ...     def sample(self, n, random_state=None):
    ...         rng = np.random.default_rng(random_state)
    ...         return self.mean_ + self.scale * rng.normal(size=(n, self.mean_.size))
    >>> X = np.random.default_rng(1).normal(size=(300, 2))
    >>> search = GridSearchCV(Gaussian(), {"scale": [0.1, 1.0, 5.0]},
    ...                       scoring=make_generative_scorer("mmd"), cv=3).fit(X)
    >>> search.best_params_
    {'scale': 1.0}
    """
    if isinstance(metric, str):
        if metric == "density":
            raise ValueError(
                "'density' is best near 1, not highest (above 1, synthetic rows crowd the "
                "densest real region), so it cannot be maximised; pass a callable such as "
                "lambda real, fake: -abs(precision_recall_density_coverage(real, fake)"
                "['density'] - 1)."
            )
        if metric not in GENERATIVE_METRICS:
            raise ValueError(
                f"Unknown metric {metric!r}; choose one of {sorted(GENERATIVE_METRICS)} or pass a callable."
            )
        function, metric_greater = GENERATIVE_METRICS[metric]
        if greater_is_better is not None and bool(greater_is_better) != metric_greater:
            raise ValueError(f"{metric!r} is {'greater' if metric_greater else 'lower'}-is-better.")
        greater_is_better = metric_greater
    elif callable(metric):
        function = metric
        greater_is_better = True if greater_is_better is None else bool(greater_is_better)
    else:
        raise TypeError(f"metric must be a name or a callable, got {type(metric).__name__}.")
    if n_samples is not None and (not isinstance(n_samples, (int, np.integer)) or n_samples < 1):
        raise ValueError(f"n_samples must be a positive int or None, got {n_samples!r}.")
    return _GenerativeScorer(
        function, 1.0 if greater_is_better else -1.0, n_samples, random_state, kwargs
    )
