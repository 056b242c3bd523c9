"""Restricted Boltzmann machine with Bernoulli, softmax and Gaussian visible units.

The hidden units are binary. A visible vector ``v`` is a concatenation of

- *Bernoulli* units (one cell each, 0 or 1);
- *softmax* blocks (one-hot over a block of cells: a categorical column,
  or the bins of a discretised column);
- *Gaussian* units (one real cell each, with a learned standard deviation
  ``sigma``). A Gaussian unit may be *gated* by a two-cell softmax block
  ``(observed, missing)``: when the missing cell is on, the value is 0 and
  contributes nothing, which models a continuous value that can be missing
  exactly (counting measure for "missing", Lebesgue measure for the value).

With ``phi(v)`` equal to ``v`` except that Gaussian values are divided by
their ``sigma``, the energy is

    E(v, h) = - sum_discrete b_i v_i + sum_gaussian g_i (v_i - b_i)^2 / (2 sigma_i^2)
              - phi(v) . W h - c . h

(``g_i`` the gate of a Gaussian unit, 1 when ungated), and the free energy
``F(v) = -log sum_h exp(-E(v, h))`` has the closed form of :meth:`free_energy`.
The visible units are conditionally independent given ``h`` (a gated
Gaussian and its gate form one block), which gives block Gibbs sampling.

Training is persistent contrastive divergence (Tieleman, 2008) as one loss
per batch: the persistent chains are a module buffer, advanced by
``n_gibbs_steps`` Gibbs steps with torch's global RNG at each training
batch, and the loss ``mean F(data) - mean F(chains)`` has the gradient of the
negative log-likelihood with the model expectation replaced by the chains.

The log-partition function is estimated by annealed importance sampling
(Neal, 2001; Salakhutdinov and Murray, 2008) from a base model with the
hidden weights switched off and the discrete visible biases set to the data's
base rates: :meth:`log_partition`.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["RBMModule"]

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def _uniform(shape, generator, like):
    """Uniform draws of ``like``'s dtype and device (torch's global RNG when ``generator`` is None)."""
    return torch.rand(shape, generator=generator, device=like.device, dtype=like.dtype)


def _normal(shape, generator, like):
    return torch.randn(shape, generator=generator, device=like.device, dtype=like.dtype)


class RBMModule(nn.Module):
    """RBM over typed visible units, trained by persistent contrastive divergence.

    Parameters
    ----------
    n_visible : int
        Cells of the visible vector.
    n_components : int
        Hidden units.
    bernoulli : sequence of int
        Cells that are Bernoulli units.
    softmax : sequence of sequences of int
        The cells of each softmax (one-hot) block.
    gaussian : sequence of (int, int or None)
        Each Gaussian unit's cell and the cell of its gate (the "observed"
        cell of a two-cell softmax block whose other cell means "missing"),
        or None for an ungated unit.
    base_logits : sequence of float
        Visible biases of the base model of annealed importance sampling, one
        per cell (log base rates of discrete cells; ignored for Gaussian
        cells); also the initial visible biases.
    n_chains : int
        Persistent chains.
    n_gibbs_steps : int
        Gibbs steps of the chains per training batch.
    weight_decay : float
        Coefficient of the ``0.5 * weight_decay * ||W||^2`` loss term.
    """

    loss_terms = ("cd", "weight_decay")

    def __init__(
        self,
        n_visible,
        n_components,
        *,
        bernoulli=(),
        softmax=(),
        gaussian=(),
        base_logits=None,
        n_chains=64,
        n_gibbs_steps=1,
        weight_decay=0.0,
    ):
        super().__init__()
        self.n_visible = n_visible
        self.n_components = n_components
        self.n_gibbs_steps = n_gibbs_steps
        self.weight_decay = weight_decay
        long = torch.long
        self.register_buffer("bernoulli_index", torch.tensor(list(bernoulli), dtype=long))
        # Softmax blocks as a (block, cell) grid padded to the widest block; padding
        # cells point at a zero column appended to v and get a -inf-like bias.
        blocks = [list(block) for block in softmax]
        widest = max((len(block) for block in blocks), default=0)
        grid = torch.full((len(blocks), widest), n_visible, dtype=long)
        for row, block in enumerate(blocks):
            grid[row, : len(block)] = torch.tensor(block, dtype=long)
        valid = grid < n_visible
        self.register_buffer("grid", grid)
        self.register_buffer("grid_bias", torch.where(valid, 0.0, -1e30))
        self.register_buffer("grid_cells", valid.flatten().nonzero().flatten())
        self.register_buffer("grid_index", grid[valid])
        # Gaussian units: value cell, gate cell (n_visible + 1 is a constant-1
        # column appended to v: ungated) and the flat grid position of the gate.
        position = {int(cell): i for i, cell in enumerate(grid.flatten().tolist())}
        gates = [n_visible + 1 if gate is None else int(gate) for _, gate in gaussian]
        self.register_buffer("gaussian_index", torch.tensor([c for c, _ in gaussian], dtype=long))
        self.register_buffer("gate_index", torch.tensor(gates, dtype=long))
        gated = [i for i, (_, gate) in enumerate(gaussian) if gate is not None]
        self.register_buffer("gated_units", torch.tensor(gated, dtype=long))
        self.register_buffer(
            "gated_cells",
            torch.tensor([position[int(gaussian[i][1])] for i in gated], dtype=long),
        )
        self.register_buffer(
            "ungated_units",
            torch.tensor([i for i, (_, g) in enumerate(gaussian) if g is None], dtype=long),
        )
        discrete = torch.ones(n_visible)
        discrete[self.gaussian_index] = 0.0
        self.register_buffer("discrete_mask", discrete)
        base = torch.zeros(n_visible) if base_logits is None else torch.as_tensor(base_logits)
        self.register_buffer("base_logits", base.to(torch.get_default_dtype()) * discrete)

        self.weight = nn.Parameter(0.01 * torch.randn(n_visible, n_components))
        self.visible_bias = nn.Parameter(self.base_logits.clone())
        self.hidden_bias = nn.Parameter(torch.zeros(n_components))
        self.log_sigma = nn.Parameter(torch.zeros(len(gaussian)))
        with torch.no_grad():
            hidden = self.weight.new_zeros(n_chains, n_components)
            self.register_buffer("chains", self._sample_visible(hidden, 0.0, None))

    # ------------------------------------------------------------ energy
    def _sigma(self):
        return torch.exp(self.log_sigma.clamp(-7.0, 7.0))

    def _phi(self, v):
        """``v`` with Gaussian values divided by their standard deviation."""
        if not self.gaussian_index.numel():
            return v
        scale = torch.ones_like(self.visible_bias).index_copy(
            0, self.gaussian_index, 1.0 / self._sigma()
        )
        return v * scale

    def _pad(self, v):
        """``v`` with a zero and a one column appended (padding and "always on" targets)."""
        extra = v.new_zeros(v.shape[:-1] + (2,))
        extra[..., 1] = 1.0
        return torch.cat([v, extra], dim=-1)

    def _visible_bias(self, beta):
        """Visible biases at inverse temperature ``beta``: discrete ones move from the base rates."""
        if beta == 1.0:
            return self.visible_bias
        return self.visible_bias + (1.0 - beta) * self.discrete_mask * (
            self.base_logits - self.visible_bias
        )

    def hidden_input(self, v):
        """``c + phi(v) W``: the input of each hidden unit."""
        return self.hidden_bias + self._phi(v) @ self.weight

    def unnormalized_log_prob(self, v, beta=1.0):
        """``-F(v)`` of the model at inverse temperature ``beta`` (``beta=1``: the model)."""
        bias = self._visible_bias(beta)
        hidden = F.softplus(beta * self.hidden_input(v)).sum(-1)
        if not self.gaussian_index.numel():
            return v @ bias + hidden
        linear = v @ (bias * self.discrete_mask)
        gate = self._pad(v)[..., self.gate_index]
        centred = v[..., self.gaussian_index] - bias[self.gaussian_index]
        quadratic = (gate * centred**2 / (2 * self._sigma() ** 2)).sum(-1)
        return linear - quadratic + hidden

    def free_energy(self, v):
        """``F(v) = -log sum_h exp(-E(v, h))``, per row."""
        return -self.unnormalized_log_prob(v)

    def log_prob(self, v, log_partition):
        """``log p(v) = -F(v) - log Z`` (Lebesgue measure for Gaussian values)."""
        return self.unnormalized_log_prob(v) - log_partition

    # ----------------------------------------------------------- Gibbs
    def hidden_probabilities(self, v, beta=1.0):
        return torch.sigmoid(beta * self.hidden_input(v))

    def _visible_conditionals(self, hidden, beta):
        """Parameters of ``p(v | h)`` at ``beta``: Bernoulli logits, grid logits, Gaussian means."""
        bias = self._visible_bias(beta)
        logits = torch.addmm(bias, hidden, self.weight.T, alpha=beta)
        u = logits - bias
        if not self.grid.numel() and not self.gaussian_index.numel():
            return logits, None, None, None  # Bernoulli units only
        sigma = self._sigma()
        u_gauss = u[..., self.gaussian_index]
        b_gauss = bias[self.gaussian_index]
        grid_logits = self._pad(logits)[..., self.grid] + self.grid_bias
        if self.gated_units.numel():
            # Integrating out a gated value: its "observed" cell gains
            # log(sqrt(2 pi) sigma) + b u / sigma + u^2 / 2.
            units = self.gated_units
            extra = (
                _LOG_SQRT_2PI
                + torch.log(sigma[units])
                + b_gauss[units] * u_gauss[..., units] / sigma[units]
                + 0.5 * u_gauss[..., units] ** 2
            )
            flat = grid_logits.flatten(-2)
            flat = flat.index_add(-1, self.gated_cells, extra)
            grid_logits = flat.unflatten(-1, self.grid.shape)
        mean = b_gauss + sigma * u_gauss
        return logits[..., self.bernoulli_index], grid_logits, mean, sigma

    def _assemble(self, bernoulli, grid_values, gaussian, *, gated=True):
        if grid_values is None:  # Bernoulli units only
            return bernoulli
        v = bernoulli.new_zeros(bernoulli.shape[:-1] + (self.n_visible,))
        v[..., self.bernoulli_index] = bernoulli
        v[..., self.grid_index] = grid_values.flatten(-2)[..., self.grid_cells]
        gate = self._pad(v)[..., self.gate_index] if gated else 1.0
        v[..., self.gaussian_index] = gate * gaussian
        return v

    def _sample_visible(self, hidden, beta, generator):
        logits, grid_logits, mean, sigma = self._visible_conditionals(hidden, beta)
        bernoulli = (_uniform(logits.shape, generator, logits) < torch.sigmoid(logits)).to(
            logits.dtype
        )
        if grid_logits is None:
            return bernoulli
        one_hot = grid_logits
        if self.grid.numel():
            u = _uniform(grid_logits.shape, generator, grid_logits)
            tiny = torch.finfo(u.dtype).tiny
            gumbel = -torch.log(-torch.log(u.clamp(tiny, 1.0 - 1e-7)))
            choice = torch.argmax(grid_logits + gumbel, dim=-1)
            one_hot = F.one_hot(choice, self.grid.shape[-1]).to(logits.dtype)
        gaussian = mean + sigma * _normal(mean.shape, generator, mean)
        return self._assemble(bernoulli, one_hot, gaussian)

    def gibbs_step(self, v, generator=None, beta=1.0, hidden_input=None):
        """One block Gibbs step ``v -> h -> v`` (torch's global RNG when ``generator`` is None).

        ``hidden_input`` may pass ``self.hidden_input(v)`` when already computed.
        """
        x = self.hidden_input(v) if hidden_input is None else hidden_input
        p = torch.sigmoid(beta * x)
        hidden = (_uniform(p.shape, generator, p) < p).to(p.dtype)
        return self._sample_visible(hidden, beta, generator)

    # --------------------------------------------------------- training
    def loss(self, x):
        """Persistent contrastive divergence: ``mean F(x) - mean F(chains)`` plus weight decay.

        In training mode the chains first make ``n_gibbs_steps`` Gibbs steps;
        a validation pass leaves them where they are.
        """
        if self.training:
            with torch.no_grad():
                chains = self.chains
                for _ in range(self.n_gibbs_steps):
                    chains = self.gibbs_step(chains)
                self.chains.copy_(chains)
        # One pass over data and chains together (one matrix product each way).
        energies = self.free_energy(torch.cat([x, self.chains]))
        n = x.shape[0]
        cd = energies[:n].mean() - energies[n:].mean()
        decay = 0.5 * self.weight_decay * (self.weight**2).sum()
        return {"cd": cd, "weight_decay": decay}

    # --------------------------------------------------------- inference
    def encode(self, v):
        """Hidden-unit probabilities ``p(h_j = 1 | v)``."""
        return self.hidden_probabilities(v)

    def decode(self, hidden):
        """Mean of ``p(v | h)`` for hidden values (or probabilities) ``hidden``.

        Bernoulli and softmax cells get probabilities; a Gaussian value gets
        its mean given that it is observed.
        """
        logits, grid_logits, mean, _ = self._visible_conditionals(hidden, 1.0)
        probabilities = grid_logits
        if grid_logits is not None and self.grid.numel():
            probabilities = torch.softmax(grid_logits, dim=-1)
        return self._assemble(torch.sigmoid(logits), probabilities, mean, gated=False)

    def sample(self, n_samples, generator, n_burn_in=0):
        """Block Gibbs sampling from copies of the persistent chains.

        Each sample starts from a persistent chain drawn at random and makes
        ``n_burn_in`` Gibbs steps with ``generator``; the buffer is not changed.
        """
        start = torch.randint(
            self.chains.shape[0], (n_samples,), generator=generator, device=self.chains.device
        )
        v = self.chains[start]
        for _ in range(n_burn_in):
            v = self.gibbs_step(v, generator)
        return v

    def _log_normaliser_base(self):
        """``log Z`` of the base model: no hidden weights, discrete biases at the base rates."""
        hidden = self.weight.new_zeros(1, self.n_components)
        logits, grid_logits, _, sigma = self._visible_conditionals(hidden, 0.0)
        total = self.n_components * math.log(2.0) + F.softplus(logits).sum()
        if grid_logits is None:
            return total
        if self.grid.numel():
            total = total + torch.logsumexp(grid_logits, dim=-1).sum()
        return total + (_LOG_SQRT_2PI + torch.log(sigma[self.ungated_units])).sum()

    def log_partition(self, n_chains, n_steps, generator):
        """Annealed importance sampling estimate of ``log Z``.

        ``n_chains`` independent runs anneal the inverse temperature from 0
        (the base model, sampled exactly) to 1 in ``n_steps`` steps, one Gibbs
        transition per step; the estimate is ``log Z_0`` plus the log of the
        mean importance weight. Returns the estimate and the log-weights.
        """
        # Denser steps near beta = 1, where the distributions change fastest.
        betas = torch.linspace(0.0, 1.0, n_steps + 1, dtype=torch.float64)
        betas = (1.0 - torch.cos(betas * math.pi / 2)).tolist()
        betas[-1] = 1.0
        hidden = self.weight.new_zeros(n_chains, self.n_components)
        v = self._sample_visible(hidden, 0.0, generator)
        log_w = self.weight.new_zeros(n_chains)
        # log p*_beta(v) = (1 - beta) v.(base - b) + softplus(beta x).sum() + terms free of beta
        shift = self.discrete_mask * (self.base_logits - self.visible_bias)
        for k in range(1, n_steps + 1):
            x = self.hidden_input(v)
            log_w = (
                log_w
                + (betas[k - 1] - betas[k]) * (v @ shift)
                + (F.softplus(betas[k] * x) - F.softplus(betas[k - 1] * x)).sum(-1)
            )
            if k < n_steps:
                v = self.gibbs_step(v, generator, betas[k], hidden_input=x)
        estimate = self._log_normaliser_base() + torch.logsumexp(log_w, 0) - math.log(n_chains)
        return estimate, log_w
