"""Image metrics that need no download: features of a small CNN that skgen trains on the real images.

The published FID and inception score use Inception-v3, trained on
ImageNet, whose weights must be downloaded and which knows nothing of
8 x 8 digits. Here the feature network is a small convolutional classifier
trained on the real images themselves (:class:`ImageFeatureExtractor`); the
Fréchet distance, inception score and precision/recall/density/coverage are
computed on its features and class probabilities. They rank models on one
dataset; they are **not** comparable with FID/IS values from papers.
"""

import hashlib
from collections import OrderedDict
from numbers import Integral, Real

import numpy as np
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.cluster import KMeans
from sklearn.utils import column_or_1d
from sklearn.utils.validation import check_is_fitted

from ..preprocessing._image import image_shape_of_rows
from ..utils import seed_from
from ..utils._sklearn import Interval, _fit_context
from ._distances import _gaussian_frechet, inception_score
from ._fidelity import precision_recall_density_coverage

__all__ = ["ImageFeatureExtractor", "as_images", "image_feature_extractor", "image_scores"]


def as_images(X, image_shape=None, *, name="X"):
    """``X`` as a float ``(n, C, H, W)`` array: images ``(n, H, W)``, ``(n, C, H, W)``, or rows.

    Rows ``(n, D)`` take ``image_shape`` (``(H, W)`` or ``(C, H, W)``).
    """
    X = np.asarray(X)
    if X.dtype.kind not in "biuf":
        raise ValueError(f"{name} must hold numbers (pixel values), got dtype {X.dtype}.")
    if X.ndim == 2:
        if image_shape is None:
            raise ValueError(f"{name} is 2-D: give image_shape=(H, W) or (C, H, W) of its rows.")
        X = X.reshape((len(X),) + image_shape_of_rows(image_shape, X.shape[1], name))
    elif X.ndim == 3:
        X = X[:, None]
    elif X.ndim != 4:
        raise ValueError(
            f"{name} must be images (n, H, W) or (n, C, H, W), or rows with image_shape; "
            f"got shape {X.shape}."
        )
    X = X.astype(np.float64)
    if len(X) == 0:
        raise ValueError(f"{name} has no images.")
    if not np.isfinite(X).all():
        raise ValueError(f"{name} has NaN or infinite pixel values.")
    return X


class ImageFeatureExtractor(TransformerMixin, BaseEstimator):
    """Features and class probabilities of a small CNN that skgen trains on real images.

    Not the Inception network: a few stride-2 convolutions and a linear
    layer, trained (through skorch) to predict the real images' labels
    ``y``, or with no labels the k-means cluster of each image.
    ``transform`` gives the penultimate features (``n_features`` per image),
    ``predict_proba`` the class probabilities: what :func:`image_scores`
    compares (Fréchet distance, inception score, precision/recall/density/
    coverage, conditional accuracy). Metrics computed with it rank models on
    one dataset and are not comparable with published FID/IS.

    Parameters
    ----------
    image_shape : tuple or None, default=None
        Shape of one image when ``X`` is given as rows.
    channels : tuple of int, default=(32, 64)
        Channels of the stride-2 convolutions.
    n_features : int, default=64
    n_clusters : int, default=10
        Pseudo-classes (k-means on the pixels) when ``fit`` gets no ``y``.
    max_epochs : int, default=15
    batch_size : int, default=128
    lr : float, default=2e-3
    device : str, default="auto"
    random_state : int, RandomState or None, default=0

    Attributes
    ----------
    classes_ : ndarray
    low_, high_ : float
        Pixel range of the training images (scaled to ``[-1, 1]`` inside).
    net_ : skgen.neural.GenerativeNet

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import ImageFeatureExtractor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(0, 16, size=(100, 8, 8))
    >>> y = (X[:, :4].mean(axis=(1, 2)) > X[:, 4:].mean(axis=(1, 2))).astype(int)
    >>> extractor = ImageFeatureExtractor(n_features=8, max_epochs=2).fit(X, y)
    >>> extractor.transform(X[:3]).shape, extractor.predict_proba(X[:3]).shape
    ((3, 8), (3, 2))
    """

    _parameter_constraints = {
        "image_shape": [tuple, list, None],
        "channels": [tuple, list],
        "n_features": [Interval(Integral, 1, None, closed="left")],
        "n_clusters": [Interval(Integral, 2, None, closed="left")],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "device": [str],
        "random_state": ["random_state"],
    }

    def __init__(self, image_shape=None, *, channels=(32, 64), n_features=64, n_clusters=10,
                 max_epochs=15, batch_size=128, lr=2e-3, device="auto", random_state=0):  # fmt: skip
        self.image_shape = image_shape
        self.channels = channels
        self.n_features = n_features
        self.n_clusters = n_clusters
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.device = device
        self.random_state = random_state

    def _scaled(self, X, reset=False):
        images = as_images(X, self.image_shape)
        if reset:
            self.low_, self.high_ = float(images.min()), float(images.max())
            self.input_shape_ = images.shape[1:]
        elif images.shape[1:] != self.input_shape_:
            raise ValueError(
                f"Expected images of shape {self.input_shape_}, got {images.shape[1:]}."
            )
        span = (self.high_ - self.low_) or 1.0
        return (2.0 * (images - self.low_) / span - 1.0).astype(np.float32)

    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None):
        """Train the classifier on the images ``X`` (labels ``y``, or k-means pseudo-classes).

        Parameters
        ----------
        X : images (n, H, W) or (n, C, H, W), or rows with ``image_shape``
        y : array-like of shape (n,), default=None

        Returns
        -------
        self : object
        """
        from ..neural._base import _resolve_device, _seeded_torch
        from ..neural._net import GenerativeNet
        from ..neural.modules.conv import ConvClassifier

        images = self._scaled(X, reset=True)
        seed = seed_from(self.random_state)
        if y is None:
            n_clusters = max(2, min(self.n_clusters, len(images) // 2))
            y = KMeans(n_clusters, n_init=3, random_state=seed).fit_predict(
                images.reshape(len(images), -1)
            )
        y = column_or_1d(y)
        if len(y) != len(images):
            raise ValueError(f"y has {len(y)} labels for {len(images)} images.")
        self.classes_, codes = np.unique(y, return_inverse=True)
        device = _resolve_device(self.device)
        with _seeded_torch(seed, device):  # weight initialisation and batch order
            module = ConvClassifier(
                images.shape[1:], tuple(self.channels), self.n_features, len(self.classes_)
            )
            self.net_ = GenerativeNet(
                module, max_epochs=self.max_epochs, batch_size=self.batch_size, lr=self.lr,
                optimizer=__import__("torch").optim.Adam, device=device,
                iterator_train__shuffle=True, verbose=0,
            )  # fmt: skip
            self.net_.fit({"x": images, "label": codes.astype(np.int64)})
        self.net_.module_.eval()
        return self

    def _forward(self, X, method):
        import torch

        check_is_fitted(self)
        images = self._scaled(X)
        module = self.net_.module_
        outputs = []
        with torch.no_grad():
            for start in range(0, len(images), 1024):
                batch = torch.from_numpy(images[start : start + 1024]).to(self.net_.device)
                outputs.append(getattr(module, method)(batch).double().cpu().numpy())
        return np.concatenate(outputs)

    def transform(self, X):
        """Penultimate features of each image, ``(n, n_features)``."""
        return self._forward(X, "features")

    def predict_proba(self, X):
        """Class probabilities of each image, ``(n, n_classes)``."""
        logits = self._forward(X, "forward")
        logits -= logits.max(axis=1, keepdims=True)
        proba = np.exp(logits)
        return proba / proba.sum(axis=1, keepdims=True)

    def predict(self, X):
        """Most probable class of each image."""
        return self.classes_[self.predict_proba(X).argmax(axis=1)]

    def score(self, X, y):
        """Accuracy on ``(X, y)``."""
        return float(np.mean(self.predict(X) == column_or_1d(y)))


#: Extractors trained on recent datasets: evaluating many models on the same
#: real images trains the feature network once.
_CACHE = OrderedDict()
_CACHE_SIZE = 4


def image_feature_extractor(real, y=None, *, image_shape=None, random_state=0, **params):
    """An :class:`ImageFeatureExtractor` fit on ``real`` (and ``y``), cached per dataset.

    The cache key is a hash of the images, the labels and the parameters; the
    last four extractors are kept.

    Returns
    -------
    ImageFeatureExtractor (fitted)
    """
    images = np.ascontiguousarray(as_images(real, image_shape, name="real"))
    digest = hashlib.sha1(images.tobytes())
    digest.update(repr(images.shape).encode())
    if y is not None:
        digest.update(np.asarray(y).astype(str).tobytes())
    digest.update(repr(sorted(params.items())).encode() + repr(random_state).encode())
    key = digest.hexdigest()
    if key not in _CACHE:
        _CACHE[key] = ImageFeatureExtractor(random_state=random_state, **params).fit(images, y)
        while len(_CACHE) > _CACHE_SIZE:
            _CACHE.popitem(last=False)
    _CACHE.move_to_end(key)
    return _CACHE[key]


def image_scores(real, synthetic, *, y=None, synthetic_y=None, image_shape=None, extractor=None,
                 k=5, max_samples=5000, random_state=0):  # fmt: skip
    """Fréchet distance, inception score, precision/recall/density/coverage of synthetic images.

    All on the features and class probabilities of an
    :class:`ImageFeatureExtractor` trained on ``real`` (with labels ``y`` if
    given): **not** the Inception network, so the values are not the
    published FID and IS, and are comparable only between models evaluated
    with the same extractor on the same real images.

    Parameters
    ----------
    real, synthetic : images (n, H, W) or (n, C, H, W), or rows with ``image_shape``
    y : array-like, default=None
        Labels of ``real`` (the extractor's classes; default: k-means clusters).
    synthetic_y : array-like, default=None
        Classes the synthetic images were drawn for (class-conditional
        samples): adds ``conditional_accuracy``, the share the extractor
        classifies as their class.
    image_shape : tuple, default=None
    extractor : fitted ImageFeatureExtractor, default=None
        Default: :func:`image_feature_extractor` (trained once per dataset).
    k : int, default=5
        Neighbours of precision/recall/density/coverage.
    max_samples : int, default=5000
        Images used at most by precision/recall/density/coverage.
    random_state : int, default=0

    Returns
    -------
    dict
        ``frechet_distance`` (lower is better), ``inception_score`` (higher,
        at most the number of classes), ``precision``, ``recall``,
        ``density``, ``coverage`` and, with ``synthetic_y``,
        ``conditional_accuracy``.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import ImageFeatureExtractor, image_scores
    >>> rng = np.random.default_rng(0)
    >>> real = rng.integers(0, 16, size=(200, 8, 8))
    >>> extractor = ImageFeatureExtractor(n_features=8, max_epochs=2).fit(real)
    >>> same = image_scores(real, real, extractor=extractor)
    >>> round(same["frechet_distance"], 6), same["precision"]
    (0.0, 1.0)
    """
    real_images = as_images(real, image_shape, name="real")
    fake_images = as_images(synthetic, image_shape, name="synthetic")
    if real_images.shape[1:] != fake_images.shape[1:]:
        raise ValueError(
            f"real images have shape {real_images.shape[1:]}, synthetic ones {fake_images.shape[1:]}."
        )
    if extractor is None:
        extractor = image_feature_extractor(real_images, y, random_state=random_state)
    real_f, fake_f = extractor.transform(real_images), extractor.transform(fake_images)
    if min(len(real_f), len(fake_f)) < 2:
        raise ValueError("image_scores needs at least 2 images of each kind.")
    scores = {
        "frechet_distance": _gaussian_frechet(
            real_f.mean(0),
            np.atleast_2d(np.cov(real_f, rowvar=False)),
            fake_f.mean(0),
            np.atleast_2d(np.cov(fake_f, rowvar=False)),
        ),  # fmt: skip
        "inception_score": inception_score(fake_images, extractor),
    }
    scores.update(
        precision_recall_density_coverage(
            real_f, fake_f, k=k, max_samples=max_samples, random_state=random_state
        )
    )
    if synthetic_y is not None:
        scores["conditional_accuracy"] = extractor.score(fake_images, synthetic_y)
    return scores
