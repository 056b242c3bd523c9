"""Hidden Markov models with Gaussian, Gaussian-mixture and categorical emissions.

Each class only describes its emissions; EM, the forward-backward pass, Viterbi
and sampling are in :mod:`skgen.graphical._hmm_base`. They take sequences as
hmmlearn does: ``fit(X, lengths=lengths)`` with the rows of all sequences end
to end, or a list of 2-D arrays.

Against scikit-learn's conventions for rows, a sequence model gives:

- ``score_samples(X, lengths=...)``: one log-likelihood per *sequence*,
  ``log p(x_1, ..., x_T | T)`` (the length is taken as given);
- ``transform(X, lengths=...)``: one row per *time step*, the posterior
  probability of each state given the whole sequence (not a function of the
  row alone);
- ``predict(X, lengths=...)``: the Viterbi path, one state per time step.
"""

from numbers import Integral, Real

import numpy as np
from scipy.special import logsumexp

from ..exceptions import ZeroProbabilityError
from ..utils._sklearn import Interval, StrOptions
from ._hmm_base import _BaseHMM, _draw

__all__ = ["CategoricalHMM", "GMMHMM", "GaussianHMM"]

_LOG_2PI = np.log(2 * np.pi)
_TINY = 1e-300


# ------------------------------------------------------- Gaussian helpers
def _full_covariances(covars, covariance_type, n_components, n_features):
    """``(n_components, D, D)`` covariance matrices from the stored form."""
    if covariance_type == "full":
        return covars
    if covariance_type == "tied":
        return np.broadcast_to(covars, (n_components, n_features, n_features))
    if covariance_type == "diag":
        return covars[:, :, None] * np.eye(n_features)
    return covars[:, None, None] * np.eye(n_features)


def _log_gaussian(X, means, covars, covariance_type):
    """``log N(x_t; mean_c, cov_c)`` for every row and component: shape (n_rows, n_components)."""
    n_components, d = means.shape
    if covariance_type in ("diag", "spherical"):
        var = covars if covariance_type == "diag" else np.repeat(covars[:, None], d, axis=1)
        precision = 1.0 / var
        quad = (X**2) @ precision.T - 2 * X @ (means * precision).T
        quad += np.sum(means**2 * precision, axis=1)
        return -0.5 * (quad + d * _LOG_2PI + np.log(var).sum(axis=1))
    full = _full_covariances(covars, covariance_type, n_components, d)
    chol = np.linalg.cholesky(full)
    # Whitening with each component's inverse Cholesky factor, all at once.
    prec_chol = np.linalg.inv(chol).transpose(0, 2, 1)  # (C, D, D), cov^-1 = P P^T
    y = (X @ prec_chol.transpose(1, 0, 2).reshape(d, -1)).reshape(-1, n_components, d)
    y -= np.einsum("cd,cde->ce", means, prec_chol)
    log_det = np.log(np.diagonal(chol, axis1=1, axis2=2)).sum(axis=1)
    squares = (y**2).reshape(-1, d) @ np.ones(d)  # a product: the fast sum over a short axis
    return -0.5 * (squares.reshape(-1, n_components) + d * _LOG_2PI) - log_det


def _gaussian_mstep(X, weights, covariance_type, reg_covar, old_means, old_covars):
    """Weighted maximum-likelihood means and covariances of each component.

    ``weights`` is ``(n_rows, n_components)``; a component with no weight
    keeps its previous parameters.
    """
    mass = weights.sum(axis=0)
    alive = mass > 10 * np.finfo(float).eps
    safe = np.where(alive, mass, 1.0)
    means = np.where(alive[:, None], (weights.T @ X) / safe[:, None], old_means)
    d = X.shape[1]
    if covariance_type in ("diag", "spherical"):
        var = ((weights.T @ X**2) - 2 * means * (weights.T @ X)) / safe[:, None] + means**2
        var = np.maximum(var, 0.0) + reg_covar
        if covariance_type == "spherical":
            var = var.mean(axis=1)
        return means, np.where(alive if var.ndim == 1 else alive[:, None], var, old_covars)
    centred = X[None, :, :] - means[:, None, :]  # (C, N, D)
    scatter = (centred * weights.T[:, :, None]).transpose(0, 2, 1) @ centred  # (C, D, D)
    if covariance_type == "tied":
        return means, scatter.sum(axis=0) / mass.sum() + reg_covar * np.eye(d)
    covars = scatter / safe[:, None, None] + reg_covar * np.eye(d)
    return means, np.where(alive[:, None, None], covars, old_covars)


def _initial_covariances(X, covariance_type, n_components, reg_covar):
    """The data's covariance, in the stored form of ``covariance_type``."""
    d = X.shape[1]
    cov = np.atleast_2d(np.cov(X.T, bias=True)) + reg_covar * np.eye(d)
    cov[np.diag_indices(d)] = np.where(np.diag(cov) > reg_covar, np.diag(cov), 1.0 + reg_covar)
    if covariance_type == "tied":
        return cov
    if covariance_type == "full":
        return np.tile(cov, (n_components, 1, 1))
    if covariance_type == "diag":
        return np.tile(np.diag(cov), (n_components, 1))
    return np.full(n_components, np.diag(cov).mean())


def _sample_gaussian(means, covars, covariance_type, index, rng):
    """One row from component ``index[i]`` for each ``i``."""
    c, d = means.shape
    chol = np.linalg.cholesky(_full_covariances(covars, covariance_type, c, d))
    noise = rng.standard_normal((index.size, d))
    return means[index] + np.einsum("nde,ne->nd", chol[index], noise)


_GAUSSIAN_CONSTRAINTS = {
    **_BaseHMM._parameter_constraints,
    "covariance_type": [StrOptions({"spherical", "diag", "full", "tied"})],
    "reg_covar": [Interval(Real, 0.0, None, closed="left")],
}

_COMMON_DOC = """
    startprob_prior, transmat_prior : float, default=1.0
        Concentration of the symmetric Dirichlet priors on the initial
        distribution and on each row of the transition matrix (MAP
        estimates; 1 gives maximum likelihood).
    max_iter : int, default=100
        Most EM iterations per initialisation.
    tol : float, default=1e-3
        EM stops when the log-likelihood per time step gains less than this.
    n_init : int, default=1
        Number of random restarts of EM; the fit with the highest training
        log-likelihood is kept.
    random_state : int, RandomState instance or None, default=None
        Seeds the initialisations and the default sampling generator.
    verbose : int, default=0
        1 prints the log-likelihood of each restart, 2 of each iteration."""

_COMMON_ATTRIBUTES = """
    startprob_ : ndarray of shape (n_components,)
    transmat_ : ndarray of shape (n_components, n_components)
        ``transmat_[i, j]`` is the probability of moving from state ``i`` to ``j``.
    log_likelihood_ : float
        Training log-likelihood of the kept fit (all sequences together).
    history_ : ndarray
        Training log-likelihood at each EM iteration of the kept fit.
    n_iter_ : int
    converged_ : bool
    n_features_in_ : int"""


class GaussianHMM(_BaseHMM):
    __doc__ = f"""Hidden Markov model with Gaussian emissions.

    Sequences are given as hmmlearn takes them: ``fit(X, lengths=lengths)``
    with the rows of all sequences end to end (``lengths=None``: ``X`` is one
    sequence), or a list of ``(length, n_features)`` arrays. ``sample``
    returns the same form. EM (Baum-Welch) with ``n_init`` random restarts.

    ``score_samples`` gives one log-likelihood per sequence (the sequence's
    length taken as given), ``transform`` the posterior state probabilities
    of each time step, and ``predict`` the Viterbi path.

    Parameters
    ----------
    n_components : int, default=1
        Number of hidden states.
    covariance_type : {{"spherical", "diag", "full", "tied"}}, default="diag"
        One variance per state, a diagonal or a full covariance per state,
        or one full covariance shared by all states.
    reg_covar : float, default=1e-6
        Added to the diagonal of every covariance, so none becomes singular.
    init : {{"kmeans", "random"}} or dict, default="kmeans"
        Initial means: k-means centres or random training rows; initial
        ``startprob`` and ``transmat`` are random (Dirichlet). A dict gives
        initial values for any of ``startprob``, ``transmat``, ``means``,
        ``covars`` (the others are initialised as for ``"kmeans"``); zeros in
        ``startprob`` and ``transmat`` stay zero (left-to-right models).
{_COMMON_DOC}

    Attributes
    ----------
    means_ : ndarray of shape (n_components, n_features)
    covars_ : ndarray
        ``(n_components,)`` spherical, ``(n_components, n_features)`` diag,
        ``(n_components, n_features, n_features)`` full, ``(n_features, n_features)`` tied.
{_COMMON_ATTRIBUTES}

    See Also
    --------
    GMMHMM : a Gaussian mixture in each state.
    CategoricalHMM : discrete symbols.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import GaussianHMM
    >>> rng = np.random.default_rng(0)
    >>> X = np.concatenate([rng.normal(0, 1, (50, 1)), rng.normal(5, 1, (50, 1))])
    >>> model = GaussianHMM(n_components=2, random_state=0).fit(X, lengths=[60, 40])
    >>> model.score_samples(X, lengths=[60, 40]).shape
    (2,)
    >>> model.transform(X, lengths=[60, 40]).shape
    (100, 2)
    >>> values, lengths = model.sample(3, length=10, random_state=0)
    >>> values.shape, lengths.tolist()
    ((30, 1), [10, 10, 10])
    """

    _parameter_constraints = _GAUSSIAN_CONSTRAINTS
    _emission_attributes = ("means_", "covars_")

    def __init__(
        self,
        n_components=1,
        *,
        covariance_type="diag",
        reg_covar=1e-6,
        init="kmeans",
        startprob_prior=1.0,
        transmat_prior=1.0,
        max_iter=100,
        tol=1e-3,
        n_init=1,
        random_state=None,
        verbose=0,
    ):
        self.n_components = n_components
        self.covariance_type = covariance_type
        self.reg_covar = reg_covar
        self.init = init
        self.startprob_prior = startprob_prior
        self.transmat_prior = transmat_prior
        self.max_iter = max_iter
        self.tol = tol
        self.n_init = n_init
        self.random_state = random_state
        self.verbose = verbose

    def _init_emissions(self, X, rng):
        k = self.n_components
        if self.init == "random":
            self.means_ = X[rng.choice(X.shape[0], size=k, replace=False)].copy()
        else:
            self.means_ = self._kmeans_labels(X, k, rng)[0]
        self.covars_ = _initial_covariances(X, self.covariance_type, k, self.reg_covar)

    def _compute_log_likelihood(self, X):
        return _log_gaussian(X, self.means_, self.covars_, self.covariance_type)

    def _accumulate_sufficient_statistics(self, X, posteriors):
        return {"X": X, "posteriors": posteriors}

    def _do_mstep(self, stats):
        self.means_, self.covars_ = _gaussian_mstep(
            stats["X"],
            stats["posteriors"],
            self.covariance_type,
            self.reg_covar,
            self.means_,
            self.covars_,
        )

    def _generate_sample_from_state(self, states, rng):
        return _sample_gaussian(self.means_, self.covars_, self.covariance_type, states, rng)


class GMMHMM(_BaseHMM):
    __doc__ = f"""Hidden Markov model whose states emit a Gaussian mixture.

    As :class:`GaussianHMM` (same input forms, EM with restarts, scores per
    sequence, posteriors per time step, Viterbi), with a mixture of
    ``n_mix`` Gaussians in each state.

    Parameters
    ----------
    n_components : int, default=1
        Number of hidden states.
    n_mix : int, default=1
        Number of Gaussians in each state's mixture.
    covariance_type : {{"spherical", "diag", "full"}}, default="diag"
    reg_covar : float, default=1e-6
    init : {{"kmeans", "random"}} or dict, default="kmeans"
        ``"kmeans"``: each state's rows are the rows of one k-means cluster,
        and its mixture means are ``n_mix`` of them drawn at random;
        ``"random"``: ``n_mix`` random training rows per state. A dict gives
        initial values for any of ``startprob``, ``transmat``, ``weights``,
        ``means``, ``covars``.
{_COMMON_DOC}

    Attributes
    ----------
    weights_ : ndarray of shape (n_components, n_mix)
    means_ : ndarray of shape (n_components, n_mix, n_features)
    covars_ : ndarray
        ``(n_components, n_mix)`` spherical, ``(n_components, n_mix, n_features)``
        diag, ``(n_components, n_mix, n_features, n_features)`` full.
{_COMMON_ATTRIBUTES}

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import GMMHMM
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(120, 2))
    >>> model = GMMHMM(n_components=2, n_mix=2, random_state=0).fit(X, lengths=[60, 60])
    >>> model.means_.shape
    (2, 2, 2)
    >>> model.predict(X, lengths=[60, 60]).shape
    (120,)
    """

    _parameter_constraints = {
        **_GAUSSIAN_CONSTRAINTS,
        "n_mix": [Interval(Integral, 1, None, closed="left")],
        "covariance_type": [StrOptions({"spherical", "diag", "full"})],
    }
    _emission_attributes = ("weights_", "means_", "covars_")

    def __init__(
        self,
        n_components=1,
        n_mix=1,
        *,
        covariance_type="diag",
        reg_covar=1e-6,
        init="kmeans",
        startprob_prior=1.0,
        transmat_prior=1.0,
        max_iter=100,
        tol=1e-3,
        n_init=1,
        random_state=None,
        verbose=0,
    ):
        self.n_components = n_components
        self.n_mix = n_mix
        self.covariance_type = covariance_type
        self.reg_covar = reg_covar
        self.init = init
        self.startprob_prior = startprob_prior
        self.transmat_prior = transmat_prior
        self.max_iter = max_iter
        self.tol = tol
        self.n_init = n_init
        self.random_state = random_state
        self.verbose = verbose

    def _init_emissions(self, X, rng):
        k, m, d = self.n_components, self.n_mix, X.shape[1]
        if self.init == "random":
            labels = rng.integers(k, size=X.shape[0])
        else:
            labels = self._kmeans_labels(X, k, rng)[1]
        means = np.empty((k, m, d))
        for state in range(k):
            rows = np.flatnonzero(labels == state)
            rows = rows if rows.size else np.arange(X.shape[0])
            means[state] = X[rng.choice(rows, size=m, replace=rows.size < m)]
        self.means_ = means
        self.weights_ = np.full((k, m), 1.0 / m)
        flat = _initial_covariances(X, self.covariance_type, k * m, self.reg_covar)
        self.covars_ = flat.reshape((k, m) + flat.shape[1:])

    def _flat(self):
        k, m = self.n_components, self.n_mix
        return self.means_.reshape(k * m, -1), self.covars_.reshape(
            (k * m,) + self.covars_.shape[2:]
        )

    def _component_log_joint(self, X):
        """``log w_km + log N(x_t; mu_km, Sigma_km)``: shape (n_rows, n_components, n_mix)."""
        means, covars = self._flat()
        log_dens = _log_gaussian(X, means, covars, self.covariance_type)
        with np.errstate(divide="ignore"):
            log_weights = np.log(self.weights_)
        return log_dens.reshape(X.shape[0], self.n_components, self.n_mix) + log_weights

    def _compute_log_likelihood(self, X):
        return logsumexp(self._component_log_joint(X), axis=2)

    def _accumulate_sufficient_statistics(self, X, posteriors):
        joint = self._component_log_joint(X)
        within = np.exp(joint - logsumexp(joint, axis=2, keepdims=True))
        return {"X": X, "posteriors": posteriors, "mix": posteriors[:, :, None] * within}

    def _do_mstep(self, stats):
        k, m = self.n_components, self.n_mix
        mix = stats["mix"]
        mass = mix.sum(axis=0)
        state_mass = mass.sum(axis=1, keepdims=True)
        self.weights_ = np.where(
            state_mass > 0, mass / np.maximum(state_mass, _TINY), self.weights_
        )
        old_means, old_covars = self._flat()
        means, covars = _gaussian_mstep(
            stats["X"],
            mix.reshape(mix.shape[0], k * m),
            self.covariance_type,
            self.reg_covar,
            old_means,
            old_covars,
        )
        self.means_ = means.reshape(k, m, -1)
        self.covars_ = covars.reshape((k, m) + covars.shape[1:])

    def _generate_sample_from_state(self, states, rng):
        mixture = _draw(np.cumsum(self.weights_, axis=1)[states], rng.random(states.size))
        means, covars = self._flat()
        return _sample_gaussian(
            means, covars, self.covariance_type, states * self.n_mix + mixture, rng
        )


class CategoricalHMM(_BaseHMM):
    __doc__ = f"""Hidden Markov model with categorical emissions (discrete symbols).

    Rows are symbols. As in hmmlearn, ``X`` is an ``(n_rows, 1)`` array of
    integer symbols; more generally each distinct row seen in ``fit`` is one
    symbol (``symbols_``), so rows of several columns are joint symbols.
    Samples keep the training dtype (integer symbols stay integers).
    Scoring a row that is no symbol of the model raises
    :class:`~skgen.exceptions.ZeroProbabilityError`.

    Parameters
    ----------
    n_components : int, default=1
        Number of hidden states.
    n_symbols : int or None, default=None
        hmmlearn's convention: the symbols are the integers ``0 .. n_symbols - 1``
        in one column, including any that the training data lack. ``None``:
        the symbols are the distinct rows of the training data.
    emissionprob_prior : float, default=1.0
        Concentration of the symmetric Dirichlet prior on each state's
        emission probabilities (1: maximum likelihood; above 1 smooths).
    init : "random" or dict, default="random"
        Random (Dirichlet) initial probabilities; a dict gives initial
        values for any of ``startprob``, ``transmat``, ``emissionprob``.
{_COMMON_DOC}

    Attributes
    ----------
    symbols_ : ndarray of shape (n_symbols, n_features)
        The symbols, in the order of the columns of ``emissionprob_``.
    emissionprob_ : ndarray of shape (n_components, n_symbols)
{_COMMON_ATTRIBUTES}

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import CategoricalHMM
    >>> X = np.array([[0, 0, 1, 1, 2, 2, 2, 0, 1, 1]]).T
    >>> model = CategoricalHMM(n_components=2, random_state=0).fit(X, lengths=[6, 4])
    >>> model.emissionprob_.shape
    (2, 3)
    >>> values, lengths = model.sample(2, length=5, random_state=0)
    >>> values.dtype == X.dtype, values.shape
    (True, (10, 1))
    """

    _parameter_constraints = {
        **_BaseHMM._parameter_constraints,
        "n_symbols": [Interval(Integral, 1, None, closed="left"), None],
        "emissionprob_prior": [Interval(Real, 0.0, None, closed="neither")],
        "init": [StrOptions({"random"}), dict],
    }
    _emission_attributes = ("emissionprob_",)

    def __init__(
        self,
        n_components=1,
        *,
        n_symbols=None,
        emissionprob_prior=1.0,
        init="random",
        startprob_prior=1.0,
        transmat_prior=1.0,
        max_iter=100,
        tol=1e-3,
        n_init=1,
        random_state=None,
        verbose=0,
    ):
        self.n_components = n_components
        self.n_symbols = n_symbols
        self.emissionprob_prior = emissionprob_prior
        self.init = init
        self.startprob_prior = startprob_prior
        self.transmat_prior = transmat_prior
        self.max_iter = max_iter
        self.tol = tol
        self.n_init = n_init
        self.random_state = random_state
        self.verbose = verbose

    def _prepare(self, X):
        if self.n_symbols is None:
            self.symbols_ = np.unique(X, axis=0)
            return
        if X.shape[1] != 1:
            raise ValueError(
                f"n_symbols={self.n_symbols} means one column of integer symbols; "
                f"X has {X.shape[1]} columns."
            )
        self.symbols_ = np.arange(self.n_symbols, dtype=float)[:, None]
        self._codes(X)  # raises on values that are not symbols

    def _codes(self, X):
        """Index of each row's symbol in ``symbols_``."""
        n = self.symbols_.shape[0]
        both = np.concatenate([self.symbols_, X])
        _, inverse = np.unique(both, axis=0, return_inverse=True)
        inverse = inverse.ravel()
        lookup = np.full(inverse.max() + 1, -1, dtype=np.intp)
        lookup[inverse[:n]] = np.arange(n)
        codes = lookup[inverse[n:]]
        if np.any(codes < 0):
            unseen = np.unique(X[codes < 0], axis=0)[:5]
            raise ZeroProbabilityError(
                f"X has rows that are not symbols of the model: {unseen.tolist()}; "
                "the model gives them no probability (symbols: distinct training rows, "
                "or 0 .. n_symbols - 1)."
            )
        return codes

    def _init_emissions(self, X, rng):
        self.emissionprob_ = rng.dirichlet(np.ones(self.symbols_.shape[0]), size=self.n_components)

    def _compute_log_likelihood(self, X):
        with np.errstate(divide="ignore"):
            return np.log(self.emissionprob_[:, self._codes(X)].T)

    def _accumulate_sufficient_statistics(self, X, posteriors):
        k, m = self.n_components, self.symbols_.shape[0]
        index = self._codes(X)[:, None] * k + np.arange(k)
        counts = np.bincount(index.ravel(), weights=posteriors.ravel(), minlength=m * k)
        return {"counts": counts.reshape(m, k).T}

    def _do_mstep(self, stats):
        counts = np.maximum(self.emissionprob_prior - 1.0 + stats["counts"], 0.0)
        total = counts.sum(axis=1, keepdims=True)
        self.emissionprob_ = np.where(
            total > 0, counts / np.maximum(total, _TINY), self.emissionprob_
        )

    def _generate_sample_from_state(self, states, rng):
        codes = _draw(np.cumsum(self.emissionprob_, axis=1)[states], rng.random(states.size))
        return self.symbols_[codes]
