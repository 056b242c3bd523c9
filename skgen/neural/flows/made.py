"""MADE estimator: one masked autoregressive network, exact on mixed tables."""

from numbers import Integral

import numpy as np

from ...preprocessing._layout import one_hot
from ...utils import check_layer_sizes
from ...utils._sklearn import Interval, StrOptions
from .._base import NeuralGenerator
from .._docs import TRAINING_ATTRIBUTES, TRAINING_PARAMETERS
from ..modules.made import MADEModule
from ._base import (
    FLOW_CONTINUOUS_PARAMETER,
    FlowNet,
    flow_net_params,
    mixed_output,
    prepare_mixed_values,
)

__all__ = ["MADE"]


class MADE(NeuralGenerator):
    __doc__ = f"""Masked autoencoder for distribution estimation: an exact autoregressive density.

    One masked MLP gives, for each variable in turn, its conditional
    distribution given the earlier ones: a categorical for each discrete
    column and each missing-value flag (fed back as one-hot blocks), then a
    mixture of ``n_mixture_components`` Gaussians for each continuous value.
    Scoring and training take one pass; sampling one pass per variable.

    ``score_samples`` is the exact log-density in the original data space
    (``score_kind = "exact"``): discrete columns (and the missingness of a
    value) with respect to counting measure, with no dequantisation, and
    continuous values with respect to Lebesgue measure, the encoder's
    log-Jacobian included; a missing value contributes the log-probability
    of being missing. Images and other whole-valued pixels arrive
    dequantised (see :class:`skgen.preprocessing.ImageCodec`) and are scored
    as continuous values.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(128, 128)
        Widths of the masked MLP.
    n_mixture_components : int, default=5
        Gaussians in the mixture of each continuous value.
{FLOW_CONTINUOUS_PARAMETER}
{TRAINING_PARAMETERS.format(max_epochs=100, batch_size=256, lr=1e-3)}

    Attributes
    ----------
{TRAINING_ATTRIBUTES}
    cardinalities_ : list of int
        Codes of each discrete variable: the missing flags, then the
        discrete columns.
    missing_columns_ : ndarray of int
        Continuous columns with missing values in the training data.

    See Also
    --------
    MAF : a stack of MADEs as an invertible flow (``transform`` to the base space).

    References
    ----------
    Germain, Gregor, Murray and Larochelle, "MADE: Masked Autoencoder for
    Distribution Estimation", ICML 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import MADE
    >>> X = np.random.default_rng(0).normal(size=(200, 3))
    >>> made = MADE(hidden_layer_sizes=(16,), max_epochs=3, random_state=0).fit(X)
    >>> made.sample(4, random_state=0).shape
    (4, 3)
    >>> bool(np.isfinite(made.score(X)))
    True
    """

    score_kind = "exact"
    _input_view = "mixed"
    _net_class = FlowNet
    _parameter_constraints = {
        **NeuralGenerator._parameter_constraints,
        "continuous": [StrOptions({"standard", "quantile"})],
        "hidden_layer_sizes": [tuple, list],
        "n_mixture_components": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(128, 128),
        *,
        n_mixture_components=5,
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
        self.hidden_layer_sizes = hidden_layer_sizes
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

    def _prepare(self, data):
        continuous = data.continuous
        prepare_mixed_values(self, continuous)
        self.cardinalities_ = [2] * self.missing_columns_.size + list(data.cardinalities)
        codes = [np.isnan(continuous[:, j]).astype(np.intp) for j in self.missing_columns_]
        codes += list(data.codes.T)
        # Training starts from each discrete variable's smoothed log-frequencies.
        self._log_marginals = [
            np.log((np.bincount(c, minlength=k) + 0.5) / (c.size + 0.5 * k))
            for c, k in zip(codes, self.cardinalities_)
        ]

    def _build_module(self):
        flags = np.full(len(self.mean_), -1)
        flags[self.missing_columns_] = np.arange(self.missing_columns_.size)
        return MADEModule(
            self.cardinalities_,
            flags,
            len(self.mean_),
            check_layer_sizes(self.hidden_layer_sizes),
            self.n_mixture_components,
            getattr(self, "classes_", np.empty(0)).size,
            self._log_marginals,
        )

    def _model_input(self, data, dtype):
        values = (data.continuous - self.mean_) / self.scale_
        missing = np.isnan(values)
        codes = [missing[:, j].astype(np.intp) for j in self.missing_columns_] + list(data.codes.T)
        blocks = [one_hot(c, k) for c, k in zip(codes, self.cardinalities_)]
        return np.column_stack(blocks + [np.where(missing, 0.0, values)]).astype(dtype)

    def _net_params(self):
        return flow_net_params(self)

    def _module_scores(self, module, x):
        return module.log_prob(**x) if isinstance(x, dict) else module.log_prob(x)

    def _score_samples(self, data, context=None):
        scores = self._run(self._module_scores, data, 1, context)
        observed = ~np.isnan(data.continuous)
        return scores - (observed * np.log(self.scale_)).sum(axis=1)

    def _model_output(self, values):
        codes, start = [], 0
        for width in self.cardinalities_:
            codes.append(values[:, start : start + width].argmax(axis=1))
            start += width
        return mixed_output(self, values[:, start:], codes, self.cardinalities_)
