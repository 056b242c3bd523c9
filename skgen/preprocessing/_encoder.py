"""TabularEncoder: reversible encoding of mixed-type tables, the one place that knows column types."""

import reprlib
from dataclasses import dataclass
from numbers import Integral

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

from ..exceptions import ZeroProbabilityError
from ..utils import as_generator, check_magnitude, exotic_value_problem
from ..utils._sklearn import Interval, StrOptions, _fit_context
from ._layout import CONTINUOUS_KINDS, DISCRETE_KINDS, MixedTable, Span, one_hot
from ._mode import ModeEncoding
from ._quantile import QuantileEncoding
from ._standard import StandardEncoding

__all__ = ["TabularEncoder"]

# One class per continuous encoding; each maps a column's observed values.
_ENCODINGS = {"standard": StandardEncoding, "quantile": QuantileEncoding, "mode": ModeEncoding}

# Resolutions tried, coarsest first, when restoring datetimes (in nanoseconds).
_DATETIME_STEPS_NS = (86_400 * 10**9, 3_600 * 10**9, 60 * 10**9, 10**9, 10**6, 10**3, 1)


@dataclass
class _Column:
    name: object
    kind: str
    dtype: object
    missing_rate: float
    # continuous-like columns
    minimum: float = 0.0
    maximum: float = 0.0
    offset: int = 0  # datetimes: int64 origin, so floats keep precision
    step: int = 1  # datetimes: rounding resolution in the dtype's unit
    datetime_unit: str = "ns"
    encoding: object = None  # a fitted StandardEncoding, QuantileEncoding or ModeEncoding
    # discrete columns
    categories: list = None  # values kept, in code order; NaN last if present
    other_values: np.ndarray = None  # values merged into the "other" bucket
    other_probs: np.ndarray = None

    @property
    def has_missing(self):
        return self.missing_rate > 0

    @property
    def other_code(self):
        """Code of the bucket holding rare categories (None if none were merged)."""
        if self.other_values is None:
            return None
        return len(self.categories)

    @property
    def n_codes(self):
        return len(self.categories) + (self.other_values is not None)

    @property
    def log_unit(self):
        """Log-Jacobian of measuring the column in its unit: datetimes are scored
        per second whatever their dtype's resolution (pandas 2 makes
        nanoseconds, pandas 3 microseconds), so scores agree on both."""
        if self.kind != "datetime":
            return 0.0
        return float(np.log(np.timedelta64(1, "s") / np.timedelta64(1, self.datetime_unit)))


def _is_missing(values):
    return pd.isna(values)


class TabularEncoder(TransformerMixin, BaseEstimator):
    """Reversible encoder for mixed-type tables.

    Column kinds are inferred in ``fit``: ``bool`` columns are *boolean*;
    datetimes are *datetime*; category, object and string columns are
    *categorical*; integer columns, and float columns whose values are all whole
    numbers, are *integer*, unless they take at most ``max_integer_levels``
    distinct values, in which case they are *categorical* (a year, a rating,
    a count of children: rounding a continuous model's output would distort
    them); other numbers are *continuous*. ``discrete_columns`` forces columns
    to be categorical.

    Encoded matrix (``transform``), column by column, described by ``layout_``:

    - continuous-like columns (continuous, integer, datetime) give one value
      scaled by ``continuous`` encoding, preceded for ``"mode"`` by nothing and
      followed by a mode one-hot; a column with missing values adds a 2-wide
      *observed/missing* one-hot and its value is 0 where missing;
    - categorical and boolean columns give a one-hot over their categories;
      missing is a category of its own.

    Missing values are thereby modelled, so a generator reproduces them at the
    training rate.

    High-cardinality rule: a categorical column with more than
    ``max_categories`` distinct values keeps its ``max_categories - 1`` most
    frequent values and merges the rest into one *other* code.
    ``inverse_transform`` turns *other* back into one of the merged values,
    drawn with their training frequencies, and ``log_abs_det_jacobian`` adds
    ``log P(value | other)`` so that scores stay in the original space.

    Parameters
    ----------
    continuous : {"standard", "quantile", "mode"}, default="standard"
        Encoding of continuous-like columns. ``"standard"`` subtracts the mean
        and divides by the standard deviation. ``"quantile"`` maps the value
        to a standard normal score through its empirical CDF: piecewise-linear
        between the normal scores of the training quantiles, continued
        linearly beyond them, so every value has a finite score.
        ``"mode"`` is CTGAN's mode-specific normalisation: a Bayesian Gaussian
        mixture per column; the value becomes ``(x - mu_k) / (4 sigma_k)`` for
        its most likely mode ``k`` plus a one-hot of ``k``.
    max_categories : int, default=50
        Cap on codes per categorical column (see the high-cardinality rule).
    max_integer_levels : int, default=10
        Integer columns with at most this many distinct values are categorical.
    n_modes : int, default=10
        Largest number of modes per column for ``continuous="mode"``.
    n_quantiles : int, default=1000
        Largest number of knots of the empirical CDF for ``"quantile"``.
    discrete_columns : list, default=None
        Columns to treat as categorical whatever their dtype.
    clip : bool, default=True
        Clip restored continuous values to the training range.
    random_state : int, RandomState instance or None, default=None
        Seeds the mode mixtures and, in ``inverse_transform``, the draw of
        merged rare categories.

    Attributes
    ----------
    layout_ : list of Span
        The blocks of the encoded matrix, in order.
    columns_ : list of _Column
        What was learnt about each column (kind, dtype, missing rate, ...).
    kinds_ : dict
        Column name to inferred kind.
    n_features_in_ : int
    feature_names_in_ : ndarray of str, only when fit on a DataFrame.

    Examples
    --------
    >>> import pandas as pd
    >>> from skgen.preprocessing import TabularEncoder
    >>> df = pd.DataFrame({"x": [1.5, 2.5, None], "c": ["a", "b", "a"]})
    >>> enc = TabularEncoder().fit(df)
    >>> enc.kinds_
    {'x': 'continuous', 'c': 'categorical'}
    >>> enc.transform(df).shape
    (3, 5)
    >>> enc.inverse_transform(enc.transform(df)).equals(df)
    True
    """

    _parameter_constraints = {
        "continuous": [StrOptions({"standard", "quantile", "mode"})],
        "max_categories": [Interval(Integral, 2, None, closed="left")],
        "max_integer_levels": [Interval(Integral, 0, None, closed="left")],
        "n_modes": [Interval(Integral, 1, None, closed="left")],
        "n_quantiles": [Interval(Integral, 2, None, closed="left")],
        "discrete_columns": [list, tuple, None],
        "clip": ["boolean"],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        continuous="standard",
        *,
        max_categories=50,
        max_integer_levels=10,
        n_modes=10,
        n_quantiles=1000,
        discrete_columns=None,
        clip=True,
        random_state=None,
    ):
        self.continuous = continuous
        self.max_categories = max_categories
        self.max_integer_levels = max_integer_levels
        self.n_modes = n_modes
        self.n_quantiles = n_quantiles
        self.discrete_columns = discrete_columns
        self.clip = clip
        self.random_state = random_state

    # ------------------------------------------------------------------ fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn each column's kind, scaling, categories and missing rate."""
        frame = self._as_frame(X, reset=True)
        if frame.shape[0] == 0:
            raise ValueError("Found array with 0 sample(s) while a minimum of 1 is required.")
        if frame.shape[1] == 0:
            raise ValueError("Found array with 0 feature(s) while a minimum of 1 is required.")
        forced = set(self.discrete_columns or ())
        unknown = forced.difference(frame.columns)
        if unknown:
            raise ValueError(
                f"discrete_columns names columns not in X: {sorted(map(str, unknown))}"
            )
        # Only the mode mixtures are random: other encodings leave every RNG alone.
        rng = None
        if self.continuous == "mode":
            rng = np.random.RandomState(as_generator(self.random_state).integers(2**31 - 1))
        self.columns_ = [
            self._fit_column(frame[name], name in forced, rng) for name in frame.columns
        ]
        self.kinds_ = {c.name: c.kind for c in self.columns_}
        self.layout_ = self._build_layout()
        return self

    def _as_frame(self, X, *, reset):
        if isinstance(X, pd.DataFrame):
            if reset:
                self._input_is_frame = True
                self.n_features_in_ = X.shape[1]
                self.feature_names_in_ = np.asarray(X.columns, dtype=object)
            else:
                self._check_columns(X)
            return X.reset_index(drop=True)
        array = np.asarray(X)
        if array.ndim != 2:
            raise ValueError(f"Expected a 2-D table, got an array of shape {array.shape}.")
        if reset:
            self._input_is_frame = False
            self.n_features_in_ = array.shape[1]
        elif array.shape[1] != self.n_features_in_:
            raise ValueError(
                f"X has {array.shape[1]} features, but {type(self).__name__} is expecting "
                f"{self.n_features_in_} features as input."
            )
        return pd.DataFrame(array)

    def _check_columns(self, frame):
        expected = list(self.feature_names_in_)
        got = list(frame.columns)
        if got != expected:
            missing = [c for c in expected if c not in got]
            extra = [c for c in got if c not in expected]
            detail = []
            if missing:
                detail.append(f"missing columns {missing}")
            if extra:
                detail.append(f"unexpected columns {extra}")
            if not detail:
                detail.append("columns in a different order")
            raise ValueError(
                f"X has {len(got)} columns, the encoder was fit on {len(expected)}: "
                + "; ".join(detail)
                + "."
            )

    def _fit_column(self, series, force_discrete, rng):
        kind = self._infer_kind(series, force_discrete)
        missing = _is_missing(series).to_numpy()
        column = _Column(series.name, kind, series.dtype, float(missing.mean()))
        if kind in DISCRETE_KINDS:
            self._fit_categories(column, series[~missing], missing.any())
            return column
        values = self._to_float_checked(column, series, fitting=True)[~missing]
        if values.size == 0:
            raise ValueError(f"Column {series.name!r} has no observed values.")
        column.minimum, column.maximum = float(values.min()), float(values.max())
        column.encoding = _ENCODINGS[self.continuous](
            values, n_quantiles=self.n_quantiles, n_modes=self.n_modes, rng=rng
        )
        return column

    def _infer_kind(self, series, force_discrete):
        kind = self._infer_dtype_kind(series, force_discrete)
        if kind == "integer" and series.nunique(dropna=True) <= self.max_integer_levels:
            return "categorical"
        return kind

    @staticmethod
    def _infer_dtype_kind(series, force_discrete):
        dtype = series.dtype
        if pd.api.types.is_complex_dtype(dtype):
            raise ValueError(
                f"Column {series.name!r} holds complex numbers, which skgen does not model; "
                "split it into two columns, its real and imaginary parts."
            )
        if pd.api.types.is_object_dtype(dtype):
            _check_cells(series)
        if force_discrete:
            return "categorical"
        if pd.api.types.is_bool_dtype(dtype):
            return "boolean"
        if pd.api.types.is_datetime64_any_dtype(dtype):
            return "datetime"
        if pd.api.types.is_numeric_dtype(dtype) and not isinstance(dtype, pd.CategoricalDtype):
            if pd.api.types.is_integer_dtype(dtype):
                return "integer"
            observed = series.dropna().to_numpy(dtype=float)
            if (
                observed.size
                and np.all(np.isfinite(observed))
                and np.all(observed == np.round(observed))
            ):
                return "integer"
            return "continuous"
        observed = series.dropna()
        if observed.size and observed.map(lambda v: isinstance(v, (bool, np.bool_))).all():
            return "boolean"
        return "categorical"

    def _fit_categories(self, column, observed, has_missing):
        counts = observed.value_counts(sort=True)
        if column.kind == "boolean":
            # Only the values seen: an always-True column never samples False.
            values = sorted({bool(v) for v in counts.index})
        elif isinstance(column.dtype, pd.CategoricalDtype):
            values = [v for v in counts.index if counts[v] > 0]
        else:
            values = list(counts.index)
        cap = self.max_categories - int(has_missing)
        if len(values) > cap:
            kept, merged = values[: cap - 1], values[cap - 1 :]
            merged_counts = counts[merged].to_numpy(dtype=float)
            column.other_values = np.asarray(merged, dtype=object)
            column.other_probs = merged_counts / merged_counts.sum()
            values = kept
        if has_missing:
            values = values + [np.nan]
        column.categories = values

    def _to_float(self, column, series, fitting=False):
        """Continuous-like column to float64 (datetimes: dtype units after an offset)."""
        if column.kind != "datetime":
            return pd.to_numeric(series, errors="raise").to_numpy(dtype=float, na_value=np.nan)
        missing = _is_missing(series).to_numpy()
        unit = np.datetime_data(
            series.dtype.base if hasattr(series.dtype, "base") else series.dtype
        )[0]
        ints = series.to_numpy(dtype="datetime64[" + unit + "]").astype("int64")
        if fitting:
            column.datetime_unit = unit
            observed = ints[~missing]
            column.offset = int(observed.min()) if observed.size else 0
            step_in_unit = np.timedelta64(1, unit).astype("timedelta64[ns]").astype("int64")
            diffs = observed - column.offset
            column.step = next(
                (
                    max(s // step_in_unit, 1)
                    for s in _DATETIME_STEPS_NS
                    if s % step_in_unit == 0 and np.all(diffs % max(s // step_in_unit, 1) == 0)
                ),
                1,
            )
        out = (ints - column.offset).astype(float)
        out[missing] = np.nan
        return out

    def _build_layout(self):
        layout = []
        for c in self.columns_:
            if c.kind in DISCRETE_KINDS:
                layout.append(Span(c.name, "discrete", "category", c.n_codes, "softmax"))
                continue
            layout += c.encoding.spans(c.name)
            if c.has_missing:
                layout.append(Span(c.name, "discrete", "missing", 2, "softmax"))
        return layout

    # ------------------------------------------------------------ properties
    @property
    def n_continuous_(self):
        """Number of continuous-like columns (columns of ``MixedTable.continuous``)."""
        check_is_fitted(self, "columns_")
        return sum(c.kind in CONTINUOUS_KINDS for c in self.columns_)

    @property
    def cardinalities_(self):
        """Number of codes of each discrete column (columns of ``MixedTable.codes``)."""
        check_is_fitted(self, "columns_")
        return [c.n_codes for c in self.columns_ if c.kind in DISCRETE_KINDS]

    # ---------------------------------------------------------- mixed view
    def transform_mixed(self, X):
        """Encode ``X`` as a :class:`MixedTable` (scaled continuous values + codes).

        Only for ``continuous="standard"`` or ``"quantile"``, where each
        continuous column maps to a single value.
        """
        check_is_fitted(self, "columns_")
        if self.continuous == "mode":
            raise ValueError("transform_mixed needs continuous='standard' or 'quantile'.")
        frame = self._as_frame(X, reset=False)
        if frame.shape[0] == 0:
            raise ValueError("Found array with 0 sample(s) while a minimum of 1 is required.")
        cont, codes = [], []
        for c in self.columns_:
            series = frame[c.name]
            if c.kind in DISCRETE_KINDS:
                codes.append(self._encode_categories(c, series))
            else:
                cont.append(c.encoding.scale_values(self._to_float_checked(c, series)))
        n = frame.shape[0]
        return MixedTable(
            continuous=np.column_stack(cont) if cont else np.empty((n, 0)),
            codes=np.column_stack(codes).astype(np.intp) if codes else np.empty((n, 0), np.intp),
            cardinalities=self.cardinalities_,
        )

    def _to_float_checked(self, column, series, fitting=False):
        exotic = None
        if pd.api.types.is_complex_dtype(series.dtype):
            exotic = "complex numbers"
        elif pd.api.types.is_object_dtype(series.dtype):
            exotic = _check_cells(series, fail=False)
        if exotic:
            raise ValueError(f"Column {column.name!r} must be numeric: it holds {exotic}.")
        try:
            values = self._to_float(column, series, fitting=fitting)
        except (ValueError, TypeError) as exc:
            raise ValueError(f"Column {column.name!r} must be numeric: {exc}") from None
        if np.isinf(values).any():
            raise ValueError(f"Column {column.name!r} contains infinity.")
        check_magnitude(values, column.name)
        if fitting:
            return values
        if not column.has_missing and np.isnan(values).any():
            raise ZeroProbabilityError(
                f"Column {column.name!r} has missing values but had none when the encoder was "
                "fit, so the model gives them no probability."
            )
        return values

    def _encode_categories(self, column, series):
        if pd.api.types.is_object_dtype(series.dtype):
            _check_cells(series)
        values = series.to_numpy(dtype=object)
        missing = _is_missing(series).to_numpy()
        index = {v: i for i, v in enumerate(column.categories) if not _is_missing(v)}
        codes = np.full(values.shape[0], -1, dtype=np.intp)
        for i, (v, m) in enumerate(zip(values, missing)):
            if m:
                if column.has_missing:
                    codes[i] = len(column.categories) - 1
            else:
                codes[i] = index.get(v, -1)
        unknown = codes < 0
        if unknown.any() and column.other_values is not None:
            others = set(column.other_values)
            is_other = np.array([v in others for v in values[unknown]], dtype=bool)
            idx = np.flatnonzero(unknown)[is_other]
            codes[idx] = column.other_code
            unknown = codes < 0
        if unknown.any():
            bad = pd.unique(pd.Series(values[unknown], dtype=object))[:5]
            what = "missing values" if missing[unknown].any() else f"unseen categories {list(bad)}"
            raise ZeroProbabilityError(
                f"Column {column.name!r} has {what} that the encoder did not see in fit; "
                "the model gives them no probability."
            )
        return codes

    def inverse_transform_mixed(self, table, random_state=None):
        """Restore the original table from a :class:`MixedTable`."""
        check_is_fitted(self, "columns_")
        rng = as_generator(random_state)
        cont = iter(np.asarray(table.continuous, dtype=float).T)
        codes = iter(np.asarray(table.codes).T)
        out = {}
        for c in self.columns_:
            if c.kind in DISCRETE_KINDS:
                out[c.name] = self._decode_categories(c, next(codes), rng)
            else:
                out[c.name] = self._restore_continuous(c, c.encoding.unscale_values(next(cont)))
        return self._assemble(out)

    def _assemble(self, columns):
        frame = pd.DataFrame(columns, columns=[c.name for c in self.columns_])
        if getattr(self, "_input_is_frame", True):
            return frame
        return frame.to_numpy(dtype=float)

    def _restore_continuous(self, column, values):
        missing = np.isnan(values)
        if self.clip:
            values = np.clip(values, column.minimum, column.maximum)
        if column.kind == "continuous":
            return pd.Series(
                values,
                dtype=column.dtype if not missing.any() or _nullable(column.dtype) else float,
            )
        if column.kind == "integer":
            values = np.round(values)
            if missing.any() and not _nullable(column.dtype):
                return pd.Series(values, dtype=float)
            if pd.api.types.is_integer_dtype(column.dtype) and not missing.any():
                return pd.Series(values.astype(np.int64)).astype(column.dtype)
            return pd.Series(pd.array(np.where(missing, np.nan, values))).astype(column.dtype)
        # datetime: back to integer ticks of the original unit and resolution
        ticks = np.round(np.where(missing, 0, values) / column.step) * column.step
        stamps = (ticks.astype(np.int64) + column.offset).astype(
            f"datetime64[{column.datetime_unit}]"
        )
        stamps[missing] = np.datetime64("NaT")
        series = pd.Series(stamps)
        tz = getattr(column.dtype, "tz", None)
        if tz is not None:
            series = series.dt.tz_localize("UTC").dt.tz_convert(tz)
        return series.astype(column.dtype)

    def _decode_categories(self, column, codes, rng):
        codes = np.asarray(codes, dtype=np.intp)
        table = np.empty(column.n_codes, dtype=object)
        table[: len(column.categories)] = column.categories
        values = table[codes]
        if column.other_values is not None:
            is_other = codes == column.other_code
            values[is_other] = rng.choice(
                column.other_values, size=int(is_other.sum()), p=column.other_probs
            )
        if column.kind == "boolean":
            if isinstance(column.dtype, np.dtype) and column.dtype == bool:
                return pd.Series(values.astype(bool))
            return pd.Series(values, dtype=column.dtype if column.dtype != object else object)
        return pd.Series(values, dtype=column.dtype)

    # ----------------------------------------------------------- conditions
    def check_conditions(self, conditions, owner="The model"):
        """Validate ``{column: value}`` conditions on discrete columns.

        A value may be given as a scalar or as a one-element list or array;
        ``None`` or NaN asks for a missing value. Raises a ValueError naming the
        column when it does not exist, is not discrete, or never took the
        value in the training data (then no sample can have it either).

        Returns
        -------
        dict of column to the single value asked for.
        """
        check_is_fitted(self, "columns_")
        by_name = {c.name: c for c in self.columns_}
        checked = {}
        for name, value in conditions.items():
            if name not in by_name:
                raise ValueError(f"conditions names a column not in the data: {name!r}.")
            column = by_name[name]
            if column.kind not in DISCRETE_KINDS:
                raise ValueError(
                    f"{owner} can only condition on discrete columns; {name!r} is {column.kind}."
                )
            value = _single_value(name, value)
            known = list(column.categories)
            if column.other_values is not None:
                known += list(column.other_values)
            if not any(_same_value(v, value) for v in known):
                raise ValueError(
                    f"Column {name!r} never takes the value {value!r} in the training data."
                )
            checked[name] = value
        return checked

    def category_code(self, name, value):
        """Code of ``value`` in the discrete column ``name`` (the "other" bucket for a rare value)."""
        check_is_fitted(self, "columns_")
        column = next(c for c in self.columns_ if c.name == name)
        for code, category in enumerate(column.categories):
            if _same_value(category, value):
                return code
        return column.other_code

    @staticmethod
    def rows_meeting(frame, conditions):
        """Boolean mask of the rows of ``frame`` that meet checked ``conditions``."""
        mask = np.ones(frame.shape[0], dtype=bool)
        for name, value in conditions.items():
            if _is_missing(value):
                mask &= _is_missing(frame[name]).to_numpy()
            else:
                mask &= (frame[name] == value).to_numpy(dtype=bool, na_value=False)
        return mask

    # -------------------------------------------------------- one-hot view
    def transform(self, X):
        """Encode ``X`` as a float matrix laid out as ``layout_`` says."""
        check_is_fitted(self, "columns_")
        if self.continuous != "mode":
            table = self.transform_mixed(X)
            return self._mixed_to_matrix(table)
        frame = self._as_frame(X, reset=False)
        blocks = []
        for c in self.columns_:
            series = frame[c.name]
            if c.kind in DISCRETE_KINDS:
                blocks.append(one_hot(self._encode_categories(c, series), c.n_codes))
                continue
            values = self._to_float_checked(c, series)
            missing = np.isnan(values)
            blocks += c.encoding.encode_blocks(values, missing)
            if c.has_missing:
                blocks.append(one_hot(missing.astype(np.intp), 2))
        return np.column_stack(blocks).astype(float)

    def _mixed_to_matrix(self, table):
        blocks = []
        cont, codes = iter(table.continuous.T), iter(table.codes.T)
        for c in self.columns_:
            if c.kind in DISCRETE_KINDS:
                blocks.append(one_hot(next(codes), c.n_codes))
                continue
            values = next(cont)
            missing = np.isnan(values)
            blocks.append(np.where(missing, 0.0, values)[:, None])
            if c.has_missing:
                blocks.append(one_hot(missing.astype(np.intp), 2))
        return np.column_stack(blocks).astype(float)

    def inverse_transform(self, X, random_state=None):
        """Restore the original table (dtypes, categories, rounding, range, NaNs).

        Discrete blocks are decoded by argmax, so soft outputs (probabilities,
        logits) of a model can be passed directly.
        """
        check_is_fitted(self, "columns_")
        Z = np.asarray(X, dtype=float)
        width = sum(s.width for s in self.layout_)
        if Z.ndim != 2 or Z.shape[1] != width:
            raise ValueError(
                f"Expected an encoded matrix with {width} columns, got shape {Z.shape}."
            )
        blocks = iter(np.split(Z, np.cumsum([s.width for s in self.layout_])[:-1], axis=1))
        cont, codes = [], []
        for c in self.columns_:
            if c.kind in DISCRETE_KINDS:
                codes.append(np.argmax(next(blocks), axis=1))
                continue
            value = next(blocks)
            if self.continuous == "mode":  # back in original units
                value = c.encoding.decode_blocks(value, next(blocks))
            else:
                value = value[:, 0]
            if c.has_missing:
                value = np.where(np.argmax(next(blocks), axis=1) == 1, np.nan, value)
            cont.append(value)
        n = Z.shape[0]
        table = MixedTable(
            np.column_stack(cont) if cont else np.empty((n, 0)),
            np.column_stack(codes) if codes else np.empty((n, 0), np.intp),
            self.cardinalities_,
        )
        if self.continuous == "mode":
            rng = as_generator(random_state)
            out = {}
            cont_it, code_it = iter(table.continuous.T), iter(table.codes.T)
            for c in self.columns_:
                if c.kind in DISCRETE_KINDS:
                    out[c.name] = self._decode_categories(c, next(code_it), rng)
                else:
                    out[c.name] = self._restore_continuous(c, next(cont_it))
            return self._assemble(out)
        return self.inverse_transform_mixed(table, random_state=random_state)

    # ------------------------------------------------------------- Jacobian
    def log_abs_det_jacobian(self, X):
        """Per-row log-abs-det-Jacobian of the map from original to encoded space.

        Add it to a log-density computed on the encoded matrix to get the
        log-density of the original row (Lebesgue measure for continuous-like
        columns, datetimes measured in seconds whatever their dtype's
        resolution; counting measure for discrete ones). It covers the scaling of
        continuous values (missing ones contribute nothing) and, for rare
        categories merged into *other*, ``log P(value | other)``. For
        ``continuous="mode"`` the mode is taken as given (the most likely one),
        so a density built on it is exact only for the mode assignment.
        """
        check_is_fitted(self, "columns_")
        frame = self._as_frame(X, reset=False)
        total = np.zeros(frame.shape[0])
        for c in self.columns_:
            series = frame[c.name]
            if c.kind in DISCRETE_KINDS:
                if c.other_values is not None:
                    lookup = dict(zip(c.other_values, np.log(c.other_probs)))
                    total += np.array([lookup.get(v, 0.0) for v in series.to_numpy(dtype=object)])
                continue
            values = self._to_float_checked(c, series)
            observed = ~np.isnan(values)
            total[observed] += c.encoding.log_derivative(values[observed]) + c.log_unit
        return total


def _single_value(name, value):
    """One condition value: a scalar, or the element of a one-element list or array."""
    if isinstance(value, (dict, set, frozenset)):
        raise ValueError(f"conditions[{name!r}] must be one value, got a {type(value).__name__}.")
    if isinstance(
        value, (list, tuple, np.ndarray, pd.Series, pd.Index, pd.api.extensions.ExtensionArray)
    ):
        values = np.asarray(value, dtype=object).ravel()
        if values.size != 1:
            raise ValueError(
                f"conditions[{name!r}] must be one value, got {values.size} values: "
                f"{reprlib.repr(values.tolist())}."
            )
        value = values[0]
    return value


def _same_value(known, value):
    if _is_missing(known) or _is_missing(value):
        return bool(_is_missing(known) and _is_missing(value))
    try:
        return bool(known == value)
    except (TypeError, ValueError):
        return False


def _check_cells(series, fail=True):
    """Refuse (or, with ``fail=False``, describe) cells no column can hold:
    lists, dicts, sets, arrays, complex numbers."""
    for value in series.to_numpy(dtype=object):
        problem = exotic_value_problem(value)
        if problem is not None:
            if not fail:
                return problem
            raise ValueError(
                f"Column {series.name!r} holds {problem} (e.g. {reprlib.repr(value)}), which skgen "
                "cannot model; expand them into columns of their own, or turn them into "
                "strings if they are labels."
            )
    return None


def _nullable(dtype):
    return isinstance(dtype, pd.api.extensions.ExtensionDtype) or np.issubdtype(
        np.dtype(dtype), np.floating
    )
