"""What an encoded table looks like: spans of the one-hot matrix, and the mixed view."""

from dataclasses import dataclass, field

import numpy as np

__all__ = ["CONTINUOUS_KINDS", "DISCRETE_KINDS", "MixedTable", "Span", "one_hot"]

CONTINUOUS_KINDS = ("continuous", "integer", "datetime")
DISCRETE_KINDS = ("categorical", "boolean")


@dataclass(frozen=True)
class Span:
    """A contiguous block of columns in the encoded matrix.

    Attributes
    ----------
    column : the original column name.
    kind : ``"continuous"`` or ``"discrete"``.
    role : ``"value"`` (a continuous value), ``"mode"`` (mode one-hot of the
        ``"mode"`` encoding), ``"missing"`` (observed/missing one-hot of a
        continuous column) or ``"category"`` (one-hot of a discrete column).
    width : number of encoded columns.
    activation : what a neural output head should end in: ``"identity"``,
        ``"tanh"`` or ``"softmax"``.
    """

    column: object
    kind: str
    role: str
    width: int
    activation: str


@dataclass
class MixedTable:
    """Encoded rows split by kind: what classical (non-neural) models work on.

    ``continuous`` is ``(n, p)`` float, scaled as the encoder says, with NaN
    where the value is missing; ``codes`` is ``(n, q)`` int, one column per
    discrete column; ``cardinalities`` gives each discrete column's number of
    codes (missing is a code of its own).
    """

    continuous: np.ndarray
    codes: np.ndarray
    cardinalities: list = field(default_factory=list)

    @property
    def n_samples(self):
        return self.continuous.shape[0]


def one_hot(codes, width):
    """``(n, width)`` float one-hot rows of the integer ``codes``."""
    out = np.zeros((codes.shape[0], width))
    out[np.arange(codes.shape[0]), codes] = 1.0
    return out
