"""Gated PixelCNN: masked convolutions in a vertical and a horizontal stack, no blind spot."""

import torch
import torch.nn.functional as F
from torch import nn

from .conv import ClassEmbedding
from .pixels import logistic_mixture_log_prob, logistic_mixture_sample, n_logistic_parameters

__all__ = ["GatedMaskedConv", "MaskedConv2d", "PixelCNNModule"]


class MaskedConv2d(nn.Conv2d):
    """A convolution whose kernel is multiplied by a fixed 0/1 ``mask`` (same shape as the kernel)."""

    def __init__(self, in_channels, out_channels, mask):
        kernel = tuple(mask.shape)
        super().__init__(
            in_channels, out_channels, kernel, padding=(kernel[0] // 2, kernel[1] // 2)
        )
        self.register_buffer("mask", mask.to(self.weight.dtype)[None, None], persistent=False)

    def forward(self, x):
        return F.conv2d(x, self.weight * self.mask, self.bias, padding=self.padding)

    @classmethod
    def vertical(cls, in_channels, out_channels, kernel_size, include_centre_row):
        """Sees the rows above (and, with ``include_centre_row``, the current row)."""
        mask = torch.ones(kernel_size, kernel_size)
        mask[kernel_size // 2 + int(include_centre_row) :] = 0
        return cls(in_channels, out_channels, mask)

    @classmethod
    def horizontal(cls, in_channels, out_channels, kernel_size, include_centre):
        """Sees the pixels to the left in the current row (and, with ``include_centre``, the pixel)."""
        mask = torch.ones(1, kernel_size)
        mask[0, kernel_size // 2 + int(include_centre) :] = 0
        return cls(in_channels, out_channels, mask)


class GatedMaskedConv(nn.Module):
    """One gated layer (van den Oord et al., 2016): ``tanh(a) * sigmoid(b)`` on both stacks.

    The vertical stack's features at row ``i`` depend on rows above ``i``
    only; the horizontal stack's at ``(i, j)`` on those and on pixels left
    of ``j``. A class vector is added to both stacks' pre-activations.
    """

    def __init__(self, channels, kernel_size, label_width):
        super().__init__()
        self.vertical = MaskedConv2d.vertical(channels, 2 * channels, kernel_size, True)
        self.horizontal = MaskedConv2d.horizontal(channels, 2 * channels, kernel_size, True)
        self.vertical_to_horizontal = nn.Conv2d(2 * channels, 2 * channels, 1)
        self.horizontal_out = nn.Conv2d(channels, channels, 1)
        self.label_vertical = nn.Linear(label_width, 2 * channels) if label_width else None
        self.label_horizontal = nn.Linear(label_width, 2 * channels) if label_width else None

    @staticmethod
    def _gate(features):
        value, gate = features.chunk(2, dim=1)
        return torch.tanh(value) * torch.sigmoid(gate)

    def forward(self, v, h, label):
        v_features = self.vertical(v)
        h_features = self.horizontal(h) + self.vertical_to_horizontal(v_features)
        if label is not None and self.label_vertical is not None:
            v_features = v_features + self.label_vertical(label)[:, :, None, None]
            h_features = h_features + self.label_horizontal(label)[:, :, None, None]
        return self._gate(v_features), h + self.horizontal_out(self._gate(h_features))


class PixelCNNModule(nn.Module):
    """Autoregressive model of images in raster order with a logistic mixture per pixel.

    ``p(x | y) = prod_{i,j} p(x_ij | x_<ij, y)``; the channels of one pixel
    are independent given the pixels before it. The first layer sees
    strictly earlier pixels; later layers keep that through their masks.

    Parameters
    ----------
    image_shape : tuple (C, H, W)
    n_levels : int or None
        Levels of discrete pixels (``None``: continuous pixels).
    channels : int
        Feature maps of every layer.
    n_layers : int
        Gated layers after the first masked layer.
    kernel_size : int
        Odd size of the masked kernels.
    n_logistic_components : int
    n_classes : int
        Classes of the context (0: unconditional).
    """

    loss_terms = ("nll",)

    def __init__(self, image_shape, n_levels, channels, n_layers, kernel_size,
                 n_logistic_components, n_classes=0):  # fmt: skip
        super().__init__()
        self.image_shape = tuple(image_shape)
        self.n_levels = n_levels
        n_channels = image_shape[0]
        self.label = ClassEmbedding(n_classes, 16 if n_classes else 0)
        self.first_vertical = MaskedConv2d.vertical(n_channels, channels, kernel_size, False)
        self.first_horizontal = MaskedConv2d.horizontal(n_channels, channels, kernel_size, False)
        self.layers = nn.ModuleList(
            GatedMaskedConv(channels, kernel_size, self.label.width) for _ in range(n_layers)
        )
        self.out = nn.Conv2d(channels, n_logistic_parameters(n_channels, n_logistic_components), 1)

    def features(self, x, context=None):
        """The horizontal stack's last feature maps, ``(n, channels, H, W)``."""
        label = None
        if context is not None and self.label.table is not None:
            label = self.label(context, len(x), x)
        v, h = self.first_vertical(x), self.first_horizontal(x)
        for layer in self.layers:
            v, h = layer(v, h, label)
        return h

    def parameters_of_pixels(self, x, context=None):
        return self.out(F.elu(self.features(x, context)))

    def log_prob(self, x, context=None):
        """Exact ``log p(x | y)`` of each image (discrete levels: a log-probability)."""
        params = self.parameters_of_pixels(x, context)
        return logistic_mixture_log_prob(params, x, self.n_levels).flatten(1).sum(1)

    def loss(self, x, context=None):
        return {"nll": -self.log_prob(x, context).mean()}

    def encode(self, x, context=None):
        """Spatial mean of the last features: a summary of each image (no latent variable)."""
        return self.features(x, context).mean(dim=(2, 3))

    def sample(self, n_samples, generator, context=None):
        """Ancestral sampling, one pixel (all its channels) at a time in raster order.

        The outputs of row ``i`` depend on rows ``<= i`` only, so each step
        runs the network on the rows down to the current one.
        """
        n_channels, height, width = self.image_shape
        weight = self.out.weight
        x = torch.zeros(n_samples, *self.image_shape, dtype=weight.dtype, device=weight.device)
        for i in range(height):
            for j in range(width):
                params = self.parameters_of_pixels(x[:, :, : i + 1], context)
                params = params[:, :, i : i + 1, j : j + 1]
                x[:, :, i : i + 1, j : j + 1] = logistic_mixture_sample(
                    params, n_channels, self.n_levels, generator
                )
        return x
