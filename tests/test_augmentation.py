import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import make_classification
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.tree import DecisionTreeClassifier
from sklearn.utils.estimator_checks import parametrize_with_checks

from skgen.augmentation import AugmentedEstimator, GenerativeResampler

from _toy_generators import DiagonalGaussian


@pytest.fixture(scope="module")
def imbalanced():
    return make_classification(
        n_samples=400,
        n_features=4,
        n_informative=3,
        n_redundant=0,
        weights=[0.85, 0.1, 0.05],
        n_classes=3,
        n_clusters_per_class=1,
        random_state=0,
    )


def _counts(y):
    return dict(zip(*np.unique(y, return_counts=True)))


@pytest.mark.parametrize(
    "strategy, expected",
    [
        ("auto", {0: 337, 1: 337, 2: 337}),
        ("not majority", {0: 337, 1: 337, 2: 337}),
        ("minority", {0: 337, 1: 41, 2: 337}),
        ("not minority", {0: 337, 1: 337, 2: 22}),
        ("all", {0: 337, 1: 337, 2: 337}),
        ({1: 50, 2: 60}, {0: 337, 1: 50, 2: 60}),
        (lambda y: {2: 100}, {0: 337, 1: 41, 2: 100}),
    ],
)
def test_exact_counts_for_each_strategy(imbalanced, strategy, expected):
    X, y = imbalanced
    assert _counts(y) == {0: 337, 1: 41, 2: 22}
    X_res, y_res = GenerativeResampler(
        DiagonalGaussian(), sampling_strategy=strategy, random_state=0
    ).fit_resample(X, y)
    assert _counts(y_res) == expected
    assert X_res.shape == (y_res.size, 4)
    # Real rows first, untouched; synthetic rows after.
    np.testing.assert_array_equal(X_res[: len(X)], X)
    np.testing.assert_array_equal(y_res[: len(y)], y)


def test_synthetic_rows_follow_their_class(imbalanced):
    X, y = imbalanced
    X_res, y_res = GenerativeResampler(DiagonalGaussian(), random_state=0).fit_resample(X, y)
    synthetic_X, synthetic_y = X_res[len(X) :], y_res[len(y) :]
    for label in (1, 2):
        real_mean = X[y == label].mean(0)
        np.testing.assert_allclose(synthetic_X[synthetic_y == label].mean(0), real_mean, atol=0.3)


def test_float_strategy_and_errors():
    X = np.random.default_rng(0).normal(size=(120, 2))
    y = np.r_[np.zeros(100, int), np.ones(20, int)]
    _, y_res = GenerativeResampler(
        DiagonalGaussian(), sampling_strategy=0.5, random_state=0
    ).fit_resample(X, y)
    assert _counts(y_res) == {0: 100, 1: 50}
    with pytest.raises(ValueError, match="cannot remove rows"):
        GenerativeResampler(DiagonalGaussian(), sampling_strategy=0.1).fit_resample(X, y)
    with pytest.raises(ValueError, match="only add rows"):
        GenerativeResampler(DiagonalGaussian(), sampling_strategy={1: 5}).fit_resample(X, y)
    with pytest.raises(ValueError, match="not present"):
        GenerativeResampler(DiagonalGaussian(), sampling_strategy={3: 5}).fit_resample(X, y)
    y3 = np.r_[np.zeros(80, int), np.ones(20, int), np.full(20, 2)]
    with pytest.raises(ValueError, match="binary"):
        GenerativeResampler(DiagonalGaussian(), sampling_strategy=0.5).fit_resample(X, y3)
    with pytest.raises(ValueError, match="sampling_strategy"):
        GenerativeResampler(DiagonalGaussian(), sampling_strategy="most").fit_resample(X, y)


def test_reproducible_and_parallel(imbalanced):
    X, y = imbalanced
    first = GenerativeResampler(DiagonalGaussian(), random_state=3).fit_resample(X, y)
    second = GenerativeResampler(DiagonalGaussian(), random_state=3, n_jobs=2).fit_resample(X, y)
    np.testing.assert_array_equal(first[0], second[0])
    other = GenerativeResampler(DiagonalGaussian(), random_state=4).fit_resample(X, y)
    assert not np.array_equal(first[0], other[0])


def test_dataframe_and_series_in_and_out():
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {"x": rng.normal(size=60), "kind": pd.Categorical(rng.choice(["a", "b"], 60))}
    )
    target = pd.Series(["rare"] * 10 + ["common"] * 50, name="label")
    X_res, y_res = GenerativeResampler(DiagonalGaussian(), random_state=0).fit_resample(
        frame, target
    )
    assert isinstance(X_res, pd.DataFrame) and list(X_res.columns) == ["x", "kind"]
    assert isinstance(X_res["kind"].dtype, pd.CategoricalDtype)
    assert isinstance(y_res, pd.Series) and y_res.name == "label"
    assert y_res.value_counts().to_dict() == {"rare": 50, "common": 50}
    assert X_res.index.tolist() == list(range(100))


def test_runs_without_imbalanced_learn():
    code = (
        "import sys; sys.modules['imblearn'] = None\n"
        "import numpy as np\n"
        "sys.path.insert(0, 'tests')\n"
        "from _toy_generators import DiagonalGaussian\n"
        "from skgen.augmentation import GenerativeResampler\n"
        "X = np.random.default_rng(0).normal(size=(30, 2)); y = np.r_[[0] * 25, [1] * 5]\n"
        "print(np.bincount(GenerativeResampler(DiagonalGaussian()).fit_resample(X, y)[1]))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[25 25]"


def test_imblearn_pipeline_and_grid_over_generator_params(imbalanced):
    imblearn_pipeline = pytest.importorskip(
        "imblearn.pipeline", reason="imbalanced-learn is the 'imbalanced' extra"
    )
    X, y = imbalanced
    pipe = imblearn_pipeline.Pipeline(
        [
            ("resampler", GenerativeResampler(DiagonalGaussian(), random_state=0)),
            ("clf", LogisticRegression(max_iter=500)),
        ]
    )
    pipe.fit(X, y)
    # Resampling happens in fit only: predict sees the real rows.
    assert pipe.predict(X).shape == (len(X),)
    search = GridSearchCV(
        pipe,
        {
            "resampler__estimator__var_floor": [1e-6, 1e-2],
            "resampler__sampling_strategy": ["auto", "minority"],
        },
        scoring="balanced_accuracy",
        cv=StratifiedKFold(3, shuffle=True, random_state=0),
    ).fit(X, y)
    assert set(search.cv_results_["params"][0]) == {
        "resampler__estimator__var_floor",
        "resampler__sampling_strategy",
    }
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_resampling_helps_a_minority_class():
    X, y = make_classification(
        n_samples=600,
        n_features=5,
        n_informative=3,
        weights=[0.95],
        flip_y=0,
        class_sep=0.8,
        random_state=1,
    )
    imblearn_pipeline = pytest.importorskip("imblearn.pipeline")
    from sklearn.model_selection import cross_val_score

    plain = make_pipeline(StandardScaler(), LogisticRegression())
    resampled = imblearn_pipeline.make_pipeline(
        StandardScaler(),
        GenerativeResampler(DiagonalGaussian(), random_state=0),
        LogisticRegression(),
    )
    cv = StratifiedKFold(5, shuffle=True, random_state=0)
    plain_score = cross_val_score(plain, X, y, scoring="balanced_accuracy", cv=cv).mean()
    resampled_score = cross_val_score(resampled, X, y, scoring="balanced_accuracy", cv=cv).mean()
    assert resampled_score > plain_score + 0.05


def test_augmented_estimator_counts_and_delegation(imbalanced):
    X, y = imbalanced
    model = AugmentedEstimator(
        DecisionTreeClassifier(random_state=0),
        DiagonalGaussian(),
        n_synthetic=200,
        label_distribution="balanced",
        random_state=0,
    ).fit(X, y)
    assert model.estimator_.tree_.n_node_samples[0] == len(X) + 200
    assert model.generator_.classes_.tolist() == [0, 1, 2]
    assert model.predict(X).shape == (len(X),)
    assert model.predict_proba(X).shape == (len(X), 3)
    assert not hasattr(model, "decision_function")
    assert 0 <= model.score(X, y) <= 1
    none_added = AugmentedEstimator(
        DecisionTreeClassifier(random_state=0), DiagonalGaussian(), n_synthetic=0.0
    ).fit(X, y)
    assert none_added.estimator_.tree_.n_node_samples[0] == len(X)
    half = AugmentedEstimator(LogisticRegression(), DiagonalGaussian(), n_synthetic=0.5).fit(X, y)
    assert half.decision_function(X).shape == (len(X), 3)


def test_augmented_estimator_in_sklearn_pipeline_grid_search(imbalanced):
    X, y = imbalanced
    pipe = make_pipeline(
        StandardScaler(),
        AugmentedEstimator(LogisticRegression(), DiagonalGaussian(), random_state=0),
    )
    grid = {
        "augmentedestimator__n_synthetic": [0.0, 1.0],
        "augmentedestimator__generator__var_floor": [1e-6, 1.0],
        "augmentedestimator__label_distribution": ["prior", "balanced"],
    }
    search = GridSearchCV(pipe, grid, cv=3, scoring="balanced_accuracy").fit(X, y)
    assert len(search.cv_results_["params"]) == 8
    # The wrapper is a classifier for scikit-learn: stratified CV, predict_proba.
    from sklearn.base import is_classifier

    assert is_classifier(pipe)
    assert search.predict_proba(X).shape == (len(X), 3)


@pytest.mark.parametrize("strategy", ["auto", "minority", "not minority", "all", {1: 70, 2: 90}])
def test_counts_match_imbalanced_learn(imbalanced, strategy):
    validation = pytest.importorskip("imblearn.utils", reason="imbalanced-learn not installed")
    X, y = imbalanced
    resampler = GenerativeResampler(DiagonalGaussian(), sampling_strategy=strategy)
    resampler.fit_resample(X, y)
    expected = validation.check_sampling_strategy(strategy, y, "over-sampling")
    assert resampler.sampling_strategy_ == {k: v for k, v in expected.items()}


def test_float_counts_match_imbalanced_learn():
    validation = pytest.importorskip("imblearn.utils", reason="imbalanced-learn not installed")
    X = np.random.default_rng(0).normal(size=(137, 2))
    y = np.r_[np.zeros(113, int), np.ones(24, int)]
    for ratio in (0.3, 0.77, 1.0):
        resampler = GenerativeResampler(DiagonalGaussian(), sampling_strategy=ratio)
        resampler.fit_resample(X, y)
        assert resampler.sampling_strategy_ == validation.check_sampling_strategy(
            ratio, y, "over-sampling"
        )


def test_grid_over_gaussian_mixture_components_in_imblearn_pipeline(imbalanced):
    imblearn_pipeline = pytest.importorskip("imblearn.pipeline")
    from skgen import GaussianMixture

    X, y = imbalanced
    pipe = imblearn_pipeline.Pipeline(
        [
            ("scale", StandardScaler()),
            ("resampler", GenerativeResampler(GaussianMixture(random_state=0), random_state=0)),
            ("clf", LogisticRegression(max_iter=500)),
        ]
    )
    search = GridSearchCV(
        pipe, {"resampler__estimator__n_components": [1, 2]}, scoring="balanced_accuracy", cv=3
    ).fit(X, y)
    assert search.best_params_["resampler__estimator__n_components"] in (1, 2)
    fitted = search.best_estimator_.named_steps["resampler"]
    n_components = search.best_params_["resampler__estimator__n_components"]
    assert all(g.n_components == n_components for g in fitted.estimators_.values())


def _augmented_logistic_regression():
    from skgen import GaussianMixture

    return AugmentedEstimator(
        LogisticRegression(), GaussianMixture(random_state=0), n_synthetic=0.5, random_state=0
    )


@parametrize_with_checks(
    [_augmented_logistic_regression()],
    expected_failed_checks=lambda estimator: {
        "check_classifier_data_not_an_array": "a DataFrame of small integers is a discrete "
        "table for skgen's encoder, an array is continuous: different synthetic rows by design",
    },
)
def test_sklearn_classifier_checks_augmented_estimator(estimator, check):
    check(estimator)


class _RandomFitGaussian(DiagonalGaussian):
    """A generator whose fit depends on its random_state (a jittered mean)."""

    def _fit(self, data, seed):
        super()._fit(data, seed)
        self.mean_ = self.mean_ + np.random.default_rng(seed).normal(size=self.mean_.size)


def test_meta_random_state_makes_fits_with_an_unseeded_generator_reproducible(imbalanced):
    X, y = imbalanced
    first = GenerativeResampler(_RandomFitGaussian(), random_state=0).fit_resample(X, y)[0]
    again = GenerativeResampler(_RandomFitGaussian(), random_state=0).fit_resample(X, y)[0]
    np.testing.assert_array_equal(first, again)
    # A seed the user set on the generator is kept, not overwritten.
    resampler = GenerativeResampler(_RandomFitGaussian(random_state=5), random_state=0)
    resampler.fit_resample(X, y)
    assert {g.random_state for g in resampler.estimators_.values()} == {5}

    def fit_augmented():
        return AugmentedEstimator(
            LogisticRegression(), _RandomFitGaussian(), n_synthetic=1.0, random_state=0
        ).fit(X, y)

    np.testing.assert_array_equal(
        fit_augmented().estimator_.coef_, fit_augmented().estimator_.coef_
    )


def test_dict_order_does_not_change_the_rows(imbalanced):
    X, y = imbalanced
    forward = GenerativeResampler(
        DiagonalGaussian(), sampling_strategy={1: 50, 2: 60}, random_state=0
    ).fit_resample(X, y)
    backward = GenerativeResampler(
        DiagonalGaussian(), sampling_strategy={2: 60, 1: 50}, random_state=0
    ).fit_resample(X, y)
    np.testing.assert_array_equal(forward[0], backward[0])
    np.testing.assert_array_equal(forward[1], backward[1])


class _RecordingGaussian(DiagonalGaussian):
    """Remembers the rows it was fit on."""

    def _fit(self, data, seed):
        super()._fit(data, seed)
        self.fit_rows_ = np.array(data, copy=True)


def test_synthetic_rows_come_from_the_training_fold_only(imbalanced):
    from sklearn.model_selection import cross_validate

    X, y = imbalanced
    cv = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    for wrapper in (
        AugmentedEstimator(LogisticRegression(), _RecordingGaussian(), random_state=0),
        make_pipeline(
            StandardScaler(),
            AugmentedEstimator(LogisticRegression(), _RecordingGaussian(), random_state=0),
        ),
    ):
        fitted = cross_validate(wrapper, X, y, cv=cv, return_estimator=True)["estimator"]
        for estimator, (train, test) in zip(fitted, cv):
            augmented = estimator[-1] if hasattr(estimator, "steps") else estimator
            seen = np.vstack([g.fit_rows_ for g in augmented.generator_.estimators_])
            assert len(seen) == len(train)
            # Undo the pipeline's scaling to compare with the raw rows.
            if hasattr(estimator, "steps"):
                seen = estimator[0].inverse_transform(seen)
            distance_to_test = np.abs(seen[:, None, :] - X[test][None]).sum(axis=2).min(axis=1)
            assert distance_to_test.min() > 1e-9


def test_resampler_in_cross_validation_fits_on_the_training_fold_only(imbalanced):
    imblearn_pipeline = pytest.importorskip("imblearn.pipeline")
    from sklearn.model_selection import cross_validate

    X, y = imbalanced
    cv = list(StratifiedKFold(3, shuffle=True, random_state=0).split(X, y))
    pipe = imblearn_pipeline.Pipeline(
        [
            ("resampler", GenerativeResampler(_RecordingGaussian(), random_state=0)),
            ("clf", LogisticRegression(max_iter=500)),
        ]
    )
    fitted = cross_validate(pipe, X, y, cv=cv, return_estimator=True)["estimator"]
    for estimator, (train, _) in zip(fitted, cv):
        generators = estimator.named_steps["resampler"].estimators_
        for label, generator in generators.items():
            assert len(generator.fit_rows_) == np.sum(y[train] == label)
            train_rows = {tuple(row) for row in X[train][y[train] == label]}
            assert {tuple(row) for row in generator.fit_rows_} == train_rows


@pytest.mark.parametrize("strategy", ["auto", "minority", "not minority", "all"])
def test_tied_minority_and_majority_counts_match_imbalanced_learn(strategy):
    validation = pytest.importorskip("imblearn.utils", reason="imbalanced-learn not installed")
    # Two minority classes and two majority classes, not in label order.
    y = np.array([2] * 5 + [0] * 5 + [1] * 20 + [3] * 20)
    X = np.random.default_rng(0).normal(size=(y.size, 2))
    resampler = GenerativeResampler(DiagonalGaussian(), sampling_strategy=strategy)
    _, y_res = resampler.fit_resample(X, y)
    expected = validation.check_sampling_strategy(strategy, y, "over-sampling")
    assert resampler.sampling_strategy_ == dict(expected)
    assert np.bincount(y_res).tolist() == [
        n + expected.get(c, 0) for c, n in enumerate(np.bincount(y))
    ]


def test_float_ratio_already_met_adds_no_rows():
    X = np.random.default_rng(0).normal(size=(150, 2))
    y = np.r_[np.zeros(100, int), np.ones(50, int)]
    resampler = GenerativeResampler(DiagonalGaussian(), sampling_strategy=0.5)
    X_res, y_res = resampler.fit_resample(X, y)
    assert resampler.sampling_strategy_ == {1: 0} and resampler.estimators_ == {}
    np.testing.assert_array_equal(X_res, X)


def test_augmented_estimator_delegates_predict_log_proba(imbalanced):
    X, y = imbalanced
    model = AugmentedEstimator(LogisticRegression(), DiagonalGaussian(), random_state=0)
    model.fit(X, y)
    np.testing.assert_allclose(model.predict_log_proba(X), np.log(model.predict_proba(X)))
    from sklearn.svm import LinearSVC

    assert not hasattr(AugmentedEstimator(LinearSVC(), DiagonalGaussian()), "predict_log_proba")


def test_resampler_returns_the_containers_and_dtype_it_was_given():
    # What imbalanced-learn's samplers do (its check_samplers_* checks).
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 2)).astype(np.float32)
    y = np.r_[np.zeros(50, np.int32), np.ones(10, np.int32)]
    resampler = GenerativeResampler(DiagonalGaussian(), random_state=0)
    X_res, y_res = resampler.fit_resample(X, y)
    assert X_res.dtype == np.float32 and y_res.dtype == np.int32
    X_list, y_list = resampler.fit_resample(X.tolist(), y.tolist())
    assert isinstance(X_list, list) and isinstance(y_list, list) and len(y_list) == 100
    frame_y = pd.DataFrame({"target": y})
    from sklearn.exceptions import DataConversionWarning

    with pytest.warns(DataConversionWarning):  # scikit-learn's column-vector y warning
        _, y_frame = resampler.fit_resample(X, frame_y)
    assert isinstance(y_frame, pd.DataFrame) and list(y_frame.columns) == ["target"]
    assert y_frame["target"].value_counts().to_dict() == {0: 50, 1: 50}


def test_resampler_needs_two_classes():
    X = np.random.default_rng(0).normal(size=(20, 2))
    with pytest.raises(ValueError, match="at least 2 classes"):
        GenerativeResampler(DiagonalGaussian()).fit_resample(X, np.zeros(20))


try:  # imbalanced-learn 0.13 and later, with scikit-learn's tags API
    import imblearn.utils._tags  # noqa: F401
    from imblearn.utils.estimator_checks import parametrize_with_checks as imblearn_checks
except ImportError:  # imbalanced-learn is the optional 'imbalanced' extra
    imblearn_checks = None

if imblearn_checks is not None:
    # No check is expected to fail: imbalanced-learn's 14 sampler checks all pass.
    @imblearn_checks([GenerativeResampler(DiagonalGaussian(), random_state=0)])
    def test_imbalanced_learn_sampler_checks(estimator, check):
        check(estimator)

else:

    @pytest.mark.skip(reason="needs imbalanced-learn >= 0.13 (the 'imbalanced' extra)")
    def test_imbalanced_learn_sampler_checks():
        """imbalanced-learn's sampler checks of GenerativeResampler."""
