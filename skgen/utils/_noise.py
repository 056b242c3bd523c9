"""Monte-Carlo noise keyed by row content: deterministic, row-independent scores.

Scores that average over random draws (importance-weighted bounds) must not
depend on row order, batch size or the other rows, and must repeat exactly.
Drawing each row's noise from a counter-based generator keyed by the row's
own bytes gives all three, while different rows still get independent noise,
so averages over rows (``score``) average the Monte-Carlo error away.
"""

import numpy as np
from scipy import special

__all__ = ["row_keyed_normal", "row_keyed_uniform"]

_GOLDEN = np.uint64(0x9E3779B97F4A7C15)
_MIX1 = np.uint64(0xBF58476D1CE4E5B9)
_MIX2 = np.uint64(0x94D049BB133111EB)


def _splitmix64(z):
    z = (z ^ (z >> np.uint64(30))) * _MIX1
    z = (z ^ (z >> np.uint64(27))) * _MIX2
    return z ^ (z >> np.uint64(31))


def row_keyed_uniform(rows, n_draws, seed):
    """Uniform draws in (0, 1) of shape ``(n_draws, n_rows)``, a function of each row and ``seed``.

    Parameters
    ----------
    rows : ndarray of shape (n_rows, n_features), float64
    n_draws : int
    seed : int
    """
    rows = np.ascontiguousarray(rows, dtype=np.float64)
    with np.errstate(over="ignore"):
        key = np.full(rows.shape[0], np.uint64(seed) * _GOLDEN + _GOLDEN, dtype=np.uint64)
        for word in rows.view(np.uint64).T:
            key = _splitmix64(key ^ word)
        counters = np.arange(1, n_draws + 1, dtype=np.uint64)[:, None] * _GOLDEN
        bits = _splitmix64(key[None, :] + counters)
    return ((bits >> np.uint64(11)).astype(np.float64) + 0.5) * 2.0**-53


def row_keyed_normal(rows, n_draws, seed):
    """Standard normal draws of shape ``(n_draws, n_rows)``, a function of each row and ``seed``."""
    return special.ndtri(row_keyed_uniform(rows, n_draws, seed))
