"""The image kind: arrays of images, 8-bit or any numeric dtype."""

import numpy as np
from scipy import sparse
from sklearn.utils.validation import check_array, validate_data

from ..utils._noise import row_keyed_uniform
from ._table import as_view

__all__ = ["ImageCodec", "image_shape_of_rows", "is_image_array"]


def is_image_array(X, *, rows):
    """An array of images: ``(n, H, W)`` or ``(n, C, H, W)``; with ``rows``, also ``(n, D)``."""
    if hasattr(X, "iloc") or isinstance(X, (str, bytes)):
        return False
    if hasattr(X, "ndim"):
        ndim = X.ndim
    else:  # an array-like: lists, or objects with __array__
        try:
            ndim = np.asarray(X).ndim
        except (TypeError, ValueError):  # ragged nesting: not an image array
            return False
    return ndim in (3, 4) or (rows and ndim == 2)


def image_shape_of_rows(image_shape, n_features, name="X"):
    """``(C, H, W)`` of rows of ``n_features`` pixels, from ``image_shape`` ``(H, W)`` or ``(C, H, W)``."""
    shape = tuple(int(s) for s in image_shape)
    shape = shape if len(shape) == 3 else (1,) + shape
    if int(np.prod(shape)) != n_features:
        raise ValueError(
            f"image_shape={tuple(image_shape)} has {int(np.prod(shape))} pixels "
            f"but the rows of {name} have {n_features} features."
        )
    return shape


class ImageCodec:
    """Images as pixel arrays, in the shape and dtype they came in.

    ``fit`` takes ``(n, H, W)`` or ``(n, C, H, W)`` arrays, or 2-D rows of
    flattened pixels shaped by the estimator's ``image_shape`` (``(H, W)`` or
    ``(C, H, W)``; rows without one are ``1 x D`` images). ``sample`` returns
    the same layout and dtype: 8-bit images come back as 8-bit.

    Images whose pixels are all whole numbers (any integer dtype, or floats
    such as scikit-learn's digits) are *discrete*, with levels from the
    smallest to the largest training value. A continuous density cannot be
    fit to discrete values directly, so for a model that asks for it
    (``dequantize=True``) each image is dequantised: ``y = x + u`` with ``u``
    uniform on ``[0, 1)`` per pixel, drawn as a fixed function of the image
    and the fit's seed. ``score_samples`` is then ``log p(x + u)``, the
    log-density of the dequantised image in pixel units; its expectation over
    ``u`` is a lower bound on ``log P(x)``, the log-probability of the
    discrete pixel values, and ``-score / (D ln 2)`` is bits per dimension.
    Samples are ``floor(y)``, clipped to the training levels. Non-integer
    images are used as they are, and samples are clipped to the training range.

    Parameters
    ----------
    view : {"flat", "image"}
        What the model works on: ``(n, D)`` rows (every tabular model, in
        the table kind's form) or ``(n, C, H, W)`` float arrays.
    dequantize : bool
        Add the dequantisation noise to discrete images.
    table_view : {"mixed", "matrix"}
        For ``view="flat"``, the table kind's form the model takes.
    """

    kind = "image"

    def __init__(self, view="flat", dequantize=True, table_view="matrix"):
        self.view = view
        self.dequantize = dequantize
        self.table_view = table_view

    def _validate(self, estimator, X, reset):
        if sparse.issparse(X):
            raise TypeError(
                "Sparse input is not supported for images; pass a dense array (X.toarray())."
            )
        X = np.asarray(X)
        if X.ndim <= 2:  # rows of pixels (and 1-D input, rejected with scikit-learn's message)
            X = validate_data(estimator, X, reset=reset, dtype=None)
        elif reset:
            estimator.n_features_in_ = int(np.prod(X.shape[1:]))
        flat = check_array(
            X.reshape(X.shape[0], int(np.prod(X.shape[1:]))),
            dtype=None if X.dtype.kind in "iub" else [np.float64, np.float32],
            input_name="X",
        )
        if flat.dtype.kind == "b":
            flat = flat.astype(np.uint8)
        return X, flat

    def _image_shape(self, estimator, X):
        if X.ndim == 4:
            return X.shape[1:]
        if X.ndim == 3:
            return (1,) + X.shape[1:]
        shape = getattr(estimator, "image_shape", None)
        if shape is None:
            return (1, 1, X.shape[1])
        return image_shape_of_rows(shape, X.shape[1])

    def fit(self, estimator, X, *, lengths=None, seed=0):
        X, flat = self._validate(estimator, X, reset=True)
        self.input_shape = X.shape[1:]
        self.dtype = X.dtype
        self.image_shape = self._image_shape(estimator, X)
        values = flat.astype(np.float64)
        self.low, self.high = float(values.min()), float(values.max())
        self.discrete = bool(np.all(values == np.round(values)))
        self.noise_seed = int(seed)
        return self._to_model(values)

    @property
    def n_levels(self):
        """Number of pixel levels of discrete images (``high - low + 1``)."""
        return int(self.high - self.low) + 1 if self.discrete else None

    @property
    def dequantized(self):
        return self.discrete and self.dequantize

    def encode(self, estimator, X, *, lengths=None):
        X, flat = self._validate(estimator, X, reset=False)
        if X.shape[1:] != self.input_shape:
            raise ValueError(
                f"Expected images of shape {self.input_shape} (after the sample axis), "
                f"got {X.shape[1:]}."
            )
        return self._to_model(flat.astype(np.float64))

    def _to_model(self, values):
        if self.dequantized:
            values = values + row_keyed_uniform(values, values.shape[1], self.noise_seed).T
        if self.view == "image":
            return values.reshape((-1,) + tuple(self.image_shape))
        return as_view(values, self.table_view)

    def decode(self, data, rng):
        values = getattr(data, "continuous", data)
        values = np.asarray(values, dtype=np.float64).reshape(values.shape[0], -1)
        if self.discrete:
            values = np.floor(values) if self.dequantized else np.rint(values)
        values = np.clip(values, self.low, self.high)
        return values.astype(self.dtype).reshape((-1,) + tuple(self.input_shape))

    @staticmethod
    def log_jacobian(estimator, X, *, lengths=None):
        return 0.0

    @staticmethod
    def concat(parts):
        return np.concatenate(parts)
