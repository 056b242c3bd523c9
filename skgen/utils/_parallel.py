"""Parallel helpers shared by the meta-estimators: per-class fits, chunked sampling."""

import numbers

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from sklearn.base import clone

from ._random import as_generator

__all__ = ["concat_rows", "fit_clones", "sample_in_chunks", "take_rows"]

_INT32_MAX = np.iinfo(np.int32).max


def take_rows(X, index):
    """Rows ``index`` (boolean mask or integer positions) of an array or DataFrame."""
    if isinstance(X, (pd.DataFrame, pd.Series)):
        return X.iloc[index]
    return X[index]


def concat_rows(parts):
    """Stack the rows of arrays or DataFrames (of one kind) in order."""
    if isinstance(parts[0], (pd.DataFrame, pd.Series)):
        return pd.concat(parts, ignore_index=True)
    return np.concatenate([np.asarray(part) for part in parts], axis=0)


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


def _sample_chunk(estimator, n_samples, seed):
    return estimator.sample(n_samples, random_state=seed)


def sample_in_chunks(estimator, n_samples, *, random_state=None, n_jobs=None, chunk_size=10_000):
    """Draw ``n_samples`` rows from a fitted generator in chunks, in parallel.

    Chunk boundaries depend on ``n_samples`` and ``chunk_size`` only, and
    chunk ``i`` is drawn with the ``i``-th seed derived from ``random_state``,
    so the result is the same for every ``n_jobs`` and every joblib backend
    (including Dask). It differs from one unchunked ``sample`` call with the
    same ``random_state``: a model's random draws depend on the request size
    (torch's CPU ``randn``, for one, takes another path from 16 values on),
    so skgen promises reproducibility for the same ``(random_state,
    n_samples)`` and, here, ``chunk_size``.

    Parameters
    ----------
    estimator : fitted skgen generator
        Anything with ``sample(n_samples, *, random_state=None)``.
    n_samples : int
    random_state : None, int, RandomState or Generator, default=None
        ``None`` draws the chunk seeds from numpy's global entropy.
    n_jobs : int, default=None
        Number of joblib workers.
    chunk_size : int, default=10_000
        Rows per chunk (the last chunk may be smaller).

    Returns
    -------
    X_new : ndarray or DataFrame of shape (n_samples, n_features_in_)

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import GaussianMixture
    >>> from skgen.utils import sample_in_chunks
    >>> X = np.random.default_rng(0).normal(size=(100, 2))
    >>> model = GaussianMixture(n_components=2, random_state=0).fit(X)
    >>> X_new = sample_in_chunks(model, 2_500, random_state=0, n_jobs=2, chunk_size=1_000)
    >>> X_new.shape
    (2500, 2)
    >>> bool(np.array_equal(X_new, sample_in_chunks(model, 2_500, random_state=0, chunk_size=1_000)))
    True
    """
    if not isinstance(chunk_size, numbers.Integral) or chunk_size < 1:
        raise ValueError(f"chunk_size must be a positive int, got {chunk_size!r}.")
    if isinstance(n_samples, bool) or not isinstance(n_samples, numbers.Integral):
        raise TypeError(f"n_samples must be an int, got {type(n_samples).__name__}.")
    if n_samples < 1:
        raise ValueError(f"n_samples must be at least 1, got {n_samples}.")
    n_chunks = -(-int(n_samples) // chunk_size)
    sizes = [chunk_size] * (n_chunks - 1) + [int(n_samples) - chunk_size * (n_chunks - 1)]
    seeds = as_generator(random_state).integers(_INT32_MAX, size=n_chunks)
    parts = Parallel(n_jobs=n_jobs)(
        delayed(_sample_chunk)(estimator, size, int(seed)) for size, seed in zip(sizes, seeds)
    )
    return concat_rows(parts)
