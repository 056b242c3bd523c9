"""Boltzmann machines and energy-based models: the truth of their scores, samples and training."""

import itertools

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import integrate

from skgen import BernoulliRBM, EnergyModel, GaussianBernoulliRBM
from skgen.neural.modules.energy import EnergyModule
from skgen.neural.modules.rbm import RBMModule

from conftest import make_small_mixed, total_probability

FAST = {"n_ais_chains": 50, "n_ais_steps": 200, "n_burn_in": 20, "random_state": 0}


def _random_module(n_visible, n_components, seed=0, scale=1.0, **units):
    torch.manual_seed(seed)
    rng = np.random.default_rng(seed)
    module = RBMModule(
        n_visible, n_components, base_logits=rng.normal(0, 0.5, n_visible), n_chains=8, **units
    ).double()
    with torch.no_grad():
        module.weight.normal_(0.0, scale)
        module.visible_bias.normal_(0.0, 1.0)
        module.hidden_bias.normal_(0.0, 1.0)
        module.log_sigma.uniform_(-0.5, 0.5)
    return module


def _discrete_states(module):
    """Every visible vector the module's Bernoulli and softmax units can take."""
    d = module.n_visible
    states = torch.tensor(list(itertools.product([0.0, 1.0], repeat=d)), dtype=torch.float64)
    keep = torch.ones(len(states), dtype=torch.bool)
    for row in module.grid:
        keep &= states[:, row[row < d]].sum(1) == 1
    return states[keep]


def _ais(module, chains=200, steps=300, seed=0):
    with torch.no_grad():
        estimate, _ = module.log_partition(chains, steps, torch.Generator().manual_seed(seed))
    return float(estimate)


@pytest.mark.parametrize(
    "n_visible, units",
    [
        (10, {"bernoulli": range(10)}),
        (9, {"bernoulli": range(4), "softmax": [[4, 5, 6], [7, 8]]}),
    ],
    ids=["bernoulli", "bernoulli+softmax"],
)
def test_ais_log_partition_within_a_tenth_of_a_nat_of_exact_enumeration(n_visible, units):
    module = _random_module(n_visible, 6, **units)
    with torch.no_grad():
        exact = float(torch.logsumexp(-module.free_energy(_discrete_states(module)), 0))
    assert abs(_ais(module) - exact) < 0.1


@pytest.mark.parametrize("gated", [False, True])
def test_ais_log_partition_with_gaussian_units_matches_numerical_integration(gated):
    """Z = sum over the discrete cells of the integral over the Gaussian value of exp(-F)."""
    units = {"bernoulli": [0, 1]}
    if gated:  # cells 2, 3: (observed, missing); cell 4: the value
        units |= {"softmax": [[2, 3]], "gaussian": [(4, 2)]}
        n_visible = 5
    else:
        units |= {"gaussian": [(2, None)]}
        n_visible = 3
    module = _random_module(n_visible, 4, scale=0.7, **units)
    grid = np.linspace(-25, 25, 20001)
    total = 0.0
    with torch.no_grad():
        for bits in itertools.product([0.0, 1.0], repeat=2):
            flags = [(1.0, 0.0), (0.0, 1.0)] if gated else [()]
            for flag in flags:
                rows = np.zeros((grid.size, n_visible))
                rows[:, :2] = bits
                rows[:, 2 : 2 + len(flag)] = flag
                if flag == (0.0, 1.0):  # missing: the value is 0 and is not integrated
                    total += float(torch.exp(-module.free_energy(torch.tensor(rows[:1]))))
                    continue
                rows[:, -1] = grid
                density = torch.exp(-module.free_energy(torch.tensor(rows))).numpy()
                total += integrate.trapezoid(density, grid)
    assert abs(_ais(module) - np.log(total)) < 0.1


def test_training_loss_has_the_contrastive_divergence_gradient():
    """d(loss)/dW = -(<v h>_data - <v h>_chains) / n, with h the hidden probabilities."""
    module = _random_module(6, 3, bernoulli=range(6))
    module.weight_decay = 0.0
    module.eval()  # a validation pass: the chains stay where they are
    x = torch.tensor(np.random.default_rng(0).integers(0, 2, (5, 6)), dtype=torch.float64)
    module.loss(x)["cd"].backward()
    chains = module.chains
    with torch.no_grad():
        positive = x.T @ module.hidden_probabilities(x) / len(x)
        negative = chains.T @ module.hidden_probabilities(chains) / len(chains)
    np.testing.assert_allclose(
        module.weight.grad.numpy(), -(positive - negative).numpy(), atol=1e-12
    )


def test_training_advances_the_persistent_chains_only_in_training_mode():
    module = _random_module(6, 3, bernoulli=range(6))
    before = module.chains.clone()
    module.eval()
    module.loss(torch.zeros(2, 6, dtype=torch.float64))
    assert torch.equal(module.chains, before)
    module.train()
    module.loss(torch.zeros(2, 6, dtype=torch.float64))
    assert not torch.equal(module.chains, before)


@pytest.fixture(scope="module")
def binary():
    rng = np.random.default_rng(0)
    latent = rng.random(400) < 0.5
    p = np.where(latent[:, None], [0.9, 0.8, 0.9, 0.1, 0.2], [0.1, 0.2, 0.1, 0.9, 0.8])
    return (rng.random((400, 5)) < p).astype(float)


@pytest.fixture(scope="module")
def binary_rbm(binary):
    return BernoulliRBM(n_components=4, max_epochs=30, lr=0.02, batch_size=32, **FAST).fit(binary)


def test_bernoulli_rbm_probabilities_of_all_binary_vectors_sum_to_one(binary_rbm):
    states = np.array(list(itertools.product([0.0, 1.0], repeat=5)))
    scores = binary_rbm.score_samples(states)
    # The AIS estimate of log Z is all that separates the sum from 1.
    assert abs(np.log(np.exp(scores).sum())) < 0.1
    np.testing.assert_allclose(scores, -binary_rbm.free_energy(states) - binary_rbm.log_partition_)


def test_bernoulli_rbm_learns_the_correlations_and_samples_what_it_scores(binary, binary_rbm):
    states = np.array(list(itertools.product([0.0, 1.0], repeat=5)))
    probabilities = np.exp(binary_rbm.score_samples(states))
    probabilities /= probabilities.sum()
    sample = binary_rbm.sample(4000, random_state=0)
    assert set(np.unique(sample)) <= {0.0, 1.0}
    codes = sample @ (2 ** np.arange(4, -1, -1))
    frequencies = np.bincount(codes.astype(int), minlength=32) / len(sample)
    assert 0.5 * np.abs(frequencies - probabilities).sum() < 0.06
    # The first and the fourth column are anti-correlated in the data and in the samples.
    assert np.corrcoef(sample[:, 0], sample[:, 3])[0, 1] < -0.3
    assert binary_rbm.score(binary) > binary_rbm.score(1.0 - binary)


def test_transform_gives_the_hidden_unit_probabilities(binary, binary_rbm):
    module = binary_rbm.net_.module_
    weight, bias = (
        module.weight.detach().double().numpy(),
        module.hidden_bias.detach().double().numpy(),
    )
    expected = 1.0 / (1.0 + np.exp(-(binary[:7] @ weight + bias)))
    np.testing.assert_allclose(binary_rbm.transform(binary[:7]), expected, rtol=1e-6)
    decoded = binary_rbm.inverse_transform(binary_rbm.transform(binary[:7]))
    assert decoded.shape == (7, 5) and np.all((decoded >= 0) & (decoded <= 1))


def test_non_binary_values_of_binary_columns_have_no_probability(binary_rbm):
    scores = binary_rbm.score_samples(np.array([[0.5, 1, 1, 0, 0], [1, 1, 1, 0, 0]]))
    assert scores[0] == -np.inf and np.isfinite(scores[1])


def test_sampling_starts_from_copies_of_the_persistent_chains(binary_rbm):
    chains = binary_rbm._inference_module_.chains.clone()
    first = binary_rbm.sample(50, random_state=3)
    np.testing.assert_array_equal(first, binary_rbm.sample(50, random_state=3))
    assert torch.equal(binary_rbm._inference_module_.chains, chains)
    without_burn_in = binary_rbm.set_params(n_burn_in=0).sample(20, random_state=0)
    binary_rbm.set_params(n_burn_in=FAST["n_burn_in"])
    as_rows = {tuple(row) for row in chains.numpy()}
    assert all(tuple(row) in as_rows for row in without_burn_in)


def test_log_partition_is_fixed_by_the_fit_seed(binary):
    params = dict(n_components=3, max_epochs=2, **FAST)
    first = BernoulliRBM(**params).fit(binary)
    assert BernoulliRBM(**params).fit(binary).log_partition_ == first.log_partition_
    assert 0 < first.ais_effective_sample_size_ <= FAST["n_ais_chains"]


def test_binned_column_is_a_density_with_tails():
    x = np.random.default_rng(0).gamma(2.0, 1.0, size=(300, 1))
    model = BernoulliRBM(n_components=2, n_bins=6, max_epochs=5, **FAST).fit(x)
    grid = np.linspace(x.min() - 30, x.max() + 30, 200001)
    density = np.exp(model.score_samples(grid[:, None]))
    assert integrate.trapezoid(density, grid) == pytest.approx(1.0, abs=0.03)
    assert np.all(density > 0)  # exponential tails beyond the training range
    sample = model.sample(2000, random_state=0)
    assert abs(np.median(sample) - np.median(x)) < 0.3


@pytest.mark.parametrize("Model", [BernoulliRBM, GaussianBernoulliRBM])
def test_scores_of_a_mixed_table_with_missing_values_sum_to_one(Model):
    frame = make_small_mixed(300)
    model = Model(n_components=3, max_epochs=10, lr=0.01, **FAST).fit(frame)
    assert total_probability(model, frame) == pytest.approx(1.0, abs=0.05)
    sample = model.sample(2000, random_state=0)
    assert abs(sample["x"].isna().mean() - frame["x"].isna().mean()) < 0.05


def test_gaussian_rbm_density_integrates_to_one_in_the_original_units():
    rng = np.random.default_rng(0)
    x = np.concatenate([rng.normal(-2, 0.5, 150), rng.normal(3, 1.0, 150)])[:, None] * 10 + 50
    model = GaussianBernoulliRBM(n_components=3, max_epochs=40, lr=0.02, **FAST).fit(x)
    grid = np.linspace(x.min() - 60, x.max() + 60, 20001)
    density = np.exp(model.score_samples(grid[:, None]))
    assert integrate.trapezoid(density, grid) == pytest.approx(1.0, abs=0.05)
    sample = model.sample(3000, random_state=0)
    # Two modes, as in the data.
    assert 0.3 < np.mean(sample < 50) < 0.7


def test_images_of_few_levels_are_scored_level_by_level():
    images = np.array([[[0, 2]], [[1, 2]], [[1, 0]], [[2, 2]]], dtype=np.uint8)
    model = BernoulliRBM(n_components=2, max_epochs=5, **FAST).fit(images)
    grid = np.array(list(itertools.product([0, 1, 2], repeat=2)), dtype=np.uint8).reshape(-1, 1, 2)
    assert np.exp(model.score_samples(grid)).sum() == pytest.approx(1.0, abs=0.1)
    sample = model.sample(20, random_state=0)
    assert sample.dtype == np.uint8 and set(np.unique(sample)) <= {0, 1, 2}


def test_binarised_digits_are_bernoulli_units():
    from skgen.datasets import load_digits_array

    images = (load_digits_array()[:200].reshape(-1, 8, 8) > 8).astype(np.uint8)
    model = BernoulliRBM(n_components=8, max_epochs=2, **FAST).fit(images)
    assert model.visible_.n_cells == 64
    assert model.sample(3).shape == (3, 8, 8)


def test_sgd_momentum_reaches_the_optimizer(binary):
    model = BernoulliRBM(n_components=2, max_epochs=1, optimizer="sgd", momentum=0.5, **FAST)
    assert model.fit(binary).net_.optimizer_.param_groups[0]["momentum"] == 0.5
    adam = BernoulliRBM(n_components=2, max_epochs=1, **FAST).fit(binary)
    assert "momentum" not in adam.net_.optimizer_.param_groups[0]


def test_mode_encoding_is_rejected():
    with pytest.raises(ValueError, match="continuous"):
        BernoulliRBM(continuous="mode").fit(make_small_mixed(50))


# ------------------------------------------------------------------- EnergyModel
def test_langevin_dynamics_sample_the_energy():
    """With a quadratic energy, Langevin dynamics draw from the Gaussian exp(-E)."""
    module = EnergyModule(1, (4,), step_size=0.01, reference_scale=0.5).double()
    with torch.no_grad():
        module.head.weight.zero_()
        module.head.bias.zero_()
    start = torch.zeros(4000, 1, dtype=torch.float64)
    with torch.no_grad():
        x = module.langevin(start, 400, torch.Generator().manual_seed(0))
    assert float(x.std()) == pytest.approx(0.5, rel=0.1)


def test_energy_model_trains_through_its_replay_buffer():
    X = np.random.default_rng(0).normal(size=(300, 2)) * [1.0, 0.3] + [4.0, -2.0]
    model = EnergyModel(
        hidden_layer_sizes=(16, 16), max_epochs=8, buffer_size=500, random_state=0
    ).fit(X)
    module = model.net_.module_
    assert module.replay.shape == (500, 2)
    replay = model._inference_module_.replay.clone()
    model.sample(10, random_state=0)
    assert torch.equal(model._inference_module_.replay, replay)
    # The data are more likely than points away from them.
    far = X + [0.0, 2.0]
    assert np.mean(model.score_samples(X) > model.score_samples(far)) > 0.9
    np.testing.assert_allclose(
        model.transform(X[:3]),
        module.encode(torch.as_tensor((X[:3] - model.mean_) / model.scale_, dtype=torch.float32))
        .detach()
        .numpy(),
        rtol=1e-4,
        atol=1e-5,
    )


@pytest.mark.slow
def test_energy_model_samples_follow_a_two_dimensional_density():
    from skgen.datasets import make_toy

    toy = make_toy("banana")
    X = toy.sample(2000, random_state=0)
    model = EnergyModel(max_epochs=60, random_state=0).fit(X)
    sample = model.sample(2000, random_state=0)
    # Samples lie where the true density is: close to the data's own mean log-density.
    assert toy.log_prob(sample).mean() > toy.log_prob(X).mean() - 1.0
    scores, truth = model.score_samples(X), toy.log_prob(X)
    assert np.corrcoef(scores, truth)[0, 1] > 0.8


def test_dataframe_round_trip_keeps_categories():
    frame = pd.DataFrame(
        {
            "colour": pd.Categorical(np.random.default_rng(0).choice(["r", "g", "b"], 200)),
            "on": np.random.default_rng(1).random(200) < 0.3,
        }
    )
    model = BernoulliRBM(n_components=2, max_epochs=5, **FAST).fit(frame)
    sample = model.sample(500, random_state=0)
    assert set(sample["colour"]) <= {"r", "g", "b"} and sample["on"].dtype == bool
    # Only categorical columns: exact probabilities of the 6 combinations sum to one.
    combos = pd.DataFrame(
        list(itertools.product(["r", "g", "b"], [False, True])), columns=["colour", "on"]
    )
    combos["colour"] = pd.Categorical(combos["colour"], categories=frame["colour"].cat.categories)
    assert np.exp(model.score_samples(combos)).sum() == pytest.approx(1.0, abs=0.05)
