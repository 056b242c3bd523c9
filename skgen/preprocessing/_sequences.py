"""The sequence kind: variable-length sequences of rows, as hmmlearn takes them."""

from dataclasses import dataclass
from numbers import Integral

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_array, validate_data

__all__ = ["SequenceCodec", "Sequences"]


@dataclass
class Sequences:
    """Sequences stored end to end: what sequence and text models work on.

    Attributes
    ----------
    values : ndarray of shape (n_total,) or (n_total, n_features)
        Every sequence's elements, one sequence after the other (float rows
        for the sequence kind, integer symbol codes for text).
    lengths : ndarray of shape (n_sequences,), int64
        Length of each sequence; ``lengths.sum() == len(values)``.
    """

    values: np.ndarray
    lengths: np.ndarray

    @property
    def n_sequences(self):
        return self.lengths.size

    @property
    def starts(self):
        """Index in ``values`` where each sequence starts."""
        return np.concatenate([[0], np.cumsum(self.lengths)[:-1]]).astype(np.int64)

    def split(self):
        """The sequences as a list of arrays (views into ``values``)."""
        return np.split(self.values, np.cumsum(self.lengths)[:-1])

    def padded(self, fill=0):
        """``(n_sequences, max_length, ...)`` array, padding after each sequence with ``fill``."""
        width = int(self.lengths.max(initial=0))
        out = np.full((self.n_sequences, width) + self.values.shape[1:], fill, self.values.dtype)
        position = np.arange(self.values.shape[0]) - np.repeat(self.starts, self.lengths)
        out[np.repeat(np.arange(self.n_sequences), self.lengths), position] = self.values
        return out

    @classmethod
    def from_padded(cls, padded, lengths):
        """Inverse of :meth:`padded`: keep the first ``lengths[i]`` elements of row ``i``."""
        lengths = np.asarray(lengths, dtype=np.int64)
        keep = np.arange(padded.shape[1]) < lengths[:, None]
        return cls(np.asarray(padded)[keep], lengths)


def check_lengths(lengths, n_total):
    """Validate hmmlearn-style ``lengths`` against the number of rows."""
    lengths = np.asarray(lengths)
    if lengths.ndim != 1 or not np.issubdtype(lengths.dtype, np.integer):
        raise ValueError(f"lengths must be a 1-D array of ints, got {lengths!r}.")
    if lengths.size == 0 or np.any(lengths < 1):
        raise ValueError("lengths must hold at least one sequence, each of length at least 1.")
    if lengths.sum() != n_total:
        raise ValueError(
            f"lengths add up to {int(lengths.sum())} but X has {n_total} rows; "
            "lengths gives the number of rows of each sequence in X."
        )
    return lengths.astype(np.int64)


def _is_sequence_list(X):
    return isinstance(X, (list, tuple)) and len(X) > 0 and all(np.ndim(x) == 2 for x in X)


class SequenceCodec:
    """Sequences of rows: ``X`` of concatenated rows plus ``lengths``, or a list of 2-D arrays.

    ``fit(X, lengths=lengths)`` takes the sequences end to end as hmmlearn
    does (``lengths=None``: ``X`` is one sequence); ``fit([seq1, seq2, ...])``
    takes a list of ``(length, n_features)`` arrays. ``sample`` returns the
    form that ``fit`` received: ``(X, lengths)`` or a list of arrays, with the
    dtype of the training values (integer symbols stay integers). Scores are
    one value per sequence.
    """

    kind = "sequence"

    def __init__(self):
        self.as_list = False
        self.dtype = np.dtype(np.float64)
        self.training_lengths = None

    @staticmethod
    def claims(X, lengths):
        return lengths is not None or _is_sequence_list(X)

    @staticmethod
    def claims_single(X):
        """A 2-D array (not a DataFrame): one sequence, for a model that takes only sequences."""
        if hasattr(X, "columns"):
            return False
        if sp.issparse(X):
            return True  # validation then says that sparse input is not supported
        try:
            return np.asarray(X).ndim == 2
        except (ValueError, TypeError):  # ragged nested lists
            return False

    def _validate(self, estimator, X, lengths, reset):
        if _is_sequence_list(X):
            if lengths is not None:
                raise ValueError("Pass either a list of sequences or X with lengths, not both.")
            lengths = np.array([len(x) for x in X], dtype=np.int64)
            X = np.concatenate([check_array(x, dtype=None) for x in X])
            as_list = True
        else:
            as_list = False
        original = np.asarray(X)
        X = validate_data(estimator, X, reset=reset, dtype=[np.float64, np.float32])
        lengths = (
            np.array([X.shape[0]], np.int64) if lengths is None else check_lengths(lengths, len(X))
        )
        if reset:
            self.as_list = as_list
            self.dtype = original.dtype if original.dtype.kind in "iub" else np.dtype(np.float64)
        return Sequences(np.asarray(X, dtype=np.float64), lengths)

    def fit(self, estimator, X, *, lengths=None, seed=0):
        data = self._validate(estimator, X, lengths, reset=True)
        values, counts = np.unique(data.lengths, return_counts=True)
        self.training_lengths = (values, counts / counts.sum())
        return data

    def encode(self, estimator, X, *, lengths=None):
        return self._validate(estimator, X, lengths, reset=False)

    def sample_lengths(self, n_samples, length, rng):
        """Lengths of ``n_samples`` sequences: ``length`` (an int or one per sequence), or
        drawn from the training sequences' lengths."""
        if length is None:
            values, probs = self.training_lengths
            return rng.choice(values, size=n_samples, p=probs).astype(np.int64)
        if isinstance(length, Integral) and not isinstance(length, bool):
            if length < 1:
                raise ValueError(f"length must be at least 1, got {length}.")
            return np.full(n_samples, int(length), dtype=np.int64)
        lengths = np.asarray(length)
        if lengths.shape != (n_samples,):
            raise ValueError(
                f"length must be an int or one length per sequence ({n_samples}), "
                f"got shape {lengths.shape}."
            )
        return check_lengths(lengths, int(lengths.sum()))

    def decode(self, data, rng):
        values = data.values
        if self.dtype.kind in "iub":
            values = np.rint(values).astype(self.dtype)
        if self.as_list:
            return [np.asarray(v) for v in np.split(values, np.cumsum(data.lengths)[:-1])]
        return values, data.lengths

    @staticmethod
    def log_jacobian(estimator, X, *, lengths=None):
        return 0.0

    @staticmethod
    def concat(parts):
        if isinstance(parts[0], list):
            return [seq for part in parts for seq in part]
        return np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts])
