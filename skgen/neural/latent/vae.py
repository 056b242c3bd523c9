"""Variational autoencoder estimator."""

from numbers import Integral, Real

import torch

from ...utils import check_layer_sizes
from ...utils._noise import row_keyed_normal
from ...utils._sklearn import Interval
from .._base import NeuralGenerator
from .._docs import CONTINUOUS_PARAMETER, TRAINING_ATTRIBUTES, TRAINING_PARAMETERS
from .._latent import NeuralLatentMixin
from ..modules import VAEModule

__all__ = ["VAE"]


class VAE(NeuralLatentMixin, NeuralGenerator):
    __doc__ = f"""Variational autoencoder for numeric arrays and mixed-type tables.

    A Gaussian latent ``z ~ N(0, I)`` of size ``n_components`` is decoded by an
    MLP into a mixed likelihood: a Gaussian for each continuous value and a
    categorical for each discrete column (and each missing-value flag). The
    encoder ``q(z|x)`` is a diagonal Gaussian. Training maximises the
    ``beta``-weighted evidence lower bound with skorch.

    ``score_samples`` is a lower bound on the log-density in the original
    space (``score_kind = "lower_bound"``): the importance-weighted bound with
    ``n_importance_samples`` samples (IWAE; one sample is the ELBO). More
    samples give a tighter bound. Each row's samples are a fixed function of
    the row, so its score is deterministic and independent of the other rows,
    while different rows get independent samples.

    Parameters
    ----------
    n_components : int, default=16
        Latent dimension.
    hidden_layer_sizes : tuple of int, default=(128, 128)
        Encoder widths; the decoder mirrors them.
    beta : float, default=1.0
        Weight of the KL term of the training loss. ``beta < 1`` favours
        faithful reconstructions, which often gives more realistic synthetic
        tables (TVAE's ``loss_factor=2`` is ``beta=0.5``); ``score_samples``
        stays a valid bound on the log-density whatever ``beta``.
    n_importance_samples : int, default=10
        Importance samples of ``score_samples``.
{CONTINUOUS_PARAMETER}
{TRAINING_PARAMETERS.format(max_epochs=100, batch_size=256, lr=1e-3)}

    Attributes
    ----------
{TRAINING_ATTRIBUTES}

    See Also
    --------
    Autoencoder : deterministic codes, reconstruction score.

    References
    ----------
    Kingma and Welling, "Auto-Encoding Variational Bayes", ICLR 2014.
    Burda, Grosse and Salakhutdinov, "Importance Weighted Autoencoders", ICLR 2016.
    Xu et al., "Modeling Tabular Data using Conditional GAN" (TVAE), NeurIPS 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import VAE
    >>> X = np.random.default_rng(0).normal(size=(200, 3))
    >>> vae = VAE(n_components=2, max_epochs=5, random_state=0).fit(X)
    >>> vae.sample(4, random_state=0).shape
    (4, 3)
    >>> vae.transform(X[:2]).shape
    (2, 2)
    >>> bool(np.isfinite(vae.score(X)))
    True
    """

    score_kind = "lower_bound"
    _parameter_constraints = {
        **NeuralGenerator._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": [tuple, list],
        "beta": [Interval(Real, 0, None, closed="left")],
        "n_importance_samples": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        n_components=16,
        *,
        hidden_layer_sizes=(128, 128),
        beta=1.0,
        n_importance_samples=10,
        continuous="quantile",
        max_epochs=100,
        batch_size=256,
        lr=1e-3,
        optimizer="adam",
        device="auto",
        callbacks=None,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        warm_start=False,
        verbose=0,
        random_state=None,
    ):
        self.n_components = n_components
        self.hidden_layer_sizes = hidden_layer_sizes
        self.beta = beta
        self.n_importance_samples = n_importance_samples
        self.continuous = continuous
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
        return VAEModule(
            self.layout_, self.n_components, check_layer_sizes(self.hidden_layer_sizes), self.beta
        )

    @property
    def _evaluations_per_score(self):
        return self.n_importance_samples

    def _module_scores(self, module, x):
        # Each row's draws are keyed by the row itself: scores are deterministic
        # and row-independent, and the noise of score() averages out over rows.
        k, n, d = self.n_importance_samples, x.shape[0], self.n_components
        draws = row_keyed_normal(x.cpu().numpy(), k * d, self._score_seed_)
        eps = torch.as_tensor(draws.reshape(k, d, n).transpose(0, 2, 1), device=x.device)
        return module.log_prob(x, eps)
