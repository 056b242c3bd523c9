import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GridSearchCV
from sklearn.utils.estimator_checks import parametrize_with_checks

from skgen.anomaly import GenerativeOutlierDetector

from _toy_generators import DiagonalGaussian, ReconstructionScorer


@pytest.fixture(scope="module")
def shifted_outliers():
    rng = np.random.default_rng(0)
    X_train = rng.normal(size=(1000, 3))
    X_test = np.r_[rng.normal(size=(200, 3)), rng.normal(4.0, 1.0, size=(20, 3))]
    is_outlier = np.r_[np.zeros(200, bool), np.ones(20, bool)]
    return X_train, X_test, is_outlier


@parametrize_with_checks(
    [
        GenerativeOutlierDetector(DiagonalGaussian(), random_state=0),
        GenerativeOutlierDetector(DiagonalGaussian(), contamination=0.1, random_state=0),
    ]
)
def test_sklearn_outlier_checks(estimator, check):
    check(estimator)


def test_isolation_forest_interface(shifted_outliers):
    X_train, X_test, is_outlier = shifted_outliers
    detector = GenerativeOutlierDetector(DiagonalGaussian(), random_state=0).fit(X_train)
    scores = detector.score_samples(X_test)
    np.testing.assert_allclose(scores, detector.estimator_.score_samples(X_test))
    np.testing.assert_allclose(detector.decision_function(X_test), scores - detector.offset_)
    predicted = detector.predict(X_test)
    assert set(np.unique(predicted)) <= {-1, 1}
    np.testing.assert_array_equal(predicted == -1, detector.decision_function(X_test) < 0)
    assert roc_auc_score(is_outlier, -scores) > 0.99
    assert np.mean(predicted[is_outlier] == -1) > 0.9
    assert detector.fit_predict(X_train).shape == (len(X_train),)


@pytest.mark.parametrize("generator", [DiagonalGaussian(), ReconstructionScorer()])
def test_auto_threshold_is_split_conformal(generator):
    rng = np.random.default_rng(1)
    X_train, X_new = rng.normal(size=(4000, 2)), rng.normal(size=(20000, 2))
    detector = GenerativeOutlierDetector(generator, validation_fraction=0.5, random_state=0)
    detector.fit(X_train)
    # The false-alarm rate on new normal rows is about auto_quantile (5 %);
    # given 2000 held-out rows its standard deviation is about 0.5 %.
    assert 0.035 < np.mean(detector.predict(X_new) == -1) < 0.065
    held = detector.heldout_scores_
    assert held.size == 2000
    assert detector.offset_ == np.sort(held)[int(0.05 * 2001) - 1]
    detector.set_params(auto_quantile=0.2)
    assert 0.17 < np.mean(detector.predict(X_new) == -1) < 0.23
    # Fewer held-out rows than the rate allows for: nothing is flagged.
    detector.set_params(auto_quantile=0.0001)
    assert detector.offset_ == -np.inf
    assert np.all(detector.predict(X_new) == 1)


def test_changing_contamination_rethresholds_without_refit(shifted_outliers):
    X_train, _, _ = shifted_outliers
    detector = GenerativeOutlierDetector(DiagonalGaussian(), random_state=0).fit(X_train)
    model = detector.estimator_
    for contamination in (0.05, 0.2, 0.5):
        detector.set_params(contamination=contamination)
        assert detector.estimator_ is model
        assert np.sum(detector.predict(X_train) == -1) == int(contamination * len(X_train))
        ref = np.percentile(detector.train_scores_, 100 * contamination)
        assert detector.offset_ == pytest.approx(ref)
    detector.set_params(contamination="auto")
    held = detector.heldout_scores_
    assert detector.offset_ == np.sort(held)[int(0.05 * (held.size + 1)) - 1]

    fitted_with_float = GenerativeOutlierDetector(DiagonalGaussian(), contamination=0.1)
    fitted_with_float.fit(X_train).set_params(contamination="auto")
    with pytest.raises(ValueError, match="refit"):
        fitted_with_float.predict(X_train)
    fitted_with_float.set_params(contamination=0.9)
    with pytest.raises(ValueError, match=r"\(0, 0.5\]"):
        fitted_with_float.predict(X_train)
    fitted_with_float.set_params(contamination=0.1, auto_quantile=0.9)
    with pytest.raises(ValueError, match="auto_quantile"):
        fitted_with_float.predict(X_train)


def test_reconstruction_scores_work_the_same(shifted_outliers):
    X_train, X_test, is_outlier = shifted_outliers
    detector = GenerativeOutlierDetector(ReconstructionScorer(), random_state=0).fit(X_train)
    assert detector.estimator_.score_kind == "reconstruction"
    assert roc_auc_score(is_outlier, -detector.score_samples(X_test)) > 0.99
    assert np.mean(detector.predict(X_test[~is_outlier]) == 1) > 0.9


def test_minus_inf_scores_do_not_break_the_threshold():
    class Impossible(DiagonalGaussian):
        def _score_samples(self, data):
            scores = super()._score_samples(data)
            return np.where(data[:, 0] > 1.0, -np.inf, scores)

    X = np.random.default_rng(0).normal(size=(300, 2))
    detector = GenerativeOutlierDetector(Impossible(), contamination=0.3).fit(X)
    assert np.isfinite(detector.offset_) or detector.offset_ == -np.inf
    assert not np.isnan(detector.offset_)
    assert np.all(detector.predict(X[X[:, 0] > 1.0]) == -1)


def test_dataframe_input_and_comparison_with_isolation_forest():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=500), "b": rng.normal(size=500)})
    detector = GenerativeOutlierDetector(DiagonalGaussian(), random_state=0).fit(frame)
    test = pd.DataFrame({"a": [0.0, 8.0], "b": [0.0, 0.0]})
    assert detector.predict(test).tolist() == [1, -1]
    forest = IsolationForest(random_state=0).fit(frame)
    assert forest.predict(test).tolist() == [1, -1]


def test_grid_search_over_the_generator(shifted_outliers):
    X_train, _, _ = shifted_outliers
    # Unsupervised model selection: score = mean held-out log-density.
    search = GridSearchCV(
        GenerativeOutlierDetector(DiagonalGaussian(), contamination=0.05),
        {"estimator__var_floor": [1e-6, 5.0]},
        scoring=lambda est, X, y=None: est.score_samples(X).mean(),
        cv=3,
    ).fit(X_train)
    assert search.best_params_ == {"estimator__var_floor": 1e-6}


def test_unseen_category_is_an_outlier():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"x": rng.normal(size=300), "kind": pd.Series(rng.choice(["a", "b"], 300), dtype="str")}
    )
    detector = GenerativeOutlierDetector(DiagonalGaussian(), random_state=0).fit(frame)
    test = pd.DataFrame({"x": [0.0, 0.0], "kind": ["a", "zzz"]})
    scores = detector.score_samples(test)
    assert np.isfinite(scores[0]) and np.isneginf(scores[1])
    assert detector.predict(test).tolist() == [1, -1]


def test_trimmed_refit_ignores_contamination_in_training_rows():
    rng = np.random.default_rng(0)
    normal = rng.normal(size=(900, 2))
    anomalies = rng.normal(6.0, 0.3, size=(60, 2))  # a tight cluster of anomalies
    X = np.r_[normal, anomalies]
    plain = GenerativeOutlierDetector(DiagonalGaussian(), contamination=0.1).fit(X)
    trimmed = GenerativeOutlierDetector(
        DiagonalGaussian(), contamination=0.1, trim_fraction=0.1, trim_rounds=2
    ).fit(X)
    # The plain fit is stretched towards the anomalies; the trimmed one is not.
    assert np.all(np.abs(trimmed.estimator_.mean_) < 0.15)
    assert np.any(np.abs(plain.estimator_.mean_) > 0.3)
    labels = np.r_[np.zeros(900), np.ones(60)]
    assert np.mean(trimmed.predict(X)[labels == 1] == -1) == 1.0
    assert len(trimmed.train_scores_) == len(X)


def test_random_state_seeds_an_unseeded_generator():
    class RandomFitGaussian(DiagonalGaussian):
        def _fit(self, data, seed):
            super()._fit(data, seed)
            self.mean_ = self.mean_ + np.random.default_rng(seed).normal(size=self.mean_.size)

    X = np.random.default_rng(0).normal(size=(200, 2))
    scores = [
        GenerativeOutlierDetector(RandomFitGaussian(), random_state=0).fit(X).score_samples(X)
        for _ in range(2)
    ]
    np.testing.assert_array_equal(*scores)
    kept = GenerativeOutlierDetector(RandomFitGaussian(random_state=7), random_state=0).fit(X)
    assert kept.estimator_.random_state == 7


def test_bad_values_are_errors_not_outliers():
    frame = pd.DataFrame({"x": np.random.default_rng(0).normal(size=100), "c": ["a", "b"] * 50})
    detector = GenerativeOutlierDetector(DiagonalGaussian(), random_state=0).fit(frame)
    with pytest.raises(ValueError, match="must be numeric"):
        detector.predict(pd.DataFrame({"x": ["oops"], "c": ["a"]}))
