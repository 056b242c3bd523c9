"""Deterministic (optionally denoising) autoencoder for mixed tabular rows."""

import torch
from torch import nn

from .mlp import make_mlp
from .tabular_head import TabularHead

__all__ = ["AutoencoderModule"]


class AutoencoderModule(nn.Module):
    """MLP encoder to a code of size ``n_components`` and MLP decoder to a :class:`TabularHead`.

    Parameters
    ----------
    layout : list of Span
    n_components : int
        Code size.
    hidden_layer_sizes : tuple of int
        Encoder widths; the decoder mirrors them.
    noise : float
        Standard deviation of the Gaussian corruption of the input during
        training (denoising autoencoder); 0 disables it.
    """

    loss_terms = ("recon",)

    def __init__(self, layout, n_components, hidden_layer_sizes, noise=0.0):
        super().__init__()
        n_features = sum(span.width for span in layout)
        self.n_components = n_components
        self.noise = noise
        self.encoder, _ = make_mlp(n_features, hidden_layer_sizes, n_components)
        self.decoder, width = make_mlp(n_components, tuple(reversed(hidden_layer_sizes)))
        self.head = TabularHead(width, layout, learn_std=False)

    def loss(self, x):
        corrupted = x + self.noise * torch.randn_like(x) if self.noise > 0 else x
        params = self.head(self.decoder(self.encoder(corrupted)))
        return {"recon": self.head.reconstruction_error(params, x).mean()}

    def reconstruction_error(self, x):
        """Per-row error of reconstructing clean ``x``."""
        return self.head.reconstruction_error(self.head(self.decoder(self.encoder(x))), x)

    def encode(self, x):
        return self.encoder(x)

    def decode(self, z):
        return self.head.mean(self.head(self.decoder(z)))

    def decode_sample(self, z, generator):
        """Decode codes to rows: continuous means, discrete spans drawn from their softmax."""
        return self.head.sample(self.head(self.decoder(z)), generator, continuous_noise=False)
