"""Tests of the deep generators (skgen.neural): training through skorch, seeding, pickling, data paths."""

import pickle
import warnings

import numpy as np
import pandas as pd
import pytest
import torch
from scipy.integrate import trapezoid  # numpy.trapezoid needs numpy 2
from skorch.callbacks import Callback
from torch.nn import functional as F

from skgen import VAE, Autoencoder
from skgen.neural import GenerativeNet, TabularHead
from skgen.neural.modules.noise import gumbel
from skgen.preprocessing import Span

torch.set_num_threads(1)

FAST = dict(hidden_layer_sizes=(16,), max_epochs=3, batch_size=64, random_state=0)
# Enough gradient steps on 300 rows for the models to learn the data.
LEARN = dict(hidden_layer_sizes=(32, 32), batch_size=32, lr=0.005, random_state=0)
MODELS = [VAE, Autoencoder]


@pytest.fixture(scope="module")
def X():
    rng = np.random.default_rng(0)
    z = rng.normal(size=(300, 2))
    return np.column_stack([z[:, 0], z[:, 0] + 0.3 * z[:, 1], 2.0 * z[:, 1] + 5.0])


@pytest.fixture(scope="module")
def frame():
    """A small penguins-like table: floats with NaN, an integer, categories, a boolean."""
    rng = np.random.default_rng(1)
    n = 240
    species = rng.choice(["Adelie", "Gentoo", "Chinstrap"], size=n, p=[0.45, 0.35, 0.2])
    mass = np.where(species == "Gentoo", 5000.0, 3700.0) + rng.normal(0, 300, n)
    flipper = 0.02 * mass + rng.normal(100, 4, n)
    flipper[rng.random(n) < 0.05] = np.nan
    return pd.DataFrame(
        {
            "species": pd.Categorical(species),
            "island": rng.choice(["Biscoe", "Dream", "Torgersen"], size=n),
            "body_mass_g": mass,
            "flipper_length_mm": flipper,
            "year": rng.integers(2007, 2010, n),
            "male": rng.random(n) < 0.5,
        }
    )


# ------------------------------------------------------------- training
def test_history_records_each_loss_term(X):
    vae = VAE(n_components=2, **FAST).fit(X)
    last = vae.net_.history[-1]
    assert len(vae.net_.history) == 3 == vae.n_iter_
    assert last["train_loss"] == pytest.approx(last["train_recon"] + last["train_kl"], rel=1e-5)
    assert "train_recon" in Autoencoder(n_components=2, **FAST).fit(X).net_.history[-1]


def test_training_reduces_the_loss(X):
    vae = VAE(n_components=2, **{**FAST, "max_epochs": 15}).fit(X)
    losses = vae.net_.history[:, "train_loss"]
    assert losses[-1] < losses[0]


def test_early_stopping_monitors_validation_loss(X):
    vae = VAE(
        n_components=2, **{**FAST, "max_epochs": 500}, early_stopping=True, n_iter_no_change=2
    )
    vae.fit(X)
    history = vae.net_.history
    assert "valid_loss" in history[-1] and "valid_kl" in history[-1]
    assert len(history) < 500
    assert sum(history[-1, "batches", :, "train_batch_size"]) == 270  # 10 % held out


def test_early_stopping_restores_the_best_parameters(X):
    """The returned model is the one of the best validation epoch, not the last one."""
    ae = Autoencoder(
        n_components=2,
        **{**FAST, "max_epochs": 500},
        early_stopping=True,
        n_iter_no_change=2,
        lr=0.05,
    ).fit(X)
    valid_losses = ae.net_.history[:, "valid_loss"]
    assert len(valid_losses) < 500 and valid_losses[-1] > min(valid_losses)
    _, valid = ae.net_.get_split_datasets(ae._model_input(X, np.float32))
    rows = torch.as_tensor(ae._model_input(X[valid.indices], np.float32))
    with torch.no_grad():
        final = ae.net_.module_.reconstruction_error(rows).mean().item()
    assert final == pytest.approx(min(valid_losses), rel=1e-5)


class _EpochCounter(Callback):
    def __init__(self, epochs=0):
        self.epochs = epochs

    def on_epoch_end(self, net, **kwargs):
        self.epochs += 1


def test_callbacks_are_passed_through_as_copies(X):
    counter = _EpochCounter()
    vae = VAE(n_components=2, **FAST, callbacks=[("count", counter)]).fit(X)
    assert dict(vae.net_.callbacks_)["count"].epochs == 3
    assert counter.epochs == 0  # the hyper-parameter itself is never modified


def test_verbose_prints_epoch_table(X, capsys):
    VAE(n_components=2, **FAST, verbose=1).fit(X)
    out = capsys.readouterr().out
    assert "train_recon" in out and "train_loss" in out


def test_default_device_is_resolved_in_fit(X):
    vae = VAE(n_components=2, **FAST).fit(X)
    assert vae.device == "auto"
    assert vae.net_.device == ("cuda" if torch.cuda.is_available() else "cpu")


def test_unknown_device_is_a_value_error(X):
    with pytest.raises(ValueError, match="'gpu' is not a torch device"):
        VAE(n_components=2, **FAST, device="gpu").fit(X)


@pytest.mark.skipif(torch.cuda.is_available(), reason="needs a machine without CUDA")
def test_unavailable_cuda_is_a_clear_error(X):
    with pytest.raises(ValueError, match="CUDA is not available"):
        VAE(n_components=2, **FAST, device="cuda").fit(X)


def test_concurrent_fits_in_threads_match_serial_fits(X):
    from concurrent.futures import ThreadPoolExecutor

    serial = VAE(n_components=2, **FAST).fit(X).transform(X)
    with ThreadPoolExecutor(3) as pool:
        codes = list(pool.map(lambda _: VAE(n_components=2, **FAST).fit(X).transform(X), range(3)))
    for code in codes:
        np.testing.assert_array_equal(code, serial)


def test_warm_start_and_partial_fit_continue_training(X):
    vae = VAE(n_components=2, **FAST, warm_start=True).fit(X)
    weights = vae.net_.module_.head.linear.weight.detach().clone()
    vae.fit(X)
    assert vae.n_iter_ == 6 and len(vae.net_.history) == 6
    assert not torch.equal(weights, vae.net_.module_.head.linear.weight)
    vae.set_params(lr=1e-4, batch_size=100).partial_fit(X)  # fine-tuning settings apply
    assert vae.n_iter_ == 7
    assert vae.net_.optimizer_.param_groups[0]["lr"] == 1e-4
    assert vae.net_.history[-1, "batches", 0, "train_batch_size"] == 100
    fresh = Autoencoder(n_components=2, **FAST).partial_fit(X)
    assert fresh.n_iter_ == 1
    fresh.partial_fit(X)
    assert fresh.n_iter_ == 2
    with pytest.raises(ValueError, match="features"):
        fresh.partial_fit(X[:, :2])


def test_optimizer_by_name_or_class(X):
    by_name = VAE(n_components=2, **FAST, optimizer="sgd").fit(X)
    by_class = VAE(n_components=2, **FAST, optimizer=torch.optim.SGD).fit(X)
    assert isinstance(by_name.net_.optimizer_, torch.optim.SGD)
    np.testing.assert_array_equal(by_name.transform(X), by_class.transform(X))


def test_without_warm_start_fit_starts_again(X):
    vae = VAE(n_components=2, **FAST).fit(X)
    vae.fit(X)
    assert vae.n_iter_ == 3


def test_diverging_training_stops_with_a_clear_error(X):
    with pytest.raises(FloatingPointError, match="diverged.*lr"):
        VAE(n_components=2, **FAST, optimizer="sgd", lr=1e12).fit(X * 1e6)


@pytest.mark.parametrize("warm_start", [False, True])
def test_failed_training_leaves_no_fitted_model(X, warm_start):
    """A refit or continuation that diverges must not leave a model that samples garbage."""
    from sklearn.exceptions import NotFittedError

    vae = VAE(n_components=2, **FAST, warm_start=warm_start).fit(X)
    vae.set_params(optimizer="sgd", lr=1e12)
    with pytest.raises(FloatingPointError, match="diverged"):
        vae.fit(X)
    with pytest.raises(NotFittedError):
        vae.sample(3)
    vae.set_params(optimizer="adam", lr=1e-3, warm_start=False).fit(X)  # a refit recovers
    assert np.isfinite(vae.sample(3)).all()


def test_refit_failing_before_training_leaves_no_fitted_model(X):
    from sklearn.exceptions import NotFittedError

    class Broken(Callback):
        def on_train_begin(self, net, **kwargs):
            raise RuntimeError("broken callback")

    vae = VAE(n_components=2, **FAST).fit(X)
    with pytest.raises(RuntimeError, match="broken callback"):
        vae.set_params(callbacks=[Broken()]).fit(10.0 * X)  # new scaling, no trained net
    with pytest.raises(NotFittedError):
        vae.score_samples(X)


def test_generative_net_accepts_a_plain_tensor_loss():
    class Mean(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.mean = torch.nn.Parameter(torch.zeros(1))

        def loss(self, x):
            return ((x - self.mean) ** 2).mean()

    X = np.full((64, 1), 2.0, dtype=np.float32)
    net = GenerativeNet(Mean, max_epochs=100, lr=0.1, verbose=0).fit(X)
    assert net.module_.mean.item() == pytest.approx(2.0, abs=1e-3)


def test_batch_iterator_rejects_options_it_would_ignore():
    X = np.zeros((8, 1), dtype=np.float32)
    net = GenerativeNet(torch.nn.Module, max_epochs=1, iterator_train__num_workers=2)
    with pytest.raises(TypeError, match="num_workers"):
        net.get_iterator(net.get_dataset(X), training=True)


# --------------------------------------------------------------- seeding
@pytest.mark.parametrize("Model", MODELS)
def test_global_random_state_is_untouched(Model, X):
    torch.manual_seed(123)
    np.random.seed(123)
    torch_state, numpy_state = torch.get_rng_state(), np.random.get_state()[1].copy()
    model = Model(n_components=2, **FAST).fit(X)
    model.partial_fit(X)
    model.sample(10)
    model.score_samples(X)
    model.transform(X)
    assert torch.equal(torch.get_rng_state(), torch_state)
    assert np.array_equal(np.random.get_state()[1], numpy_state)


@pytest.mark.parametrize("Model", MODELS)
def test_random_state_makes_fit_and_sample_reproducible(Model, X):
    a = Model(n_components=2, **FAST).fit(X)
    b = Model(n_components=2, **FAST).fit(X)
    np.testing.assert_array_equal(a.sample(20, random_state=3), b.sample(20, random_state=3))
    np.testing.assert_array_equal(a.score_samples(X), b.score_samples(X))
    np.testing.assert_array_equal(a.sample(5), b.sample(5))  # the model's own sampling stream
    assert not np.array_equal(a.sample(5), a.sample(5))  # ... which advances
    c = Model(n_components=2, **{**FAST, "random_state": 1}).fit(X)
    assert not np.array_equal(a.transform(X), c.transform(X))


def test_scores_do_not_depend_on_other_rows(X):
    vae = VAE(n_components=2, **FAST).fit(X)
    full = vae.score_samples(X)
    np.testing.assert_allclose(vae.score_samples(X[::-1])[::-1], full, rtol=0, atol=1e-9)
    np.testing.assert_allclose(vae.score_samples(X[:7]), full[:7], rtol=0, atol=1e-9)


def test_inference_chunks_shrink_with_importance_samples(X, monkeypatch):
    """Chunks hold a bounded number of row x sample evaluations; results do not change."""
    import skgen.neural._base as neural_base

    vae = VAE(n_components=2, **FAST).fit(X)
    full, codes = vae.score_samples(X), vae.transform(X)
    sizes = []
    monkeypatch.setattr(neural_base, "_INFERENCE_CHUNK", 25)
    module_scores = vae._module_scores
    monkeypatch.setattr(
        vae, "_module_scores", lambda m, x: sizes.append(len(x)) or module_scores(m, x)
    )
    np.testing.assert_allclose(vae.score_samples(X), full, rtol=0, atol=1e-9)
    assert max(sizes) == 2  # 25 evaluations // 10 importance samples
    np.testing.assert_allclose(vae.transform(X), codes, rtol=0, atol=1e-12)


# ------------------------------------------------------------ VAE maths
@pytest.mark.slow
def test_importance_weighted_bound_tightens_with_more_samples_long(X):
    vae = VAE(n_components=2, **LEARN, max_epochs=60).fit(X)
    bounds = [vae.set_params(n_importance_samples=k).score(X) for k in (1, 5, 50, 500)]
    assert np.all(np.diff(bounds) >= 0), bounds


def test_importance_weighted_bound_tightens_with_more_samples(X):
    """The mean bound over many rows grows with k (each row has its own draws)."""
    vae = VAE(n_components=2, **LEARN, max_epochs=20).fit(X)
    rng = np.random.default_rng(5)
    z = rng.normal(size=(2000, 2))
    fresh = np.column_stack([z[:, 0], z[:, 0] + 0.3 * z[:, 1], 2.0 * z[:, 1] + 5.0])
    bounds = [vae.set_params(n_importance_samples=k).score(fresh) for k in (1, 10, 200)]
    assert np.all(np.diff(bounds) > 0), bounds


def test_scores_are_densities_in_the_original_space(X):
    """Scaling the data by c shifts every log-density by -n_features * log(c).

    c = 4 keeps the standardised data bitwise equal, so the models are identical.
    """
    a = VAE(n_components=2, **FAST).fit(X)
    b = VAE(n_components=2, **FAST).fit(4.0 * X)
    np.testing.assert_allclose(
        b.score_samples(4.0 * X), a.score_samples(X) - 3 * np.log(4.0), atol=1e-9
    )


@pytest.mark.parametrize("continuous", ["standard", "quantile", "mode"])
def test_vae_scores_integrate_to_at_most_one_and_match_samples_on_a_table(continuous):
    """Sum over categories and missingness, integral over values: a (sub-)probability.

    The integral of exp(score) is unbiased for the model's total mass whatever
    the number of importance samples (the IWAE weight is unbiased for p(x)), so
    it checks the constants, the encoder's Jacobian and the measure of a missing
    value (a probability, not a density at the placeholder value). "standard" is
    exact; the other encodings lose a little mass (values outside the training
    range, the most-likely-mode assignment) but never create any.
    """
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(-2.0, 0.5, 100), rng.normal(1.0, 1.0, 100)])
    values[rng.random(200) < 0.2] = np.nan
    frame = pd.DataFrame({"v": values, "c": pd.Categorical(rng.choice(["a", "b"], 200))})
    vae = VAE(
        n_components=1,
        hidden_layer_sizes=(16,),
        max_epochs=20,
        batch_size=32,
        lr=0.01,
        continuous=continuous,
        random_state=0,
    ).fit(frame)
    grid = np.linspace(-8.0, 8.0, 2001)
    points = pd.DataFrame(
        {
            "v": np.tile(np.r_[grid, np.nan], 2),
            "c": pd.Categorical(np.repeat(["a", "b"], grid.size + 1)),
        }
    )
    density = np.exp(vae.score_samples(points)).reshape(2, -1)
    p_missing = density[:, -1].sum()
    mass_by_category = trapezoid(density[:, :-1], grid) + density[:, -1]
    mass = mass_by_category.sum()
    assert 0.12 < p_missing < 0.3  # 20 % of the training values are missing
    assert mass < 1.02
    assert mass > (0.98 if continuous == "standard" else 0.85)
    # sample() draws from the distribution that score_samples describes.
    sample = vae.sample(20_000, random_state=0)
    observed = density[:, :-1].sum(0)
    assert (sample["c"] == "a").mean() == pytest.approx(mass_by_category[0] / mass, abs=0.02)
    assert sample["v"].isna().mean() == pytest.approx(p_missing / mass, abs=0.03)
    expected_mean = trapezoid(observed * grid, grid) / trapezoid(observed, grid)
    assert sample["v"].mean() == pytest.approx(expected_mean, abs=0.1)


def test_vae_scores_integrate_to_one_on_an_array_and_match_samples():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-2.0, 0.5, 100), rng.normal(1.0, 1.0, 100)])[:, None]
    vae = VAE(
        n_components=1,
        hidden_layer_sizes=(16,),
        max_epochs=20,
        batch_size=32,
        lr=0.01,
        random_state=0,
    ).fit(3.0 * x + 10.0)
    grid = np.linspace(-14.0, 34.0, 2001)
    density = np.exp(vae.score_samples(grid[:, None]))
    assert trapezoid(density, grid) == pytest.approx(1.0, abs=0.02)
    sample = vae.sample(20_000, random_state=0)[:, 0]
    assert sample.mean() == pytest.approx(trapezoid(density * grid, grid), abs=0.1)
    assert sample.std() == pytest.approx(
        np.sqrt(trapezoid(density * grid**2, grid) - trapezoid(density * grid, grid) ** 2),
        rel=0.05,
    )


def test_vae_codes_and_decoding(X):
    vae = VAE(n_components=1, **FAST).fit(X)
    Z = vae.transform(X)
    assert Z.shape == (300, 1) and Z.dtype == np.float64
    assert vae.inverse_transform(Z).shape == X.shape
    with pytest.raises(ValueError, match="1 columns"):
        vae.inverse_transform(np.zeros((2, 3)))


def test_vae_learns_a_correlated_gaussian(X):
    vae = VAE(n_components=2, **LEARN, max_epochs=40).fit(X)
    S = vae.sample(3000, random_state=0)
    np.testing.assert_allclose(S.mean(0), X.mean(0), atol=0.25)
    assert np.corrcoef(S[:, 0], S[:, 1])[0, 1] > 0.7


# ------------------------------------------------------------ autoencoder
def test_autoencoder_reconstructs_and_scores_by_reconstruction(X):
    ae = Autoencoder(n_components=2, **LEARN, max_epochs=30).fit(X)
    assert Autoencoder.score_kind == "reconstruction"
    reconstruction = ae.inverse_transform(ae.transform(X))
    assert np.mean((reconstruction - X) ** 2) < 0.3 * X.var(0).mean()
    outliers = X[:20] + np.array([8.0, -8.0, 8.0])
    assert ae.score_samples(outliers).mean() < ae.score_samples(X).mean()
    assert ae.latent_mixture_.means_.shape[1] == 2
    assert ae.sample(50, random_state=0).shape == (50, 3)


def test_denoising_noise_changes_training(X):
    clean = Autoencoder(n_components=2, **FAST).fit(X)
    noisy = Autoencoder(n_components=2, **FAST, noise=0.5).fit(X)
    assert not np.allclose(clean.transform(X), noisy.transform(X))


# ----------------------------------------------------------------- data
@pytest.mark.parametrize("Model", MODELS)
@pytest.mark.parametrize("continuous", ["quantile", "mode"])
def test_dataframe_round_trip(Model, continuous, frame):
    model = Model(n_components=2, **FAST, continuous=continuous).fit(frame)
    sample = model.sample(400, random_state=0)
    assert list(sample.columns) == list(frame.columns)
    assert (sample.dtypes == frame.dtypes).all()
    assert set(sample["species"].dropna()) <= set(frame["species"])
    assert (
        sample["body_mass_g"].between(frame["body_mass_g"].min(), frame["body_mass_g"].max()).all()
    )
    scores = model.score_samples(frame)
    assert scores.shape == (len(frame),) and np.isfinite(scores).all()
    assert model.transform(frame).shape == (len(frame), 2)
    assert list(model.inverse_transform(model.transform(frame.head(3))).columns) == list(
        frame.columns
    )


def test_vae_reproduces_categories_and_missing_values(frame):
    vae = VAE(n_components=4, **LEARN, max_epochs=60).fit(frame)
    sample = vae.sample(2000, random_state=0)
    observed = frame["species"].value_counts(normalize=True)
    generated = sample["species"].value_counts(normalize=True).reindex(observed.index)
    np.testing.assert_allclose(generated, observed, atol=0.08)
    assert 0.01 < sample["flipper_length_mm"].isna().mean() < 0.12
    gentoo = sample["species"] == "Gentoo"
    assert (
        sample.loc[gentoo, "body_mass_g"].mean() > sample.loc[~gentoo, "body_mass_g"].mean() + 500
    )


# ------------------------------------------------------------------ head
def test_tabular_head_likelihood_matches_torch_distributions():
    layout = [
        Span("a", "continuous", "value", 1, "identity"),
        Span("b", "discrete", "category", 3, "softmax"),
        Span("c", "continuous", "value", 1, "tanh"),
        Span("c", "discrete", "mode", 2, "softmax"),
    ]
    head = TabularHead(4, layout)
    params = head(torch.randn(5, 4))
    x = head.sample(params, torch.Generator().manual_seed(0))
    assert x.shape == (5, 7)
    assert torch.all(x[:, 1:4].sum(-1) == 1) and torch.all(x[:, 5:].sum(-1) == 1)
    assert torch.all(x[:, 4].abs() <= 1)
    mean, std, logits = head._split(params)
    logits_b, logits_c = logits[:, 0, :3], logits[:, 1, :2]
    expected = (
        torch.distributions.Normal(mean[:, 0], std[:, 0]).log_prob(x[:, 0])
        + torch.distributions.Normal(torch.tanh(params[:, 1]), std[:, 1]).log_prob(x[:, 4])
        + torch.distributions.Categorical(logits=logits_b).log_prob(x[:, 1:4].argmax(-1))
        + torch.distributions.Categorical(logits=logits_c).log_prob(x[:, 5:].argmax(-1))
    )
    torch.testing.assert_close(head.log_prob(params, x), expected)
    probs = head.mean(params)
    torch.testing.assert_close(probs[:, 1:4].sum(-1), torch.ones(5))


def test_compact_head_matches_the_grid_head():
    """``compact=True`` emits the used logit cells only: same distribution for the same weights."""
    layout = [
        Span("a", "discrete", "category", 5, "softmax"),
        Span("c", "continuous", "value", 1, "tanh"),
        Span("c", "discrete", "mode", 2, "softmax"),
    ]
    grid, compact = (
        TabularHead(3, layout, learn_std=False),
        TabularHead(3, layout, learn_std=False, compact=True),
    )
    assert (grid.linear.out_features, compact.linear.out_features) == (11, 8)
    rows = torch.cat([torch.zeros(1), compact.emitted_cells + 1])  # the mean, then the used cells
    with torch.no_grad():
        compact.linear.weight.copy_(grid.linear.weight[rows.long()])
        compact.linear.bias.copy_(grid.linear.bias[rows.long()])
    hidden = torch.randn(6, 3)
    x = grid.sample(grid(hidden), torch.Generator().manual_seed(0), continuous_noise=False)
    y = compact.sample(compact(hidden), torch.Generator().manual_seed(0), continuous_noise=False)
    torch.testing.assert_close(x, y)
    torch.testing.assert_close(grid.mean(grid(hidden)), compact.mean(compact(hidden)))
    torch.testing.assert_close(
        grid.reconstruction_error(grid(hidden), x), compact.reconstruction_error(compact(hidden), x)
    )
    # Gumbel-softmax group by group equals the grid's, given the same noise per used cell.
    grid_logits = grid._split(grid(hidden))[2].flatten(1)
    for hard in (False, True):
        with torch.random.fork_rng():
            torch.manual_seed(0)
            noise = gumbel((6, compact.n_logits), None, hidden)
            torch.manual_seed(0)
            relaxed = compact.gumbel_softmax(compact(hidden), 0.5, hard)
        grid_noise = torch.zeros(6, grid.n_grid).index_copy(1, compact.emitted_cells, noise)
        soft = ((grid_logits + grid_noise) / 0.5).unflatten(1, grid.grid_shape).softmax(-1)
        if hard:
            soft = F.one_hot(soft.argmax(-1), soft.shape[-1]).float()
        expected = grid._assemble(grid._continuous(grid(hidden))[0], soft)
        torch.testing.assert_close(relaxed, expected)


def test_head_ignores_the_placeholder_of_a_missing_value():
    """A missing value is scored by its flag alone: its encoded value and mode do not count."""
    layout = [
        Span("v", "continuous", "value", 1, "tanh"),
        Span("v", "discrete", "mode", 2, "softmax"),
        Span("v", "discrete", "missing", 2, "softmax"),
        Span("w", "continuous", "value", 1, "identity"),
    ]
    head = TabularHead(3, layout)
    params = head(torch.randn(4, 3))
    missing = torch.tensor([[0.0, 1.0, 0.0, 0.0, 1.0, 0.5]]).expand(4, 6)
    moved = missing.clone()
    moved[:, 0], moved[:, 1:3] = 0.7, torch.tensor([0.0, 1.0])
    torch.testing.assert_close(head.log_prob(params, moved), head.log_prob(params, missing))
    torch.testing.assert_close(
        head.reconstruction_error(params, moved), head.reconstruction_error(params, missing)
    )
    observed = missing.clone()
    observed[:, 3:5] = torch.tensor([1.0, 0.0])
    assert not torch.allclose(head.log_prob(params, observed), head.log_prob(params, missing))


# -------------------------------------------------------------- pickling
@pytest.mark.parametrize("Model", MODELS)
def test_pickle_round_trip(Model, frame):
    model = Model(n_components=2, **FAST).fit(frame)
    copy = pickle.loads(pickle.dumps(model))
    pd.testing.assert_frame_equal(copy.sample(30, random_state=1), model.sample(30, random_state=1))
    np.testing.assert_array_equal(copy.score_samples(frame), model.score_samples(frame))


def test_pickle_stores_parameters_on_the_cpu(X):
    """A net on another device (simulated: only the recorded device differs) unpickles on the CPU."""
    vae = VAE(n_components=2, **FAST).fit(X)
    expected = vae.score_samples(X)
    vae.net_.device = "cuda:0"
    payload = pickle.dumps(vae)
    assert vae.net_.device == "cuda:0"  # pickling does not move the live model
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # skorch's DeviceWarning would mean CUDA tensors were stored
        copy = pickle.loads(payload)
    assert copy.net_.device == "cpu"
    assert all(p.device.type == "cpu" for p in copy.net_.module_.parameters())
    np.testing.assert_array_equal(copy.score_samples(X), expected)
    copy.set_params(warm_start=True).fit(X)  # training continues on the CPU
    assert copy.n_iter_ == 6


# --------------------------------------------------------------- package
def test_lazy_public_names():
    import skgen
    import skgen.neural

    assert skgen.VAE is skgen.neural.VAE and skgen.Autoencoder is skgen.neural.Autoencoder
    from skgen.utils import all_estimators

    names = {name for name, _ in all_estimators()}
    assert {"VAE", "Autoencoder"} <= names and "NeuralGenerator" not in names
