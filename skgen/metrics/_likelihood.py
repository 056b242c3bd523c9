"""Likelihood-based metrics: they need a model with ``score_samples``."""

import numpy as np

from ..preprocessing import TextCodec

__all__ = ["mean_log_likelihood", "bits_per_character", "bits_per_dim", "perplexity"]


def _log_likelihoods(model, X, score_params):
    if not hasattr(model, "score_samples"):
        raise TypeError(
            f"{type(model).__name__} has no score_samples method; likelihood metrics need one."
        )
    scores = np.asarray(model.score_samples(X, **score_params), dtype=float)
    if scores.ndim != 1:
        raise ValueError(
            f"score_samples returned shape {scores.shape}; expected one value per sample."
        )
    return scores


def _n_features(X):
    shape = getattr(X, "shape", None)
    if shape is None or len(shape) != 2:
        raise ValueError("bits_per_dim needs a 2-D table X.")
    return shape[1]


def mean_log_likelihood(model, X, **score_params):
    """Mean log-likelihood of the rows of ``X`` under a fitted model.

    Higher is better; the range is ``(-inf, +inf)`` for continuous data (a
    density can exceed 1) and ``(-inf, 0]`` for purely discrete data. What the
    number is (exact, a lower bound, an estimate) is the model's
    ``score_kind``. Only compare models on the same data and in the same space.

    Parameters
    ----------
    model : fitted estimator with ``score_samples``
    X : array-like or DataFrame
        Held-out rows.
    **score_params
        Passed to ``score_samples`` (e.g. ``lengths`` for sequence models).

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.neighbors import KernelDensity
    >>> from skgen.metrics import mean_log_likelihood
    >>> X = np.random.default_rng(0).normal(size=(200, 1))
    >>> kde = KernelDensity(bandwidth=0.3).fit(X)
    >>> round(mean_log_likelihood(kde, X), 1)
    -1.4
    """
    return float(np.mean(_log_likelihoods(model, X, score_params)))


def bits_per_dim(model, X, **score_params):
    """Negative mean log-likelihood in bits, divided by the number of features.

    ``-mean(log p(x)) / (n_features * ln 2)``. Lower is better. For discrete
    data (e.g. 8-bit pixels scored with a discrete likelihood) the range is
    ``[0, +inf)``; for continuous densities it is unbounded below. Published
    image figures score dequantised pixels in ``[0, 256)``: scale the data the
    same way before comparing with them.

    Parameters
    ----------
    model : fitted estimator with ``score_samples``
    X : array-like of shape (n_samples, n_features)
    **score_params
        Passed to ``score_samples``.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from sklearn.neighbors import KernelDensity
    >>> from skgen.metrics import bits_per_dim
    >>> X = np.random.default_rng(0).normal(size=(200, 2))
    >>> kde = KernelDensity(bandwidth=0.3).fit(X)
    >>> bool(bits_per_dim(kde, X) > 0)
    True
    """
    mean_ll = mean_log_likelihood(model, X, **score_params)
    return float(-mean_ll / (_n_features(X) * np.log(2.0)))


def _nll_per_token(model, X, n_tokens, score_params):
    """Total negative log-likelihood (nats) of ``X`` divided by its number of tokens."""
    log_likelihoods = _log_likelihoods(model, X, score_params)
    if n_tokens is None:
        if TextCodec.claims(X, score_params.get("lengths")):
            # Each document's symbols and its end symbol.
            n_tokens = sum(len(document) + 1 for document in X)
        elif score_params.get("lengths") is not None:
            n_tokens = np.sum(score_params["lengths"])
        else:
            n_tokens = len(X)
    total_tokens = float(np.sum(n_tokens))
    if total_tokens <= 0:
        raise ValueError(f"n_tokens must be positive, got {total_tokens}.")
    return -float(np.sum(log_likelihoods)) / total_tokens


def perplexity(model, X, *, n_tokens=None, **score_params):
    """Perplexity of a sequence or text model: ``exp(-total log-likelihood / n_tokens)``.

    The exponential of the mean negative log-likelihood per token. Lower is
    better; the range is ``[1, +inf)``, and a model that guesses uniformly
    among ``V`` symbols has perplexity ``V``.

    Parameters
    ----------
    model : fitted estimator whose ``score_samples`` gives each sequence's
        total log-likelihood (natural log)
    X : sequences as the model takes them (a list of strings or of integer
        token sequences for a language model, concatenated rows with
        ``lengths=`` for an HMM)
    n_tokens : int or array-like, default=None
        Number of scored tokens in all, or per sequence. By default: for text
        (a list of strings or of token sequences), the number of characters
        or tokens of each document plus one for its end symbol, which
        language models score too (as the newline that ends each line of a
        text file); the sum of ``lengths`` when given; else the number of
        rows of ``X``.
    **score_params
        Passed to ``score_samples``.

    Returns
    -------
    float

    See Also
    --------
    bits_per_character : the same figure as ``log2(perplexity)``.

    Examples
    --------
    A model that gives every one of 4 symbols probability 1/4 has perplexity 4:

    >>> import numpy as np
    >>> from skgen.metrics import perplexity
    >>> class Uniform:
    ...     def score_samples(self, X):
    ...         return np.array([(len(s) + 1) * np.log(0.25) for s in X])
    >>> round(perplexity(Uniform(), ["acgt", "gattaca"]), 6)
    4.0
    """
    return float(np.exp(_nll_per_token(model, X, n_tokens, score_params)))


def bits_per_character(model, X, *, n_tokens=None, **score_params):
    """Mean negative log-likelihood per character (or token) of a text model, in bits.

    ``-total log-likelihood / (n_tokens ln 2)`` = ``log2(perplexity)``. Each
    document's end symbol counts as one character, as the newline that ends
    a line of a text file does in the usual figures (e.g. character-level
    language models on a text file). Lower is better; uniform guessing among
    ``V`` symbols gives ``log2(V)``. Convert from nats per character (the
    cross-entropy losses that training logs report) by dividing by ``ln 2``.

    Parameters
    ----------
    model : fitted estimator whose ``score_samples`` gives each document's
        log-probability, its end included
    X : list of str or list of integer token sequences
    n_tokens : int or array-like, default=None
        As in :func:`perplexity`: by default each document's length plus one.
    **score_params
        Passed to ``score_samples``.

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import bits_per_character
    >>> class Uniform:
    ...     def score_samples(self, X):
    ...         return np.array([(len(s) + 1) * np.log(0.25) for s in X])
    >>> round(bits_per_character(Uniform(), ["acgt", "gattaca"]), 6)
    2.0
    """
    return float(_nll_per_token(model, X, n_tokens, score_params) / np.log(2.0))
