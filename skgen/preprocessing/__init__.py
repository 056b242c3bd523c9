"""Encoding of every kind of data: tables (TabularEncoder and its continuous encodings)."""

from ._encoder import TabularEncoder
from ._layout import CONTINUOUS_KINDS, DISCRETE_KINDS, MixedTable, Span
from ._mode import ModeEncoding
from ._quantile import QuantileEncoding, midpoint_ecdf
from ._standard import StandardEncoding

__all__ = [
    "CONTINUOUS_KINDS",
    "DISCRETE_KINDS",
    "MixedTable",
    "ModeEncoding",
    "QuantileEncoding",
    "Span",
    "StandardEncoding",
    "TabularEncoder",
    "midpoint_ecdf",
]
