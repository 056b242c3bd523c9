"""Character or token n-gram language model with interpolated Kneser-Ney smoothing."""

from numbers import Integral, Real

import numpy as np

from ..base import BaseGenerator, LatentMixin
from ..preprocessing import Sequences
from ..utils import check_text_sampling
from ..utils._sklearn import Interval, StrOptions

__all__ = ["NGramLM"]


class _SuffixIds:
    """Integer ids of the suffixes of rows of symbols: a suffix trie held in sorted arrays.

    The suffix of length ``L`` of a row gets the id of the pair (id of its
    suffix of length ``L - 1``, the symbol before it) in the table of the
    pairs seen in ``fit``; ``lookup`` gives ``-1`` for a suffix never seen.
    """

    def __init__(self, base):
        self.base = base
        self.keys = []

    def fit(self, rows):
        ids, out = np.zeros(rows.shape[0], dtype=np.int64), []
        for length in range(1, rows.shape[1] + 1):
            unique, ids = np.unique(ids * self.base + rows[:, -length], return_inverse=True)
            self.keys.append(unique)
            out.append(ids.astype(np.int64))
        return out

    def lookup(self, rows):
        ids, known, out = np.zeros(rows.shape[0], dtype=np.int64), True, []
        for length in range(1, rows.shape[1] + 1):
            keys, table = ids * self.base + rows[:, -length], self.keys[length - 1]
            position = np.minimum(np.searchsorted(table, keys), table.size - 1)
            known = known & (table[position] == keys)
            ids = np.where(known, position, 0)
            out.append(np.where(known, position, -1))
        return out


def _first_occurrence(ids, n_ids):
    first = np.empty(n_ids, dtype=np.int64)
    first[ids[::-1]] = np.arange(ids.size - 1, -1, -1)
    return first


def _kneser_ney_discounts(counts):
    """Chen and Goodman's estimates of the discounts of counts 1, 2 and 3+ (modified KN)."""
    n = np.bincount(np.minimum(counts, 4), minlength=5)[1:].astype(float)  # n1 .. n4
    y = n[0] / (n[0] + 2 * n[1]) if n[0] + 2 * n[1] > 0 else 0.5
    discounts = np.empty(3)
    for c in (1, 2, 3):
        estimate = c - (c + 1) * y * n[c] / n[c - 1] if n[c - 1] > 0 else y
        # Each discount must leave mass for the lower orders and not exceed its count.
        discounts[c - 1] = np.clip(estimate, 0.05, c - 0.01 if c == 1 else c)
    return discounts


class NGramLM(LatentMixin, BaseGenerator):
    """Character or token n-gram language model with interpolated Kneser-Ney smoothing.

    A document ``x_1 .. x_L`` is padded with ``order - 1`` begin symbols and
    ends with an end symbol; its probability is the product of
    ``P(x_t | x_{t-order+1} .. x_{t-1})`` over its symbols and its end.
    The conditionals are interpolated Kneser-Ney estimates (Chen and Goodman,
    1999): at each order ``k``, with ``a(h, w)`` the count of the k-gram
    ``(h, w)`` (the highest order and n-grams that start with the begin
    symbol) or its number of distinct left extensions (lower orders)::

        P_k(w | h) = max(a(h, w) - D_k(a), 0) / a(h) + gamma_k(h) P_{k-1}(w | h')

    where ``h'`` drops the oldest symbol of ``h``, ``gamma_k(h)`` is the
    discounted mass ``sum_w D_k(a(h, w)) / a(h)``, and a context never seen
    backs off to ``P_{k-1}`` entirely. The recursion ends in the uniform
    distribution over every symbol, the unknown symbol and the end, so every
    conditional is positive and sums to 1 over those outcomes.

    Unseen symbols: the vocabulary is the training documents' characters (or
    token values); any other symbol is scored as the one unknown symbol of
    :class:`skgen.preprocessing.TextCodec`, whose probability comes from the
    uniform base distribution (it stands for the whole class of unseen
    symbols). Samples never contain it.

    ``score_samples`` is the exact log-probability of each document, its end
    included (``score_kind = "exact"``); ``transform`` gives hashed counts of
    the document's 1- to ``order``-grams (the ones the model scores, begin
    and end symbols included), so ``make_pipeline(NGramLM(), LogisticRegression())``
    classifies text.

    Parameters
    ----------
    order : int, default=5
        Length of the n-grams: each symbol is predicted from the
        ``order - 1`` symbols before it.
    discount : "auto" or float in (0, 1], default="auto"
        ``"auto"``: modified Kneser-Ney, three discounts per order (for
        counts 1, 2 and 3 or more) estimated from the counts of counts as in
        Chen and Goodman; a float: that one discount for every count and order.
    n_features : int, default=1024
        Number of hashed count features of ``transform``.
    random_state : int, RandomState instance or None, default=None
        Seeds the default sampling generator.

    Attributes
    ----------
    codec_ : skgen.preprocessing.TextCodec
        The vocabulary (``codec_.vocabulary``, ``codec_.n_symbols`` with the
        unknown symbol).
    discounts_ : ndarray of shape (order, 3)
        Discounts of counts 1, 2 and 3+ at each order (row ``k - 1``: order ``k``).
    n_ngrams_ : ndarray of shape (order,)
        Distinct k-grams seen, for k = 1 .. order.

    See Also
    --------
    TransformerLM : a neural language model with the same interface.

    References
    ----------
    Kneser and Ney, "Improved backing-off for m-gram language modeling", ICASSP 1995.
    Chen and Goodman, "An empirical study of smoothing techniques for language
    modeling", Computer Speech and Language 13, 1999.

    Examples
    --------
    >>> from skgen import NGramLM
    >>> names = ["anna", "hannah", "ada", "otto", "bob", "eve", "anne", "nan"]
    >>> lm = NGramLM(order=3, random_state=0).fit(names)
    >>> samples = lm.sample(3, max_length=12, random_state=0)
    >>> len(samples), all(isinstance(s, str) for s in samples)
    (3, True)
    >>> bool(lm.score_samples(["anna"])[0] > lm.score_samples(["xqz"])[0])
    True
    >>> lm.sample(2, prompt="ha", random_state=0)[0].startswith("ha")
    True
    >>> lm.transform(names).shape
    (8, 1024)
    """

    score_kind = "exact"
    _data_kinds = ("text",)
    _parameter_constraints = {
        **BaseGenerator._parameter_constraints,
        "order": [Interval(Integral, 1, None, closed="left")],
        "discount": [StrOptions({"auto"}), Interval(Real, 0, 1, closed="right")],
        "n_features": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(self, order=5, *, discount="auto", n_features=1024, random_state=None):
        self.order = order
        self.discount = discount
        self.n_features = n_features
        self.random_state = random_state

    # ----------------------------------------------------------- symbols
    @property
    def _end(self):
        return self.codec_.n_symbols

    @property
    def _begin(self):
        return self.codec_.n_symbols + 1

    def _windows(self, data):
        """The ``order`` symbols ending at each scored position (every symbol and each end).

        Returns the ``(n_positions, order)`` windows and the document of each.
        """
        n, lengths = self.order, data.lengths
        padded_lengths = lengths + n  # n - 1 begin symbols, the symbols, the end
        offsets = np.concatenate([[0], np.cumsum(padded_lengths)[:-1]]).astype(np.int64)
        sequence = np.full(int(padded_lengths.sum()), self._begin, dtype=np.int64)
        document = np.repeat(np.arange(lengths.size), lengths + 1)
        position = np.arange(document.size) - np.repeat(
            np.concatenate([[0], np.cumsum(lengths + 1)[:-1]]), lengths + 1
        )
        targets = offsets[document] + n - 1 + position
        is_end = position == lengths[document]
        symbols = np.full(targets.size, self._end, dtype=np.int64)
        symbols[~is_end] = data.values
        sequence[targets] = symbols
        windows = sequence[targets[:, None] + np.arange(1 - n, 1)]
        return windows, document

    # --------------------------------------------------------------- fit
    def _fit(self, data, seed):
        windows, _ = self._windows(data)
        n, base = self.order, self.codec_.n_symbols + 2
        self._grams_ = _SuffixIds(base)
        self._contexts_ = _SuffixIds(base)
        gram_ids = self._grams_.fit(windows)
        context_ids = self._contexts_.fit(windows[:, :-1])
        self._alpha_, self._gamma_ = [], []
        self.discounts_ = np.zeros((n, 3))
        self.n_ngrams_ = np.array([keys.size for keys in self._grams_.keys])
        for k in range(1, n + 1):
            ids, n_grams = gram_ids[k - 1], self._grams_.keys[k - 1].size
            first = _first_occurrence(ids, n_grams)
            counts = np.bincount(ids, minlength=n_grams)
            if k < n:
                # Continuation counts: distinct symbols seen before the k-gram.
                longer = gram_ids[k]
                extensions = ids[_first_occurrence(longer, self._grams_.keys[k].size)]
                continuation = np.bincount(extensions, minlength=n_grams)
                starts_with_begin = windows[first, n - k] == self._begin
                counts = np.where(starts_with_begin, counts, continuation)
            if self.discount == "auto":
                self.discounts_[k - 1] = _kneser_ney_discounts(counts)
            else:
                self.discounts_[k - 1] = float(self.discount)
            discount = np.concatenate([[0.0], self.discounts_[k - 1]])[np.minimum(counts, 3)]
            context = context_ids[k - 2][first] if k > 1 else np.zeros(n_grams, dtype=np.int64)
            n_contexts = self._contexts_.keys[k - 2].size if k > 1 else 1
            total = np.bincount(context, weights=counts, minlength=n_contexts)
            self._alpha_.append((counts - discount) / total[context])
            self._gamma_.append(
                np.bincount(context, weights=discount, minlength=n_contexts) / total
            )

    # ----------------------------------------------------------- scoring
    def _probabilities(self, windows):
        """``P(last symbol of each window | the symbols before it)``."""
        gram_ids = self._grams_.lookup(windows)
        context_ids = self._contexts_.lookup(windows[:, :-1])
        p = np.full(windows.shape[0], 1.0 / (self.codec_.n_symbols + 1))
        for k in range(1, self.order + 1):
            g = gram_ids[k - 1]
            alpha = np.where(g >= 0, self._alpha_[k - 1][np.maximum(g, 0)], 0.0)
            if k == 1:
                p = alpha + self._gamma_[0][0] * p
                continue
            c = context_ids[k - 2]
            gamma = self._gamma_[k - 1][np.maximum(c, 0)]
            p = np.where(c >= 0, alpha + gamma * p, p)
        return p

    def _score_samples(self, data):
        windows, document = self._windows(data)
        log_p = np.log(self._probabilities(windows))
        return np.bincount(document, weights=log_p, minlength=data.n_sequences)

    def _next_probabilities(self, contexts):
        """``(n_contexts, n_symbols + 1)``: the next symbol's distribution (codes, then the end)."""
        n_outcomes = self.codec_.n_symbols + 1
        windows = np.concatenate(
            [
                np.repeat(contexts, n_outcomes, axis=0),
                np.tile(np.arange(n_outcomes), len(contexts))[:, None],
            ],
            axis=1,
        )
        return self._probabilities(windows).reshape(len(contexts), n_outcomes)

    # ---------------------------------------------------------- sampling
    def _sample(self, n_samples, rng, max_length=None, prompt=None, temperature=1.0, top_k=None):
        prompt = np.zeros(0, dtype=np.int64) if prompt is None else np.asarray(prompt, np.int64)
        n_new = check_text_sampling(
            max_length, prompt.size, self.codec_.longest, temperature, top_k
        )
        history = np.concatenate([np.full(self.order - 1, self._begin), prompt])
        contexts = np.tile(history[history.size - (self.order - 1) :], (n_samples, 1))
        drawn = np.zeros((n_samples, n_new), dtype=np.int64)
        lengths = np.full(n_samples, n_new, dtype=np.int64)
        alive = np.ones(n_samples, dtype=bool)
        for t in range(n_new):
            rows = np.flatnonzero(alive)
            if rows.size == 0:
                break
            unique, inverse = np.unique(contexts[rows], axis=0, return_inverse=True)
            probs = _restrict(
                self._next_probabilities(unique), self.codec_.unknown_code, temperature, top_k
            )
            cumulative = np.cumsum(probs, axis=1)[inverse.ravel()]
            u = rng.random(rows.size) * cumulative[:, -1]
            symbol = np.minimum((u[:, None] >= cumulative).sum(axis=1), probs.shape[1] - 1)
            ended = symbol == self._end
            lengths[rows[ended]] = t
            alive[rows[ended]] = False
            drawn[rows, t] = np.where(ended, 0, symbol)
            if self.order > 1:
                contexts[rows] = np.column_stack([contexts[rows, 1:], symbol])
        return Sequences.from_padded(drawn, lengths)

    # --------------------------------------------------------- features
    def _transform(self, data):
        windows, document = self._windows(data)
        features = np.zeros((data.n_sequences, self.n_features))
        key = np.zeros(windows.shape[0], dtype=np.uint64)
        with np.errstate(over="ignore"):
            for k in range(1, self.order + 1):
                # The k-gram ending at each position, hashed (FNV-style, then mixed).
                key = (key ^ windows[:, -k].astype(np.uint64)) * np.uint64(0x100000001B3)
                bucket = (_mix(key + np.uint64(k)) % np.uint64(self.n_features)).astype(np.intp)
                np.add.at(features, (document, bucket), 1.0)
        return features


def _mix(x):
    """splitmix64's finaliser: spreads the bits of uint64 keys (wrapping arithmetic)."""
    x = (x ^ (x >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    x = (x ^ (x >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _restrict(probs, unknown_code, temperature, top_k):
    """The distribution to draw from: no unknown symbol, ``p ** (1 / temperature)``, top-k."""
    probs = probs.copy()
    probs[:, unknown_code] = 0.0
    if temperature != 1.0:
        # p ** (1 / T) in log space, relative to the most likely symbol (no underflow to 0 / 0).
        with np.errstate(divide="ignore"):
            log_p = np.log(probs)
        probs = np.exp((log_p - log_p.max(axis=1, keepdims=True)) / temperature)
    if top_k is not None and top_k < probs.shape[1]:
        threshold = -np.partition(-probs, top_k - 1, axis=1)[:, top_k - 1 : top_k]
        probs = np.where(probs >= threshold, probs, 0.0)
    return probs / probs.sum(axis=1, keepdims=True)
