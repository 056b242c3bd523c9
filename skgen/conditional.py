"""Class-conditional generation: one generator per class, and Bayes' rule on top."""

import warnings
from numbers import Integral

import numpy as np
import pandas as pd
from scipy.special import logsumexp
from sklearn.base import ClassifierMixin, clone
from sklearn.utils import column_or_1d
from sklearn.utils.validation import check_is_fitted

from ._meta import BaseMetaEstimator, score_rows
from .utils import as_generator, check_n_samples, concat_rows, seed_from, take_rows
from .utils._parallel import class_label, fit_clones
from .utils._sklearn import HasMethods, _fit_context

__all__ = ["ClassConditional", "supports_class_context"]

_INT32_MAX = np.iinfo(np.int32).max
# Score kinds whose per-class values Bayes' rule cannot compare.
_NOT_DENSITIES = ("reconstruction", "unnormalized")


def supports_class_context(estimator):
    """Whether ``estimator`` models p(x | y) natively in one model.

    Such an estimator declares the class attribute
    ``supports_class_context = True`` and accepts the class labels as a
    context input: ``fit(X, y)`` learns p(x | y), ``score_samples(X, y=labels)``
    returns log p(x | y) row by row and ``sample(n_samples, *, y=labels,
    random_state=None)`` draws one row for each label in ``labels``.
    """
    return bool(getattr(estimator, "supports_class_context", False))


class ClassConditional(ClassifierMixin, BaseMetaEstimator):
    """Class-conditional generator and generative classifier.

    Learns p(x | y) with one clone of ``estimator`` per class (fitted in
    parallel), or with one shared model when ``estimator`` takes the class as a
    context input (see :func:`supports_class_context`), and the class prior
    p(y) from the class frequencies. It then

    - generates labelled rows: :meth:`sample` returns ``(X, y)``;
    - scores rows: :meth:`score_samples` gives log p(x | y), or log p(x) when
      no labels are given;
    - classifies by Bayes' rule, p(y | x) ∝ p(x | y) p(y): :meth:`predict`,
      :meth:`predict_proba`. With a Gaussian per class this is quadratic
      discriminant analysis; with a mixture or a deep model it is a more
      flexible generative classifier.

    On a DataFrame, a row with a category (or a missing value) that one
    class's training rows never had gets log p(x | that class) = -inf, so that
    class gets probability 0. A row that every class model gives zero density
    gets the prior as its class probabilities, with a warning.

    ``score`` is the classifier's accuracy (so ``GridSearchCV`` tunes it as a
    classifier); the per-class scores are only comparable across classes when
    the generators' ``score_kind`` is ``"exact"`` (or the same bound for all).

    Parameters
    ----------
    estimator : skgen generator
        Template fitted once per class (it is cloned, never fitted itself).
        Any object with ``fit``, ``score_samples`` and ``sample``.
    n_jobs : int, default=None
        Number of joblib workers for the per-class fits.

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    class_count_ : ndarray of shape (n_classes,)
        Training rows per class.
    class_prior_ : ndarray of shape (n_classes,)
        Class frequencies in the training data.
    estimators_ : list of generators
        One fitted clone per class, in the order of ``classes_``; a list of
        one shared model when ``estimator`` is natively conditional.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when ``X`` has string column names.

    Examples
    --------
    >>> from sklearn.datasets import load_iris
    >>> from skgen import ClassConditional, GaussianMixture
    >>> X, y = load_iris(return_X_y=True)
    >>> model = ClassConditional(GaussianMixture(n_components=1, random_state=0)).fit(X, y)
    >>> round(model.score(X, y), 2)
    0.98
    >>> X_new, y_new = model.sample(6, y=[0, 0, 1, 1, 2, 2], random_state=0)
    >>> X_new.shape, y_new.tolist()
    ((6, 4), [0, 0, 1, 1, 2, 2])
    >>> model.score_samples(X[:2], y[:2]).shape
    (2,)
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "score_samples", "sample"])],
        "n_jobs": [Integral, None],
    }

    def __init__(self, estimator, *, n_jobs=None):
        self.estimator = estimator
        self.n_jobs = n_jobs

    # ---------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y):
        """Fit one generator per class (or one conditional model) and the prior.

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
        self.classes_, y_codes, self.class_count_ = np.unique(
            y, return_inverse=True, return_counts=True
        )
        if self.classes_.size < 2:
            raise ValueError(
                f"ClassConditional needs at least 2 classes in y, got {self.classes_.size} class."
            )
        self.class_prior_ = self.class_count_ / self.class_count_.sum()
        score_kind = getattr(self.estimator, "score_kind", "exact")
        if score_kind in _NOT_DENSITIES:
            warnings.warn(
                f"{type(self.estimator).__name__} has score_kind={score_kind!r}: its scores "
                "are not normalised log-densities, so predict/predict_proba compare "
                "numbers that mean different things for different classes. Sampling is "
                "unaffected; for classification prefer a generator with exact or bounded "
                "log-likelihoods.",
                UserWarning,
                stacklevel=2,
            )
        if supports_class_context(self.estimator):
            self.estimators_ = [clone(self.estimator).fit(X, y)]
        else:
            subsets = [take_rows(X, y_codes == k) for k in range(self.classes_.size)]
            self.estimators_ = fit_clones(
                self.estimator,
                subsets,
                n_jobs=self.n_jobs,
                labels=[class_label(c) for c in self.classes_],
            )
        self._sampling_rng_ = np.random.default_rng(
            [seed_from(self.estimator.get_params().get("random_state")), 2]
        )
        return self

    # ------------------------------------------------------------ scoring
    def _class_log_likelihood(self, X):
        """``(n_samples, n_classes)`` array of log p(x | class)."""
        check_is_fitted(self)
        X = self._check_X(X, reset=False)
        if len(self.estimators_) == 1:  # one natively conditional model
            shared = self.estimators_[0]
            columns = [
                shared.score_samples(X, y=np.full(X.shape[0], label)) for label in self.classes_
            ]
        else:
            columns = [score_rows(estimator, X) for estimator in self.estimators_]
        return np.column_stack(columns)

    def _joint_log_likelihood(self, X):
        with np.errstate(divide="ignore"):
            return self._class_log_likelihood(X) + np.log(self.class_prior_)

    def _class_codes(self, y, n_rows):
        y = column_or_1d(y, warn=True)
        if y.shape[0] != n_rows:
            raise ValueError(f"y has {y.shape[0]} labels for {n_rows} rows.")
        codes = np.searchsorted(self.classes_, y)
        codes = np.clip(codes, 0, self.classes_.size - 1)
        unseen = self.classes_[codes] != y
        if np.any(unseen):
            raise ValueError(
                f"y contains labels not seen in fit: {np.unique(y[unseen]).tolist()}; "
                f"known classes are {self.classes_.tolist()}."
            )
        return codes

    def score_samples(self, X, y=None):
        """Log-density of each row: log p(x | y) given labels, else log p(x).

        log p(x) = log sum_k p(x | k) p(k), the class-mixture density.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame
        y : array-like of shape (n_samples,), default=None
            Class labels; ``None`` marginalises over the classes.

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
        """
        if y is None:
            return logsumexp(self._joint_log_likelihood(X), axis=1)
        log_likelihood = self._class_log_likelihood(X)
        codes = self._class_codes(y, log_likelihood.shape[0])
        return log_likelihood[np.arange(codes.size), codes]

    def predict_log_proba(self, X):
        """Log of p(y | x) by Bayes' rule.

        Rows that every class model gives zero density get the prior.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame

        Returns
        -------
        log_proba : ndarray of shape (n_samples, n_classes)
        """
        joint = self._joint_log_likelihood(X)
        impossible = ~np.isfinite(joint.max(axis=1))
        if np.any(impossible):
            warnings.warn(
                f"{int(impossible.sum())} row(s) have zero density under every class model "
                "(for example a category or a missing value no class had in fit); their "
                "class probabilities are the prior.",
                UserWarning,
                stacklevel=2,
            )
            joint[impossible] = np.log(self.class_prior_)
        return joint - logsumexp(joint, axis=1, keepdims=True)

    def predict_proba(self, X):
        """Class probabilities p(y | x) by Bayes' rule.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame

        Returns
        -------
        proba : ndarray of shape (n_samples, n_classes)
            Columns in the order of ``classes_``.
        """
        return np.exp(self.predict_log_proba(X))

    def predict(self, X):
        """Most probable class of each row.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self)
        return self.classes_[np.argmax(self.predict_log_proba(X), axis=1)]

    # ----------------------------------------------------------- sampling
    def sample(self, n_samples=1, *, y=None, random_state=None):
        """Draw labelled rows.

        Parameters
        ----------
        n_samples : int, default=1
        y : label or array-like of shape (n_samples,), default=None
            Labels of the rows to draw: one label repeated ``n_samples``
            times, or one label per row. ``None`` draws the labels from
            ``class_prior_``.
        random_state : None, int, RandomState or Generator, default=None
            ``None`` draws from a generator kept on the fitted model (seeded
            from the base estimator's ``random_state``); an int makes this
            call reproducible.

        Returns
        -------
        X_new : ndarray or DataFrame of shape (n_samples, n_features_in_)
            The container the class generators were fit on.
        y_new : ndarray of shape (n_samples,)
            The label of each row, in the same order.
        """
        check_is_fitted(self)
        n_samples = check_n_samples(n_samples)
        rng = self._sampling_rng_ if random_state is None else as_generator(random_state)
        if y is None:
            codes = rng.choice(self.classes_.size, size=n_samples, p=self.class_prior_)
        elif np.ndim(y) == 0:
            codes = np.full(n_samples, self._class_codes([y], 1)[0])
        else:
            codes = self._class_codes(y, n_samples)
        y_new = self.classes_[codes]
        seeds = rng.integers(_INT32_MAX, size=self.classes_.size)
        if len(self.estimators_) == 1:
            X_new = self.estimators_[0].sample(n_samples, y=y_new, random_state=int(seeds[0]))
            return X_new, y_new
        parts, positions = [], []
        for k in np.unique(codes):
            rows = np.flatnonzero(codes == k)
            parts.append(self.estimators_[k].sample(rows.size, random_state=int(seeds[k])))
            positions.append(rows)
        # Stacked class by class; put each row back where its label was drawn.
        order = np.argsort(np.concatenate(positions), kind="stable")
        X_new = take_rows(concat_rows(parts), order)
        if isinstance(X_new, pd.DataFrame):
            X_new = X_new.reset_index(drop=True)
        return X_new, y_new
