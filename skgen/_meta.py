"""The shared base of the meta-estimators (ClassConditional, GenerativeResampler,
AugmentedEstimator, GenerativeOutlierDetector): validation of what they are
given, seeding of the generators they clone, and scoring of rows a generator
cannot score."""

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, MetaEstimatorMixin
from sklearn.utils.multiclass import check_classification_targets

from .exceptions import ZeroProbabilityError
from .utils import check_X_for_meta, seed_from
from .utils._parallel import clone_with_default_seed

__all__ = ["BaseMetaEstimator", "score_rows"]


def score_rows(estimator, X):
    """``estimator.score_samples(X)``, with -inf for DataFrame rows it gives no probability.

    A generator fit on a DataFrame raises :class:`~skgen.exceptions.ZeroProbabilityError`
    for a category (or a missing value) its training rows never had. Here
    those rows get a log-density of -inf and the other rows their score; the
    failing rows are found by bisection, so a few of them cost a few extra
    calls. Any other error is raised as it is.
    """
    if not isinstance(X, pd.DataFrame):
        return estimator.score_samples(X)
    try:
        return estimator.score_samples(X)
    except ZeroProbabilityError:
        if X.shape[0] == 1:
            return np.array([-np.inf])
    half = X.shape[0] // 2
    return np.concatenate(
        [score_rows(estimator, X.iloc[:half]), score_rows(estimator, X.iloc[half:])]
    )


class BaseMetaEstimator(MetaEstimatorMixin, BaseEstimator):
    """Validation and seeding shared by the meta-estimators that wrap skgen generators."""

    def _check_X(self, X, *, reset):
        """Rows of ``X``: arrays fully checked, DataFrames kept for the inner encoder."""
        return check_X_for_meta(self, X, reset=reset)

    def _check_X_classes(self, X, y):
        """``X`` and class labels ``y`` for fitting (labels as a 1-D array)."""
        X, y = check_X_for_meta(self, X, y=y, reset=True)
        check_classification_targets(y)
        return X, y

    def _seeded_clone(self, estimator):
        """The fit's int seed and a clone of ``estimator`` seeded from it unless it has its own."""
        seed = seed_from(self.random_state)
        return seed, clone_with_default_seed(estimator, seed)
