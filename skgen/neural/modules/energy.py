"""Neural energy function trained by contrastive divergence with short-run Langevin dynamics.

The model is ``p(x) ~ q(x) exp(-f(x))``, ``E(x) = f(x) - log q(x)``: an MLP
``f`` tilting a reference distribution ``q``, a wide Gaussian
``N(0, reference_scale^2 I)`` on the real values (in standardised units),
which keeps ``exp(-E)`` integrable and the energy high far from the data,
where no negative sample ever goes, times the training frequencies of the
categories of each one-hot block. With ``f`` constant the model is ``q``.

Rows may hold one-hot blocks (a table's categorical columns): the energy
then defines a mixed density, real values against Lebesgue measure and
categories against counting measure. Sampling alternates one step of
(tamed, unadjusted) Langevin dynamics on the real values,

    d = step_size * grad E(x),   x <- x - d / (1 + |d|) + sqrt(2 step_size) * N(0, I),

with one sweep of exact Gibbs updates of the one-hot blocks (each block's
category drawn from ``softmax(-E)`` over its categories, the rest fixed). A
real value gated by an observed/missing pair is held at 0 while missing, as
in the data. The taming of the drift (Brosse et al., 2019) leaves small
steps as they are and keeps chains from exploding where the energy is steep.

Training (one loss per batch, Du and Mordatch, 2019): negative samples are
``n_langevin_steps`` such steps started from a replay buffer of earlier
negatives (a share ``reinit_fraction`` restarts from ``N(0, I)`` real values
and categories drawn with their training frequencies); the buffer is a module buffer, updated in place with torch's
global RNG. The loss is ``mean E(data) - mean E(negatives)`` plus ``alpha``
times the mean squared energies of both, which keeps the energies near zero.
"""

import torch
from torch import nn

__all__ = ["EnergyModule"]


def _normal(shape, generator, like):
    return torch.randn(shape, generator=generator, device=like.device, dtype=like.dtype)


def _uniform(shape, generator, like):
    return torch.rand(shape, generator=generator, device=like.device, dtype=like.dtype)


def _gumbel_one_hot(logits, generator):
    """One-hot draws from ``softmax(logits)`` along the last axis (Gumbel-max)."""
    u = _uniform(logits.shape, generator, logits).clamp(1e-12, 1.0 - 1e-7)
    choice = torch.argmax(logits - torch.log(-torch.log(u)), dim=-1)
    return nn.functional.one_hot(choice, logits.shape[-1]).to(logits.dtype)


class EnergyModule(nn.Module):
    """An MLP energy with a replay buffer of Langevin (and Gibbs) samples.

    Parameters
    ----------
    n_features : int
    hidden_layer_sizes : tuple of int
        Widths of the energy network (SiLU activations: smooth gradients for
        Langevin dynamics); the last one is the size of ``encode``'s features.
    discrete : sequence of sequences of int
        The cells of each one-hot block.
    log_frequencies : sequence of float or None
        Log reference probabilities of the categories, one per cell (ignored
        for real cells).
    gates : sequence of (int, int)
        ``(value cell, observed cell)`` of each real value that can be missing.
    buffer_size : int
        Samples kept in the replay buffer.
    n_langevin_steps : int
        Sampling steps per training batch.
    step_size : float
        Step of the (unadjusted) Langevin dynamics of ``exp(-E)``: a gradient
        step ``step_size`` and noise of standard deviation ``sqrt(2 step_size)``.
    reinit_fraction : float
        Share of the negatives that restart from the reference distribution.
    alpha : float
        Weight of the squared-energy regulariser.
    reference_scale : float
        Standard deviation of the Gaussian reference term.
    input_scale : float
        The network sees ``input_scale * x``. An MLP learns the low
        frequencies of a function first; on standardised inputs of unit
        scale that makes sharp modes (a few tenths of a unit wide) slow to
        appear, and a wider input (larger first-layer pre-activations) lets
        them form within a few hundred updates.
    """

    loss_terms = ("cd", "regularization")

    def __init__(
        self,
        n_features,
        hidden_layer_sizes=(128, 128),
        *,
        discrete=(),
        log_frequencies=None,
        gates=(),
        buffer_size=2000,
        n_langevin_steps=20,
        step_size=0.01,
        reinit_fraction=0.05,
        alpha=0.01,
        reference_scale=2.0,
        input_scale=3.0,
    ):
        super().__init__()
        self.input_scale = input_scale
        layers, width = [], n_features
        for size in hidden_layer_sizes:
            layers += [nn.Linear(width, size), nn.SiLU()]
            width = size
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(width, 1)
        self.n_components = width
        self.n_langevin_steps = n_langevin_steps
        self.step_size = step_size
        self.reinit_fraction = reinit_fraction
        self.alpha = alpha
        self.reference_scale = reference_scale
        self.blocks = [list(block) for block in discrete]
        continuous = torch.ones(n_features)
        for block in self.blocks:
            continuous[block] = 0.0
        self.register_buffer("continuous_mask", continuous)
        log_q = (
            torch.zeros(n_features) if log_frequencies is None else torch.as_tensor(log_frequencies)
        )
        self.register_buffer("log_frequencies", log_q.to(continuous.dtype) * (1 - continuous))
        self.register_buffer("gate_value", torch.tensor([v for v, _ in gates], dtype=torch.long))
        self.register_buffer("gate_observed", torch.tensor([o for _, o in gates], dtype=torch.long))
        self.register_buffer("replay", self.fresh(buffer_size, None, continuous))

    def energy(self, x):
        gaussian = ((x * self.continuous_mask) ** 2).sum(-1) / (2 * self.reference_scale**2)
        return self.head(self.encode(x)).squeeze(-1) + gaussian - x @ self.log_frequencies

    def encode(self, x):
        """The energy network's penultimate features."""
        return self.body(self.input_scale * x)

    def fresh(self, n, generator, like):
        """Starting points: ``N(0, I)`` real values, categories drawn with their frequencies."""
        x = _normal((n, like.shape[-1]), generator, like) * self.continuous_mask
        for block in self.blocks:
            logits = self.log_frequencies[block].expand(n, len(block))
            x[:, block] = _gumbel_one_hot(logits, generator)
        return self._gate(x)

    def _gate(self, x):
        if self.gate_value.numel():
            x[:, self.gate_value] = x[:, self.gate_value] * x[:, self.gate_observed]
        return x

    def _gibbs_sweep(self, x, generator):
        """Redraw each one-hot block from its exact conditional given the other cells."""
        for block in self.blocks:
            k, n = len(block), x.shape[0]
            candidates = x.unsqueeze(0).repeat(k, 1, 1)
            candidates[:, :, block] = torch.eye(k, dtype=x.dtype, device=x.device)[:, None, :]
            logits = -self.energy(self._gate(candidates.flatten(0, 1))).view(k, n).T
            choice = torch.argmax(_gumbel_one_hot(logits, generator), dim=1)
            x = candidates[choice, torch.arange(n, device=x.device)]
        return self._gate(x)

    def langevin(self, x, n_steps, generator=None):
        """``n_steps`` sampling steps from ``x`` (torch's global RNG when ``generator`` is None).

        Each step is a Langevin step of the real values followed, when the
        rows have one-hot blocks, by a Gibbs sweep over the blocks.
        """
        for _ in range(n_steps):
            x = x.detach().requires_grad_(True)
            with torch.enable_grad():
                (grad,) = torch.autograd.grad(self.energy(x).sum(), x)
            # Tamed drift: the usual step where the gradient is moderate, bounded
            # by 1 (standardised units) where it is steep, so no chain explodes.
            drift = self.step_size * grad * self.continuous_mask
            drift = drift / (1.0 + drift.norm(dim=-1, keepdim=True))
            noise = _normal(x.shape, generator, x) * self.continuous_mask
            x = self._gate(x.detach() - drift + (2 * self.step_size) ** 0.5 * noise)
            if self.blocks:
                with torch.no_grad():
                    x = self._gibbs_sweep(x, generator)
        return x.detach()

    def loss(self, x):
        """Contrastive divergence against samples started from the replay buffer."""
        n = x.shape[0]
        if self.training:
            index = torch.randint(self.replay.shape[0], (n,), device=x.device)
            start = self.replay[index]
            restart = torch.rand(n, device=x.device) < self.reinit_fraction
            start = torch.where(restart[:, None], self.fresh(n, None, start), start)
            negatives = self.langevin(start, self.n_langevin_steps)
            self.replay[index] = negatives
        else:  # a validation pass compares with the buffer as it is
            negatives = self.replay[:n]
        energies = self.energy(torch.cat([x, negatives]))
        positive, negative = energies[:n], energies[n:]
        return {
            "cd": positive.mean() - negative.mean(),
            "regularization": self.alpha * (positive**2 + negative**2).mean(),
        }

    def sample(self, n_samples, generator, n_steps=0):
        """Sampling steps from samples of the replay buffer picked at random."""
        index = torch.randint(
            self.replay.shape[0], (n_samples,), generator=generator, device=self.replay.device
        )
        return self.langevin(self.replay[index], n_steps, generator)
