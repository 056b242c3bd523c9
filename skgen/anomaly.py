"""Anomaly detection with any generative model: low score means anomalous."""

from numbers import Real

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, OutlierMixin, clone
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from .conditional import check_X_for_meta, score_rows
from .utils import seed_from
from .utils._sklearn import HasMethods, Interval, StrOptions, _fit_context

__all__ = ["GenerativeOutlierDetector"]


def _check_contamination(contamination):
    if isinstance(contamination, str) and contamination == "auto":
        return contamination
    if isinstance(contamination, Real) and 0 < contamination <= 0.5:
        return float(contamination)
    raise ValueError(f"contamination must be 'auto' or a float in (0, 0.5], got {contamination!r}.")


class GenerativeOutlierDetector(OutlierMixin, MetaEstimatorMixin, BaseEstimator):
    """Outlier detector that flags rows a generative model finds unlikely.

    A clone of ``estimator`` learns the distribution of the training rows;
    :meth:`score_samples` is its score of each row (log-density, a bound or
    estimate of it, or a negative reconstruction error for autoencoders:
    higher always means more normal), and a row is an outlier when its score
    falls below ``offset_``. The interface is :class:`sklearn.ensemble.IsolationForest`'s:
    ``decision_function(X) = score_samples(X) - offset_`` and ``predict``
    gives +1 (inlier) or -1 (outlier).

    How ``offset_`` is set:

    - ``contamination`` a float: the ``contamination`` quantile of the
      training rows' scores, so that this fraction of the training rows is
      flagged (as in IsolationForest).
    - ``contamination="auto"``: the training data are taken to be normal. A
      fraction ``validation_fraction`` of the rows is held out, a clone is
      fit on the rest, and ``offset_`` is the ``auto_quantile`` quantile
      (default 1 %) of the held-out rows' scores. The final model is then
      refit on all rows. Held-out scores are used because a model scores its
      own training rows too well (a kernel density, for one, scores every
      training row with its own kernel), so a threshold from training scores
      would flag far too many new normal rows.

    The scores behind the threshold are kept, so changing ``contamination``
    (or ``auto_quantile``) after ``fit`` with ``set_params`` re-thresholds
    without refitting; switching to ``"auto"`` after a fit with a float needs
    a refit, since no rows were held out then.

    Parameters
    ----------
    estimator : skgen generator
        Any object with ``fit`` and ``score_samples``.
    contamination : "auto" or float in (0, 0.5], default="auto"
        Expected fraction of outliers in the training data.
    validation_fraction : float in (0, 1), default=0.2
        Rows held out to set the threshold when ``contamination="auto"``.
    auto_quantile : float in (0, 0.5], default=0.01
        With ``contamination="auto"``, the fraction of held-out (normal) rows
        that falls below the threshold: the false-alarm rate aimed at.
    random_state : None, int or RandomState, default=None
        Seeds the held-out split.

    Attributes
    ----------
    estimator_ : generator
        The model fitted on all training rows.
    offset_ : float
        Threshold on ``score_samples``: rows scoring below it are outliers.
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import GaussianMixture
    >>> from skgen.anomaly import GenerativeOutlierDetector
    >>> X = np.random.default_rng(0).normal(size=(500, 2))
    >>> detector = GenerativeOutlierDetector(GaussianMixture(n_components=1), random_state=0)
    >>> detector.fit(X).predict([[0.0, 0.0], [6.0, 6.0]]).tolist()
    [1, -1]
    >>> detector.set_params(contamination=0.1).predict(X).tolist().count(-1)
    50
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "score_samples"])],
        "contamination": [StrOptions({"auto"}), Interval(Real, 0, 0.5, closed="right")],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "auto_quantile": [Interval(Real, 0, 0.5, closed="right")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator,
        *,
        contamination="auto",
        validation_fraction=0.2,
        auto_quantile=0.01,
        random_state=None,
    ):
        self.estimator = estimator
        self.contamination = contamination
        self.validation_fraction = validation_fraction
        self.auto_quantile = auto_quantile
        self.random_state = random_state

    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Fit the generator and set the threshold.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame
        y : ignored

        Returns
        -------
        self : object
        """
        X = check_X_for_meta(self, X, reset=True)
        self.heldout_scores_ = None
        if self.contamination == "auto":
            if X.shape[0] < 2:
                raise ValueError(
                    'contamination="auto" holds out rows to set the threshold and needs at '
                    f"least 2 rows, got n_samples={X.shape[0]}; pass a float contamination instead."
                )
            X_fit, X_held = train_test_split(
                X, test_size=self.validation_fraction, random_state=seed_from(self.random_state)
            )
            self.heldout_scores_ = score_rows(clone(self.estimator).fit(X_fit), X_held)
        self.estimator_ = clone(self.estimator).fit(X)
        self.train_scores_ = self.estimator_.score_samples(X)
        return self

    @property
    def offset_(self):
        """Threshold on ``score_samples`` for the current ``contamination``."""
        check_is_fitted(self)
        contamination = _check_contamination(self.contamination)
        if contamination == "auto":
            if self.heldout_scores_ is None:
                raise ValueError(
                    'contamination was set to "auto" after a fit with a float contamination; '
                    "refit, so that rows are held out to set the threshold."
                )
            return _low_quantile(self.heldout_scores_, self.auto_quantile)
        return _low_quantile(self.train_scores_, contamination)

    def score_samples(self, X):
        """Score of each row under the fitted model (higher is more normal).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame

        Returns
        -------
        scores : ndarray of shape (n_samples,)
            The generator's ``score_samples``: a log-density, or the negative
            reconstruction error for ``score_kind="reconstruction"``. On a
            DataFrame, a row with a category (or a missing value) the model
            never saw gets -inf: the model gives it no probability.
        """
        check_is_fitted(self)
        return score_rows(self.estimator_, check_X_for_meta(self, X, reset=False))

    def decision_function(self, X):
        """``score_samples(X) - offset_``: negative for outliers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame

        Returns
        -------
        scores : ndarray of shape (n_samples,)
        """
        return self.score_samples(X) - self.offset_

    def predict(self, X):
        """+1 for inliers, -1 for outliers.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame

        Returns
        -------
        is_inlier : ndarray of shape (n_samples,)
        """
        return np.where(self.decision_function(X) < 0, -1, 1)


def _low_quantile(scores, fraction):
    """The ``fraction`` quantile, interpolated as IsolationForest does."""
    threshold = np.quantile(scores, fraction)
    if np.isnan(threshold):
        # Interpolating next to a -inf score (a row the model deems
        # impossible) gives NaN; take the nearest score above instead.
        threshold = np.quantile(scores, fraction, method="higher")
    return float(threshold)
