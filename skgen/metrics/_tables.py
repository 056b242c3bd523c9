"""Putting real and synthetic tables side by side in one numeric space.

Every metric accepts arrays or DataFrames. Column kinds come from
:class:`skgen.preprocessing.TabularEncoder` (the one place that knows column
types); an encoder is fit on all tables together so that a category seen in
only one of them (a holdout value, a synthetic rarity) is encoded rather than
rejected, and continuous features are then standardised with the statistics of
the *reference* table alone, so that the feature space does not depend on the
synthetic data being judged.
"""

import numpy as np
import pandas as pd
from sklearn.utils import check_random_state

from ..preprocessing import CONTINUOUS_KINDS, TabularEncoder

__all__ = [
    "as_frame",
    "as_float",
    "check_same_columns",
    "check_same_kinds",
    "column_kinds",
    "frames",
    "paired_features",
    "subsample",
    "FeatureSpace",
]


def as_frame(X, name="X"):
    """A DataFrame view of ``X`` (arrays get columns ``0, 1, ...``)."""
    if isinstance(X, pd.DataFrame):
        frame = X.reset_index(drop=True)
    else:
        array = np.asarray(X)
        if array.ndim == 1:
            array = array.reshape(-1, 1)
        if array.ndim != 2:
            raise ValueError(f"{name} must be a 2-D table, got an array of shape {array.shape}.")
        frame = pd.DataFrame(array)
    if frame.shape[0] == 0:
        raise ValueError(f"{name} has no rows.")
    if frame.shape[1] == 0:
        raise ValueError(f"{name} has no columns.")
    return frame


def as_float(series):
    """A continuous-like column as float64 (datetimes in nanoseconds, missing as NaN)."""
    if pd.api.types.is_datetime64_any_dtype(series.dtype):
        stamps = series.dt.tz_convert("UTC") if getattr(series.dt, "tz", None) else series
        values = stamps.to_numpy(dtype="datetime64[ns]")
        out = values.astype("int64").astype(float)
        out[np.isnat(values)] = np.nan
        return out
    return pd.to_numeric(series, errors="coerce").to_numpy(dtype=float, na_value=np.nan)


def subsample(matrix, max_samples, rng):
    if max_samples is None or matrix.shape[0] <= max_samples:
        return matrix
    return matrix[rng.choice(matrix.shape[0], max_samples, replace=False)]


def paired_features(real, synthetic, max_samples, random_state, names=("real", "synthetic")):
    """Feature matrices of two tables (standardised on ``real``), each subsampled
    to at most ``max_samples`` rows: the common first step of the sample metrics."""
    real, synthetic = frames(real, synthetic, names=list(names))
    real_f, fake_f = FeatureSpace().fit_transform(real, synthetic)
    rng = check_random_state(random_state)
    return subsample(real_f, max_samples, rng), subsample(fake_f, max_samples, rng)


def check_same_columns(reference, other, names=("real", "synthetic")):
    """Raise a ValueError naming the difference if two frames have different columns."""
    missing = [c for c in reference.columns if c not in other.columns]
    extra = [c for c in other.columns if c not in reference.columns]
    if missing or extra:
        detail = []
        if missing:
            detail.append(f"{names[1]} lacks columns {missing}")
        if extra:
            detail.append(f"{names[1]} has columns {extra} that {names[0]} does not")
        raise ValueError("The tables have different columns: " + "; ".join(detail) + ".")
    return other[list(reference.columns)]


def _is_number_column(series):
    dtype = series.dtype
    return (
        pd.api.types.is_numeric_dtype(dtype)
        and not pd.api.types.is_bool_dtype(dtype)
        and not isinstance(dtype, pd.CategoricalDtype)
    )


def _non_numbers(series):
    """Observed values of a text column that do not read as numbers."""
    observed = series.dropna()
    if isinstance(observed.dtype, pd.CategoricalDtype):
        observed = observed.astype(object)
    parsed = pd.to_numeric(observed, errors="coerce")
    return observed[parsed.isna()]


def check_same_kinds(reference, other, names=("real", "synthetic")):
    """Tables whose columns hold the same kind of values in both.

    A column with numbers in one table and text in the other is converted to
    numbers when every text value reads as one (``"1.5"``); otherwise a
    ValueError names the column: no score can compare numbers with words, and
    the metrics would treat the numbers as categories.

    Returns
    -------
    reference, other : DataFrame
    """
    tables = {names[0]: reference, names[1]: other}
    for column in reference.columns:
        for numbers_name, text_name in (names, names[::-1]):
            numbers, text = tables[numbers_name][column], tables[text_name][column]
            if not _is_number_column(numbers) or _is_number_column(text):
                continue
            bad = _non_numbers(text)
            if len(bad):
                raise ValueError(
                    f"Column {column!r} holds numbers in {numbers_name} but text in "
                    f"{text_name} (e.g. {bad.iloc[0]!r}); the tables cannot be compared. "
                    "Check that both tables have the same columns in the same order, read "
                    "with the same separator."
                )
            converted = pd.to_numeric(text.astype(object), errors="coerce").astype(float)
            tables[text_name] = tables[text_name].assign(**{column: converted})
    return tables[names[0]], tables[names[1]]


def frames(reference, *others, names=None):
    """Convert tables to DataFrames with the reference's column order.

    Raises a ValueError naming the column when the tables' columns differ, or
    a column holds numbers in one table and text in another.
    """
    names = names or ["real"] + [f"table {i + 1}" for i in range(len(others))]
    reference = as_frame(reference, names[0])
    out = [reference]
    for name, other in zip(names[1:], others):
        other = as_frame(other, name)
        other = check_same_columns(reference, other, (names[0], name))
        out[0], other = check_same_kinds(out[0], other, (names[0], name))
        out.append(other)
    return out


def _stack(tables):
    # A column may be categorical in one table and object in another (CSV
    # round trips): compare values, not dtypes.
    stacked = pd.concat(tables, ignore_index=True)
    for column in stacked.columns:
        dtypes = {str(t[column].dtype) for t in tables}
        if len(dtypes) > 1 and any(
            isinstance(t[column].dtype, pd.CategoricalDtype) or t[column].dtype == object
            for t in tables
        ):
            stacked[column] = pd.concat(
                [t[column].astype(object) for t in tables], ignore_index=True
            )
    return stacked


def column_kinds(*tables, max_categories=50):
    """Each column's kind (``continuous``, ``integer``, ``datetime``, ``categorical``, ``boolean``)."""
    encoder = TabularEncoder(max_categories=max_categories).fit(_stack(tables))
    return dict(encoder.kinds_)


def is_continuous(kind):
    return kind in CONTINUOUS_KINDS


class FeatureSpace:
    """Encode several tables into one numeric feature matrix each.

    Continuous-like columns become one value (plus an observed/missing pair
    when a table has missing values), categorical and boolean columns a
    one-hot block; the encoder is fit on all tables together.

    Parameters
    ----------
    scaling : {"standard", "raw"}, default="standard"
        ``"standard"`` rescales every continuous value column to mean 0 and
        variance 1 *on the reference table* (the first one given to ``fit``);
        ``"raw"`` keeps the original units of continuous values (the
        raw-feature option of :func:`frechet_distance`).
    max_categories : int, default=50
        Categories beyond this many per column are merged into one code.
    """

    def __init__(self, scaling="standard", max_categories=50):
        self.scaling = scaling
        self.max_categories = max_categories

    def fit(self, reference, *others):
        tables = [as_frame(t) for t in (reference, *others)]
        self.encoder_ = TabularEncoder(max_categories=self.max_categories).fit(_stack(tables))
        self.kinds_ = dict(self.encoder_.kinds_)
        self.value_columns_ = self._value_columns()
        encoded = self._encode(tables[0])
        self.offset_ = np.zeros(encoded.shape[1])
        self.scale_ = np.ones(encoded.shape[1])
        if self.scaling == "raw":
            # Undo the encoder's standardisation: original units.
            continuous = [c for c in self.encoder_.columns_ if is_continuous(c.kind)]
            for j, column in zip(self.value_columns_, continuous):
                self.offset_[j] = -column.encoding.mean / column.encoding.scale
                self.scale_[j] = 1.0 / column.encoding.scale
        else:
            values = encoded[:, self.value_columns_]
            self.offset_[self.value_columns_] = values.mean(axis=0)
            std = values.std(axis=0)
            self.scale_[self.value_columns_] = np.where(std > 0, std, 1.0)
        return self

    def _value_columns(self):
        positions, start = [], 0
        for span in self.encoder_.layout_:
            if span.kind == "continuous" and span.role == "value":
                positions.append(start)
            start += span.width
        return np.asarray(positions, dtype=np.intp)

    def _encode(self, table):
        return self.encoder_.transform(as_frame(table))

    def transform(self, table):
        """Feature matrix of ``table`` (float64, one row per row)."""
        return (self._encode(table) - self.offset_) / self.scale_

    def fit_transform(self, reference, *others):
        """Fit on all tables, return the list of their feature matrices."""
        self.fit(reference, *others)
        return [self.transform(t) for t in (reference, *others)]
