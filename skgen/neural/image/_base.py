"""ImageGenerator: the shared base of skgen's convolutional image models."""

import numpy as np

from ...base import ClassContextMixin
from ...utils._validation import check_layer_sizes
from .._base import NeuralGenerator

__all__ = ["IMAGE_PARAMETERS_NOTE", "ImageGenerator"]

IMAGE_PARAMETERS_NOTE = """\
    image_shape : tuple of int or None, default=None
        ``(H, W)`` or ``(C, H, W)`` of each image when ``fit`` gets rows of
        flattened pixels (``(n, H, W)`` and ``(n, C, H, W)`` arrays carry their
        own shape); rows without it are ``1 x D`` images."""


class ImageGenerator(ClassContextMixin, NeuralGenerator):
    """Base of the convolutional image models: images in, ``(n, C, H, W)`` tensors to the module.

    Pixels are scaled to ``[-1, 1]`` (``mean_``, ``scale_``, scalars). Discrete
    images (whole-number pixels, e.g. 8-bit or scikit-learn's digits) keep
    their levels, ``low`` to ``high``: level ``k`` becomes ``-1 + 2k /
    (n_levels - 1)`` and the module scores the probability of the levels
    (counting measure, no Jacobian). Continuous images are scored as
    densities, with the log-Jacobian of the scaling added.

    Class-conditional in one model (:class:`~skgen.base.ClassContextMixin`):
    ``fit(X, y)`` learns ``p(x | y)``; the module receives the class codes as
    ``context``. The subclass builds its module from ``image_shape_``,
    ``n_levels_`` and ``n_classes_``.
    """

    _data_kinds = ("image",)
    _image_view = "image"
    _dequantize_images = False  # the modules score discrete levels exactly

    def _checked_channels(self):
        """``channels`` as a tuple of positive ints, one per resolution."""
        return check_layer_sizes(
            self.channels, "channels", meaning="the channels at each resolution", allow_empty=False
        )

    def _prepare(self, data):
        codec = self.codec_
        self.image_shape_ = tuple(int(s) for s in codec.image_shape)
        self.n_levels_ = codec.n_levels
        span = (self.n_levels_ - 1) if codec.discrete else codec.high - codec.low
        span = float(span) if span > 0 else 1.0
        self.mean_ = codec.low + span / 2.0
        self.scale_ = span / 2.0
        self.n_classes_ = int(getattr(self, "classes_", np.empty(0)).size)

    def _input_log_jacobian(self):
        if self.n_levels_ is not None:
            return 0.0  # probabilities of levels: counting measure
        return -np.log(self.scale_) * int(np.prod(self.image_shape_))

    def _context_of(self, x):
        """``(images, context)`` of a model-input batch (a tensor, or a dict with a context)."""
        if isinstance(x, dict):
            return x["x"], x["context"]
        return x, None

    def bits_per_dim(self, X, y=None):
        """Mean negative log2-likelihood per pixel value: ``-score / (D ln 2)``.

        For discrete images (counting measure) this is the number of bits a
        code built from the model needs per pixel; ``D = C * H * W``.

        Parameters
        ----------
        X : array of images
        y : array-like of labels or None, default=None
            For a class-conditional model, score ``log p(x | y)``.

        Returns
        -------
        bits : float
        """
        scores = self.score_samples(X, y) if y is not None else self.score_samples(X)
        return float(-np.mean(scores) / (np.prod(self.image_shape_) * np.log(2.0)))
