"""What every exact-likelihood flow shares: the map from the data to the flow's input.

A flow is a density on real vectors (or real images), so each kind of data
reaches it through a fixed bijection whose log-Jacobian is added to the scores:

- continuous values: standardised (numeric arrays) or as the
  :class:`~skgen.preprocessing.TabularEncoder` scaled them (DataFrames, whose
  encoder adds its own log-Jacobian); a missing value is replaced by a
  standard normal draw ``e`` and the score subtracts ``log N(e)``, so the
  value contributes nothing beyond the probability of being missing;
- discrete columns (categories, booleans, and the observed/missing flag of a
  continuous column with missing values) are *dequantised*: code ``k`` plus
  ``u ~ U[0, 1)`` is a continuous variable whose density is ``P(k)`` on
  ``[k, k + 1)``; it is mapped through its training marginal (a
  piecewise-linear CDF with the smoothed training frequencies as slopes) and
  the standard normal quantile function, so a flow that has not moved
  already reproduces each column's frequencies;
- images: pixels rescaled to about ``[-0.5, 0.5)`` (dequantised 8-bit or
  whole-valued pixels are divided by their number of levels).

The noise ``u`` and ``e`` is a fixed function of the row and the fit's seed
(as for dequantised images, see :class:`~skgen.preprocessing.ImageCodec`), so
scores are deterministic. With discrete columns the score is the exact
log-density of the dequantised row (with respect to Lebesgue measure on the
dequantised codes, which have unit width); its expectation over the noise is
a lower bound on the log-probability of the discrete values.
"""

from abc import abstractmethod
from numbers import Integral

import numpy as np
import torch
from scipy import special

from ...preprocessing import MixedTable
from ...utils._noise import row_keyed_normal, row_keyed_uniform
from ...utils._sklearn import Interval, StrOptions
from .._base import _INFERENCE_CHUNK, NeuralGenerator
from .._docs import TRAINING_PARAMETERS
from .._latent import NeuralLatentMixin
from .._net import GenerativeNet
from ..modules.flows import (
    AffineCoupling,
    FlowModule,
    MLPConditioner,
    SplineCoupling,
    spline_parameter_count,
)

__all__ = ["FlowGenerator", "FlowNet", "ImageFlowGenerator", "flow_net_params", "tabular_coupling"]

# Smallest normal tail kept when mapping a dequantised code to a normal score.
_TINY = 1e-12
# Pseudo-count of every category in the marginals of discrete columns: a
# category known to the encoder but absent from the rows keeps some mass.
_PSEUDO_COUNT = 0.5


def _rows(context, start, size):
    return None if context is None else context[start : start + size]


def _log_normal(z):
    return -0.5 * z**2 - 0.5 * np.log(2 * np.pi)


def prepare_mixed_values(estimator, continuous):
    """Set ``mean_``, ``scale_`` and ``missing_columns_`` for the continuous values of a table.

    Numeric arrays are standardised inside the model; a DataFrame's encoder
    already scaled its values (and scores its own Jacobian).
    """
    if estimator.encoder_ is None:
        estimator.mean_ = continuous.mean(axis=0)
        scale = continuous.std(axis=0)
        estimator.scale_ = np.where(scale > 0, scale, 1.0)
    else:
        estimator.mean_ = np.zeros(continuous.shape[1])
        estimator.scale_ = np.ones(continuous.shape[1])
    estimator.missing_columns_ = np.flatnonzero(np.isnan(continuous).any(axis=0))


def mixed_output(estimator, values, codes, cardinalities):
    """A :class:`MixedTable` from standardised ``values`` and the codes of the discrete
    variables (missing flags first, set to NaN where flagged, then the columns' codes)."""
    continuous = values * estimator.scale_ + estimator.mean_
    n_flags = estimator.missing_columns_.size
    for flag, column in zip(codes[:n_flags], estimator.missing_columns_):
        continuous[flag == 1, column] = np.nan
    categories = codes[n_flags:]
    return MixedTable(
        continuous,
        np.column_stack(categories).astype(np.intp)
        if categories
        else np.empty((len(values), 0), np.intp),
        list(cardinalities[n_flags:]),
    )


class FlowNet(GenerativeNet):
    """:class:`~skgen.neural.GenerativeNet` without the per-batch cost a small flow notices.

    skorch sets the train/eval mode of every submodule before every batch,
    a walk over the dozens of modules of a stack of layers that costs more
    than a 2-D flow's forward pass; here the mode is set only when it
    changes.
    """

    def _set_training(self, training=True):
        if self.module_.training != training:
            super()._set_training(training)


def flow_net_params(estimator):
    """The named optimizers step all parameter tensors at once (``foreach``): a flow has
    many small ones, and one update per tensor costs a fifth of an epoch on the CPU."""
    return {"optimizer__foreach": True} if isinstance(estimator.optimizer, str) else {}


class FlowGenerator(NeuralLatentMixin, NeuralGenerator):
    """Base of the exact-likelihood flows: the data <-> flow-input bijection (module docstring).

    A subclass builds its transform in ``_build_transform(event_shape, n_classes)``
    (images: ``event_shape = (C, H, W)``). ``transform`` gives the point of the
    base space (``(n, D)``), ``inverse_transform`` maps such points back to data.
    """

    score_kind = "exact"
    _input_view = "mixed"
    _net_class = FlowNet
    _parameter_constraints = {
        **NeuralGenerator._parameter_constraints,
        # "mode" gives several values per column, which the mixed view does not hold.
        "continuous": [StrOptions({"standard", "quantile"})],
    }

    # --------------------------------------------------------- the module
    @abstractmethod
    def _build_transform(self, shape, n_classes):
        """The flow's bijection for events of ``shape`` and a one-hot context of ``n_classes``."""

    def _build_module(self):
        n_classes = getattr(self, "classes_", np.empty(0)).size
        shape = self.image_shape_ if self._images else (self.n_flow_features_,)
        return FlowModule(self._build_transform(shape, n_classes), shape, n_classes)

    def _module_scores(self, module, x):
        return module.log_prob(**x) if isinstance(x, dict) else module.log_prob(x)

    def _net_params(self):
        return flow_net_params(self)

    def _fit(self, data, seed, epochs=None, context=None):
        self._noise_seed_ = seed
        super()._fit(data, seed, epochs=epochs, context=context)

    # --------------------------------------------------- data -> flow input
    @property
    def _images(self):
        return getattr(self, "image_shape_", None) is not None

    def _prepare(self, data):
        if isinstance(data, np.ndarray) and data.ndim == 4:
            self._prepare_images(data)
            return
        self.image_shape_ = None
        continuous = data.continuous
        prepare_mixed_values(self, continuous)
        missing = np.isnan(continuous)
        marginals = [
            np.bincount(missing[:, j].astype(np.intp), minlength=2) for j in self.missing_columns_
        ]
        marginals += [
            np.bincount(data.codes[:, j], minlength=k) for j, k in enumerate(data.cardinalities)
        ]
        self.discrete_probs_ = [
            (counts + _PSEUDO_COUNT) / (counts.sum() + _PSEUDO_COUNT * counts.size)
            for counts in marginals
        ]
        # Flow features: the discrete variables first (missing flags, then
        # categories), so an autoregressive flow models values given them.
        self.n_flow_features_ = len(self.discrete_probs_) + continuous.shape[1]

    def _prepare_images(self, images):
        self.image_shape_ = tuple(images.shape[1:])
        if self.codec_.dequantized:
            # Dequantised levels low..high become [-0.5, 0.5).
            self.pixel_scale_ = float(self.codec_.n_levels)
            self.pixel_offset_ = self.codec_.low + 0.5 * self.pixel_scale_
        else:
            self.pixel_offset_ = float(images.mean())
            self.pixel_scale_ = float(images.std()) or 1.0

    def _flow_input(self, data):
        """The flow's input for table ``data`` and the per-row log-Jacobian of the map."""
        continuous = data.continuous
        keys = np.column_stack([continuous, data.codes.astype(np.float64)])
        n_discrete = len(self.discrete_probs_)
        uniforms = row_keyed_uniform(keys, max(n_discrete, 1), self._noise_seed_).T
        missing = np.isnan(continuous)
        variables = [missing[:, j].astype(np.intp) for j in self.missing_columns_]
        variables += list(data.codes.T)
        flow = np.empty((len(keys), self.n_flow_features_))
        log_jacobian = np.zeros(len(keys))
        for j, (codes, probs) in enumerate(zip(variables, self.discrete_probs_)):
            # The dequantised code's CDF rises by P(k) across [k, k + 1).
            below = np.concatenate([[0.0], np.cumsum(probs)[:-1]])
            cdf = np.clip(below[codes] + probs[codes] * uniforms[:, j], _TINY, 1 - _TINY)
            flow[:, j] = special.ndtri(cdf)
            log_jacobian += np.log(probs[codes]) - _log_normal(flow[:, j])
        values = (continuous - self.mean_) / self.scale_
        if missing.any():
            fill = row_keyed_normal(keys, continuous.shape[1], self._noise_seed_ + 1).T
            values = np.where(missing, fill, values)
            log_jacobian -= np.where(missing, _log_normal(fill), 0.0).sum(axis=1)
        log_jacobian -= np.where(missing, 0.0, np.log(self.scale_)).sum(axis=1)
        flow[:, n_discrete:] = values
        return flow, log_jacobian

    def _model_input(self, data, dtype):
        if self._images:
            return ((data - self.pixel_offset_) / self.pixel_scale_).astype(dtype)
        return self._flow_input(data)[0].astype(dtype)

    def _score_samples(self, data, context=None):
        scores = self._run(self._module_scores, data, 1, context)
        if self._images:
            return scores - np.log(self.pixel_scale_) * np.prod(self.image_shape_)
        return scores + self._flow_input(data)[1]

    def _module_sample(self, module, n_samples, generator, context=None):
        # The inverse flow runs on chunks of base draws (its activations then stay
        # in cache); the draws come first, so the rows do not depend on the chunking.
        z = module.base_sample(n_samples, generator)
        rows = _INFERENCE_CHUNK
        return torch.cat(
            [
                module.decode(z[start : start + rows], _rows(context, start, rows))
                for start in range(0, n_samples, rows)
            ]
        )

    def _model_output(self, values):
        if self._images:
            return values * self.pixel_scale_ + self.pixel_offset_
        n_discrete = len(self.discrete_probs_)
        codes = []
        for j, probs in enumerate(self.discrete_probs_):
            cdf = special.ndtr(values[:, j])
            codes.append(
                np.minimum(np.searchsorted(np.cumsum(probs), cdf, side="right"), probs.size - 1)
            )
        cardinalities = [probs.size for probs in self.discrete_probs_]
        return mixed_output(self, values[:, n_discrete:], codes, cardinalities)


#: The parameters of the flows whose tabular layers are affine or spline maps.
TRANSFORM_CONSTRAINTS = {
    "elementwise": [StrOptions({"affine", "spline"})],
    "n_bins": [Interval(Integral, 2, None, closed="left")],
}


def tabular_coupling(estimator, mask, hidden, n_classes):
    """An affine or spline coupling of rows (``estimator.elementwise``) with an MLP conditioner."""
    (n_features,) = mask.shape
    if estimator.elementwise == "spline":
        n_params = spline_parameter_count(estimator.n_bins)
        return SplineCoupling(mask, MLPConditioner(n_features, hidden, n_classes, n_params))
    return AffineCoupling(mask, MLPConditioner(n_features, hidden, n_classes))


class ImageFlowGenerator(FlowGenerator):
    """The parameters of the coupling flows that also take images (RealNVP, Glow).

    Subclasses build their transform (``_build_transform``) and document the
    parameters: ``n_transforms``, ``hidden_layer_sizes`` (tables),
    ``hidden_channels`` and ``n_levels`` (images), then the training ones.
    """

    _image_view = "image"
    _parameter_constraints = {
        **FlowGenerator._parameter_constraints,
        "n_transforms": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": [tuple, list],
        "hidden_channels": [Interval(Integral, 1, None, closed="left")],
        "n_levels": [Interval(Integral, 0, None, closed="left")],
        **TRANSFORM_CONSTRAINTS,
    }

    def __init__(
        self,
        n_transforms=4,
        *,
        elementwise="affine",
        n_bins=8,
        hidden_layer_sizes=(64, 64),
        hidden_channels=32,
        n_levels=2,
        continuous="standard",
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
        self.n_transforms = n_transforms
        self.elementwise = elementwise
        self.n_bins = n_bins
        self.hidden_layer_sizes = hidden_layer_sizes
        self.hidden_channels = hidden_channels
        self.n_levels = n_levels
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


#: The docstring paragraph every flow shares: what its scores are on each kind of data.
FLOW_SCORES_DOC = """\
    ``score_samples`` is the exact log-density in the original data space
    (``score_kind = "exact"``), the encoder's log-Jacobian included.
    Discrete columns (categories, booleans, the missing flag of a continuous
    column) are uniformly dequantised: code ``k`` becomes ``k + u`` with
    ``u ~ U[0, 1)`` drawn as a fixed function of the row and the fit's seed,
    then passes through its training marginal and the normal quantile
    function; a missing value is filled with a standard normal draw whose
    density is divided out. With discrete columns the score is thus the
    log-density of the dequantised row, whose expectation over ``u`` is a
    lower bound on the log-probability of the discrete values. 8-bit and
    whole-valued images are dequantised the same way (see
    :class:`skgen.preprocessing.ImageCodec`): ``-score / (D ln 2)`` is bits
    per dimension. ``transform`` gives the point ``z`` of the standard
    normal base space, ``inverse_transform`` the data point of ``z``, and
    ``sample`` maps base draws through the inverse flow."""

FLOW_CONTINUOUS_PARAMETER = """\
    continuous : {"standard", "quantile"}, default="standard"
        Encoding of continuous columns of a DataFrame (see
        :class:`skgen.preprocessing.TabularEncoder`); both keep one value per
        column and their log-Jacobian is part of the scores. Plain arrays are
        standardised instead."""

FLOW_ATTRIBUTES = """\
    n_flow_features_ : int
        Dimension of the flow on tables: one per discrete column, one per
        missing-value flag, one per continuous column.
    discrete_probs_ : list of ndarray
        Smoothed training frequencies of the missing flags, then of each
        discrete column's codes (the marginals of their dequantisation).
    missing_columns_ : ndarray of int
        Continuous columns with missing values in the training data.
    image_shape_ : tuple of int or None
        ``(C, H, W)`` when fit on images (the flow works on image arrays)."""

FLOW_TRANSFORM_PARAMETERS = """\
    elementwise : {"affine", "spline"}, default="affine"
        Map of each transformed feature on tables: a scale and a shift, or
        a monotone rational-quadratic spline with ``n_bins`` bins on
        ``[-5, 5]`` (the identity outside; neural spline flows, Durkan et
        al., 2019), which fits multi-modal and sharp-edged densities with
        fewer layers and does not extrapolate multiplicatively beyond the
        training range. Image couplings are affine.
    n_bins : int, default=8
        Bins of each spline (``elementwise="spline"``)."""

#: The parameters after ``n_transforms`` of the flows that also take images (RealNVP, Glow).
IMAGE_FLOW_PARAMETERS = f"""\
{FLOW_TRANSFORM_PARAMETERS}
    hidden_layer_sizes : tuple of int, default=(64, 64)
        Widths of each coupling's MLP (tables).
    hidden_channels : int, default=32
        Channels of each coupling's convolutional network (images).
    n_levels : int, default=2
        Squeeze-and-split levels on images (fewer where the size is odd).
{FLOW_CONTINUOUS_PARAMETER}
{TRAINING_PARAMETERS.format(max_epochs=100, batch_size=256, lr=1e-3)}"""
