"""Denoising diffusion: noise schedules, Gaussian and multinomial diffusion, an MLP denoiser.

The pieces are independent of each other and of the data's shape:

- a *schedule* is the tensor ``alpha_bar`` of shape ``(n_steps + 1,)``, with
  ``alpha_bar[0] = 1`` (clean data) decreasing to ``alpha_bar[n_steps]``
  (almost pure noise): :func:`cosine_alpha_bar`, :func:`linear_alpha_bar`;
  :func:`strided_timesteps` picks a shorter, evenly strided sub-schedule for
  sampling;
- :class:`GaussianDiffusion` (Ho et al., 2020) and
  :class:`MultinomialDiffusion` (Hoogeboom et al., 2021) hold the closed
  forms of the forward process, of its posteriors ``q(x_s | x_t, x_0)``
  between *any* two timesteps ``s < t`` (so a strided schedule needs no
  retraining) and of the terms of the variational bound. They take the
  denoiser's prediction as a tensor, never the denoiser itself, so an image
  model can pair them with a U-Net;
- :class:`MLPDenoiser` is the tabular denoiser (TabDDPM's ``MLPDiffusion``):
  an MLP on the noisy row plus a :func:`timestep_embedding` and an optional
  class embedding;
- :class:`TabularDiffusion` puts them together on a row laid out as
  :attr:`skgen.preprocessing.TabularEncoder.layout_` says: Gaussian diffusion
  on the continuous values, multinomial diffusion on every discrete span
  (categories, missing-value flags), the denoiser passed to its constructor
  (Kotelnikov et al., "TabDDPM", ICML 2023).
"""

import copy
import math

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from .mlp import make_mlp
from .noise import gumbel, standard_normal

__all__ = [
    "AveragedDenoiser",
    "GaussianDiffusion",
    "MLPDenoiser",
    "MultinomialDiffusion",
    "SCHEDULES",
    "TabularDiffusion",
    "cosine_alpha_bar",
    "linear_alpha_bar",
    "strided_timesteps",
    "timestep_embedding",
]

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


# ------------------------------------------------------------- schedules
def _alpha_bar_from_betas(betas):
    return torch.cat([torch.ones(1, dtype=torch.float64), torch.cumprod(1.0 - betas, 0)])


def cosine_alpha_bar(n_steps, offset=0.008, max_beta=0.999):
    """Cosine schedule (Nichol and Dhariwal, 2021): ``alpha_bar(t) ~ cos^2((t/T + s) / (1 + s) pi/2)``.

    Returns a float64 tensor of shape ``(n_steps + 1,)`` with ``alpha_bar[0] = 1``.
    Each step's ``beta`` is capped at ``max_beta`` (the last steps would
    otherwise have ``beta = 1``, a singular posterior).
    """
    grid = torch.arange(n_steps + 1, dtype=torch.float64) / n_steps
    f = torch.cos((grid + offset) / (1 + offset) * math.pi / 2) ** 2
    betas = (1.0 - f[1:] / f[:-1]).clamp(max=max_beta)
    return _alpha_bar_from_betas(betas)


def linear_alpha_bar(n_steps, beta_start=None, beta_end=None):
    """Linear ``beta`` schedule (Ho et al., 2020), scaled so that any ``n_steps`` ends as 1000 do.

    The defaults are DDPM's ``1e-4`` and ``0.02`` for 1000 steps, times
    ``1000 / n_steps``. Returns ``alpha_bar`` as :func:`cosine_alpha_bar` does.
    """
    scale = 1000.0 / n_steps
    beta_start = 1e-4 * scale if beta_start is None else beta_start
    beta_end = 0.02 * scale if beta_end is None else beta_end
    betas = torch.linspace(beta_start, beta_end, n_steps, dtype=torch.float64).clamp(max=0.999)
    return _alpha_bar_from_betas(betas)


SCHEDULES = {"cosine": cosine_alpha_bar, "linear": linear_alpha_bar}


def strided_timesteps(n_steps, n_used):
    """``n_used`` timesteps evenly strided over ``1..n_steps``, descending, from ``n_steps`` to 1.

    The chain that visits them starts from the prior at ``n_steps`` and ends
    with the step from timestep 1 to the data, whatever ``n_used``.
    """
    n_used = max(1, min(int(n_used), n_steps))
    if n_used == 1:
        return [n_steps]
    steps = np.unique(np.round(np.linspace(1, n_steps, n_used)).astype(int))
    return [int(t) for t in steps[::-1]]


def timestep_embedding(t, dim, max_period=10000.0):
    """Sinusoidal embedding of the (integer or real) timesteps ``t``, shape ``(n, dim)``."""
    half = dim // 2
    freqs = torch.exp(
        -math.log(max_period) * torch.arange(half, device=t.device, dtype=torch.float64) / half
    )
    args = t.to(torch.float64)[:, None] * freqs[None]
    embedding = torch.cat([torch.cos(args), torch.sin(args)], dim=-1)
    if dim % 2:
        embedding = torch.cat([embedding, torch.zeros_like(embedding[:, :1])], dim=-1)
    return embedding


def _log_softmax(x):
    """``log_softmax`` over the last axis, written out: torch's kernel is several times
    slower on the short last axis of a grid of categorical variables."""
    shifted = x - x.amax(-1, keepdim=True).detach()
    return shifted - shifted.exp().sum(-1, keepdim=True).log()


def _softmax(x):
    """``softmax`` over the last axis (see :func:`_log_softmax`)."""
    exp = (x - x.amax(-1, keepdim=True).detach()).exp()
    return exp / exp.sum(-1, keepdim=True)


def _gather(values, t, ndim):
    """``values[t]`` shaped to broadcast against a tensor of ``ndim`` dimensions."""
    if isinstance(t, int):
        return values[t]
    return values[t].reshape(t.shape + (1,) * (ndim - t.ndim))


# ------------------------------------------------------ Gaussian diffusion
class GaussianDiffusion(nn.Module):
    """Gaussian forward process ``q(x_t | x_0) = N(sqrt(alpha_bar_t) x_0, (1 - alpha_bar_t) I)``.

    Timesteps ``t`` are ints or integer tensors (one per row); ``s < t`` is
    the timestep the reverse step goes to (``s = 0``: the data). The
    denoiser predicts the noise ``eps``; the reverse step ``p(x_s | x_t)`` is
    Gaussian with the mean of the posterior ``q(x_s | x_t, x_0)`` at the
    predicted ``x_0`` and the variance of :meth:`model_variance`.

    Parameters
    ----------
    alpha_bar : tensor of shape (n_steps + 1,)
    x0_range : (lower, upper) tensors or floats, default=None
        Range the predicted ``x_0`` is clipped to (e.g. the training range of
        each value, or [-1, 1] for images). Near the end of the schedule
        ``alpha_bar_t`` is tiny and the ``x_0`` implied by the predicted noise
        is ``1 / sqrt(alpha_bar_t)`` times as uncertain; clipping keeps the
        first reverse steps from throwing samples far out.
    """

    def __init__(self, alpha_bar, x0_range=None):
        super().__init__()
        self.register_buffer("alpha_bar", torch.as_tensor(alpha_bar, dtype=torch.float64))
        lower, upper = (-math.inf, math.inf) if x0_range is None else x0_range
        self.register_buffer("x0_lower", torch.as_tensor(lower, dtype=torch.float64))
        self.register_buffer("x0_upper", torch.as_tensor(upper, dtype=torch.float64))
        # Per timestep t >= 1, what a training step needs: sqrt(alpha_bar_t),
        # sqrt(1 - alpha_bar_t), alpha_{t|t-1} and alpha_bar_{t-1}; one lookup per batch.
        ab = self.alpha_bar
        table = torch.stack([ab.sqrt(), (1.0 - ab).sqrt(), ab / ab.roll(1), ab.roll(1)], dim=-1)
        table[0] = torch.tensor([1.0, 0.0, 1.0, 1.0], dtype=torch.float64)
        self.register_buffer("training_coefficients", table, persistent=False)

    @property
    def n_steps(self):
        return self.alpha_bar.numel() - 1

    def noised(self, x0, t, noise):
        """A draw of ``x_t`` given ``x_0`` and standard-normal ``noise``."""
        ab = _gather(self.alpha_bar, t, x0.ndim).to(x0.dtype)
        return ab.sqrt() * x0 + (1.0 - ab).sqrt() * noise

    def predict_x0(self, x_t, t, eps):
        ab = _gather(self.alpha_bar, t, x_t.ndim).to(x_t.dtype)
        x0 = (x_t - (1.0 - ab).sqrt() * eps) / ab.sqrt()
        return torch.minimum(
            torch.maximum(x0, self.x0_lower.to(x0.dtype)), self.x0_upper.to(x0.dtype)
        )

    def posterior(self, x0, x_t, t, s):
        """Mean and variance of ``q(x_s | x_t, x_0)`` (variance 0 at ``s = 0``)."""
        ab_t = _gather(self.alpha_bar, t, x_t.ndim).to(x_t.dtype)
        ab_s = _gather(self.alpha_bar, s, x_t.ndim).to(x_t.dtype)
        alpha = ab_t / ab_s  # alpha_{t|s}
        beta = 1.0 - alpha
        mean = (ab_s.sqrt() * beta * x0 + alpha.sqrt() * (1.0 - ab_s) * x_t) / (1.0 - ab_t)
        variance = beta * (1.0 - ab_s) / (1.0 - ab_t)
        return mean, variance.expand_as(mean)

    def model_variance(self, t, s, ndim):
        """Variance of the reverse step ``p(x_s | x_t)``: the forward step's ``1 - alpha_{t|s}``.

        TabDDPM's choice (DDPM's "fixed large" variance); unlike the
        posterior's, it is positive at ``s = 0`` too, so every step has a
        density, and it keeps the bound's terms moderate where the
        predicted ``x_0`` is least precise (large ``t``).
        """
        return 1.0 - _gather(self.alpha_bar, t, ndim) / _gather(self.alpha_bar, s, ndim)

    def step(self, x_t, eps, t, s, noise):
        """A draw of ``x_s`` from the reverse step ``p(x_s | x_t)`` given the predicted noise."""
        mean, _ = self.posterior(self.predict_x0(x_t, t, eps), x_t, t, s)
        return mean + self.model_variance(t, s, x_t.ndim).to(x_t.dtype).sqrt() * noise

    def loss(self, eps, noise):
        """Squared error of the predicted noise, per value (the "simple" DDPM loss)."""
        return (eps - noise) ** 2

    def bound_term(self, x0, x_t, eps, t, s):
        """Per-value term of the negative bound: ``KL(q(x_s|x_t,x_0) || p(x_s|x_t))``, or
        ``-log p(x_0 | x_t)`` where ``s = 0``."""
        mean, variance = self.posterior(x0, x_t, t, s)
        model_mean, _ = self.posterior(self.predict_x0(x_t, t, eps), x_t, t, s)
        model_variance = self.model_variance(t, s, x_t.ndim).to(x_t.dtype)
        squared = (mean - model_mean) ** 2
        # At s = 0 the posterior is a point mass at x_0 (variance 0): the term is
        # the negative log-density of x_0, the KL's limit up to its entropy.
        last = _gather(self.alpha_bar, s, x_t.ndim) >= 1.0
        ratio = torch.where(last, torch.ones_like(variance), variance / model_variance)
        kl = 0.5 * (ratio - 1.0 - ratio.log() + squared / model_variance)
        nll = 0.5 * squared / model_variance + 0.5 * model_variance.log() + _LOG_SQRT_2PI
        return torch.where(last, nll, kl)

    def prior_kl(self, x0):
        """``KL(q(x_T | x_0) || N(0, I))`` per value."""
        ab = self.alpha_bar[-1].to(x0.dtype)
        return 0.5 * (ab * x0**2 + (1.0 - ab) - 1.0 - torch.log1p(-ab))


# --------------------------------------------------- multinomial diffusion
class MultinomialDiffusion(nn.Module):
    """Multinomial forward process ``q(x_t | x_0) = Cat(alpha_bar_t x_0 + (1 - alpha_bar_t) / K)``.

    Categorical variables of different sizes ``K`` are held together as a
    ``(..., n_variables, widest)`` grid of probabilities (or one-hots) whose
    cells past a variable's size are 0. The denoiser predicts the
    probabilities of ``x_0``; the reverse step is the posterior
    ``q(x_s | x_t, x_0)`` at the prediction.

    Parameters
    ----------
    alpha_bar : tensor of shape (n_steps + 1,)
    sizes : list of int
        Number of categories of each variable.
    """

    def __init__(self, alpha_bar, sizes):
        super().__init__()
        self.register_buffer("alpha_bar", torch.as_tensor(alpha_bar, dtype=torch.float64))
        widest = max(sizes, default=1)
        valid = torch.arange(widest)[None, :] < torch.as_tensor(sizes, dtype=torch.long)[:, None]
        sizes = torch.as_tensor(sizes, dtype=torch.float64).clamp(min=1)[:, None]
        # The uniform distribution of each variable, laid out on the grid.
        self.register_buffer("uniform", valid.to(torch.float64) / sizes)
        self.register_buffer("valid", valid)
        self.register_buffer("sizes", sizes[:, 0], persistent=False)

    def _mix(self, x, keep):
        """``keep x + (1 - keep) / K``: x kept with probability ``keep``, else resampled uniformly."""
        return keep * x + (1.0 - keep) * self.uniform.to(x.dtype)

    def marginal(self, x0, t):
        """Probabilities of ``q(x_t | x_0)`` (``x_0`` a one-hot or a probability grid)."""
        return self._mix(x0, _gather(self.alpha_bar, t, x0.ndim).to(x0.dtype))

    def transition(self, x_s, s, t):
        """Probabilities of ``q(x_t | x_s)`` for ``s < t``."""
        ab_t = _gather(self.alpha_bar, t, x_s.ndim).to(x_s.dtype)
        ab_s = _gather(self.alpha_bar, s, x_s.ndim).to(x_s.dtype)
        return self._mix(x_s, ab_t / ab_s)

    def posterior(self, x0, x_t, t, s):
        """Probabilities of ``q(x_s | x_t, x_0)``, proportional to ``q(x_t | x_s) q(x_s | x_0)``.

        ``x_t`` is one-hot; ``q(x_t | x_s)`` as a function of ``x_s`` is
        ``alpha_{t|s} x_t + (1 - alpha_{t|s}) / K`` (the kernel is symmetric).
        """
        ab_t = _gather(self.alpha_bar, t, x_t.ndim).to(x_t.dtype)
        ab_s = _gather(self.alpha_bar, s, x_t.ndim).to(x_t.dtype)
        unnormalised = self._mix(x_t, ab_t / ab_s) * self._mix(x0, ab_s)
        return unnormalised / unnormalised.sum(-1, keepdim=True).clamp(min=1e-300)

    def draw(self, probs, generator):
        """One-hot draws from a grid of probabilities (Gumbel-max) with ``generator``."""
        return self.draw_with(probs, gumbel(probs.shape, generator, probs))

    def draw_with(self, probs, gumbel_noise):
        """One-hot draws from a grid of probabilities given standard Gumbel noise."""
        scores = torch.where(self.valid, probs.clamp(min=1e-300).log() + gumbel_noise, -math.inf)
        return F.one_hot(scores.argmax(-1), probs.shape[-1]).to(probs.dtype)

    def draw_marginal(self, x0_index, keep, uniform_draws):
        """One-hot draws of ``q(x_t | x_0)`` given the categories ``x0_index`` ``(..., S)``.

        ``q(x_t | x_0)`` keeps ``x_0`` with probability ``alpha_bar_t``, else
        draws a category uniformly: ``keep`` (bool, broadcast against
        ``x0_index``) says which are kept, ``uniform_draws`` (uniform on [0, 1),
        shaped as ``x0_index``) give the others. One categorical draw per
        variable, without building the probability grid (training's path).
        """
        resampled = (uniform_draws * self.sizes).long().clamp(max=self.uniform.shape[-1] - 1)
        index = torch.where(keep, x0_index, resampled)
        return F.one_hot(index, self.uniform.shape[-1])

    def step_kl(self, x0, x_t, log_probs, alpha, alpha_bar_s):
        """``KL(q(x_s | x_t, x_0) || p(x_s | x_t))`` per variable, at the previous timestep ``s = t - 1``.

        ``alpha = alpha_bar_t / alpha_bar_s`` and ``alpha_bar_s`` broadcast
        against the ``(..., S, 1)`` grid; ``log_probs`` are the denoiser's
        log-probabilities of ``x_0`` (``-inf`` on padding cells). At ``s = 0``
        (``alpha_bar_s = 1``) the posterior is the one-hot ``x_0`` and the
        KL is ``-log p(x_0 | x_t)``, the bound's last term, with no special
        case. The same terms as :meth:`bound_term` with fewer operations
        (training's path).
        """
        uniform = self.uniform.to(x_t.dtype)
        # q(x_t | x_s) as a function of x_s: shared by both posteriors.
        likelihood = alpha * x_t + (1.0 - alpha) * uniform
        prior = alpha_bar_s * x0 + (1.0 - alpha_bar_s) * uniform
        q = likelihood * prior
        q = q / q.sum(-1, keepdim=True)
        # log p(x_s | x_t) = log(likelihood * (alpha_bar_s p + (1 - alpha_bar_s) u)) - log(sum).
        model = likelihood * (alpha_bar_s * log_probs.exp() + (1.0 - alpha_bar_s) * uniform)
        tiny = torch.finfo(x_t.dtype).tiny
        log_model = model.clamp(min=tiny).log() - model.sum(-1, keepdim=True).log()
        return (torch.xlogy(q, q) - q * log_model).sum(-1)

    def kl(self, q, p):
        """``KL(q || p)`` per variable (cells where ``q = 0`` add nothing)."""
        tiny = torch.finfo(q.dtype).tiny
        return torch.xlogy(q, q).sum(-1) - (q * p.clamp(min=tiny).log()).sum(-1)

    def bound_term(self, x0, x_t, x0_probs, t, s):
        """Per-variable term of the negative bound: ``KL(q(x_s|x_t,x_0) || p(x_s|x_t))``, or
        ``-log p(x_0 | x_t)`` where ``s = 0``."""
        model = self.posterior(x0_probs, x_t, t, s)
        kl = self.kl(self.posterior(x0, x_t, t, s), model)
        tiny = torch.finfo(x0.dtype).tiny
        nll = -(x0 * model.clamp(min=tiny).log()).sum(-1)
        last = _gather(self.alpha_bar, s, kl.ndim) >= 1.0
        return torch.where(last, nll, kl)

    def prior_kl(self, x0):
        """``KL(q(x_T | x_0) || uniform)`` per variable."""
        return self.kl(self.marginal(x0, self.alpha_bar.numel() - 1), self.uniform.to(x0.dtype))


# ---------------------------------------------------------------- denoiser
class MLPDenoiser(nn.Module):
    """TabDDPM's denoiser: ``MLP(W x_t + time_embedding(t) [+ class_embedding(y)])``.

    Parameters
    ----------
    n_features : int
        Width of a row (input and output).
    hidden_layer_sizes : tuple of int
        Widths of the ReLU MLP; the last is the size of :meth:`embed`.
    embedding_dim : int, default=128
        Width of the input projection and of the timestep and class embeddings.
    n_classes : int, default=0
        Number of classes of the context; an extra index ``n_classes`` is the
        "no class" of classifier-free guidance. 0: no context.
    output_bias : tensor of shape (n_features,), default=None
        Initial output: the output layer starts with zero weights and this
        bias (e.g. zero noise and the log-frequencies of the categories), so
        that an untrained denoiser already predicts the training marginals.
        None: PyTorch's default initialisation.
    """

    def __init__(
        self, n_features, hidden_layer_sizes, embedding_dim=128, n_classes=0, output_bias=None
    ):
        super().__init__()
        self.embedding_dim = embedding_dim
        self.n_classes = n_classes
        self.project = nn.Linear(n_features, embedding_dim)
        self.time_mlp = nn.Sequential(
            nn.Linear(embedding_dim, embedding_dim),
            nn.SiLU(),
            nn.Linear(embedding_dim, embedding_dim),
        )
        self.class_embedding = nn.Embedding(n_classes + 1, embedding_dim) if n_classes else None
        self.body, width = make_mlp(embedding_dim, hidden_layer_sizes)
        self.out = nn.Linear(width, n_features)
        if output_bias is not None:
            with torch.no_grad():
                self.out.weight.zero_()
                self.out.bias.copy_(torch.as_tensor(output_bias))

    def embed(self, x, t, context=None):
        """The last hidden layer's features of rows ``x`` at timesteps ``t`` (``(n,)`` or ``(1,)``).

        The timestep MLP runs once per distinct timestep of ``t``: rows that
        share a timestep (training draws a few per batch, sampling one per
        step) share its embedding.
        """
        if t.shape[0] > 1:
            distinct, inverse = torch.unique(t, return_inverse=True)
        else:
            distinct, inverse = t, None
        time = self.time_mlp(timestep_embedding(distinct, self.embedding_dim).to(x.dtype))
        hidden = self.project(x) + (time if inverse is None else time[inverse])
        if self.class_embedding is not None:
            if context is None:  # the "no class" index: the unconditional model
                context = torch.full((x.shape[0],), self.n_classes, device=x.device)
            hidden = hidden + F.silu(self.class_embedding(context))
        return self.body(hidden)

    def forward(self, x, t, context=None):
        return self.out(self.embed(x, t, context))


# ------------------------------------------------- denoiser weight average
class AveragedDenoiser(nn.Module):
    """Holds a ``denoiser`` and, with ``ema_decay > 0``, a moving average of its weights.

    :meth:`update_average` (called after each optimizer step) updates the
    average, which the module uses when not training (sampling, scoring,
    embedding): the average of the last few hundred steps is steadier than
    the last step's weights. The base of the diffusion models.
    """

    def __init__(self, denoiser, ema_decay=0.0):
        super().__init__()
        self.denoiser = denoiser
        self.ema_decay = ema_decay
        self.averaged_denoiser = None
        if ema_decay > 0:
            self.averaged_denoiser = copy.deepcopy(denoiser).requires_grad_(False)
        self.n_averaged = 0

    @torch.no_grad()
    def update_average(self):
        """One step of the moving average of the denoiser's weights (after an optimizer step).

        The decay ramps up as ``min(ema_decay, (1 + n) / (10 + n))`` after
        ``n`` updates, so a short training is not dominated by the initial weights.
        """
        if self.averaged_denoiser is None:
            return
        n = self.n_averaged
        decay = min(self.ema_decay, (1.0 + n) / (10.0 + n))
        # One fused update of all the weights (a loop over them costs more than the update).
        torch._foreach_lerp_(
            list(self.averaged_denoiser.parameters()), list(self.denoiser.parameters()), 1.0 - decay
        )
        self.n_averaged += 1

    def _denoiser(self):
        if self.training or self.averaged_denoiser is None:
            return self.denoiser
        return self.averaged_denoiser


# ---------------------------------------------------------- tabular model
class TabularDiffusion(AveragedDenoiser):
    """Gaussian diffusion on a row's continuous values and multinomial diffusion on its discrete spans.

    Parameters
    ----------
    layout : list of skgen.preprocessing.Span
        Layout of the data matrix (continuous spans of width 1, discrete
        one-hot spans: categories and missing-value flags).
    denoiser : nn.Module
        ``denoiser(x_t, t, context)`` (``t`` of shape ``(n,)``, or ``(1,)``:
        one timestep for all rows) gives, for each row, the predicted
        noise of the continuous values and the logits of ``x_0`` of the
        discrete spans, laid out as the row; ``denoiser.embed(x, t,
        context)`` its features (for :meth:`embed`).
    alpha_bar : tensor of shape (n_steps + 1,)
        The noise schedule (see :data:`SCHEDULES`).
    class_dropout : float, default=0.1
        With a class context, the share of training rows whose class is
        replaced by "no class", which trains the unconditional model that
        classifier-free guidance needs.
    x0_range : (lower, upper) of shape (n_continuous,), default=None
        Range of each continuous value the predicted ``x_0`` is clipped to
        (see :class:`GaussianDiffusion`).
    x0_loss_weight : float, default=0.0
        Weight of the auxiliary loss term ``x0_cross_entropy``: the
        cross-entropy of the predicted clean categories (D3PM's hybrid loss,
        Austin et al., 2021). 0: TabDDPM's loss.
    ema_decay : float, default=0.0
        With ``ema_decay > 0``, :meth:`update_average` keeps an exponential
        moving average of the denoiser's weights, which the module uses when
        not training (sampling, scoring, embedding): the average of the last
        few hundred steps is steadier than the last step's weights.
    n_batch_timesteps : int, default=32
        Distinct timesteps of a training batch (see :meth:`training_timesteps`).

    Notes
    -----
    The loss is TabDDPM's: at a uniform timestep per row (stratified over
    the batch, see :meth:`training_timesteps`), ``gaussian`` is the
    squared error of the predicted noise (mean over continuous values) and
    ``multinomial`` the bound's term of the discrete spans (mean over spans).

    A continuous value whose column is missing in the row is imputed with a
    standard normal draw ``z`` (not the encoder's placeholder 0, which would
    tell the denoiser which values are missing: the model would then have to
    generate exactly 0 to generate a missing value). The model thus learns
    ``p(x, z)``; sampled values are dropped where the flag says missing. The
    bound on ``log p(x)`` is that of ``log p(x, z) - log N(z; 0, 1)``, a
    valid lower bound on the marginal of the observed values (``N(0, 1)``
    is the proposal for the missing ones).
    """

    loss_terms = ("gaussian", "multinomial", "x0_cross_entropy")

    def __init__(
        self,
        layout,
        denoiser,
        alpha_bar,
        class_dropout=0.1,
        x0_range=None,
        ema_decay=0.0,
        x0_loss_weight=0.0,
        n_batch_timesteps=32,
    ):
        super().__init__(denoiser, ema_decay)
        self.n_batch_timesteps = n_batch_timesteps
        offset, continuous, discrete, missing_cell = 0, [], [], {}
        for span in layout:
            if span.kind == "continuous":
                continuous.append((offset, span.column))
            else:
                discrete.append((offset, span.width))
                if span.role == "missing":
                    missing_cell[span.column] = offset + 1  # one-hot (observed, missing)
            offset += span.width
        self.n_features = offset
        self.x0_loss_weight = x0_loss_weight
        self.class_dropout = class_dropout
        self.gaussian = GaussianDiffusion(alpha_bar, x0_range)
        self.multinomial = MultinomialDiffusion(alpha_bar, [width for _, width in discrete])
        self.n_continuous, self.n_discrete = len(continuous), len(discrete)
        self.register_buffer(
            "continuous_index", torch.tensor([i for i, _ in continuous], dtype=torch.long)
        )
        # Index `offset` is a zero column appended to x: "never missing".
        self.register_buffer(
            "missing_index",
            torch.tensor([missing_cell.get(c, offset) for _, c in continuous], dtype=torch.long),
        )
        widest = max((width for _, width in discrete), default=1)
        grid = torch.full((len(discrete), widest), offset, dtype=torch.long)
        for row, (start, width) in enumerate(discrete):
            grid[row, :width] = torch.arange(start, start + width)
        self.register_buffer("grid", grid)  # grid cell -> data column (padding -> zero column)
        self.register_buffer("grid_cells", (grid < offset).flatten().nonzero().flatten())
        self.register_buffer("discrete_index", grid[grid < offset])
        self.has_missing = bool(missing_cell)

    @property
    def n_steps(self):
        return self.gaussian.n_steps

    # ------------------------------------------------- row <-> two parts
    def _pad(self, x):
        return torch.cat([x, x.new_zeros(x.shape[:-1] + (1,))], dim=-1)

    def split(self, x):
        """Continuous values ``(n, C)`` and the discrete grid ``(n, S, W)`` of rows ``x``."""
        return x[..., self.continuous_index], self._pad(x)[..., self.grid]

    def join(self, continuous, grid):
        out = continuous.new_zeros(continuous.shape[:-1] + (self.n_features,))
        out[..., self.continuous_index] = continuous
        out[..., self.discrete_index] = grid.flatten(-2)[..., self.grid_cells]
        return out

    def _missing(self, x):
        """True for each continuous value whose column is missing in its row."""
        return self._pad(x)[..., self.missing_index] > 0.5

    def _impute(self, x, x0, z):
        """``x0`` with the draws ``z`` in place of missing values; and their ``-log N(z; 0, 1)``."""
        missing = self._missing(x)
        penalty = ((0.5 * z**2 + _LOG_SQRT_2PI) * missing).sum(-1)
        return torch.where(missing, z, x0), penalty

    # --------------------------------------------------------- denoising
    def denoise(self, x_t, t, context=None, guidance_scale=1.0):
        """Predicted noise ``(n, C)`` and predicted ``x_0`` probabilities ``(n, S, W)`` at ``x_t``.

        With a context and ``guidance_scale != 1``, classifier-free guidance:
        ``unconditional + w (conditional - unconditional)`` on the noise and
        on the log-probabilities of ``x_0``.
        """
        # One timestep for all rows (sampling): the denoiser broadcasts its embedding.
        t = torch.full((1,), t, device=x_t.device) if isinstance(t, int) else t
        denoiser = self._denoiser()
        if context is None or guidance_scale == 1.0:
            out = denoiser(x_t, t, context)
            eps, logits = self.split(out)
            logits = _log_softmax(logits) if self.n_discrete else logits
        else:
            none = torch.full_like(context, denoiser.n_classes)
            times = t if t.shape[0] == 1 else torch.cat([t, t])
            both = denoiser(torch.cat([x_t, x_t]), times, torch.cat([context, none]))
            eps_both, logits_both = self.split(both)
            conditional, unconditional = eps_both.chunk(2)
            eps = unconditional + guidance_scale * (conditional - unconditional)
            log_conditional, log_unconditional = _log_softmax(logits_both).chunk(2)
            logits = log_unconditional + guidance_scale * (log_conditional - log_unconditional)
        # Padding cells get no probability.
        logits = logits.masked_fill(~self.multinomial.valid, -math.inf)
        return eps, _softmax(logits)

    def embed(self, x, context=None):
        """The denoiser's features of the clean rows ``x`` at the least noisy timestep, 1."""
        t = torch.ones(x.shape[0], dtype=torch.long, device=x.device)
        return self._denoiser().embed(x, t, context)

    # ----------------------------------------------------------- training
    def training_timesteps(self, n, device):
        """Timesteps of a training batch of ``n`` rows: ``n_batch_timesteps`` stratified draws.

        Draw ``j`` is uniform on the ``j``-th of ``n_batch_timesteps`` equal
        slices of ``1..n_steps``, and rows ``j, j + m, j + 2m, ...`` share it
        (``m`` draws). A batch's rows come in random order, so each row's
        timestep is uniform, as in DDPM; the batch covers the schedule
        evenly, and the denoiser embeds ``m`` timesteps rather than ``n``.
        """
        m = max(1, min(n, self.n_batch_timesteps))
        u = (torch.arange(m, device=device) + torch.rand(m, device=device)) / m
        t = 1 + (u * self.n_steps).long().clamp(max=self.n_steps - 1)
        return t.repeat(-(-n // m))[:n]

    def loss(self, x, context=None):
        n = x.shape[0]
        t = self.training_timesteps(n, x.device)
        if context is not None and self.class_dropout > 0:
            dropped = torch.rand(n, device=x.device) < self.class_dropout
            context = torch.where(
                dropped, torch.full_like(context, self.denoiser.n_classes), context
            )
        # sqrt(alpha_bar_t), sqrt(1 - alpha_bar_t), alpha_{t|t-1}, alpha_bar_{t-1}, per row.
        coefficients = self.gaussian.training_coefficients[t].to(x.dtype)
        x0, grid0 = self.split(x)
        if self.has_missing:
            x0, _ = self._impute(x, x0, torch.randn_like(x0))
        noise = torch.randn_like(x0)
        x_t = coefficients[:, :1] * x0 + coefficients[:, 1:2] * noise
        # x_t of the discrete variables: x_0 kept with probability alpha_bar_t, else uniform.
        index0 = grid0.argmax(-1)
        keep = torch.rand(index0.shape, device=x.device) < coefficients[:, :1] ** 2
        uniform_draws = torch.rand(index0.shape, device=x.device, dtype=x.dtype)
        grid_t = self.multinomial.draw_marginal(index0, keep, uniform_draws).to(x.dtype)
        out = self._denoiser()(self.join(x_t, grid_t), t, context)
        eps, logits = self.split(out)
        zero = x.new_zeros(())
        terms = {"gaussian": F.mse_loss(eps, noise) if self.n_continuous else zero}
        if not self.n_discrete:
            return terms | {"multinomial": zero, "x0_cross_entropy": zero}
        log_probs = _log_softmax(logits.masked_fill(~self.multinomial.valid, -math.inf))
        alpha, alpha_bar_s = coefficients[:, 2, None, None], coefficients[:, 3, None, None]
        terms["multinomial"] = self.multinomial.step_kl(
            grid0, grid_t, log_probs, alpha, alpha_bar_s
        ).mean()
        # D3PM's auxiliary loss: the cross-entropy of the predicted clean categories,
        # a direct signal at every timestep (the bound's terms are small at most).
        cross_entropy = -log_probs.gather(-1, index0[..., None]).mean()
        terms["x0_cross_entropy"] = self.x0_loss_weight * cross_entropy
        return terms

    # ----------------------------------------------------------- scoring
    def log_prob(self, x, timesteps, normal, gumbel_noise, imputation, context=None):
        """Variational lower bound on ``log p(x)`` of the chain through ``timesteps``.

        ``timesteps`` (descending, from ``n_steps`` to 1, see
        :func:`strided_timesteps`) define the generative chain; each of its
        terms is estimated with one draw of ``x_t``, from the given noise:
        ``normal`` of shape ``(k, n, C)`` and ``gumbel_noise`` of shape
        ``(k, n, S, W)``, ``k = len(timesteps)``; ``imputation`` (standard
        normal, ``(n, C)``) imputes missing values.
        """
        x0, grid0 = self.split(x)
        x0, total = self._impute(x, x0, imputation)
        total = total - self.gaussian.prior_kl(x0).sum(-1)
        if self.n_discrete:
            total = total - self.multinomial.prior_kl(grid0).sum(-1)
        for k, t in enumerate(timesteps):
            s = timesteps[k + 1] if k + 1 < len(timesteps) else 0
            x_t = self.gaussian.noised(x0, t, normal[k])
            grid_t = self.multinomial.draw_with(
                self.multinomial.marginal(grid0, t), gumbel_noise[k]
            )
            eps, x0_probs = self.denoise(self.join(x_t, grid_t), t, context)
            term = self.gaussian.bound_term(x0, x_t, eps, t, s).sum(-1)
            if self.n_discrete:
                term = term + self.multinomial.bound_term(grid0, grid_t, x0_probs, t, s).sum(-1)
            total = total - term
        return total

    # ---------------------------------------------------------- sampling
    def sample(self, n_samples, generator, timesteps, context=None, guidance_scale=1.0, known=None):
        """Run the reverse chain through ``timesteps`` on the generator's device.

        ``known`` = ``(mask, grid)``: discrete variables ``mask`` (shape
        ``(S,)``) are inpainted with the one-hots of ``grid`` (``(S, W)``):
        after each step they are replaced by a draw of the forward process
        ``q(x_s | x_0 = known)``, so that the other variables are denoised
        around them, and they end exactly at the known values.
        """
        reference = self.gaussian.alpha_bar
        x_t = standard_normal((n_samples, self.n_continuous), generator, reference)
        shape = (n_samples,) + tuple(self.grid.shape)
        grid_t = self.multinomial.draw(self.multinomial.uniform.expand(shape), generator)
        for k, t in enumerate(timesteps):
            s = timesteps[k + 1] if k + 1 < len(timesteps) else 0
            eps, x0_probs = self.denoise(self.join(x_t, grid_t), t, context, guidance_scale)
            x_t = self.gaussian.step(x_t, eps, t, s, standard_normal(x_t.shape, generator, x_t))
            grid_t = self.multinomial.draw(
                self.multinomial.posterior(x0_probs, grid_t, t, s), generator
            )
            if known is not None:
                mask, values = known
                forward = self.multinomial.draw(
                    self.multinomial.marginal(values.expand(shape), s), generator
                )
                grid_t = torch.where(mask[:, None], forward, grid_t)
        return self.join(x_t, grid_t)
