"""DCGAN: a convolutional generator and critic in :class:`~skgen.neural.modules.gan.GANModule`'s scheme.

The WGAN-GP losses, the gradient penalty, the inference encoder's training
and the importance-sampled log-density are :class:`GANModule`'s; this module
swaps its parts for images:

- :class:`ConvGenerator`: ``[z, one-hot class]`` through a
  :class:`~skgen.neural.modules.conv.ConvDecoder`, ``tanh`` to ``[-1, 1]``;
- a critic and an encoder that are :class:`~skgen.neural.modules.conv.ConvEncoder`\\ s
  (the critic sees the class as constant one-hot channels, the conditional
  GAN's usual input);
- :class:`PixelHead`: the observation model around the generated image,
  a Gaussian per pixel, discretised over the levels of discrete images
  (so scores are probabilities of pixel values, like the other image
  models'), in place of the tabular head.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

from .conv import ConvDecoder, ConvEncoder
from .gan import GANModule, gradient_penalty

__all__ = ["ConvCritic", "ConvGenerator", "DCGANModule", "PixelHead"]

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def _log_normal_mass(lower, upper):
    """``log(Phi(upper) - Phi(lower))``, accurate in both tails."""
    flip = lower > 0  # both edges in the upper tail: use the mirrored interval
    lower, upper = torch.where(flip, -upper, lower), torch.where(flip, -lower, upper)
    log_upper, log_lower = torch.special.log_ndtr(upper), torch.special.log_ndtr(lower)
    gap = (log_lower - log_upper).clamp(max=-1e-12)
    return log_upper + torch.log(-torch.expm1(gap))


class PixelHead:
    """Observation model ``p(x | G(z))`` of an image: a Gaussian of standard deviation ``std``
    around each generated pixel, discretised over ``n_levels`` levels (``None``: a density).

    The generator's output is the image itself (no extra parameters): the
    differentiable "relaxation" a critic sees in training, the sample, and
    the mean are all that image. Level ``k`` of a discrete image sits at
    ``-1 + 2k / (n_levels - 1)``; its bin reaches half-way to its
    neighbours, and to infinity beyond the first and the last level.
    """

    def __init__(self, image_shape, n_levels):
        self.n_levels = n_levels
        self.n_continuous = int(math.prod(image_shape))

    def gumbel_softmax(self, params, tau=None, hard=False):
        return params

    def sample(self, params, generator=None, *, continuous_noise=False):
        return params

    def mean(self, params):
        return params

    def reconstruction_error(self, params, x):
        return ((params - x) ** 2).flatten(-3).sum(-1)

    def log_prob(self, params, x, std):
        """Log-probability of the images ``x`` (levels) or their log-density, summed per image."""
        mean, x = params.flatten(-3), x.flatten(-3)
        if self.n_levels is None or self.n_levels < 2:
            z = (x - mean) / std
            return (-0.5 * z**2 - torch.log(std) - _LOG_SQRT_2PI).sum(-1)
        half = 1.0 / (self.n_levels - 1)
        lower = torch.where(x < -1 + half, -math.inf, (x - half - mean) / std)
        upper = torch.where(x > 1 - half, math.inf, (x + half - mean) / std)
        return _log_normal_mass(lower, upper).sum(-1)


class ConvGenerator(nn.Module):
    """``z`` and a one-hot class vector (zeros: the unconditional generator) to an image in ``[-1, 1]``."""

    def __init__(self, image_shape, n_levels, n_components, channels, n_classes=0):
        super().__init__()
        self.n_conditions = n_classes
        self.decoder = ConvDecoder(image_shape, channels, n_components + n_classes, image_shape[0])
        self.head = PixelHead(image_shape, n_levels)

    def forward(self, z, condition=None):
        if self.n_conditions:
            if condition is None:
                condition = z.new_zeros(z.shape[:-1] + (self.n_conditions,))
            z = torch.cat([z, condition.to(z.dtype)], dim=-1)
        return torch.tanh(self.decoder(z))


class ConvCritic(nn.Module):
    """A :class:`ConvEncoder` with one output: the Wasserstein critic (no packing, ``pac = 1``)."""

    pac = 1

    def __init__(self, image_shape, channels):
        super().__init__()
        self.body = ConvEncoder(image_shape, channels, 1)

    def forward(self, x):
        return self.body(x).squeeze(-1)


class DCGANModule(GANModule):
    """WGAN-GP on images, optionally class-conditional, with an inference encoder.

    Parameters
    ----------
    image_shape : tuple (C, H, W)
    n_levels : int or None
        Levels of discrete pixels (``None``: continuous pixels).
    n_components : int
        Latent dimension.
    channels : tuple of int
        Channels of the critic's and the encoder's stride-2 stages; the
        generator mirrors them.
    n_classes : int, default=0
        Classes of the context (0: unconditional).
    gradient_penalty_weight : float, default=10.0
    class_dropout : float, default=0.0
        With a class context, the share of training images whose class is
        hidden from generator and critic: this trains the unconditional
        generator ``G(z, 0)`` that ``transform``, ``inverse_transform`` and
        the encoder describe.

    Notes
    -----
    Losses, sampling, the encoder and the log-density estimate are
    :class:`GANModule`'s; class codes (``context``) become one-hot condition
    vectors, fed to the generator beside ``z`` and to the critic as
    constant channels.
    """

    def __init__(self, image_shape, n_levels, n_components, channels, n_classes=0,
                 gradient_penalty_weight=10.0, class_dropout=0.0):  # fmt: skip
        nn.Module.__init__(self)  # GANModule's parts are built here, for images
        self.image_shape = tuple(image_shape)
        self.n_components = n_components
        self.n_conditions = n_classes
        self.pac = 1
        self.gradient_penalty_weight = gradient_penalty_weight
        self.tau = None
        self.class_dropout = class_dropout
        n_channels, height, width = image_shape
        self.generator = ConvGenerator(image_shape, n_levels, n_components, channels, n_classes)
        self.critic = ConvCritic((n_channels + n_classes, height, width), channels)
        self.encoder = ConvEncoder(image_shape, channels, n_components)
        self.register_buffer("log_noise_std", torch.zeros(()))
        self.register_buffer("proposal_scale", torch.ones(n_components))

    def _condition(self, context, dropout=0.0):
        """One-hot class vectors of the codes ``context``; a share ``dropout`` of them zero."""
        if context is None or not self.n_conditions:
            return None
        condition = F.one_hot(context.long(), self.n_conditions).to(self.log_noise_std.dtype)
        if dropout > 0:
            kept = torch.rand(len(condition), 1, device=condition.device) >= dropout
            condition = condition * kept
        return condition

    def _critic_input(self, x, condition):
        if not self.n_conditions:
            return x
        if condition is None:
            condition = x.new_zeros(x.shape[0], self.n_conditions)
        maps = condition.to(x.dtype)[:, :, None, None].expand(-1, -1, *x.shape[-2:])
        return torch.cat([x, maps], dim=1)

    # The convolutional critic sees the class as constant channels of its input, and the
    # penalty differentiates that whole input (autograd: no written-out input gradient).
    def _critique(self, x, condition):
        return self.critic(self._critic_input(x, condition))

    def _penalty(self, real, fake, condition):
        real, fake = self._critic_input(real, condition), self._critic_input(fake, condition)
        return gradient_penalty(self.critic, real, fake)

    # Class dropout draws a fresh mask in each loss, so each loss draws its own fake
    # images (with the condition they were made from) rather than sharing one batch.
    generate = None

    def impose(self, x, condition):
        return x  # the class is an input of the generator, not a part of the image

    def critic_loss(self, x, context=None):
        return super().critic_loss(x, self._condition(context, self.class_dropout))

    def generator_loss(self, x, context=None):
        return super().generator_loss(x, self._condition(context, self.class_dropout))

    def loss(self, x, context=None):
        return super().loss(x, self._condition(context))

    def sample(self, n_samples, generator, context=None):
        return super().sample(n_samples, generator, self._condition(context))

    def log_prob(self, x, eps, n_prior, noise_std=None, context=None):
        return super().log_prob(x, eps, n_prior, noise_std, self._condition(context))
