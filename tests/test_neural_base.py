"""The deep-model base: training schemes (one loss, two networks), batches of every
kind, inference, and the parameters every deep model shares."""

import copy
import inspect
import pickle

import numpy as np
import pytest
import torch
from torch import nn

from skgen.neural import AdversarialNet, BatchIterator, NeuralGenerator
from skgen.neural._base import SHARED_TRAINING_DEFAULTS
from skgen.neural._docs import TRAINING_PARAMETERS
from skgen.utils import all_estimators

torch.set_num_threads(1)


class WassersteinGP(nn.Module):
    """A 2-D WGAN-GP: affine generator of Gaussian noise, MLP critic with gradient penalty.

    (In one dimension the penalty is a barrier between a critic's slopes -1
    and +1, which can trap a critic that starts the wrong way round.)
    """

    loss_terms = ("critic", "penalty", "generator")

    def __init__(self, penalty=10.0):
        super().__init__()
        self.generator = nn.Linear(2, 2)
        self.critic = nn.Sequential(nn.Linear(2, 32), nn.ReLU(), nn.Linear(32, 1))
        self.penalty = penalty

    def fake(self, n):
        return self.generator(torch.randn(n, 2))

    def critic_loss(self, x):
        fake = self.fake(len(x)).detach()
        mix = torch.rand(len(x), 1)
        between = (mix * x + (1 - mix) * fake).requires_grad_(True)
        (grad,) = torch.autograd.grad(self.critic(between).sum(), between, create_graph=True)
        penalty = self.penalty * ((grad.norm(dim=1) - 1) ** 2).mean()
        return {"critic": self.critic(fake).mean() - self.critic(x).mean(), "penalty": penalty}

    def generator_loss(self, x):
        return {"generator": -self.critic(self.fake(len(x))).mean()}

    def loss(self, x):
        return {"critic": self.critic(self.fake(len(x))).mean() - self.critic(x).mean()}


@pytest.fixture(scope="module")
def gaussian():
    return np.random.default_rng(0).normal([1.0, -1.0], 0.5, size=(1024, 2)).astype(np.float32)


def _gan_net(**params):
    defaults = dict(
        max_epochs=30,
        batch_size=128,
        lr=1e-2,
        optimizer=torch.optim.Adam,
        optimizer__betas=(0.5, 0.9),
        optimizer_critic__lr=1e-2,
        optimizer_critic__betas=(0.5, 0.9),
        n_critic=3,
        iterator_train__shuffle=True,
        verbose=0,
    )
    return AdversarialNet(WassersteinGP, **{**defaults, **params})


def test_adversarial_net_trains_a_wgan_gp_to_the_data(gaussian):
    torch.manual_seed(0)
    net = _gan_net().fit(gaussian)
    with torch.no_grad():
        fake = net.module_.fake(5000).numpy()
    np.testing.assert_allclose(fake.mean(axis=0), [1.0, -1.0], atol=0.25)
    assert np.all((fake.std(axis=0) > 0.3) & (fake.std(axis=0) < 0.8))
    # Each term of both losses is recorded per epoch, next to skorch's train_loss.
    assert {"train_critic", "train_penalty", "train_generator", "train_loss"} <= set(net.history[-1])


def test_adversarial_net_has_two_optimizers_with_their_own_learning_rates(gaussian):
    torch.manual_seed(0)
    net = _gan_net(max_epochs=1, lr=1e-3, optimizer_critic__lr=4e-3).fit(gaussian)
    assert set(net._optimizers) == {"optimizer", "optimizer_critic"}
    assert net.optimizer_.param_groups[0]["lr"] == 1e-3
    assert net.optimizer_critic_.param_groups[0]["lr"] == 4e-3
    generator = {id(p) for p in net.module_.generator.parameters()}
    assert {id(p) for g in net.optimizer_.param_groups for p in g["params"]} == generator
    critic = {id(p) for g in net.optimizer_critic_.param_groups for p in g["params"]}
    assert critic == {id(p) for p in net.module_.critic.parameters()}
    net.set_params(optimizer_critic__lr=1e-4)  # the live optimizer follows set_params
    assert net.optimizer_critic_.param_groups[0]["lr"] == 1e-4


@pytest.mark.parametrize("frozen", ["generator", "critic"])
def test_each_optimizer_moves_only_its_network(gaussian, frozen):
    torch.manual_seed(0)
    params = {"lr": 0.0} if frozen == "generator" else {"optimizer_critic__lr": 0.0}
    net = _gan_net(max_epochs=1, **params).initialize()
    before = {k: v.clone() for k, v in net.module_.state_dict().items()}
    net.partial_fit(gaussian)
    after = net.module_.state_dict()
    # (Weights only: the critic's last bias has no gradient, as a WGAN's loss
    # does not change when the critic is shifted by a constant.)
    for name, value in before.items():
        if name.endswith("weight"):
            assert torch.equal(value, after[name]) == name.startswith(frozen), name


def test_adversarial_net_n_critic_updates_per_batch(gaussian):
    calls = []

    class Counting(WassersteinGP):
        def critic_loss(self, x):
            calls.append("critic")
            return super().critic_loss(x)

        def generator_loss(self, x):
            calls.append("generator")
            return super().generator_loss(x)

    AdversarialNet(Counting, max_epochs=1, batch_size=512, n_critic=4, verbose=0).fit(gaussian)
    assert calls == (["critic"] * 4 + ["generator"]) * 2  # 1024 rows: two batches


def test_gradient_callbacks_see_each_update_of_both_networks(gaussian):
    # skorch's on_grad_computed (e.g. GradientNormClipping) after each update, with
    # the updated network's parameters: here 4 critic updates, then the generator's.
    from skorch.callbacks import Callback

    seen = []

    class Recording(Callback):
        def on_grad_computed(self, net, named_parameters, **kwargs):
            ids = {id(parameter) for _, parameter in named_parameters}
            for name in ("critic", "generator"):
                if ids == {id(p) for p in getattr(net.module_, name).parameters()}:
                    seen.append(name)

    AdversarialNet(
        WassersteinGP, max_epochs=1, batch_size=512, n_critic=4, callbacks=[Recording()], verbose=0
    ).fit(gaussian)
    assert seen == (["critic"] * 4 + ["generator"]) * 2  # two batches


def test_adversarial_net_pickles(gaussian):
    torch.manual_seed(0)
    net = _gan_net(max_epochs=2).fit(gaussian)
    copy_ = pickle.loads(pickle.dumps(net))
    assert copy_.optimizer_critic_.param_groups[0]["lr"] == 1e-2
    for a, b in zip(net.module_.parameters(), copy_.module_.parameters()):
        assert torch.equal(a, b)


# ----------------------------------------------------------------- batches
def test_batch_iterator_slices_images_along_the_first_axis():
    from skorch.dataset import Dataset

    images = np.arange(5 * 2 * 3 * 3, dtype=np.float32).reshape(5, 2, 3, 3)
    batches = [x for x, _ in BatchIterator(Dataset(images), batch_size=2)]
    assert [tuple(b.shape) for b in batches] == [(2, 2, 3, 3), (2, 2, 3, 3), (1, 2, 3, 3)]
    np.testing.assert_array_equal(torch.cat(batches).numpy(), images)


def test_batch_iterator_trims_padding_of_each_batch():
    from skorch.dataset import Dataset

    tokens = np.zeros((4, 9), dtype=np.int64)
    lengths = np.array([2, 3, 9, 1])
    batches = [x for x, _ in BatchIterator(Dataset({"tokens": tokens, "lengths": lengths}), 2)]
    assert [tuple(b["tokens"].shape) for b in batches] == [(2, 3), (2, 9)]
    assert [b["lengths"].tolist() for b in batches] == [[2, 3], [9, 1]]


# ----------------------------------------------------------------- models
def _deep_models():
    return [cls for _, cls in all_estimators() if issubclass(cls, NeuralGenerator)]


@pytest.mark.parametrize("cls", _deep_models(), ids=lambda c: c.__name__)
def test_every_deep_model_has_the_shared_training_parameters(cls):
    params = inspect.signature(cls).parameters
    for name, default in SHARED_TRAINING_DEFAULTS.items():
        assert name in params and params[name].default == default, name
    for name in ("max_epochs", "batch_size", "lr"):
        assert name in params
    shared_doc = TRAINING_PARAMETERS.format(
        max_epochs=params["max_epochs"].default,
        batch_size=params["batch_size"].default,
        lr=params["lr"].default,
    )
    assert shared_doc in cls.__doc__


def test_inference_copies_the_module_once_per_training(monkeypatch):
    from skgen import VAE

    X = np.random.default_rng(0).normal(size=(100, 3))
    vae = VAE(n_components=2, hidden_layer_sizes=(8,), max_epochs=2, random_state=0).fit(X)
    module = vae._inference_module_
    assert next(module.parameters()).dtype == torch.float64
    copies = []
    monkeypatch.setattr(copy, "deepcopy", lambda *a, **k: copies.append(1))
    vae.score_samples(X), vae.sample(5), vae.transform(X), vae.inverse_transform(np.zeros((2, 2)))
    assert copies == [] and vae._inference_module_ is module


def test_sampling_noise_is_drawn_on_the_model_device():
    from skgen import VAE

    X = np.random.default_rng(0).normal(size=(60, 2))
    vae = VAE(n_components=1, hidden_layer_sizes=(4,), max_epochs=1, random_state=0).fit(X)
    generator = vae._torch_generator(np.random.default_rng(0))
    assert generator.device == torch.device(vae.net_.device)
