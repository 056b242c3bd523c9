"""Output head for mixed tabular rows, shared by every deep generator.

A :class:`TabularHead` turns a hidden vector into the parameters of a
distribution over one row laid out as :attr:`TabularEncoder.layout_` says:
a Gaussian for each continuous value (its mean passed through ``tanh`` for
``"tanh"`` spans, the bounded values of the ``"mode"`` encoding) and a
categorical for each discrete span (categories, modes and missing flags).
The matching mixed log-likelihood is the sum of Gaussian log-densities
(Lebesgue measure) and categorical log-probabilities (counting measure).
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

from ...preprocessing import Span
from .noise import gumbel, standard_normal

__all__ = ["TabularHead", "all_continuous_layout"]

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


def all_continuous_layout(n_features):
    """Layout of a plain numeric matrix: one identity continuous span per column."""
    return [Span(i, "continuous", "value", 1, "identity") for i in range(n_features)]


def _softmax_last(logits):
    """``logits.softmax(-1)``, faster on the CPU where the last dimension is short.

    torch's CPU softmax over a last dimension of two to a few cells runs
    about three times slower (forward and backward) than over the first
    dimension of the same numbers, so short ones are moved there (a view).
    """
    if logits.shape[-1] >= 8:
        return logits.softmax(-1)
    return logits.movedim(-1, 0).softmax(0).movedim(0, -1)


class TabularHead(nn.Module):
    """Linear output layer giving a mixed Gaussian/categorical distribution per row.

    Parameters
    ----------
    in_features : int
        Size of the hidden vector fed to the head.
    layout : list of skgen.preprocessing.Span
        Blocks of the data matrix; continuous spans must have width 1.
    learn_std : bool, default=True
        Output a standard deviation for each continuous value (needed for a
        likelihood). Without it the head predicts means only and
        :meth:`reconstruction_error` is the one loss that makes sense.
    min_std : float, default=1e-3
        Floor on the standard deviations, which keeps the likelihood bounded
        on values that repeat exactly.
    compact : bool, default=False
        Emit only the logits of real categories, not the grid's padding cells
        (the grid is then filled by one gather): a smaller output layer where
        the discrete spans differ much in width (e.g. a few wide categorical
        columns and many two-cell mode or missing blocks). The parameter
        vector is then shorter; everything else is unchanged.

    Notes
    -----
    The head's output (``forward``) is a flat parameter tensor: continuous
    means, then continuous raw scales, then the discrete logits laid out as a
    (span, category) grid padded to the widest span (with ``compact=True``,
    the grid's valid cells only, the spans grouped by width).
    All methods accept leading batch dimensions, e.g. ``(k, n, ...)`` for
    importance samples, broadcast against data of shape ``(n, n_features)``.
    """

    def __init__(self, in_features, layout, *, learn_std=True, min_std=1e-3, compact=False):
        super().__init__()
        offsets, continuous, tanh, discrete = 0, [], [], []
        missing_cell = {}  # column -> data index of its "missing" flag
        for span in layout:
            if span.kind == "continuous":
                if span.width != 1:
                    raise ValueError(f"Continuous spans must have width 1, got {span}.")
                continuous.append((offsets, span.column))
                tanh.append(span.activation == "tanh")
            else:
                discrete.append((offsets, span.width, span.column, span.role))
                if span.role == "missing":
                    missing_cell[span.column] = offsets + 1  # one-hot (observed, missing)
            offsets += span.width
        self.n_features = offsets
        self.learn_std = learn_std
        self.min_std = min_std
        self.n_continuous = len(continuous)
        self.register_buffer(
            "continuous_index", torch.tensor([i for i, _ in continuous], dtype=torch.long)
        )
        self.register_buffer("tanh_mask", torch.tensor(tanh, dtype=torch.bool))
        # A missing value's encoded value (and, for the "mode" encoding, its mode)
        # is a placeholder: the likelihood leaves it out where the column's
        # missing flag is set, so a missing value costs exactly log P(missing).
        # Index `offsets` points at the zero column appended to x: always observed.
        self.register_buffer(
            "continuous_missing_index",
            torch.tensor([missing_cell.get(c, offsets) for _, c in continuous], dtype=torch.long),
        )
        self.register_buffer(
            "discrete_missing_index",
            torch.tensor(
                [
                    missing_cell.get(c, offsets) if role == "mode" else offsets
                    for _, _, c, role in discrete
                ],
                dtype=torch.long,
            ),
        )
        # Discrete spans are handled together as a (span, category) grid padded
        # to the widest span: the linear layer emits the logits in grid layout
        # (padding cells are masked), so one log_softmax serves every span.
        widest = max((width for _, width, _, _ in discrete), default=0)
        data_grid = torch.full((len(discrete), widest), offsets, dtype=torch.long)
        for row, (start, width, _, _) in enumerate(discrete):
            data_grid[row, :width] = torch.arange(start, start + width)
        valid = data_grid < offsets
        # Grid cell -> data column (padding -> an extra zero column appended to x).
        self.register_buffer("data_grid", data_grid)
        self.register_buffer("grid_bias", torch.where(valid, 0.0, -1e30))
        self.register_buffer("grid_cells", valid.flatten().nonzero().flatten())
        self.register_buffer("discrete_index", data_grid[valid])
        # Data column -> its cell in [continuous values, flattened grid]: a row is
        # assembled by one gather (cheaper than zero-filling and scattering twice).
        assemble_index = torch.empty(offsets, dtype=torch.long)
        assemble_index[self.continuous_index] = torch.arange(self.n_continuous)
        assemble_index[self.discrete_index] = self.n_continuous + self.grid_cells
        self.register_buffer("assemble_index", assemble_index)
        self.grid_shape = (len(discrete), widest)
        self.n_grid = len(discrete) * widest
        self.compact = compact
        # Emitted logits (compact): the used cells, spans grouped by width, so that
        # each group is a dense (span, category) block that softmaxes without padding.
        spans_by_width = sorted(range(len(discrete)), key=lambda row: (discrete[row][1], row))
        emitted_cells = [
            row * widest + j for row in spans_by_width for j in range(discrete[row][1])
        ]
        self.width_groups = []  # (first emitted logit, spans, width) of each group
        first = 0
        for width in sorted({width for _, width, _, _ in discrete}):
            n_spans = sum(1 for _, w, _, _ in discrete if w == width)
            self.width_groups.append((first, n_spans, width))
            first += n_spans * width
        n_cells = len(emitted_cells)
        self.register_buffer("emitted_cells", torch.tensor(emitted_cells, dtype=torch.long))
        # Grid cell -> its logit among the emitted ones (padding -> a -1e30 column appended).
        grid_source = torch.full((self.n_grid,), n_cells, dtype=torch.long)
        grid_source[self.emitted_cells] = torch.arange(n_cells)
        self.register_buffer("grid_source", grid_source)
        # Data column -> its cell in [continuous values, emitted logits].
        compact_index = assemble_index.clone()
        compact_index[self.discrete_index] = self.n_continuous + grid_source[self.grid_cells]
        self.register_buffer("compact_assemble_index", compact_index)
        self.n_logits = n_cells if compact else self.n_grid
        n_params = self.n_continuous * (2 if learn_std else 1) + self.n_logits
        self.linear = nn.Linear(in_features, n_params)

    @torch.no_grad()
    def init_output(self, mean_row, weight_scale=0.1):
        """Start from the data's average row: the output bias gives each category its
        frequency and each continuous value its mean (``mean_row``, the mean of
        the encoded rows), and the weights of the discrete logits are scaled
        by ``weight_scale`` (continuous outputs keep their spread).

        A generator trained adversarially then starts with the right marginals
        of discrete columns (rare categories and missing rates included)
        instead of having to find them.
        """
        mean_row = torch.as_tensor(mean_row, dtype=self.linear.bias.dtype)
        padded = self._pad(mean_row)
        means = padded[self.continuous_index]
        means = torch.where(self.tanh_mask, torch.atanh(means.clamp(-0.99, 0.99)), means)
        bias = self.linear.bias
        bias[: self.n_continuous] = means
        if self.learn_std:
            bias[self.n_continuous : 2 * self.n_continuous] = 0.0
        if self.n_grid:
            logits = torch.log(padded[self.data_grid].clamp_min(1e-4)).flatten()
            if self.compact:
                logits = logits[self.emitted_cells]
            bias[bias.shape[0] - self.n_logits :] = logits
            self.linear.weight[bias.shape[0] - self.n_logits :] *= weight_scale

    def forward(self, hidden):
        return self.linear(hidden)

    # ------------------------------------------------------------ params
    def _continuous(self, params):
        """Continuous means and standard deviations (or None)."""
        c = self.n_continuous
        raw_mean = params[..., :c]
        mean = torch.where(self.tanh_mask, torch.tanh(raw_mean), raw_mean)
        std = None
        if self.learn_std:
            std = F.softplus(params[..., c : 2 * c]) + self.min_std
        return mean, std

    def _split(self, params):
        """Continuous means, standard deviations (or None) and the grid of discrete logits."""
        mean, std = self._continuous(params)
        emitted = params[..., params.shape[-1] - self.n_logits :]
        if self.compact:
            padding = emitted.new_full(emitted.shape[:-1] + (1,), -1e30)
            grid = torch.cat([emitted, padding], dim=-1)[..., self.grid_source]
            return mean, std, grid.unflatten(-1, self.grid_shape)
        logits = emitted.unflatten(-1, self.grid_shape) + self.grid_bias
        return mean, std, logits

    def _assemble(self, continuous, grid):
        shape = continuous.shape[:-1]
        grid = grid.flatten(-2).expand(shape + (self.n_grid,))
        return torch.cat([continuous, grid], dim=-1)[..., self.assemble_index]

    @staticmethod
    def _pad(x):
        """``x`` with a zero column appended (target of padding and "never missing" indices)."""
        return torch.cat([x, x.new_zeros(x.shape[:-1] + (1,))], dim=-1)

    def _discrete_log_prob(self, logits, x):
        # Padding logits are so negative that they get no probability, and the
        # data's padding cells are 0, so they add nothing to the sum.
        padded = self._pad(x)
        per_span = (padded[..., self.data_grid] * F.log_softmax(logits, dim=-1)).sum(-1)
        return (per_span * (1.0 - padded[..., self.discrete_missing_index])).sum(-1)

    def _observed(self, x):
        """1 for each continuous value that is observed, 0 where its column is missing."""
        return 1.0 - self._pad(x)[..., self.continuous_missing_index]

    # ------------------------------------------------------ likelihoods
    def log_prob(self, params, x, std=None):
        """Mixed log-likelihood of rows ``x`` (one-hot discrete blocks), summed per row.

        The placeholder value (and mode) of a missing value is left out, so
        each row is scored on the measure of its own observed values.
        ``std`` (a tensor broadcasting against the continuous means) replaces
        the head's own standard deviations: a fixed observation noise around
        a deterministic output, as for a GAN's generator.
        """
        mean, own_std, logits = self._split(params)
        std = own_std if std is None else std
        if std is None:
            raise ValueError("log_prob needs a head built with learn_std=True, or std.")
        z = (x[..., self.continuous_index] - mean) / std
        log_density = -0.5 * z**2 - torch.log(std) - _LOG_SQRT_2PI
        total = (log_density * self._observed(x)).sum(-1)
        if self.n_grid:
            total = total + self._discrete_log_prob(logits, x)
        return total

    def reconstruction_error(self, params, x):
        """Per-row half squared error of observed continuous values plus cross-entropy of discrete spans."""
        mean, _, logits = self._split(params)
        squared = (x[..., self.continuous_index] - mean) ** 2
        total = 0.5 * (squared * self._observed(x)).sum(-1)
        if self.n_grid:
            total = total - self._discrete_log_prob(logits, x)
        return total

    # ----------------------------------------------------------- decoding
    def mean(self, params):
        """Expected row: continuous means and category probabilities."""
        mean, _, logits = self._split(params)
        return self._assemble(mean, F.softmax(logits, dim=-1))

    def gumbel_softmax(self, params, tau=0.2, hard=False):
        """Differentiable rows for adversarial training, drawn with torch's global RNG.

        Continuous means as they are; each discrete span a Gumbel-softmax
        relaxation of a one-hot draw at temperature ``tau`` (exactly one-hot
        in the forward pass with ``hard=True``, straight-through gradients).
        """
        if self.compact:
            return self._compact_gumbel_softmax(params, tau, hard)
        mean, _, logits = self._split(params)
        if self.n_grid:
            # Gumbel noise as -log(-log(U)): torch's exponential_ sampler, which
            # F.gumbel_softmax uses, is several times slower on the CPU.
            noise = gumbel(logits.shape, None, logits)
            soft = ((logits + noise) / tau).softmax(-1)
            if hard:
                soft = self._straight_through(soft)
            logits = soft
        return self._assemble(mean, logits)

    def _compact_gumbel_softmax(self, params, tau, hard):
        """:meth:`gumbel_softmax` on the emitted logits, group by group: no padding, no grid."""
        mean, _ = self._continuous(params)
        emitted = params[..., params.shape[-1] - self.n_logits :]
        parts = [mean]
        if self.n_logits:
            perturbed = (emitted + gumbel(emitted.shape, None, emitted)) / tau
            for first, n_spans, width in self.width_groups:
                block = perturbed[..., first : first + n_spans * width].unflatten(
                    -1, (n_spans, width)
                )
                soft = _softmax_last(block)
                parts.append((self._straight_through(soft) if hard else soft).flatten(-2))
        return torch.cat(parts, dim=-1)[..., self.compact_assemble_index]

    @staticmethod
    def _straight_through(soft):
        """One-hot in the forward pass, ``soft``'s gradients in the backward pass."""
        one_hot = F.one_hot(soft.argmax(-1), soft.shape[-1]).to(soft.dtype)
        return one_hot - soft.detach() + soft

    def sample(self, params, generator, *, continuous_noise=True):
        """Draw one row per parameter vector with the CPU ``torch.Generator`` ``generator``.

        Discrete spans are one-hot draws (Gumbel-max); continuous values are
        Gaussian draws, or the means when ``continuous_noise`` is False.
        """
        mean, std, logits = self._split(params)
        continuous = mean
        if continuous_noise and std is not None:
            continuous = mean + std * standard_normal(mean.shape, generator, mean)
            continuous = torch.where(self.tanh_mask, continuous.clamp(-1.0, 1.0), continuous)
        one_hot = logits  # no discrete spans: an empty grid
        if self.n_grid:
            choice = torch.argmax(logits + gumbel(logits.shape, generator, logits), dim=-1)
            one_hot = F.one_hot(choice, logits.shape[-1]).to(logits.dtype)
        return self._assemble(continuous, one_hot)
