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

from _estimator_config import estimator_instances, expected_failed_checks
from conftest import make_mixed_frame

ESTIMATORS = estimator_instances()
TABULAR = [e for e in ESTIMATORS if "table" in type(e)._data_kinds]


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


def _same_params(a, b):
    """Equal parameter values; estimators (which ``clone`` copies) by type and parameters."""
    if hasattr(a, "get_params"):
        return type(a) is type(b) and _same_params(a.get_params(False), b.get_params(False))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same_params(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)):
        return len(a) == len(b) and all(map(_same_params, a, b))
    return a == b


@pytest.mark.parametrize("estimator", TABULAR, ids=_id)
def test_clone_and_refit(estimator):
    X = _numeric_data()
    model = _fitted(estimator, X)
    twin = clone(model)
    assert _same_params(twin.get_params(deep=False), model.get_params(deep=False))
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
    continuous = getattr(estimator, "_parameter_constraints", {}).get("continuous", [])
    # The one random encoding: mode mixtures, where a model offers it.
    if any("mode" in getattr(option, "options", ()) for option in continuous):
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


# --------------------------------------------------------------------------
# Every kind of data: sequences, text, images. Each case is run on the
# reference generator of tests/_kind_generators.py and on every estimator that
# declares the kind, so a new family inherits these checks.
# --------------------------------------------------------------------------
import random  # noqa: E402

import torch  # noqa: E402

from _kind_generators import (  # noqa: E402
    DeepUnigramLM,
    IndependentGaussianSequences,
    PixelCategorical,
    PositionalCategorical,
    total_probability_of_all_documents,
)


def _takes(kind, reference):
    extra = [DeepUnigramLM(max_epochs=3)] if kind == "text" else []
    return [e for e in ESTIMATORS if kind in type(e)._data_kinds] + [reference] + extra


def _sequence_list(n_sequences=12, random_state=0, dtype=float):
    rng = np.random.default_rng(random_state)
    return [
        rng.normal(size=(int(length), 2)).astype(dtype)
        for length in rng.integers(3, 9, size=n_sequences)
    ]


def _sequences_concatenated(n_sequences=12, random_state=0):
    parts = _sequence_list(n_sequences, random_state)
    return np.concatenate(parts), np.array([len(p) for p in parts])


def _texts(n=40, random_state=0):
    rng = np.random.default_rng(random_state)
    alphabet = np.array(list("abcde"))
    return ["".join(rng.choice(alphabet, size=rng.integers(0, 6))) for _ in range(n)]


def _token_sequences(n=40, random_state=0):
    rng = np.random.default_rng(random_state)
    return [rng.choice([60, 62, 64, 65, 67], size=rng.integers(1, 7)) for _ in range(n)]


def _images_uint8(n=40, random_state=0):
    rng = np.random.default_rng(random_state)
    return rng.integers(0, 8, size=(n, 4, 4)).astype(np.uint8)


def _images_channels(n=40, random_state=0):
    """Float images with whole pixel values (as scikit-learn's digits) and two channels."""
    rng = np.random.default_rng(random_state)
    return rng.integers(0, 5, size=(n, 2, 3, 3)).astype(float)


# kind -> form -> (make data: random_state -> (X, fit keywords), reference generator)
KIND_FORMS = {
    "sequence": {
        "concatenated": lambda rs: (lambda X, lengths: (X, {"lengths": lengths}))(
            *_sequences_concatenated(random_state=rs)
        ),
        "list": lambda rs: (_sequence_list(random_state=rs), {}),
    },
    "text": {
        "strings": lambda rs: (_texts(random_state=rs), {}),
        "tokens": lambda rs: (_token_sequences(random_state=rs), {}),
    },
    "image": {
        "uint8 (n, H, W)": lambda rs: (_images_uint8(random_state=rs), {}),
        "whole floats (n, C, H, W)": lambda rs: (_images_channels(random_state=rs), {}),
    },
}
REFERENCE = {
    "sequence": IndependentGaussianSequences(),
    "text": PositionalCategorical(),
    "image": PixelCategorical(),
}
KIND_CASES = [
    pytest.param(kind, form, estimator, id=f"{kind}-{form}-{_id(estimator)}")
    for kind, forms in KIND_FORMS.items()
    for form in forms
    for estimator in _takes(kind, REFERENCE[kind])
]


def _units(X, fit_params):
    """Number of sequences, documents or images in ``X``."""
    if "lengths" in fit_params:
        return len(fit_params["lengths"])
    return len(X)


def _assert_same_container(a, b):
    """Equal samples of any kind: arrays, (X, lengths) pairs, lists of arrays or strings."""
    assert type(a) is type(b)
    if isinstance(a, (tuple, list)):
        assert len(a) == len(b)
        for x, y in zip(a, b):
            if isinstance(x, str):
                assert x == y
            else:
                _assert_same_container(x, y)
    else:
        np.testing.assert_array_equal(a, b)
        assert np.asarray(a).dtype == np.asarray(b).dtype


def _assert_form_of(sample, X, fit_params, n):
    """``sample`` holds ``n`` units in the container and dtype that ``X`` came in."""
    if "lengths" in fit_params:
        values, lengths = sample
        assert values.shape == (lengths.sum(), X.shape[1]) and lengths.shape == (n,)
        assert values.dtype == X.dtype
    elif isinstance(X, list):
        assert isinstance(sample, list) and len(sample) == n
        for unit in sample:
            assert type(unit) is type(X[0])
            if isinstance(unit, np.ndarray):
                assert unit.dtype == X[0].dtype and unit.ndim == X[0].ndim
                assert unit.shape[1:] == X[0].shape[1:]
    else:
        assert sample.shape == (n,) + X.shape[1:] and sample.dtype == X.dtype


def _fit_kind(estimator, kind, form, random_state=0, data_seed=0):
    X, fit_params = KIND_FORMS[kind][form](data_seed)
    model = clone(estimator).set_params(random_state=random_state).fit(X, **fit_params)
    return model, X, fit_params


@pytest.mark.parametrize("kind, form, estimator", KIND_CASES)
def test_kind_sample_in_the_container_fit_received(kind, form, estimator):
    model, X, fit_params = _fit_kind(estimator, kind, form)
    for n in (1, 5):
        _assert_form_of(model.sample(n, random_state=0), X, fit_params, n)


@pytest.mark.parametrize("kind, form, estimator", KIND_CASES)
def test_kind_one_finite_score_per_unit(kind, form, estimator):
    model, X, fit_params = _fit_kind(estimator, kind, form)
    scores = model.score_samples(X, **fit_params)
    assert scores.shape == (_units(X, fit_params),) and np.isfinite(scores).all()
    assert model.score(X, **fit_params) == pytest.approx(scores.mean())


@pytest.mark.parametrize("kind, form, estimator", KIND_CASES)
def test_kind_deterministic_under_random_state(kind, form, estimator):
    first, X, fit_params = _fit_kind(estimator, kind, form, random_state=3)
    second, _, _ = _fit_kind(estimator, kind, form, random_state=3)
    _assert_same_container(first.sample(6), second.sample(6))
    _assert_same_container(first.sample(4, random_state=9), second.sample(4, random_state=9))
    np.testing.assert_array_equal(
        first.score_samples(X, **fit_params), second.score_samples(X, **fit_params)
    )
    a, b = first.sample(30), first.sample(30)
    with pytest.raises(AssertionError):
        _assert_same_container(a, b)


@pytest.mark.parametrize("kind, form, estimator", KIND_CASES)
def test_kind_pickle_and_clone_round_trip(kind, form, estimator):
    model, X, fit_params = _fit_kind(estimator, kind, form)
    restored = pickle.loads(pickle.dumps(model))
    _assert_same_container(model.sample(5, random_state=1), restored.sample(5, random_state=1))
    np.testing.assert_array_equal(
        model.score_samples(X, **fit_params), restored.score_samples(X, **fit_params)
    )
    twin = clone(model)
    with pytest.raises(NotFittedError):
        twin.sample(1)
    twin.fit(X, **fit_params)
    np.testing.assert_array_equal(
        twin.score_samples(X, **fit_params), model.score_samples(X, **fit_params)
    )


@pytest.mark.parametrize("kind, form, estimator", KIND_CASES)
def test_kind_fit_and_sample_leave_global_generators_alone(kind, form, estimator):
    X, fit_params = KIND_FORMS[kind][form](0)
    states = np.random.get_state()[1].copy(), random.getstate(), torch.random.get_rng_state()
    model = clone(estimator).set_params(random_state=0).fit(X, **fit_params)
    model.sample(3)
    model.score_samples(X, **fit_params)
    np.testing.assert_array_equal(np.random.get_state()[1], states[0])
    assert random.getstate() == states[1]
    assert torch.equal(torch.random.get_rng_state(), states[2])


@pytest.mark.parametrize("kind, form, estimator", KIND_CASES)
def test_kind_clear_errors(kind, form, estimator):
    X, fit_params = KIND_FORMS[kind][form](0)
    with pytest.raises(NotFittedError):
        clone(estimator).score_samples(X, **fit_params)
    model = clone(estimator).set_params(random_state=0).fit(X, **fit_params)
    with pytest.raises(ValueError, match="n_samples"):
        model.sample(0)
    if kind == "table":
        return
    if "table" not in type(estimator)._data_kinds:
        with pytest.raises(ValueError, match=f"{type(estimator).__name__} takes"):
            clone(estimator).fit(pd.DataFrame({"a": [1.0, 2.0]}))
    if kind == "sequence":
        values = X if "lengths" in fit_params else np.concatenate(X)
        with pytest.raises(ValueError, match="lengths add up to"):
            model.score_samples(values, lengths=[len(values) + 1])
        with pytest.raises(ValueError, match="features"):
            model.score_samples(values[:, :1], lengths=[len(values)])
    if kind == "image":
        with pytest.raises(ValueError, match="shape"):
            model.score_samples(np.zeros((2, 5, 5)))


@pytest.mark.parametrize("estimator", _takes("sequence", REFERENCE["sequence"]), ids=_id)
def test_sequence_lengths_of_samples(estimator):
    model, X, _ = _fit_kind(estimator, "sequence", "list")
    assert [len(s) for s in model.sample(3, length=4, random_state=0)] == [4, 4, 4]
    assert [len(s) for s in model.sample(3, length=[2, 5, 1], random_state=0)] == [2, 5, 1]
    seen = {len(s) for s in X}
    assert {len(s) for s in model.sample(50, random_state=0)} <= seen
    with pytest.raises(ValueError, match="length"):
        model.sample(2, length=[3])


@pytest.mark.parametrize("estimator", _takes("text", REFERENCE["text"]), ids=_id)
def test_text_unseen_symbols_score_finite(estimator):
    model, _, _ = _fit_kind(estimator, "text", "strings")
    scores = model.score_samples(["abz", "\N{SNOWMAN}", ""])
    assert np.isfinite(scores).all()


def test_sequences_of_integer_symbols_sample_integers():
    rng = np.random.default_rng(0)
    X = rng.integers(0, 3, size=(50, 1))
    model = IndependentGaussianSequences(random_state=0).fit(X, lengths=[20, 30])
    values, lengths = model.sample(2, length=5)
    assert values.dtype == X.dtype and lengths.tolist() == [5, 5]


def test_reference_text_model_is_normalised_over_all_documents():
    """Summing exp(score) over every short document gives 1: encoding (the unknown
    symbol as one class) keeps the reference model exactly normalised."""
    model = PositionalCategorical(alpha=0.3).fit(["ab", "b", "", "aab"])
    alphabet = ["a", "b", "\N{SNOWMAN}"]  # a symbol never seen stands for the unknown class
    assert total_probability_of_all_documents(model, alphabet, 3) == pytest.approx(1.0)


def test_reference_image_model_is_normalised_over_all_images():
    images = np.array([[[0, 2]], [[1, 2]], [[1, 0]]], dtype=np.uint8)  # (3, 1, 2), levels 0..2
    model = PixelCategorical().fit(images)
    grid = np.array(np.meshgrid([0, 1, 2], [0, 1, 2])).reshape(2, -1).T.reshape(-1, 1, 2)
    assert np.exp(model.score_samples(grid.astype(np.uint8))).sum() == pytest.approx(1.0)


def test_image_rows_with_image_shape():
    images = _images_uint8()
    rows = images.reshape(len(images), -1)
    model = PixelCategorical(image_shape=(4, 4), random_state=0).fit(rows)
    assert model.codec_.image_shape == (1, 4, 4)
    sample = model.sample(3)
    assert sample.shape == (3, 16) and sample.dtype == np.uint8
    with pytest.raises(ValueError, match="image_shape"):
        PixelCategorical(image_shape=(3, 3)).fit(rows)


def test_continuous_images_are_not_dequantised():
    from skgen import GaussianMixture

    images = np.random.default_rng(0).normal(size=(60, 3, 3))
    model = GaussianMixture(2, random_state=0).fit(images)
    assert not model.codec_.discrete
    sample = model.sample(5)
    assert sample.shape == (5, 3, 3) and sample.dtype == np.float64
    assert sample.min() >= images.min() and sample.max() <= images.max()
    # Not discrete: the scores are the mixture's density at the pixels themselves.
    flat = GaussianMixture(2, random_state=0).fit(images.reshape(60, -1))
    np.testing.assert_allclose(
        model.score_samples(images), flat.score_samples(images.reshape(60, -1))
    )
    with pytest.raises(ValueError, match="discrete pixel"):
        PixelCategorical().fit(images)


@pytest.mark.parametrize("name", ["GaussianMixture", "VAE"])
def test_digits_images_round_trip(name):
    """skgen's tabular models take (n, 8, 8) images and give images back."""
    import skgen
    from skgen.datasets import load_digits_array

    images = load_digits_array().reshape(-1, 8, 8)[:300]
    params = {"GaussianMixture": {"n_components": 3}, "VAE": {"max_epochs": 3}}[name]
    model = getattr(skgen, name)(**params, random_state=0).fit(images)
    sample = model.sample(10)
    assert sample.shape == (10, 8, 8) and sample.dtype == images.dtype
    assert np.all(sample == np.round(sample)) and sample.min() >= 0 and sample.max() <= 16
    scores = model.score_samples(images[:20])
    assert scores.shape == (20,) and np.isfinite(scores).all()
    small = model.sample(4, random_state=0).astype(np.uint8)
    assert small.dtype == np.uint8
