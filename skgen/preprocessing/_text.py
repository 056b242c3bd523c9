"""The text kind: strings (character level) or integer token sequences."""

import numpy as np

from ._sequences import Sequences

__all__ = ["TextCodec", "n_tokens"]

def _is_token_sequence(item):
    array = np.asarray(item)
    return array.ndim == 1 and (array.size == 0 or array.dtype.kind in "iu")


def _is_text(X):
    if isinstance(X, str):
        return False
    if isinstance(X, np.ndarray):
        return X.ndim == 1 and (X.dtype.kind in "UO" and all(isinstance(x, str) for x in X))
    if not isinstance(X, (list, tuple)) or len(X) == 0:
        return False
    return all(isinstance(x, str) for x in X) or all(
        not isinstance(x, str) and _is_token_sequence(x) for x in X
    )


class TextCodec:
    """Documents as symbol codes: a list of strings, or a list of integer token sequences.

    ``fit`` builds the vocabulary: the characters of the strings (or the
    distinct token values), each given a code ``0 .. n_symbols - 2`` in
    sorted order; code ``unknown_code = n_symbols - 1`` stands for any symbol
    that ``fit`` never saw, so that a model can give unseen symbols a
    (small) probability instead of failing, so unseen characters never make
    scoring crash. The unknown symbol stands for *every* unseen symbol at
    once: its probability is that of the class of unseen symbols. A model
    never samples it (it draws from its distribution given a known symbol).
    ``longest`` is the length of the longest training document (models use it
    for a default ``max_length`` of samples).
    Models receive :class:`Sequences` of codes (one sequence per document,
    possibly empty) and add their own begin/end symbols. ``sample`` returns
    a list of strings (or of token arrays with the training dtype).
    """

    kind = "text"

    def __init__(self):
        self.vocabulary = None
        self.is_tokens = False
        self.token_dtype = np.dtype(np.int64)
        self.longest = 0

    @staticmethod
    def claims(X, lengths):
        return lengths is None and _is_text(X)

    @property
    def n_symbols(self):
        """Vocabulary size, the unknown symbol included."""
        return len(self.vocabulary) + 1

    @property
    def unknown_code(self):
        return len(self.vocabulary)

    def _check(self, estimator, X):
        if not _is_text(X):
            raise ValueError(
                f"{type(estimator).__name__} takes text: a list of strings or a list of 1-D "
                f"integer token sequences; got {type(X).__name__}"
                + (f" of shape {np.shape(X)}." if hasattr(X, "shape") else ".")
            )
        documents = list(X)
        is_tokens = not isinstance(documents[0], str)
        return documents, is_tokens

    def fit(self, estimator, X, *, lengths=None, seed=0):
        documents, self.is_tokens = self._check(estimator, X)
        if self.is_tokens:
            arrays = [np.asarray(d) for d in documents]
            self.token_dtype = np.result_type(*[a.dtype for a in arrays if a.size] or [np.int64])
            symbols = np.unique(np.concatenate(arrays)) if arrays else np.array([], np.int64)
            self.vocabulary = symbols.astype(self.token_dtype)
        else:
            self.vocabulary = np.array(sorted(set("".join(documents))), dtype=object)
        data = self._encode(documents)
        self.longest = int(data.lengths.max(initial=0))
        return data

    def encode(self, estimator, X, *, lengths=None):
        documents, is_tokens = self._check(estimator, X)
        if is_tokens != self.is_tokens:
            fitted = "integer token sequences" if self.is_tokens else "strings"
            raise ValueError(f"{type(estimator).__name__} was fit on {fitted}; got the other kind.")
        return self._encode(documents)

    def encode_prompt(self, estimator, prompt):
        """Codes of ``prompt``: a string, or a token sequence for a model fit on tokens.

        Symbols never seen in ``fit`` become the unknown code (the model
        conditions on them as on any unseen symbol).
        """
        if self.is_tokens:
            ok = not isinstance(prompt, str) and _is_token_sequence(prompt)
        else:
            ok = isinstance(prompt, str)
        if not ok:
            wanted = "a 1-D integer token sequence" if self.is_tokens else "a string"
            raise ValueError(
                f"{type(estimator).__name__} was fit on "
                f"{'integer token sequences' if self.is_tokens else 'strings'}: "
                f"prompt must be {wanted}, got {prompt!r}."
            )
        return self._encode([prompt]).values

    def prepend(self, prompt, documents):
        """``prompt`` followed by each sampled continuation, in the training container."""
        if self.is_tokens:
            head = np.asarray(prompt, dtype=self.token_dtype)
            return [np.concatenate([head, d]) for d in documents]
        return [prompt + d for d in documents]

    def _encode(self, documents):
        lengths = np.array([len(d) for d in documents], dtype=np.int64)
        if self.is_tokens:
            flat = np.concatenate([np.asarray(d) for d in documents]) if documents else []
            flat = np.asarray(flat, dtype=self.token_dtype)
        else:
            flat = np.array(list("".join(documents)), dtype=object)
        codes = np.full(len(flat), self.unknown_code, dtype=np.int64)
        if len(self.vocabulary) and len(flat):
            position = np.clip(np.searchsorted(self.vocabulary, flat), 0, len(self.vocabulary) - 1)
            known = self.vocabulary[position] == flat
            codes[known] = position[known]
        return Sequences(codes, lengths)

    def decode(self, data, rng):
        if np.any(np.asarray(data.values) == self.unknown_code):
            raise ValueError("The model drew the unknown symbol, which has no value to decode to.")
        symbols = np.empty(self.n_symbols, dtype=object)
        symbols[:-1] = self.vocabulary
        if self.is_tokens:
            return [np.asarray(part, dtype=self.token_dtype) for part in self._parts(data, symbols)]
        return ["".join(part) for part in self._parts(data, symbols)]

    @staticmethod
    def _parts(data, symbols):
        values = symbols[np.asarray(data.values, dtype=np.int64)]
        return np.split(values, np.cumsum(data.lengths)[:-1])

    @staticmethod
    def log_jacobian(estimator, X, *, lengths=None):
        return 0.0

    @staticmethod
    def concat(parts):
        return [document for part in parts for document in part]


def n_tokens(documents):
    """Number of symbols of each document (characters of a string, tokens of a sequence)."""
    return np.array([len(d) for d in documents], dtype=np.int64)

