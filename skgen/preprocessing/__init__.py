"""Encoding of every kind of data that skgen models take.

- tables: :class:`TabularEncoder` (column kinds, missing values) with one
  class per continuous encoding, and :class:`TableCodec`;
- sequences: :class:`SequenceCodec` and the :class:`Sequences` container;
- text: :class:`TextCodec` (strings or integer token sequences);
- images: :class:`ImageCodec`.

A codec validates a kind's input, turns it into what a model works on,
returns samples in the caller's container and gives the log-Jacobian that
keeps scores in the original space; :func:`data_kind_of` says which kind an
input is.
"""

from ._encoder import TabularEncoder
from ._image import ImageCodec
from ._kinds import DATA_KINDS, data_kind_of
from ._layout import CONTINUOUS_KINDS, DISCRETE_KINDS, MixedTable, Span
from ._mode import ModeEncoding
from ._quantile import NormalScoreMap, QuantileEncoding, interp_linear_tails, midpoint_ecdf
from ._sequences import SequenceCodec, Sequences
from ._standard import StandardEncoding
from ._table import TableCodec
from ._text import TextCodec

__all__ = [
    "CONTINUOUS_KINDS",
    "DATA_KINDS",
    "DISCRETE_KINDS",
    "ImageCodec",
    "MixedTable",
    "ModeEncoding",
    "NormalScoreMap",
    "QuantileEncoding",
    "SequenceCodec",
    "Sequences",
    "Span",
    "StandardEncoding",
    "TableCodec",
    "TabularEncoder",
    "TextCodec",
    "data_kind_of",
    "interp_linear_tails",
    "midpoint_ecdf",
]
