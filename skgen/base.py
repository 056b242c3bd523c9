"""Base classes implementing skgen's estimator contract once for every model.

A generator subclasses :class:`BaseGenerator` and implements a few private
hooks on data already validated and encoded:

- ``_fit(data, seed)``: learn from ``data``;
- ``_score_samples(data)``: log-density of each row in the encoded space;
- ``_sample(n_samples, rng)``: draw rows in the encoded space;
- ``_transform(data)`` / ``_inverse_transform(Z)``: only with :class:`LatentMixin`.

``data`` is what the class attribute ``_input_view`` asks for: ``"mixed"``
gives a :class:`skgen.preprocessing.MixedTable` (scaled continuous columns with
NaN where missing, plus integer codes of discrete columns), ``"matrix"`` the
float matrix of :meth:`TabularEncoder.transform`. A numeric array is used as it
is (no NaN allowed); a DataFrame goes through a :class:`TabularEncoder`, and
the base class adds the encoder's log-Jacobian to scores and decodes samples
back to a DataFrame with the original columns, dtypes and missing values.
"""

from abc import ABCMeta, abstractmethod

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import BaseEstimator, DensityMixin, TransformerMixin
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from .preprocessing import MixedTable, TabularEncoder
from .utils import (
    as_generator,
    check_latent,
    check_n_samples,
    check_same_container,
    rejection_sample,
    seed_from,
    validate_numeric,
)
from .utils._sklearn import _fit_context

__all__ = ["BaseGenerator", "GenerativeMixin", "LatentMixin", "SCORE_KINDS"]

SCORE_KINDS = ("exact", "lower_bound", "estimate", "unnormalized", "reconstruction")

#: ``sample`` draws more rows than this in chunks (in parallel with ``n_jobs``).
SAMPLE_CHUNK_SIZE = 100_000


class GenerativeMixin:
    """Mixin for generative models: ``sample`` and ``score`` from ``score_samples``.

    ``score_kind`` says what ``score_samples`` returns; see :data:`SCORE_KINDS`.
    """

    score_kind = "exact"

    def score(self, X, y=None):
        """Mean of :meth:`score_samples` over the rows of ``X`` (higher is better).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)
        y : ignored

        Returns
        -------
        score : float
        """
        return float(np.mean(self.score_samples(X)))


class BaseGenerator(GenerativeMixin, DensityMixin, BaseEstimator, metaclass=ABCMeta):
    """Base class of every skgen generator (see the module docstring)."""

    _input_view = "mixed"
    _parameter_constraints = {"random_state": ["random_state"]}

    # ---------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Learn the distribution of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame
            Numeric array, or a DataFrame with any mix of numeric, integer,
            boolean, categorical and datetime columns and missing values.
        y : ignored
            Accepted for compatibility with scikit-learn; class-conditional
            generation is the job of :class:`skgen.ClassConditional`.

        Returns
        -------
        self : object
        """
        seed = seed_from(self.random_state)
        data = self._validate_input(X, reset=True, seed=seed)
        self._fit(data, seed)
        # The generator that sample() draws from when given no random_state:
        # seeded from fit's seed, so a refit restarts the same sequence.
        self._sampling_rng_ = np.random.default_rng([seed, 1])
        return self

    @abstractmethod
    def _fit(self, data, seed):
        """Fit on validated data; ``seed`` is an int derived from ``random_state``."""

    def _encoder_params(self):
        """Parameters of the TabularEncoder used for DataFrame input."""
        return {"continuous": "standard"}

    def _validate_input(self, X, *, reset, seed=None):
        if not reset:
            check_same_container(self, X, fitted_on_frame=self.encoder_ is not None)
        if isinstance(X, pd.DataFrame):
            X = validate_data(self, X, reset=reset, skip_check_array=True)
            if reset:
                # The encoder is seeded from fit's seed: numpy's global RNG stays untouched.
                params = {**self._encoder_params(), "random_state": seed}
                self.encoder_ = TabularEncoder(**params).fit(X)
            if X.shape[0] == 0:
                raise ValueError("Found array with 0 sample(s) while a minimum of 1 is required.")
            return self._encode(X)
        X = validate_numeric(self, X, reset=reset)
        if reset:
            self.encoder_ = None
        X = np.asarray(X, dtype=np.float64)
        if self._input_view == "mixed":
            return MixedTable(X, np.empty((X.shape[0], 0), dtype=np.intp), [])
        return X

    def _encode(self, frame):
        if self._input_view == "mixed":
            return self.encoder_.transform_mixed(frame)
        return self.encoder_.transform(frame)

    def _decode(self, data, rng):
        """Model-space rows back to the container the model was fit on."""
        if self.encoder_ is None:
            return data.continuous if isinstance(data, MixedTable) else np.asarray(data)
        if isinstance(data, MixedTable):
            return self.encoder_.inverse_transform_mixed(data, random_state=rng)
        return self.encoder_.inverse_transform(data, random_state=rng)

    def _log_jacobian(self, X):
        if self.encoder_ is None:
            return 0.0
        return self.encoder_.log_abs_det_jacobian(X)  # X is a DataFrame (_validate_input)

    # ------------------------------------------------------------ scoring
    def score_samples(self, X):
        """Log-density of each row of ``X`` in the original data space.

        Continuous columns are scored with respect to Lebesgue measure,
        discrete columns (and the missingness of a value) with respect to
        counting measure, so scores of different skgen models on the same data
        are comparable. ``score_kind`` says whether the value is exact, a
        bound, an estimate, unnormalised or a reconstruction score.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        data = self._validate_input(X, reset=False)
        return self._score_samples(data) + self._log_jacobian(X)

    @abstractmethod
    def _score_samples(self, data):
        """Log-density of each row of ``data`` in the encoded space."""

    # ----------------------------------------------------------- sampling
    def sample(self, n_samples=1, *, random_state=None, n_jobs=None, conditions=None):
        """Draw new rows from the fitted model.

        Parameters
        ----------
        n_samples : int, default=1
        random_state : None, int, RandomState or Generator, default=None
            ``None`` draws from a generator kept on the fitted model, so
            successive calls differ while the whole sequence is reproducible
            under the estimator's ``random_state``; an int or generator makes
            this one call reproducible.
        n_jobs : int or None, default=None
            More than ``SAMPLE_CHUNK_SIZE`` rows are drawn in chunks of that
            size, each with its own generator spawned from ``random_state``,
            in parallel with joblib (``-1``: all cores). The rows do not depend
            on ``n_jobs``, only on ``random_state`` and ``n_samples``.
        conditions : dict or None, default=None
            ``{column: value}``: every row drawn has these values. Models that
            can condition exactly do so; the others (the default) use
            rejection sampling on discrete columns (categorical, boolean, or
            ``None``/NaN for "missing") and store the share of draws accepted
            in ``last_acceptance_rate_``.

        Returns
        -------
        X_new : DataFrame or ndarray of shape (n_samples, n_features_in_)
            A DataFrame with the training columns, dtypes, categories and
            missing values if the model was fit on one, else an ndarray.
        """
        check_is_fitted(self)
        n_samples = check_n_samples(n_samples)
        rng = self._sampling_rng_ if random_state is None else as_generator(random_state)
        if conditions:
            return self._sample_conditioned(n_samples, self._check_conditions(conditions), rng)
        if n_samples <= SAMPLE_CHUNK_SIZE:
            return self._sample_decoded(n_samples, rng)
        sizes = [SAMPLE_CHUNK_SIZE] * (n_samples // SAMPLE_CHUNK_SIZE)
        if n_samples % SAMPLE_CHUNK_SIZE:
            sizes.append(n_samples % SAMPLE_CHUNK_SIZE)
        chunks = Parallel(n_jobs=n_jobs)(
            delayed(self._sample_decoded)(size, child)
            for size, child in zip(sizes, rng.spawn(len(sizes)))
        )
        if isinstance(chunks[0], pd.DataFrame):
            return pd.concat(chunks, ignore_index=True)
        return np.concatenate(chunks)

    def _sample_decoded(self, n_samples, rng):
        return self._decode(self._sample(n_samples, rng), rng)

    def _check_conditions(self, conditions):
        if not isinstance(conditions, dict):
            raise TypeError(
                f"conditions must be a dict {{column: value}}, got {type(conditions).__name__}."
            )
        if self.encoder_ is None:
            raise ValueError(
                "conditions need a model fit on a DataFrame (columns are named there)."
            )
        return self.encoder_.check_conditions(conditions, owner=type(self).__name__)

    def _sample_conditioned(self, n_samples, conditions, rng, max_draws=None):
        """Rejection sampling: draw rows and keep those that meet ``conditions``.

        At most ``max_draws`` rows are drawn (default: a million, or 100 per
        row asked for if more), in batches of bounded size; sampling stops
        early with a ValueError once the acceptance rate seen so far shows
        that the budget cannot be enough.
        """
        rows, self.last_acceptance_rate_ = rejection_sample(
            lambda size: self._sample_decoded(size, rng),
            lambda draw: self.encoder_.rows_meeting(draw, conditions),
            n_samples,
            max_draws=max_draws or max(1_000_000, 100 * n_samples),
            describe=f"conditions {conditions}",
        )
        return rows

    @abstractmethod
    def _sample(self, n_samples, rng):
        """Draw ``n_samples`` rows in the encoded space with the numpy Generator ``rng``."""

    def __sklearn_is_fitted__(self):
        return hasattr(self, "_sampling_rng_")


def _has_decoder(estimator):
    return hasattr(estimator, "_inverse_transform")


class LatentMixin(TransformerMixin):
    """Adds ``transform`` (latent representation) and, for models that define
    ``_inverse_transform``, ``inverse_transform`` (decode latent points)."""

    def transform(self, X):
        """Latent representation of each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components)
        """
        check_is_fitted(self)
        return self._transform(self._validate_input(X, reset=False))

    @available_if(_has_decoder)
    def inverse_transform(self, Z):
        """Decode latent points ``Z`` back to the data space (container of ``fit``).

        Parameters
        ----------
        Z : array-like of shape (n_samples, n_components)

        Returns
        -------
        X : DataFrame or ndarray of shape (n_samples, n_features_in_)
        """
        check_is_fitted(self)
        Z = check_latent(Z)
        return self._decode(self._inverse_transform(Z), self._sampling_rng_)
