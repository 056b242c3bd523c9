"""Variational autoencoder with a Gaussian latent and a mixed tabular likelihood."""

import math

import torch
from torch import nn

from .mlp import make_mlp
from .noise import standard_normal
from .tabular_head import TabularHead

__all__ = ["VAEModule"]


class VAEModule(nn.Module):
    """VAE: ``q(z|x) = N(mu(x), diag sigma(x)^2)``, ``p(z) = N(0, I)``, ``p(x|z)`` a :class:`TabularHead`.

    Parameters
    ----------
    layout : list of Span
        Layout of the (standardised) data matrix.
    n_components : int
        Latent dimension.
    hidden_layer_sizes : tuple of int
        Encoder widths; the decoder mirrors them.
    beta : float
        Weight of the KL term (``beta > 1`` favours disentangled codes).
    """

    loss_terms = ("recon", "kl")

    def __init__(self, layout, n_components, hidden_layer_sizes, beta=1.0):
        super().__init__()
        n_features = sum(span.width for span in layout)
        self.n_components = n_components
        self.beta = beta
        self.encoder, width = make_mlp(n_features, hidden_layer_sizes, 2 * n_components)
        self.decoder, width = make_mlp(n_components, tuple(reversed(hidden_layer_sizes)))
        self.head = TabularHead(width, layout)

    def posterior(self, x):
        """Mean and log-variance of ``q(z|x)``."""
        mu, log_var = self.encoder(x).chunk(2, dim=-1)
        return mu, log_var.clamp(-15.0, 15.0)

    def loss(self, x):
        mu, log_var = self.posterior(x)
        z = mu + torch.exp(0.5 * log_var) * torch.randn_like(mu)
        recon = -self.head.log_prob(self.head(self.decoder(z)), x).mean()
        kl = 0.5 * (mu**2 + log_var.exp() - 1.0 - log_var).sum(-1).mean()
        return {"recon": recon, "kl": self.beta * kl}

    def log_prob(self, x, eps):
        """Importance-weighted lower bound on ``log p(x)`` (IWAE; one sample is the ELBO).

        ``eps`` holds the standard-normal draws, shape ``(k, n, n_components)``
        (or ``(k, 1, n_components)`` to share them between rows), which lets
        the caller fix them so that the bound is a deterministic function of
        each row.
        """
        k = eps.shape[0]
        mu, log_var = self.posterior(x)
        std = torch.exp(0.5 * log_var)
        z = mu + std * eps  # (k, n, latent)
        log_px_z = self.head.log_prob(self.head(self.decoder(z)), x)
        log_pz = (-0.5 * z**2).sum(-1)
        log_qz = (-0.5 * eps**2 - 0.5 * log_var).sum(-1)  # the 2*pi terms cancel
        return torch.logsumexp(log_px_z + log_pz - log_qz, dim=0) - math.log(k)

    def encode(self, x):
        return self.posterior(x)[0]

    def decode(self, z):
        return self.head.mean(self.head(self.decoder(z)))

    def sample(self, n_samples, generator):
        reference = self.head.linear.weight
        z = standard_normal((n_samples, self.n_components), generator, reference)
        return self.head.sample(self.head(self.decoder(z)), generator)
