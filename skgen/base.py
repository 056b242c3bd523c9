"""Base classes implementing skgen's estimator contract once for every model and kind of data.

A generator subclasses :class:`BaseGenerator` and implements a few private
hooks on data already validated and encoded:

- ``_fit(data, seed)``: learn from ``data``;
- ``_score_samples(data)``: log-density of each unit (row, sequence,
  document, image) in the encoded space;
- ``_sample(n_samples, rng, **params)``: draw units in the encoded space;
- ``_transform(data)`` / ``_inverse_transform(Z)``: only with :class:`LatentMixin`.

Which kinds of data a model takes is the class attribute ``_data_kinds``
(``"table"``, ``"sequence"``, ``"text"``, ``"image"``; tables and images by
default). ``fit`` finds the kind of its input (:func:`skgen.preprocessing.data_kind_of`)
and keeps a *codec* for it (``codec_``), one small class per kind in
:mod:`skgen.preprocessing`, which validates input, encodes it, adds its
log-Jacobian to scores, and decodes samples back to the caller's container.
``data`` is, by kind:

- table: what ``_input_view`` asks for: ``"mixed"`` gives a
  :class:`~skgen.preprocessing.MixedTable` (scaled continuous columns with
  NaN where missing, plus integer codes of discrete columns), ``"matrix"`` the
  float matrix of :meth:`TabularEncoder.transform`. A numeric array is used
  as it is; a DataFrame goes through a :class:`TabularEncoder` (``encoder_``);
- image: for ``_image_view = "flat"`` (tabular models), rows of pixels in the
  table form above; for ``"image"``, an ``(n, C, H, W)`` float array;
  discrete images are dequantised when ``_dequantize_images`` is True;
- sequence and text: a :class:`~skgen.preprocessing.Sequences`.
"""

from abc import ABCMeta, abstractmethod

import numpy as np
from joblib import Parallel, delayed
from scipy import special
from sklearn.base import BaseEstimator, DensityMixin, TransformerMixin
from sklearn.utils import column_or_1d
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted

from .preprocessing import (
    ImageCodec,
    MixedTable,
    SequenceCodec,
    TableCodec,
    TextCodec,
    data_kind_of,
)
from .utils import as_generator, check_latent, check_n_samples, rejection_sample, seed_from
from .utils._sklearn import _fit_context

__all__ = [
    "BaseGenerator",
    "ClassContextMixin",
    "GenerativeMixin",
    "LatentMixin",
    "SCORE_KINDS",
]

SCORE_KINDS = ("exact", "lower_bound", "estimate", "unnormalized", "reconstruction")

#: ``sample`` draws more rows than this in chunks (in parallel with ``n_jobs``).
SAMPLE_CHUNK_SIZE = 100_000


class GenerativeMixin:
    """Mixin for generative models: ``sample`` and ``score`` from ``score_samples``.

    ``score_kind`` says what ``score_samples`` returns; see :data:`SCORE_KINDS`.
    """

    score_kind = "exact"

    def score(self, X, y=None, **params):
        """Mean of :meth:`score_samples` over the rows of ``X`` (higher is better).

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features), or another kind of data
        y : ignored
        **params
            Passed to ``score_samples`` (``lengths`` for sequence models).

        Returns
        -------
        score : float
        """
        return float(np.mean(self.score_samples(X, **params)))


class BaseGenerator(GenerativeMixin, DensityMixin, BaseEstimator, metaclass=ABCMeta):
    """Base class of every skgen generator (see the module docstring)."""

    #: Kinds of data ``fit`` takes.
    _data_kinds = ("table", "image")
    #: Form of a table (and of flattened images) for ``_fit``: "mixed" or "matrix".
    _input_view = "mixed"
    #: Form of images for ``_fit``: "flat" rows or "image" arrays (n, C, H, W).
    _image_view = "flat"
    #: Whether discrete images are dequantised for this (continuous) density.
    _dequantize_images = True
    _parameter_constraints = {"random_state": ["random_state"]}

    # ---------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, lengths=None):
        """Learn the distribution of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), DataFrame, or another kind of data
            A table: numeric array, or a DataFrame with any mix of numeric,
            integer, boolean, categorical and datetime columns and missing
            values; or, for models that take them, images, sequences or
            text (see ``docs/contract.md``).
        y : ignored
            Accepted for compatibility with scikit-learn; class-conditional
            generation is the job of :class:`skgen.ClassConditional`.
        lengths : array-like of int, default=None
            For sequence models: the length of each sequence in ``X`` (rows
            of all sequences end to end, as hmmlearn takes them).

        Returns
        -------
        self : object
        """
        data, seed = self._begin_fit(X, lengths)
        self._fit(data, seed, **self._fit_context_args(y, data))
        self._end_fit(seed)
        return self

    def _fit_context_args(self, y, data):
        """``{"context": codes}`` for a model of p(x | y) (see :class:`ClassContextMixin`)."""
        return {}

    def _begin_fit(self, X, lengths=None):
        """Validate and encode the training data; returns it with the fit's int seed."""
        seed = seed_from(self.random_state)
        kind = data_kind_of(X, lengths, self._data_kinds, type(self).__name__)
        codec = self._make_codec(kind)
        data = codec.fit(self, X, lengths=lengths, seed=seed)
        self.codec_ = codec
        self.encoder_ = getattr(codec, "encoder", None)
        return data, seed

    def _end_fit(self, seed):
        # The generator that sample() draws from when given no random_state:
        # seeded from fit's seed, so a refit restarts the same sequence.
        self._sampling_rng_ = np.random.default_rng([seed, 1])

    def _make_codec(self, kind):
        if kind == "table":
            return TableCodec(self._input_view, self._encoder_params())
        if kind == "image":
            return ImageCodec(self._image_view, self._dequantize_images, self._input_view)
        if kind == "sequence":
            return SequenceCodec()
        return TextCodec()

    @abstractmethod
    def _fit(self, data, seed):
        """Fit on validated data; ``seed`` is an int derived from ``random_state``."""

    def _encoder_params(self):
        """Parameters of the TabularEncoder used for DataFrame input."""
        return {"continuous": "standard"}

    def _validate_input(self, X, *, lengths=None):
        """``X`` validated against the training data and encoded for the model."""
        check_is_fitted(self)
        return self.codec_.encode(self, X, lengths=lengths)

    def _decode(self, data, rng):
        """Model-space units back to the container the model was fit on."""
        return self.codec_.decode(data, rng)

    def _log_jacobian(self, X, lengths=None):
        return self.codec_.log_jacobian(self, X, lengths=lengths)

    # ------------------------------------------------------------ scoring
    def score_samples(self, X, *, lengths=None):
        """Log-density of each row of ``X`` in the original data space.

        Continuous columns are scored with respect to Lebesgue measure,
        discrete columns (and the missingness of a value) with respect to
        counting measure, so scores of different skgen models on the same data
        are comparable. ``score_kind`` says whether the value is exact, a
        bound, an estimate, unnormalised or a reconstruction score.

        For sequences, text and images the unit is a sequence, a document or
        an image: one value each.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), DataFrame, or another kind of data
        lengths : array-like of int, default=None
            For sequence models: the length of each sequence in ``X``.

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
        """
        data = self._validate_input(X, lengths=lengths)
        return self._score_samples(data) + self._log_jacobian(X, lengths)

    @abstractmethod
    def _score_samples(self, data):
        """Log-density of each row of ``data`` in the encoded space."""

    # ----------------------------------------------------------- sampling
    def sample(self, n_samples=1, *, random_state=None, n_jobs=None, conditions=None, **params):
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
        **params
            Options of the kind of data or of the model: ``length`` (an int,
            or one per sequence; default: drawn from the training lengths)
            for sequence models; e.g. ``max_length``, ``temperature`` or
            ``prompt`` for text models.

        Returns
        -------
        X_new : DataFrame or ndarray of shape (n_samples, n_features_in_), or another kind
            A DataFrame with the training columns, dtypes, categories and
            missing values if the model was fit on one, else an ndarray; for
            other kinds, the container ``fit`` received (``(X, lengths)`` or
            a list of sequences, a list of strings, an array of images).
        """
        check_is_fitted(self)
        n_samples = check_n_samples(n_samples)
        rng = self._sampling_rng_ if random_state is None else as_generator(random_state)
        if conditions:
            return self._sample_conditioned(n_samples, self._check_conditions(conditions), rng)
        if n_samples <= SAMPLE_CHUNK_SIZE:
            return self._sample_decoded(n_samples, rng, params)
        sizes = [SAMPLE_CHUNK_SIZE] * (n_samples // SAMPLE_CHUNK_SIZE)
        if n_samples % SAMPLE_CHUNK_SIZE:
            sizes.append(n_samples % SAMPLE_CHUNK_SIZE)
        starts = np.cumsum([0] + sizes[:-1])
        chunks = Parallel(n_jobs=n_jobs)(
            delayed(self._sample_decoded)(size, child, _chunk_params(params, start, size))
            for start, size, child in zip(starts, sizes, rng.spawn(len(sizes)))
        )
        return self.codec_.concat(chunks)

    def _sample_decoded(self, n_samples, rng, params=None):
        params = dict(params or {})
        if isinstance(self.codec_, SequenceCodec):
            params["lengths"] = self.codec_.sample_lengths(n_samples, params.pop("length", None), rng)
        if isinstance(self.codec_, TextCodec) and params.get("prompt") is not None:
            # The model draws continuations of the prompt's codes; the prompt
            # itself comes back as the caller wrote it (unseen symbols included).
            prompt = params["prompt"]
            params["prompt"] = self.codec_.encode_prompt(self, prompt)
            continuations = self._decode(self._sample(n_samples, rng, **params), rng)
            return self.codec_.prepend(prompt, continuations)
        return self._decode(self._sample(n_samples, rng, **params), rng)

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
        """Draw ``n_samples`` units in the encoded space with the numpy Generator ``rng``.

        Sequence models also receive ``lengths`` (one per sequence); other
        keyword options of ``sample`` arrive as keyword arguments.
        """

    def __sklearn_is_fitted__(self):
        return hasattr(self, "_sampling_rng_")


def _chunk_params(params, start, size):
    """``params`` for the units ``start:start + size`` (a per-unit ``context`` is sliced)."""
    if params.get("context") is None:
        return params
    return {**params, "context": params["context"][start : start + size]}


class ClassContextMixin:
    """One model of p(x | y): class labels as a context input, for :class:`skgen.ClassConditional`.

    Put it before the base class (``class M(ClassContextMixin, BaseGenerator)``).
    ``fit(X, y)`` learns p(x | y) and the class prior (``classes_``,
    ``class_prior_``); ``fit(X)`` without labels learns p(x), as any
    generator. The model's hooks receive the classes as integer codes into
    ``classes_``: ``_fit(data, seed, context)``, ``_score_samples(data,
    context)`` and ``_sample(n_samples, rng, context=..., **params)``, with
    ``context=None`` for an unconditional fit.

    - ``score_samples(X, y=labels)`` gives log p(x | y) row by row, and
      without labels log p(x) = log sum_k p(x | k) p(k);
    - ``sample(n, y=labels)`` draws one unit per label (one label is
      repeated), and without labels draws the labels from ``class_prior_``.
    """

    supports_class_context = True

    def _fit_context_args(self, y, data):
        if y is None:
            self.__dict__.pop("classes_", None)
            return {"context": None}
        y = column_or_1d(y, warn=True)
        if y.shape[0] != n_units(data):
            raise ValueError(f"y has {y.shape[0]} labels for {n_units(data)} units of X.")
        self.classes_, codes, counts = np.unique(y, return_inverse=True, return_counts=True)
        self.class_prior_ = counts / counts.sum()
        return {"context": codes.astype(np.int64)}

    def _context_codes(self, y, n_units):
        if not hasattr(self, "classes_"):
            raise ValueError(
                f"{type(self).__name__} was fit without class labels; y must be None."
            )
        y = np.full(n_units, y, dtype=object) if np.ndim(y) == 0 else column_or_1d(y, warn=True)
        if y.shape[0] != n_units:
            raise ValueError(f"y has {y.shape[0]} labels for {n_units} units.")
        codes = np.clip(np.searchsorted(self.classes_, y), 0, self.classes_.size - 1)
        unseen = self.classes_[codes] != y
        if np.any(unseen):
            raise ValueError(
                f"y contains labels not seen in fit: {np.unique(y[unseen]).tolist()}; "
                f"known classes are {self.classes_.tolist()}."
            )
        return codes.astype(np.int64)

    def score_samples(self, X, y=None, *, lengths=None):
        """Log-density of each unit: log p(x | y) given labels, else log p(x).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), DataFrame, or another kind of data
        y : array-like of shape (n_samples,) or None, default=None
            Class labels of the units. ``None`` marginalises over the classes
            (or, for a model fit without labels, scores p(x)).
        lengths : array-like of int, default=None
            For sequence models: the length of each sequence in ``X``.

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
        """
        data = self._validate_input(X, lengths=lengths)
        jacobian = self._log_jacobian(X, lengths)
        if not hasattr(self, "classes_"):
            if y is not None:
                self._context_codes(y, 0)  # raises: fit without labels
            return self._score_samples(data, None) + jacobian
        n = n_units(data)
        if y is not None:
            return self._score_samples(data, self._context_codes(y, n)) + jacobian
        per_class = [
            self._score_samples(data, np.full(n, k, dtype=np.int64))
            for k in range(self.classes_.size)
        ]
        with np.errstate(divide="ignore"):
            joint = np.column_stack(per_class) + np.log(self.class_prior_)
        return special.logsumexp(joint, axis=1) + jacobian

    def sample(self, n_samples=1, *, y=None, random_state=None, n_jobs=None, **params):
        """Draw units, given their class labels.

        Parameters
        ----------
        n_samples : int, default=1
        y : label, array-like of shape (n_samples,) or None, default=None
            One label for all units or one per unit; ``None`` draws the
            labels from ``class_prior_`` (for a model fit with labels).
        random_state, n_jobs, **params
            As in :meth:`BaseGenerator.sample`.

        Returns
        -------
        X_new : the container ``fit`` received, with ``n_samples`` units.
        """
        check_is_fitted(self)
        n_samples = check_n_samples(n_samples)
        context = None
        if hasattr(self, "classes_"):
            if y is None:
                rng = self._sampling_rng_ if random_state is None else as_generator(random_state)
                context = rng.choice(self.classes_.size, size=n_samples, p=self.class_prior_)
                random_state = rng
            else:
                context = self._context_codes(y, n_samples)
        elif y is not None:
            self._context_codes(y, n_samples)  # raises: fit without labels
        return super().sample(
            n_samples, random_state=random_state, n_jobs=n_jobs, context=context, **params
        )


def n_units(data):
    """Number of rows, sequences, documents or images in encoded ``data``."""
    if isinstance(data, MixedTable):
        return data.n_samples
    return data.n_sequences if hasattr(data, "n_sequences") else len(data)


def _has_decoder(estimator):
    return hasattr(estimator, "_inverse_transform")


class LatentMixin(TransformerMixin):
    """Adds ``transform`` (latent representation) and, for models that define
    ``_inverse_transform``, ``inverse_transform`` (decode latent points)."""

    def transform(self, X, *, lengths=None):
        """Latent representation of each row of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), DataFrame, or another kind of data
        lengths : array-like of int, default=None
            For sequence models: the length of each sequence in ``X``.

        Returns
        -------
        Z : ndarray of shape (n_samples, n_components)
        """
        return self._transform(self._validate_input(X, lengths=lengths))

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
