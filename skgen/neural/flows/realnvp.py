"""RealNVP estimator: affine coupling layers, multi-scale on images."""

from ...utils import check_layer_sizes
from .._docs import TRAINING_ATTRIBUTES
from ..modules.flows import (
    AffineCoupling,
    Compose,
    ConvConditioner,
    alternating_mask,
    checkerboard_mask,
    multiscale_image_flow,
)
from ._base import (
    FLOW_ATTRIBUTES,
    FLOW_SCORES_DOC,
    IMAGE_FLOW_PARAMETERS,
    ImageFlowGenerator,
    tabular_coupling,
)

__all__ = ["RealNVP"]


class RealNVP(ImageFlowGenerator):
    __doc__ = f"""Real-valued non-volume-preserving flow: a stack of affine coupling layers.

    Each coupling keeps part of the features and scales and shifts the rest
    (or maps them through monotone splines, ``elementwise="spline"``) by
    functions (an MLP) of the kept part; successive layers alternate the
    masks (even/odd features, then the two halves). Scoring, training and
    sampling each take one pass.

    On images (arrays ``(n, H, W)`` or ``(n, C, H, W)``) it is RealNVP's
    multi-scale architecture: per level, ``n_transforms`` checkerboard
    couplings, a squeeze (2x2 pixels -> 4 channels), ``n_transforms``
    channel couplings, then half of the channels are factored out to the
    base; the last level (or one whose height or width is odd) runs
    ``n_transforms`` couplings only. Conditioners are small convolutional
    networks (``hidden_channels``).

{FLOW_SCORES_DOC}

    Parameters
    ----------
    n_transforms : int, default=4
        Coupling layers on tables; on images, coupling layers per stage of
        each level.
{IMAGE_FLOW_PARAMETERS}

    Attributes
    ----------
{TRAINING_ATTRIBUTES}
{FLOW_ATTRIBUTES}

    See Also
    --------
    Glow : ActNorm and invertible 1x1 convolutions between couplings.
    MAF : autoregressive layers, more expressive per layer, slower to sample.

    References
    ----------
    Dinh, Sohl-Dickstein and Bengio, "Density estimation using Real NVP", ICLR 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import RealNVP
    >>> X = np.random.default_rng(0).normal(size=(200, 3))
    >>> flow = RealNVP(n_transforms=2, hidden_layer_sizes=(16,), max_epochs=3, random_state=0)
    >>> flow.fit(X).sample(4, random_state=0).shape
    (4, 3)
    >>> bool(np.allclose(flow.inverse_transform(flow.transform(X[:3])), X[:3]))
    True
    """

    def _build_transform(self, shape, n_classes):
        if len(shape) == 3:
            return multiscale_image_flow(shape, self.n_levels, self._image_steps(n_classes))
        hidden = check_layer_sizes(self.hidden_layer_sizes)
        return Compose(
            *(
                tabular_coupling(self, alternating_mask(shape, i), hidden, n_classes)
                for i in range(self.n_transforms)
            )
        )

    def _image_steps(self, n_classes):
        def make_steps(shape, stage):
            def mask(i):
                # Checkerboards at full resolution, channel halves after a squeeze.
                return (
                    checkerboard_mask(shape, i % 2)
                    if stage != "after"
                    else alternating_mask(shape, i)
                )

            return [
                AffineCoupling(mask(i), ConvConditioner(shape[0], self.hidden_channels, n_classes))
                for i in range(self.n_transforms)
            ]

        return make_steps
