import numpy as np
import pytest
from sklearn import mixture as sk_mixture
from sklearn.datasets import load_digits

from skgen import BayesianGaussianMixture, GaussianMixture

from conftest import make_small_mixed, total_probability


@pytest.mark.parametrize("covariance_type", ["full", "tied", "diag", "spherical"])
def test_scores_equal_scikit_learn_on_arrays(covariance_type):
    X = load_digits().data[:400]
    ours = GaussianMixture(4, covariance_type=covariance_type, random_state=0).fit(X)
    theirs = sk_mixture.GaussianMixture(4, covariance_type=covariance_type, random_state=0).fit(X)
    np.testing.assert_allclose(ours.score_samples(X), theirs.score_samples(X), rtol=1e-10)
    assert ours.score(X) == pytest.approx(theirs.score(X), rel=1e-12)
    np.testing.assert_allclose(ours.transform(X), theirs.predict_proba(X), atol=1e-10)


def test_samples_come_in_random_order():
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(-5, 1, (100, 1)), rng.normal(5, 1, (100, 1))])
    model = GaussianMixture(2, random_state=0).fit(X)
    labels = model.predict(model.sample(200))
    # scikit-learn's sample() returns one block per component; ours is shuffled.
    assert np.count_nonzero(np.diff(labels)) > 20
    assert 0.35 < labels.mean() < 0.65


def test_responsibilities_sum_to_one():
    frame = make_small_mixed()
    resp = GaussianMixture(3, random_state=0).fit(frame).transform(frame)
    np.testing.assert_allclose(resp.sum(axis=1), 1.0)


@pytest.mark.parametrize(
    "estimator",
    [GaussianMixture(3, random_state=0), BayesianGaussianMixture(n_components=4, random_state=0)],
)
def test_mixed_density_is_normalised(estimator):
    frame = make_small_mixed()
    model = estimator.fit(frame)
    assert total_probability(model, frame) == pytest.approx(1.0, abs=2e-3)


def test_mixed_model_learns_dependence_between_kinds():
    frame = make_small_mixed(1000)
    model = GaussianMixture(6, random_state=0).fit(frame)
    synthetic = model.sample(4000, random_state=0)
    real_means = frame.groupby("c", observed=True)["x"].mean()
    fake_means = synthetic.groupby("c", observed=True)["x"].mean()
    np.testing.assert_allclose(fake_means, real_means, rtol=0.15)
    real_missing = frame["x"].isna().groupby(frame["c"], observed=True).mean()
    fake_missing = synthetic["x"].isna().groupby(synthetic["c"], observed=True).mean()
    np.testing.assert_allclose(fake_missing, real_missing, atol=0.05)
