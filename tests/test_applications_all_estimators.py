"""Every meta-estimator works with every estimator of ``all_estimators()``."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import make_blobs
from sklearn.metrics import roc_auc_score

from skgen import ClassConditional
from skgen.anomaly import GenerativeOutlierDetector
from skgen.augmentation import GenerativeResampler
from skgen.utils import all_estimators

from _estimator_config import FAST_PARAMS

GENERATORS = [
    cls(**FAST_PARAMS.get(name, {})).set_params(random_state=0)
    for name, cls in all_estimators()
    if "table" in cls._data_kinds
]
IDS = [type(generator).__name__ for generator in GENERATORS]


@pytest.fixture(scope="module")
def blobs():
    X, y = make_blobs(n_samples=[120, 60, 30], centers=[[0, 0], [4, 4], [-4, 4]], random_state=0)
    return X, y


@pytest.mark.parametrize("generator", GENERATORS, ids=IDS)
def test_class_conditional(generator, blobs):
    X, y = blobs
    is_density = generator.score_kind not in ("reconstruction", "unnormalized")
    if is_density:
        model = ClassConditional(clone(generator)).fit(X, y)
    else:
        with pytest.warns(UserWarning, match="not normalised log-densities"):
            model = ClassConditional(clone(generator)).fit(X, y)
    X_new, y_new = model.sample(90, random_state=0)
    assert X_new.shape == (90, 2) and np.all(np.isfinite(X_new))
    assert np.all(np.isfinite(model.score_samples(X, y)))
    # Each class's rows come from its own generator.
    for label in range(3):
        centre = X[y == label].mean(axis=0)
        assert np.linalg.norm(X_new[y_new == label].mean(axis=0) - centre) < 1.5
    if is_density:
        assert model.score(X, y) > 0.95
        # Generated rows are recognised as their class by the same model.
        assert np.mean(model.predict(X_new) == y_new) > 0.9


@pytest.mark.parametrize("generator", GENERATORS, ids=IDS)
def test_generative_resampler(generator, blobs):
    X, y = blobs
    X_res, y_res = GenerativeResampler(clone(generator), random_state=0).fit_resample(X, y)
    assert np.bincount(y_res).tolist() == [120, 120, 120]
    assert np.all(np.isfinite(X_res))


@pytest.mark.parametrize("generator", GENERATORS, ids=IDS)
def test_outlier_detector(generator, blobs):
    X, _ = blobs
    rng = np.random.default_rng(0)
    X_out = rng.uniform(-12, 12, size=(400, 2))
    X_out = X_out[np.min(np.linalg.norm(X_out[:, None] - X[None], axis=2), axis=1) > 3][:30]
    detector = GenerativeOutlierDetector(clone(generator), random_state=0).fit(X)
    # A model with bounded support (a copula with uniform marginals) may give
    # -inf, a valid log-density that roc_auc_score does not take.
    scores = np.maximum(detector.score_samples(np.r_[X, X_out]), -1e300)
    labels = np.r_[np.zeros(len(X)), np.ones(len(X_out))]
    assert roc_auc_score(labels, -scores) > 0.95
    assert np.mean(detector.predict(X_out) == -1) > 0.8
