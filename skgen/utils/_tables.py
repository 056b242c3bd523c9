"""Row selection and stacking for arrays and DataFrames alike."""

import numpy as np
import pandas as pd

__all__ = ["concat_rows", "take_rows"]


def take_rows(X, index):
    """Rows ``index`` (boolean mask or integer positions) of an array or DataFrame."""
    if isinstance(X, (pd.DataFrame, pd.Series)):
        return X.iloc[index]
    return X[index]


def concat_rows(parts):
    """Stack the rows of arrays or DataFrames (of one kind) in order."""
    if isinstance(parts[0], (pd.DataFrame, pd.Series)):
        return pd.concat(parts, ignore_index=True)
    return np.concatenate([np.asarray(part) for part in parts], axis=0)
