"""Variational Bayesian Gaussian mixture for numeric arrays and mixed-type tables."""

from numbers import Real

from sklearn import mixture as sk_mixture

from ..utils._sklearn import Interval, StrOptions
from ._base import _BaseMixture

__all__ = ["BayesianGaussianMixture"]


class BayesianGaussianMixture(_BaseMixture):
    """Variational Bayesian Gaussian mixture, for numeric arrays and mixed-type tables.

    scikit-learn's :class:`~sklearn.mixture.BayesianGaussianMixture` runs
    inside; unneeded components get weights near zero, so ``n_components`` is
    an upper bound. ``score_samples`` is the exact log-density of the mixture
    at the posterior-mean parameters (``weights_``, ``means_``,
    ``covariances_``), a proper density unlike scikit-learn's variational score.

    Parameters
    ----------
    n_components : int, default=1
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
    weight_concentration_prior_type : {"dirichlet_process", "dirichlet_distribution"}, \
default="dirichlet_process"
    weight_concentration_prior : float or None, default=None
    tol, reg_covar, max_iter, n_init, init_params, pseudocount, random_state :
        As in :class:`GaussianMixture`.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import BayesianGaussianMixture
    >>> X = np.random.default_rng(0).normal(size=(200, 2))
    >>> model = BayesianGaussianMixture(n_components=5, random_state=0).fit(X)
    >>> model.sample(3, random_state=0).shape
    (3, 2)
    """

    _parameter_constraints = {
        **_BaseMixture._parameter_constraints,
        "weight_concentration_prior_type": [
            StrOptions({"dirichlet_process", "dirichlet_distribution"})
        ],
        "weight_concentration_prior": [None, Interval(Real, 0.0, None, closed="neither")],
    }
    _sklearn_class = sk_mixture.BayesianGaussianMixture

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
        weight_concentration_prior_type="dirichlet_process",
        weight_concentration_prior=None,
        tol=1e-3,
        reg_covar=1e-6,
        max_iter=100,
        n_init=1,
        init_params="kmeans",
        pseudocount=0.1,
        random_state=None,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.weight_concentration_prior_type = weight_concentration_prior_type
        self.weight_concentration_prior = weight_concentration_prior
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.pseudocount = pseudocount
        self.random_state = random_state
