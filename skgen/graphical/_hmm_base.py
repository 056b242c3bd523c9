"""Hidden Markov models: EM (Baum-Welch), forward-backward and Viterbi, written once.

An emission model (a subclass of :class:`_BaseHMM`) supplies, as hmmlearn's
emission classes do:

- ``_init_emissions(X, rng)``: initial emission parameters (one restart);
- ``_compute_log_likelihood(X)``: ``log p(x_t | state)``, shape ``(n_rows, n_states)``;
- ``_accumulate_sufficient_statistics(X, posteriors)``: what its M-step needs;
- ``_do_mstep(stats)``: update the emission parameters;
- ``_generate_sample_from_state(states, rng)``: one row per state drawn;
- ``_emission_attributes``: the names of its fitted parameters.

The forward-backward pass runs on every sequence at once. The sequences are
laid end to end as one chain whose transition at the first row of a sequence
is a *reset* to the initial distribution, and the chain is cut into chunks
that are processed side by side (vectorised over chunks and states): the
transfer matrix of each chunk, then the state distribution at the chunk
boundaries (a short loop over chunks), then the exact scaled recursion inside
all chunks at once. Emissions enter in log space, shifted by their maximum at
each time step, and the recursion is normalised at every step, so the
log-likelihood is the sum of the log normalisers: the log-space recursion,
without its ``logsumexp`` at every step. If a step still underflows (a time
step that no state can explain given the last one), that pass is redone with
the plain log-space recursion (``logsumexp`` over states at each time step).
"""

from numbers import Integral, Real

import numpy as np
from scipy.special import logsumexp
from sklearn.cluster import KMeans

from ..base import BaseGenerator, LatentMixin
from ..preprocessing import Sequences
from ..utils._sklearn import Interval, StrOptions

__all__ = ["_BaseHMM", "forward_backward", "forward_backward_log", "viterbi"]


# ---------------------------------------------------------------- inference
#: Chunk transfer matrices are rescaled every few steps: each step shrinks an
#: entry by at most the smallest transition or relative emission probability,
#: far from underflow in so few steps (an underflow is detected and redone in
#: log space).
_RESCALE_EVERY = 4


def _boundaries(lengths, n_total):
    """Masks of the rows that start and that end a sequence."""
    starts = np.zeros(n_total, dtype=bool)
    ends = np.zeros(n_total, dtype=bool)
    stops = np.cumsum(lengths)
    starts[stops - lengths] = True
    ends[stops - 1] = True
    return starts, ends


def _chunking(n_total):
    """Chunk length ``L`` and number of chunks ``C`` with ``C * L >= n_total``."""
    length = max(8, int(np.sqrt(n_total / 2.0)))
    return length, -(-n_total // length)


def _transfer_matrices(frame, resets, matrix, reset_vector, emit_first, order):
    """Product of the step matrices of every chunk, all chunks at once.

    Forward (``emit_first=False``) a step is ``P -> P R diag(b_t)``; backward,
    on transposed products, ``G -> G diag(b_t) R``; ``R`` is ``matrix``, or at
    a reset the rank-one ``1 reset_vector^T``. Rows are rescaled every
    :data:`_RESCALE_EVERY` steps (sums through one matrix product, the cheap
    reduction on small trailing axes) and the products come back with their
    rows in their true ratios, so only the common scale of a row set is lost.
    """
    n_chunks, length, k = frame.shape
    product = np.broadcast_to(np.eye(k), (n_chunks, k, k)).copy()
    log_rows = np.zeros((n_chunks, k, 1))
    ones = np.ones(k)
    any_reset = resets.any(axis=0)
    for count, j in enumerate(order):
        emit = frame[:, j, None, :]
        pre = product * emit if emit_first else product
        stepped = (pre.reshape(-1, k) @ matrix).reshape(n_chunks, k, k)
        if any_reset[j]:
            sums = (pre.reshape(-1, k) @ ones).reshape(n_chunks, k, 1)
            stepped = np.where(resets[:, j, None, None], sums * reset_vector, stepped)
        product = stepped if emit_first else stepped * emit
        if count % _RESCALE_EVERY == _RESCALE_EVERY - 1 or count == length - 1:
            sums = (product.reshape(-1, k) @ ones).reshape(n_chunks, k, 1)
            positive = sums > 0
            product /= np.where(positive, sums, 1.0)
            log_rows += np.where(positive, np.log(np.where(positive, sums, 1.0)), -np.inf)
    product *= np.exp(log_rows - log_rows.max(axis=1, keepdims=True))
    return product


def forward_backward(log_frameprob, lengths, startprob, transmat):
    """Scaled forward-backward over sequences laid end to end, vectorised over chunks.

    Parameters
    ----------
    log_frameprob : ndarray of shape (n_total, n_states)
        ``log p(x_t | state)`` for every row of every sequence.
    lengths : ndarray of shape (n_sequences,)
    startprob : ndarray of shape (n_states,)
    transmat : ndarray of shape (n_states, n_states)

    Returns
    -------
    log_likelihood : ndarray of shape (n_sequences,)
    posteriors : ndarray of shape (n_total, n_states)
        ``P(state at t | its sequence)``.
    xi_sum : ndarray of shape (n_states, n_states)
        Expected number of transitions ``i -> j`` over all sequences.
    """
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        return _forward_backward_scaled(log_frameprob, lengths, startprob, transmat)


def _forward_backward_scaled(log_frameprob, lengths, startprob, transmat):
    n_total, k = log_frameprob.shape
    starts, ends = _boundaries(lengths, n_total)
    shift = log_frameprob.max(axis=1)
    if not np.all(np.isfinite(shift)):
        return forward_backward_log(log_frameprob, lengths, startprob, transmat)
    frame = np.exp(log_frameprob - shift[:, None])
    length, n_chunks = _chunking(n_total)
    pad = n_chunks * length - n_total
    # Padding rows: emissions of 1, each a sequence of its own (they touch nothing real).
    frame_p = np.concatenate([frame, np.ones((pad, k))]).reshape(n_chunks, length, k)
    starts_p = np.concatenate([starts, np.ones(pad, bool)]).reshape(n_chunks, length)
    ends_p = np.concatenate([ends, np.ones(pad, bool)]).reshape(n_chunks, length)
    # beta_{t-1} is reset (to 1) where row t - 1 ends a sequence.
    ends_before = np.concatenate([[True], ends_p.ravel()[:-1]]).reshape(n_chunks, length)
    ones = np.ones(k)

    # ---- forward: alpha_t = (alpha_{t-1} A, or pi at a start) * b_t / c_t.
    # Phase 1: each chunk's transfer matrix; phase 2: the distribution entering
    # each chunk (a loop over chunks); phase 3: the recursion in all chunks at once.
    product = _transfer_matrices(frame_p, starts_p, transmat, startprob, False, range(length))
    entering = np.empty((n_chunks, k))
    alpha = np.full(k, 1.0 / k)
    for c in range(n_chunks):
        entering[c] = alpha
        alpha = alpha @ product[c]
        total = alpha @ ones
        if not total > 0:  # underflow: the mass sat on rows negligible next to others
            return forward_backward_log(log_frameprob, lengths, startprob, transmat)
        alpha /= total
    fwd = np.empty((n_chunks, length, k))
    scale = np.empty((n_chunks, length))
    any_start = starts_p.any(axis=0)
    alpha = entering
    for j in range(length):
        predicted = alpha @ transmat
        if any_start[j]:
            predicted = np.where(starts_p[:, j, None], startprob, predicted)
        alpha = predicted * frame_p[:, j]
        scale[:, j] = alpha @ ones
        alpha /= scale[:, j, None]
        fwd[:, j] = alpha
    if not np.all(scale > 0) or not np.all(np.isfinite(scale)):
        return forward_backward_log(log_frameprob, lengths, startprob, transmat)

    # ---- backward: beta_{t-1} = A (b_t * beta_t) / c_t, 1 where t - 1 ends a sequence.
    # Transposed products G = P^T, so each step is again a row-major product.
    product = _transfer_matrices(
        frame_p, ends_before, transmat.T, ones, True, range(length - 1, -1, -1)
    )
    leaving = np.empty((n_chunks, k))
    beta = ones
    for c in range(n_chunks - 1, 0, -1):
        leaving[c] = beta
        beta = beta @ product[c]
        norm = fwd[c - 1, -1] @ beta  # scaled so that sum(alpha * beta) = 1
        if not norm > 0:
            return forward_backward_log(log_frameprob, lengths, startprob, transmat)
        beta = beta / norm
    leaving[0] = beta
    bwd = np.empty((n_chunks, length, k))
    any_end = ends_p.any(axis=0)
    beta = leaving
    for j in range(length - 1, -1, -1):
        bwd[:, j] = beta
        if j:
            beta = (frame_p[:, j] * beta) @ transmat.T / scale[:, j, None]
            if any_end[j - 1]:
                beta = np.where(ends_p[:, j - 1, None], 1.0, beta)

    fwd = fwd.reshape(-1, k)[:n_total]
    bwd = bwd.reshape(-1, k)[:n_total]
    scale = scale.ravel()[:n_total]
    posteriors = fwd * bwd
    posteriors /= (posteriors @ ones)[:, None]
    after = np.flatnonzero(~starts)
    weighted = frame[after] * bwd[after] / scale[after, None]
    xi_sum = transmat * (fwd[after - 1].T @ weighted)
    log_likelihood = np.add.reduceat(np.log(scale) + shift, np.cumsum(lengths) - lengths)
    return log_likelihood, posteriors, xi_sum


def forward_backward_log(log_frameprob, lengths, startprob, transmat):
    """The same as :func:`forward_backward` in plain log space (a loop over time steps,
    vectorised over states): the fallback where scaling underflows, and a reference."""
    n_total, k = log_frameprob.shape
    starts, ends = _boundaries(lengths, n_total)
    with np.errstate(divide="ignore"):
        log_pi, log_a = np.log(startprob), np.log(transmat)
    fwd = np.empty((n_total, k))
    for t in range(n_total):
        if starts[t]:
            fwd[t] = log_pi + log_frameprob[t]
        else:
            fwd[t] = logsumexp(fwd[t - 1][:, None] + log_a, axis=0) + log_frameprob[t]
    bwd = np.empty((n_total, k))
    for t in range(n_total - 1, -1, -1):
        if ends[t]:
            bwd[t] = 0.0
        else:
            bwd[t] = logsumexp(log_a + (log_frameprob[t + 1] + bwd[t + 1])[None, :], axis=1)
    seq = np.repeat(np.arange(lengths.size), lengths)
    log_likelihood = logsumexp(fwd[ends], axis=1)
    log_gamma = fwd + bwd - log_likelihood[seq, None]
    posteriors = np.exp(log_gamma - logsumexp(log_gamma, axis=1, keepdims=True))
    after = np.flatnonzero(~starts)
    log_xi = (
        fwd[after - 1][:, :, None]
        + log_a[None]
        + (log_frameprob[after] + bwd[after])[:, None, :]
        - log_likelihood[seq[after], None, None]
    )
    xi_sum = np.exp(logsumexp(log_xi, axis=0)) if after.size else np.zeros((k, k))
    return log_likelihood, posteriors, xi_sum


def viterbi(log_frameprob, lengths, startprob, transmat):
    """Most likely state path of each sequence and its log-probability.

    The sequences are padded side by side, so the loops run over the time
    steps of the longest one, vectorised over sequences and states.
    """
    data = Sequences(log_frameprob, np.asarray(lengths, dtype=np.int64))
    padded = data.padded(fill=0.0)  # (n_sequences, max_length, n_states)
    n_seq, width, k = padded.shape
    with np.errstate(divide="ignore"):
        log_pi, log_a = np.log(startprob), np.log(transmat)
    pointers = np.zeros((n_seq, width, k), dtype=np.intp)
    deltas = np.empty((n_seq, width, k))
    deltas[:, 0] = log_pi + padded[:, 0]
    for t in range(1, width):
        scores = deltas[:, t - 1, :, None] + log_a
        pointers[:, t] = scores.argmax(axis=1)
        deltas[:, t] = scores.max(axis=1) + padded[:, t]
    rows = np.arange(n_seq)
    last = deltas[rows, data.lengths - 1]
    path = np.zeros((n_seq, width), dtype=np.intp)
    path[rows, data.lengths - 1] = last.argmax(axis=1)
    for t in range(width - 2, -1, -1):
        inside = data.lengths - 1 > t  # sequences that go on after t follow the pointer
        path[:, t] = np.where(inside, pointers[rows, t + 1, path[:, t + 1]], path[:, t])
    return Sequences.from_padded(path, data.lengths).values, last.max(axis=1)


# -------------------------------------------------------------------- model
class _BaseHMM(LatentMixin, BaseGenerator):
    """EM, scoring, posteriors, Viterbi and sampling of every hidden Markov model.

    Subclasses implement the emission hooks listed in the module docstring.
    """

    _data_kinds = ("sequence",)
    _parameter_constraints = {
        **BaseGenerator._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "startprob_prior": [Interval(Real, 0.0, None, closed="neither")],
        "transmat_prior": [Interval(Real, 0.0, None, closed="neither")],
        "max_iter": [Interval(Integral, 0, None, closed="left")],
        "tol": [Real],
        "n_init": [Interval(Integral, 1, None, closed="left")],
        "init": [StrOptions({"kmeans", "random"}), dict],
        "verbose": ["verbose"],
    }
    #: Names of the emission model's fitted parameters (besides startprob_, transmat_).
    _emission_attributes = ()

    # ------------------------------------------------------------ fitting
    def _fit(self, data, seed):
        X, lengths = data.values, data.lengths
        if X.shape[0] < self.n_components:
            raise ValueError(
                f"n_samples={X.shape[0]} should be >= n_components={self.n_components}: "
                "each state needs at least one row to start from."
            )
        self._prepare(X)
        rng = np.random.default_rng(seed)
        best = None
        for restart in range(self.n_init):
            state = self._run_em(X, lengths, np.random.default_rng(rng.integers(2**31 - 1)))
            if best is None or state["log_likelihood_"] > best["log_likelihood_"]:
                best = state
            if self.verbose:
                print(
                    f"init {restart + 1}/{self.n_init}: log-likelihood {state['log_likelihood_']:.6g}"
                )
        for name, value in best.items():
            setattr(self, name, value)

    def _prepare(self, X):
        """Set what the emission model learns from the training rows before any restart."""

    def _run_em(self, X, lengths, rng):
        self._initialise(X, lengths, rng)
        history, converged = [], False
        n_rows = X.shape[0]
        for iteration in range(self.max_iter):
            log_likelihood, posteriors, xi_sum = self._forward_backward(X, lengths)
            total = float(log_likelihood.sum())
            if not np.isfinite(total):
                raise ValueError(
                    "EM diverged: the log-likelihood is not finite (a state may have "
                    "collapsed onto a single point). Raise reg_covar, give the data more "
                    "rows per state, or use fewer n_components."
                )
            starts = np.cumsum(lengths) - lengths
            self._do_transition_mstep(posteriors[starts].sum(axis=0), xi_sum)
            self._do_mstep(self._accumulate_sufficient_statistics(X, posteriors))
            history.append(total)
            if self.verbose > 1:
                print(f"  iteration {iteration + 1}: log-likelihood {total:.6g}")
            if len(history) >= 2 and (history[-1] - history[-2]) / n_rows < self.tol:
                converged = True
                break
        final = float(self._forward_backward(X, lengths)[0].sum())
        state = {name: getattr(self, name) for name in self._fitted_attributes()}
        state.update(
            log_likelihood_=final,
            history_=np.array(history),
            n_iter_=len(history),
            converged_=converged,
        )
        return state

    def _fitted_attributes(self):
        return ("startprob_", "transmat_") + tuple(self._emission_attributes)

    def _initialise(self, X, lengths, rng):
        k = self.n_components
        init = self.init if isinstance(self.init, dict) else {}
        unknown = set(init) - {name.rstrip("_") for name in self._fitted_attributes()}
        if unknown:
            raise ValueError(
                f"init names unknown parameters {sorted(unknown)}; "
                f"known: {sorted(a.rstrip('_') for a in self._fitted_attributes())}."
            )
        self.startprob_ = rng.dirichlet(np.full(k, 1.0 / k))
        self.transmat_ = rng.dirichlet(np.full(k, 1.0 / k), size=k)
        self._init_emissions(X, rng)
        for name, value in init.items():
            setattr(self, name + "_", np.array(value, dtype=float, copy=True))
        self._check_probabilities()

    def _check_probabilities(self):
        k = self.n_components
        if self.startprob_.shape != (k,) or not np.isclose(self.startprob_.sum(), 1.0):
            raise ValueError(f"startprob must be {k} probabilities adding up to 1.")
        if self.transmat_.shape != (k, k) or not np.allclose(self.transmat_.sum(axis=1), 1.0):
            raise ValueError(f"transmat must be a ({k}, {k}) matrix whose rows add up to 1.")

    def _kmeans_labels(self, X, n_clusters, rng):
        """Cluster centres and labels of ``X`` (k-means, seeded by ``rng``)."""
        kmeans = KMeans(n_clusters, n_init=1, random_state=int(rng.integers(2**31 - 1)))
        labels = kmeans.fit_predict(X)
        return kmeans.cluster_centers_, labels

    def _do_transition_mstep(self, start_counts, xi_sum):
        # Dirichlet priors (1: maximum likelihood); zeros stay zeros, so a
        # left-to-right transition matrix given in ``init`` keeps its shape.
        start = np.maximum(self.startprob_prior - 1.0 + start_counts, 0.0)
        start = np.where(self.startprob_ == 0, 0.0, start)
        trans = np.maximum(self.transmat_prior - 1.0 + xi_sum, 0.0)
        trans = np.where(self.transmat_ == 0, 0.0, trans)
        self.startprob_ = _normalise(start, self.startprob_)
        self.transmat_ = _normalise(trans, self.transmat_)

    def _forward_backward(self, X, lengths):
        return forward_backward(
            self._compute_log_likelihood(X), lengths, self.startprob_, self.transmat_
        )

    # ------------------------------------------------------------ the contract
    def _score_samples(self, data):
        return self._forward_backward(data.values, data.lengths)[0]

    def _transform(self, data):
        return self._forward_backward(data.values, data.lengths)[1]

    def predict(self, X, lengths=None):
        """Most likely state of each row (Viterbi path of each sequence).

        Parameters
        ----------
        X : array-like of shape (n_rows, n_features), or a list of sequences
        lengths : array-like of int, default=None
            Length of each sequence in ``X`` (``None``: one sequence).

        Returns
        -------
        states : ndarray of shape (n_rows,)
        """
        data = self._validate_input(X, lengths=lengths)
        return self._viterbi(data)[0]

    def decode(self, X, lengths=None):
        """Viterbi path and its log-probability ``log p(x, path)``, summed over sequences
        (as hmmlearn's ``decode``).

        Returns
        -------
        log_prob : float
        states : ndarray of shape (n_rows,)
        """
        data = self._validate_input(X, lengths=lengths)
        states, log_prob = self._viterbi(data)
        return float(log_prob.sum()), states

    def _viterbi(self, data):
        return viterbi(
            self._compute_log_likelihood(data.values),
            data.lengths,
            self.startprob_,
            self.transmat_,
        )

    def _sample(self, n_samples, rng, lengths):
        states = self._sample_states(lengths, rng)
        return Sequences(self._generate_sample_from_state(states, rng), lengths)

    def _sample_states(self, lengths, rng):
        """State paths of ``len(lengths)`` sequences, drawn side by side."""
        n_seq, width = lengths.size, int(lengths.max())
        cumulative = np.cumsum(self.transmat_, axis=1)
        paths = np.empty((n_seq, width), dtype=np.intp)
        paths[:, 0] = _draw(np.cumsum(self.startprob_)[None, :], rng.random(n_seq))
        uniforms = rng.random((n_seq, width))
        for t in range(1, width):
            paths[:, t] = _draw(cumulative[paths[:, t - 1]], uniforms[:, t])
        return Sequences.from_padded(paths, lengths).values


def _draw(cumulative, uniforms):
    """Index drawn from each row of cumulative probabilities (inverse CDF)."""
    index = (uniforms[:, None] > cumulative).sum(axis=1)
    return np.minimum(index, cumulative.shape[1] - 1)


def _normalise(counts, fallback):
    """Rows of ``counts`` scaled to add up to 1; a row of zeros keeps ``fallback``'s values."""
    total = counts.sum(axis=-1, keepdims=True)
    return np.where(total > 0, counts / np.where(total > 0, total, 1.0), fallback)
