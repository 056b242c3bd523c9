"""Input validation shared by the generators and the meta-estimators."""

import numbers

import numpy as np
import pandas as pd
from sklearn.utils import column_or_1d
from sklearn.utils.validation import check_consistent_length, validate_data

__all__ = ["check_X_for_meta", "check_n_samples"]


def check_n_samples(n_samples):
    """Validate the ``n_samples`` argument of ``sample``."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral):
        raise TypeError(f"n_samples must be an int, got {type(n_samples).__name__}.")
    if n_samples < 1:
        raise ValueError(f"n_samples must be at least 1, got {n_samples}.")
    return int(n_samples)


def check_X_for_meta(estimator, X, y="no_validation", *, reset):
    """Validate ``X`` (and ``y``) for a meta-estimator wrapping skgen generators.

    Arrays are checked fully (float, finite, 2-D, column count); DataFrames
    keep their mixed dtypes for the inner generator's TabularEncoder, and only
    their column names and count are recorded or checked here.
    """
    if isinstance(X, pd.DataFrame):
        if not reset and X.shape[1] != estimator.n_features_in_:
            raise ValueError(
                f"X has {X.shape[1]} features, but {type(estimator).__name__} is "
                f"expecting {estimator.n_features_in_} features as input."
            )
        X = validate_data(estimator, X, reset=reset, skip_check_array=True)
        if X.shape[0] == 0:
            raise ValueError("Found array with 0 sample(s) while a minimum of 1 is required.")
        if isinstance(y, str) and y == "no_validation":
            return X
        if y is None:
            raise ValueError(
                f"This {type(estimator).__name__} estimator requires y to be passed, "
                "but the target y is None."
            )
        y = column_or_1d(y, warn=True)
        check_consistent_length(X, y)
        return X, y
    return validate_data(estimator, X, y, reset=reset, dtype=[np.float64, np.float32])
