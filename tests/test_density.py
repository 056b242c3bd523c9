import numpy as np
import pandas as pd
import pytest
from scipy import stats
from scipy.integrate import trapezoid  # numpy.trapezoid needs numpy 2
from sklearn import neighbors
from sklearn.datasets import load_digits

from skgen import GaussianCopula, KernelDensity

from conftest import make_small_mixed, total_probability


@pytest.mark.parametrize("kernel", ["gaussian", "epanechnikov"])
def test_kde_scores_equal_scikit_learn_and_score_is_the_mean(kernel):
    X = load_digits().data[:300]
    ours = KernelDensity(bandwidth=3.0, kernel=kernel).fit(X)
    theirs = neighbors.KernelDensity(bandwidth=3.0, kernel=kernel).fit(X)
    np.testing.assert_allclose(ours.score_samples(X), theirs.score_samples(X))
    assert ours.score(X) == pytest.approx(theirs.score(X) / len(X))


def test_kde_bandwidth_rules_match_scikit_learn():
    X = np.random.default_rng(0).normal(size=(200, 3))
    for rule in ("scott", "silverman"):
        assert KernelDensity(bandwidth=rule).fit(X).bandwidth_ == pytest.approx(
            neighbors.KernelDensity(bandwidth=rule).fit(X).bandwidth_
        )


def test_mixed_kde_is_normalised_and_needs_gaussian_kernel():
    frame = make_small_mixed()
    model = KernelDensity(bandwidth="scott").fit(frame)
    assert total_probability(model, frame) == pytest.approx(1.0, abs=2e-3)
    with pytest.raises(ValueError, match="kernel='gaussian'"):
        KernelDensity(kernel="tophat").fit(frame)


def test_copula_is_normalised_on_mixed_data():
    frame = make_small_mixed()
    model = GaussianCopula(random_state=0).fit(frame)
    # The empirical marginal's density jumps at its knots: integrate between them.
    encoding = model.encoder_.columns_[0].encoding
    knots = model.marginal_fits_[0].knots * encoding.scale + encoding.mean
    assert total_probability(model, frame, breaks=knots) == pytest.approx(1.0, abs=2e-3)


def test_copula_samples_agree_with_its_density():
    frame = make_small_mixed(2000)
    model = GaussianCopula(random_state=0).fit(frame)
    synthetic = model.sample(20000, random_state=0)
    categories = frame["c"].cat.categories
    # P(c, x missing) from the density versus the sampled frequency.
    for category in categories:
        row = pd.DataFrame({"x": [np.nan], "c": pd.Categorical([category], categories=categories)})
        expected = float(np.exp(model.score_samples(row))[0])
        observed = np.mean((synthetic["c"] == category) & synthetic["x"].isna())
        assert observed == pytest.approx(expected, abs=0.01)
    for category in categories:
        assert np.mean(synthetic["c"] == category) == pytest.approx(
            np.mean(frame["c"] == category), abs=0.02
        )


def test_copula_reduces_to_the_gaussian_on_gaussian_data():
    rng = np.random.default_rng(0)
    cov = np.array([[1.0, 0.8], [0.8, 2.0]])
    X = rng.multivariate_normal([1.0, -2.0], cov, size=4000)
    model = GaussianCopula(marginals=["norm"]).fit(X)
    assert model.marginals_ == ["norm", "norm"]
    truth = stats.multivariate_normal([1.0, -2.0], cov).logpdf(X)
    assert abs(model.score(X) - truth.mean()) < 0.02
    np.testing.assert_allclose(model.correlation_[0, 1], 0.8 / np.sqrt(2.0), atol=0.02)


def test_copula_picks_marginals_by_goodness_of_fit():
    rng = np.random.default_rng(0)
    X = np.column_stack(
        [
            rng.normal(3, 2, 3000),
            rng.uniform(-1, 4, 3000),
            np.concatenate([rng.normal(-4, 0.5, 1500), rng.normal(4, 0.5, 1500)]),
        ]
    )
    chosen = GaussianCopula().fit(X).marginals_
    # A normal truncated at the sample's range is all but the normal: either fits.
    assert chosen[0] in ("norm", "truncnorm")
    assert chosen[1:] == ["uniform", "empirical"]
    # The slower families are there on request.
    skewed = rng.gamma(2.0, 1.5, size=(2000, 1))
    chosen = GaussianCopula(marginals=["gamma", "norm", "empirical"]).fit(skewed).marginals_
    assert chosen == ["gamma"]
    with pytest.raises(ValueError, match="Unknown marginal"):
        GaussianCopula(marginals=["nope"]).fit(X)


def test_copula_transform_inverse_transform_round_trip(mixed_frame):
    X = np.random.default_rng(0).gamma(2.0, size=(300, 3))
    model = GaussianCopula().fit(X)
    Z = model.transform(X)
    assert Z.shape == X.shape
    np.testing.assert_allclose(model.inverse_transform(Z), X, rtol=1e-6, atol=1e-8)
    model = GaussianCopula(random_state=0).fit(mixed_frame)
    restored = model.inverse_transform(model.transform(mixed_frame))
    for column in ("group", "label", "flag"):
        pd.testing.assert_series_equal(restored[column], mixed_frame[column])
    np.testing.assert_allclose(restored["value"], mixed_frame["value"], rtol=1e-6)


@pytest.mark.parametrize("seed", range(5))
def test_copula_on_penguin_splits_keeps_correlations_and_scores_every_row(seed):
    from sklearn.model_selection import train_test_split

    from skgen.datasets import load_penguins

    df = load_penguins()
    train, test = train_test_split(df, test_size=0.3, random_state=seed, stratify=df["species"])
    model = GaussianCopula(random_state=0).fit(train)
    assert np.isfinite(model.score_samples(test)).all()
    numeric = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    real = train[numeric].corr("spearman").to_numpy()
    fake = model.sample(5000, random_state=0)[numeric].corr("spearman").to_numpy()
    # Rank correlations survive up to the copula's misfit: penguins are a
    # mixture of species, not a Gaussian copula (measured gaps up to 0.11).
    assert np.abs(real - fake).max() < 0.15


RADIAL_KERNELS = ["epanechnikov", "exponential", "linear", "cosine", "gaussian", "tophat"]


def _ks_against(samples, grid, density):
    """KS p-value of ``samples`` against the distribution with ``density`` on ``grid``."""
    cdf = np.concatenate([[0.0], np.cumsum(np.diff(grid) * (density[1:] + density[:-1]) / 2)])
    cdf /= cdf[-1]
    return stats.kstest(samples, lambda x: np.interp(x, grid, cdf)).pvalue


@pytest.mark.parametrize("kernel", RADIAL_KERNELS)
def test_kde_samples_follow_the_kde_in_one_dimension(kernel):
    X = np.random.default_rng(1).normal(size=(40, 1)) * [[2.0]]
    model = KernelDensity(kernel=kernel, bandwidth=0.7, random_state=0).fit(X)
    samples = model.sample(20000, random_state=3)[:, 0]
    grid = np.linspace(X.min() - 12, X.max() + 12, 400001)
    density = np.exp(model.score_samples(grid[:, None]))
    # The density the samples are compared with is scikit-learn's normalised KDE.
    assert trapezoid(density, grid) == pytest.approx(1.0, abs=1e-3)
    assert _ks_against(samples, grid, density) > 1e-3


@pytest.mark.parametrize("kernel", ["epanechnikov", "exponential", "linear", "cosine"])
@pytest.mark.parametrize("n_features", [3, 6])
def test_kde_samples_have_the_kernel_radial_distribution(kernel, n_features):
    # One training row at the origin: sample radii against r^(d-1) exp(score(r e1)).
    model = KernelDensity(kernel=kernel, bandwidth=1.5, random_state=0).fit(
        np.zeros((1, n_features))
    )
    radii = np.linalg.norm(model.sample(20000, random_state=0), axis=1)
    grid = np.linspace(0, 40, 200001)
    ray = np.zeros((grid.size, n_features))
    ray[:, 0] = grid
    density = grid ** (n_features - 1) * np.exp(model.score_samples(ray))
    assert _ks_against(radii, grid, density) > 1e-3


def test_mixed_kde_with_two_continuous_columns_integrates_to_one():
    # Two continuous columns (one with missing values) and a categorical one:
    # the product kernel's normalisation has one bandwidth factor per column.
    rng = np.random.default_rng(0)
    n = 120
    c = rng.choice(["u", "v", "w"], size=n)
    x1 = rng.normal(size=n) + (c == "v")
    x2 = 0.5 * x1 + rng.normal(size=n)
    x1[rng.random(n) < 0.15] = np.nan
    frame = pd.DataFrame({"x1": x1, "x2": x2, "c": pd.Categorical(c)})
    model = KernelDensity(bandwidth="scott").fit(frame)
    assert model.bandwidth_ == pytest.approx(n ** (-1 / 6))  # Scott's rule, d = 2
    g1 = np.linspace(np.nanmin(x1) - 6, np.nanmax(x1) + 6, 101)
    g2 = np.linspace(x2.min() - 6, x2.max() + 6, 101)
    a, b = np.meshgrid(g1, g2, indexing="ij")
    total = 0.0
    for category in ["u", "v", "w"]:
        cat = pd.Categorical([category] * a.size, categories=["u", "v", "w"])
        rows = pd.DataFrame({"x1": a.ravel(), "x2": b.ravel(), "c": cat})
        density = np.exp(model.score_samples(rows)).reshape(a.shape)
        total += trapezoid(trapezoid(density, g2, axis=1), g1)
        missing = pd.DataFrame({"x1": np.nan, "x2": g2, "c": cat[: g2.size]})
        total += trapezoid(np.exp(model.score_samples(missing)), g2)
    assert total == pytest.approx(1.0, abs=2e-3)


def test_copula_samples_its_marginals_without_piling_up_at_the_range_ends():
    from skgen.datasets import load_penguins

    df = load_penguins()
    model = GaussianCopula(random_state=0).fit(df)
    synthetic = model.sample(20000, random_state=0)
    for column in ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]:
        real, fake = df[column].dropna(), synthetic[column].dropna()
        for end in (real.min(), real.max()):
            # Clipping to the range put 1.5-1.9 % of the rows on an end; the data have 0.3 %.
            assert (fake == end).mean() <= (real == end).mean() + 0.005, (column, end)
    # Values beyond the training range have a finite, decreasing log-density.
    rows = df.dropna().iloc[[0, 0, 0]].reset_index(drop=True)
    top = df["bill_length_mm"].max()
    rows["bill_length_mm"] = [top, top + 2.0, top + 20.0]
    scores = model.score_samples(rows)
    assert np.isfinite(scores).all() and scores[0] > scores[1] > scores[2]


def test_copula_keeps_tied_integers_within_their_range():
    # A zero-inflated count: about half of its probability at 0, the minimum, none at 1.
    rng = np.random.default_rng(0)
    counts = np.where(rng.random(1000) < 0.5, 0, rng.poisson(6, 1000) + 1)
    frame = pd.DataFrame({"n": counts.astype(np.int64), "x": rng.normal(size=1000)})
    model = GaussianCopula(random_state=0).fit(frame)
    assert model.encoder_.kinds_["n"] == "integer" and model.marginals_[0] == "empirical"
    sample = model.sample(20000, random_state=0)["n"]
    assert (sample < 0).mean() < 0.001
    # Rounding a draw gives each count its training frequency (binomial noise).
    got = sample.value_counts(normalize=True)
    expected = frame["n"].value_counts(normalize=True)
    assert np.abs(got.reindex(expected.index, fill_value=0) - expected).max() < 0.01
    # A count never seen (1) keeps a small, finite density.
    row = frame.head(1).assign(n=1)
    assert np.isfinite(model.score_samples(row)).all()
    # Many distinct values (more than the marginal's knots), a tie at 0 and a
    # gap above it: the tie still stays within rounding distance of 0.
    wide = np.where(counts == 0, 0, rng.integers(5, 5000, 1000))
    model = GaussianCopula(random_state=0).fit(frame.assign(n=wide))
    assert (model.sample(20000, random_state=0)["n"] < 0).mean() < 0.001
