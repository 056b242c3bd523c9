"""Wasserstein GAN with gradient penalty: generator, (packed) critic, condition vectors, encoder.

Small parts, composed by :class:`GANModule`:

- :class:`MLPGenerator`: latent ``z`` (and a condition vector) to the
  parameters of a :class:`TabularHead`; training rows are its Gumbel-softmax
  relaxations, samples its hard draws;
- :class:`PacCritic`: an MLP critic that scores packs of ``pac`` rows
  together (PacGAN), which penalises a generator that collapses modes;
- :func:`gradient_penalty`: the (one-sided) gradient penalty on interpolated packs;
- :class:`ConditionLayout` and :class:`ConditionSampler`: the condition
  vector over the categories of discrete columns, and training-by-sampling
  (a column uniformly, one of its categories by log-frequency, then a real
  row with that category), vectorised over the batch;
- an inference encoder ``x -> z`` (:class:`InversionModule` trains it against
  the trained generator) and the importance-sampled log-density of a
  Gaussian observation model around the generator (Wu et al., 2017).
"""

import copy
import math
import weakref
from functools import partial

import numpy as np
import torch
from torch import nn

from .mlp import make_mlp
from .noise import standard_normal
from .tabular_head import TabularHead

__all__ = [
    "ConditionLayout",
    "ConditionedLinear",
    "ConditionSampler",
    "GANModule",
    "InversionModule",
    "MLPGenerator",
    "PacCritic",
    "RowBatchNorm",
    "gradient_penalty",
]

_LOG_2PI = math.log(2 * math.pi)


class ConditionLayout:
    """Where the condition vector's cells sit in the encoded row.

    The condition vector is the concatenation of the one-hot blocks of the
    discrete columns' categories (spans with role ``"category"``), in layout
    order; at most one cell per block is set.

    Attributes
    ----------
    columns : list of the conditioned columns' names, one per block.
    offsets, widths : ndarray of int
        Data offset and width of each block in the encoded row.
    starts : ndarray of int
        Offset of each block in the condition vector.
    width : int
        Length of the condition vector.
    """

    def __init__(self, layout):
        columns, offsets, widths, offset = [], [], [], 0
        for span in layout:
            if span.kind == "discrete" and span.role == "category":
                columns.append(span.column)
                offsets.append(offset)
                widths.append(span.width)
            offset += span.width
        self.n_features = offset
        self.columns = columns
        self.offsets = np.asarray(offsets, dtype=np.int64)
        self.widths = np.asarray(widths, dtype=np.int64)
        self.starts = np.concatenate([[0], np.cumsum(self.widths)[:-1]]).astype(np.int64)
        self.width = int(self.widths.sum())

    def data_index(self):
        """Encoded-row index of each condition cell."""
        return np.concatenate(
            [np.arange(o, o + w) for o, w in zip(self.offsets, self.widths)] or [np.empty(0, int)]
        ).astype(np.int64)

    def placement(self):
        """``(width, n_features)`` 0/1 matrix: the encoded-row cell of each condition cell."""
        out = np.zeros((self.width, self.n_features))
        out[np.arange(self.width), self.data_index()] = 1.0
        return out

    def membership(self):
        """``(width, n_blocks)`` 0/1 matrix: which block each condition cell belongs to."""
        out = np.zeros((self.width, len(self.columns)))
        for block, (start, width) in enumerate(zip(self.starts, self.widths)):
            out[start : start + width, block] = 1.0
        return out

    def vector(self, codes):
        """Condition vector asking each column of ``codes`` (``{column: code}``) for that code."""
        out = np.zeros(self.width)
        for column, code in codes.items():
            out[self.starts[self.columns.index(column)] + code] = 1.0
        return out


class ConditionSampler:
    """Training-by-sampling (CTGAN's), vectorised: no loop over rows.

    For each row of a batch: with probability ``unconditioned_share`` no
    condition and a uniformly drawn real row (this trains the unconditional
    generator ``G(z, 0)``); otherwise a discrete column drawn uniformly, one
    of its categories drawn with probability proportional to
    ``log(1 + count)``, and a real row drawn uniformly among those with that
    category. Random numbers come from torch's global RNG (seeded by the
    estimator's fit).

    Parameters
    ----------
    condition_layout : ConditionLayout
    unconditioned_share : float, default=0.5
    """

    def __init__(self, condition_layout, unconditioned_share=0.5):
        self.condition_layout = condition_layout
        self.unconditioned_share = unconditioned_share

    def __getstate__(self):
        state = self.__dict__.copy()
        state.pop("_last_plan", None)  # never pickle (a reference to) the training rows
        return state

    def plan(self, X, index=None):
        """Per-category row lists and log-frequency probabilities of the rows ``X[index]`` (encoded).

        Row numbers in the plan, and those :meth:`draw` returns, are rows of
        ``X`` (all rows when ``index`` is None): nothing is copied but the
        condition blocks. The last plan is kept (with a weak reference to
        ``X``): each epoch asks again for the same rows.
        """
        index = np.arange(X.shape[0]) if index is None else np.asarray(index)
        last = getattr(self, "_last_plan", None)
        if last is not None and last[0]() is X and np.array_equal(last[1], index):
            return last[2]
        plan = self._plan(X, index)
        self._last_plan = (weakref.ref(X), index.copy(), plan)
        return plan

    def _plan(self, X, index):
        cl = self.condition_layout
        n = len(index)
        # Global category id of each (row, block): one argsort groups the rows of every category.
        codes = np.stack(
            [X[index, o : o + w].argmax(axis=1) for o, w in zip(cl.offsets, cl.widths)], axis=1
        )
        ids = (codes + cl.starts).T.ravel()  # block by block
        order = np.argsort(ids, kind="stable")
        counts = np.bincount(ids, minlength=cl.width)
        widest = int(cl.widths.max())
        probs = np.zeros((len(cl.widths), widest))
        grid = cl.starts[:, None] + np.arange(widest)
        valid = np.arange(widest) < cl.widths[:, None]
        probs[valid] = np.log1p(counts[np.minimum(grid, cl.width - 1)])[valid]
        # Cumulative probabilities per block, for inverse-CDF draws; the last
        # category (and the padding) above any uniform draw, whatever the rounding.
        cumulative = np.cumsum(probs, axis=1) / probs.sum(axis=1, keepdims=True)
        cumulative[np.arange(widest) >= cl.widths[:, None] - 1] = 2.0
        return {
            "rows": torch.from_numpy(index),
            "rows_by_category": torch.from_numpy(index[order % n]),
            "first": torch.from_numpy(np.cumsum(counts) - counts),
            "counts": torch.from_numpy(counts),
            "cumulative": torch.from_numpy(cumulative),
            "starts": torch.from_numpy(cl.starts),
        }

    def draw(self, plan, batch_size):
        """``(rows, condition)``: indices of real rows and their ``(batch_size, width)`` conditions."""
        n_blocks = len(self.condition_layout.widths)
        block = torch.randint(n_blocks, (batch_size,))
        u = torch.rand(batch_size, 1, dtype=plan["cumulative"].dtype)
        category = (plan["cumulative"][block] < u).sum(1)
        ids = plan["starts"][block] + category
        offset = (torch.rand(batch_size) * plan["counts"][ids]).long()
        rows = plan["rows_by_category"][plan["first"][ids] + offset]
        free = torch.rand(batch_size) < self.unconditioned_share
        any_row = plan["rows"][torch.randint(len(plan["rows"]), (batch_size,))]
        rows = torch.where(free, any_row, rows)
        condition = nn.functional.one_hot(ids, self.condition_layout.width).float()
        condition[free] = 0.0
        return rows, condition


class RowBatchNorm(nn.BatchNorm1d):
    """``BatchNorm1d`` over the last dimension of rows with any leading dimensions.

    (``nn.BatchNorm1d`` reads a 3-D input as ``(batch, channels, length)``;
    importance sampling feeds ``(k, n, features)``.) In training, a batch of
    a single row is normalised with the running statistics, as nothing can
    be estimated from one row.
    """

    def forward(self, x):
        rows = x.reshape(-1, x.shape[-1])
        if self.training and rows.shape[0] == 1:
            rows = nn.functional.batch_norm(
                rows, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0, self.eps
            )
            return rows.reshape(x.shape)
        return super().forward(rows).reshape(x.shape)


class MLPGenerator(nn.Module):
    """``z`` (and a condition vector) through an MLP to the parameters of a :class:`TabularHead`.

    With ``batch_norm``, each hidden layer is ``Linear -> RowBatchNorm -> ReLU``.
    """

    def __init__(self, layout, n_components, hidden_layer_sizes, n_conditions=0, batch_norm=False):
        super().__init__()
        self.n_components = n_components
        self.n_conditions = n_conditions
        # In-place activations: one buffer less per layer to fill and read back (on the
        # CPU, a batch's hidden layers outgrow the cache, and the passes over them cost).
        self.body, width = make_mlp(
            n_components + n_conditions, hidden_layer_sizes, activation=partial(nn.ReLU, True)
        )
        if batch_norm:  # Linear -> BatchNorm -> ReLU, as CTGAN's generator
            layers = []
            for layer in self.body:
                layers.append(layer)
                if isinstance(layer, nn.Linear):
                    layers.append(RowBatchNorm(layer.out_features))
            self.body = nn.Sequential(*layers)
        # Only the used logit cells: the grid of mode-specific encoding is mostly padding.
        self.head = TabularHead(width, layout, learn_std=False, compact=True)

    def forward(self, z, condition=None):
        if self.n_conditions:
            if condition is None:  # the unconditional generator G(z, 0)
                condition = z.new_zeros(z.shape[:-1] + (self.n_conditions,))
            z = torch.cat([z, condition.to(z.dtype)], dim=-1)
        return self.head(self.body(z))


class ConditionedLinear(nn.Module):
    """``Linear`` on rows ``[x, c]`` with separate weights for the rows ``x`` and their conditions ``c``.

    ``x`` has shape ``(n, group * in_features)``: ``n`` groups of ``group``
    rows laid side by side (a critic's packs); ``condition`` has shape
    ``(n * group, n_conditions)``, one condition vector per row. The result
    is that of ``nn.Linear(group * (in_features + n_conditions),
    out_features)`` on the interleaved groups ``[x_1, c_1, ..., x_group,
    c_group]``, initialised alike. Kept apart, the condition's weights need
    no input gradient: a critic's gradient with respect to its input (the
    gradient penalty, the generator's update) is then a product with the
    rows' weights alone, on CTGAN's default critic about a third smaller.

    Parameters
    ----------
    in_features, n_conditions, out_features : int
    group : int, default=1
    """

    def __init__(self, in_features, n_conditions, out_features, group=1):
        super().__init__()
        self.n_conditions = n_conditions
        self.group = group
        self.linear = nn.Linear(group * in_features, out_features)
        self.condition_weight = nn.Parameter(torch.empty(group * n_conditions, out_features))
        # nn.Linear's initialisation for the fan-in of the whole interleaved row.
        bound = 1 / math.sqrt(group * (in_features + n_conditions))
        for parameter in (self.linear.weight, self.linear.bias, self.condition_weight):
            nn.init.uniform_(parameter, -bound, bound)

    @property
    def weight(self):
        """The weights of the rows ``x``, as ``nn.Linear``'s."""
        return self.linear.weight

    def forward(self, x, condition=None):
        out = self.linear(x)
        if condition is None or not self.n_conditions:
            return out
        grouped = condition.to(out.dtype).reshape(-1, self.group * self.n_conditions)
        return out.addmm(grouped, self.condition_weight)


class PacCritic(nn.Module):
    """MLP critic on packs of ``pac`` rows (PacGAN), given each row's condition: one score per pack.

    Each hidden layer is ``Linear -> LeakyReLU(0.2)``, followed by
    ``Dropout(dropout)`` when ``dropout > 0`` (CTGAN's critic uses 0.5).
    The first layer is a :class:`ConditionedLinear`: the rows' condition
    vectors (``n_conditions`` wide, default none) enter as if concatenated
    to the rows. The number of rows given must be a multiple of ``pac``.
    """

    def __init__(self, in_features, hidden_layer_sizes, pac=1, dropout=0.0, n_conditions=0):
        super().__init__()
        self.pac = pac
        sizes = tuple(hidden_layer_sizes)

        def activation():
            leaky = nn.LeakyReLU(0.2, inplace=True)  # as the generator's, in place
            return nn.Sequential(leaky, nn.Dropout(dropout)) if dropout else leaky

        self.first = ConditionedLinear(in_features, n_conditions, sizes[0] if sizes else 1, pac)
        if sizes:
            body, _ = make_mlp(sizes[0], sizes[1:], 1, activation=activation)
            self.body = nn.Sequential(activation(), *body)
        else:
            self.body = nn.Sequential()

    def forward(self, x, condition=None):
        packs = x.reshape(-1, self.pac * x.shape[-1])
        return self.body(self.first(packs, condition)).squeeze(-1)

    def _layers(self):
        for layer in self.body:
            yield from layer if isinstance(layer, nn.Sequential) else (layer,)

    def input_gradient(self, x, condition=None):
        """``d score / d pack`` for each pack of ``x``, differentiable w.r.t. the weights.

        Written out layer by layer (the chain rule through the linear layers,
        the leaky ReLUs' slopes and the dropout masks, drawn as in a forward
        pass) rather than by a double backward: the same values and weight
        gradients (a leaky ReLU's slope has zero derivative almost
        everywhere), without autograd carrying zeros back through the forward
        pass. The gradient is with respect to the rows only, not their
        conditions. Returns ``(n_packs, pac * n_features)``.
        """
        factors = []  # per element: the leaky ReLUs' slopes and the dropout masks
        with torch.no_grad():
            h = self.first(x.reshape(-1, self.pac * x.shape[-1]), condition)
            for layer in self._layers():
                if isinstance(layer, nn.LeakyReLU):
                    slope = h.new_tensor(layer.negative_slope)
                    factors.append(torch.where(h > 0, h.new_ones(()), slope))
                    h = layer(h)
                elif isinstance(layer, nn.Dropout):
                    if self.training and layer.p:
                        # The mask scaled by 1 / (1 - p), drawn as the layer's forward draws it.
                        factors.append(layer(torch.ones_like(h)))
                        h = h * factors[-1]
                else:
                    h = layer(h)
        grad = None
        for layer in [self.first, *self._layers()][::-1]:
            if isinstance(layer, nn.LeakyReLU):
                grad = grad * factors.pop()
            elif isinstance(layer, nn.Dropout):
                if self.training and layer.p:
                    grad = grad * factors.pop()
            elif grad is None:  # the output layer: one score
                grad = layer.weight.expand(h.shape[0], -1)
            else:
                grad = grad @ layer.weight
        return grad


def gradient_penalty(critic, real, fake, condition=None):
    """``max(0, ||grad critic(mix)|| - 1)^2`` at random interpolations of real and fake packs.

    The one-sided (Lipschitz) penalty of Petzka et al. (2018). The two-sided
    penalty of WGAN-GP also pulls slopes that are below 1 up to 1, whatever
    their sign, which can lock a critic into ranking the fake rows above the
    real ones when both are far apart (a 1-D Gaussian diverged that way in
    our tests); the one-sided penalty leaves those slopes free.

    ``condition`` (the rows' condition vectors, shared by real and fake
    rows) is passed to the critic and held fixed: the critic must be
    1-Lipschitz in the rows under each condition, and the interpolation
    never moves the condition, so its gradient is not penalised. (CTGAN
    concatenates the condition to the rows and penalises the gradient of
    both.)
    """
    pac = critic.pac
    n_packs = real.shape[0] // pac
    alpha = torch.rand(n_packs, 1, 1, device=real.device, dtype=real.dtype)
    # One weight per pack, broadcast over a row's features (or an image's pixels).
    alpha = alpha.expand(n_packs, pac, 1).reshape((-1,) + (1,) * (real.dim() - 1))
    mixed = alpha * real + (1 - alpha) * fake
    conditioned = () if condition is None else (condition,)
    if hasattr(critic, "input_gradient"):
        # The MLP critic writes its input gradient out: no double backward through the wide layer.
        grad = critic.input_gradient(mixed, *conditioned)
    else:
        mixed = mixed.requires_grad_(True)
        (grad,) = torch.autograd.grad(critic(mixed, *conditioned).sum(), mixed, create_graph=True)
    return ((grad.reshape(n_packs, -1).norm(dim=1) - 1).clamp_min(0) ** 2).mean()


class GANModule(nn.Module):
    """WGAN-GP on mixed tabular rows, optionally conditional, with an inference encoder.

    Parameters
    ----------
    layout : list of Span
        Layout of the model's data matrix.
    n_components : int
        Latent dimension.
    generator_layer_sizes, critic_layer_sizes, encoder_layer_sizes : tuple of int
    pac : int, default=1
        Rows per critic pack.
    gradient_penalty_weight : float, default=10.0
    tau : float, default=0.2
        Gumbel-softmax temperature of the discrete outputs in training.
    conditional : bool, default=False
        Feed a condition vector over the discrete columns' categories
        (:class:`ConditionLayout`) to generator and critic.
    critic_dropout : float, default=0.0
        Dropout rate after each hidden layer of the critic.
    generator_batch_norm : bool, default=False
        Batch normalisation in the generator's hidden layers (CTGAN's).

    Notes
    -----
    Rows that carry a condition have the conditioned column set to it, in
    training as in sampling: ``G(z, c)`` generates the other columns given
    it, so a conditional sample meets its condition exactly. The encoder
    and the observation model describe the unconditional generator
    ``G(z, 0)``. The buffers ``log_noise_std`` (observation noise of the
    continuous values) and ``proposal_scale`` (spread of the importance
    proposal around the code) are set by the estimator after training.
    """

    loss_terms = ("critic", "gradient_penalty", "generator")

    def __init__(
        self,
        layout,
        n_components,
        generator_layer_sizes,
        critic_layer_sizes,
        encoder_layer_sizes,
        *,
        pac=1,
        gradient_penalty_weight=10.0,
        tau=0.2,
        conditional=False,
        critic_dropout=0.0,
        generator_batch_norm=False,
    ):
        super().__init__()
        conditions = ConditionLayout(layout if conditional else [])
        n_features = sum(span.width for span in layout)
        self.n_components = n_components
        self.n_conditions = conditions.width
        self.pac = pac
        self.gradient_penalty_weight = gradient_penalty_weight
        self.tau = tau
        self.generator = MLPGenerator(
            layout, n_components, generator_layer_sizes, conditions.width, generator_batch_norm
        )
        self.critic = PacCritic(
            n_features, critic_layer_sizes, pac, dropout=critic_dropout, n_conditions=conditions.width
        )
        self.encoder, _ = make_mlp(n_features, encoder_layer_sizes, n_components)
        # Condition cell -> its cell in the row, and -> every cell of its column's block.
        placement, membership = conditions.placement(), conditions.membership()
        self.register_buffer("condition_placement", torch.as_tensor(placement, dtype=torch.float32))
        self.register_buffer(
            "condition_blocks",
            torch.as_tensor(membership @ membership.T @ placement, dtype=torch.float32),
        )
        self.register_buffer("log_noise_std", torch.zeros(()))
        self.register_buffer("proposal_scale", torch.ones(n_components))

    @property
    def head(self):
        return self.generator.head

    # ------------------------------------------------------------ training
    def _packed(self, x, condition):
        """Rows (and conditions) repeated cyclically up to a multiple of ``pac``."""
        n = x.shape[0]
        m = -(-n // self.pac) * self.pac
        if m == n:
            return x, condition
        index = torch.arange(m, device=x.device) % n
        return x[index], None if condition is None else condition[index]

    def _critique(self, x, condition):
        """The critic's score of each pack of ``x`` (rows with their conditions)."""
        return self.critic(x, condition)  # a critic without condition inputs ignores it

    def _penalty(self, real, fake, condition):
        return gradient_penalty(self.critic, real, fake, condition)

    def impose(self, x, condition):
        """``x`` with each conditioned column's block replaced by its condition."""
        if condition is None or not self.n_conditions:
            return x
        condition = condition.to(x.dtype)
        # Products with 0/1 matrices rather than gathers and scatters: fewer passes over x.
        free = condition @ self.condition_blocks.to(x.dtype) == 0
        return torch.where(free, x, condition @ self.condition_placement.to(x.dtype))

    def fake(self, n_samples, condition=None, like=None):
        """Differentiable generated rows (Gumbel-softmax), drawn with torch's global RNG."""
        like = self.log_noise_std if like is None else like
        z = torch.randn(n_samples, self.n_components, device=like.device, dtype=like.dtype)
        rows = self.head.gumbel_softmax(self.generator(z, condition), self.tau)
        return self.impose(rows, condition)

    def generate(self, x, condition=None):
        """The generated rows a training step pits against the batch ``x`` (differentiable)."""
        real, condition = self._packed(x, condition)
        return self.fake(real.shape[0], condition, like=real)

    def critic_loss(self, x, condition=None, fake=None):
        """Wasserstein critic loss and gradient penalty; ``fake`` from :meth:`generate`, or drawn."""
        real, condition = self._packed(x, condition)
        if fake is None:
            with torch.no_grad():
                fake = self.fake(real.shape[0], condition, like=real)
        fake = fake.detach()  # the critic's update must not reach the generator
        # Real and fake packs in one pass (the critic has no batch statistics).
        both = None if condition is None else torch.cat([condition, condition])
        scores = self._critique(torch.cat([real, fake]), both)
        n_packs = real.shape[0] // self.pac
        wasserstein = scores[n_packs:].mean() - scores[:n_packs].mean()
        penalty = self._penalty(real, fake, condition)
        return {"critic": wasserstein, "gradient_penalty": self.gradient_penalty_weight * penalty}

    def generator_loss(self, x, condition=None, fake=None):
        """Minus the critic's mean score of ``fake`` (from :meth:`generate`, or drawn)."""
        real, condition = self._packed(x, condition)
        if fake is None:
            fake = self.fake(real.shape[0], condition, like=real)
        return {"generator": -self._critique(fake, condition).mean()}

    def loss(self, x, condition=None):
        """Validation: the critic's estimate of the Wasserstein distance (negated), no penalty."""
        real, condition = self._packed(x, condition)
        fake = self.fake(real.shape[0], condition, like=real)
        return {"critic": self._critique(fake, condition).mean() - self._critique(real, condition).mean()}

    # ----------------------------------------------------------- inference
    def sample(self, n_samples, generator, condition=None):
        """Rows drawn with the torch ``generator``: hard one-hot discrete blocks, conditions imposed."""
        reference = self.log_noise_std
        z = standard_normal((n_samples, self.n_components), generator, reference)
        if condition is not None:
            condition = condition.to(reference.dtype).expand(n_samples, -1)
        params = self.generator(z, condition)
        rows = self.head.sample(params, generator, continuous_noise=False)
        return self.impose(rows, condition)

    def critic_score(self, x):
        """The critic's raw output for each row, packed with ``pac - 1`` copies of itself."""
        packed = x.repeat_interleave(self.pac, dim=0)
        return self._critique(packed, None)

    def encode(self, x):
        return self.encoder(x)

    def decode(self, z):
        """Expected row of ``G(z, 0)``: continuous outputs and category probabilities."""
        return self.head.mean(self.generator(z))

    def log_prob(self, x, eps, n_prior, noise_std=None, condition=None):
        """Importance-sampled ``log p(x)`` under ``x ~ p(x | G(z, c))``, ``z ~ N(0, I)``.

        ``condition`` (``(n, width)``, default ``None``: the unconditional
        generator ``G(z, 0)``) is the condition vector of each row.

        The observation model is a Gaussian of standard deviation
        ``noise_std`` (default ``exp(log_noise_std)``) around each continuous
        output and the generator's own categorical for each discrete block.
        The proposal is the mixture of the prior (the first ``n_prior`` of
        the ``k`` draws) and ``N(encode(x), diag(proposal_scale^2))`` (the
        others), weighted as a mixture (multiple importance sampling), so the
        weights stay bounded where the encoder is poor. ``eps``: standard
        normal draws of shape ``(k, n, n_components)``. ``noise_std`` may be
        a 1-D tensor of candidates: the result then has one row per candidate.
        """
        k, d = eps.shape[0], self.n_components
        mu = self.encoder(x)
        scale = self.proposal_scale.to(x.dtype)
        z = torch.cat([eps[:n_prior], mu + scale * eps[n_prior:]])
        log_prior = -0.5 * (z**2).sum(-1) - 0.5 * d * _LOG_2PI
        log_proposal = (
            -0.5 * (((z - mu) / scale) ** 2).sum(-1) - torch.log(scale).sum() - 0.5 * d * _LOG_2PI
        )
        share = n_prior / k
        if share == 0:
            log_q = log_proposal
        elif share == 1:
            log_q = log_prior
        else:
            log_q = torch.logaddexp(math.log(share) + log_prior, math.log1p(-share) + log_proposal)
        if condition is not None:
            condition = condition.to(z.dtype).expand(k, -1, -1)
        params = self.generator(z, condition)
        if noise_std is None:
            noise_std = torch.exp(self.log_noise_std)
        noise_std = torch.as_tensor(noise_std, dtype=x.dtype, device=x.device)
        stds = noise_std.reshape(-1, 1, 1, 1) if noise_std.dim() else noise_std.reshape(1, 1, 1, 1)
        log_px_z = self.head.log_prob(params.unsqueeze(0), x, std=stds)  # (candidates, k, n)
        log_w = log_px_z + (log_prior - log_q).unsqueeze(0)
        out = torch.logsumexp(log_w, dim=1) - math.log(k)
        return out if noise_std.dim() else out[0]


class InversionModule(nn.Module):
    """Trains a :class:`GANModule`'s encoder to invert its (frozen) unconditional generator.

    Loss terms: ``latent``, ``||E(G(z)) - z||^2`` on generated pairs (hard
    draws, as the data look), and ``reconstruction``, the head's
    reconstruction error of ``G(E(x))`` on real rows. The generator is a
    frozen copy; the encoder is the GAN module's own, trained in place.
    """

    loss_terms = ("latent", "reconstruction")

    def __init__(self, gan):
        super().__init__()
        self.generator = copy.deepcopy(gan.generator).requires_grad_(False).eval()
        self.encoder = gan.encoder
        self.n_components = gan.n_components

    def train(self, mode=True):
        """The encoder's mode; the frozen generator stays in evaluation mode (its batch norms)."""
        super().train(mode)
        self.generator.eval()
        return self

    def loss(self, x):
        z = torch.randn(x.shape[0], self.n_components, device=x.device, dtype=x.dtype)
        head = self.generator.head
        with torch.no_grad():
            fake = head.gumbel_softmax(self.generator(z), hard=True)
        latent = ((self.encoder(fake) - z) ** 2).sum(-1).mean()
        reconstruction = head.reconstruction_error(self.generator(self.encoder(x)), x).mean()
        return {"latent": latent, "reconstruction": reconstruction}
