"""Masked autoregressive flow estimator."""

from numbers import Integral

import numpy as np

from ...base import ClassContextMixin
from ...utils import check_layer_sizes
from ...utils._sklearn import Interval
from .._docs import TRAINING_ATTRIBUTES, TRAINING_PARAMETERS
from ..modules.flows import (
    BatchNormBijection,
    ClassActNorm,
    Compose,
    MaskedAutoregressiveAffine,
    MaskedAutoregressiveSpline,
    Permutation,
)
from ._base import (
    FLOW_ATTRIBUTES,
    FLOW_CONTINUOUS_PARAMETER,
    FLOW_SCORES_DOC,
    FLOW_TRANSFORM_PARAMETERS,
    TRANSFORM_CONSTRAINTS,
    FlowGenerator,
)

__all__ = ["MAF"]


class MAF(ClassContextMixin, FlowGenerator):
    __doc__ = f"""Masked autoregressive flow: a stack of MADE-parametrised affine autoregressive maps.

    Each layer maps a row ``x`` to ``u_i = x_i exp(-a_i(x_<i)) + b_i(x_<i)``
    with ``(b, a)`` from a masked MLP (MADE), or ``u_i = spline_i(x_i)``
    with a monotone rational-quadratic spline whose bins and slopes the
    MADE gives (``elementwise="spline"``, a neural spline flow); the order
    of the features is reversed between layers. Scoring and training take one pass per layer;
    sampling takes one pass per feature and layer.

{FLOW_SCORES_DOC}

    Class context: ``fit(X, y)`` learns ``p(x | y)`` in one model, the
    one-hot label entering every MADE and a per-class scale and shift
    (:class:`~skgen.neural.modules.flows.ClassActNorm`, initialised from each
    class's mean and spread) before the first layer (see
    :class:`skgen.base.ClassContextMixin`);
    ``score_samples(X, y=labels)``, ``sample(n, y=labels)``, and without
    labels the mixture over ``class_prior_``. :class:`skgen.ClassConditional`
    uses this instead of one model per class. ``transform`` ignores labels.

    Parameters
    ----------
    n_transforms : int, default=5
        Autoregressive layers.
{FLOW_TRANSFORM_PARAMETERS}
    hidden_layer_sizes : tuple of int, default=(64, 64)
        Widths of each layer's MADE.
    batch_norm : bool, default=False
        Batch normalisation as a bijection between successive layers
        (:class:`~skgen.neural.modules.flows.BatchNormBijection`; the MAF
        paper's "MAF with BN"): batch statistics while training, running
        averages when scoring and sampling. It keeps each layer's input
        standardised, which steadies the training of deep stacks and of
        high-dimensional data with features of very different spreads.
{FLOW_CONTINUOUS_PARAMETER}
{TRAINING_PARAMETERS.format(max_epochs=100, batch_size=256, lr=1e-3)}

    Attributes
    ----------
{TRAINING_ATTRIBUTES}
{FLOW_ATTRIBUTES}
    classes_, class_prior_ : ndarray, only when fit with labels ``y``.

    See Also
    --------
    RealNVP : coupling layers, one pass to sample.
    MADE : one autoregressive network with mixture and categorical outputs.

    References
    ----------
    Papamakarios, Pavlakou and Murray, "Masked Autoregressive Flow for Density
    Estimation", NeurIPS 2017.
    Germain, Gregor, Murray and Larochelle, "MADE: Masked Autoencoder for
    Distribution Estimation", ICML 2015.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import MAF
    >>> X = np.random.default_rng(0).normal(size=(200, 3))
    >>> maf = MAF(n_transforms=2, hidden_layer_sizes=(16,), max_epochs=3, random_state=0).fit(X)
    >>> maf.sample(4, random_state=0).shape
    (4, 3)
    >>> bool(np.allclose(maf.inverse_transform(maf.transform(X[:3])), X[:3]))
    True
    >>> y = (X[:, 0] > 0).astype(int)
    >>> conditional = MAF(n_transforms=2, max_epochs=3, random_state=0).fit(X, y)
    >>> conditional.sample(2, y=1, random_state=0).shape
    (2, 3)
    """

    _parameter_constraints = {
        **FlowGenerator._parameter_constraints,
        "n_transforms": [Interval(Integral, 1, None, closed="left")],
        "hidden_layer_sizes": [tuple, list],
        "batch_norm": ["boolean"],
        **TRANSFORM_CONSTRAINTS,
    }

    def __init__(
        self,
        n_transforms=5,
        *,
        elementwise="affine",
        n_bins=8,
        hidden_layer_sizes=(64, 64),
        batch_norm=False,
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
        self.batch_norm = batch_norm
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

    def _build_transform(self, shape, n_classes):
        (n_features,) = shape
        hidden = check_layer_sizes(self.hidden_layer_sizes)
        # With classes, a per-class standardisation first: the flow starts as p(x | y)
        # = one Gaussian per class, whatever the layers have learnt yet.
        layers = [ClassActNorm(n_features, n_classes)] if n_classes else []
        for index in range(self.n_transforms):
            if index and self.batch_norm:
                layers.append(BatchNormBijection(n_features))
            if self.elementwise == "spline":
                layer = MaskedAutoregressiveSpline(n_features, hidden, n_classes, self.n_bins)
            else:
                layer = MaskedAutoregressiveAffine(n_features, hidden, n_classes)
            layers += [
                layer,
                Permutation(np.arange(n_features)[::-1].copy()),
            ]
        return Compose(*layers)
