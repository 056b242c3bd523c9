"""The table kind: numeric arrays as they are, DataFrames through TabularEncoder."""

import numpy as np
import pandas as pd
from sklearn.utils.validation import validate_data

from ..utils import check_same_container, validate_numeric
from ._encoder import TabularEncoder
from ._layout import MixedTable

__all__ = ["TableCodec", "as_view"]


def as_view(matrix, view):
    """A float matrix of numeric columns in the form a model asked for (``"mixed"`` or ``"matrix"``)."""
    if view == "mixed":
        return MixedTable(matrix, np.empty((matrix.shape[0], 0), dtype=np.intp), [])
    return matrix


class TableCodec:
    """Rows of a table: ``(n_samples, n_features)`` arrays, or DataFrames of any column kinds.

    A numeric array reaches the model as float64 (no NaN: missing values are
    modelled for DataFrames only). A DataFrame goes through a
    :class:`TabularEncoder` (``encoder``), whose log-Jacobian keeps scores in
    the original space and whose ``inverse_transform`` restores the columns,
    dtypes and missing values of samples.

    Parameters
    ----------
    view : {"mixed", "matrix"}
        What the model works on: a :class:`MixedTable` or the one-hot matrix.
    encoder_params : dict
        Parameters of the TabularEncoder for DataFrames.
    """

    kind = "table"

    def __init__(self, view, encoder_params):
        self.view = view
        self.encoder_params = encoder_params
        self.encoder = None

    @staticmethod
    def claims(X, lengths):
        """Any input that is not claimed by another kind is taken as a table."""
        return lengths is None

    def fit(self, estimator, X, *, lengths=None, seed=0):
        if isinstance(X, pd.DataFrame):
            validate_data(estimator, X, reset=True, skip_check_array=True)
            # Seeded from fit's seed: numpy's global RNG stays untouched.
            params = {**self.encoder_params, "random_state": seed}
            self.encoder = TabularEncoder(**params).fit(X)
            return self._encode_frame(X)
        X = validate_numeric(estimator, X, reset=True)
        return as_view(np.asarray(X, dtype=np.float64), self.view)

    def encode(self, estimator, X, *, lengths=None):
        # A DataFrame and an array are encoded differently: neither stands in
        # for the other, so the container must be the one fit received.
        check_same_container(estimator, X, fitted_on_frame=self.encoder is not None)
        if isinstance(X, pd.DataFrame):
            validate_data(estimator, X, reset=False, skip_check_array=True)
            return self._encode_frame(X)
        X = validate_numeric(estimator, X, reset=False)
        return as_view(np.asarray(X, dtype=np.float64), self.view)

    def _encode_frame(self, frame):
        if frame.shape[0] == 0:
            raise ValueError("Found array with 0 sample(s) while a minimum of 1 is required.")
        if self.view == "mixed":
            return self.encoder.transform_mixed(frame)
        return self.encoder.transform(frame)

    def decode(self, data, rng):
        """Model-space rows back to the container the model was fit on."""
        if self.encoder is None:
            return data.continuous if isinstance(data, MixedTable) else np.asarray(data)
        if isinstance(data, MixedTable):
            return self.encoder.inverse_transform_mixed(data, random_state=rng)
        return self.encoder.inverse_transform(data, random_state=rng)

    def log_jacobian(self, estimator, X, *, lengths=None):
        """Per-row log-Jacobian of the encoding (0 for numeric arrays)."""
        if self.encoder is None:
            return 0.0
        return self.encoder.log_abs_det_jacobian(X)  # a DataFrame: see encode

    @staticmethod
    def concat(parts):
        if isinstance(parts[0], pd.DataFrame):
            return pd.concat(parts, ignore_index=True)
        return np.concatenate(parts)
