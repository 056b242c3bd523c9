"""Checks every skgen estimator gets: scikit-learn's, then skgen's contract (DESIGN section 1).

A new estimator is covered as soon as ``skgen.utils.all_estimators()`` lists
it; fast parameters and expected failures go in ``tests/_estimator_config.py``.
"""

import io
import pickle

import joblib
import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.utils.estimator_checks import parametrize_with_checks

from skgen.base import SCORE_KINDS

from _estimator_config import NOT_TABULAR, estimator_instances, expected_failed_checks
from conftest import make_mixed_frame

ESTIMATORS = estimator_instances()
TABULAR = [e for e in ESTIMATORS if type(e).__name__ not in NOT_TABULAR]


def _id(estimator):
    return type(estimator).__name__


@parametrize_with_checks(ESTIMATORS, expected_failed_checks=expected_failed_checks)
def test_sklearn_compatible(estimator, check):
    check(estimator)


def _numeric_data(n_samples=80, random_state=0):
    rng = np.random.default_rng(random_state)
    X = rng.normal(size=(n_samples, 3))
    X[:, 1] += 2 * X[:, 0]
    return X


def _fitted(estimator, X, random_state=0):
    return clone(estimator).set_params(random_state=random_state).fit(X)


def _assert_same(a, b):
    if isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    else:
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_id)
def test_score_kind_declared(estimator):
    assert estimator.score_kind in SCORE_KINDS


@pytest.mark.parametrize("estimator", TABULAR, ids=_id)
def test_sample_array_container(estimator):
    X = _numeric_data()
    model = _fitted(estimator, X)
    for n in (1, 7):
        out = model.sample(n)
        assert isinstance(out, np.ndarray)
        assert out.shape == (n, X.shape[1])
        assert out.dtype == np.float64
        assert np.isfinite(out).all()


@pytest.mark.parametrize("estimator", TABULAR, ids=_id)
def test_dataframe_round_trip(estimator):
    frame = make_mixed_frame(200)
    model = _fitted(estimator, frame)
    synthetic = model.sample(600, random_state=0)
    assert isinstance(synthetic, pd.DataFrame)
    assert list(synthetic.columns) == list(frame.columns)
    pd.testing.assert_series_equal(synthetic.dtypes, frame.dtypes)
    assert list(synthetic["group"].cat.categories) == list(frame["group"].cat.categories)
    assert set(synthetic["label"].dropna()) <= set(frame["label"].dropna())
    # Missing values come back at about the training rate (binomial noise, n=600).
    for column in ("value", "label"):
        rate, expected = synthetic[column].isna().mean(), frame[column].isna().mean()
        assert abs(rate - expected) < 0.06, (column, rate, expected)
    # Integer columns come back whole, within the training range when the
    # encoder clips; a model whose marginals have unbounded tails (the
    # copula) may rarely step beyond it.
    count = synthetic["count"]
    assert (count == np.round(count)).all()
    outside = (count < frame["count"].min()) | (count > frame["count"].max())
    assert outside.mean() <= (0.0 if model.encoder_.clip else 0.01)
    scores = model.score_samples(frame)
    assert scores.shape == (len(frame),)
    assert np.isfinite(scores).all()


@pytest.mark.parametrize("estimator", TABULAR, ids=_id)
def test_fit_and_sample_deterministic_under_random_state(estimator):
    frame = make_mixed_frame(150)
    first, second = _fitted(estimator, frame, 3), _fitted(estimator, frame, 3)
    _assert_same(first.sample(20), second.sample(20))
    _assert_same(first.sample(5, random_state=11), second.sample(5, random_state=11))
    np.testing.assert_allclose(first.score_samples(frame), second.score_samples(frame))


@pytest.mark.parametrize("estimator", TABULAR, ids=_id)
def test_successive_samples_differ(estimator):
    model = _fitted(estimator, _numeric_data())
    first, second = model.sample(10), model.sample(10)
    assert not np.array_equal(first, second)
    # ... while an explicit random_state repeats one call exactly.
    np.testing.assert_array_equal(
        model.sample(10, random_state=1), model.sample(10, random_state=1)
    )


@pytest.mark.parametrize("estimator", TABULAR, ids=_id)
def test_scores_finite_and_score_is_mean(estimator):
    X = _numeric_data()
    model = _fitted(estimator, X)
    scores = model.score_samples(X)
    assert scores.shape == (X.shape[0],) and np.isfinite(scores).all()
    assert isinstance(model.score(X), float)
    assert model.score(X) == pytest.approx(scores.mean())


@pytest.mark.parametrize("estimator", TABULAR, ids=_id)
@pytest.mark.parametrize("dump", ["pickle", "joblib"])
def test_persistence_round_trip(estimator, dump):
    frame = make_mixed_frame(150)
    model = _fitted(estimator, frame)
    buffer = io.BytesIO()
    if dump == "pickle":
        pickle.dump(model, buffer)
        buffer.seek(0)
        restored = pickle.load(buffer)
    else:
        joblib.dump(model, buffer)
        buffer.seek(0)
        restored = joblib.load(buffer)
    _assert_same(model.sample(15), restored.sample(15))
    np.testing.assert_array_equal(model.score_samples(frame), restored.score_samples(frame))


@pytest.mark.parametrize("estimator", TABULAR, ids=_id)
def test_clone_and_refit(estimator):
    X = _numeric_data()
    model = _fitted(estimator, X)
    twin = clone(model)
    assert twin.get_params() == model.get_params()
    with pytest.raises(NotFittedError):
        twin.sample(1)
    twin.fit(X)
    np.testing.assert_allclose(twin.score_samples(X), model.score_samples(X))
    np.testing.assert_array_equal(twin.sample(4, random_state=0), model.sample(4, random_state=0))


@pytest.mark.parametrize("estimator", TABULAR, ids=_id)
def test_clear_errors(estimator):
    X = _numeric_data()
    with pytest.raises(NotFittedError):
        clone(estimator).score_samples(X)
    with pytest.raises(ValueError, match="0 sample"):
        clone(estimator).fit(X[:0])
    X_nan = X.copy()
    X_nan[0, 0] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        clone(estimator).fit(X_nan)
    model = _fitted(estimator, X)
    with pytest.raises(ValueError, match="features"):
        model.score_samples(X[:, :2])
    for bad in (0, -3):
        with pytest.raises(ValueError, match="n_samples"):
            model.sample(bad)
    frame = make_mixed_frame(100)
    model = _fitted(estimator, frame)
    with pytest.raises(ValueError, match="feature names"):
        model.score_samples(frame.drop(columns="count"))
    unseen = frame.head(3).copy()
    unseen["label"] = "never-seen"
    with pytest.raises(ValueError, match="unseen categories"):
        model.score_samples(unseen)


@pytest.mark.parametrize("n_jobs", [1, 2])
def test_large_samples_are_chunked_reproducibly(n_jobs):
    from skgen import GaussianMixture
    from skgen.base import SAMPLE_CHUNK_SIZE

    frame = make_mixed_frame(100)
    model = GaussianMixture(2, random_state=0).fit(frame)
    n = 2 * SAMPLE_CHUNK_SIZE + 17
    big = model.sample(n, random_state=5, n_jobs=n_jobs)
    assert big.shape == (n, frame.shape[1]) and big.index.equals(pd.RangeIndex(n))
    pd.testing.assert_series_equal(big.dtypes, frame.dtypes)
    # Same rows whatever n_jobs: chunks have their own generators.
    pd.testing.assert_frame_equal(
        big.tail(1000), model.sample(n, random_state=5, n_jobs=1).tail(1000)
    )
    # Chunks differ from each other.
    assert (
        not big.iloc[:100]
        .reset_index(drop=True)
        .equals(big.iloc[SAMPLE_CHUNK_SIZE : SAMPLE_CHUNK_SIZE + 100].reset_index(drop=True))
    )


@pytest.mark.parametrize("estimator", TABULAR, ids=_id)
def test_conditional_sampling(estimator):
    frame = make_mixed_frame(200)
    model = _fitted(estimator, frame)
    rows = model.sample(50, random_state=0, conditions={"group": "c", "flag": True})
    assert len(rows) == 50
    assert (rows["group"] == "c").all() and rows["flag"].all()
    pd.testing.assert_series_equal(rows.dtypes, frame.dtypes)
    missing = model.sample(5, random_state=0, conditions={"label": None})
    assert missing["label"].isna().all()
    with pytest.raises(ValueError, match="never takes the value"):
        model.sample(5, conditions={"group": "zzz"})
    with pytest.raises(ValueError, match="not in the data"):
        model.sample(5, conditions={"nope": 1})


def _global_states():
    import random

    import torch

    state = np.random.get_state()
    return state[1].copy(), state[2:], random.getstate(), torch.get_rng_state().clone()


@pytest.mark.parametrize("estimator", TABULAR, ids=_id)
@pytest.mark.parametrize("random_state", [0, None])
def test_global_random_generators_are_left_alone(estimator, random_state):
    import torch

    np.random.seed(12345)
    before = _global_states()
    models = [clone(estimator).set_params(random_state=random_state)]
    if "continuous" in estimator.get_params():  # the one random encoding: mode mixtures
        models.append(clone(models[0]).set_params(continuous="mode"))
    for data, model in [(d, m) for d in (_numeric_data(60), make_mixed_frame(80)) for m in models]:
        model.fit(data)
        model.sample(5)
        model.sample(3, random_state=1)
        model.score_samples(data)
        if hasattr(model, "transform"):
            model.transform(data)
    after = _global_states()
    # Python's and torch's generators are never touched; numpy's only as
    # scikit-learn's random_state=None means (a seed drawn from it).
    assert after[2] == before[2], "Python's random module was used"
    assert torch.equal(after[3], before[3]), "torch's global generator was used"
    if random_state is not None:
        assert np.array_equal(after[0], before[0]) and after[1] == before[1], (
            "numpy's global generator was used"
        )


def test_encoder_without_mode_mixtures_leaves_numpy_global_generator_alone():
    from skgen.preprocessing import TabularEncoder

    np.random.seed(3)
    before = _global_states()
    for continuous in ("standard", "quantile"):
        TabularEncoder(continuous).fit(make_mixed_frame(80))  # random_state=None
    after = _global_states()
    assert np.array_equal(after[0], before[0]) and after[1] == before[1]


def test_meta_estimators_leave_numpy_global_generator_alone():
    from skgen import ClassConditional, GaussianMixture
    from skgen.anomaly import GenerativeOutlierDetector
    from skgen.augmentation import GenerativeResampler

    frame = make_mixed_frame(120)
    y = np.array([0] * 90 + [1] * 30)
    np.random.seed(7)
    before = _global_states()
    gmm = GaussianMixture(2)
    ClassConditional(GaussianMixture(2, random_state=0)).fit(frame, y).predict(frame)
    GenerativeResampler(gmm, random_state=0).fit_resample(frame, y)
    GenerativeOutlierDetector(gmm, random_state=0).fit(frame).predict(frame)
    after = _global_states()
    assert np.array_equal(after[0], before[0]) and after[1] == before[1]


def _whole_and_dates(n_samples=300, random_state=0):
    """A float column of whole numbers (> 10 levels, some missing) and dates with NaT."""
    rng = np.random.default_rng(random_state)
    whole = rng.poisson(20, size=n_samples).astype(float)
    whole[rng.random(n_samples) < 0.1] = np.nan
    when = pd.Series(
        pd.Timestamp("2023-05-01") + pd.to_timedelta(rng.integers(0, 400, n_samples), unit="D")
    )
    when[rng.random(n_samples) < 0.2] = pd.NaT
    return pd.DataFrame({"whole": whole, "when": when, "x": rng.normal(size=n_samples)})


@pytest.mark.parametrize("estimator", TABULAR, ids=_id)
def test_integer_and_datetime_columns_keep_their_nature(estimator):
    frame = _whole_and_dates()
    model = _fitted(estimator, frame)
    assert model.encoder_.kinds_["whole"] == "integer"
    synthetic = model.sample(1000, random_state=0)
    whole = synthetic["whole"].dropna()
    assert (whole == np.round(whole)).all(), "integer column sampled with fractions"
    when = synthetic["when"]
    assert when.dtype == frame["when"].dtype
    # Missing values at the training rate (binomial noise of 1000 draws).
    for column in ("whole", "when"):
        rate, expected = synthetic[column].isna().mean(), frame[column].isna().mean()
        assert abs(rate - expected) < 0.05, (column, rate, expected)
    stamps = when.dropna()
    assert (stamps == stamps.dt.normalize()).all(), "dates sampled between days"
    # Decoding any latent point gives whole numbers and keeps NaT as NaT.
    if hasattr(model, "inverse_transform"):
        Z = np.random.default_rng(1).normal(size=(50, model.transform(frame.head(2)).shape[1]))
        decoded = model.inverse_transform(Z)["whole"].dropna()
        assert (decoded == np.round(decoded)).all()
    restored = model.encoder_.inverse_transform(model.encoder_.transform(frame))
    pd.testing.assert_series_equal(restored["when"], frame["when"])
    np.testing.assert_array_equal(restored["whole"], frame["whole"])
