"""Autoencoder estimator with a Gaussian-mixture density on its codes for sampling."""

from numbers import Integral, Real

import torch
from sklearn.mixture import GaussianMixture

from ...utils import check_layer_sizes
from ...utils._sklearn import Interval
from .._base import NeuralGenerator
from .._docs import CONTINUOUS_PARAMETER, TRAINING_ATTRIBUTES, TRAINING_PARAMETERS
from .._latent import NeuralLatentMixin
from ..modules import AutoencoderModule
from ..modules.noise import standard_normal

__all__ = ["Autoencoder"]


class Autoencoder(NeuralLatentMixin, NeuralGenerator):
    __doc__ = f"""(Denoising) autoencoder for numeric arrays and mixed-type tables.

    An MLP encodes each row to a code of size ``n_components`` and an MLP
    decodes it back; the loss is half the squared error of continuous values
    plus the cross-entropy of discrete columns. ``noise > 0`` corrupts the
    input with Gaussian noise during training (denoising autoencoder).

    ``transform`` gives the code and ``inverse_transform`` decodes codes.
    ``sample`` draws codes from a Gaussian mixture fit on the training codes
    and decodes them (discrete columns drawn from the decoder's softmax).

    ``score_samples`` is the **negative reconstruction error**
    (``score_kind = "reconstruction"``), computed in the model's standardised
    space. It is not a log-density and is not comparable with the scores of
    density models; it suits anomaly detection (higher is more normal).

    Parameters
    ----------
    n_components : int, default=8
        Code size.
    hidden_layer_sizes : tuple of int, default=(128, 128)
        Encoder widths; the decoder mirrors them.
    noise : float, default=0.0
        Standard deviation of the input corruption while training.
    n_mixture_components : int, default=10
        Components of the Gaussian mixture fit on the codes (at most the
        number of training rows).
{CONTINUOUS_PARAMETER}
{TRAINING_PARAMETERS.format(max_epochs=100, batch_size=256, lr=1e-3)}

    Attributes
    ----------
{TRAINING_ATTRIBUTES}
    latent_mixture_ : sklearn.mixture.GaussianMixture
        Density of the training codes, refit after every training call.

    See Also
    --------
    VAE : probabilistic codes and a likelihood bound.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import Autoencoder
    >>> X = np.random.default_rng(0).normal(size=(200, 4))
    >>> ae = Autoencoder(n_components=2, max_epochs=5, random_state=0).fit(X)
    >>> Z = ae.transform(X[:3])
    >>> ae.inverse_transform(Z).shape
    (3, 4)
    >>> ae.sample(5, random_state=0).shape
    (5, 4)
    """

    score_kind = "reconstruction"
    _parameter_constraints = {
        **NeuralGenerator._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": [tuple, list],
        "noise": [Interval(Real, 0, None, closed="left")],
        "n_mixture_components": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        n_components=8,
        *,
        hidden_layer_sizes=(128, 128),
        noise=0.0,
        n_mixture_components=10,
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
        self.noise = noise
        self.n_mixture_components = n_mixture_components
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
        layout = self.layout_
        return AutoencoderModule(
            layout, self.n_components, check_layer_sizes(self.hidden_layer_sizes), self.noise
        )

    def _fit(self, data, seed, **kwargs):
        if len(data) < 2:
            raise ValueError(
                f"Autoencoder needs at least 2 rows, got n_samples={len(data)}: it "
                "samples from a Gaussian mixture fit to the codes of the training rows."
            )
        super()._fit(data, seed, **kwargs)

    def _after_training(self, data):
        super()._after_training(data)
        codes = self._transform(data)
        self.latent_mixture_ = GaussianMixture(
            n_components=min(self.n_mixture_components, codes.shape[0]),
            reg_covar=1e-4,
            random_state=self._score_seed_,
        ).fit(codes)

    def _module_scores(self, module, x):
        return -module.reconstruction_error(x)

    def _module_sample(self, module, n_samples, generator):
        mixture = self.latent_mixture_
        reference = module.head.linear.weight
        weights = torch.as_tensor(mixture.weights_, dtype=reference.dtype, device=reference.device)
        component = torch.multinomial(weights, n_samples, replacement=True, generator=generator)
        cholesky = torch.linalg.cholesky(
            torch.as_tensor(mixture.covariances_, dtype=reference.dtype, device=reference.device)
        )
        noise = standard_normal((n_samples, mixture.means_.shape[1], 1), generator, reference)
        means = torch.as_tensor(mixture.means_, dtype=reference.dtype, device=reference.device)
        codes = means[component] + (cholesky[component] @ noise).squeeze(-1)
        return module.decode_sample(codes, generator)
