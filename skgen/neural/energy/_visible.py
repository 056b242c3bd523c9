"""How a restricted Boltzmann machine reads the columns of its data matrix.

An RBM has typed visible units (:class:`skgen.neural.modules.rbm.RBMModule`):
Bernoulli units, softmax blocks and Gaussian units (optionally gated by an
observed/missing pair). :class:`VisibleUnits` decides, column by column,
which units stand for the model's (encoded, standardised) data matrix, maps
rows to visible vectors and back, and gives the log-measure that keeps
scores densities of the data:

- a binary column (training values 0 and 1 only): one Bernoulli unit
  (counting measure);
- a one-hot block of a DataFrame's categorical or boolean column: a softmax
  block (counting measure);
- a continuous column, with ``"gaussian"`` units: a Gaussian unit, gated by
  the column's observed/missing pair when it has missing values;
- a continuous column, with ``"bins"``: a softmax block over ``n_bins``
  quantile bins of the training values (plus a "missing" cell when the
  column has missing values), with a uniform density within each bin, so
  the score is a histogram density (Lebesgue measure), ``-inf`` outside the
  training range; the bins of a discrete image's pixels are sets of whole
  levels, uniform over the levels they hold (counting measure).
"""

import numpy as np

__all__ = ["VisibleUnits"]


class _Unit:
    """Cells that hold the column values as they are (samples and means pass through)."""

    def cells(self, matrix):
        return matrix[:, self.sources], np.zeros(matrix.shape[0])

    def sample(self, cells, rng):
        return cells

    def mean(self, cells):
        return cells


class _Binary(_Unit):
    kind = "bernoulli"

    def __init__(self, source):
        self.sources = [source]
        self.width = 1

    def cells(self, matrix):
        x = matrix[:, self.sources[0]]
        log_measure = np.where((x == 0) | (x == 1), 0.0, -np.inf)
        return (x > 0.5).astype(float)[:, None], log_measure


class _Category(_Unit):
    kind = "softmax"

    def __init__(self, sources):
        self.sources = list(sources)
        self.width = len(self.sources)


class _Gaussian(_Unit):
    """A real value; with ``missing`` (the observed/missing one-hot) gated by it."""

    kind = "gaussian"

    def __init__(self, source, missing=None):
        self.sources = ([] if missing is None else list(missing)) + [source]
        self.width = len(self.sources)


class _Bins:
    """Quantile bins of a continuous column, or of the whole levels of a discrete pixel.

    Bin ``k`` is ``[edges[k], edges[k + 1])``, the last one closed; with
    ``levels = (low, high)`` the bins hold the whole numbers of those ranges
    and cover every level from ``low`` to ``high``. A continuous column's
    density is uniform within each bin, except that the outer bins keep a
    share ``1 / (m + 1)`` of their mass (``m`` training values in the bin:
    the chance that a new value falls beyond all of them) for an
    exponential tail beyond the training range, whose scale is the bin's
    width. With ``missing``, one more cell stands for a missing value.
    """

    kind = "softmax"

    def __init__(self, source, values, n_bins, *, levels=None, missing=None):
        self.sources = [source] + ([] if missing is None else list(missing))
        self.has_missing = missing is not None
        self.levels = levels is not None
        quantiles = np.linspace(0, 1, n_bins + 1)
        if self.levels:
            low, high = levels
            if high - low < n_bins:  # one bin per level
                edges = np.arange(low, high + 2.0)
            else:
                inner = np.quantile(values, quantiles[1:-1], method="higher")
                inner = inner[(inner > low) & (inner <= high)]
                edges = np.unique(np.concatenate([[low], inner, [high + 1.0]]))
        elif np.ptp(values) == 0:
            edges = np.array([values[0] - 0.5, values[0] + 0.5])
        else:
            edges = np.unique(np.quantile(values, quantiles))
        self.edges = edges
        self.n_bins = edges.size - 1
        self.width = self.n_bins + self.has_missing
        # Lebesgue width, or number of whole levels, of each bin.
        self.size = np.diff(edges)
        self.tail_low = self.tail_high = 0.0
        if not self.levels:
            counts = np.bincount(self._codes(values), minlength=self.n_bins)
            self.tail_low = 1.0 / (counts[0] + 1.0)
            self.tail_high = 1.0 / (counts[-1] + 1.0)
        inside = np.ones(self.n_bins)
        inside[0] -= self.tail_low
        inside[-1] -= self.tail_high
        self.log_inside_density = np.log(inside) - np.log(self.size)

    def _codes(self, x):
        return np.clip(np.searchsorted(self.edges[1:-1], x, side="right"), 0, self.n_bins - 1)

    def cells(self, matrix):
        x = matrix[:, self.sources[0]]
        codes = self._codes(x)
        if self.levels:
            inside = (x >= self.edges[0]) & (x < self.edges[-1]) & (x == np.round(x))
            log_measure = np.where(inside, self.log_inside_density[codes], -np.inf)
        else:
            below, above = x < self.edges[0], x > self.edges[-1]
            log_measure = self.log_inside_density[codes]
            with np.errstate(divide="ignore"):
                for side, tail, edge, k in (
                    (below, self.tail_low, self.edges[0], 0),
                    (above, self.tail_high, self.edges[-1], self.n_bins - 1),
                ):
                    if side.any():
                        distance = np.abs(x[side] - edge) / self.size[k]
                        log_measure[side] = np.log(tail) - np.log(self.size[k]) - distance
        if self.has_missing:
            missing = matrix[:, self.sources[2]] > 0.5
            codes = np.where(missing, self.n_bins, codes)
            log_measure = np.where(missing, 0.0, log_measure)
        out = np.zeros((matrix.shape[0], self.width))
        out[np.arange(matrix.shape[0]), codes] = 1.0
        return out, log_measure

    def _out(self, value, missing):
        if not self.has_missing:
            return value[:, None]
        return np.column_stack([np.where(missing, 0.0, value), 1.0 - missing, missing])

    def sample(self, cells, rng):
        codes = np.argmax(cells, axis=1)
        missing = (codes == self.n_bins).astype(float)
        codes = np.minimum(codes, self.n_bins - 1)
        low, size = self.edges[codes], self.size[codes]
        u = rng.random(codes.shape)
        if self.levels:
            return self._out(np.floor(low + u * size), missing)
        # u below the low tail's share (bin 0) or above 1 - the high tail's (last bin): a tail draw.
        value = low + u * size
        tail_low = (codes == 0) & (u < self.tail_low)
        tail_high = (codes == self.n_bins - 1) & (u > 1.0 - self.tail_high)
        beyond = rng.exponential(size=codes.shape) * size
        value = np.where(tail_low, self.edges[0] - beyond, value)
        value = np.where(tail_high & ~tail_low, self.edges[-1] + beyond, value)
        # Within the bin, the uniform is rescaled to the bin's inside share.
        inside = ~(tail_low | tail_high)
        lo_share = np.where(codes == 0, self.tail_low, 0.0)
        hi_share = np.where(codes == self.n_bins - 1, self.tail_high, 0.0)
        rescaled = (u - lo_share) / np.maximum(1.0 - lo_share - hi_share, 1e-300)
        value = np.where(inside, low + rescaled * size, value)
        return self._out(value, missing)

    def mean(self, cells):
        p_bins = cells[:, : self.n_bins]
        middle = 0.5 * (self.edges[:-1] + self.edges[1:])
        if self.levels:
            middle = middle - 0.5  # bins of whole levels [low, high - 1]
        else:  # the tails' share moves the outer bins' means outwards
            middle = middle.copy()
            middle[0] -= self.tail_low * (0.5 * self.size[0] + self.size[0])
            middle[-1] += self.tail_high * (0.5 * self.size[-1] + self.size[-1])
        total = np.maximum(p_bins.sum(axis=1), 1e-300)
        missing = cells[:, self.n_bins] if self.has_missing else np.zeros(cells.shape[0])
        return self._out(p_bins @ middle / total, missing)


class VisibleUnits:
    """Visible units of an RBM for a data matrix, and the maps between the two.

    Parameters
    ----------
    continuous : {"bins", "gaussian"}
        Units for continuous columns (and for the columns of numeric arrays
        that are not binary, with ``"bins"``).
    n_bins : int
        Quantile bins per continuous column, with ``"bins"``.
    """

    def __init__(self, continuous="bins", n_bins=20):
        self.continuous = continuous
        self.n_bins = n_bins

    def fit(self, matrix, layout=None, *, levels=None):
        """Choose the units of each column of ``matrix``.

        Parameters
        ----------
        matrix : ndarray of shape (n_samples, n_columns)
            The model's training matrix (standardised or encoded).
        layout : list of Span or None
            The encoder's layout of a DataFrame's matrix; None for the
            columns of a numeric array (or flattened images).
        levels : (float, float) or None
            The columns are pixels of discrete images whose whole levels
            run from ``levels[0]`` to ``levels[1]``; every pixel gets the
            same units (Bernoulli for levels 0 and 1).
        """
        self.units_ = []
        if layout is None:
            for j in range(matrix.shape[1]):
                self.units_.append(self._column_unit(j, matrix[:, j], levels=levels))
        else:
            offsets = np.cumsum([0] + [span.width for span in layout])
            missing = {
                span.column: list(range(start, start + span.width))
                for span, start in zip(layout, offsets)
                if span.role == "missing"
            }
            for span, start in zip(layout, offsets):
                if span.role == "category":
                    self.units_.append(_Category(range(start, start + span.width)))
                elif span.role == "value":
                    pair = missing.get(span.column)
                    observed = (
                        matrix[:, start]
                        if pair is None
                        else matrix[matrix[:, pair[1]] < 0.5, start]
                    )
                    self.units_.append(self._column_unit(start, observed, missing=pair))
                elif span.role != "missing":
                    raise ValueError(
                        f"RBMs take continuous='standard' or 'quantile' encodings, not spans "
                        f"of role {span.role!r}."
                    )
        self.n_columns_ = matrix.shape[1]
        cells, _ = self.transform(matrix)
        self.base_logits_ = self._base_logits(cells)
        return self

    def _column_unit(self, source, values, *, levels=None, missing=None):
        if self.continuous == "gaussian":
            return _Gaussian(source, missing)
        binary = (
            tuple(levels) == (0.0, 1.0) if levels is not None else np.isin(values, (0, 1)).all()
        )
        if missing is None and values.size and binary:
            return _Binary(source)
        if values.size == 0:  # a column that is always missing
            values = np.zeros(1)
        return _Bins(source, values, self.n_bins, levels=levels, missing=missing)

    @property
    def n_cells(self):
        return sum(unit.width for unit in self.units_)

    def _offsets(self):
        return np.cumsum([0] + [unit.width for unit in self.units_])

    def module_units(self):
        """Keyword arguments of :class:`RBMModule`: its Bernoulli, softmax and Gaussian cells."""
        bernoulli, softmax, gaussian = [], [], []
        for unit, start in zip(self.units_, self._offsets()):
            start = int(start)
            if unit.kind == "bernoulli":
                bernoulli.append(start)
            elif unit.kind == "softmax":
                softmax.append(list(range(start, start + unit.width)))
            elif unit.width == 1:
                gaussian.append((start, None))
            else:  # (observed, missing, value)
                softmax.append([start, start + 1])
                gaussian.append((start + 2, start))
        return {"bernoulli": bernoulli, "softmax": softmax, "gaussian": gaussian}

    def transform(self, matrix):
        """Visible vectors of the rows of ``matrix``, and each row's log-measure.

        The log-measure (``-log`` of the width of each bin a value falls in,
        ``-inf`` for a value the units cannot hold) turns the RBM's
        probability of the visible vector into a density of the row.
        """
        blocks, log_measure = [], np.zeros(matrix.shape[0])
        for unit in self.units_:
            cells, log_m = unit.cells(matrix)
            blocks.append(cells)
            log_measure = log_measure + log_m
        return np.column_stack(blocks) if blocks else matrix[:, :0], log_measure

    def _split(self, cells):
        return zip(self.units_, np.split(cells, self._offsets()[1:-1], axis=1))

    def _to_matrix(self, cells, decode):
        out = np.zeros((cells.shape[0], self.n_columns_))
        for unit, block in self._split(cells):
            out[:, unit.sources] = decode(unit, block)
        return out

    def sample_rows(self, cells, rng):
        """Rows of the data matrix for sampled visible vectors (values drawn within their bins)."""
        return self._to_matrix(cells, lambda unit, block: unit.sample(block, rng))

    def mean_rows(self, cells):
        """Rows of the data matrix for visible means (the expected value within bins)."""
        return self._to_matrix(cells, lambda unit, block: unit.mean(block))

    def _base_logits(self, cells):
        """Log base rates of the discrete cells (smoothed), 0 for Gaussian cells."""
        logits = np.zeros(cells.shape[1])
        n = cells.shape[0]
        for unit, start in zip(self.units_, self._offsets()):
            block = slice(start, start + unit.width)
            if unit.kind == "bernoulli":
                p = (cells[:, start].sum() + 0.5) / (n + 1.0)
                logits[start] = np.log(p) - np.log1p(-p)
            elif unit.kind == "softmax":
                counts = cells[:, block].sum(axis=0) + 1.0 / unit.width
                logits[block] = np.log(counts / counts.sum())
            elif unit.width == 3:  # the observed/missing pair of a gated Gaussian
                counts = cells[:, start : start + 2].sum(axis=0) + 0.5
                logits[start : start + 2] = np.log(counts / counts.sum())
        return logits
