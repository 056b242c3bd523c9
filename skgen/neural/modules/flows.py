"""Normalizing-flow building blocks: small invertible maps with exact log-Jacobians.

Every block is a :class:`Bijection`: ``forward(x, context)`` maps data towards
the base distribution and returns ``(y, log|det dy/dx|)`` (one value per row),
``inverse(y, context)`` maps back. Blocks act on tensors of any event shape
(rows ``(n, D)`` or images ``(n, C, H, W)``; channel-wise blocks act on axis 1)
and compose with :class:`Compose`. ``context`` is an optional ``(n, K)`` float
tensor (e.g. a one-hot class) that conditioners read; blocks without a
conditioner ignore it. :class:`FlowModule` puts a standard normal base under a
composed transform and follows the module protocol of the estimators.

In the spirit of zuko (and of RealNVP, MAF and Glow, whose papers define the
blocks): affine coupling with an MLP or convolutional conditioner, masked
autoregressive transforms built on MADE masks, monotone rational-quadratic
spline versions of both (neural spline flows), ActNorm, LU-decomposed
invertible linear maps (Glow's invertible 1x1 convolution on images), batch
normalisation as a bijection, permutations, and squeeze / split for
multi-scale architectures.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

__all__ = [
    "ActNorm",
    "AffineCoupling",
    "BatchNormBijection",
    "Bijection",
    "ClassActNorm",
    "Compose",
    "ConvConditioner",
    "FlowModule",
    "LULinear",
    "MADENetwork",
    "MaskedAutoregressiveAffine",
    "MaskedAutoregressiveSpline",
    "MaskedLinear",
    "MLPConditioner",
    "MultiScale",
    "Permutation",
    "SplineCoupling",
    "Squeeze",
    "alternating_mask",
    "channel_mask",
    "checkerboard_mask",
    "multiscale_image_flow",
    "rational_quadratic_spline",
    "spline_parameter_count",
]

_LOG_2PI = math.log(2 * math.pi)


def _per_row(values):
    """Sum over every axis but the first."""
    return values.flatten(1).sum(1)


def _soft_clamp(log_scale, bound):
    """``bound * tanh(log_scale / bound)``: log-scales stay in (-bound, bound), so no step explodes."""
    return bound * torch.tanh(log_scale / bound)


def _channel_shape(x):
    """Shape that broadcasts a per-channel vector against ``x`` (channels on axis 1)."""
    return (1, -1) + (1,) * (x.dim() - 2)


def _spatial_size(x):
    """Positions per channel: 1 for rows, ``H * W`` for images."""
    return int(x[0, 0].numel())


class Bijection(nn.Module):
    """An invertible map with a tractable log-abs-det-Jacobian."""

    def forward(self, x, context=None):
        """``(y, log|det dy/dx|)`` with one log-Jacobian per row."""
        raise NotImplementedError

    def inverse(self, y, context=None):
        """``x`` such that ``forward(x)[0] == y``."""
        raise NotImplementedError


class Compose(Bijection):
    """Blocks applied in order (inverted in reverse order); log-Jacobians add up."""

    def __init__(self, *steps):
        super().__init__()
        self.steps = nn.ModuleList(steps)

    def forward(self, x, context=None):
        total = x.new_zeros(x.shape[0])
        for step in self.steps:
            x, log_det = step(x, context)
            total = total + log_det
        return x, total

    def inverse(self, y, context=None):
        for step in reversed(self.steps):
            y = step.inverse(y, context)
        return y


class Permutation(Bijection):
    """A fixed permutation of axis 1 (e.g. reversing the order between autoregressive layers)."""

    def __init__(self, order):
        super().__init__()
        order = torch.as_tensor(order, dtype=torch.long)
        self.register_buffer("order", order)
        self.register_buffer("inverse_order", torch.argsort(order))

    def forward(self, x, context=None):
        return x[:, self.order], x.new_zeros(x.shape[0])

    def inverse(self, y, context=None):
        return y[:, self.inverse_order]


# ---------------------------------------------------------------- coupling
def checkerboard_mask(shape, parity=0):
    """Boolean mask of an image shape ``(C, H, W)``: True on the squares of one colour."""
    _, height, width = shape
    rows = torch.arange(height)[:, None]
    cols = torch.arange(width)[None, :]
    board = ((rows + cols + parity) % 2 == 0).expand(height, width)
    return board.expand(tuple(shape)).clone()


def channel_mask(shape, parity=0):
    """Boolean mask that keeps half of the channels (axis 0 of ``shape``); rows: half the features."""
    n = shape[0]
    keep = torch.arange(n) < n // 2
    if parity:
        keep = ~keep
    return keep.reshape((n,) + (1,) * (len(shape) - 1)).expand(tuple(shape)).clone()


class MLPConditioner(nn.Module):
    """MLP from the kept features (and a context) to ``n_params`` parameters per feature
    (a shift and a log-scale by default; a spline's bins and slopes).

    The last layer starts at zero, so a fresh coupling is the identity.
    """

    def __init__(self, n_features, hidden_layer_sizes, context_features=0, n_params=2):
        super().__init__()
        layers, width = [], n_features + context_features
        for size in hidden_layer_sizes:
            layers += [nn.Linear(width, size), nn.ReLU()]
            width = size
        last = nn.Linear(width, n_params * n_features)
        nn.init.zeros_(last.weight)
        nn.init.zeros_(last.bias)
        self.net = nn.Sequential(*layers, last)

    def forward(self, x, context=None):
        if context is not None:
            x = torch.cat([x, context], dim=1)
        return self.net(x)


class ConvConditioner(nn.Module):
    """Conv 3x3 -> ReLU -> conv 1x1 -> ReLU -> conv 3x3 (zero-initialised), as in Glow.

    A context vector enters as constant extra input channels.
    """

    def __init__(self, channels, hidden_channels, context_features=0):
        super().__init__()
        last = nn.Conv2d(hidden_channels, 2 * channels, 3, padding=1)
        nn.init.zeros_(last.weight)
        nn.init.zeros_(last.bias)
        self.net = nn.Sequential(
            nn.Conv2d(channels + context_features, hidden_channels, 3, padding=1),
            nn.ReLU(),
            nn.Conv2d(hidden_channels, hidden_channels, 1),
            nn.ReLU(),
            last,
        )

    def forward(self, x, context=None):
        if context is not None:
            planes = context[:, :, None, None].expand(-1, -1, x.shape[2], x.shape[3])
            x = torch.cat([x, planes], dim=1)
        return self.net(x)


class AffineCoupling(Bijection):
    """Affine coupling: the masked part is kept, the rest is scaled and shifted by a function of it.

    ``y = x`` where ``mask``; elsewhere ``y = x * exp(s) + t`` with
    ``(t, s) = conditioner(x * mask, context)``. The conditioner returns
    ``2 * C`` channels (or ``2 * D`` features): shifts, then log-scales.

    Parameters
    ----------
    mask : bool tensor of the event shape
        True on the conditioning (kept) part.
    conditioner : nn.Module
        :class:`MLPConditioner` for rows, :class:`ConvConditioner` for images.
    scale_bound : float, default=3.0
        Log-scales are soft-clamped to ``(-scale_bound, scale_bound)``.
    """

    def __init__(self, mask, conditioner, scale_bound=3.0):
        super().__init__()
        self.register_buffer("mask", torch.as_tensor(mask, dtype=torch.bool))
        self.conditioner = conditioner
        self.scale_bound = scale_bound

    def _shift_log_scale(self, kept, context):
        params = self.conditioner(kept * self.mask, context)
        params = params.reshape((kept.shape[0], 2) + tuple(kept.shape[1:]))
        log_scale = _soft_clamp(params[:, 1], self.scale_bound) * ~self.mask
        return params[:, 0] * ~self.mask, log_scale

    def forward(self, x, context=None):
        shift, log_scale = self._shift_log_scale(x, context)
        return x * log_scale.exp() + shift, _per_row(log_scale)

    def inverse(self, y, context=None):
        shift, log_scale = self._shift_log_scale(y, context)
        return (y - shift) * (-log_scale).exp()


# ----------------------------------------------------------- autoregressive
class MaskedLinear(nn.Linear):
    """A linear layer whose weight is multiplied by a fixed 0/1 mask (MADE)."""

    def __init__(self, in_features, out_features, mask):
        super().__init__(in_features, out_features)
        self.register_buffer("mask", torch.as_tensor(mask, dtype=torch.get_default_dtype()))

    def forward(self, x):
        return F.linear(x, self.weight * self.mask, self.bias)


class MADENetwork(nn.Module):
    """Masked MLP whose output of degree ``d`` depends only on inputs of degree ``< d`` (MADE).

    Degrees number the variables ``1..V`` of an autoregressive order; a
    variable may span several input units (a one-hot block) and own several
    output units (a mixture's parameters). Hidden units get degrees
    ``1..V-1`` in turn, so every path respects the order. A context vector
    feeds every unit of the first hidden layer; hidden units then take
    degrees ``0..V-1``, degree 0 carrying the context alone to every output.

    Parameters
    ----------
    input_degrees : sequence of int
        Degree of each input unit.
    hidden_layer_sizes : sequence of int
    output_degrees : sequence of int
        Degree of each output unit.
    context_features : int, default=0
    """

    def __init__(self, input_degrees, hidden_layer_sizes, output_degrees, context_features=0):
        super().__init__()
        input_degrees = torch.as_tensor(input_degrees, dtype=torch.long)
        output_degrees = torch.as_tensor(output_degrees, dtype=torch.long)
        n_variables = int(max(input_degrees.max(), output_degrees.max()))
        use_context = bool(context_features and hidden_layer_sizes)
        layers, previous = [], input_degrees
        for index, size in enumerate(hidden_layer_sizes):
            if use_context:
                # Degree-0 units see the context only: they carry it to every output.
                degrees = torch.arange(size) % n_variables
            else:
                degrees = torch.arange(size) % max(n_variables - 1, 1) + 1
            layers.append(MaskedLinear(len(previous), size, degrees[:, None] >= previous[None, :]))
            self.register_buffer(f"hidden_degrees_{index}", degrees)
            previous = degrees
        self.hidden = nn.ModuleList(layers)
        self.output = MaskedLinear(
            len(previous), len(output_degrees), output_degrees[:, None] > previous[None, :]
        )
        self.context = None
        if use_context:
            self.context = nn.Linear(context_features, hidden_layer_sizes[0], bias=False)

    def forward(self, x, context=None, outputs=None, degree=None):
        """The output units, or only those of the slice ``outputs`` (e.g. one variable's,
        all that one step of ancestral sampling needs).

        With ``degree``, the degree of every unit in ``outputs``, only the
        hidden units of lower degree are computed: the others cannot reach
        those outputs (about half the work of a step of sampling).
        """
        if degree is not None:
            return self._forward_below(x, context, outputs, degree)
        for index, layer in enumerate(self.hidden):
            x = layer(x)
            if index == 0 and self.context is not None and context is not None:
                x = x + self.context(context)
            x = F.relu(x)
        if outputs is None:
            return self.output(x)
        output = self.output
        return F.linear(x, (output.weight * output.mask)[outputs], output.bias[outputs])

    def _forward_below(self, x, context, outputs, degree):
        columns = slice(None)
        for index, layer in enumerate(self.hidden):
            rows = torch.nonzero(getattr(self, f"hidden_degrees_{index}") < degree)[:, 0]
            weight = (layer.weight * layer.mask)[rows][:, columns]
            x = F.linear(x, weight, layer.bias[rows])
            if index == 0 and self.context is not None and context is not None:
                x = x + F.linear(context, self.context.weight[rows])
            x = F.relu(x)
            columns = rows
        output = self.output
        weight = (output.weight * output.mask)[outputs][:, columns]
        return F.linear(x, weight, output.bias[outputs])


def _rational_clamp(log_scale, bound):
    """``s / (1 + |s| / bound)``: log-scales stay in (-bound, bound) and approach the
    bound slowly, so a conditioner extrapolating far from its data rarely reaches it."""
    return log_scale / (1 + log_scale.abs() / bound)


class MaskedAutoregressiveAffine(Bijection):
    """One MAF layer: ``u_i = x_i * exp(-a_i(x_<i)) + b_i(x_<i)`` with a MADE for ``(b, a)``.

    The direction towards the base is one pass (fast scoring and training);
    the inverse, used for sampling, takes one pass per feature. The shift
    comes after the scale (zuko's form): with ``u_i = (x_i - mu_i) exp(-a_i)``
    instead, a MADE extrapolating beyond its data scales its extrapolated
    shift too, and on the 8-D funnel three held-out rows of the wide mouth
    were scored ``1e9`` to ``1e19`` nats too low (with this form: 39 at
    worst). Log-scales are soft-clamped to ``(-scale_bound, scale_bound)``
    (:func:`_rational_clamp`; the default, about ``log 1000``, is zuko's):
    one layer may shrink a conditional scale a thousandfold, which a
    funnel's neck needs.
    """

    def __init__(self, n_features, hidden_layer_sizes, context_features=0, scale_bound=7.0):
        super().__init__()
        degrees = torch.arange(1, n_features + 1)
        self.network = MADENetwork(degrees, hidden_layer_sizes, degrees.repeat(2), context_features)
        nn.init.zeros_(self.network.output.weight)
        nn.init.zeros_(self.network.output.bias)
        self.n_features = n_features
        self.scale_bound = scale_bound

    def _shift_log_scale(self, x, context, outputs=None, degree=None):
        shift, log_scale = self.network(x, context, outputs, degree).chunk(2, dim=1)
        return shift, _rational_clamp(log_scale, self.scale_bound)

    def forward(self, x, context=None):
        shift, log_scale = self._shift_log_scale(x, context)
        return x * (-log_scale).exp() + shift, -log_scale.sum(1)

    def inverse(self, y, context=None):
        x = torch.zeros_like(y)
        for i in range(self.n_features):
            # Only feature i's shift and log-scale: the step's other outputs are unused.
            shift, log_scale = self._shift_log_scale(
                x, context, [i, self.n_features + i], degree=i + 1
            )
            x = x.clone()
            x[:, i] = (y[:, i] - shift[:, 0]) * log_scale[:, 0].exp()
        return x


# ------------------------------------------------------------------ splines
#: Smallest width and height of a spline's bin (fraction of the interval) and smallest knot slope.
_MIN_BIN = 1e-3
_MIN_SLOPE = 1e-3
#: ``softplus(_SLOPE_SHIFT) + _MIN_SLOPE == 1``: a zero parameter is a unit slope, so a
#: spline whose parameters are all zero is the identity.
_SLOPE_SHIFT = math.log(math.expm1(1.0 - _MIN_SLOPE))


def spline_parameter_count(n_bins):
    """Parameters of one rational-quadratic spline: bin widths, bin heights, inner knot slopes."""
    return 3 * n_bins - 1


def _knots(raw, bound):
    """Knots ``-bound = k_0 < ... < k_K = bound`` from unnormalised bin sizes ``(..., K)``."""
    n_bins = raw.shape[-1]
    fractions = _MIN_BIN + (1 - _MIN_BIN * n_bins) * F.softmax(raw, dim=-1)
    inner = bound * (2 * torch.cumsum(fractions[..., :-1], dim=-1) - 1)
    edge = inner.new_full(inner.shape[:-1] + (1,), bound)
    return torch.cat([-edge, inner, edge], dim=-1)


def rational_quadratic_spline(x, params, bound, inverse=False):
    """Monotone rational-quadratic spline of each entry of ``x`` (Durkan et al., 2019).

    On ``[-bound, bound]`` the map is a piecewise rational-quadratic
    function with ``K`` bins; outside it is the identity. The slope at both
    ends is 1, so the map is continuously differentiable everywhere and a
    point far outside the data's range is neither stretched nor shrunk
    (an affine flow's scales compound there, layer after layer).

    Parameters
    ----------
    x : tensor of shape (...)
    params : tensor of shape (..., 3K - 1)
        Unnormalised bin widths (``K``), bin heights (``K``) and slopes at
        the ``K - 1`` inner knots (softplus, a zero is a unit slope).
    bound : float
    inverse : bool, default=False
        Apply the inverse map (the root of a quadratic per entry).

    Returns
    -------
    y : tensor of shape (...)
    log_slope : tensor of shape (...)
        ``log |dy/dx|`` of the forward map, at ``x`` (forward) or at the
        result (inverse).
    """
    n_bins = (params.shape[-1] + 1) // 3
    x_knots = _knots(params[..., :n_bins], bound)
    y_knots = _knots(params[..., n_bins : 2 * n_bins], bound)
    slopes = _MIN_SLOPE + F.softplus(params[..., 2 * n_bins :] + _SLOPE_SHIFT)
    ones = slopes.new_ones(slopes.shape[:-1] + (1,))
    slopes = torch.cat([ones, slopes, ones], dim=-1)

    inside = (x > -bound) & (x < bound)
    point = x.clamp(-bound, bound)[..., None]
    knots = y_knots if inverse else x_knots
    bin_ = torch.searchsorted(knots[..., 1:-1].contiguous(), point.contiguous())

    def at(values, shift=0):
        return values.gather(-1, bin_ + shift)

    x_low, y_low = at(x_knots), at(y_knots)
    width, height = at(x_knots, 1) - x_low, at(y_knots, 1) - y_low
    slope_low, slope_high = at(slopes), at(slopes, 1)
    mean_slope = height / width
    curvature = slope_low + slope_high - 2 * mean_slope
    if inverse:
        rise = point - y_low
        a = height * (mean_slope - slope_low) + rise * curvature
        b = height * slope_low - rise * curvature
        c = -mean_slope * rise
        root = (-b - (b * b - 4 * a * c).clamp_min(0).sqrt()).clamp_max(-1e-30)
        xi = (2 * c / root).clamp(0, 1)
        result = x_low + xi * width
    else:
        xi = ((point - x_low) / width).clamp(0, 1)
    between = xi * (1 - xi)
    denominator = mean_slope + curvature * between
    if not inverse:
        result = y_low + height * (mean_slope * xi**2 + slope_low * between) / denominator
    log_slope = (
        2 * torch.log(mean_slope)
        + torch.log(slope_high * xi**2 + 2 * mean_slope * between + slope_low * (1 - xi) ** 2)
        - 2 * torch.log(denominator)
    )
    result, log_slope = result[..., 0], log_slope[..., 0]
    return torch.where(inside, result, x), torch.where(inside, log_slope, 0.0)


def _per_feature(params, n_features):
    """``(n, D * P)`` conditioner outputs (feature-major, so each feature's parameters are
    contiguous: softmax and gathers along them take the fast path) as ``(n, D, P)``."""
    return params.reshape(params.shape[0], n_features, -1)


class SplineCoupling(Bijection):
    """Coupling whose transformed features go through monotone rational-quadratic splines.

    ``y = x`` where ``mask``; elsewhere ``y_i = spline(x_i)`` with the
    spline's ``3K - 1`` parameters per feature from ``conditioner(x * mask,
    context)`` (an :class:`MLPConditioner` with ``n_params=3K - 1``);
    identity outside ``[-bound, bound]`` (neural spline flows, Durkan et
    al., 2019). Rows only.
    """

    def __init__(self, mask, conditioner, bound=5.0):
        super().__init__()
        self.register_buffer("mask", torch.as_tensor(mask, dtype=torch.bool))
        self.conditioner = conditioner
        self.bound = bound

    def _transform(self, x, context, inverse):
        params = _per_feature(self.conditioner(x * self.mask, context), x.shape[1])
        y, log_slope = rational_quadratic_spline(x, params, self.bound, inverse)
        return torch.where(self.mask, x, y), (log_slope * ~self.mask).sum(1)

    def forward(self, x, context=None):
        return self._transform(x, context, inverse=False)

    def inverse(self, y, context=None):
        return self._transform(y, context, inverse=True)[0]


class MaskedAutoregressiveSpline(Bijection):
    """Autoregressive spline layer: ``u_i = spline(x_i)`` with parameters from a MADE of ``x_<i``.

    The rational-quadratic splines (``n_bins`` bins on ``[-bound, bound]``,
    identity outside) fit multi-modal and sharp-edged conditionals that an
    affine layer cannot; scoring is one pass, sampling one pass per feature.
    A fresh layer is the identity.
    """

    def __init__(
        self, n_features, hidden_layer_sizes, context_features=0, n_bins=8, bound=5.0
    ):  # fmt: skip
        super().__init__()
        degrees = torch.arange(1, n_features + 1)
        self.n_params = n_params = spline_parameter_count(n_bins)
        self.network = MADENetwork(
            degrees, hidden_layer_sizes, degrees.repeat_interleave(n_params), context_features
        )
        nn.init.zeros_(self.network.output.weight)
        nn.init.zeros_(self.network.output.bias)
        self.n_features = n_features
        self.bound = bound

    def _params(self, x, context):
        return _per_feature(self.network(x, context), self.n_features)

    def forward(self, x, context=None):
        u, log_slope = rational_quadratic_spline(x, self._params(x, context), self.bound)
        return u, log_slope.sum(1)

    def inverse(self, y, context=None):
        x = torch.zeros_like(y)
        for i in range(self.n_features):
            # Only feature i's spline parameters: the step's other outputs are unused.
            outputs = slice(i * self.n_params, (i + 1) * self.n_params)
            params = self.network(x, context, outputs, degree=i + 1)
            x = x.clone()
            x[:, i] = rational_quadratic_spline(y[:, i], params, self.bound, inverse=True)[0]
        return x


# ------------------------------------------------------------ normalisation
class ActNorm(Bijection):
    """Per-channel affine map ``y = (x + b) * exp(s)``, initialised on the first training batch
    so that its output has zero mean and unit variance per channel (Glow)."""

    def __init__(self, n_channels):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(n_channels))
        self.log_scale = nn.Parameter(torch.zeros(n_channels))
        self.register_buffer("initialized", torch.tensor(False))

    def _initialize(self, x):
        with torch.no_grad():
            per_channel = x.transpose(0, 1).flatten(1)
            self.bias.copy_(-per_channel.mean(1))
            self.log_scale.copy_(-per_channel.std(1, unbiased=False).clamp_min(1e-3).log())
            self.initialized.fill_(True)

    def forward(self, x, context=None):
        if self.training and not bool(self.initialized):
            self._initialize(x)
        shape = _channel_shape(x)
        y = (x + self.bias.view(shape)) * self.log_scale.view(shape).exp()
        log_det = self.log_scale.sum() * _spatial_size(x)
        return y, log_det.expand(x.shape[0])

    def inverse(self, y, context=None):
        shape = _channel_shape(y)
        return y * (-self.log_scale.view(shape)).exp() - self.bias.view(shape)


class ClassActNorm(Bijection):
    """ActNorm with a scale and shift per class of a one-hot context: ``y = (x + b_k) * exp(s_k)``.

    Initialised on the first training batch from each class's mean and
    standard deviation (the whole batch's for a class absent from it), so a
    conditional flow starts as one standardising map per class and its
    layers learn what differs from a Gaussian. Without a context it is the
    identity. Rows only (features on axis 1).
    """

    def __init__(self, n_features, n_classes):
        super().__init__()
        self.bias = nn.Parameter(torch.zeros(n_classes, n_features))
        self.log_scale = nn.Parameter(torch.zeros(n_classes, n_features))
        self.register_buffer("initialized", torch.tensor(False))

    def _initialize(self, x, context):
        with torch.no_grad():
            counts = context.sum(0)[:, None]
            overall_mean, overall_std = x.mean(0), x.std(0, unbiased=False)
            mean = (context.T @ x) / counts.clamp_min(1)
            var = (context.T @ x**2) / counts.clamp_min(1) - mean**2
            std = torch.where(counts > 1, var.clamp_min(0).sqrt(), overall_std)
            mean = torch.where(counts > 0, mean, overall_mean)
            self.bias.copy_(-mean)
            self.log_scale.copy_(-std.clamp_min(1e-3).log())
            self.initialized.fill_(True)

    def forward(self, x, context=None):
        if context is None:
            return x, x.new_zeros(x.shape[0])
        if self.training and not bool(self.initialized):
            self._initialize(x, context)
        log_scale = context @ self.log_scale
        return (x + context @ self.bias) * log_scale.exp(), log_scale.sum(1)

    def inverse(self, y, context=None):
        if context is None:
            return y
        return y * (-(context @ self.log_scale)).exp() - context @ self.bias


class BatchNormBijection(Bijection):
    """Batch normalisation as a bijection (RealNVP, MAF): batch statistics while training,
    running averages otherwise, then a learnt per-channel scale and shift."""

    def __init__(self, n_channels, momentum=0.1, eps=1e-5):
        super().__init__()
        self.log_gamma = nn.Parameter(torch.zeros(n_channels))
        self.beta = nn.Parameter(torch.zeros(n_channels))
        self.register_buffer("running_mean", torch.zeros(n_channels))
        self.register_buffer("running_var", torch.ones(n_channels))
        self.momentum = momentum
        self.eps = eps

    def _statistics(self, x):
        if not self.training:
            return self.running_mean, self.running_var
        per_channel = x.transpose(0, 1).flatten(1)
        mean, var = per_channel.mean(1), per_channel.var(1, unbiased=False)
        with torch.no_grad():
            self.running_mean.lerp_(mean, self.momentum)
            self.running_var.lerp_(var, self.momentum)
        return mean, var

    def forward(self, x, context=None):
        mean, var = self._statistics(x)
        shape = _channel_shape(x)
        scale = self.log_gamma - 0.5 * torch.log(var + self.eps)
        y = (x - mean.view(shape)) * scale.view(shape).exp() + self.beta.view(shape)
        return y, (scale.sum() * _spatial_size(x)).expand(x.shape[0])

    def inverse(self, y, context=None):
        shape = _channel_shape(y)
        scale = self.log_gamma - 0.5 * torch.log(self.running_var + self.eps)
        return (y - self.beta.view(shape)) * (-scale.view(shape)).exp() + self.running_mean.view(
            shape
        )


class LULinear(Bijection):
    """Invertible linear map of axis 1, ``W = P L (U + diag(sign * exp(s)))`` (Glow).

    On rows it mixes the features; on images it is Glow's invertible 1x1
    convolution. Starts from a random rotation.
    """

    def __init__(self, n_channels):
        super().__init__()
        rotation, _ = torch.linalg.qr(torch.randn(n_channels, n_channels))
        permutation, lower, upper = torch.linalg.lu(rotation)
        diagonal = torch.diagonal(upper)
        self.register_buffer("permutation", permutation)
        self.register_buffer("sign", torch.sign(diagonal))
        self.register_buffer("lower_mask", torch.tril(torch.ones(n_channels, n_channels), -1))
        self.register_buffer("eye", torch.eye(n_channels))
        self.lower = nn.Parameter(lower)
        self.upper = nn.Parameter(torch.triu(upper, 1))
        self.log_diagonal = nn.Parameter(diagonal.abs().log())

    def weight(self):
        lower = self.lower * self.lower_mask + self.eye
        upper = self.upper * self.lower_mask.T + torch.diag(self.sign * self.log_diagonal.exp())
        return self.permutation @ lower @ upper

    @staticmethod
    def _mix(matrix, x):
        return torch.einsum("ij,nj...->ni...", matrix, x)

    def forward(self, x, context=None):
        log_det = self.log_diagonal.sum() * _spatial_size(x)
        return self._mix(self.weight(), x), log_det.expand(x.shape[0])

    def inverse(self, y, context=None):
        return self._mix(torch.linalg.inv(self.weight()), y)


# -------------------------------------------------------------- multi-scale
class Squeeze(Bijection):
    """``(C, H, W) -> (4C, H/2, W/2)``: each 2x2 block of pixels becomes 4 channels."""

    def forward(self, x, context=None):
        n, c, h, w = x.shape
        y = x.reshape(n, c, h // 2, 2, w // 2, 2).permute(0, 1, 3, 5, 2, 4)
        return y.reshape(n, 4 * c, h // 2, w // 2), x.new_zeros(n)

    def inverse(self, y, context=None):
        n, c, h, w = y.shape
        x = y.reshape(n, c // 4, 2, 2, h, w).permute(0, 1, 4, 2, 5, 3)
        return x.reshape(n, c // 4, 2 * h, 2 * w)


class MultiScale(Bijection):
    """``steps``, then factor out the first ``n_kept`` channels and send the rest to ``inner``.

    The factored-out channels go straight to the base distribution (RealNVP's
    multi-scale architecture). The output is laid out in the input's shape
    (the factored-out values first), so every level is one shape-preserving
    bijection and levels nest.

    Parameters
    ----------
    steps : Bijection
        The level's blocks (ending with a :class:`Squeeze` or not).
    n_kept : int
        Channels of the output of ``steps`` that leave the flow here.
    inner : Bijection
        Shape-preserving flow of the other channels (the next level).
    shape : tuple of int
        Event shape of the output of ``steps``.
    """

    def __init__(self, steps, n_kept, inner, shape):
        super().__init__()
        self.steps = steps
        self.n_kept = n_kept
        self.inner = inner
        self.shape = tuple(shape)

    def forward(self, x, context=None):
        y, log_det = self.steps(x, context)
        passed, inner_log_det = self.inner(y[:, self.n_kept :], context)
        out = torch.cat([y[:, : self.n_kept].flatten(1), passed.flatten(1)], dim=1)
        return out.reshape(x.shape), log_det + inner_log_det

    def inverse(self, y, context=None):
        flat, n = y.flatten(1), y.shape[0]
        split = self.n_kept * math.prod(self.shape[1:])
        kept = flat[:, :split].reshape((n, self.n_kept) + self.shape[1:])
        passed = flat[:, split:].reshape((n, self.shape[0] - self.n_kept) + self.shape[1:])
        passed = self.inner.inverse(passed, context)
        return self.steps.inverse(torch.cat([kept, passed], dim=1), context)


# ------------------------------------------------------------------ density
class FlowModule(nn.Module):
    """A standard normal base under a bijection: exact log-density, sampling, codes.

    Parameters
    ----------
    transform : Bijection
        Maps data (of ``event_shape``) to the base space.
    event_shape : tuple of int
        ``(D,)`` for rows, ``(C, H, W)`` for images.
    n_classes : int, default=0
        Size of the one-hot class context (0: unconditional).
    """

    loss_terms = ("nll",)

    def __init__(self, transform, event_shape, n_classes=0):
        super().__init__()
        self.transform = transform
        self.event_shape = tuple(int(s) for s in event_shape)
        self.n_classes = n_classes
        self.n_components = math.prod(self.event_shape)

    def _context(self, context, like):
        if context is None or not self.n_classes:
            return None
        return F.one_hot(context.long(), self.n_classes).to(like.dtype)

    def log_prob(self, x, context=None):
        z, log_det = self.transform(x, self._context(context, x))
        return -0.5 * _per_row(z**2) - 0.5 * self.n_components * _LOG_2PI + log_det

    def loss(self, x, context=None):
        return {"nll": -self.log_prob(x, context).mean()}

    def encode(self, x, context=None):
        return self.transform(x, self._context(context, x))[0].flatten(1)

    def decode(self, z, context=None):
        z = z.reshape((z.shape[0],) + self.event_shape)
        return self.transform.inverse(z, self._context(context, z))

    def base_sample(self, n_samples, generator):
        """``n_samples`` draws of the standard normal base, shaped as events."""
        reference = next(self.parameters())
        return torch.randn(
            (n_samples,) + self.event_shape,
            generator=generator,
            dtype=reference.dtype,
            device=reference.device,
        )

    def sample(self, n_samples, generator, context=None):
        return self.decode(self.base_sample(n_samples, generator), context)


# ------------------------------------------------------------ architectures
def multiscale_image_flow(shape, n_levels, make_steps):
    """A multi-scale flow of images (RealNVP, Glow): per level, steps, squeeze, steps, split.

    ``make_steps(shape, stage)`` gives the blocks of one level at ``shape``
    for ``stage`` ``"before"`` or ``"after"`` the squeeze, or ``"final"``
    (the last level). Each level halves the resolution and factors out half
    of the channels; a level whose height or width is odd is the final one.
    """
    channels, height, width = shape
    if n_levels == 0 or height % 2 or width % 2:
        return Compose(*make_steps(tuple(shape), "final"))
    squeezed = (4 * channels, height // 2, width // 2)
    steps = Compose(*make_steps(tuple(shape), "before"), Squeeze(), *make_steps(squeezed, "after"))
    inner_shape = (2 * channels, height // 2, width // 2)
    inner = multiscale_image_flow(inner_shape, n_levels - 1, make_steps)
    return MultiScale(steps, 2 * channels, inner, squeezed)


def alternating_mask(shape, index):
    """The ``index``-th mask of a coupling stack: checkerboard on one-channel images,
    channel halves otherwise; rows alternate even/odd features and the two halves."""
    parity = index % 2
    if len(shape) == 3:
        return checkerboard_mask(shape, parity) if shape[0] == 1 else channel_mask(shape, parity)
    if (index // 2) % 2 == 0:
        keep = torch.arange(shape[0]) % 2 == parity
        return keep if shape[0] > 1 else torch.tensor([bool(parity)])
    return channel_mask(shape, parity)
