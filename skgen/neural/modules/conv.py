"""Convolutional building blocks: a downsampling encoder, an upsampling decoder, class embeddings."""

import torch
from torch import nn

__all__ = ["ClassEmbedding", "ConvClassifier", "ConvDecoder", "ConvEncoder", "downsampled_sizes"]


def downsampled_sizes(height, width, n_stages):
    """Spatial sizes after each stride-2 convolution (kernel 3, padding 1), input first."""
    sizes = [(height, width)]
    for _ in range(n_stages):
        h, w = sizes[-1]
        sizes.append(((h - 1) // 2 + 1, (w - 1) // 2 + 1))
    return sizes


class ClassEmbedding(nn.Module):
    """A learnt vector per class, or zeros for an unconditional model (``n_classes=0``) or no label."""

    def __init__(self, n_classes, width):
        super().__init__()
        self.width = width
        self.table = nn.Embedding(n_classes, width) if n_classes > 0 else None

    def forward(self, context, n, reference):
        if context is None or self.table is None:
            return reference.new_zeros(n, self.width)
        return self.table(context)


class ConvEncoder(nn.Module):
    """Stride-2 convolutions, then a linear map of the flattened features (and a class vector).

    Parameters
    ----------
    image_shape : tuple (C, H, W)
    channels : tuple of int
        Channels of each stride-2 stage (each halves height and width).
    n_outputs : int
    n_classes : int
        Classes of the optional context (0: none).
    """

    def __init__(self, image_shape, channels, n_outputs, n_classes=0):
        super().__init__()
        n_channels, height, width = image_shape
        layers, previous = [], n_channels
        for out in channels:
            layers += [nn.Conv2d(previous, out, 3, stride=2, padding=1), nn.SiLU()]
            previous = out
        self.convs = nn.Sequential(*layers)
        h, w = downsampled_sizes(height, width, len(channels))[-1]
        self.label = ClassEmbedding(n_classes, 16 if n_classes else 0)
        self.linear = nn.Linear(previous * h * w + self.label.width, n_outputs)

    def forward(self, x, context=None):
        features = self.convs(x).flatten(1)
        label = self.label(context, len(x), features)
        return self.linear(torch.cat([features, label], dim=1))


class ConvDecoder(nn.Module):
    """A linear map to a small feature map, then stride-2 transposed convolutions up to the image size.

    Mirrors :class:`ConvEncoder`: each transposed convolution restores the
    size the encoder had at that stage, so any ``H x W`` comes back exactly.
    The last layer is a 3x3 convolution to ``n_outputs`` channels per pixel.
    """

    def __init__(self, image_shape, channels, n_inputs, n_outputs, n_classes=0):
        super().__init__()
        _, height, width = image_shape
        self.sizes = downsampled_sizes(height, width, len(channels))
        channels = tuple(reversed(channels))
        self.label = ClassEmbedding(n_classes, 16 if n_classes else 0)
        h, w = self.sizes[-1]
        self.first_shape = (channels[0], h, w)
        self.linear = nn.Linear(n_inputs + self.label.width, channels[0] * h * w)
        self.ups = nn.ModuleList(
            nn.ConvTranspose2d(c_in, c_out, 3, stride=2, padding=1)
            for c_in, c_out in zip(channels, channels[1:] + channels[-1:])
        )
        self.activation = nn.SiLU()
        self.out = nn.Conv2d(channels[-1], n_outputs, 3, padding=1)

    def forward(self, z, context=None):
        lead = z.shape[:-1]  # e.g. (k, n) for importance samples
        z = z.reshape(-1, z.shape[-1])
        if context is not None:
            context = context.expand(*lead).reshape(-1)
        label = self.label(context, len(z), z)
        h = self.activation(self.linear(torch.cat([z, label], dim=1)))
        h = h.reshape(len(z), *self.first_shape)
        for up, size in zip(self.ups, reversed(self.sizes[:-1])):
            h = self.activation(up(h, output_size=size))
        out = self.out(h)
        return out.reshape(*lead, *out.shape[1:])


class ConvClassifier(nn.Module):
    """A small convolutional classifier: :class:`ConvEncoder` features, then a linear layer.

    ``features(x)`` are the penultimate activations (what image metrics
    compare); ``loss(x, label)`` is the cross-entropy, for
    :class:`skgen.neural.GenerativeNet`.
    """

    loss_terms = ("cross_entropy",)

    def __init__(self, image_shape, channels, n_features, n_classes):
        super().__init__()
        self.encoder = ConvEncoder(image_shape, channels, n_features)
        self.activation = nn.SiLU()
        self.head = nn.Linear(n_features, n_classes)

    def features(self, x):
        return self.activation(self.encoder(x))

    def forward(self, x):
        return self.head(self.features(x))

    def loss(self, x, label):
        return {"cross_entropy": nn.functional.cross_entropy(self(x), label)}
