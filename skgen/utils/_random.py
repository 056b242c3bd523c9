"""Random-state helpers shared by every estimator."""

import numpy as np
from sklearn.utils import check_random_state

_INT32_MAX = np.iinfo(np.int32).max


def seed_from(random_state):
    """Derive one int seed from ``random_state`` (None, int, RandomState or Generator).

    ``None`` draws from numpy's global entropy (scikit-learn semantics), an int
    gives the same seed every time, and a ``RandomState`` / ``Generator`` is
    advanced by one draw, so repeated calls give different seeds.
    """
    if isinstance(random_state, np.random.Generator):
        return int(random_state.integers(_INT32_MAX))
    return int(check_random_state(random_state).randint(_INT32_MAX))


def as_generator(random_state):
    """Return a ``numpy.random.Generator`` for one call of ``sample``."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    return np.random.default_rng(seed_from(random_state))
