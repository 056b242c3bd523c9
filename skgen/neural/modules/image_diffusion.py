"""Image diffusion: a small U-Net denoiser and Gaussian diffusion on ``(n, C, H, W)`` images.

The forward process, its posteriors, the reverse step and the terms of the
variational bound are :class:`~skgen.neural.modules.diffusion.GaussianDiffusion`'s
(the schedules too); the moving average of the denoiser's weights is
:class:`~skgen.neural.modules.diffusion.AveragedDenoiser`'s. Here:

- :class:`UNet`: residual blocks at each resolution (stride-2 convolutions
  down, transposed convolutions up, skip connections across), conditioned on
  a sinusoidal timestep embedding and an optional class embedding with a
  "no class" index for classifier-free guidance (Ho et al. 2020; Ho and
  Salimans 2022);
- :class:`ImageDiffusionModule`: the training loss (squared error of the
  predicted noise), the bound on ``log p(x)`` with a discretised last step
  for discrete images (Ho et al. 2020, section 3.3: the bound is then on
  the probability of the pixel values), and the reverse chain.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

from .conv import downsampled_sizes
from .diffusion import AveragedDenoiser, GaussianDiffusion, timestep_embedding
from .noise import standard_normal

__all__ = ["ImageDiffusionModule", "ResidualBlock", "UNet"]

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def _norm(channels):
    return nn.GroupNorm(math.gcd(8, channels), channels)


class ResidualBlock(nn.Module):
    """Two 3x3 convolutions with group norm and SiLU, a skip connection, and the embedding as a
    scale and shift of the second norm's output.

    The embedding (timestep, class) modulates the features after the norm
    (improved DDPM's "scale-shift norm"): a shift added before a group norm
    whose groups are single channels would be removed by it.
    """

    def __init__(self, in_channels, out_channels, embedding_dim):
        super().__init__()
        self.norm1 = _norm(in_channels)
        self.conv1 = nn.Conv2d(in_channels, out_channels, 3, padding=1)
        self.embedding = nn.Linear(embedding_dim, 2 * out_channels)
        self.norm2 = _norm(out_channels)
        self.conv2 = nn.Conv2d(out_channels, out_channels, 3, padding=1)
        self.skip = (
            nn.Conv2d(in_channels, out_channels, 1)
            if in_channels != out_channels
            else nn.Identity()
        )

    def forward(self, x, embedding):
        h = self.conv1(F.silu(self.norm1(x)))
        scale, shift = self.embedding(embedding)[:, :, None, None].chunk(2, dim=1)
        h = self.norm2(h) * (1 + scale) + shift
        h = self.conv2(F.silu(h))
        return h + self.skip(x)


class UNet(nn.Module):
    """Predicts the noise of ``x_t`` at timesteps ``t`` (``(n,)``, or ``(1,)`` for all), given a class.

    Parameters
    ----------
    image_shape : tuple (C, H, W)
    channels : tuple of int
        Channels at each resolution, the first at full size; each next one
        halves height and width (any ``H x W``: the way up restores the
        sizes of the way down).
    embedding_dim : int
        Width of the timestep and class embeddings.
    n_classes : int, default=0
        Number of classes of the context; an extra index ``n_classes`` is
        the "no class" of classifier-free guidance. 0: no context.
    """

    def __init__(self, image_shape, channels, embedding_dim, n_classes=0):
        super().__init__()
        n_channels, height, width = image_shape
        self.embedding_dim = embedding_dim
        self.n_classes = n_classes
        self.sizes = downsampled_sizes(height, width, len(channels) - 1)
        self.time_mlp = nn.Sequential(
            nn.Linear(embedding_dim, embedding_dim),
            nn.SiLU(),
            nn.Linear(embedding_dim, embedding_dim),
        )
        self.class_embedding = nn.Embedding(n_classes + 1, embedding_dim) if n_classes else None
        self.inp = nn.Conv2d(n_channels, channels[0], 3, padding=1)
        previous, self.down, self.downsample = channels[0], nn.ModuleList(), nn.ModuleList()
        for level, out in enumerate(channels):
            self.down.append(ResidualBlock(previous, out, embedding_dim))
            if level + 1 < len(channels):
                self.downsample.append(nn.Conv2d(out, out, 3, stride=2, padding=1))
            previous = out
        self.middle = ResidualBlock(previous, previous, embedding_dim)
        self.up, self.upsample = nn.ModuleList(), nn.ModuleList()
        for level in range(len(channels)):  # from the full resolution: applied in reverse
            below = channels[level + 1] if level + 1 < len(channels) else channels[level]
            self.up.append(ResidualBlock(below + channels[level], channels[level], embedding_dim))
            if level + 1 < len(channels):
                self.upsample.append(nn.ConvTranspose2d(below, below, 3, stride=2, padding=1))
        self.out_norm = _norm(channels[0])
        self.out = nn.Conv2d(channels[0], n_channels, 3, padding=1)
        with torch.no_grad():  # an untrained denoiser predicts no noise
            self.out.weight.zero_()
            self.out.bias.zero_()

    def _embedding(self, x, t, context):
        embedding = self.time_mlp(timestep_embedding(t, self.embedding_dim).to(x.dtype))
        if self.class_embedding is not None:
            if context is None:  # the "no class" index: the unconditional model
                context = torch.full((x.shape[0],), self.n_classes, device=x.device)
            embedding = embedding + self.class_embedding(context)
        return F.silu(embedding.expand(x.shape[0], -1))

    def _down(self, x, embedding):
        h, skips = self.inp(x), []
        for level, block in enumerate(self.down):
            h = block(h, embedding)
            skips.append(h)
            if level < len(self.downsample):
                h = self.downsample[level](h)
        return self.middle(h, embedding), skips

    def embed(self, x, t, context=None):
        """The bottleneck's features of ``x`` at ``t``, averaged over positions: ``(n, channels[-1])``."""
        h, _ = self._down(x, self._embedding(x, t, context))
        return h.mean((-2, -1))

    def forward(self, x, t, context=None):
        embedding = self._embedding(x, t, context)
        h, skips = self._down(x, embedding)
        for level in reversed(range(len(self.up))):
            if level < len(self.upsample):
                h = self.upsample[level](h, output_size=self.sizes[level])
            h = self.up[level](torch.cat([h, skips[level]], dim=1), embedding)
        return self.out(F.silu(self.out_norm(h)))


class ImageDiffusionModule(AveragedDenoiser):
    """Gaussian diffusion on images in ``[-1, 1]`` with a noise-predicting ``denoiser``.

    Parameters
    ----------
    n_levels : int or None
        Levels of discrete pixels (level ``k`` at ``-1 + 2k / (n_levels - 1)``);
        ``None``: continuous pixels.
    denoiser : nn.Module
        ``denoiser(x_t, t, context)``, e.g. a :class:`UNet`, with ``n_classes``
        and ``embed(x, t, context)``.
    alpha_bar : tensor of shape (n_steps + 1,)
        The noise schedule (see :data:`skgen.neural.modules.diffusion.SCHEDULES`).
    class_dropout : float, default=0.1
        With a class context, the share of training images whose class is
        replaced by "no class" (trains the unconditional model).
    ema_decay : float, default=0.0
        See :class:`~skgen.neural.modules.diffusion.AveragedDenoiser`.
    """

    loss_terms = ("noise",)

    def __init__(self, n_levels, denoiser, alpha_bar, class_dropout=0.1, ema_decay=0.0):
        super().__init__(denoiser, ema_decay)
        self.n_levels = n_levels
        self.class_dropout = class_dropout
        self.gaussian = GaussianDiffusion(alpha_bar, (-1.0, 1.0))

    @property
    def n_steps(self):
        return self.gaussian.n_steps

    def denoise(self, x_t, t, context=None, guidance_scale=1.0):
        """Predicted noise; with a context and ``guidance_scale != 1``, classifier-free guidance."""
        t = torch.full((1,), t, device=x_t.device) if isinstance(t, int) else t
        denoiser = self._denoiser()
        if context is None or guidance_scale == 1.0:
            return denoiser(x_t, t, context)
        none = torch.full_like(context, denoiser.n_classes)
        times = t if t.shape[0] == 1 else torch.cat([t, t])
        conditional, unconditional = denoiser(
            torch.cat([x_t, x_t]), times, torch.cat([context, none])
        ).chunk(2)
        return unconditional + guidance_scale * (conditional - unconditional)

    def embed(self, x, context=None):
        """The denoiser's bottleneck features of clean images at the least noisy timestep, 1."""
        t = torch.ones(x.shape[0], dtype=torch.long, device=x.device)
        return self._denoiser().embed(x, t, context)

    def loss(self, x, context=None):
        n = x.shape[0]
        t = torch.randint(1, self.n_steps + 1, (n,), device=x.device)
        if context is not None and self.class_dropout > 0:
            dropped = torch.rand(n, device=x.device) < self.class_dropout
            context = torch.where(
                dropped, torch.full_like(context, self.denoiser.n_classes), context
            )
        noise = torch.randn_like(x)
        eps = self.denoiser(self.gaussian.noised(x, t, noise), t, context)
        return {"noise": self.gaussian.loss(eps, noise).mean()}

    def _last_step_log_prob(self, x0, x_t, eps, t):
        """``log p(x_0 | x_t)`` per pixel: a Gaussian, discretised over the levels of discrete images."""
        mean, _ = self.gaussian.posterior(self.gaussian.predict_x0(x_t, t, eps), x_t, t, 0)
        std = self.gaussian.model_variance(t, 0, x_t.ndim).to(x_t.dtype).sqrt()
        if self.n_levels is None or self.n_levels < 2:
            return -self.gaussian.bound_term(x0, x_t, eps, t, 0)
        half = 1.0 / (self.n_levels - 1)
        lower = torch.where(x0 < -1 + half, -math.inf, (x0 - half - mean) / std)
        upper = torch.where(x0 > 1 - half, math.inf, (x0 + half - mean) / std)
        flip = lower > 0  # both edges in the upper tail: the mirrored interval is accurate
        lower, upper = torch.where(flip, -upper, lower), torch.where(flip, -lower, upper)
        log_upper, log_lower = torch.special.log_ndtr(upper), torch.special.log_ndtr(lower)
        return log_upper + torch.log(-torch.expm1((log_lower - log_upper).clamp(max=-1e-12)))

    def log_prob(self, x, timesteps, normal, context=None):
        """Variational lower bound on ``log p(x)`` of the chain through ``timesteps``.

        ``timesteps`` descend from ``n_steps`` to 1; each term is estimated
        with one draw of ``x_t`` from the standard normal ``normal[k]``
        (shape ``(len(timesteps), *x.shape)``). For discrete images the last
        step's term is the log-probability of the pixel levels (counting
        measure), for continuous ones a log-density.
        """
        total = -self.gaussian.prior_kl(x).flatten(1).sum(-1)
        for k, t in enumerate(timesteps):
            s = timesteps[k + 1] if k + 1 < len(timesteps) else 0
            x_t = self.gaussian.noised(x, t, normal[k])
            eps = self.denoise(x_t, t, context)
            if s == 0:
                term = -self._last_step_log_prob(x, x_t, eps, t)
            else:
                term = self.gaussian.bound_term(x, x_t, eps, t, s)
            total = total - term.flatten(1).sum(-1)
        return total

    def sample(self, n_samples, generator, timesteps, shape, context=None, guidance_scale=1.0):
        """Run the reverse chain through ``timesteps`` from noise of ``(n_samples, *shape)``.

        The last step draws from ``p(x_0 | x_1)``; rounding its draw to the
        nearest level samples the discretised last step of the bound.
        """
        reference = self.gaussian.alpha_bar.to(self.denoiser.out.weight.dtype)
        x_t = standard_normal((n_samples, *shape), generator, reference)
        for k, t in enumerate(timesteps):
            s = timesteps[k + 1] if k + 1 < len(timesteps) else 0
            eps = self.denoise(x_t, t, context, guidance_scale)
            x_t = self.gaussian.step(x_t, eps, t, s, standard_normal(x_t.shape, generator, x_t))
        return x_t
