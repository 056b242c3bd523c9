"""Gaussian mixture model for numeric arrays and mixed-type tables."""

from sklearn import mixture as sk_mixture

from ._base import _BaseMixture

__all__ = ["GaussianMixture"]


class GaussianMixture(_BaseMixture):
    """Gaussian mixture model, for numeric arrays and mixed-type tables.

    scikit-learn's :class:`~sklearn.mixture.GaussianMixture` runs inside with
    the same parameters, so on a numeric array the fitted mixture and its
    scores are scikit-learn's. On a DataFrame, discrete columns and missing
    values are modelled per component (see the module docstring), which keeps
    ``score_samples`` an exact log-density in the original space.

    Parameters
    ----------
    n_components : int, default=1
    covariance_type : {"full", "tied", "diag", "spherical"}, default="full"
    tol : float, default=1e-3
    reg_covar : float, default=1e-6
    max_iter : int, default=100
    n_init : int, default=1
    init_params : {"kmeans", "k-means++", "random", "random_from_data"}, default="kmeans"
    pseudocount : float, default=0.1
        Added to each category and missingness count per component, so no
        category seen in training gets probability zero in any component
        (kept small so that rare missing values are not inflated).
    random_state : int, RandomState instance or None, default=None
        Passed unchanged to scikit-learn's mixture; also seeds ``sample``.

    Attributes
    ----------
    weights_ : ndarray of shape (n_components,)
    means_ : ndarray of shape (n_components, n_continuous)
        Means of the continuous columns (scaled as the encoder says for DataFrames).
    covariances_ : ndarray of shape (n_components, n_continuous, n_continuous)
        Full covariance of the continuous columns, whatever ``covariance_type``.
    category_probs_ : list of ndarray of shape (n_components, n_categories)
    missing_probs_ : ndarray of shape (n_components, n_continuous)
    mixture_ : sklearn.mixture.GaussianMixture
    converged_, n_iter_ : as in scikit-learn.

    Examples
    --------
    >>> from skgen import GaussianMixture
    >>> from skgen.datasets import load_penguins
    >>> model = GaussianMixture(n_components=3, random_state=0).fit(load_penguins())
    >>> model.sample(5).shape
    (5, 8)
    >>> model.transform(load_penguins()).shape
    (344, 3)
    """

    _sklearn_class = sk_mixture.GaussianMixture

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="full",
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
        self.tol = tol
        self.reg_covar = reg_covar
        self.max_iter = max_iter
        self.n_init = n_init
        self.init_params = init_params
        self.pseudocount = pseudocount
        self.random_state = random_state
