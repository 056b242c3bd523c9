"""Encoding of every kind of data: tables (TabularEncoder and its continuous encodings)."""

from ._encoder import TabularEncoder
from ._layout import CONTINUOUS_KINDS, DISCRETE_KINDS, MixedTable, Span
from ._mode import ModeEncoding
from ._quantile import NormalScoreMap, QuantileEncoding, interp_linear_tails, midpoint_ecdf
from ._standard import StandardEncoding

__all__ = [
    "CONTINUOUS_KINDS",
    "DISCRETE_KINDS",
    "MixedTable",
    "ModeEncoding",
    "NormalScoreMap",
    "QuantileEncoding",
    "Span",
    "StandardEncoding",
    "TabularEncoder",
    "interp_linear_tails",
    "midpoint_ecdf",
]
