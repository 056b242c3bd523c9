"""Random draws with an explicit torch.Generator, on the generator's device.

Sampling and Monte-Carlo scores never use torch's global RNG: each call gets
a ``torch.Generator`` seeded from the caller's ``random_state`` and created on
the model's device, so noise is drawn where it is used (no host-to-device
copy per sampling step) and samples depend only on the seed and the device.
"""

import torch

__all__ = ["gumbel", "standard_normal", "uniform"]


def standard_normal(shape, generator, like):
    """Standard normal noise of ``like``'s dtype, drawn by ``generator`` on its device."""
    return torch.randn(shape, generator=generator, device=generator.device, dtype=like.dtype)


def uniform(shape, generator, like):
    """Uniform noise on [0, 1) of ``like``'s dtype, drawn by ``generator`` on its device.

    ``generator=None`` draws from torch's global RNG on ``like``'s device:
    training noise, seeded by the estimator's fit.
    """
    device = like.device if generator is None else generator.device
    return torch.rand(shape, generator=generator, device=device, dtype=like.dtype)


def gumbel(shape, generator, like):
    """Standard Gumbel noise (for Gumbel-max categorical sampling); ``generator`` as for :func:`uniform`."""
    u = uniform(shape, generator, like)
    tiny = torch.finfo(like.dtype).tiny
    return -torch.log(-torch.log(u.clamp(tiny, 1.0 - 1e-7)))
