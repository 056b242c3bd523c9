"""ClassContextMixin: one model of p(x | y), classical or deep, used by ClassConditional."""

import numpy as np
import pytest
import torch
from scipy.special import logsumexp
from torch import nn

import skgen.base
from skgen import ClassConditional, DiffusionModel
from skgen.base import ClassContextMixin
from skgen.neural import NeuralGenerator

from _toy_generators import ConditionalDiagonalGaussian

torch.set_num_threads(1)


@pytest.fixture(scope="module")
def labelled():
    rng = np.random.default_rng(0)
    y = rng.choice(["a", "b", "c"], size=300, p=[0.5, 0.3, 0.2])
    centres = {"a": [0.0, 0.0], "b": [6.0, 0.0], "c": [0.0, 6.0]}
    X = np.array([centres[label] for label in y]) + rng.normal(size=(300, 2))
    return X, y, centres


class _ConditionalGaussianModule(nn.Module):
    """A Gaussian per class (learnt means, one shared diagonal scale), or one Gaussian."""

    loss_terms = ("nll",)

    def __init__(self, n_features, n_classes):
        super().__init__()
        self.means = nn.Parameter(torch.zeros(max(n_classes, 1), n_features))
        self.log_std = nn.Parameter(torch.zeros(n_features))

    def _mean(self, context, n):
        return self.means[context] if context is not None else self.means[0].expand(n, -1)

    def log_prob(self, x, context=None):
        z = (x - self._mean(context, len(x))) / self.log_std.exp()
        return (-0.5 * z**2 - self.log_std - 0.5 * np.log(2 * np.pi)).sum(-1)

    def loss(self, x, context=None):
        return {"nll": -self.log_prob(x, context).mean()}

    def sample(self, n_samples, generator, context=None):
        noise = torch.randn(
            n_samples, self.log_std.numel(), generator=generator, dtype=self.log_std.dtype
        )
        return self._mean(context, n_samples) + noise * self.log_std.exp()


class DeepConditionalGaussian(ClassContextMixin, NeuralGenerator):
    """A deep model with a class context, on the shared base (no fit/score/sample of its own)."""

    def __init__(self, *, max_epochs=60, batch_size=64, lr=0.1, optimizer="adam", device="auto",
                 callbacks=None, early_stopping=False, validation_fraction=0.1,
                 n_iter_no_change=10, warm_start=False, verbose=0, random_state=None):  # fmt: skip
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.device = device
        self.callbacks = callbacks
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.verbose = verbose
        self.random_state = random_state

    def _build_module(self):
        n_classes = getattr(self, "classes_", np.empty(0)).size
        return _ConditionalGaussianModule(len(self.layout_), n_classes)

    def _module_scores(self, module, x):
        return module.log_prob(**x) if isinstance(x, dict) else module.log_prob(x)


class SmallDiffusionModel(DiffusionModel):
    """A small DiffusionModel, trained long enough to place the classes (slow: 6 s a fit)."""

    def __init__(self, *, random_state=None):
        super().__init__(
            (64, 64), n_steps=50, n_sampling_steps=50, n_score_steps=5, max_epochs=100,
            batch_size=32, random_state=random_state,
        )  # fmt: skip


MODELS = [
    ConditionalDiagonalGaussian,
    DeepConditionalGaussian,
    # tests/test_diffusion.py checks its class context in the default run, on one shared fit.
    pytest.param(SmallDiffusionModel, id="DiffusionModel", marks=pytest.mark.slow),
]


@pytest.mark.parametrize("Model", MODELS)
def test_fit_with_labels_learns_each_class(Model, labelled):
    X, y, centres = labelled
    model = Model(random_state=0).fit(X, y)
    assert model.classes_.tolist() == ["a", "b", "c"]
    np.testing.assert_allclose(model.class_prior_, [np.mean(y == k) for k in "abc"])
    for label, centre in centres.items():
        rows = model.sample(400, y=label, random_state=1)
        np.testing.assert_allclose(rows.mean(axis=0), centre, atol=0.35)


@pytest.mark.parametrize("Model", MODELS)
def test_scores_given_labels_and_marginal(Model, labelled):
    X, y, _ = labelled
    model = Model(random_state=0).fit(X, y)
    per_class = np.column_stack([model.score_samples(X, y=np.full(len(X), k)) for k in "abc"])
    np.testing.assert_allclose(
        model.score_samples(X, y=y),
        per_class[np.arange(len(X)), np.searchsorted(["a", "b", "c"], y)],
    )
    marginal = logsumexp(per_class + np.log(model.class_prior_), axis=1)
    np.testing.assert_allclose(model.score_samples(X), marginal)
    assert model.score(X) == pytest.approx(marginal.mean())


@pytest.mark.parametrize("Model", MODELS)
def test_without_labels_it_is_an_ordinary_generator(Model, labelled):
    X, y, _ = labelled
    model = Model(random_state=0).fit(X)
    assert not hasattr(model, "classes_")
    assert model.sample(5).shape == (5, 2)
    np.testing.assert_allclose(
        model.sample(2000, random_state=0).mean(axis=0), X.mean(axis=0), atol=0.3
    )
    with pytest.raises(ValueError, match="without class labels"):
        model.sample(3, y="a")
    with pytest.raises(ValueError, match="without class labels"):
        model.score_samples(X, y=y)


@pytest.mark.parametrize("Model", MODELS)
def test_label_errors(Model, labelled):
    X, y, _ = labelled
    model = Model(random_state=0).fit(X, y)
    with pytest.raises(ValueError, match="not seen in fit"):
        model.sample(2, y="zzz")
    with pytest.raises(ValueError, match="labels for"):
        model.sample(3, y=["a", "b"])
    with pytest.raises(ValueError, match="labels for"):
        Model().fit(X, y[:10])


@pytest.mark.parametrize("Model", MODELS)
def test_unlabelled_samples_follow_the_prior_and_labels_follow_chunks(Model, labelled, monkeypatch):
    X, y, centres = labelled
    model = Model(random_state=0).fit(X, y)
    rows = model.sample(3000, random_state=0)
    share_b = np.mean(rows[:, 0] > 3)  # class b sits at x0 = 6
    assert share_b == pytest.approx(np.mean(y == "b"), abs=0.04)
    monkeypatch.setattr(skgen.base, "SAMPLE_CHUNK_SIZE", 7)
    labels = np.array(["a", "b", "c"] * 8)
    rows = model.sample(len(labels), y=labels, random_state=0, n_jobs=1)
    expected = np.array([centres[label] for label in labels])
    assert np.abs(rows - expected).max() < 5


def test_class_conditional_fits_a_deep_context_model_once(labelled):
    X, y, _ = labelled
    model = ClassConditional(DeepConditionalGaussian(random_state=0)).fit(X, y)
    assert len(model.estimators_) == 1 and model.estimators_[0].classes_.tolist() == ["a", "b", "c"]
    assert model.score(X, y) > 0.95
    X_new, y_new = model.sample(200, y="c", random_state=0)
    assert (y_new == "c").all() and X_new[:, 1].mean() > 4
