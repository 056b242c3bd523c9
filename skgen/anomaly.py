"""Anomaly detection with any generative model: low score means anomalous."""

from numbers import Integral, Real

import numpy as np
from sklearn.base import OutlierMixin, clone
from sklearn.model_selection import train_test_split
from sklearn.utils.validation import check_is_fitted

from ._meta import BaseMetaEstimator, score_rows
from .utils import take_rows
from .utils._sklearn import HasMethods, Interval, StrOptions, _fit_context

__all__ = ["GenerativeOutlierDetector"]


def _check_threshold_params(contamination, auto_quantile):
    """Validate the two parameters ``offset_`` reads (they may change after ``fit``)."""
    if not (isinstance(auto_quantile, Real) and 0 < auto_quantile <= 0.5):
        raise ValueError(f"auto_quantile must be a float in (0, 0.5], got {auto_quantile!r}.")
    if isinstance(contamination, str) and contamination == "auto":
        return contamination
    if isinstance(contamination, Real) and 0 < contamination <= 0.5:
        return float(contamination)
    raise ValueError(f"contamination must be 'auto' or a float in (0, 0.5], got {contamination!r}.")


class GenerativeOutlierDetector(OutlierMixin, BaseMetaEstimator):
    """Outlier detector that flags rows a generative model finds unlikely.

    A clone of ``estimator`` learns the distribution of the training rows;
    :meth:`score_samples` is its score of each row (log-density, a bound or
    estimate of it, or a negative reconstruction error for autoencoders:
    higher always means more normal), and a row is an outlier when its score
    falls below ``offset_``. The interface is :class:`sklearn.ensemble.IsolationForest`'s:
    ``decision_function(X) = score_samples(X) - offset_`` and ``predict``
    gives +1 (inlier) or -1 (outlier).

    How ``offset_`` is set:

    - ``contamination`` a float: the model is fit on all rows and ``offset_``
      is the ``contamination`` quantile of their scores, so that this fraction
      of the training rows is flagged (as in IsolationForest).
    - ``contamination="auto"`` (split-conformal): the training rows are taken
      to be normal. The model is fit on a random ``1 - validation_fraction``
      of them and scores the ``m`` held-out rows; ``offset_`` is the ``k``-th
      lowest held-out score with ``k = floor(auto_quantile * (m + 1))``
      (``-inf``, flagging nothing, when ``k = 0``). For a new row from the
      training distribution, the chance of being flagged is then
      ``k / (m + 1) <= auto_quantile``, whatever the model, so
      ``auto_quantile`` is the false-alarm rate aimed at. Held-out scores are
      needed because a model scores its own training rows too well (a kernel
      density scores every training row with its own kernel), and the model
      is not refit on all rows afterwards because its scores would then no
      longer match the threshold (a model fit on more rows scores new rows
      higher, so too few would be flagged).

    Training data that contain anomalies shape the model too (a mixture may
    spend a component on a cluster of anomalies). With ``trim_fraction > 0``
    the model is refit ``trim_rounds`` times, each time without the
    ``trim_fraction`` of training rows it scores lowest (a trimmed-likelihood
    fit, like the reweighting step of the minimum covariance determinant).

    The scores behind the threshold are kept, so changing ``contamination``
    (or ``auto_quantile``) after ``fit`` with ``set_params`` re-thresholds
    without refitting: a float then takes the quantile of the scores of all
    rows passed to ``fit``. Switching to ``"auto"`` after a fit with a float
    needs a refit, since no rows were held out then.

    Parameters
    ----------
    estimator : skgen generator
        Any object with ``fit`` and ``score_samples``.
    contamination : "auto" or float in (0, 0.5], default="auto"
        Expected fraction of outliers in the training data.
    validation_fraction : float in (0, 1), default=0.2
        Rows held out to set the threshold when ``contamination="auto"``.
    auto_quantile : float in (0, 0.5], default=0.05
        With ``contamination="auto"``, the false-alarm rate aimed at: the
        chance that a new normal row is flagged is at most this.
    trim_fraction : float in [0, 0.5), default=0.0
        Fraction of lowest-scoring training rows left out of each refit.
    trim_rounds : int, default=1
        Number of trimmed refits (when ``trim_fraction > 0``).
    random_state : None, int or RandomState, default=None
        Seeds the held-out split, and the generator's fits when its own
        ``random_state`` is ``None``.

    Attributes
    ----------
    estimator_ : generator
        The fitted model: on all training rows, or with
        ``contamination="auto"`` on all but the held-out rows.
    heldout_scores_ : ndarray or None
        Scores of the held-out rows (``contamination="auto"`` only).
    train_scores_ : ndarray
        Scores of all rows passed to ``fit``.
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
        "trim_fraction": [Interval(Real, 0, 0.5, closed="left")],
        "trim_rounds": [Interval(Integral, 1, None, closed="left")],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        estimator,
        *,
        contamination="auto",
        validation_fraction=0.2,
        auto_quantile=0.05,
        trim_fraction=0.0,
        trim_rounds=1,
        random_state=None,
    ):
        self.estimator = estimator
        self.contamination = contamination
        self.validation_fraction = validation_fraction
        self.auto_quantile = auto_quantile
        self.trim_fraction = trim_fraction
        self.trim_rounds = trim_rounds
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
        X = self._check_X(X, reset=True)
        seed, template = self._seeded_clone(self.estimator)
        self.heldout_scores_ = None
        if self.contamination == "auto":
            if X.shape[0] < 2:
                raise ValueError(
                    'contamination="auto" holds out rows to set the threshold and needs at '
                    f"least 2 rows, got n_samples={X.shape[0]}; pass a float contamination instead."
                )
            X_fit, X_held = train_test_split(
                X, test_size=self.validation_fraction, random_state=seed
            )
            self.estimator_ = self._fit_trimmed(template, X_fit)
            self.heldout_scores_ = score_rows(self.estimator_, X_held)
        else:
            self.estimator_ = self._fit_trimmed(template, X)
        self.train_scores_ = score_rows(self.estimator_, X)
        return self

    def _fit_trimmed(self, template, X):
        model = clone(template).fit(X)
        for _ in range(self.trim_rounds if self.trim_fraction > 0 else 0):
            scores = score_rows(model, X)
            kept = scores >= _low_quantile(scores, self.trim_fraction)
            model = clone(template).fit(take_rows(X, kept))
        return model

    @property
    def offset_(self):
        """Threshold on ``score_samples`` for the current ``contamination``."""
        check_is_fitted(self)
        contamination = _check_threshold_params(self.contamination, self.auto_quantile)
        if contamination == "auto":
            if self.heldout_scores_ is None:
                raise ValueError(
                    'contamination was set to "auto" after a fit with a float contamination; '
                    "refit, so that rows are held out to set the threshold."
                )
            return _conformal_threshold(self.heldout_scores_, self.auto_quantile)
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
        return score_rows(self.estimator_, self._check_X(X, reset=False))

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


def _conformal_threshold(heldout_scores, false_alarm_rate):
    """The k-th lowest held-out score, k = floor(rate * (m + 1)); -inf when k = 0."""
    rank = int(np.floor(false_alarm_rate * (heldout_scores.size + 1)))
    if rank == 0:
        return -np.inf
    return float(np.sort(heldout_scores)[rank - 1])


def _low_quantile(scores, fraction):
    """The ``fraction`` quantile, interpolated as IsolationForest does."""
    threshold = np.quantile(scores, fraction)
    if np.isnan(threshold):
        # Interpolating next to a -inf score (a row the model deems
        # impossible) gives NaN; take the nearest score above instead.
        threshold = np.quantile(scores, fraction, method="higher")
    return float(threshold)
