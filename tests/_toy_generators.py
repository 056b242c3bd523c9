"""Tiny generators built on skgen's contract, used as test fixtures.

They let the meta-estimator tests run on any generator the contract allows,
including a natively class-conditional one and a reconstruction-score one,
without depending on which concrete models exist.
"""

import numpy as np
from scipy.stats import norm

from skgen.base import BaseGenerator


class DiagonalGaussian(BaseGenerator):
    """Independent Gaussian per (encoded) column."""

    _input_view = "matrix"

    def __init__(self, var_floor=1e-6, random_state=None):
        self.var_floor = var_floor
        self.random_state = random_state

    def _fit(self, data, seed):
        self.mean_ = data.mean(axis=0)
        self.scale_ = np.sqrt(data.var(axis=0) + self.var_floor)

    def _score_samples(self, data):
        return norm.logpdf(data, self.mean_, self.scale_).sum(axis=1)

    def _sample(self, n_samples, rng):
        return rng.normal(self.mean_, self.scale_, size=(n_samples, self.mean_.size))


class ReconstructionScorer(DiagonalGaussian):
    """Declares a reconstruction score, as autoencoders do: minus the squared z-distance."""

    score_kind = "reconstruction"

    def _score_samples(self, data):
        return -(((data - self.mean_) / self.scale_) ** 2).sum(axis=1)


class ConditionalDiagonalGaussian(DiagonalGaussian):
    """One model of p(x | y): a class-specific mean, a shared diagonal scale.

    Declares ``supports_class_context`` and takes ``y`` in fit, score_samples
    and sample, the protocol :class:`skgen.ClassConditional` uses for natively
    conditional models.
    """

    supports_class_context = True
    _input_view = "matrix"

    def fit(self, X, y=None):
        self.context_classes_, codes = np.unique(np.asarray(y), return_inverse=True)
        super().fit(X)
        data = np.asarray(X, dtype=float)
        self.class_means_ = np.array(
            [data[codes == k].mean(axis=0) for k in range(self.context_classes_.size)]
        )
        residual = data - self.class_means_[codes]
        self.scale_ = np.sqrt(residual.var(axis=0) + self.var_floor)
        return self

    def _means_for(self, y):
        return self.class_means_[np.searchsorted(self.context_classes_, np.asarray(y))]

    def score_samples(self, X, y=None):
        data = self._validate_input(X)
        return norm.logpdf(data, self._means_for(y), self.scale_).sum(axis=1)

    def sample(self, n_samples=1, *, y=None, random_state=None):
        rng = np.random.default_rng(random_state)
        means = self._means_for(y)
        return rng.normal(means, self.scale_)
