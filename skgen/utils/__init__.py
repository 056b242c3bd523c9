"""Utilities (the bottom layer: nothing here imports the rest of skgen)."""

from ._discovery import all_estimators
from ._random import as_generator, seed_from
from ._tables import concat_rows, take_rows
from ._validation import check_n_samples, check_text_sampling, check_X_for_meta

__all__ = [
    "all_estimators",
    "as_generator",
    "check_X_for_meta",
    "check_n_samples",
    "check_text_sampling",
    "concat_rows",
    "seed_from",
    "take_rows",
]
