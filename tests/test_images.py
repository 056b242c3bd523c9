"""Image models (ConvVAE, PixelCNN, DCGAN, ImageDiffusion): truth tests on image spaces small
enough to enumerate."""

import itertools

import numpy as np
import pytest
import torch
from scipy.integrate import trapezoid  # numpy.trapezoid needs numpy 2
from scipy.special import logsumexp

from skgen import DCGAN, ClassConditional, ConvVAE, ImageDiffusion, PixelCNN
from skgen.augmentation import GenerativeResampler
from skgen.neural.modules.diffusion import cosine_alpha_bar
from skgen.neural.modules.image_diffusion import ImageDiffusionModule, UNet

torch.set_num_threads(1)

#: Every 2x2 binary image.
ALL_2X2 = np.array(list(itertools.product([0, 1], repeat=4)), dtype=np.uint8).reshape(16, 2, 2)


FAST = dict(max_epochs=15, batch_size=300, lr=0.05)  # full-batch steps: cheap
PIXELCNN = dict(channels=8, n_layers=2, **FAST)


@pytest.fixture(scope="module")
def binary_images():
    rng = np.random.default_rng(0)
    y = rng.integers(0, 2, size=300)
    # Class 0: a bright top row; class 1: a bright diagonal; pixels flip with p=0.1.
    prototypes = np.array([[[1, 1], [0, 0]], [[1, 0], [0, 1]]], dtype=np.uint8)
    flips = (rng.random((300, 2, 2)) < 0.1).astype(np.uint8)
    return prototypes[y] ^ flips, y


@pytest.fixture(scope="module")
def pixelcnn(binary_images):
    X, y = binary_images
    return PixelCNN(**PIXELCNN, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def conv_vae(binary_images):
    X, y = binary_images
    return ConvVAE(n_components=2, channels=(8,), **FAST, random_state=0).fit(X, y)


def test_pixelcnn_probabilities_of_all_images_sum_to_one(pixelcnn):
    for label in (0, 1):
        log_p = pixelcnn.score_samples(ALL_2X2, y=np.full(16, label))
        assert np.exp(logsumexp(log_p)) == pytest.approx(1.0, abs=1e-9)
    assert np.exp(logsumexp(pixelcnn.score_samples(ALL_2X2))) == pytest.approx(1.0, abs=1e-9)


def test_pixelcnn_samples_follow_its_probabilities(pixelcnn):
    """Ancestral samples of one class: image frequencies match exp(score_samples)."""
    samples = pixelcnn.sample(3000, y=1, random_state=0)
    codes = samples.reshape(len(samples), 4) @ np.array([8, 4, 2, 1])
    frequencies = np.bincount(codes, minlength=16) / len(samples)
    probabilities = np.exp(pixelcnn.score_samples(ALL_2X2, y=np.ones(16)))
    assert np.abs(frequencies - probabilities).max() < 0.03  # 3000 draws: sd <= 0.009
    assert probabilities[0b1001] > 0.5  # it learnt class 1's diagonal


def test_pixelcnn_classifies_by_bayes_rule(binary_images, pixelcnn):
    """ClassConditional takes rows: the images flattened, their shape in ``image_shape``."""
    X, y = binary_images
    rows = X.reshape(len(X), 4)
    model = ClassConditional(PixelCNN(image_shape=(2, 2), **PIXELCNN, random_state=0))
    model.fit(rows, y)
    assert len(model.estimators_) == 1  # one class-conditional model, not one per class
    assert model.estimators_[0].image_shape_ == (1, 2, 2)
    assert model.score(rows, y) > 0.85  # Bayes rate: the flips make ~10% ambiguous
    np.testing.assert_allclose(
        model.score_samples(rows[:5]), pixelcnn.score_samples(X[:5]), rtol=1e-10
    )
    assert pixelcnn.bits_per_dim(X) == pytest.approx(-pixelcnn.score(X) / (4 * np.log(2)))


def test_pixelcnn_continuous_density_integrates_to_one():
    """1x1 continuous images: the density (scaled back to pixel units) integrates to 1."""
    X = np.random.default_rng(0).normal(3.0, 2.0, size=(200, 1, 1))
    model = PixelCNN(channels=4, n_layers=1, **FAST, random_state=0).fit(X)
    assert model.n_levels_ is None
    grid = np.linspace(-40, 46, 40001)
    density = np.exp(model.score_samples(grid.reshape(-1, 1, 1)))
    assert trapezoid(density, grid) == pytest.approx(1.0, abs=2e-3)


def test_convvae_bound_is_below_the_log_probability(binary_images):
    """The ELBO sits below log p(x), estimated with many importance samples, whose
    probabilities over all 16 images sum to 1 (the discretised likelihood is normalised)."""
    X, _ = binary_images
    model = ConvVAE(n_components=2, channels=(8,), **FAST, random_state=0).fit(X)
    log_p = model.set_params(n_importance_samples=3000).score_samples(ALL_2X2)
    assert np.exp(logsumexp(log_p)) == pytest.approx(1.0, abs=0.01)
    # The ELBO (an expectation over q(z|x)) by plain Monte Carlo, 2000 draws per image.
    module, draws = model._inference_module_, 2000
    x = torch.as_tensor((ALL_2X2[:, None] - 0.5) / 0.5).repeat(draws, 1, 1, 1)
    eps = torch.randn(1, len(x), 2, generator=torch.Generator().manual_seed(0), dtype=x.dtype)
    with torch.no_grad():
        elbo = module.log_prob(x, eps).reshape(draws, 16).mean(0).numpy()
    assert (elbo < log_p).all()


def test_convvae_class_conditional_decoding(binary_images, conv_vae):
    X, y = binary_images
    model = conv_vae
    samples = model.sample(500, y=0, random_state=0)
    assert samples[:, 0].mean() > 0.7 and samples[:, 1].mean() < 0.3  # class 0: top row bright
    Z = model.transform(X[:4])
    assert model.inverse_transform(Z, y=y[:4]).shape == (4, 2, 2)
    with pytest.raises(ValueError, match="needs y"):
        model.inverse_transform(Z)


def test_generative_resampler_balances_classes_with_generated_images(binary_images):
    X, y = binary_images
    rows, labels = X.reshape(len(X), 4)[: 150 + 30], np.r_[np.zeros(150), np.ones(30)]
    generator = ConvVAE(n_components=2, channels=(4,), image_shape=(2, 2), **FAST)
    X_new, y_new = GenerativeResampler(generator, random_state=0).fit_resample(rows, labels)
    assert np.bincount(y_new.astype(int)).tolist() == [150, 150]
    assert set(np.unique(X_new[len(rows) :])) <= {0, 1}  # whole pixel values, as in fit


# ---------------------------------------------------------------- DCGAN
DCGAN_FAST = dict(n_components=2, channels=(8,), n_critic=2, batch_size=300, lr=0.01,
                  encoder_max_epochs=2, n_importance_samples=20)  # fmt: skip
DIFFUSION_FAST = dict(channels=(8,), embedding_dim=8, n_steps=20, n_sampling_steps=20,
                      n_score_steps=20, ema_decay=0.0, **FAST)  # fmt: skip


@pytest.fixture(scope="module")
def dcgan(binary_images):
    X, y = binary_images
    return DCGAN(max_epochs=40, **DCGAN_FAST, random_state=0).fit(X, y)


@pytest.fixture(scope="module")
def image_diffusion(binary_images):
    X, y = binary_images
    return ImageDiffusion(**DIFFUSION_FAST, random_state=0).fit(X, y)


@pytest.mark.parametrize("name", [pytest.param("dcgan", marks=pytest.mark.slow), "image_diffusion"])
def test_class_conditional_samples_follow_their_class(name, request):
    """Class 0 has a bright top row, class 1 a bright diagonal: pixel (0, 1) tells them apart."""
    model = request.getfixturevalue(name)
    top_row, diagonal = (
        model.sample(500, y=0, random_state=0),
        model.sample(500, y=1, random_state=0),
    )
    assert top_row.shape == (500, 2, 2) and top_row.dtype == np.uint8
    assert top_row[:, 0, 1].mean() > 0.6 > diagonal[:, 0, 1].mean()
    assert diagonal[:, 1, 1].mean() > 0.6 > top_row[:, 1, 1].mean()


@pytest.mark.slow  # 40 epochs of a GAN
def test_dcgan_estimate_is_of_a_normalised_distribution(dcgan):
    """The discretised observation model sums to 1 over the 16 images, so do the estimates
    (unbiased for p(x | y) with many importance samples)."""
    model = dcgan.set_params(n_importance_samples=2000)
    try:
        for label in (0, 1):
            total = np.exp(model.score_samples(ALL_2X2, y=np.full(16, label))).sum()
            assert total == pytest.approx(1.0, abs=0.05)
    finally:
        model.set_params(n_importance_samples=DCGAN_FAST["n_importance_samples"])


@pytest.mark.slow  # 40 epochs of a GAN
def test_dcgan_latent_round_trip(binary_images, dcgan):
    X, _ = binary_images
    Z = dcgan.transform(X[:6])
    assert Z.shape == (6, 2)
    decoded = dcgan.inverse_transform(Z)
    assert decoded.shape == (6, 2, 2) and set(np.unique(decoded)) <= {0, 1}
    assert dcgan.critic_score(X[:6]).shape == (6,)


# ------------------------------------------------------- ImageDiffusion
def test_image_diffusion_bound_is_below_a_normalised_distribution(image_diffusion):
    """A lower bound on probabilities that sum to 1: the bounds' exponentials sum to at most 1;
    each class's bound is highest at its prototype."""
    for label, prototype in ((0, 0b1100), (1, 0b1001)):
        bounds = image_diffusion.score_samples(ALL_2X2, y=np.full(16, label))
        assert np.exp(bounds).sum() <= 1.0
        assert np.argmax(bounds) == prototype


@pytest.mark.parametrize("n_levels", [2, 5])
def test_image_diffusion_last_step_is_normalised_over_the_levels(n_levels):
    """The discretised p(x_0 | x_1) of every pixel sums to 1 over its levels."""
    module = ImageDiffusionModule(n_levels, UNet((1, 1, 1), (4,), 4), cosine_alpha_bar(10)).double()
    levels = torch.linspace(-1, 1, n_levels, dtype=torch.float64).reshape(-1, 1, 1, 1)
    generator = torch.Generator().manual_seed(0)
    for _ in range(3):
        x_t = torch.randn(1, 1, 1, 1, generator=generator, dtype=torch.float64).expand_as(levels)
        eps = torch.randn(1, 1, 1, 1, generator=generator, dtype=torch.float64).expand_as(levels)
        log_p = module._last_step_log_prob(levels, x_t, eps, 1)
        assert torch.logsumexp(log_p.flatten(), 0).exp().item() == pytest.approx(1.0, abs=1e-9)


@pytest.mark.parametrize("model", [DCGAN(**DCGAN_FAST, max_epochs=2),
                                   ImageDiffusion(**{**DIFFUSION_FAST, "max_epochs": 2})])  # fmt: skip
def test_class_conditional_wrappers_use_one_model(binary_images, model):
    X, y = binary_images
    rows = X.reshape(len(X), 4)
    wrapped = ClassConditional(model.set_params(image_shape=(2, 2), random_state=0)).fit(rows, y)
    assert len(wrapped.estimators_) == 1
    X_new, y_new = wrapped.sample(5, random_state=0)
    assert X_new.shape == (5, 4) and y_new.shape == (5,)
