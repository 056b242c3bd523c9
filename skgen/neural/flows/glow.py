"""Glow estimator: ActNorm, invertible linear maps and affine couplings; multi-scale on images."""

from ...utils import check_layer_sizes
from .._docs import TRAINING_ATTRIBUTES
from ..modules.flows import (
    ActNorm,
    AffineCoupling,
    Compose,
    ConvConditioner,
    LULinear,
    alternating_mask,
    channel_mask,
    multiscale_image_flow,
)
from ._base import (
    FLOW_ATTRIBUTES,
    FLOW_SCORES_DOC,
    IMAGE_FLOW_PARAMETERS,
    ImageFlowGenerator,
    tabular_coupling,
)

__all__ = ["Glow"]


class Glow(ImageFlowGenerator):
    __doc__ = f"""Glow: steps of ActNorm, an invertible (LU-decomposed) linear map and an affine coupling.

    ActNorm scales and shifts each feature (initialised from the first
    training batch); the learnt invertible linear map mixes the features
    before each coupling, which then transforms half of them given the other
    half. On tables the coupling's network is an MLP.

    On images (arrays ``(n, H, W)`` or ``(n, C, H, W)``) it is Glow's
    multi-scale architecture: per level, a squeeze (2x2 pixels -> 4
    channels), ``n_transforms`` steps with invertible 1x1 convolutions and
    convolutional couplings, then half of the channels are factored out to
    the base (a level whose height or width is odd runs its steps at full
    resolution, with checkerboard couplings on one-channel images).

{FLOW_SCORES_DOC}

    Parameters
    ----------
    n_transforms : int, default=4
        Steps of flow on tables; on images, steps per level.
{IMAGE_FLOW_PARAMETERS}

    Attributes
    ----------
{TRAINING_ATTRIBUTES}
{FLOW_ATTRIBUTES}

    See Also
    --------
    RealNVP : couplings with fixed masks.
    MAF : autoregressive layers.

    References
    ----------
    Kingma and Dhariwal, "Glow: Generative Flow with Invertible 1x1
    Convolutions", NeurIPS 2018.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import Glow
    >>> X = np.random.default_rng(0).normal(size=(200, 3))
    >>> glow = Glow(n_transforms=2, hidden_layer_sizes=(16,), max_epochs=3, random_state=0)
    >>> glow.fit(X).sample(4, random_state=0).shape
    (4, 3)
    >>> glow.transform(X[:2]).shape
    (2, 3)
    """

    def _build_transform(self, shape, n_classes):
        if len(shape) == 3:
            return multiscale_image_flow(shape, self.n_levels, self._image_steps(n_classes))
        hidden = check_layer_sizes(self.hidden_layer_sizes)
        steps = []
        for i in range(self.n_transforms):
            coupling = tabular_coupling(self, channel_mask(shape, i % 2), hidden, n_classes)
            steps += [ActNorm(shape[0]), LULinear(shape[0]), coupling]
        return Compose(*steps)

    def _image_steps(self, n_classes):
        def make_steps(shape, stage):
            if stage == "before":
                return []  # Glow squeezes first
            steps = []
            for i in range(self.n_transforms):
                conditioner = ConvConditioner(shape[0], self.hidden_channels, n_classes)
                steps += [
                    ActNorm(shape[0]),
                    LULinear(shape[0]),
                    AffineCoupling(alternating_mask(shape, i), conditioner),
                ]
            return steps

        return make_steps
