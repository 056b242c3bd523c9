"""What the GANs share: held-out rows, a generative validation score, the encoder, the estimate."""

import math
from abc import abstractmethod
from numbers import Integral, Real

import numpy as np
import torch
from skorch.callbacks import Callback, EarlyStopping

from ...utils import check_layer_sizes
from ...utils._noise import row_keyed_normal
from ...utils._sklearn import Interval
from .._base import NeuralGenerator, _seeded_torch
from .._latent import NeuralLatentMixin
from .._net import AdversarialNet, BatchIterator, GenerativeNet, take_batch
from ..modules.gan import GANModule, InversionModule
from ..modules.noise import standard_normal

__all__ = ["BaseGAN", "HoldOut", "ValidationMMD", "mmd2"]

# Candidate observation-noise standard deviations (encoded units) tried on the held-out rows.
_NOISE_GRID = np.geomspace(1e-3, 2.0, 23)
# Held-out rows scored when choosing the noise (more cost time, not accuracy).
_NOISE_ROWS = 500
# Learning rate of the encoder (a plain regression, unlike the GAN's careful steps).
_ENCODER_LR = 1e-3
# Share of importance samples drawn from the prior rather than around the code.
_PRIOR_SHARE = 0.1


class HoldOut:
    """skorch ``train_split``: a fixed random share of the rows, never trained on.

    Fewer than two held-out rows (tiny data) means no split.
    """

    def __init__(self, fraction, seed):
        self.fraction = fraction
        self.seed = seed

    def valid_index(self, n_rows):
        n_valid = int(n_rows * self.fraction)
        if n_valid < 2 or n_rows - n_valid < 2:
            return np.empty(0, dtype=np.int64)
        return np.sort(np.random.default_rng(self.seed).permutation(n_rows)[:n_valid])

    def __call__(self, dataset, y=None, **fit_params):
        valid = self.valid_index(len(dataset))
        if not len(valid):
            return dataset, None
        train = np.setdiff1d(np.arange(len(dataset)), valid)
        return torch.utils.data.Subset(dataset, train), torch.utils.data.Subset(dataset, valid)


def mmd2(a, b):
    """Unbiased squared MMD between row sets ``a`` and ``b``, RBF kernels at 3 bandwidths.

    The bandwidths are 0.5, 1 and 2 times the median distance between rows of ``a``.
    """
    n, m = a.shape[0], b.shape[0]
    aa, bb, ab = torch.cdist(a, a) ** 2, torch.cdist(b, b) ** 2, torch.cdist(a, b) ** 2
    median = aa[aa > 0].median() if (aa > 0).any() else aa.new_tensor(1.0)
    total = 0.0
    for factor in (0.25, 1.0, 4.0):  # squared bandwidth factors
        h = 2 * factor * median
        kaa, kbb, kab = torch.exp(-aa / h), torch.exp(-bb / h), torch.exp(-ab / h)
        total = total + (
            (kaa.sum() - n) / (n * (n - 1)) + (kbb.sum() - m) / (m * (m - 1)) - 2 * kab.mean()
        )
    return float(total)


class ValidationMMD(Callback):
    """Records ``valid_mmd``, the MMD between held-out rows and generated ones, every few epochs.

    A generative score to stop on: unlike the adversarial losses it falls as
    the samples get closer to the data. The generated rows use a fixed seed,
    so successive values differ by the model only. Between evaluations the
    last value is repeated (no improvement).
    """

    def __init__(self, interval=5, max_rows=500, seed=0):
        self.interval = interval
        self.max_rows = max_rows
        self.seed = seed

    def initialize(self):
        self.last_ = None
        return self

    def on_epoch_end(self, net, dataset_valid=None, **kwargs):
        if dataset_valid is None or len(dataset_valid) < 2:
            return
        epoch = len(net.history)
        if self.last_ is None or epoch % self.interval == 0:
            X, index = BatchIterator(dataset_valid)._rows()
            real = take_batch(X, index[: self.max_rows])
            real = (real["x"] if isinstance(real, dict) else real).to(net.device)  # no context
            generator = torch.Generator(device=net.device).manual_seed(self.seed)
            with torch.no_grad():
                fake = net.module_.sample(real.shape[0], generator).to(real.dtype)
                self.last_ = mmd2(real.flatten(1), fake.flatten(1))  # images as rows
        net.history.record("valid_mmd", self.last_)


class BaseGAN(NeuralLatentMixin, NeuralGenerator):
    """A WGAN-GP with an inference encoder and an importance-sampled log-density estimate.

    Training: the adversarial net on all rows but a held-out share
    (``validation_fraction``); then the encoder, against the frozen
    generator; then the observation noise, by maximising the estimate on
    the held-out rows. Subclasses choose the packing and the conditioning.
    """

    score_kind = "estimate"
    _net_class = AdversarialNet
    _fused_adam = True
    _optimizer_names = ("optimizer", "optimizer_critic")
    _parameter_constraints = {
        **NeuralGenerator._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "generator_layer_sizes": [tuple, list],
        "critic_layer_sizes": [tuple, list],
        "encoder_layer_sizes": [tuple, list, None],
        "n_critic": [Interval(Integral, 1, None, closed="left")],
        "gradient_penalty": [Interval(Real, 0, None, closed="left")],
        "critic_lr": [Interval(Real, 0, None, closed="neither"), None],
        "n_importance_samples": [Interval(Integral, 1, None, closed="left")],
        "encoder_max_epochs": [Interval(Integral, 1, None, closed="left")],
        "validation_interval": [Interval(Integral, 1, None, closed="left")],
    }

    @abstractmethod
    def __init__(self):
        """Each GAN declares its own hyper-parameters."""

    # ------------------------------------------------------------ training
    def _module_options(self):
        """:class:`GANModule` options a subclass sets (a plain WGAN-GP: no packing, no conditions)."""
        return {"pac": 1, "tau": 0.2, "conditional": False}

    def _build_module(self):
        generator_sizes = check_layer_sizes(self.generator_layer_sizes, "generator_layer_sizes")
        encoder_sizes = self.encoder_layer_sizes
        if encoder_sizes is None:
            encoder_sizes = tuple(reversed(generator_sizes))
        module = GANModule(
            self.layout_,
            self.n_components,
            generator_sizes,
            check_layer_sizes(self.critic_layer_sizes, "critic_layer_sizes"),
            check_layer_sizes(encoder_sizes, "encoder_layer_sizes"),
            gradient_penalty_weight=self.gradient_penalty,
            **self._module_options(),
        )
        module.head.init_output(self._mean_row)
        return module

    def _prepare(self, data):
        super()._prepare(data)
        self._mean_row = self._model_input(data, np.float64).mean(axis=0)

    def _net_params(self):
        optimizer = self._optimizer_class()
        params = {"n_critic": self.n_critic, "optimizer_critic": optimizer}
        if self.critic_lr is not None:
            params["optimizer_critic__lr"] = self.critic_lr
        if optimizer in (torch.optim.Adam, torch.optim.AdamW):
            # The usual WGAN-GP momentum: a critic that follows the generator closely.
            params["optimizer__betas"] = params["optimizer_critic__betas"] = (0.5, 0.9)
        return params

    def _train_split(self, seed):
        # Always: the held-out rows fit the observation noise (and feed early stopping).
        return HoldOut(self.validation_fraction, seed)

    def _early_stopping_callbacks(self):
        return [
            ValidationMMD(self.validation_interval),
            EarlyStopping(
                monitor="valid_mmd",
                patience=self.n_iter_no_change * self.validation_interval,
                load_best=True,
            ),
        ]

    def _after_training(self, data):
        n_rows = len(data)
        valid = self.net_.train_split.valid_index(n_rows)
        train = np.setdiff1d(np.arange(n_rows), valid)
        seed = self._score_seed_ + len(self.net_.history)
        with _seeded_torch(seed, self.net_.device):
            inversion = GenerativeNet(
                InversionModule(self.net_.module_),
                max_epochs=self.encoder_max_epochs,
                batch_size=self.batch_size,
                lr=_ENCODER_LR,
                optimizer=self._optimizer_class(),
                device=self.net_.device,
                iterator_train__shuffle=True,
                verbose=0,
            )
            inversion.fit(self._model_input(data, np.float32)[train])
        self.encoder_history_ = inversion.history
        super()._after_training(data)
        module = self._inference_module_
        generator = torch.Generator(device=self.net_.device).manual_seed(seed)
        with torch.no_grad():
            scale = _inversion_error(module, 2000, generator).clamp(0.05, 1.0)
        self._set_buffer("proposal_scale", scale)
        held_out = data[valid] if len(valid) else data[train]
        self.noise_std_ = self._fit_noise(held_out[:_NOISE_ROWS])
        self._set_buffer("log_noise_std", torch.tensor(math.log(self.noise_std_)))

    def _set_buffer(self, name, value):
        """Set a buffer of the trained module and, as rounded there, of the inference copy.

        So a model rebuilt from the trained module (on unpickling) scores the same.
        """
        trained = getattr(self.net_.module_, name)
        trained.copy_(value.to(trained.device))
        getattr(self._inference_module_, name).copy_(trained)

    def _fit_noise(self, rows):
        """The observation noise that maximises the mean estimate on ``rows`` (a grid search)."""
        if self._inference_module_.head.n_continuous == 0:
            return 1.0
        grid = torch.as_tensor(_NOISE_GRID, dtype=torch.float64, device=self.net_.device)
        scores = self._run(
            lambda module, x: self._estimate(module, x, grid).T,
            rows,
            self.n_importance_samples * len(_NOISE_GRID),
        )
        return float(_NOISE_GRID[int(np.argmax(scores.mean(axis=0)))])

    # ----------------------------------------------------------- inference
    @property
    def _evaluations_per_score(self):
        return self.n_importance_samples

    def _estimate(self, module, x, noise_std=None):
        # Each row's draws are keyed by the row itself: scores are deterministic
        # and row-independent, and the noise of score() averages out over rows.
        # A class-conditional model's input is a dict with the class codes as "context".
        x, context = (x["x"], {"context": x["context"]}) if isinstance(x, dict) else (x, {})
        k, n, d = self.n_importance_samples, x.shape[0], self.n_components
        draws = row_keyed_normal(x.reshape(n, -1).cpu().numpy(), k * d, self._score_seed_)
        eps = torch.as_tensor(draws.reshape(k, d, n).transpose(0, 2, 1), device=x.device)
        return module.log_prob(x, eps, int(_PRIOR_SHARE * k), noise_std, **context)

    def _module_scores(self, module, x):
        return self._estimate(module, x)

    def critic_score(self, X):
        """The critic's raw output for each row of ``X`` (higher: more like the data).

        Not a log-density: a Wasserstein critic is defined up to a constant
        and only differences between rows mean something. With packing, each
        row is scored in a pack of copies of itself.

        Parameters
        ----------
        X : array-like or DataFrame of shape (n_samples, n_features)

        Returns
        -------
        scores : ndarray of shape (n_samples,)
        """
        data = self._validate_input(X)
        pac = self.net_.module_.pac
        return self._run(lambda module, x: module.critic_score(x), data, pac)


def _inversion_error(module, n_samples, generator, chunk=250):
    """Root-mean-square error of the encoder, per latent dimension, on generated pairs.

    Drawn ``chunk`` pairs at a time, so little memory is held at once.
    """
    squared = 0.0
    for start in range(0, n_samples, chunk):
        n = min(chunk, n_samples - start)
        z = standard_normal((n, module.n_components), generator, module.log_noise_std)
        rows = module.head.sample(module.generator(z), generator, continuous_noise=False)
        squared = squared + ((module.encoder(rows) - z) ** 2).sum(0)
    return (squared / n_samples).sqrt()
