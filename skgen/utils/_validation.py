"""Input validation shared by the generators and the meta-estimators.

Every check here raises an error that names what is wrong in the user's terms:
the column, the parameter, or what the model was fit on.
"""

import numbers

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.utils import column_or_1d
from sklearn.utils.validation import check_consistent_length, validate_data

__all__ = [
    "MAX_ABS_VALUE",
    "check_layer_sizes",
    "check_latent",
    "check_magnitude",
    "check_n_samples",
    "check_same_container",
    "check_text_sampling",
    "check_X_for_meta",
    "exotic_value_problem",
    "validate_numeric",
]

#: Largest magnitude a value may have. Models square values (variances,
#: Gaussian log-densities); beyond about 1e154 a square overflows float64 and
#: scores turn into -inf, so larger values are refused with an error that names
#: the column instead of giving results that differ from model to model.
MAX_ABS_VALUE = 1e150


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


def check_layer_sizes(
    sizes, name="hidden_layer_sizes", *, meaning="the width of each hidden layer", allow_empty=True
):
    """A tuple of positive ints (at least one unless ``allow_empty``), or a ValueError naming the parameter."""
    try:
        sizes = tuple(sizes)
    except TypeError:
        raise ValueError(f"{name} must be a tuple of positive ints, got {sizes!r}.") from None
    if (not sizes and not allow_empty) or not all(
        isinstance(s, numbers.Integral) and not isinstance(s, bool) and s > 0 for s in sizes
    ):
        non_empty = "" if allow_empty else "non-empty "
        raise ValueError(
            f"{name} must be a {non_empty}tuple of positive ints ({meaning}), got {sizes!r}."
        )
    return tuple(int(s) for s in sizes)


def check_latent(Z, n_components=None):
    """Latent points for ``inverse_transform``: a finite 2-D float array."""
    Z = np.asarray(Z, dtype=np.float64)
    if Z.ndim != 2:
        raise ValueError(f"Expected a 2-D array of latent points, got shape {Z.shape}.")
    if n_components is not None and Z.shape[1] != n_components:
        raise ValueError(
            f"Z has {Z.shape[1]} columns, but the model's latent space has {n_components}."
        )
    bad = ~np.isfinite(Z)
    if bad.any():
        row, column = np.argwhere(bad)[0]
        raise ValueError(
            f"Z has a non-finite value ({Z[row, column]}) in row {row}, column {column}; "
            "latent points must be finite numbers."
        )
    return Z


def _describe(column):
    return f"column {column!r}" if isinstance(column, str) else f"column {column}"


def check_magnitude(values, column):
    """Raise a ValueError naming ``column`` if a finite value exceeds :data:`MAX_ABS_VALUE`."""
    values = np.asarray(values, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        big = np.abs(values) > MAX_ABS_VALUE
    big &= np.isfinite(values)
    if big.any():
        worst = values[big][np.argmax(np.abs(values[big]))]
        raise ValueError(
            f"{_describe(column).capitalize()} has a value of magnitude {abs(worst):.3g}; "
            f"skgen models take values up to {MAX_ABS_VALUE:.0e} in magnitude (beyond that "
            "squares overflow float64). Rescale the column, e.g. divide it by a power of ten."
        )


def exotic_value_problem(value):
    """What is wrong with one cell of a table, or None for a value a model can take.

    Complex numbers and containers (lists, tuples, dicts, sets, arrays) are
    no values of a column that skgen can model.
    """
    if isinstance(value, (complex, np.complexfloating)):
        return "complex numbers"
    if isinstance(value, (list, tuple, dict, set, frozenset, np.ndarray, pd.Series)):
        return f"{type(value).__name__} values"
    return None


def _column_problem(column_values):
    """The first exotic value of an object column, described, or None."""
    for value in column_values:
        problem = exotic_value_problem(value)
        if problem is not None:
            return problem
    return None


def validate_numeric(estimator, X, *, reset, **kwargs):
    """``validate_data`` for a numeric array, with errors that name the column.

    Complex numbers, datetimes and values beyond :data:`MAX_ABS_VALUE` are
    refused (scikit-learn would cast the first two to floats silently or with
    the whole array in the message); an entry that is not a number is reported
    with its column.
    """
    array = None
    if not sparse.issparse(X) and not isinstance(X, pd.DataFrame):
        array = X if isinstance(X, np.ndarray) else np.asarray(X)
        if array.dtype.kind in "mM":
            raise ValueError(
                f"X is an array of {array.dtype} values; {type(estimator).__name__} takes "
                "numbers. To model dates or durations, pass a DataFrame with a datetime "
                "column: samples then come back as datetimes."
            )
        if array.ndim == 2 and (np.iscomplexobj(array) or (array.dtype == object and array.size)):
            for j in range(array.shape[1]):
                problem = (
                    "complex numbers" if np.iscomplexobj(array) else _column_problem(array[:, j])
                )
                if problem == "complex numbers":
                    raise ValueError(
                        f"Complex data not supported: column {j} of X holds complex numbers; "
                        "split it into its real and imaginary parts."
                    )
    try:
        out = validate_data(estimator, X, reset=reset, dtype=[np.float64, np.float32], **kwargs)
    except (TypeError, ValueError) as exc:
        column = _first_non_numeric_column(array)
        if column is None:
            raise
        raise type(exc)(f"{exc} (column {column} of X is not numeric)") from None
    X_checked = out[0] if isinstance(out, tuple) else out
    if not sparse.issparse(X_checked) and X_checked.ndim == 2:
        for j in range(X_checked.shape[1]):
            check_magnitude(X_checked[:, j], j)
    return out


def _first_non_numeric_column(array):
    if array is None or array.ndim != 2:
        return None
    for j in range(array.shape[1]):
        try:
            np.asarray(array[:, j], dtype=np.float64)
        except (TypeError, ValueError):
            return j
    return None


def check_same_container(estimator, X, *, fitted_on_frame):
    """Raise a ValueError if ``X`` is a DataFrame and the estimator was fit on an
    array, or the reverse: the two are encoded differently, so neither can
    stand in for the other."""
    name = type(estimator).__name__
    is_frame = isinstance(X, pd.DataFrame)
    if fitted_on_frame and not is_frame:
        columns = list(getattr(estimator, "feature_names_in_", []))
        shown = f"columns {columns}" if columns else f"{estimator.n_features_in_} columns"
        raise ValueError(
            f"{name} was fit on a DataFrame ({shown}), but X is of type {type(X).__name__}; "
            "pass a DataFrame with the same columns."
        )
    if is_frame and not fitted_on_frame:
        raise ValueError(
            f"{name} was fit on a numeric array ({estimator.n_features_in_} columns), but X is "
            "a DataFrame; pass a numeric array (e.g. X.to_numpy(dtype=float)), or refit "
            f"{name} on the DataFrame."
        )


def check_X_for_meta(estimator, X, y="no_validation", *, reset):
    """Validate ``X`` (and ``y``) for a meta-estimator wrapping skgen generators.

    Arrays are checked fully (float, finite, 2-D, column count); DataFrames
    keep their mixed dtypes for the inner generator's TabularEncoder, and only
    their column names and count are recorded or checked here. After ``fit``,
    ``X`` must be the same kind of container as in ``fit``.
    """
    if reset:
        estimator._fitted_on_frame_ = isinstance(X, pd.DataFrame)
    else:
        check_same_container(
            estimator, X, fitted_on_frame=getattr(estimator, "_fitted_on_frame_", False)
        )
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
    if isinstance(y, str) and y == "no_validation":
        return validate_numeric(estimator, X, reset=reset)
    return validate_numeric(estimator, X, reset=reset, y=y)
