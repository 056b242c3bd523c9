"""Flow building blocks: each is invertible and its log-Jacobian is the exact one."""

import numpy as np
import pytest
import torch
from scipy.integrate import trapezoid
from scipy.stats import multivariate_normal
from sklearn.datasets import load_digits
from torch.autograd.functional import jacobian

from skgen import MADE, MAF, Glow, RealNVP
from skgen.datasets import make_toy
from skgen.neural.modules.flows import (
    ActNorm,
    AffineCoupling,
    BatchNormBijection,
    ClassActNorm,
    Compose,
    ConvConditioner,
    LULinear,
    MADENetwork,
    MaskedAutoregressiveAffine,
    MaskedAutoregressiveSpline,
    MLPConditioner,
    MultiScale,
    Permutation,
    SplineCoupling,
    Squeeze,
    channel_mask,
    checkerboard_mask,
    rational_quadratic_spline,
    spline_parameter_count,
)

from conftest import make_mixed_frame, make_small_mixed, total_probability

torch.set_num_threads(1)


def _randomise(module, seed=0):
    """Non-trivial parameters (zero-initialised last layers would make a block the identity)."""
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in module.parameters():
            parameter.copy_(0.3 * torch.randn(parameter.shape, generator=generator))
    return module.double().eval()


def _rows(n=3, d=4):
    return torch.randn(n, d, generator=torch.Generator().manual_seed(1), dtype=torch.float64)


def _images(n=2, shape=(2, 4, 4)):
    return torch.randn(
        (n,) + shape, generator=torch.Generator().manual_seed(2), dtype=torch.float64
    )


def _context(n, k=3):
    return torch.nn.functional.one_hot(torch.arange(n) % k, k).double()


def _blocks():
    rows, image = (4,), (2, 4, 4)
    return {
        "coupling-mlp": (AffineCoupling(channel_mask(rows), MLPConditioner(4, (8,))), rows, 0),
        "coupling-mlp-context": (
            AffineCoupling(channel_mask(rows, 1), MLPConditioner(4, (8,), 3)),
            rows,
            3,
        ),
        "coupling-conv-checkerboard": (
            AffineCoupling(checkerboard_mask(image), ConvConditioner(2, 4)),
            image,
            0,
        ),
        "coupling-conv-channels-context": (
            AffineCoupling(channel_mask(image), ConvConditioner(2, 4, 3)),
            image,
            3,
        ),
        "spline-coupling-context": (
            SplineCoupling(channel_mask(rows, 1), MLPConditioner(4, (8,), 3, 3 * 5 - 1)),
            rows,
            3,
        ),
        "maf": (MaskedAutoregressiveAffine(4, (16, 16)), rows, 0),
        "maf-spline": (MaskedAutoregressiveSpline(4, (16, 16), n_bins=5), rows, 0),
        "maf-context": (MaskedAutoregressiveAffine(4, (16,), 3), rows, 3),
        "actnorm-rows": (ActNorm(4), rows, 0),
        "class-actnorm": (ClassActNorm(4, 3), rows, 3),
        "actnorm-images": (ActNorm(2), image, 0),
        "lu-linear": (LULinear(4), rows, 0),
        "invertible-1x1-conv": (LULinear(2), image, 0),
        "batchnorm": (BatchNormBijection(4), rows, 0),
        "permutation": (Permutation([2, 0, 3, 1]), rows, 0),
        "squeeze": (Squeeze(), image, 0),
        "multiscale": (
            MultiScale(
                Compose(
                    Squeeze(),
                    ActNorm(8),
                    AffineCoupling(channel_mask((8, 2, 2)), ConvConditioner(8, 4)),
                ),
                4,
                MultiScale(Compose(Squeeze(), LULinear(16)), 8, ActNorm(8), (16, 1, 1)),
                (8, 2, 2),
            ),
            image,
            0,
        ),
    }


BLOCKS = _blocks()


@pytest.mark.parametrize("name", BLOCKS)
def test_block_is_invertible_with_exact_log_jacobian(name):
    torch.manual_seed(0)  # LULinear starts from a random rotation
    block, shape, n_context = _blocks()[name]
    block = _randomise(block)
    x = _images(3, shape) if len(shape) == 3 else _rows(3, shape[0])
    context = _context(3, n_context) if n_context else None
    y, log_det = block(x, context)
    assert y.shape[0] == 3 and y[0].numel() == x[0].numel() and log_det.shape == (3,)
    torch.testing.assert_close(block.inverse(y, context), x)
    for row in range(3):
        ctx = None if context is None else context[row : row + 1]
        full = jacobian(
            lambda v, ctx=ctx: block(v.reshape((1,) + shape), ctx)[0].flatten(), x[row].flatten()
        )
        sign, expected = torch.linalg.slogdet(full)
        assert sign != 0
        torch.testing.assert_close(log_det[row], expected)


def test_spline_is_monotone_and_the_identity_outside_its_interval():
    params = torch.randn(9, spline_parameter_count(6), generator=torch.Generator().manual_seed(3))
    x = torch.tensor([-9.0, -3.0, -3.0 + 1e-9, -1.0, 0.0, 0.5, 2.9, 3.0, 7.0], dtype=torch.float64)
    y, log_slope = rational_quadratic_spline(x, params.double(), bound=3.0)
    torch.testing.assert_close(y[[0, 1, 7, 8]], x[[0, 1, 7, 8]])  # identity tails
    torch.testing.assert_close(y[2], x[2])  # continuous at the bound, with unit slope
    assert log_slope[[0, 8]].abs().max() == 0
    grid = torch.linspace(-4, 4, 801, dtype=torch.float64)
    values, _ = rational_quadratic_spline(grid, params[:1].double().expand(801, -1), bound=3.0)
    assert (values.diff() > 0).all()


def test_made_network_is_autoregressive():
    """Output of degree d changes only with inputs of degree < d (with and without context)."""
    degrees = [1, 1, 2, 3]  # a one-hot pair, then two scalar variables
    outputs = [1, 2, 2, 3, 3]
    for n_context in (0, 2):
        network = _randomise(MADENetwork(degrees, (12, 12), outputs, n_context))
        context = _context(1, n_context) if n_context else None
        full = jacobian(lambda v, net=network, c=context: net(v[None], c)[0], _rows(1, 4)[0])
        depends = full.abs() > 0
        allowed = torch.tensor(outputs)[:, None] > torch.tensor(degrees)[None, :]
        assert not (depends & ~allowed).any()
        assert depends[allowed].any()


def test_made_network_computes_one_variable_from_the_lower_degrees_only():
    """What one step of sampling computes equals the full pass's outputs of that variable."""
    degrees, outputs = [1, 1, 2, 3], [1, 2, 2, 3, 3, 4, 4]
    for n_context in (0, 2):
        network = _randomise(MADENetwork(degrees, (12, 10), outputs, n_context))
        x, context = _rows(5, 4), (_context(5, n_context) if n_context else None)
        full = network(x, context)
        for degree in range(1, 5):
            units = [k for k, d in enumerate(outputs) if d == degree]
            torch.testing.assert_close(network(x, context, units, degree=degree), full[:, units])


def test_context_changes_the_map():
    block = _randomise(MaskedAutoregressiveAffine(3, (8,), 2))
    x = _rows(2, 3)
    first, _ = block(x, _context(2, 2))
    second, _ = block(x, _context(2, 2).flip(1))
    assert not torch.allclose(first, second)


def test_actnorm_initialises_on_first_training_batch():
    block = ActNorm(3).double()
    x = 5.0 + 2.0 * _rows(50, 3)
    y, _ = block(x)
    np.testing.assert_allclose(y.mean(0).detach().numpy(), 0.0, atol=1e-9)
    np.testing.assert_allclose(y.std(0, unbiased=False).detach().numpy(), 1.0, atol=1e-6)
    assert bool(block.initialized)


# ------------------------------------------------------------------ estimators
_TINY = {"max_epochs": 8, "batch_size": 64, "lr": 3e-3, "random_state": 0}
ESTIMATORS = {
    "RealNVP": lambda: RealNVP(n_transforms=3, hidden_layer_sizes=(16,), **_TINY),
    "MAF": lambda: MAF(n_transforms=2, hidden_layer_sizes=(16,), **_TINY),
    "Glow": lambda: Glow(n_transforms=2, hidden_layer_sizes=(16,), **_TINY),
    "MADE": lambda: MADE(hidden_layer_sizes=(16,), n_mixture_components=3, **_TINY),
    "MAF-spline": lambda: MAF(
        n_transforms=2, elementwise="spline", n_bins=4, hidden_layer_sizes=(16,), **_TINY
    ),
    # Scores use the running batch statistics: the density must still be normalised.
    "MAF-batchnorm": lambda: MAF(
        n_transforms=3, hidden_layer_sizes=(16,), batch_norm=True, **_TINY
    ),
}


@pytest.mark.parametrize("name", ESTIMATORS)
def test_density_integrates_to_one_on_a_grid(name):
    X = make_toy("banana").sample(300, random_state=0)
    model = ESTIMATORS[name]().fit(X)
    low, high = X.min(0) - 4 * X.std(0), X.max(0) + 4 * X.std(0)
    axes = [np.linspace(low[j], high[j], 161) for j in range(2)]
    grid = np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, 2)
    density = np.exp(model.score_samples(grid)).reshape(161, 161)
    total = trapezoid(trapezoid(density, axes[1], axis=1), axes[0])
    assert total == pytest.approx(1.0, abs=0.02)


def test_made_is_normalised_over_a_mixed_table():
    """Exact categorical outputs: sum over categories and missingness of the integral is 1."""
    frame = make_small_mixed()
    model = ESTIMATORS["MADE"]().fit(frame)
    assert total_probability(model, frame, n_grid=4001) == pytest.approx(1.0, abs=0.01)


def test_maf_recovers_a_gaussian_log_density():
    rng = np.random.default_rng(0)
    cov = np.array([[2.0, 1.2], [1.2, 1.0]])
    truth = multivariate_normal([1.0, -2.0], cov)
    X, X_test = rng.multivariate_normal([1.0, -2.0], cov, size=(2, 1000))
    model = MAF(n_transforms=1, hidden_layer_sizes=(8,), max_epochs=60, batch_size=100, lr=1e-2)
    model.set_params(random_state=0).fit(X)
    gap = model.score_samples(X_test) - truth.logpdf(X_test)
    assert abs(gap.mean()) < 0.02  # test log-likelihood within 0.02 nats of the truth
    assert np.abs(gap).mean() < 0.08  # row by row too


@pytest.mark.parametrize("name", ["RealNVP", "MAF", "Glow"])
def test_transform_round_trip_on_a_mixed_table(name):
    """The dequantised codes and filled missing values map back to the same row."""
    frame = make_mixed_frame(120)
    model = ESTIMATORS[name]().set_params(max_epochs=2).fit(frame)
    Z = model.transform(frame)
    assert Z.shape == (len(frame), model.n_flow_features_)
    back = model.inverse_transform(Z)
    for column in ("group", "label", "flag"):
        assert back[column].equals(frame[column])
    np.testing.assert_allclose(back["value"], frame["value"], atol=1e-6)  # NaN where missing


@pytest.mark.parametrize("name", ["RealNVP", "Glow"])
def test_image_flows_are_multiscale_and_invertible(name):
    images = load_digits().images[:60]
    model = ESTIMATORS[name]().set_params(max_epochs=1, hidden_channels=4).fit(images)
    assert model.image_shape_ == (1, 8, 8)
    assert any(type(m).__name__ == "MultiScale" for m in model.net_.module_.modules())
    Z = model.transform(images[:5])
    assert Z.shape == (5, 64)
    # Dequantised pixels come back to their levels.
    np.testing.assert_array_equal(model.inverse_transform(Z), images[:5])
    assert model.sample(3, random_state=0).shape == (3, 8, 8)


def test_maf_class_context():
    rng = np.random.default_rng(0)
    y = rng.choice(["a", "b"], size=400)
    X = rng.normal(size=(400, 2)) + np.where(y == "a", 0.0, 5.0)[:, None]
    model = MAF(n_transforms=2, hidden_layer_sizes=(16,), max_epochs=15, lr=1e-2, random_state=0)
    model.fit(X, y)
    for label, centre in (("a", 0.0), ("b", 5.0)):
        np.testing.assert_allclose(
            model.sample(300, y=label, random_state=1).mean(0), centre, atol=0.5
        )
    # The label is informative: each row scores higher under its own class.
    own = model.score_samples(X, y=y)
    other = model.score_samples(X, y=np.where(y == "a", "b", "a"))
    assert np.mean(own > other) > 0.95


@pytest.mark.slow
@pytest.mark.parametrize("name", ["RealNVP", "Glow"])
def test_image_flow_beats_its_flattened_version_on_digits(name):
    """Multi-scale convolutional flows use the images' structure: fewer bits per dimension
    on held-out digits than the same model on the flattened (equally dequantised) pixels."""
    from skgen.utils import seed_from
    from skgen.utils._noise import row_keyed_uniform

    images = load_digits().images
    order = np.random.default_rng(0).permutation(len(images))
    train, test = images[order[:1500]], images[order[1500:]]
    training = {
        "max_epochs": 40, "batch_size": 64, "lr": 1e-3, "random_state": 0,
        "early_stopping": True, "validation_fraction": 0.2, "n_iter_no_change": 5,
    }  # fmt: skip
    Model = {"RealNVP": RealNVP, "Glow": Glow}[name]
    image_model = Model(n_transforms=3, hidden_channels=32, **training).fit(train)

    def dequantised_rows(x):  # the noise the image codec adds for random_state=0
        rows = x.reshape(len(x), 64)
        return rows + row_keyed_uniform(rows, 64, seed_from(0)).T

    flat_model = Model(n_transforms=6, hidden_layer_sizes=(256, 256), **training)
    flat_model.fit(dequantised_rows(train))

    def bits(scores):
        return -np.mean(scores) / (64 * np.log(2))

    image_bits = bits(image_model.score_samples(test))
    flat_bits = bits(flat_model.score_samples(dequantised_rows(test)))
    assert image_bits < flat_bits, (image_bits, flat_bits)
