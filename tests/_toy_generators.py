"""Tiny generators built on skgen's contract, used as test fixtures.

They let the meta-estimator tests run on any generator the contract allows,
including a natively class-conditional one and a reconstruction-score one,
without depending on which concrete models exist.
"""

import numpy as np
from scipy.stats import norm

from skgen.base import BaseGenerator, ClassContextMixin


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


class ConditionalDiagonalGaussian(ClassContextMixin, DiagonalGaussian):
    """One model of p(x | y): a class-specific mean, a shared diagonal scale.

    Built on :class:`skgen.base.ClassContextMixin`, the protocol
    :class:`skgen.ClassConditional` uses for natively conditional models;
    fit without labels, it is a :class:`DiagonalGaussian`.
    """

    def _fit(self, data, seed, context):
        super()._fit(data, seed)
        if context is None:
            return
        self.class_means_ = np.array(
            [data[context == k].mean(axis=0) for k in range(self.classes_.size)]
        )
        residual = data - self.class_means_[context]
        self.scale_ = np.sqrt(residual.var(axis=0) + self.var_floor)

    def _means(self, context):
        return self.mean_ if context is None else self.class_means_[context]

    def _score_samples(self, data, context):
        return norm.logpdf(data, self._means(context), self.scale_).sum(axis=1)

    def _sample(self, n_samples, rng, context=None):
        means = np.broadcast_to(self._means(context), (n_samples, self.mean_.size))
        return rng.normal(means, self.scale_)
