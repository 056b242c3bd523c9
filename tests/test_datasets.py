"""Tests of skgen.datasets: shipped tables, bundled loaders, toy distributions."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sklearn import datasets as sk_datasets

from skgen.datasets import (
    Banana,
    Checkerboard,
    Funnel,
    GaussianMixtureDistribution,
    load_breast_cancer_frame,
    load_diabetes_frame,
    load_digits_array,
    load_iris_frame,
    load_penguins,
    load_wine_frame,
    make_toy,
)

MEASUREMENTS = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
PANDAS_3 = int(pd.__version__.split(".")[0]) >= 3


# ---------------------------------------------------------------- penguins


def test_penguins_shape_columns_and_dtypes():
    penguins = load_penguins()
    assert penguins.shape == (344, 8)
    assert list(penguins.columns) == [
        "species", "island", *MEASUREMENTS, "sex", "year",
    ]  # fmt: skip
    for column in ["species", "island", "sex"]:
        # pandas 3 has a string dtype by default; pandas 2 keeps strings as objects.
        assert penguins[column].dtype == ("str" if PANDAS_3 else object)
        assert penguins[column].dropna().map(type).eq(str).all()
    for column in MEASUREMENTS:
        assert penguins[column].dtype == np.float64
    assert penguins["year"].dtype == np.int64


def test_penguins_missing_values_and_categories():
    penguins = load_penguins()
    missing = penguins.isna().sum()
    assert missing[MEASUREMENTS].tolist() == [2, 2, 2, 2]
    assert missing["sex"] == 11
    assert missing[["species", "island", "year"]].sum() == 0
    # The two rows missing a measurement miss all of them.
    assert penguins[MEASUREMENTS].isna().all(axis=1).sum() == 2
    assert set(penguins["species"]) == {"Adelie", "Chinstrap", "Gentoo"}
    assert set(penguins["island"]) == {"Biscoe", "Dream", "Torgersen"}
    assert set(penguins["sex"].dropna()) == {"female", "male"}
    assert set(penguins["year"]) == {2007, 2008, 2009}
    assert penguins["species"].value_counts().to_dict() == {
        "Adelie": 152, "Gentoo": 124, "Chinstrap": 68,
    }  # fmt: skip


def test_penguins_identical_to_palmerpenguins():
    palmerpenguins = pytest.importorskip("palmerpenguins")
    pd.testing.assert_frame_equal(load_penguins(), palmerpenguins.load_penguins())


def test_penguins_return_X_y_and_array():
    X, y = load_penguins(return_X_y=True)
    assert X.shape == (344, 7) and "species" not in X.columns
    assert y.name == "species" and len(y) == 344
    array = load_penguins(as_frame=False)
    assert array.shape == (344, 8) and array.dtype == object
    assert array[0, 0] == "Adelie" and array[0, 7] == 2007
    X_array, y_array = load_penguins(as_frame=False, return_X_y=True)
    assert X_array.shape == (344, 7) and y_array.shape == (344,)


# ---------------------------------------------------------------- bundled sets


@pytest.mark.parametrize(
    "loader, sk_loader, shape, classes",
    [
        (load_iris_frame, sk_datasets.load_iris, (150, 5), {"setosa", "versicolor", "virginica"}),
        (load_wine_frame, sk_datasets.load_wine, (178, 14), {"class_0", "class_1", "class_2"}),
        (
            load_breast_cancer_frame,
            sk_datasets.load_breast_cancer,
            (569, 31),
            {"malignant", "benign"},
        ),
        (load_diabetes_frame, sk_datasets.load_diabetes, (442, 11), None),
    ],
)
def test_bundled_frames(loader, sk_loader, shape, classes):
    frame = loader()
    assert isinstance(frame, pd.DataFrame) and frame.shape == shape
    reference = sk_loader(as_frame=True)
    np.testing.assert_array_equal(
        frame.drop(columns="target").to_numpy(), reference.data.to_numpy()
    )
    X, y = loader(return_X_y=True)
    assert list(X.columns) == list(reference.feature_names) and y.name == "target"
    if classes is None:
        assert y.dtype == np.float64
    else:
        assert pd.api.types.is_string_dtype(y) and set(y) == classes
        # Names map to the same classes as sklearn's integer codes.
        np.testing.assert_array_equal(y.to_numpy(), reference.target_names[reference.target])


def test_digits_array():
    X, y = load_digits_array(return_X_y=True)
    assert X.shape == (1797, 64) and X.dtype == np.float64 and y.shape == (1797,)
    assert X.min() == 0 and X.max() == 16
    X_small = load_digits_array(n_class=2)
    assert X_small.shape == (360, 64)


# ---------------------------------------------------------------- toy distributions

# (distribution, per-axis integration grids covering essentially all its mass)
_STEP = 0.05


def _axis(lo, hi, step=_STEP):
    """Midpoints of cells of width ``step`` tiling [lo, hi]."""
    return np.arange(lo + step / 2, hi, step)


TOYS = {
    "ring": (
        GaussianMixtureDistribution(8, layout="ring", radius=4.0, std=0.5),
        _axis(-7, 7),
        _axis(-7, 7),
    ),
    "grid": (
        GaussianMixtureDistribution(9, layout="grid", radius=3.0, std=0.3),
        _axis(-5, 5),
        _axis(-5, 5),
    ),
    # Cell edges of the integration grid fall on the board's square edges.
    "checkerboard": (Checkerboard(4, size=8.0), _axis(-6, 6), _axis(-6, 6)),
    "banana": (Banana(std_x1=2.0, std_x2=1.0, curvature=0.25), _axis(-12, 12), _axis(-8, 38)),
    # scale=1 keeps the neck wide enough for a uniform grid (std of x2 >= exp(-3.5)).
    "funnel": (Funnel(2, scale=1.0), _axis(-7, 7), _axis(-150, 150)),
}


def _grid(name):
    distribution, axis0, axis1 = TOYS[name]
    points = np.stack(np.meshgrid(axis0, axis1, indexing="ij"), axis=-1).reshape(-1, 2)
    cell = (axis0[1] - axis0[0]) * (axis1[1] - axis1[0])
    return distribution, points, cell


@pytest.mark.parametrize("name", TOYS)
def test_toy_log_prob_integrates_to_one(name):
    distribution, points, cell = _grid(name)
    mass = np.exp(distribution.log_prob(points)).sum() * cell
    assert mass == pytest.approx(1.0, abs=2e-3)


@pytest.mark.parametrize("name", TOYS)
def test_toy_samples_shape_reproducible_and_in_support(name):
    distribution = TOYS[name][0]
    first = distribution.sample(500, random_state=0)
    assert first.shape == (500, distribution.n_features) and first.dtype == np.float64
    np.testing.assert_array_equal(first, distribution.sample(500, random_state=0))
    from_generator = distribution.sample(500, random_state=np.random.default_rng(0))
    np.testing.assert_array_equal(
        from_generator, distribution.sample(500, random_state=np.random.default_rng(0))
    )
    assert not np.array_equal(first, distribution.sample(500, random_state=1))
    log_density = distribution.log_prob(first)
    assert log_density.shape == (500,) and np.all(np.isfinite(log_density))


@pytest.mark.parametrize("name", TOYS)
def test_toy_sampler_matches_density(name):
    """Monte-Carlo entropy from samples matches the entropy of the density.

    ``-mean(log_prob(samples))`` estimates the entropy of the *sampler*
    under the density; it equals the density's own entropy (closed form where
    known, grid quadrature always) only when both describe one distribution.
    """
    distribution, points, cell = _grid(name)
    log_density = distribution.log_prob(points)
    density = np.exp(log_density)
    grid_entropy = -np.sum(density * np.where(density > 0, log_density, 0.0)) * cell
    if distribution.entropy is not None:
        assert grid_entropy == pytest.approx(distribution.entropy, abs=5e-3)

    scores = distribution.log_prob(distribution.sample(20_000, random_state=0))
    standard_error = scores.std() / np.sqrt(len(scores))
    assert -scores.mean() == pytest.approx(grid_entropy, abs=4 * standard_error + 1e-3)


@pytest.mark.parametrize("name", ["ring", "grid", "checkerboard", "banana"])
def test_toy_sample_histogram_matches_density(name):
    """Chi-square test of sample counts in unit bins against the integrated density."""
    distribution, axis0, axis1 = TOYS[name]
    _, points, cell = _grid(name)
    per_bin = round(1.0 / _STEP)
    mass = (np.exp(distribution.log_prob(points)) * cell).reshape(len(axis0), len(axis1))
    mass = mass.reshape(len(axis0) // per_bin, per_bin, len(axis1) // per_bin, per_bin).sum(
        axis=(1, 3)
    )
    edges0 = np.arange(axis0[0] - _STEP / 2, axis0[-1] + _STEP, 1.0)
    edges1 = np.arange(axis1[0] - _STEP / 2, axis1[-1] + _STEP, 1.0)
    n_samples = 20_000
    counts, _, _ = np.histogram2d(
        *distribution.sample(n_samples, random_state=0).T, bins=[edges0, edges1]
    )
    expected = n_samples * mass
    kept = expected > 5  # bins with too few expected counts are pooled
    observed = np.append(counts[kept], counts[~kept].sum())
    expected = np.append(expected[kept], n_samples - expected[kept].sum())
    _, p_value = stats.chisquare(observed, expected)
    assert p_value > 1e-3


def test_log_prob_formulas_against_scipy():
    X = np.random.default_rng(0).normal(scale=3.0, size=(50, 2))
    mixture = GaussianMixtureDistribution(4, layout="ring", radius=2.0, std=0.7)
    expected = np.log(
        np.mean([stats.multivariate_normal(m, 0.49).pdf(X) for m in mixture.means_], axis=0)
    )
    np.testing.assert_allclose(mixture.log_prob(X), expected, rtol=1e-10)

    banana = Banana(std_x1=1.5, std_x2=0.5, curvature=0.8)
    expected = stats.norm(0, 1.5).logpdf(X[:, 0]) + stats.norm(
        0.8 * (X[:, 0] ** 2 - 2.25), 0.5
    ).logpdf(X[:, 1])
    np.testing.assert_allclose(banana.log_prob(X), expected, rtol=1e-10)

    X5 = np.random.default_rng(1).normal(size=(50, 5))
    expected = stats.norm(0, 3.0).logpdf(X5[:, 0]) + stats.norm(0, np.exp(X5[:, :1] / 2)).logpdf(
        X5[:, 1:]
    ).sum(axis=1)
    np.testing.assert_allclose(Funnel(5).log_prob(X5), expected, rtol=1e-10)


def test_grid_layout_centres():
    means = GaussianMixtureDistribution(9, layout="grid", radius=2.0).means_
    assert sorted(set(means[:, 0])) == [-2.0, 0.0, 2.0] and len({tuple(m) for m in means}) == 9


def test_checkerboard_support():
    board = Checkerboard(4, size=8.0)
    # 8 dark squares of side 2: uniform density 1/32.
    inside = np.array([[-3.0, -3.0], [-1.0, -1.0], [3.0, 3.0], [1.0, -3.0]])
    np.testing.assert_allclose(board.log_prob(inside), -np.log(32.0))
    light = np.array([[-1.0, -3.0], [-3.0, -1.0], [3.0, 1.0]])
    off_board = np.array([[-5.0, -3.0], [4.5, 0.0], [0.0, 100.0]])
    assert np.all(board.log_prob(light) == -np.inf)
    assert np.all(board.log_prob(off_board) == -np.inf)
    assert board.entropy == pytest.approx(np.log(32.0))


def test_funnel_high_dimensional_entropy():
    """In 10 dimensions (no grid possible) the Monte-Carlo entropy still matches."""
    funnel = Funnel(10, scale=3.0)
    scores = funnel.log_prob(funnel.sample(50_000, random_state=0))
    assert -scores.mean() == pytest.approx(
        funnel.entropy, abs=4 * scores.std() / np.sqrt(len(scores))
    )


def test_funnel_conditional_scales():
    """Given v, each other coordinate has standard deviation exp(v / 2) (checked on samples)."""
    funnel = Funnel(10, scale=3.0)
    X = funnel.sample(20_000, random_state=0)
    v = X[:, 0]
    assert v.std() == pytest.approx(3.0, rel=0.03)
    standardised_squares = (X[:, 1:] * np.exp(-v[:, None] / 2)) ** 2
    # Mean of chi-square(1) draws: 1 with standard error sqrt(2 / count).
    assert standardised_squares.mean() == pytest.approx(
        1.0, abs=5 * np.sqrt(2 / standardised_squares.size)
    )
    # The scale must not drift with v either (upper and lower halves of v).
    for half in (v < 0, v >= 0):
        assert standardised_squares[half].mean() == pytest.approx(1.0, abs=0.03)


def test_make_toy_and_errors():
    assert isinstance(make_toy("banana", curvature=1.0), Banana)
    assert make_toy("funnel", n_features=3).n_features == 3
    assert repr(make_toy("checkerboard", n_squares=2)) == "Checkerboard(n_squares=2, size=8.0)"
    with pytest.raises(ValueError, match="Unknown toy distribution 'moons'"):
        make_toy("moons")
    with pytest.raises(ValueError, match="perfect square"):
        GaussianMixtureDistribution(8, layout="grid")
    with pytest.raises(ValueError, match="layout"):
        GaussianMixtureDistribution(layout="spiral")
    with pytest.raises(ValueError, match="std"):
        Banana(std_x1=-1.0)
    with pytest.raises(ValueError, match="at least 2"):
        Funnel(1)
    with pytest.raises(ValueError, match="at least 1"):
        Banana().sample(0)
    with pytest.raises(ValueError, match="3 features"):
        Banana().log_prob(np.zeros((4, 3)))
