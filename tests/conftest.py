import os

# One torch/BLAS thread: on two cores, more threads make small models many times slower.
for _var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "OPENBLAS_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import numpy as np
import pandas as pd
import pytest

try:
    import torch
except ImportError:  # pragma: no cover - torch is a required dependency
    torch = None
else:
    torch.set_num_threads(1)


def make_mixed_frame(n_samples=120, random_state=0):
    """A small table with every column kind TabularEncoder knows, and missing values."""
    rng = np.random.default_rng(random_state)
    group = rng.choice(["a", "b", "c"], size=n_samples, p=[0.5, 0.3, 0.2])
    shift = np.select([group == "a", group == "b"], [0.0, 3.0], 6.0)
    value = rng.normal(shift, 1.0)
    value[rng.random(n_samples) < 0.1] = np.nan
    frame = pd.DataFrame(
        {
            "value": value,
            "count": rng.poisson(3 + shift).astype(np.int64),
            "group": pd.Series(group, dtype="category"),
            "label": pd.Series(np.where(rng.random(n_samples) < 0.1, None, rng.choice(["x", "y"], size=n_samples)), dtype="str"),
            "flag": rng.random(n_samples) < 0.3 + 0.1 * shift / 6,
            "when": pd.Timestamp("2024-01-01") + pd.to_timedelta(rng.integers(0, 365, n_samples), unit="D"),
        }
    )
    return frame


@pytest.fixture
def mixed_frame():
    return make_mixed_frame()
