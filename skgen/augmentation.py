"""Data augmentation with generative models: a resampler and an augmenting wrapper.

:class:`GenerativeResampler` is an imbalanced-learn sampler (it has
``fit_resample`` and, on purpose, no ``transform``: imbalanced-learn's
``Pipeline`` rejects a step with both). It runs without imbalanced-learn;
only its ``Pipeline`` needs the ``imbalanced`` extra.
:class:`AugmentedEstimator` brings augmentation into a plain scikit-learn
``Pipeline``: it wraps the final estimator and fits it on real plus
synthetic rows.
"""

import sys
from numbers import Integral, Real

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import check_is_fitted

from ._meta import BaseMetaEstimator
from .conditional import ClassConditional
from .utils import check_magnitude, concat_rows, take_rows
from .utils._parallel import class_label, fit_clones
from .utils._sklearn import (
    HasMethods,
    Interval,
    StrOptions,
    _check_feature_names_in,
    _fit_context,
)

__all__ = ["AugmentedEstimator", "GenerativeResampler"]

_INT32_MAX = np.iinfo(np.int32).max


def _n_new_per_class(sampling_strategy, classes, counts, y_type):
    """Synthetic rows to add per class, with imbalanced-learn's over-sampling rules.

    ``"auto"`` / ``"not majority"``: every class but the majority up to the
    majority count; ``"minority"``: only the smallest class; ``"not minority"``
    and ``"all"`` likewise; a float ``r`` (binary targets only): minority
    classes up to ``r * n_majority``; a dict ``{class: n_total}``: the wanted
    total per class; a callable ``f(y) -> dict`` is called and treated as a
    dict. Returns ``{class: n_new}`` for the classes that get rows.
    """
    majority, minority = classes[np.argmax(counts)], classes[np.argmin(counts)]
    n_majority = counts.max()
    count_of = dict(zip(classes.tolist(), counts.tolist()))
    if isinstance(sampling_strategy, str):
        keep = {
            "auto": lambda c: c != majority,
            "not majority": lambda c: c != majority,
            "minority": lambda c: c == minority,
            "not minority": lambda c: c != minority,
            "all": lambda c: True,
        }[sampling_strategy]
        return {c: n_majority - n for c, n in count_of.items() if keep(c)}
    if isinstance(sampling_strategy, Real):
        if y_type != "binary":
            raise ValueError(
                "sampling_strategy can be a float only for a binary target; "
                "for multi-class, use a dict."
            )
        wanted = {c: int(n_majority * sampling_strategy) - n for c, n in count_of.items()}
        wanted = {c: n for c, n in wanted.items() if c != majority}
        if any(n < 0 for n in wanted.values()):
            raise ValueError(
                f"sampling_strategy={sampling_strategy} asks for fewer minority rows than "
                "there are: an over-sampler cannot remove rows. Increase the ratio."
            )
        return wanted
    unknown = set(sampling_strategy) - set(count_of)
    if unknown:
        raise ValueError(f"sampling_strategy names classes not present in y: {sorted(unknown)}.")
    new = {}
    # In class order, as imbalanced-learn does: the draws then do not depend
    # on the order of the user's dict.
    for c in count_of:
        if c not in sampling_strategy:
            continue
        n_total = sampling_strategy[c]
        if n_total < count_of[c]:
            raise ValueError(
                f"sampling_strategy asks for {n_total} rows of class {c!r}, which has "
                f"{count_of[c]}: an over-sampler can only add rows."
            )
        new[c] = int(n_total) - count_of[c]
    return new


class GenerativeResampler(BaseMetaEstimator):
    """Over-sample classes with rows drawn from a generator fit on each class.

    For every class that gets new rows, a clone of ``estimator`` is fit on
    that class's rows and asked for exactly the number of rows that
    ``sampling_strategy`` requires; the real rows are kept, the synthetic rows
    are appended after them. Use it as a step of
    ``imblearn.pipeline.Pipeline`` (resampling happens in ``fit`` only, never
    in ``predict``) and tune it with ``GridSearchCV``, including the
    generator's own parameters (``resampler__estimator__n_components``).

    It passes imbalanced-learn's own sampler checks
    (``imblearn.utils.estimator_checks.parametrize_with_checks``): a DataFrame
    of float columns without missing values is resampled as the array of its
    values (the same rows as that array, returned as a DataFrame with the
    same columns and dtypes), while any other DataFrame goes through the
    generators' TabularEncoder; a one-vs-all label-indicator ``y`` (one 1 per
    row) is resampled as the class it indicates and returned as an indicator;
    ``get_feature_names_out`` gives the input's column names. Synthetic rows
    come from no input row, so there is no ``sample_indices_`` (its sampler
    tag says so). When imbalanced-learn is loaded, the tags are its own.

    Parameters
    ----------
    estimator : skgen generator
        Template fitted once per resampled class. Any object with ``fit`` and
        ``sample(n_samples, *, random_state=None)``.
    sampling_strategy : {"auto", "minority", "not minority", "not majority", \
"all"}, float, dict or callable, default="auto"
        As in imbalanced-learn's over-samplers: ``"auto"`` brings every class
        but the majority to the majority's count; a float (binary targets) is
        the wanted ratio n_minority / n_majority after resampling (a ratio
        the data already meet adds no rows, where imbalanced-learn raises);
        a dict maps a class to its wanted total; a callable takes ``y`` and
        returns such a dict.
    random_state : None, int or RandomState, default=None
        Seeds the draws from the class generators, and their fits when the
        generator's own ``random_state`` is ``None``: an int makes
        ``fit_resample`` reproducible.
    n_jobs : int, default=None
        Number of joblib workers for the per-class fits.

    Attributes
    ----------
    sampling_strategy_ : dict
        Synthetic rows added per class in the last ``fit_resample``.
    estimators_ : dict
        The fitted generator of each resampled class.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import GaussianMixture
    >>> from skgen.augmentation import GenerativeResampler
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(110, 2))
    >>> y = np.array([0] * 100 + [1] * 10)
    >>> resampler = GenerativeResampler(GaussianMixture(n_components=1), random_state=0)
    >>> X_res, y_res = resampler.fit_resample(X, y)
    >>> np.bincount(y_res).tolist()
    [100, 100]
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "sample"])],
        "sampling_strategy": [
            Interval(Real, 0, 1, closed="right"),
            StrOptions({"auto", "minority", "not minority", "not majority", "all"}),
            dict,
            callable,
        ],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(self, estimator, *, sampling_strategy="auto", random_state=None, n_jobs=None):
        self.estimator = estimator
        self.sampling_strategy = sampling_strategy
        self.random_state = random_state
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.required = True
        if sys.modules.get("imblearn") is None:
            return tags
        # imbalanced-learn is loaded (its Pipeline or its checks are in use):
        # give its tags (0.13 and later), with its extra input tag and the
        # sampler tags. Never imported first here, so the resampler runs
        # without imbalanced-learn.
        try:
            from imblearn.utils._tags import InputTags, SamplerTags, Tags
        except ImportError:  # imbalanced-learn < 0.13: scikit-learn's tags
            return tags

        return Tags(
            estimator_type="sampler",
            target_tags=tags.target_tags,
            transformer_tags=None,
            classifier_tags=None,
            regressor_tags=None,
            input_tags=InputTags(dataframe=True),
            # Synthetic rows come from no input row: no sample_indices_.
            sampler_tags=SamplerTags(sample_indices=False),
        )

    @_fit_context(prefer_skip_nested_validation=False)
    def fit_resample(self, X, y):
        """Fit the class generators and return the data with synthetic rows added.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame
        y : array-like of shape (n_samples,)

        Returns
        -------
        X_resampled : ndarray, DataFrame or list of shape (n_samples_new, n_features)
            The rows of ``X`` followed by the synthetic rows, in the container
            (and, for an array, the dtype) of ``X``.
        y_resampled : ndarray, Series, DataFrame or list of shape (n_samples_new,)
            In the container of ``y``.
        """
        X_in, y_in = X, y
        y, indicator_width = _from_label_indicator(y)
        X, y = self._check_X_classes(X, y)
        float_frame = _float_frame(X)
        if float_frame is not None:
            X = _frame_values(X)
        classes, counts = np.unique(y, return_counts=True)
        if classes.size < 2:
            raise ValueError(
                f"GenerativeResampler needs at least 2 classes in y to balance, got "
                f"{classes.size} class."
            )
        strategy = self.sampling_strategy
        if callable(strategy):
            strategy = strategy(y)
        self.sampling_strategy_ = _n_new_per_class(strategy, classes, counts, type_of_target(y))
        targets = [c for c, n in self.sampling_strategy_.items() if n > 0]
        seed, template = self._seeded_clone(self.estimator)
        fitted = fit_clones(
            template,
            [take_rows(X, y == c) for c in targets],
            self.n_jobs,
            labels=[class_label(c) for c in targets],
        )
        self.estimators_ = dict(zip(targets, fitted))
        rng = np.random.default_rng(seed)
        X_parts, y_parts = [X], [y]
        for c in targets:
            n_new = self.sampling_strategy_[c]
            X_new = self.estimators_[c].sample(n_new, random_state=int(rng.integers(_INT32_MAX)))
            if isinstance(X, np.ndarray):  # float32 in, float32 out
                X_new = np.asarray(X_new, dtype=X.dtype)
            X_parts.append(X_new)
            y_parts.append(np.full(n_new, c, dtype=y.dtype))
        X_res, y_res = concat_rows(X_parts), np.concatenate(y_parts)
        if float_frame is not None:
            X_res = pd.DataFrame(X_res, columns=float_frame.columns).astype(
                float_frame.dtypes.to_dict()
            )
        if indicator_width is not None:
            y_res = np.eye(indicator_width, dtype=np.asarray(y_in).dtype)[y_res]
        return _like(X_in, X_res), _like(y_in, y_res)

    def get_feature_names_out(self, input_features=None):
        """Names of the columns of the resampled ``X``: those of the input.

        Parameters
        ----------
        input_features : array-like of str or None, default=None
            ``None`` gives ``feature_names_in_`` (or ``x0, x1, ...`` for an
            array without names).

        Returns
        -------
        feature_names_out : ndarray of str objects
        """
        if not hasattr(self, "n_features_in_"):  # check_is_fitted needs a fit method
            raise NotFittedError(
                "This GenerativeResampler is not fitted yet; call fit_resample first."
            )
        return _check_feature_names_in(self, input_features)


def _float_frame(X):
    """``X`` if it is a DataFrame of float columns without missing values, else None.

    Such a table is resampled as the array of its values, so that it gives the
    same rows as that array (imbalanced-learn's contract); other DataFrames
    go through the generators' TabularEncoder.
    """
    if not isinstance(X, pd.DataFrame) or X.shape[1] == 0:
        return None
    if not all(pd.api.types.is_float_dtype(dtype) for dtype in X.dtypes):
        return None
    if X.isna().to_numpy().any():
        return None
    return X


def _frame_values(frame):
    values = frame.to_numpy(dtype=np.float64)
    if not np.isfinite(values).all():
        raise ValueError("Input X contains infinity or a value too large for dtype('float64').")
    for j, column in enumerate(frame.columns):
        check_magnitude(values[:, j], column)
    return values


def _from_label_indicator(y):
    """Class codes of a one-vs-all label-indicator ``y`` (one 1 per row), and its width.

    Other targets come back as they are, with width None.
    """
    if isinstance(y, (pd.Series, list)) or np.ndim(y) != 2 or np.shape(y)[1] < 2:
        return y, None
    values = np.asarray(y)
    if type_of_target(values) != "multilabel-indicator":
        return y, None
    if not (values.sum(axis=1) == 1).all():
        raise ValueError(
            "GenerativeResampler takes one class per row; y is a multilabel indicator with "
            "rows that have several classes (or none)."
        )
    return values.argmax(axis=1), values.shape[1]


def _like(original, resampled):
    """``resampled`` in the container of ``original``, as imbalanced-learn's samplers return."""
    if isinstance(original, pd.Series):
        return pd.Series(resampled, name=original.name)
    if isinstance(original, pd.DataFrame) and not isinstance(resampled, pd.DataFrame):
        # A one-column DataFrame y.
        return pd.DataFrame(resampled.reshape(len(resampled), -1), columns=original.columns)
    if isinstance(original, list):
        return np.asarray(resampled).tolist()
    return resampled


def _final_estimator_has(method):
    def check(self):
        # Fitted: ask the fitted copy; unfitted: ask the template.
        return hasattr(getattr(self, "estimator_", self.estimator), method)

    return check


class AugmentedEstimator(BaseMetaEstimator):
    """Fit a classifier on real rows plus rows drawn from a class-conditional generator.

    In ``fit``, ``ClassConditional(generator)`` is fit on ``(X, y)`` and asked
    for ``n_synthetic`` labelled rows; a clone of ``estimator`` is then fit on
    the real and synthetic rows together. ``predict``, ``predict_proba``,
    ``predict_log_proba``, ``decision_function`` and ``score`` are the fitted
    estimator's, on real rows only. As the last step of a plain ``sklearn.pipeline.Pipeline`` this
    is augmentation with no imbalanced-learn; ``GridSearchCV`` tunes both the
    amount of synthetic data and the generator (``generator__n_components``).

    Parameters
    ----------
    estimator : classifier
        Fitted on the augmented data.
    generator : skgen generator
        Template of the per-class generators (see :class:`ClassConditional`).
    n_synthetic : float or int, default=1.0
        Synthetic rows to add: a float is a multiple of the number of real
        rows, an int an exact count.
    label_distribution : {"prior", "balanced"}, default="prior"
        Labels of the synthetic rows: drawn from the class frequencies
        (``"prior"``), or split as equally as possible between classes
        (``"balanced"``).
    random_state : None, int or RandomState, default=None
        Seeds the synthetic draws, and the generator's fits when its own
        ``random_state`` is ``None``. The final ``estimator``'s own
        ``random_state`` is left as it is.
    n_jobs : int, default=None
        Number of joblib workers for the per-class generator fits.

    Attributes
    ----------
    generator_ : ClassConditional
        The fitted class-conditional generator.
    estimator_ : estimator
        The estimator fitted on real plus synthetic rows.
    classes_ : ndarray of shape (n_classes,)
    n_features_in_ : int

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from sklearn.linear_model import LogisticRegression
    >>> from skgen import GaussianMixture
    >>> from skgen.augmentation import AugmentedEstimator
    >>> X, y = load_iris(return_X_y=True)
    >>> model = AugmentedEstimator(
    ...     LogisticRegression(max_iter=1000), GaussianMixture(n_components=1),
    ...     n_synthetic=0.5, random_state=0,
    ... ).fit(X, y)
    >>> model.predict(X[:3]).tolist()
    [0, 0, 0]
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit"])],
        "generator": [HasMethods(["fit", "sample"])],
        "n_synthetic": [
            Interval(Real, 0, None, closed="left"),
            Interval(Integral, 0, None, closed="left"),
        ],
        "label_distribution": [StrOptions({"prior", "balanced"})],
        "random_state": ["random_state"],
        "n_jobs": [Integral, None],
    }

    def __init__(
        self,
        estimator,
        generator,
        *,
        n_synthetic=1.0,
        label_distribution="prior",
        random_state=None,
        n_jobs=None,
    ):
        self.estimator = estimator
        self.generator = generator
        self.n_synthetic = n_synthetic
        self.label_distribution = label_distribution
        self.random_state = random_state
        self.n_jobs = n_jobs

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        estimator_tags = self.estimator.__sklearn_tags__()
        tags.estimator_type = estimator_tags.estimator_type
        tags.classifier_tags = estimator_tags.classifier_tags
        return tags

    def _synthetic_labels(self, n_rows, rng):
        classes = self.generator_.classes_
        if self.label_distribution == "prior":
            return None
        # Balanced: as equal as possible, the remainder to random classes.
        base, extra = divmod(n_rows, classes.size)
        counts = np.full(classes.size, base)
        counts[rng.choice(classes.size, size=extra, replace=False)] += 1
        return np.repeat(classes, counts)

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Fit the generator, draw synthetic rows, fit the estimator on all rows.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame
        y : array-like of shape (n_samples,)
            Class labels.

        Returns
        -------
        self : object
        """
        X, y = self._check_X_classes(X, y)
        seed, generator = self._seeded_clone(self.generator)
        self.generator_ = ClassConditional(generator, n_jobs=self.n_jobs).fit(X, y)
        self.classes_ = self.generator_.classes_
        if isinstance(self.n_synthetic, Integral):
            n_new = int(self.n_synthetic)
        else:
            n_new = int(round(self.n_synthetic * X.shape[0]))
        X_all, y_all = X, y
        if n_new > 0:
            rng = np.random.default_rng(seed)
            X_new, y_new = self.generator_.sample(
                n_new, y=self._synthetic_labels(n_new, rng), random_state=rng
            )
            X_all, y_all = concat_rows([X, X_new]), np.concatenate([y, y_new])
        self.estimator_ = clone(self.estimator).fit(X_all, y_all)
        return self

    @available_if(_final_estimator_has("predict"))
    def predict(self, X):
        """Predict with the estimator fitted on augmented data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return self.estimator_.predict(X)

    @available_if(_final_estimator_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities from the estimator fitted on augmented data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        return self.estimator_.predict_proba(X)

    @available_if(_final_estimator_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log of the class probabilities from the estimator fitted on augmented data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        check_is_fitted(self)
        return self.estimator_.predict_log_proba(X)

    @available_if(_final_estimator_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the estimator fitted on augmented data.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame

        Returns
        -------
        scores : ndarray
        """
        check_is_fitted(self)
        return self.estimator_.decision_function(X)

    @available_if(_final_estimator_has("score"))
    def score(self, X, y, sample_weight=None):
        """The fitted estimator's ``score`` on real rows (accuracy for a classifier).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None

        Returns
        -------
        score : float
        """
        check_is_fitted(self)
        if sample_weight is None:
            return self.estimator_.score(X, y)
        return self.estimator_.score(X, y, sample_weight=sample_weight)
