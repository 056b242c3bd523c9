"""skgen.metrics on cases with known answers: identical data, shifted data, copies of the training set."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import GridSearchCV

from skgen import GaussianMixture
from skgen.metrics import (
    PenultimateFeatures,
    bits_per_dim,
    column_pair_similarity,
    column_shape_similarity,
    dcr_ratio,
    detection_score,
    distance_to_closest_record,
    exact_copy_rate,
    frechet_distance,
    inception_score,
    make_generative_scorer,
    mean_log_likelihood,
    membership_inference_advantage,
    mmd,
    perplexity,
    precision_recall_density_coverage,
    tstr_score,
)

from conftest import make_mixed_frame


def _normal(n=1000, d=2, seed=0):
    return np.random.default_rng(seed).normal(size=(n, d))


class _StandardNormal:
    """A model with an exact, known density: independent N(0, 1) columns."""

    def score_samples(self, X):
        return stats.norm.logpdf(np.asarray(X)).sum(axis=1)


# ----------------------------------------------------------------- likelihood
def test_mean_log_likelihood_and_bits_per_dim_known_density():
    X = _normal(500, 3)
    expected = stats.norm.logpdf(X).sum(axis=1).mean()
    assert mean_log_likelihood(_StandardNormal(), X) == pytest.approx(expected)
    assert bits_per_dim(_StandardNormal(), X) == pytest.approx(-expected / (3 * np.log(2)))


def test_likelihood_needs_score_samples():
    with pytest.raises(TypeError, match="score_samples"):
        mean_log_likelihood(LinearRegression(), _normal())


class _UniformText:
    def __init__(self, vocabulary_size):
        self.vocabulary_size = vocabulary_size

    def score_samples(self, X, lengths=None):
        if lengths is not None:
            return -np.log(self.vocabulary_size) * np.asarray(lengths, dtype=float)
        return np.array([-(len(s) + 1) * np.log(self.vocabulary_size) for s in X])


def test_perplexity_of_uniform_model_is_vocabulary_size():
    model = _UniformText(27)
    assert perplexity(model, ["hello", "hi", ""]) == pytest.approx(27.0)
    # Sequence models: per-sequence scores with lengths=
    assert perplexity(model, np.zeros((10, 1)), lengths=[3, 7]) == pytest.approx(27.0)
    # Counting tokens differently changes the answer as it should.
    assert perplexity(model, ["ab"], n_tokens=6) == pytest.approx(27.0**0.5)


# ------------------------------------------------------------------ distances
def test_frechet_distance_identical_and_shifted():
    X = _normal(2000, 2)
    assert frechet_distance(X, X) == pytest.approx(0.0, abs=1e-8)
    # Raw features: a shift of (1, 2) adds |shift|^2 = 5 exactly.
    assert frechet_distance(X, X + [1.0, 2.0], features="raw") == pytest.approx(5.0, rel=1e-6)
    # Standardised features measure the shift in real standard deviations.
    scaled = X * [10.0, 1.0]
    shift = np.array([10.0, 0.0])
    assert frechet_distance(scaled, scaled + shift) == pytest.approx(
        1.0 / scaled[:, 0].var(ddof=0) * 100, rel=1e-6
    )


def test_frechet_distance_variance_mismatch_matches_closed_form():
    # N(0, 1) vs N(0, 4) in 1-D: (sigma1 - sigma2)^2 = 1.
    real = _normal(20000, 1, seed=1)
    fake = 2.0 * _normal(20000, 1, seed=2)
    assert frechet_distance(real, fake, features="raw") == pytest.approx(1.0, abs=0.05)


def test_frechet_distance_feature_extractors():
    X, Y = _normal(400, 3, seed=0), _normal(400, 3, seed=1) + 1.5
    classifier_same = frechet_distance(X, X, features="classifier")
    classifier_shift = frechet_distance(X, Y, features="classifier")
    assert classifier_same == pytest.approx(0.0, abs=1e-8) and classifier_shift > 0.1
    extractor = PenultimateFeatures(hidden_layer_sizes=(8,), max_iter=50)
    assert frechet_distance(X, Y, features=extractor) > 0
    first_column = frechet_distance(X, Y, features=lambda T: np.asarray(T)[:, :1])
    assert first_column == pytest.approx(frechet_distance(X[:, :1], Y[:, :1], features="raw"))
    with pytest.raises(ValueError, match="features must be"):
        frechet_distance(X, Y, features="inception")


def test_frechet_distance_on_mixed_frames():
    frame = make_mixed_frame(200)
    assert frechet_distance(frame, frame) == pytest.approx(0.0, abs=1e-8)
    other = make_mixed_frame(200, random_state=1)
    assert frechet_distance(frame, other) > 0


def test_inception_score_bounds():
    X = np.r_[np.zeros((50, 1)), np.full((50, 1), 40.0), np.full((50, 1), 80.0)]
    y = np.repeat([0, 1, 2], 50)
    classifier = LogisticRegression(C=100).fit(X, y)
    assert inception_score(X, classifier) == pytest.approx(3.0, rel=1e-3)  # confident, balanced
    assert inception_score(X[:50], classifier) == pytest.approx(1.0, rel=1e-3)  # one class only
    with pytest.raises(TypeError, match="predict_proba"):
        inception_score(X, LinearRegression().fit(X, y))


def test_mmd_identical_shifted_and_monotone():
    X = _normal(500, 2)
    assert mmd(X, X) == 0.0
    values = [mmd(X, _normal(500, 2, seed=1) + shift) for shift in (0.0, 0.5, 2.0)]
    assert values[0] < 0.01 < values[1] < values[2] <= 2.0


def test_tables_must_have_the_same_columns():
    a = pd.DataFrame({"x": [1.0, 2.0], "y": [3.0, 4.0]})
    with pytest.raises(ValueError, match=r"lacks columns \['y'\]"):
        mmd(a, a[["x"]])


# ------------------------------------------------------------------- fidelity
def test_column_shape_similarity_known_values():
    frame = make_mixed_frame(200)
    shapes = column_shape_similarity(frame, frame)
    assert list(shapes.index) == list(frame.columns)
    np.testing.assert_allclose(shapes["score"], 1.0)
    assert shapes.loc["value", "metric"] == "KSComplement"
    assert shapes.loc["group", "metric"] == "TVComplement"
    shifted = frame.assign(value=frame["value"] + 1000.0, group=pd.Categorical(["a"] * len(frame)))
    scores = column_shape_similarity(frame, shifted)["score"]
    assert scores["value"] == pytest.approx(0.0)  # disjoint supports: KS = 1
    assert scores["group"] == pytest.approx((frame["group"] == "a").mean())  # 1 - TV
    assert scores["count"] == 1.0


def test_column_shape_similarity_counts_missing_as_a_category():
    real = pd.DataFrame({"c": ["a", "b", None, None]})
    fake = pd.DataFrame({"c": ["a", "b", "a", "b"]})
    assert column_shape_similarity(real, fake)["score"].iloc[0] == pytest.approx(0.5)


def test_column_pair_similarity_known_values():
    rng = np.random.default_rng(0)
    x = rng.normal(size=1000)
    real = pd.DataFrame(
        {"a": x, "b": x + 0.1 * rng.normal(size=1000), "c": np.where(x > 0, "p", "n")}
    )
    same = column_pair_similarity(real, real)
    np.testing.assert_allclose(same["score"], 1.0)
    assert list(same["metric"]) == [
        "CorrelationSimilarity",
        "ContingencySimilarity",
        "ContingencySimilarity",
    ]
    assert same["real"].iloc[0] == pytest.approx(np.corrcoef(real["a"], real["b"])[0, 1])
    flipped = real.assign(b=-real["b"], c=np.where(x > 0, "n", "p"))
    pairs = column_pair_similarity(real, flipped).set_index(["column_1", "column_2"])
    assert pairs.loc[("a", "b"), "score"] == pytest.approx(1 - abs(2 * same["real"].iloc[0]) / 2)
    # Each bin of a now pairs with the other label; only the bin straddling 0 keeps some overlap.
    assert pairs.loc[("a", "c"), "score"] < 0.25


def test_column_pair_similarity_penalises_values_outside_the_real_range():
    x = np.random.default_rng(0).normal(size=500)
    real = pd.DataFrame({"x": x, "c": np.where(x > 0, "p", "n")})
    moved = real.assign(x=real["x"] + 100.0)
    assert column_pair_similarity(real, moved)["score"].iloc[0] == pytest.approx(0.0)


def test_detection_score_identical_and_separable():
    X = _normal(600, 2)
    assert detection_score(X, _normal(600, 2, seed=1)) > 0.8
    assert detection_score(X, X + 5.0) < 0.05
    frame = make_mixed_frame(300)
    assert 0.0 <= detection_score(frame, make_mixed_frame(300, random_state=1), cv=3) <= 1.0


def test_precision_recall_density_coverage_known_cases():
    X = _normal(400, 2)
    same = precision_recall_density_coverage(X, X)
    assert same["precision"] == same["recall"] == same["coverage"] == 1.0
    assert same["density"] >= 1.0
    fresh = precision_recall_density_coverage(X, _normal(400, 2, seed=1))
    assert (
        0.8 < fresh["precision"] <= 1
        and 0.8 < fresh["recall"] <= 1
        and 0.7 < fresh["density"] < 1.3
    )
    far = precision_recall_density_coverage(X, X + 100.0)
    assert far == {"precision": 0.0, "recall": 0.0, "density": 0.0, "coverage": 0.0}
    collapsed = precision_recall_density_coverage(X, np.zeros((400, 2)) + X[:1])  # mode collapse
    assert (
        collapsed["precision"] == 1.0
        and collapsed["recall"] < 0.05
        and collapsed["coverage"] < 0.05
    )


# -------------------------------------------------------------------- utility
def _labelled(n, seed):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 2))
    return pd.DataFrame(
        {"x0": x[:, 0], "x1": x[:, 1], "y": np.where(x[:, 0] + x[:, 1] > 0, "yes", "no")}
    )


def test_tstr_score_known_cases():
    train, test = _labelled(600, 0), _labelled(400, 1)
    trtr = tstr_score(test, train, "y")
    assert trtr > 0.9
    # Synthetic rows equal to the training rows reproduce train-on-real exactly.
    assert tstr_score(test, train.copy(), "y") == trtr
    # Labels unrelated to the features: chance-level balanced accuracy.
    noise = train.assign(y=np.random.default_rng(2).permutation(train["y"].to_numpy()))
    assert tstr_score(test, noise, "y") < 0.65
    regression = train.assign(y=2 * train["x0"])
    assert tstr_score(test.assign(y=2 * test["x0"]), regression, "y") > 0.9  # R^2
    with pytest.raises(ValueError, match="does not exist"):
        tstr_score(test, train, "nope")


# -------------------------------------------------------------------- privacy
def test_privacy_metrics_on_copies_of_the_training_set():
    frame = make_mixed_frame(300)
    train, holdout = frame.iloc[:150], frame.iloc[150:]
    assert distance_to_closest_record(train, train).max() == 0.0
    assert dcr_ratio(train, train, holdout) == 0.0
    assert exact_copy_rate(train, train) == 1.0
    assert membership_inference_advantage(train, train, holdout) == pytest.approx(1.0)


def test_privacy_metrics_on_fresh_draws():
    train, holdout, fake = _normal(500, 3, 0), _normal(500, 3, 1), _normal(500, 3, 2)
    assert dcr_ratio(train, fake, holdout) == pytest.approx(1.0, abs=0.15)
    assert exact_copy_rate(train, fake) == 0.0
    assert abs(membership_inference_advantage(train, fake, holdout)) < 0.15


def test_exact_copy_rate_ignores_dtype_differences_of_a_csv_round_trip():
    frame = make_mixed_frame(100)
    reread = frame.assign(group=frame["group"].astype(object), count=frame["count"].astype(float))
    half = pd.concat(
        [reread.iloc[:50], frame.iloc[50:].assign(value=frame["value"].iloc[50:] + 0.5)]
    )
    assert exact_copy_rate(frame, half) == pytest.approx(
        0.5 + 0.5 * frame["value"].iloc[50:].isna().mean()
    )


# --------------------------------------------------------------------- scorer
def _three_clusters(n=300, seed=0):
    rng = np.random.default_rng(seed)
    centres = np.array([[0.0, 0.0], [6.0, 0.0], [0.0, 6.0]])
    return centres[rng.integers(3, size=n)] + rng.normal(scale=0.5, size=(n, 2))


def test_generative_scorer_in_grid_search():
    X = _three_clusters()
    scorer = make_generative_scorer("mmd")
    search = GridSearchCV(
        GaussianMixture(random_state=0), {"n_components": [1, 3]}, scoring=scorer, cv=3
    ).fit(X)
    assert search.best_params_ == {"n_components": 3}
    assert np.all(search.cv_results_["mean_test_score"] <= 0)  # a distance, negated
    # Fixed sampling seed: the same fitted model gets the same score twice.
    model = search.best_estimator_
    assert scorer(model, X) == scorer(model, X)


def test_generative_scorer_names_and_callables():
    X = _three_clusters(150)
    model = GaussianMixture(n_components=3, random_state=0).fit(X)
    assert make_generative_scorer("precision", n_samples=50)(model, X) > 0.5
    assert make_generative_scorer("shape_similarity")(model, X) > 0.8
    lower = make_generative_scorer(
        lambda real, fake: np.abs(real.mean() - fake.mean()), greater_is_better=False
    )
    assert lower(model, X) <= 0
    with pytest.raises(ValueError, match="Unknown metric"):
        make_generative_scorer("fid")
    with pytest.raises(ValueError, match="lower-is-better"):
        make_generative_scorer("mmd", greater_is_better=True)


def test_density_rewards_crowding_so_it_is_not_a_scorer():
    # Naeem et al.'s density exceeds its faithful value (about 1) for an
    # under-dispersed generator: it has no "greater is better" direction.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(1000, 4))
    faithful = precision_recall_density_coverage(X, rng.normal(size=(1000, 4)))
    crowded = precision_recall_density_coverage(X, 0.5 * rng.normal(size=(1000, 4)))
    assert crowded["density"] > faithful["density"] and crowded["recall"] < faithful["recall"]
    with pytest.raises(ValueError, match="best near 1"):
        make_generative_scorer("density")


@pytest.mark.parametrize("name", ["mmd", "precision", "recall", "coverage", "shape_similarity"])
def test_generative_scorers_pickle(name):
    # A fitted GridSearchCV keeps its scorer; it must pickle with it.
    import pickle

    X = _three_clusters(150)
    model = GaussianMixture(n_components=3, random_state=0).fit(X)
    scorer = make_generative_scorer(name)
    assert pickle.loads(pickle.dumps(scorer))(model, X) == scorer(model, X)


def test_penultimate_features_validates_like_a_transformer():
    X = _normal(120, 3)
    features = PenultimateFeatures(hidden_layer_sizes=(4,), max_iter=20).fit(X)
    assert features.n_features_in_ == 3
    with pytest.raises(ValueError, match="3 features"):
        features.transform(X[:, :2])
    with pytest.raises(ValueError, match="n_clusters"):
        PenultimateFeatures(n_clusters=1).fit(X)


def test_privacy_metrics_take_train_synthetic_holdout_in_that_order():
    # The same order for every three-table metric, so a call cannot swap
    # the synthetic and the holdout rows by mistake.
    import inspect

    for metric in (dcr_ratio, membership_inference_advantage):
        assert list(inspect.signature(metric).parameters)[:3] == ["train", "synthetic", "holdout"]
    train, holdout = _normal(200, 2, 0), _normal(200, 2, 1)
    assert membership_inference_advantage(train, train, holdout) == pytest.approx(1.0)


def test_precision_recall_density_coverage_closed_balls_keep_duplicated_rows():
    # Discrete data: more than k identical rows give balls of radius 0, which
    # must still hold an exact copy.
    real = pd.DataFrame({"c": ["a"] * 20 + ["b"] * 20})
    scores = precision_recall_density_coverage(real, real.copy())
    assert scores == {"precision": 1.0, "recall": 1.0, "density": 4.0, "coverage": 1.0}


@pytest.mark.parametrize("n_fake, n_holdout", [(2000, 200), (60, 2000)])
def test_dcr_ratio_of_fresh_draws_stays_near_one_whatever_the_sizes(n_fake, n_holdout):
    # A model that does not memorise: synthetic rows are fresh draws of the
    # training distribution, as the holdout rows are. The mean DCR of a row
    # does not depend on how many rows are asked for.
    train = _normal(400, 3, 0)
    ratios = [
        dcr_ratio(train, _normal(n_fake, 3, 10 + seed), _normal(n_holdout, 3, 20 + seed))
        for seed in range(3)
    ]
    assert np.mean(ratios) == pytest.approx(1.0, abs=0.1)
