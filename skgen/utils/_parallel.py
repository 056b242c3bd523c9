"""Per-subset fits in parallel, and seeding of cloned estimators."""

from joblib import Parallel, delayed
from sklearn.base import clone

__all__ = ["class_label", "clone_with_default_seed", "fit_clones"]


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


def _fit_one(estimator, X, label=None):
    try:
        return estimator.fit(X)
    except ValueError as exc:
        if label is None:
            raise
        raise ValueError(
            f"{type(estimator).__name__} could not be fit on {label} "
            f"({X.shape[0]} row{'s' if X.shape[0] != 1 else ''}): {exc}"
        ) from exc


def class_label(value):
    """``"class 'b'"``: how an error names the class ``value`` (numpy scalars as plain ones)."""
    return f"class {(value.item() if hasattr(value, 'item') else value)!r}"


def fit_clones(estimator, subsets, n_jobs=None, labels=None):
    """Fit one clone of ``estimator`` per data subset, in parallel with joblib.

    Parameters
    ----------
    estimator : estimator
        Template; it is cloned, never fitted itself.
    subsets : list of array-like or DataFrame
    n_jobs : int, default=None
        Number of joblib workers (``None`` means 1 unless in a
        :func:`joblib.parallel_config` context).
    labels : list of str, default=None
        What each subset is (e.g. ``"class 'b'"``): a ValueError raised by a
        fit is raised again with the label and the subset's number of rows.

    Returns
    -------
    estimators : list of fitted estimators, in the order of ``subsets``.
    """
    labels = labels or [None] * len(subsets)
    return Parallel(n_jobs=n_jobs)(
        delayed(_fit_one)(clone(estimator), subset, label) for subset, label in zip(subsets, labels)
    )
