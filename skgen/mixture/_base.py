"""Gaussian mixtures (scikit-learn inside) extended to mixed-type tables.

On a numeric array the model is scikit-learn's mixture with the same
parameters and seed, so scores agree with scikit-learn's. On a DataFrame with
discrete columns or missing values the mixture becomes a *latent class model*:
within component ``k`` continuous columns are Gaussian, each discrete column
is categorical with probabilities ``theta_k`` and each continuous column is
missing with probability ``rho_k``. Missing values are marginalised out of the
Gaussian, so ``score_samples`` is an exact log-density in the original space
(counting measure for categories and missingness).
"""

from numbers import Integral, Real

import numpy as np
from scipy import linalg
from scipy.special import logsumexp

from ..base import BaseGenerator, LatentMixin
from ..preprocessing import MixedTable
from ..utils._sklearn import Interval, StrOptions

__all__ = ["_BaseMixture"]

_LOG_2PI = np.log(2 * np.pi)


def _one_hot_blocks(table):
    """One-hot codes plus missingness indicators: what drives the responsibilities."""
    blocks = [np.eye(k)[table.codes[:, j]] for j, k in enumerate(table.cardinalities)]
    missing = np.isnan(table.continuous)
    blocks += [missing[:, [j]].astype(float) for j in np.flatnonzero(missing.any(axis=0))]
    return blocks


class _BaseMixture(LatentMixin, BaseGenerator):
    """Shared machinery; subclasses say which scikit-learn mixture runs inside."""

    _parameter_constraints = {
        **BaseGenerator._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "covariance_type": [StrOptions({"full", "tied", "diag", "spherical"})],
        "tol": [Interval(Real, 0.0, None, closed="left")],
        "reg_covar": [Interval(Real, 0.0, None, closed="left")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "init_params": [StrOptions({"kmeans", "k-means++", "random", "random_from_data"})],
        "pseudocount": [Interval(Real, 0.0, None, closed="neither")],
    }

    #: the scikit-learn mixture that runs inside, with the same parameters
    _sklearn_class = None

    def _sklearn_mixture(self):
        params = self.get_params()
        del params["pseudocount"]  # skgen's own: the discrete part of the model
        return self._sklearn_class(**params)

    def _fit(self, data, seed):
        missing = np.isnan(data.continuous)
        design = np.column_stack([np.where(missing, 0.0, data.continuous), *_one_hot_blocks(data)])
        if design.shape[1] == 0:
            raise ValueError("X has no columns to model.")
        self.mixture_ = self._sklearn_mixture().fit(design)
        self.weights_ = self.mixture_.weights_
        self.n_iter_ = self.mixture_.n_iter_
        self.converged_ = self.mixture_.converged_
        p = data.continuous.shape[1]
        self.means_, self.covariances_ = self._continuous_part(p)
        self._fit_discrete(data, self.mixture_.predict_proba(design))

    def _continuous_part(self, p):
        """Means and full covariances of the continuous dimensions, per component."""
        means = self.mixture_.means_[:, :p]
        cov = self.mixture_.covariances_
        k = self.mixture_.n_components
        kind = self.mixture_.covariance_type
        if kind == "full":
            full = cov[:, :p, :p]
        elif kind == "tied":
            full = np.broadcast_to(cov[:p, :p], (k, p, p))
        elif kind == "diag":
            full = np.stack([np.diag(c[:p]) for c in cov])
        else:
            full = np.stack([np.eye(p) * c for c in cov])
        return means, np.array(full)

    def _fit_discrete(self, data, resp):
        """Per-component category and missingness probabilities from responsibilities."""
        mass = resp.sum(axis=0)[:, None]
        alpha = self.pseudocount
        self.category_probs_ = [
            (resp.T @ np.eye(k)[data.codes[:, j]] + alpha) / (mass + alpha * k)
            for j, k in enumerate(data.cardinalities)
        ]
        missing = np.isnan(data.continuous).astype(float)
        has_missing = missing.any(axis=0)
        rho = (resp.T @ missing + alpha) / (mass + 2 * alpha)
        self.missing_probs_ = np.where(has_missing, rho, 0.0)

    def _joint_log_prob(self, data):
        """``log p(x, component)`` of each row: shape (n_samples, n_components)."""
        n, p = data.continuous.shape
        out = np.tile(np.log(self.weights_), (n, 1))
        missing = np.isnan(data.continuous)
        can_miss = self.missing_probs_.any(axis=0)
        if (missing & ~can_miss).any():
            raise ValueError("X has missing values in columns that had none in fit.")
        rho = self.missing_probs_[:, can_miss]
        out += missing[:, can_miss] @ np.log(rho).T + (~missing[:, can_miss]) @ np.log1p(-rho).T
        for j, probs in enumerate(self.category_probs_):
            out += np.log(probs[:, data.codes[:, j]]).T
        if p and not missing.any():
            out += self._gaussian_log_pdf(data.continuous, np.ones(p, dtype=bool))
        elif p:
            patterns, inverse = np.unique(missing, axis=0, return_inverse=True)
            for index, pattern in enumerate(patterns):
                rows = np.flatnonzero(inverse.ravel() == index)
                observed = ~pattern
                if observed.any():
                    out[rows] += self._gaussian_log_pdf(
                        data.continuous[np.ix_(rows, observed)], observed
                    )
        return out

    def _gaussian_log_pdf(self, x, observed):
        """Log-density of the observed dimensions under each component's marginal Gaussian."""
        means = self.means_[:, observed]
        const = -0.5 * observed.sum() * _LOG_2PI
        if self.covariance_type in ("diag", "spherical"):
            # Diagonal covariances: three matrix products instead of K solves.
            precision = 1.0 / np.diagonal(self.covariances_, axis1=1, axis2=2)[:, observed]
            quad = (
                (x**2) @ precision.T
                - 2 * x @ (means * precision).T
                + np.sum(means**2 * precision, axis=1)
            )
            return -0.5 * quad + 0.5 * np.log(precision).sum(axis=1) + const
        result = np.empty((x.shape[0], self.weights_.size))
        for k, cov in enumerate(self.covariances_):
            chol = linalg.cholesky(cov[np.ix_(observed, observed)], lower=True)
            # Whitening with the precision's Cholesky factor is one BLAS product.
            prec_chol = linalg.solve_triangular(chol, np.eye(chol.shape[0]), lower=True).T
            y = x @ prec_chol - means[k] @ prec_chol
            result[:, k] = -0.5 * np.sum(y**2, axis=1) - np.log(np.diag(chol)).sum() + const
        return result

    def _score_samples(self, data):
        return logsumexp(self._joint_log_prob(data), axis=1)

    def _transform(self, data):
        joint = self._joint_log_prob(data)
        return np.exp(joint - logsumexp(joint, axis=1, keepdims=True))

    def predict(self, X):
        """Most likely component of each row."""
        return np.argmax(self.transform(X), axis=1)

    def _sample(self, n_samples, rng):
        p = self.means_.shape[1]
        # Rows are drawn one component label each, so they come in random
        # order rather than grouped by component as scikit-learn's sample().
        labels = rng.choice(self.weights_.size, size=n_samples, p=self.weights_)
        continuous = np.empty((n_samples, p))
        for k in np.unique(labels) if p else ():
            rows = labels == k
            continuous[rows] = rng.multivariate_normal(
                self.means_[k], self.covariances_[k], size=int(rows.sum()), method="cholesky"
            )
        continuous[rng.random((n_samples, p)) < self.missing_probs_[labels]] = np.nan
        codes = [
            (rng.random((n_samples, 1)) > np.cumsum(probs[labels], axis=1)).sum(axis=1)
            for probs in self.category_probs_
        ]
        codes = np.column_stack(codes) if codes else np.empty((n_samples, 0), np.intp)
        return MixedTable(continuous, codes, [c.shape[1] for c in self.category_probs_])
