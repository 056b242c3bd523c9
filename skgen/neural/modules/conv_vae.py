"""Convolutional VAE with a discretised logistic-mixture likelihood on the pixels."""

import math

import torch
from torch import nn

from .conv import ConvDecoder, ConvEncoder
from .noise import standard_normal
from .pixels import (
    logistic_mixture_log_prob,
    logistic_mixture_mean,
    logistic_mixture_sample,
    n_logistic_parameters,
)

__all__ = ["ConvVAEModule"]


class ConvVAEModule(nn.Module):
    """``q(z|x)`` a diagonal Gaussian from a :class:`ConvEncoder`; ``p(x|z, y)`` a logistic
    mixture per pixel (see :mod:`~skgen.neural.modules.pixels`) from a :class:`ConvDecoder`.

    The encoder sees the image only, so ``encode`` needs no label; the
    decoder takes the class ``context`` of a class-conditional model.

    Parameters
    ----------
    image_shape : tuple (C, H, W)
    n_levels : int or None
        Levels of discrete pixels (``None``: continuous pixels).
    n_components : int
        Latent dimension.
    channels : tuple of int
        Channels of the encoder's stride-2 stages (the decoder mirrors them).
    n_logistic_components : int
        Logistic components per pixel.
    n_classes : int
        Classes of the context (0: unconditional).
    beta : float
        Weight of the KL term of the training loss.
    """

    loss_terms = ("recon", "kl")

    def __init__(self, image_shape, n_levels, n_components, channels, n_logistic_components,
                 n_classes=0, beta=1.0):  # fmt: skip
        super().__init__()
        self.image_shape = tuple(image_shape)
        self.n_levels = n_levels
        self.n_components = n_components
        self.beta = beta
        n_params = n_logistic_parameters(image_shape[0], n_logistic_components)
        self.encoder = ConvEncoder(image_shape, channels, 2 * n_components)
        self.decoder = ConvDecoder(image_shape, channels, n_components, n_params, n_classes)

    def posterior(self, x):
        """Mean and log-variance of ``q(z|x)``."""
        mu, log_var = self.encoder(x).chunk(2, dim=-1)
        return mu, log_var.clamp(-15.0, 15.0)

    def _log_px_z(self, x, z, context):
        params = self.decoder(z, context)  # (..., n, P, H, W)
        lead = params.shape[:-3]
        flat = logistic_mixture_log_prob(
            params.reshape(-1, *params.shape[-3:]),
            x.expand(*lead[:-1], *x.shape).reshape(-1, *x.shape[1:]),
            self.n_levels,
        )
        return flat.reshape(*lead, -1).sum(-1)

    def loss(self, x, context=None):
        mu, log_var = self.posterior(x)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
        recon = -self._log_px_z(x, z, context).mean()
        kl = 0.5 * (mu**2 + log_var.exp() - 1.0 - log_var).sum(-1).mean()
        return {"recon": recon, "kl": self.beta * kl}

    def log_prob(self, x, eps, context=None):
        """Importance-weighted lower bound on ``log p(x | y)`` with the draws ``eps`` (k, n, latent)."""
        k = eps.shape[0]
        mu, log_var = self.posterior(x)
        z = mu + torch.exp(0.5 * log_var) * eps
        log_pz = (-0.5 * z**2).sum(-1)
        log_qz = (-0.5 * eps**2 - 0.5 * log_var).sum(-1)  # the 2*pi terms cancel
        return torch.logsumexp(self._log_px_z(x, z, context) + log_pz - log_qz, 0) - math.log(k)

    def encode(self, x):
        return self.posterior(x)[0]

    def decode(self, z, context=None):
        return logistic_mixture_mean(self.decoder(z, context), self.image_shape[0])

    def sample(self, n_samples, generator, context=None):
        z = standard_normal((n_samples, self.n_components), generator, self.decoder.out.weight)
        params = self.decoder(z, context)
        return logistic_mixture_sample(params, self.image_shape[0], self.n_levels, generator)
