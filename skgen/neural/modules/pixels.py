"""Pixel likelihoods: a mixture of logistics per pixel, discretised over the image's levels.

A pixel value ``x`` scaled to ``[-1, 1]`` has a mixture of ``K`` logistic
distributions (PixelCNN++). For images with ``n_levels`` discrete levels
(level ``k`` sits at ``-1 + 2k / (n_levels - 1)``) the probability of a
level is the mixture's mass on its bin, the lowest and highest bins
reaching to minus and plus infinity, so the probabilities of all levels sum
to one exactly (counting measure). For continuous images
(``n_levels=None``) it is the mixture's density (Lebesgue measure on the
scaled values).

The parameters of every pixel come as one tensor of shape
``(n, C * 3 * K, H, W)``: per channel the ``K`` mixture logits, means and
log-scales.
"""

import math

import torch
import torch.nn.functional as F

from .noise import gumbel, uniform

__all__ = [
    "logistic_mixture_log_prob",
    "logistic_mixture_mean",
    "logistic_mixture_sample",
    "n_logistic_parameters",
]

#: Smallest log-scale of a component (PixelCNN++'s bound): keeps the bins' masses finite.
_MIN_LOG_SCALE = -7.0


def n_logistic_parameters(n_channels, n_components):
    """Channels of the parameter tensor for ``n_channels`` image channels."""
    return n_channels * 3 * n_components


def _split(params, n_channels):
    n, _, height, width = params.shape
    params = params.reshape(n, n_channels, 3, -1, height, width)
    logits, means, log_scales = params.unbind(2)  # each (n, C, K, H, W)
    return logits, means, log_scales.clamp(min=_MIN_LOG_SCALE)


def _log1mexp(a):
    """``log(1 - exp(a))`` for ``a < 0``, accurate on both sides of ``-log 2``."""
    return torch.where(a > -math.log(2.0), torch.log(-torch.expm1(a)), torch.log1p(-torch.exp(a)))


def _bin_geometry(n_levels):
    gaps = max(n_levels - 1, 1)
    return gaps, 1.0 / gaps  # levels apart, half-width of a bin


def logistic_mixture_log_prob(params, x, n_levels):
    """Log-probability (discrete) or log-density (``n_levels=None``) of each pixel value.

    Parameters
    ----------
    params : Tensor of shape (n, C * 3 * K, H, W)
    x : Tensor of shape (n, C, H, W)
        Pixel values scaled to ``[-1, 1]``.
    n_levels : int or None

    Returns
    -------
    log_p : Tensor of shape (n, C, H, W)
        ``-inf`` where a discrete model gets a value that is not one of its levels.
    """
    logits, means, log_scales = _split(params, x.shape[1])
    centred = x.unsqueeze(2) - means
    inv_scale = torch.exp(-log_scales)
    if n_levels is None:
        z = centred * inv_scale
        log_p = z - log_scales - 2.0 * F.softplus(z)  # log logistic density
    else:
        gaps, half = _bin_geometry(n_levels)
        upper, lower = inv_scale * (centred + half), inv_scale * (centred - half)
        log_cdf_upper = F.logsigmoid(upper)
        log_survival_lower = F.logsigmoid(-lower)
        ratio = F.logsigmoid(lower) - log_cdf_upper  # log(CDF(lower) / CDF(upper)) < 0
        z = centred * inv_scale
        # A bin far narrower than the component: its mass is density times width.
        narrow = z - log_scales - 2.0 * F.softplus(z) + math.log(2.0 * half)
        middle = torch.where(
            ratio < -1e-5, log_cdf_upper + _log1mexp(ratio.clamp(max=-1e-5)), narrow
        )
        level = torch.round((x + 1.0) * gaps / 2.0).unsqueeze(2)
        log_p = torch.where(
            level <= 0,
            torch.where(level >= n_levels - 1, torch.zeros_like(middle), log_cdf_upper),
            torch.where(level >= n_levels - 1, log_survival_lower, middle),
        )
    log_p = torch.logsumexp(torch.log_softmax(logits, dim=2) + log_p, dim=2)
    if n_levels is not None:
        gaps, half = _bin_geometry(n_levels)
        level = torch.round((x + 1.0) * gaps / 2.0)
        on_a_level = (level >= 0) & (level <= n_levels - 1)
        on_a_level &= (x - (-1.0 + 2.0 * level / gaps)).abs() <= 1e-3 * half
        log_p = torch.where(on_a_level, log_p, torch.full_like(log_p, -math.inf))
    return log_p


def logistic_mixture_sample(params, n_channels, n_levels, generator):
    """Pixel values (scaled to ``[-1, 1]``; on the levels when discrete) drawn from ``params``."""
    logits, means, log_scales = _split(params, n_channels)
    component = (logits + gumbel(logits.shape, generator, logits)).argmax(dim=2, keepdim=True)
    mean = means.gather(2, component).squeeze(2)
    scale = log_scales.gather(2, component).squeeze(2).exp()
    u = uniform(mean.shape, generator, mean).clamp(1e-7, 1.0 - 1e-7)
    y = mean + scale * (torch.log(u) - torch.log1p(-u))
    if n_levels is None:
        return y
    gaps, _ = _bin_geometry(n_levels)
    level = torch.round((y + 1.0) * gaps / 2.0).clamp(0, n_levels - 1)
    return -1.0 + 2.0 * level / gaps


def logistic_mixture_mean(params, n_channels):
    """Mean of each pixel's mixture, clipped to ``[-1, 1]``."""
    logits, means, _ = _split(params, n_channels)
    return (torch.softmax(logits, dim=2) * means).sum(2).clamp(-1.0, 1.0)
