"""Input validation shared by the generators and the meta-estimators."""

import numbers

import numpy as np
import pandas as pd
from sklearn.utils import column_or_1d
from sklearn.utils.validation import check_consistent_length, validate_data

__all__ = ["check_X_for_meta", "check_n_samples", "check_text_sampling"]


def check_n_samples(n_samples):
    """Validate the ``n_samples`` argument of ``sample``."""
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral):
        raise TypeError(f"n_samples must be an int, got {type(n_samples).__name__}.")
    if n_samples < 1:
        raise ValueError(f"n_samples must be at least 1, got {n_samples}.")
    return int(n_samples)


def check_text_sampling(max_length, n_prompt, longest, temperature=1.0, top_k=None):
    """Validate a language model's sampling options; returns the number of new symbols to draw.

    ``max_length`` is the longest document returned, prompt included
    (``None``: the prompt's ``n_prompt`` symbols plus twice the ``longest``
    training document); ``temperature`` divides the log-probabilities,
    ``top_k`` keeps the ``top_k`` most likely symbols at each step.
    """
    if max_length is None:
        max_length = n_prompt + 2 * longest
    if isinstance(max_length, bool) or not isinstance(max_length, numbers.Integral):
        raise TypeError(f"max_length must be an int or None, got {type(max_length).__name__}.")
    if max_length < 0:
        raise ValueError(f"max_length must be at least 0, got {max_length}.")
    if max_length < n_prompt:
        raise ValueError(
            f"max_length={max_length} is shorter than the prompt ({n_prompt} symbols); "
            "max_length counts the prompt's symbols too."
        )
    if isinstance(temperature, bool) or not isinstance(temperature, numbers.Real):
        raise TypeError(f"temperature must be a positive number, got {temperature!r}.")
    if not temperature > 0 or not np.isfinite(temperature):
        raise ValueError(f"temperature must be positive and finite, got {temperature}.")
    if top_k is not None and (
        isinstance(top_k, bool) or not isinstance(top_k, numbers.Integral) or top_k < 1
    ):
        raise ValueError(f"top_k must be None or a positive int, got {top_k!r}.")
    return int(max_length) - n_prompt


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
