"""CTGAN's mode-specific normalisation of one continuous column."""

import warnings

import numpy as np
from sklearn.exceptions import ConvergenceWarning

from ._layout import Span, one_hot

__all__ = ["ModeEncoding"]


class ModeEncoding:
    """A Bayesian Gaussian mixture per column; the value becomes
    ``(x - mu_k) / (4 sigma_k)`` for its most likely mode ``k`` (tanh output),
    followed by a one-hot of ``k``.

    The mode is taken as given (the most likely one), so a density built on
    this encoding is exact only for that mode assignment.

    References
    ----------
    Xu et al., "Modeling Tabular Data using Conditional GAN", NeurIPS 2019.
    """

    def __init__(self, values, *, n_modes=10, rng=None, **_):
        self.fill = float(values.mean())  # where a missing value is put to pick its mode
        n_modes = max(1, min(n_modes, np.unique(values).size))
        # A short EM that stops before convergence still gives usable modes.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            bgm = _mode_mixture(n_modes, rng).fit(values.reshape(-1, 1))
        keep = bgm.weights_ > 5e-3
        self.means = bgm.means_.ravel()[keep]
        self.stds = np.sqrt(bgm.covariances_.ravel()[keep])
        self.weights = bgm.weights_[keep] / bgm.weights_[keep].sum()

    @property
    def n_modes(self):
        return self.means.size

    def spans(self, name):
        return [
            Span(name, "continuous", "value", 1, "tanh"),
            Span(name, "discrete", "mode", self.n_modes, "softmax"),
        ]

    def most_likely_mode(self, values):
        log_resp = (
            np.log(self.weights)
            - np.log(self.stds)
            - 0.5 * ((values[:, None] - self.means) / self.stds) ** 2
        )
        return np.argmax(log_resp, axis=1)

    def encode_blocks(self, values, missing):
        """The value block and the mode one-hot (a missing value sits at its mode's mean)."""
        mode = self.most_likely_mode(np.where(missing, self.fill, values))
        alpha = (np.where(missing, self.means[mode], values) - self.means[mode]) / (
            4 * self.stds[mode]
        )
        return [np.clip(alpha, -0.99, 0.99)[:, None], one_hot(mode, self.n_modes)]

    def decode_blocks(self, value_block, mode_block):
        mode = np.argmax(mode_block, axis=1)
        return np.clip(value_block[:, 0], -1, 1) * 4 * self.stds[mode] + self.means[mode]

    def log_derivative(self, values):
        return -np.log(4 * self.stds[self.most_likely_mode(values)])


def _mode_mixture(n_modes, rng):
    from sklearn.mixture import BayesianGaussianMixture

    return BayesianGaussianMixture(
        n_components=n_modes,
        weight_concentration_prior_type="dirichlet_process",
        weight_concentration_prior=1e-3,
        max_iter=100,
        random_state=rng,
    )
