"""MADE density: one masked network, mixture outputs for values, categorical outputs for codes."""

import math

import torch
from torch import nn
from torch.nn import functional as F

from .flows import MADENetwork

__all__ = ["MADEModule"]

_LOG_SQRT_2PI = 0.5 * math.log(2 * math.pi)


class MADEModule(nn.Module):
    """Autoregressive density of mixed rows with a single masked MLP (MADE).

    The variables, in autoregressive order, are the discrete ones (missing
    flags of continuous columns, then categorical codes; each fed as a
    one-hot block) followed by the continuous values. A discrete variable's
    outputs are its logits (counting measure); a continuous value's are the
    weights, means and log-standard-deviations of a Gaussian mixture
    (Lebesgue measure). A value whose missing flag is set is fed as 0 and
    left out of the likelihood, so a missing value costs exactly
    ``log P(missing | earlier variables)``.

    Parameters
    ----------
    cardinalities : list of int
        Number of codes of each discrete variable, in order.
    missing_flags : list of int
        For each continuous value, the index of its missing flag among the
        discrete variables, or -1.
    n_continuous : int
    hidden_layer_sizes : tuple of int
    n_mixture_components : int
    n_classes : int, default=0
        Size of the one-hot class context (0: unconditional).
    log_marginals : list of array-like, default=None
        Initial logits of each discrete variable (e.g. its log training
        frequencies), so that training starts from the right marginals.
    """

    loss_terms = ("nll",)

    def __init__(
        self, cardinalities, missing_flags, n_continuous, hidden_layer_sizes,
        n_mixture_components, n_classes=0, log_marginals=None, min_std=1e-3,
    ):  # fmt: skip
        super().__init__()
        self.cardinalities = [int(k) for k in cardinalities]
        self.n_continuous = int(n_continuous)
        self.n_mixture_components = int(n_mixture_components)
        self.n_classes = n_classes
        self.min_std = min_std
        n_discrete = len(self.cardinalities)
        input_degrees, output_degrees = [], []
        for variable, width in enumerate(self.cardinalities, start=1):
            input_degrees += [variable] * width
            output_degrees += [variable] * width
        for j in range(self.n_continuous):
            variable = n_discrete + j + 1
            input_degrees.append(variable)
            output_degrees += [variable] * (3 * self.n_mixture_components)
        self.network = MADENetwork(input_degrees, hidden_layer_sizes, output_degrees, n_classes)
        self.n_inputs = len(input_degrees)
        self.n_one_hot = sum(self.cardinalities)
        self.register_buffer("missing_flags", torch.as_tensor(missing_flags, dtype=torch.long))
        with torch.no_grad():
            bias, start = self.network.output.bias, 0
            for index, width in enumerate(self.cardinalities):
                if log_marginals is not None:
                    bias[start : start + width] = torch.as_tensor(log_marginals[index])
                start += width
            # Mixture means start spread over the standardised range.
            spread = torch.linspace(-1.5, 1.5, self.n_mixture_components)
            bias[start:].view(self.n_continuous, 3, -1)[:, 1] = spread

    def _context(self, context, like):
        if context is None or not self.n_classes:
            return None
        return F.one_hot(context.long(), self.n_classes).to(like.dtype)

    def _blocks(self, params):
        """Logits of each discrete variable, then the mixture parameters ``(n, p, M)`` x 3."""
        logits, start = [], 0
        for width in self.cardinalities:
            logits.append(params[:, start : start + width])
            start += width
        mixture = params[:, start:].reshape(params.shape[0], self.n_continuous, 3, -1)
        log_std = F.softplus(mixture[:, :, 2]) + self.min_std
        return logits, mixture[:, :, 0], mixture[:, :, 1], log_std.log()

    def _observed(self, x):
        """``(n, p)`` 1.0 where a continuous value is observed (its flag's code is 0)."""
        observed = x.new_ones(x.shape[0], self.n_continuous)
        starts = [0]
        for width in self.cardinalities:
            starts.append(starts[-1] + width)
        for j, flag in enumerate(self.missing_flags.tolist()):
            if flag >= 0:
                observed[:, j] = x[:, starts[flag]]  # one-hot (observed, missing)
        return observed

    def log_prob(self, x, context=None):
        params = self.network(x, self._context(context, x))
        logits, weights, means, log_std = self._blocks(params)
        total, start = x.new_zeros(x.shape[0]), 0
        for block in logits:
            width = block.shape[1]
            total = total + (F.log_softmax(block, dim=1) * x[:, start : start + width]).sum(1)
            start += width
        values = x[:, self.n_one_hot :, None]
        z = (values - means) * torch.exp(-log_std)
        per_component = F.log_softmax(weights, dim=2) - 0.5 * z**2 - log_std - _LOG_SQRT_2PI
        value_log_prob = torch.logsumexp(per_component, dim=2)
        return total + (value_log_prob * self._observed(x)).sum(1)

    def loss(self, x, context=None):
        return {"nll": -self.log_prob(x, context).mean()}

    def _output_slices(self):
        """The output units of each variable, in order: logits, then mixture parameters."""
        bounds = [0]
        for width in self.cardinalities:
            bounds.append(bounds[-1] + width)
        bounds += [
            bounds[-1] + 3 * self.n_mixture_components * (j + 1) for j in range(self.n_continuous)
        ]
        return [slice(a, b) for a, b in zip(bounds[:-1], bounds[1:])]

    def sample(self, n_samples, generator, context=None, chunk_size=2048):
        """Ancestral sampling, one pass of the network per variable.

        Every random number is drawn first (per row: a uniform for each
        discrete variable and each mixture component choice, a normal for
        each value), so the rows do not depend on ``chunk_size``; the rows are
        then built in chunks whose activations stay in the cache, and each
        step computes only the output units of its variable. Draws from a
        categorical invert its CDF.
        """
        reference = self.network.output.weight
        n_variables = len(self.cardinalities) + self.n_continuous
        uniforms = torch.rand(
            n_samples, n_variables, generator=generator, dtype=reference.dtype,
            device=reference.device,
        )  # fmt: skip
        normals = torch.randn(
            n_samples, self.n_continuous, generator=generator, dtype=reference.dtype,
            device=reference.device,
        )  # fmt: skip
        chunks = [
            self._sample_rows(
                uniforms[start : start + chunk_size],
                normals[start : start + chunk_size],
                None if context is None else context[start : start + chunk_size],
            )
            for start in range(0, n_samples, chunk_size)
        ]
        return torch.cat(chunks) if chunks else reference.new_zeros(0, self.n_inputs)

    @staticmethod
    def _invert_cdf(logits, uniform):
        """Index of the category whose CDF interval holds ``uniform`` (one per row)."""
        cdf = torch.cumsum(F.softmax(logits, dim=1), dim=1)
        return (cdf < uniform[:, None]).sum(1).clamp_max(logits.shape[1] - 1)

    def _sample_rows(self, uniforms, normals, context):
        n_rows, n_discrete = uniforms.shape[0], len(self.cardinalities)
        x = uniforms.new_zeros(n_rows, self.n_inputs)
        context = self._context(context, x)
        slices, start = self._output_slices(), 0
        for index, width in enumerate(self.cardinalities):
            logits = self.network(x, context, slices[index], degree=index + 1)
            codes = self._invert_cdf(logits, uniforms[:, index])
            x[:, start : start + width] = F.one_hot(codes, width).to(x.dtype)
            start += width
        observed = self._observed(x)
        for j in range(self.n_continuous):
            variable = n_discrete + j
            params = self.network(x, context, slices[variable], degree=variable + 1)
            params = params.view(n_rows, 3, -1)
            component = self._invert_cdf(params[:, 0], uniforms[:, n_discrete + j])[:, None]
            mean = params[:, 1].gather(1, component)[:, 0]
            std = F.softplus(params[:, 2].gather(1, component)[:, 0]) + self.min_std
            x[:, self.n_one_hot + j] = (mean + std * normals[:, j]) * observed[:, j]
        return x
