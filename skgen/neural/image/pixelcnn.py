"""Gated PixelCNN: exact likelihood of discrete pixel values."""

from numbers import Integral

from ...base import LatentMixin
from ...utils._sklearn import Interval
from .._docs import TRAINING_ATTRIBUTES, TRAINING_PARAMETERS
from ..modules.pixelcnn import PixelCNNModule
from ._base import IMAGE_PARAMETERS_NOTE, ImageGenerator

__all__ = ["PixelCNN"]


class PixelCNN(LatentMixin, ImageGenerator):
    __doc__ = f"""Gated PixelCNN: an autoregressive image model with an exact likelihood.

    Pixels are generated one at a time in raster order (channels of one
    pixel together), each from a mixture of ``n_logistic_components``
    logistics whose parameters come from gated masked convolutions over the
    pixels before it (a vertical and a horizontal stack, so no blind spot).
    For discrete images (8-bit, or whole-number pixels such as
    scikit-learn's digits) each mixture is discretised over the image's
    levels: ``score_samples`` is the exact log-probability of the pixel
    values (counting measure, ``score_kind = "exact"``), and
    :meth:`bits_per_dim` the bits per pixel value. Continuous images get the
    exact log-density instead.

    Fit with labels, ``fit(X, y)``, every layer also takes the class:
    ``sample(n, y=...)`` draws images of a class and ``score_samples(X, y)``
    is ``log p(x | y)``; :class:`skgen.ClassConditional` then uses one model
    for all classes. ``sample`` is ancestral: ``H x W`` forward passes.
    ``transform`` gives the spatial mean of the last feature maps, a summary
    of each image (the model has no latent variable and no
    ``inverse_transform``).

    Parameters
    ----------
    channels : int, default=64
        Feature maps of every layer.
    n_layers : int, default=5
        Gated layers after the first masked layer.
    kernel_size : int, default=3
        Odd size of the masked kernels.
    n_logistic_components : int, default=5
        Logistic components of each pixel's distribution.
{IMAGE_PARAMETERS_NOTE}
{TRAINING_PARAMETERS.format(max_epochs=30, batch_size=64, lr=1e-3)}

    Attributes
    ----------
{TRAINING_ATTRIBUTES}
    image_shape_ : tuple (C, H, W)
    n_levels_ : int or None
        Pixel levels of discrete images, ``None`` for continuous ones.
    classes_, class_prior_ : ndarray, only when fit with labels.

    See Also
    --------
    ConvVAE : a latent space and fast sampling; a bound on the likelihood.

    References
    ----------
    van den Oord et al., "Conditional Image Generation with PixelCNN Decoders",
    NeurIPS 2016.
    Salimans et al., "PixelCNN++", ICLR 2017 (discretised logistic mixtures).

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import PixelCNN
    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(0, 4, size=(64, 5, 5)).astype(np.uint8)
    >>> y = rng.integers(0, 2, size=64)
    >>> model = PixelCNN(channels=8, n_layers=1, max_epochs=2, random_state=0).fit(X, y)
    >>> model.sample(3, y=0, random_state=0).shape
    (3, 5, 5)
    >>> bool(model.bits_per_dim(X) > 0)
    True
    """

    score_kind = "exact"
    _parameter_constraints = {
        **ImageGenerator._parameter_constraints,
        "channels": [Interval(Integral, 1, None, closed="left")],
        "n_layers": [Interval(Integral, 0, None, closed="left")],
        "kernel_size": [Interval(Integral, 1, None, closed="left")],
        "n_logistic_components": [Interval(Integral, 1, None, closed="left")],
        "image_shape": [tuple, list, None],
    }

    def __init__(
        self,
        *,
        channels=64,
        n_layers=5,
        kernel_size=3,
        n_logistic_components=5,
        image_shape=None,
        max_epochs=30,
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
        self.channels = channels
        self.n_layers = n_layers
        self.kernel_size = kernel_size
        self.n_logistic_components = n_logistic_components
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
        if self.kernel_size % 2 == 0:
            raise ValueError(f"kernel_size must be odd, got {self.kernel_size}.")
        return PixelCNNModule(
            self.image_shape_,
            self.n_levels_,
            self.channels,
            self.n_layers,
            self.kernel_size,
            self.n_logistic_components,
            self.n_classes_,
        )

    def _module_scores(self, module, x):
        images, context = self._context_of(x)
        return module.log_prob(images, context)

    def _module_sample(self, module, n_samples, generator, **params):
        # H x W forward passes: the trained float32 module is several times
        # faster than the float64 copy that scores use, and exact enough to
        # pick a level.
        trained = self.net_.module_
        trained.eval()
        if "context" in params:
            params["context"] = params["context"].to(trained.out.weight.device)
        return trained.sample(n_samples, generator, **params).double()

    def _transform(self, data):
        return self._run(lambda module, x: module.encode(x), data)
