"""Scores and samples of every estimator under a fixed ``random_state``.

``tests/data/reference_values.json`` holds what these functions returned
before the data-kind and deep-model-base refactor (issue 8);
``tests/test_reference_values.py`` checks that today's code gives the same.
Regenerate only for a deliberate change of results:
``python tests/_reference.py`` (and say why in the commit).
"""

import json
import os
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(__file__))

from conftest import make_mixed_frame  # noqa: E402

PATH = os.path.join(os.path.dirname(__file__), "data", "reference_values.json")

SETTINGS = {
    "GaussianMixture": {"n_components": 2},
    "BayesianGaussianMixture": {"n_components": 2},
    "KernelDensity": {"bandwidth": 0.5},
    "GaussianCopula": {},
    "VAE": {"n_components": 2, "hidden_layer_sizes": (16,), "max_epochs": 3, "batch_size": 32},
    "Autoencoder": {"n_components": 2, "hidden_layer_sizes": (16,), "max_epochs": 3, "batch_size": 32},
}


def numeric_data():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    X[:, 1] += 2 * X[:, 0]
    return X


def frame_as_lists(frame):
    """A JSON-friendly view of a sampled table: each column as strings."""
    return {str(c): [str(v) for v in frame[c].tolist()] for c in frame.columns}


def compute(name):
    import skgen

    cls = getattr(skgen, name)
    X = numeric_data()
    frame = make_mixed_frame(80)
    on_array = cls(**SETTINGS[name], random_state=0).fit(X)
    on_frame = cls(**SETTINGS[name], random_state=0).fit(frame)
    out = {
        "array_scores": on_array.score_samples(X[:10]).tolist(),
        "array_sample": on_array.sample(4, random_state=1).tolist(),
        "array_sample_default": on_array.sample(3).tolist(),
        "frame_scores": on_frame.score_samples(frame.head(10)).tolist(),
        "frame_sample": frame_as_lists(on_frame.sample(4, random_state=1)),
    }
    if hasattr(on_array, "transform"):
        out["array_transform"] = on_array.transform(X[:5]).tolist()
    return out


if __name__ == "__main__":
    values = {name: compute(name) for name in SETTINGS}
    with open(PATH, "w") as f:
        json.dump(values, f, indent=1)
    print("wrote", PATH)
