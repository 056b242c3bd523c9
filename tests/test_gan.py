"""GAN and TabularGAN: exact conditions, training-by-sampling, the encoder, the log-density estimate."""

import numpy as np
import pandas as pd
import pytest
import torch
from scipy import stats

from skgen import GAN, TabularGAN
from skgen.neural.adversarial._base import mmd2
from skgen.neural.modules.gan import (
    ConditionedLinear,
    ConditionLayout,
    ConditionSampler,
    InversionModule,
    PacCritic,
    RowBatchNorm,
)
from skgen.preprocessing import Span

TINY = {
    "n_components": 2,
    "generator_layer_sizes": (16,),
    "critic_layer_sizes": (16,),
    "max_epochs": 3,
    "encoder_max_epochs": 2,
    "n_importance_samples": 8,
    "batch_size": 50,
    "random_state": 0,
}


def _table(n_samples=400, random_state=0):
    """A continuous column, a category with a 2% level, a boolean."""
    rng = np.random.default_rng(random_state)
    kind = rng.choice(["common", "usual", "rare"], size=n_samples, p=[0.6, 0.38, 0.02])
    return pd.DataFrame(
        {
            "size": rng.normal(np.where(kind == "rare", 5.0, 0.0), 1.0),
            "kind": pd.Series(kind, dtype="category"),
            "flag": rng.random(n_samples) < 0.3,
        }
    )


@pytest.fixture(scope="module")
def table():
    return _table()


@pytest.fixture(scope="module")
def tabular_gan(table):
    # The default "mode" encoding of continuous columns, as CTGAN's.
    return TabularGAN(**TINY, pac=2).fit(table)


def test_conditions_are_met_exactly_even_for_a_rare_category(tabular_gan, table):
    assert (table["kind"] == "rare").mean() < 0.03
    rows = tabular_gan.sample(300, conditions={"kind": "rare"}, random_state=0)
    assert len(rows) == 300 and (rows["kind"] == "rare").all()
    assert tabular_gan.last_acceptance_rate_ == 1.0  # nothing rejected
    pd.testing.assert_series_equal(rows.dtypes, table.dtypes)
    both = tabular_gan.sample(50, conditions={"kind": "usual", "flag": True}, random_state=1)
    assert (both["kind"] == "usual").all() and both["flag"].all()
    # The other columns are drawn, not fixed.
    assert rows["size"].nunique() > 200


def test_unknown_condition_column_or_category_is_a_clear_error(tabular_gan):
    with pytest.raises(ValueError, match="not in the data: 'colour'"):
        tabular_gan.sample(5, conditions={"colour": "red"})
    with pytest.raises(ValueError, match="never takes the value 'unheard'"):
        tabular_gan.sample(5, conditions={"kind": "unheard"})
    with pytest.raises(ValueError, match="only condition on discrete columns"):
        tabular_gan.sample(5, conditions={"size": 1.0})


def test_a_rare_value_merged_into_other_is_met_too():
    rng = np.random.default_rng(0)
    values = np.array([f"v{i}" for i in range(60)])
    frame = pd.DataFrame({"x": rng.normal(size=300), "c": rng.choice(values, 300)})
    model = TabularGAN(**TINY, pac=2, continuous="standard").fit(frame)
    merged = model.encoder_.columns_[1].other_values
    assert merged is not None
    rows = model.sample(20, conditions={"c": merged[0]}, random_state=0)
    assert (rows["c"] == merged[0]).all()


@pytest.mark.parametrize("dropout", [0.0, 0.5])
def test_critic_input_gradient_and_its_weight_gradients_match_autograd(dropout):
    # The gradient penalty differentiates a hand-written input gradient: it must be
    # autograd's, and so must the penalty's gradients with respect to the weights
    # (in training, with the dropout masks a forward pass draws), with or without conditions.
    torch.manual_seed(0)
    critic = PacCritic(5, (8, 8), pac=3, dropout=dropout, n_conditions=4).double()
    x = torch.randn(12, 5, dtype=torch.float64)
    condition = torch.nn.functional.one_hot(torch.arange(12) % 5, 5)[:, :4].double()
    weights = [critic.first.linear.weight, critic.first.condition_weight]
    weights += [layer.weight for layer in critic._layers() if isinstance(layer, torch.nn.Linear)]
    for given in (None, condition):
        leaf = x.clone().requires_grad_(True)
        with torch.random.fork_rng():
            (expected,) = torch.autograd.grad(
                critic(leaf, given).sum(), leaf, create_graph=True
            )
        got = critic.input_gradient(x, given)
        np.testing.assert_allclose(
            got.detach().numpy(), expected.reshape(4, 15).detach().numpy()
        )
        loss = (expected.reshape(4, 15).norm(dim=1) ** 3).sum()
        expected_grads = torch.autograd.grad(loss, weights, allow_unused=True)
        got_grads = torch.autograd.grad((got.norm(dim=1) ** 3).sum(), weights, allow_unused=True)
        for a, b in zip(got_grads, expected_grads):
            if a is None:  # the condition's weights: constant terms, no slope
                assert b is None or not b.any()
            else:
                np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10)
    if dropout:  # each call draws its own masks
        assert not torch.allclose(critic.input_gradient(x), got)


@pytest.mark.parametrize("group", [1, 3])
def test_conditioned_linear_is_a_linear_layer_on_the_rows_with_their_conditions(group):
    # With the condition's weights apart, the layer must still be the dense layer on
    # the interleaved [x_1, c_1, ..., x_group, c_group], for one-hot, empty and
    # several-hot conditions, with the same gradients.
    torch.manual_seed(0)
    layer = ConditionedLinear(5, 4, 7, group=group).double()
    x = torch.randn(6, group * 5, dtype=torch.float64)
    condition = torch.zeros(6 * group, 4, dtype=torch.float64)
    condition[::2, 1] = 1.0
    condition[1::3, 3] = 1.0  # some rows with two cells, some with none
    blocks_x = layer.linear.weight.reshape(7, group, 5)
    blocks_c = layer.condition_weight.reshape(group, 4, 7).permute(2, 0, 1)
    dense = torch.cat([blocks_x, blocks_c], dim=2).reshape(7, group * 9)
    interleaved = torch.cat([x.reshape(6, group, 5), condition.reshape(6, group, 4)], 2)
    expected = interleaved.reshape(6, -1) @ dense.T + layer.linear.bias
    got = layer(x, condition)
    np.testing.assert_allclose(got.detach().numpy(), expected.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(
        layer(x).detach().numpy(), (x @ layer.linear.weight.T + layer.linear.bias).detach().numpy()
    )
    parameters = [layer.linear.weight, layer.condition_weight]
    got_grads = torch.autograd.grad((got**2).sum(), parameters)
    expected_grads = torch.autograd.grad((expected**2).sum(), parameters)
    for a, b in zip(got_grads, expected_grads):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=1e-10)
    # Initialised as nn.Linear on the whole interleaved row.
    big = ConditionedLinear(300, 100, 50, group=2)
    bound = 1 / np.sqrt(2 * 400)
    for parameter in (big.linear.weight, big.condition_weight):
        assert parameter.abs().max() <= bound and parameter.abs().max() > 0.9 * bound


def test_row_batch_norm_normalises_the_last_dimension_whatever_the_leading_ones():
    torch.manual_seed(0)
    norm = RowBatchNorm(3)
    x = torch.randn(4, 5, 3) * 2.0 + 1.0
    np.testing.assert_allclose(
        norm(x).detach().numpy(), norm(x.reshape(20, 3)).reshape(4, 5, 3).detach().numpy()
    )
    out = norm(x.reshape(20, 3))
    np.testing.assert_allclose(out.mean(0).detach().numpy(), 0.0, atol=1e-6)
    # A training batch of one row uses the running statistics instead of failing.
    one = norm(x[:1, :1])
    assert one.shape == (1, 1, 3) and torch.isfinite(one).all()
    norm.eval()  # and evaluation scores each row alone
    np.testing.assert_allclose(norm(x[:1]).detach().numpy(), norm(x)[:1].detach().numpy())


def test_a_generator_with_batch_norm_scores_and_encodes_each_row_alone(tabular_gan, table):
    assert tabular_gan.generator_batch_norm  # the default
    assert any(isinstance(m, RowBatchNorm) for m in tabular_gan.net_.module_.generator.modules())
    # Running statistics, not the batch's: a row's score and code do not depend on the others.
    np.testing.assert_allclose(
        tabular_gan.score_samples(table.head(3)), tabular_gan.score_samples(table)[:3], rtol=1e-9
    )
    np.testing.assert_allclose(
        tabular_gan.transform(table.head(3)), tabular_gan.transform(table)[:3], rtol=1e-9
    )
    # The encoder trains against the frozen generator in evaluation mode.
    inversion = InversionModule(tabular_gan.net_.module_).train()
    assert inversion.encoder.training and not inversion.generator.training


def test_training_by_sampling_draws_log_frequency_conditions_and_matching_rows():
    layout = [
        Span("x", "continuous", "value", 1, "identity"),
        Span("a", "discrete", "category", 3, "softmax"),
        Span("b", "discrete", "category", 2, "softmax"),
    ]
    rng = np.random.default_rng(0)
    codes_a = rng.choice(3, size=1000, p=[0.9, 0.08, 0.02])
    codes_b = rng.choice(2, size=1000, p=[0.5, 0.5])
    X = np.column_stack([rng.normal(size=1000), np.eye(3)[codes_a], np.eye(2)[codes_b]])
    sampler = ConditionSampler(ConditionLayout(layout), unconditioned_share=0.25)
    plan = sampler.plan(X)
    with torch.random.fork_rng():
        torch.manual_seed(0)
        rows, condition = sampler.draw(plan, 40_000)
    rows, condition = rows.numpy(), condition.numpy()
    free = condition.sum(1) == 0
    assert abs(free.mean() - 0.25) < 0.01
    # Every conditioned row has its condition's category.
    np.testing.assert_array_equal(
        condition[:, :3].argmax(1)[condition[:, :3].sum(1) > 0],
        codes_a[rows][condition[:, :3].sum(1) > 0],
    )
    np.testing.assert_array_equal(
        condition[:, 3:].argmax(1)[condition[:, 3:].sum(1) > 0],
        codes_b[rows][condition[:, 3:].sum(1) > 0],
    )
    # Columns uniformly, categories by log-frequency.
    on_a = condition[:, :3][condition[:, :3].sum(1) > 0]
    log_counts = np.log1p(np.bincount(codes_a, minlength=3))
    np.testing.assert_allclose(on_a.mean(0), log_counts / log_counts.sum(), atol=0.015)
    assert abs(len(on_a) / (~free).sum() - 0.5) < 0.02


def test_history_records_each_loss_term(tabular_gan):
    history = tabular_gan.net_.history
    for term in ("train_critic", "train_gradient_penalty", "train_generator", "valid_critic"):
        assert len(history[:, term]) == tabular_gan.n_iter_ == 3
    assert min(history[:, "train_gradient_penalty"]) >= 0
    assert len(tabular_gan.encoder_history_[:, "train_latent"]) == 2
    assert len(tabular_gan.encoder_history_[:, "train_reconstruction"]) == 2


def test_critic_score_is_one_raw_value_per_row(tabular_gan, table):
    scores = tabular_gan.critic_score(table.head(7))
    assert scores.shape == (7,) and np.isfinite(scores).all()


def _gaussian_data(n_samples=400):
    rng = np.random.default_rng(0)
    z = rng.normal(size=(n_samples, 1))
    return np.column_stack([2.0 * z[:, 0] + 1.0, -z[:, 0] + 0.3 * rng.normal(size=n_samples)])


def test_encoder_round_trip_improves_with_training():
    X = _gaussian_data(200)
    errors = []
    for epochs in (1, 100):
        model = GAN(**{**TINY, "encoder_max_epochs": epochs}).fit(X)
        Z = np.random.default_rng(1).normal(size=(300, 2))
        errors.append(np.mean((model.transform(model.inverse_transform(Z)) - Z) ** 2))
    assert errors[1] < 0.6 * errors[0]


@pytest.fixture(scope="module")
def linear_gan():
    # No hidden layer: the generator is linear, x = W z + b, so the model with
    # Gaussian observation noise is the Gaussian N(b, W W^T + s^2 I): a closed form.
    X = _gaussian_data()
    model = GAN(**{**TINY, "generator_layer_sizes": (), "n_importance_samples": 4000}).fit(X)
    return model, X


def _exact_linear_log_density(model, X):
    linear = model._inference_module_.generator.head.linear
    W, b = linear.weight.detach().numpy(), linear.bias.detach().numpy()
    cov = W @ W.T + model.noise_std_**2 * np.eye(X.shape[1])
    standardised = (X - model.mean_) / model.scale_
    return stats.multivariate_normal(b, cov).logpdf(standardised) - np.log(model.scale_).sum()


def test_score_estimate_agrees_with_the_closed_form_of_a_linear_generator(linear_gan):
    model, X = linear_gan
    rows = X[:20]
    estimate = model.score_samples(rows)
    np.testing.assert_allclose(estimate, _exact_linear_log_density(model, rows), atol=0.05)
    assert model.score_kind == "estimate"


def test_more_importance_samples_reduce_the_error_and_outliers_score_lower(linear_gan):
    model, X = linear_gan
    rows = X[:50]
    exact = _exact_linear_log_density(model, rows)
    errors = []
    for k in (4, 4000):
        model.n_importance_samples = k
        errors.append(np.abs(model.score_samples(rows) - exact).mean())
    assert errors[1] < errors[0]
    outliers = model.score_samples(np.array([[30.0, -30.0], [-25.0, 40.0]]))
    assert np.isfinite(outliers).all() and outliers.max() < model.score_samples(rows).min()


def test_observation_noise_is_fitted_on_held_out_rows(linear_gan):
    model, X = linear_gan
    held_out = model.net_.train_split.valid_index(len(X))
    assert len(held_out) == 40  # validation_fraction of the rows, never trained on
    assert model.net_.history[-1, "valid_batch_count"] >= 1
    assert 1e-3 <= model.noise_std_ <= 2.0


def test_mmd_separates_distributions():
    rng = np.random.default_rng(0)
    a, b = torch.as_tensor(rng.normal(size=(200, 2))), torch.as_tensor(rng.normal(size=(200, 2)))
    assert abs(mmd2(a, b)) < 0.05 < mmd2(a, b + 2.0)


def test_early_stopping_watches_the_validation_mmd(table):
    model = TabularGAN(
        **{**TINY, "max_epochs": 40},
        lr=1e-2,  # big steps: the MMD soon stops falling
        pac=2,
        continuous="standard",
        early_stopping=True,
        validation_interval=1,
        n_iter_no_change=1,
    ).fit(table)
    mmd = model.net_.history[:, "valid_mmd"]
    assert len(mmd) == len(model.net_.history) < 40
    # Stopped at the first epoch that did not improve on the best so far.
    assert mmd[-1] >= min(mmd[:-1]) and all(np.diff(mmd[:-1]) < 0)


@pytest.mark.slow
def test_trained_gan_matches_a_gaussian_and_its_density():
    rng = np.random.default_rng(0)
    X = rng.normal(3.0, 2.0, size=(2000, 1))
    model = GAN(
        n_components=1,
        generator_layer_sizes=(32, 32),
        critic_layer_sizes=(32, 32),
        max_epochs=150,
        batch_size=128,
        lr=1e-3,
        random_state=0,
    ).fit(X)
    samples = model.sample(4000, random_state=0)[:, 0]
    assert abs(samples.mean() - 3.0) < 0.3 and abs(samples.std() - 2.0) < 0.3
    # Within 1.5 standard deviations: a GAN learns the tails last.
    grid = np.linspace(0.0, 6.0, 7)[:, None]
    estimate = model.score_samples(grid)
    np.testing.assert_allclose(estimate, stats.norm(3.0, 2.0).logpdf(grid[:, 0]), atol=0.3)
