"""Convolutional variational autoencoder for images."""

from numbers import Integral, Real

import numpy as np
import torch
from sklearn.utils.validation import check_is_fitted

from ...utils import check_latent
from ...utils._noise import row_keyed_normal
from ...utils._sklearn import Interval
from .._docs import TRAINING_ATTRIBUTES, TRAINING_PARAMETERS
from .._latent import NeuralLatentMixin
from ..modules.conv_vae import ConvVAEModule
from ._base import IMAGE_PARAMETERS_NOTE, ImageGenerator

__all__ = ["ConvVAE"]


class ConvVAE(NeuralLatentMixin, ImageGenerator):
    __doc__ = f"""Convolutional variational autoencoder for images, optionally class-conditional.

    A Gaussian latent ``z ~ N(0, I)`` of size ``n_components`` is decoded by
    transposed convolutions into a mixture of ``n_logistic_components``
    logistics per pixel. For discrete images (8-bit, or whole-number pixels
    such as scikit-learn's digits) each pixel's mixture is discretised over
    the image's levels, so the likelihood, and the bound, are probabilities
    of the pixel values (counting measure); continuous images get the
    mixture's density. The encoder ``q(z|x)`` (stride-2 convolutions) is a
    diagonal Gaussian.

    Fit with labels, ``fit(X, y)``, the decoder also takes the class:
    ``sample(n, y=...)`` draws images of a class and ``score_samples(X, y)``
    bounds ``log p(x | y)``; :class:`skgen.ClassConditional` then uses one
    model for all classes. ``transform`` gives the posterior mean (no label
    needed) and ``inverse_transform(Z, y=None)`` the mean image of each
    latent point: interpolating between two ``transform``ed images decodes a
    path between them.

    ``score_samples`` is the importance-weighted lower bound on the
    log-probability with ``n_importance_samples`` samples (IWAE), a fixed
    function of each image (``score_kind = "lower_bound"``);
    :meth:`bits_per_dim` turns it into bits per pixel value.

    Parameters
    ----------
    n_components : int, default=16
        Latent dimension.
    channels : tuple of int, default=(32, 64)
        Channels of the encoder's stride-2 convolutions; the decoder mirrors them.
    n_logistic_components : int, default=5
        Logistic components of each pixel's distribution.
    beta : float, default=1.0
        Weight of the KL term of the training loss (``score_samples`` stays a
        bound whatever ``beta``).
    n_importance_samples : int, default=10
        Importance samples of ``score_samples``.
{IMAGE_PARAMETERS_NOTE}
{TRAINING_PARAMETERS.format(max_epochs=50, batch_size=64, lr=1e-3)}

    Attributes
    ----------
{TRAINING_ATTRIBUTES}
    image_shape_ : tuple (C, H, W)
    n_levels_ : int or None
        Pixel levels of discrete images, ``None`` for continuous ones.
    classes_, class_prior_ : ndarray, only when fit with labels.

    See Also
    --------
    PixelCNN : exact likelihood of the pixels, slower sampling.
    VAE : the same model on flattened pixels with an MLP.

    References
    ----------
    Kingma and Welling, "Auto-Encoding Variational Bayes", ICLR 2014.
    Sohn, Lee and Yan, "Learning Structured Output Representation using Deep
    Conditional Generative Models", NeurIPS 2015.
    Salimans et al., "PixelCNN++", ICLR 2017 (discretised logistic mixtures).

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import ConvVAE
    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(0, 4, size=(64, 6, 6)).astype(np.uint8)
    >>> y = rng.integers(0, 2, size=64)
    >>> vae = ConvVAE(n_components=2, channels=(8,), max_epochs=2, random_state=0).fit(X, y)
    >>> vae.sample(3, y=1, random_state=0).shape
    (3, 6, 6)
    >>> vae.transform(X[:2]).shape
    (2, 2)
    >>> bool(0 < vae.bits_per_dim(X) < 10)
    True
    """

    score_kind = "lower_bound"
    _parameter_constraints = {
        **ImageGenerator._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "channels": [tuple, list],
        "n_logistic_components": [Interval(Integral, 1, None, closed="left")],
        "beta": [Interval(Real, 0, None, closed="left")],
        "n_importance_samples": [Interval(Integral, 1, None, closed="left")],
        "image_shape": [tuple, list, None],
    }

    def __init__(
        self,
        n_components=16,
        *,
        channels=(32, 64),
        n_logistic_components=5,
        beta=1.0,
        n_importance_samples=10,
        image_shape=None,
        max_epochs=50,
        batch_size=64,
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
        self.channels = channels
        self.n_logistic_components = n_logistic_components
        self.beta = beta
        self.n_importance_samples = n_importance_samples
        self.image_shape = image_shape
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
        channels = self._checked_channels()
        return ConvVAEModule(
            self.image_shape_,
            self.n_levels_,
            self.n_components,
            channels,
            self.n_logistic_components,
            self.n_classes_,
            self.beta,
        )

    @property
    def _evaluations_per_score(self):
        return self.n_importance_samples

    def _module_scores(self, module, x):
        images, context = self._context_of(x)
        # Each image's draws are keyed by the image itself: scores are
        # deterministic and independent of the other images in the batch.
        k, n, d = self.n_importance_samples, images.shape[0], self.n_components
        flat = images.reshape(n, -1).cpu().numpy()
        draws = row_keyed_normal(flat, k * d, self._score_seed_)
        eps = torch.as_tensor(draws.reshape(k, d, n).transpose(0, 2, 1), device=images.device)
        return module.log_prob(images, eps, context)

    def inverse_transform(self, Z, y=None):
        """Decode latent points ``Z`` to images (each pixel's mean value, rounded to a level).

        Parameters
        ----------
        Z : array-like of shape (n_samples, n_components)
        y : label, array-like of shape (n_samples,) or None, default=None
            Class of each image, for a model fit with labels (required there).

        Returns
        -------
        X : images in the layout and dtype ``fit`` received
        """
        check_is_fitted(self)
        module = self._inference_module_
        Z = check_latent(Z, module.n_components)
        context = None
        if getattr(self, "classes_", None) is not None:
            if y is None:
                raise ValueError(
                    "This ConvVAE was fit with class labels: inverse_transform needs y."
                )
            context = torch.as_tensor(self._context_codes(y, len(Z)), device=self.net_.device)
        elif y is not None:
            self._context_codes(y, len(Z))  # raises: fit without labels
        with torch.no_grad():
            z = torch.as_tensor(Z, dtype=torch.float64, device=self.net_.device)
            decoded = module.decode(z, context).cpu().numpy()
        if self.n_levels_ is not None:  # the nearest level
            gaps = max(self.n_levels_ - 1, 1)
            decoded = -1.0 + 2.0 * np.round((decoded + 1.0) * gaps / 2.0) / gaps
        return self._decode(self._model_output(decoded), self._sampling_rng_)
