"""Per-subset fits in parallel, and seeding of cloned estimators."""

from joblib import Parallel, delayed
from sklearn.base import clone

__all__ = ["clone_with_default_seed", "fit_clones"]


def clone_with_default_seed(estimator, seed):
    """A clone of ``estimator`` whose ``random_state``, if left at ``None``, is ``seed``.

    Meta-estimators call it so that their own ``random_state`` makes the whole
    fit reproducible (as ``BaggingClassifier`` does), while a seed the user set
    on the inner estimator is kept.
    """
    estimator = clone(estimator)
    params = estimator.get_params(deep=False)
    if "random_state" in params and params["random_state"] is None:
        estimator.set_params(random_state=int(seed))
    return estimator


def _fit_one(estimator, X):
    return estimator.fit(X)


def fit_clones(estimator, subsets, n_jobs=None):
    """Fit one clone of ``estimator`` per data subset, in parallel with joblib.

    Parameters
    ----------
    estimator : estimator
        Template; it is cloned, never fitted itself.
    subsets : list of array-like or DataFrame
    n_jobs : int, default=None
        Number of joblib workers (``None`` means 1 unless in a
        :func:`joblib.parallel_config` context).

    Returns
    -------
    estimators : list of fitted estimators, in the order of ``subsets``.
    """
    return Parallel(n_jobs=n_jobs)(
        delayed(_fit_one)(clone(estimator), subset) for subset in subsets
    )
