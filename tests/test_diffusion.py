"""DiffusionModel and its building blocks: closed forms, the bound, conditions and guidance."""

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.linear_model import LogisticRegression
from torch import nn

from skgen import DiffusionModel, GaussianMixture
from skgen.neural.modules.diffusion import (
    SCHEDULES,
    GaussianDiffusion,
    MLPDenoiser,
    MultinomialDiffusion,
    TabularDiffusion,
    strided_timesteps,
)
from skgen.preprocessing import Span

from conftest import make_mixed_frame

torch.set_num_threads(1)

TINY = dict(
    hidden_layer_sizes=(32, 32), embedding_dim=16, n_steps=20, n_sampling_steps=10,
    n_score_steps=4, batch_size=32,
)  # fmt: skip


# ------------------------------------------------------------ closed forms
@pytest.mark.parametrize("name", sorted(SCHEDULES))
@pytest.mark.parametrize("n_steps", [10, 1000])
def test_schedules_decrease_from_clean_data_to_noise(name, n_steps):
    alpha_bar = SCHEDULES[name](n_steps)
    assert alpha_bar.shape == (n_steps + 1,) and alpha_bar[0] == 1.0
    assert (alpha_bar[1:] < alpha_bar[:-1]).all() and (alpha_bar > 0).all()
    assert alpha_bar[-1] < 0.01  # the chain ends close to the prior
    assert alpha_bar[1] > (0.9 if n_steps == 10 else 0.999)  # the first step adds little noise


def test_strided_timesteps_run_from_the_last_step_to_the_first():
    assert strided_timesteps(1000, 1000) == list(range(1000, 0, -1))
    steps = strided_timesteps(1000, 11)
    assert steps[0] == 1000 and steps[-1] == 1 and len(steps) == 11
    assert steps == sorted(steps, reverse=True)
    assert strided_timesteps(5, 50) == [5, 4, 3, 2, 1]


def test_multinomial_forward_process_marginal_matches_the_closed_form():
    alpha_bar = SCHEDULES["linear"](20)
    diffusion = MultinomialDiffusion(alpha_bar, [3, 2]).double()
    x0 = torch.zeros(20000, 2, 3, dtype=torch.float64)
    x0[:, 0, 0] = 1.0  # first variable: category 0 of 3
    x0[:, 1, 1] = 1.0  # second: category 1 of 2 (the third cell is padding)
    generator = torch.Generator().manual_seed(0)
    x = x0
    for t in range(1, 11):  # one step at a time: q(x_t | x_{t-1})
        x = diffusion.draw(diffusion.transition(x, t - 1, t), generator)
    closed_form = diffusion.marginal(x0[:1], 10)[0]
    np.testing.assert_allclose(x.mean(0), closed_form, atol=0.015)
    assert (x[:, 1, 2] == 0).all()  # padding is never drawn
    # Transitions compose: q(x_10 | x_3) is the product of the one-step kernels.
    starts = torch.zeros(3, 2, 3, dtype=torch.float64)
    starts[:, 0] = torch.eye(3, dtype=torch.float64)  # first variable from each category
    kernel = torch.eye(3, dtype=torch.float64)
    for t in range(4, 11):
        kernel = kernel @ diffusion.transition(starts, t - 1, t)[:, 0]
    np.testing.assert_allclose(kernel, diffusion.transition(starts, 3, 10)[:, 0], atol=1e-12)


def test_posteriors_follow_bayes_rule():
    alpha_bar = SCHEDULES["cosine"](50)
    t, s = 30, 12
    # Multinomial: q(x_s | x_t, x_0) = q(x_t | x_s) q(x_s | x_0) / q(x_t | x_0), enumerated.
    multinomial = MultinomialDiffusion(alpha_bar, [4]).double()
    eye = torch.eye(4, dtype=torch.float64)[:, None, :]
    x0, x_t = eye[2:3], eye[1:2]
    joint = multinomial.transition(eye, s, t)[:, 0, 1] * multinomial.marginal(x0, s)[0, 0]
    np.testing.assert_allclose(multinomial.posterior(x0, x_t, t, s)[0, 0], joint / joint.sum())
    # Gaussian: conditioning the joint Gaussian of (x_s, x_t) given x_0.
    gaussian = GaussianDiffusion(alpha_bar)
    x0, x_t = torch.tensor([0.7], dtype=torch.float64), torch.tensor([-1.3], dtype=torch.float64)
    a_s, a = alpha_bar[s], alpha_bar[t] / alpha_bar[s]
    precision = 1 / (1 - a_s) + a / (1 - a)
    mean = (a_s.sqrt() * x0 / (1 - a_s) + a.sqrt() * x_t / (1 - a)) / precision
    got_mean, got_variance = gaussian.posterior(x0, x_t, t, s)
    np.testing.assert_allclose(got_mean, mean, rtol=1e-10)
    np.testing.assert_allclose(got_variance, 1 / precision, rtol=1e-10)


class _ExactDenoiser(nn.Module):
    """The optimal denoiser of rows (x, c), x ~ N(0, 1) and c ~ Cat(probs) independent.

    x_t is N(0, 1) too, so the expected noise is ``sqrt(1 - alpha_bar_t) x_t``;
    with the posterior at predicted ``x_0`` probabilities, the reverse chain of
    independent categories is exact when the prediction is their frequencies.
    """

    n_classes = 0

    def __init__(self, alpha_bar, probs):
        super().__init__()
        self.alpha_bar, self.probs = alpha_bar, probs

    def forward(self, x, t, context=None):
        eps = (1 - self.alpha_bar[t][:, None]).sqrt() * x[:, :1]
        return torch.cat([eps, self.probs.log().expand(len(x), -1)], dim=1)


@pytest.mark.parametrize("name", sorted(SCHEDULES))
def test_bound_with_the_exact_denoiser_is_below_the_exact_log_density(name):
    layout = [Span("x", "continuous", "value", 1, "identity"), Span("c", "discrete", "category", 3, "softmax")]  # fmt: skip
    probs = torch.tensor([0.6, 0.3, 0.1], dtype=torch.float64)
    alpha_bar = SCHEDULES[name](100)
    module = TabularDiffusion(layout, _ExactDenoiser(alpha_bar, probs), alpha_bar).double()
    rng, n = np.random.default_rng(0), 20000
    x, c = rng.normal(size=n), rng.choice(3, size=n, p=probs.numpy())
    rows = torch.tensor(np.column_stack([x, np.eye(3)[c]]))
    exact = -0.5 * x**2 - 0.5 * np.log(2 * np.pi) + np.log(probs.numpy()[c])
    timesteps = strided_timesteps(100, 20)
    generator = torch.Generator().manual_seed(0)
    normal = torch.randn((20, n, 1), generator=generator, dtype=torch.float64)
    uniform = torch.rand((20, n, 1, 3), generator=generator, dtype=torch.float64)
    gumbel = -torch.log(-torch.log(uniform))
    bound = module.log_prob(rows, timesteps, normal, gumbel, torch.zeros(n, 1)).numpy()
    gap = exact - bound  # >= 0 on average: the bound is on the model, whose cross-entropy is larger
    standard_error = gap.std() / np.sqrt(n)
    assert -3 * standard_error < gap.mean() < 0.05
    # And the chain samples the distribution the bound is about.
    draws = module.sample(20000, torch.Generator().manual_seed(1), timesteps).numpy()
    assert abs(draws[:, 0].mean()) < 0.03 and abs(draws[:, 0].std() - 1) < 0.03
    np.testing.assert_allclose(draws[:, 1:].mean(0), probs, atol=0.015)


# --------------------------------------------------------------- estimator
@pytest.fixture(scope="module")
def mixed_model():
    frame = make_mixed_frame(200)
    return frame, DiffusionModel(**TINY, max_epochs=30, random_state=0).fit(frame)


def test_conditions_are_exact_by_inpainting(mixed_model):
    frame, model = mixed_model
    rows = model.sample(300, random_state=0, conditions={"group": "c", "label": None})
    assert (rows["group"] == "c").all() and rows["label"].isna().all()
    assert model.last_acceptance_rate_ == 1.0
    pd.testing.assert_series_equal(rows.dtypes, frame.dtypes)
    # The other columns are denoised around the condition: "group" c has value ~ 6.
    assert rows["value"].mean() > frame["value"].mean()
    with pytest.raises(ValueError, match="never takes the value"):
        model.sample(5, conditions={"group": "zzz"})
    with pytest.raises(ValueError, match="not in the data"):
        model.sample(5, conditions={"nope": 1})
    with pytest.raises(ValueError, match="only condition on discrete"):
        model.sample(5, conditions={"value": 1.0})


def test_sampling_runs_n_sampling_steps_denoiser_passes(mixed_model):
    _, model = mixed_model
    calls = []
    handle = torch.nn.modules.module.register_module_forward_hook(
        lambda module, *args: calls.append(1) if isinstance(module, MLPDenoiser) else None
    )
    try:
        model.sample(10, random_state=0)
        assert len(calls) == model.n_sampling_steps
    finally:
        handle.remove()


@pytest.fixture(scope="module")
def class_model():
    rng = np.random.default_rng(0)
    y = rng.choice(["A", "B"], size=400)
    red = rng.random(400) < np.where(y == "A", 0.7, 0.3)
    frame = pd.DataFrame(
        {"colour": np.where(red, "red", "blue"), "x": rng.normal(np.where(y == "A", -1, 1))}
    )
    model = DiffusionModel(**TINY, max_epochs=12, lr=1e-2, random_state=0).fit(frame, y)
    return frame, y, model


def test_class_context_and_classifier_free_guidance(class_model):
    _, _, model = class_model
    assert model.classes_.tolist() == ["A", "B"]

    def red_share(label, scale):
        rows = model.set_params(guidance_scale=scale).sample(2000, y=label, random_state=0)
        return float((rows["colour"] == "red").mean())

    try:
        plain_a, plain_b, guided_a = red_share("A", 1.0), red_share("B", 1.0), red_share("A", 3.0)
    finally:
        model.set_params(guidance_scale=1.0)
    assert plain_a > plain_b + 0.2  # p(x | y) differs by class (0.7 against 0.3 in the data)
    # Guidance sharpens p(x | y) towards what tells the class apart.
    assert guided_a > plain_a + 0.05


def test_transform_is_the_denoisers_embedding_of_the_clean_row(class_model):
    frame, y, model = class_model
    features = model.transform(frame)
    assert features.shape == (len(frame), TINY["hidden_layer_sizes"][-1])
    np.testing.assert_allclose(model.transform(frame.head(5)), features[:5])
    # Features a classifier can use: the class shifts x by 2 standard deviations.
    accuracy = LogisticRegression(max_iter=500).fit(features, y).score(features, y)
    assert accuracy > 0.75


# ----------------------------------------------------------- slow: training
@pytest.mark.slow
def test_bound_of_a_fitted_model_is_below_the_exact_log_density():
    rng = np.random.default_rng(0)
    X, X_test = rng.normal(size=(2000, 1)), rng.normal(size=(4000, 1))
    exact = float(np.mean(-0.5 * X_test**2 - 0.5 * np.log(2 * np.pi)))
    model = DiffusionModel(
        (64, 64), n_steps=100, n_score_steps=100, max_epochs=40, batch_size=128, random_state=0
    ).fit(X)
    peer = GaussianMixture(n_components=1, random_state=0).fit(X)
    bound = model.score(X_test)
    assert bound < exact and bound < peer.score(X_test)
    assert bound > exact - 0.15
