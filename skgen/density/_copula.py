"""Gaussian copula with per-column marginals, for numeric arrays and mixed-type tables."""

from numbers import Integral, Real

import numpy as np
import pandas as pd
from joblib import Parallel, delayed
from scipy import special, stats

from ..base import BaseGenerator, LatentMixin
from ..preprocessing import CONTINUOUS_KINDS, MixedTable, NormalScoreMap, midpoint_ecdf
from ..utils._sklearn import Interval, StrOptions

__all__ = ["GaussianCopula"]

_LOG_2PI = np.log(2 * np.pi)


def _log_interval_prob(a, b):
    """``log(Phi(b) - Phi(a))`` for ``a < b``, accurate in both tails."""
    # In the upper tail use the mirror image so both CDFs stay far from 1.
    flip = a > 0
    lo, hi = np.where(flip, -b, a), np.where(flip, -a, b)
    log_hi, log_lo = special.log_ndtr(hi), special.log_ndtr(lo)
    with np.errstate(divide="ignore"):
        return log_hi + np.log1p(-np.exp(np.minimum(log_lo - log_hi, 0.0)))


def _truncated_mean(a, b, log_prob):
    """Mean of a standard normal truncated to ``(a, b)``."""
    log_pdf_a = np.where(np.isinf(a), -np.inf, -0.5 * a**2 - 0.5 * _LOG_2PI)
    log_pdf_b = np.where(np.isinf(b), -np.inf, -0.5 * b**2 - 0.5 * _LOG_2PI)
    return np.exp(log_pdf_a - log_prob) - np.exp(log_pdf_b - log_prob)


def _calibrated_cuts(cdf, mu, sigma, draws, n_steps=4):
    """Cut points ``t`` with ``mean(Phi((t_k - mu) / sigma)) = cdf_k``.

    Newton's method started from the empirical quantiles of ``draws`` (the
    draws ``mu + sigma * noise`` themselves), which are within sampling noise
    of the answer, so a few steps reach machine precision.
    """
    target = cdf[1:-1]
    cuts = np.quantile(draws, np.clip(target, 0.0, 1.0))
    for _ in range(n_steps):
        s = (cuts[:, None] - mu) / sigma
        excess = special.ndtr(s).mean(axis=1) - target
        density = np.exp(-0.5 * s**2 - 0.5 * _LOG_2PI).mean(axis=1) / sigma
        step = excess / np.maximum(density, 1e-300)
        cuts = cuts - np.clip(step, -5 * sigma, 5 * sigma)
    cuts = np.maximum.accumulate(cuts)
    return np.concatenate([[-np.inf], cuts, [np.inf]])


#: Probability, in units of one training row (1 / n), that an empirical
#: marginal puts beyond half a data step outside the observed range on each
#: side: enough for a finite density everywhere, too little to move samples.
_TAIL_MASS = 0.01

#: Knots of a tabulated parametric marginal.
_FAMILY_KNOTS = 257


class _Marginal(NormalScoreMap):
    """A univariate continuous marginal, held as its map to normal scores.

    Piecewise linear between knots and continued linearly beyond them (see
    :class:`~skgen.preprocessing.NormalScoreMap`), so that every marginal has
    Gaussian tails with unbounded support: any finite value gets a finite
    log-density, and sampling is the exact inverse of the map (no clipping).
    """

    def __init__(self, name, knots, scores):
        super().__init__(knots, scores)
        self.name = name

    @classmethod
    def empirical(cls, values, max_knots=256, resolution=None):
        """The mid-point empirical CDF, interpolated in normal scores.

        Each distinct value sits at the middle of its probability step. Below
        the smallest value its half step is spread over half the gap to the
        next value (at most half the ``resolution`` of a column of whole
        steps, such as integers), and likewise above the largest, so tied
        values stay within rounding distance of the range; beyond that,
        Gaussian tails hold a hundredth of one row's probability on each side.
        """
        uniq, mid = midpoint_ecdf(values, max_knots)
        tail = _TAIL_MASS / values.size
        if uniq.size == 1:
            half = 0.5e-9 * max(1.0, abs(float(uniq[0])))
            knots = uniq[0] + np.array([-half, 0.0, half])
            levels = np.array([tail, 0.5, 1.0 - tail])
        else:
            low, high = (uniq[1] - uniq[0]) / 2, (uniq[-1] - uniq[-2]) / 2
            if resolution is not None:
                low, high = min(low, resolution / 2), min(high, resolution / 2)
            knots = np.concatenate([[uniq[0] - low], uniq, [uniq[-1] + high]])
            levels = np.concatenate([[tail], mid, [1.0 - tail]])
        return cls("empirical", knots, special.ndtri(levels))

    @classmethod
    def steps(cls, values, resolution, max_knots=256):
        """The empirical distribution of a column of whole steps (integers, dates).

        Each distinct value owns the cell of one ``resolution`` around it
        (less where a neighbour is closer), which holds exactly its training
        frequency, so rounding a draw to the nearest step gives every value
        its training frequency. Each gap between cells (steps never seen)
        holds a hundredth of one row's probability, so unseen steps keep a
        finite density; Gaussian tails beyond the outer cells as for
        :meth:`empirical`. Columns with more than ``max_knots`` distinct
        values go to :meth:`empirical`.
        """
        uniq, counts = np.unique(values, return_counts=True)
        if uniq.size < 2 or uniq.size > max_knots:
            return cls.empirical(values, max_knots, resolution=resolution)
        n = values.size
        tail = _TAIL_MASS / n
        half = resolution / 2
        gaps = np.diff(uniq)
        gap_before = np.concatenate([[False], gaps > resolution * (1 + 1e-9)])
        width = np.minimum(half, np.concatenate([[half], gaps / 2]))  # to the left
        width_right = np.minimum(half, np.concatenate([gaps / 2, [half]]))
        mass = counts / n * (1 - 2 * tail - gap_before.sum() * tail)
        knots, levels, level = [uniq[0] - width[0]], [tail], tail
        for k in range(uniq.size):
            if gap_before[k]:
                level += tail
                knots.append(uniq[k] - width[k])
                levels.append(level)
            level += mass[k]
            knots.append(uniq[k] + width_right[k])
            levels.append(level)
        levels[-1] = 1 - tail  # exactly, whatever the rounding of the sums
        return cls("empirical", np.array(knots), special.ndtri(np.array(levels)))

    @classmethod
    def tabulate(cls, name, dist, n_samples):
        """A scipy distribution as a normal-score map through its quantiles.

        Knots at the quantiles of evenly spaced normal scores between the
        levels ``0.5 / n_samples`` and ``1 - 0.5 / n_samples`` (the resolution
        of the data the family was fit on), Gaussian tails beyond: exact for
        the normal family, and a bounded family (uniform, beta, ...) gets
        unbounded support. Returns None when the quantiles are not finite and
        increasing.
        """
        edge = special.ndtri(0.5 / max(n_samples, 2))
        z = np.linspace(edge, -edge, _FAMILY_KNOTS)
        with np.errstate(all="ignore"):
            x = np.where(z < 0, dist.ppf(special.ndtr(z)), dist.isf(special.ndtr(-z)))
        keep = np.isfinite(x)
        x, z = x[keep], z[keep]
        if x.size < 2:
            return None
        increasing = np.concatenate([[True], x[1:] > np.maximum.accumulate(x)[:-1]])
        x, z = x[increasing], z[increasing]
        return cls(name, x, z) if x.size >= 2 else None

    def cdf(self, x):
        return special.ndtr(self.score(x))


def _ks_statistic(sorted_values, marginal):
    """Kolmogorov-Smirnov distance between a sample (sorted) and a marginal."""
    n = sorted_values.size
    cdf = marginal.cdf(sorted_values)
    steps = np.arange(1, n + 1) / n
    return float(max(np.max(steps - cdf), np.max(cdf - steps + 1.0 / n)))


def _fit_family(name, values):
    """A frozen scipy distribution fit to ``values`` (closed forms where they exist)."""
    family = _FAMILIES[name]
    if name == "norm":
        return family(values.mean(), values.std())
    if name == "uniform":
        return family(values.min(), np.ptp(values))
    if name == "truncnorm":
        lo, hi = values.min(), values.max()
        loc, scale = values.mean(), values.std()
        return family((lo - loc) / scale, (hi - loc) / scale, loc, scale)
    return family(*family.fit(values))


_FAMILIES = {
    "norm": stats.norm,
    "t": stats.t,
    "logistic": stats.logistic,
    "gamma": stats.gamma,
    "lognorm": stats.lognorm,
    "beta": stats.beta,
    "uniform": stats.uniform,
    "truncnorm": stats.truncnorm,
}

#: Families of ``marginals="auto"``: their fits are closed-form or fast.
_AUTO_FAMILIES = ["norm", "logistic", "uniform", "truncnorm"]


class GaussianCopula(LatentMixin, BaseGenerator):
    """Gaussian copula with per-column marginals chosen by goodness of fit.

    Each continuous column gets a marginal distribution chosen among
    ``marginals`` (scipy families, plus the empirical one) by the
    Kolmogorov-Smirnov statistic: the family with the smallest statistic wins,
    unless the KS test rejects it at level ``ks_alpha``, in which case the
    empirical marginal is used. Integer and datetime columns of a DataFrame,
    whose tied values a continuous family cannot describe, take the empirical
    marginal. Every column is mapped to a latent standard normal score; the
    scores share a Gaussian dependence structure with correlation matrix
    ``correlation_``.

    Every marginal has unbounded support: it is held as a monotone,
    piecewise-linear map to normal scores (a family through its quantiles,
    the empirical one through its mid-point CDF) continued linearly beyond
    the end knots, which gives Gaussian tails. Any finite value therefore has
    a finite log-density, also outside the training range, and ``sample``
    draws from the fitted marginal without clipping to the observed range.

    Discrete columns, and whether a continuous column's value is missing,
    have latent scores that fall in intervals. To keep ``score_samples``
    exact, the model is defined column by column along ``chain_``:
    missing-value indicators first, then continuous columns, then discrete
    ones. Each latent score is Gaussian given the earlier ones (the Cholesky
    chain of ``correlation_``), where an interval-valued score is replaced by
    its conditional mean and a missing continuous value by its conditional
    mean over the whole line. For tables with only observed continuous columns
    this is exactly the classical Gaussian copula, and ``sample`` follows the
    same chain, so samples and scores agree. The intervals' cut points are
    calibrated on the model's own draws so that codes and missing values come
    out at their training frequencies; missing values are left out of the
    correlation estimates (pairwise-complete rows).

    Parameters
    ----------
    marginals : "auto" or list of str, default="auto"
        Candidate families: any of ``"norm", "t", "logistic", "gamma",
        "lognorm", "beta", "uniform", "truncnorm"`` and ``"empirical"``.
        ``"auto"`` tries ``["norm", "logistic", "uniform", "truncnorm"]``
        (closed-form or fast fits), falling back to ``"empirical"``; ``"t"``,
        ``"gamma"``, ``"lognorm"`` and ``"beta"`` are fitted by numerical
        maximum likelihood, which is much slower.
    ks_alpha : float, default=0.05
        Level of the KS test that sends a column to the empirical marginal.
    max_fit_rows : int, default=5000
        Marginals are fitted on at most this many rows (drawn at random).
    shrinkage : float in [0, 1), default=1e-4
        Shrinks the correlation towards the identity, keeping it positive definite.
    n_calibration_samples : int, default=20000
        Draws from the model used to calibrate the cut points of interval
        columns.
    n_jobs : int or None, default=None
        Marginals are fitted in parallel with joblib (``-1``: all cores).
    random_state : int, RandomState instance or None, default=None

    Attributes
    ----------
    marginals_ : list of str
        The family chosen for each continuous column.
    chain_ : list of (kind, index)
        The latent scores in chain order: ``("missing", j)`` for the
        missing-value indicator of continuous column ``j``, ``("continuous",
        j)``, ``("discrete", j)``; ``transform`` returns them in this order.
    correlation_ : ndarray of shape (n_chain, n_chain)
        Correlation of the latent scores, in chain order.

    Examples
    --------
    >>> from skgen import GaussianCopula
    >>> from skgen.datasets import load_penguins
    >>> df = load_penguins()
    >>> model = GaussianCopula(random_state=0).fit(df)
    >>> synthetic = model.sample(100)
    >>> list(synthetic.columns) == list(df.columns)
    True
    >>> model.transform(df).shape  # 8 columns plus 4 missing-value indicators
    (344, 12)
    """

    _parameter_constraints = {
        **BaseGenerator._parameter_constraints,
        "marginals": [StrOptions({"auto"}), list],
        "ks_alpha": [Interval(Real, 0, 1, closed="both")],
        "max_fit_rows": [Interval(Integral, 10, None, closed="left")],
        "shrinkage": [Interval(Real, 0, 1, closed="left")],
        "n_calibration_samples": [Interval(Integral, 100, None, closed="left")],
        "n_jobs": [None, Integral],
    }

    def __init__(
        self,
        *,
        marginals="auto",
        ks_alpha=0.05,
        max_fit_rows=5000,
        shrinkage=1e-4,
        n_calibration_samples=20000,
        n_jobs=None,
        random_state=None,
    ):
        self.marginals = marginals
        self.ks_alpha = ks_alpha
        self.max_fit_rows = max_fit_rows
        self.shrinkage = shrinkage
        self.n_calibration_samples = n_calibration_samples
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ----------------------------------------------------------------- fit
    def _encoder_params(self):
        # Samples come from the fitted marginals, which already say how far
        # values go: clipping to the training range would pile them up there.
        return {"continuous": "standard", "clip": False}

    def _candidates(self):
        if isinstance(self.marginals, str):  # "auto"
            return list(_AUTO_FAMILIES), True
        unknown = set(self.marginals).difference(_FAMILIES).difference({"empirical"})
        if unknown or not self.marginals:
            raise ValueError(
                f"Unknown marginal families {sorted(unknown)}; choose among "
                f"{sorted(_FAMILIES) + ['empirical']}."
            )
        return [m for m in self.marginals if m != "empirical"], "empirical" in self.marginals

    def _fit_marginal(self, values, rng, resolution=None):
        families, allow_empirical = self._candidates()
        if values.size > self.max_fit_rows:
            values = rng.choice(values, self.max_fit_rows, replace=False)
        if allow_empirical and resolution is not None:
            return _Marginal.steps(values, resolution)
        if np.ptp(values) == 0:
            return _Marginal.empirical(values, resolution=resolution)
        ordered = np.sort(values)
        best, best_stat = None, np.inf
        for name in families:
            try:
                with np.errstate(all="ignore"):
                    marginal = _Marginal.tabulate(name, _fit_family(name, values), values.size)
            except (ValueError, RuntimeError, FloatingPointError):
                continue
            if marginal is None:
                continue
            stat = _ks_statistic(ordered, marginal)
            if stat < best_stat:
                best, best_stat = marginal, stat
        if allow_empirical and (
            best is None or stats.kstwo.sf(best_stat, values.size) < self.ks_alpha
        ):
            return _Marginal.empirical(values)
        if best is None:
            raise ValueError(
                f"No family in marginals={self.marginals!r} fits a column; add 'empirical'."
            )
        return best

    def _resolutions(self, n_columns):
        """Step of each continuous-like column in the encoded units: integer and
        datetime columns take whole steps (and have ties), continuous ones None."""
        if self.encoder_ is None:
            return [None] * n_columns
        steps = {"integer": 1.0, "continuous": None}
        return [
            None
            if steps.get(c.kind, c.step) is None
            else steps.get(c.kind, c.step) / c.encoding.scale
            for c in self.encoder_.columns_
            if c.kind in CONTINUOUS_KINDS
        ]

    def _fit(self, data, seed):
        rng = np.random.default_rng(seed)
        cont = data.continuous
        n, p = cont.shape
        missing = np.isnan(cont)
        columns = [cont[~missing[:, j], j] for j in range(p)]
        if any(column.size == 0 for column in columns):
            raise ValueError("A continuous column has no observed value.")
        # One generator per column, so the fits do not depend on n_jobs.
        self.marginal_fits_ = Parallel(n_jobs=self.n_jobs)(
            delayed(self._fit_marginal)(column, child, step)
            for column, child, step in zip(columns, rng.spawn(p), self._resolutions(p))
        )
        self.marginals_ = [m.name for m in self.marginal_fits_]
        # The chain: missing-value indicators first (so continuous values are
        # drawn knowing whether they exist), then continuous, then discrete columns.
        may_miss = np.flatnonzero(missing.any(axis=0))
        self.chain_ = [("missing", j) for j in may_miss] + [("continuous", j) for j in range(p)]
        self.chain_ += [("discrete", j) for j in range(len(data.cardinalities))]
        # Cut points of the interval-valued scores: first the standard normal
        # quantiles of the code frequencies; calibrated once the correlation is known.
        frequencies = {}
        for kind, j in self.chain_:
            if kind == "continuous":
                continue
            codes = missing[:, j].astype(np.intp) if kind == "missing" else data.codes[:, j]
            size = 2 if kind == "missing" else data.cardinalities[j]
            cdf = np.concatenate([[0.0], np.cumsum(np.bincount(codes, minlength=size) / n)])
            # Exactly 1: a cumulative sum can end at 1 + 1 ulp, and ndtri of that is NaN.
            cdf[-1] = 1.0
            frequencies[kind, j] = cdf
        self.chain_cuts_ = {key: special.ndtri(cdf) for key, cdf in frequencies.items()}
        # Latent scores of the training rows under the marginals alone:
        # interval-valued scores at their truncated means; missing values are
        # left out of the (pairwise-complete) correlations.
        z, lower, upper, _ = self._intervals(data)
        scores = np.where(
            np.isnan(z), _truncated_mean(lower, upper, _log_interval_prob(lower, upper)), z
        )
        scores[self._unobserved_mask(data)] = np.nan
        with np.errstate(invalid="ignore", divide="ignore"):
            corr = pd.DataFrame(scores).corr().to_numpy()
        corr = np.nan_to_num(corr, nan=0.0)  # a constant column has no correlation with anything
        np.fill_diagonal(corr, 1.0)
        eigval, eigvec = np.linalg.eigh(corr)
        corr = (eigvec * np.maximum(eigval, 1e-6)) @ eigvec.T
        d = np.sqrt(np.diag(corr))
        corr = corr / np.outer(d, d)
        self.correlation_ = (1 - self.shrinkage) * corr + self.shrinkage * np.eye(corr.shape[0])
        self._cholesky_ = np.linalg.cholesky(self.correlation_)
        # Calibrate the cut points on the model's own draws: replacing earlier
        # interval scores by conditional means shifts the frequencies of later
        # interval columns, so each column's cuts are moved until the chain
        # gives every code its training frequency.
        if frequencies:
            self._run_chain(self.n_calibration_samples, rng, frequencies)

    def _unobserved_mask(self, data):
        """True where a continuous chain column's value is missing."""
        mask = np.zeros((data.n_samples, len(self.chain_)), dtype=bool)
        for i, (kind, j) in enumerate(self.chain_):
            if kind == "continuous":
                mask[:, i] = np.isnan(data.continuous[:, j])
        return mask

    # --------------------------------------------------------------- chain
    def _intervals(self, data):
        """Per chain column: observed latent score (NaN if interval-valued), the
        interval's ends, and the log-density terms of the continuous marginals."""
        n = data.n_samples
        d = len(self.chain_)
        z = np.full((n, d), np.nan)
        lower = np.full((n, d), -np.inf)
        upper = np.full((n, d), np.inf)
        log_density = np.zeros(n)
        for i, (kind, j) in enumerate(self.chain_):
            if kind == "continuous":
                # A missing value keeps the whole line as its interval: probability 1.
                observed = ~np.isnan(data.continuous[:, j])
                x = data.continuous[observed, j]
                marginal = self.marginal_fits_[j]
                z[observed, i] = marginal.score(x)
                # log f(x) - log phi(z): the marginal's part of the copula density.
                log_density[observed] += marginal.log_derivative(x)
                continue
            code = (
                np.isnan(data.continuous[:, j]).astype(np.intp)
                if kind == "missing"
                else data.codes[:, j]
            )
            cuts = self.chain_cuts_[kind, j]
            lower[:, i], upper[:, i] = cuts[code], cuts[code + 1]
        return z, lower, upper, log_density

    def _chain_scores(self, data, want_log_prob=False):
        """Walk the Cholesky chain: latent scores and (optionally) the log-density."""
        z, lower, upper, log_density = self._intervals(data)
        n, d = z.shape
        chol = self._cholesky_
        eps = np.zeros((n, d))
        log_prob = log_density.copy()
        for j in range(d):
            mu = eps[:, :j] @ chol[j, :j]
            sigma = chol[j, j]
            observed = ~np.isnan(z[:, j])
            eps[observed, j] = (z[observed, j] - mu[observed]) / sigma
            log_prob[observed] += -0.5 * eps[observed, j] ** 2 - np.log(sigma) - 0.5 * _LOG_2PI
            a = (lower[~observed, j] - mu[~observed]) / sigma
            b = (upper[~observed, j] - mu[~observed]) / sigma
            interval = _log_interval_prob(a, b)
            log_prob[~observed] += interval
            eps[~observed, j] = _truncated_mean(a, b, interval)
        scores = eps @ chol.T
        return (scores, log_prob) if want_log_prob else scores

    def _score_samples(self, data):
        return self._chain_scores(data, want_log_prob=True)[1]

    def _transform(self, data):
        return self._chain_scores(data)

    # ------------------------------------------------------------ sampling
    def _decode_column(self, i, score, codes, values=True):
        """Value of chain column ``i`` for latent ``score`` and the interval the
        score stands for (``lo``, ``hi``; NaN where the value is continuous).
        ``codes`` holds the codes of the chain's interval columns decoded so far.
        ``values=False`` skips the continuous values (calibration needs none)."""
        kind, j = self.chain_[i]
        if kind == "continuous":
            nan = np.full(score.shape, np.nan)
            values = self.marginal_fits_[j].value(score) if values else nan
            if ("missing", j) not in codes:
                return values, nan, nan
            gone = codes["missing", j] == 1
            return (
                np.where(gone, np.nan, values),
                np.where(gone, -np.inf, nan),
                np.where(gone, np.inf, nan),
            )
        cuts = self.chain_cuts_[kind, j]
        code = np.clip(np.searchsorted(cuts, score, side="right") - 1, 0, cuts.size - 2)
        codes[kind, j] = code
        return code, cuts[code], cuts[code + 1]

    def _sample(self, n_samples, rng):
        return self._assemble_columns(self._run_chain(n_samples, rng), n_samples)

    def _run_chain(self, n_samples, rng, frequencies=None):
        """Draw ``n_samples`` rows column by column along the chain.

        Each score is drawn given the chain so far; where it stands for an
        interval, the chain goes on with the conditional mean. With
        ``frequencies`` (code CDFs per interval column), each interval column's
        cut points are first set so that its codes come out at those frequencies.
        """
        chol = self._cholesky_
        d = chol.shape[0]
        noise = rng.standard_normal((n_samples, d))
        eps = noise.copy()
        values, codes = [], {}
        for i in range(d):
            mu = eps[:, :i] @ chol[i, :i]
            sigma = chol[i, i]
            score = mu + sigma * noise[:, i]
            if frequencies is not None and self.chain_[i] in frequencies:
                self.chain_cuts_[self.chain_[i]] = _calibrated_cuts(
                    frequencies[self.chain_[i]], mu, sigma, score
                )
            value, lo, hi = self._decode_column(i, score, codes, values=frequencies is None)
            censored = ~np.isnan(hi)
            a, b = (lo[censored] - mu[censored]) / sigma, (hi[censored] - mu[censored]) / sigma
            eps[censored, i] = _truncated_mean(a, b, _log_interval_prob(a, b))
            values.append(value)
        return values

    def _assemble_columns(self, values, n):
        cont = {j: v for (kind, j), v in zip(self.chain_, values) if kind == "continuous"}
        disc = {j: v for (kind, j), v in zip(self.chain_, values) if kind == "discrete"}
        continuous = np.column_stack([cont[j] for j in sorted(cont)]) if cont else np.empty((n, 0))
        codes = (
            np.column_stack([disc[j] for j in sorted(disc)]).astype(np.intp)
            if disc
            else np.empty((n, 0), np.intp)
        )
        cards = [self.chain_cuts_["discrete", j].size - 1 for j in sorted(disc)]
        return MixedTable(continuous, codes, cards)

    def _inverse_transform(self, Z):
        d = self._cholesky_.shape[0]
        if Z.shape[1] != d:
            raise ValueError(f"Z has {Z.shape[1]} columns, expected {d}.")
        codes = {}
        values = [self._decode_column(i, Z[:, i], codes)[0] for i in range(d)]
        return self._assemble_columns(values, Z.shape[0])
