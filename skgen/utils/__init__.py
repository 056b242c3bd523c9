"""Utilities (the bottom layer: nothing here imports the rest of skgen)."""

from ._discovery import all_estimators
from ._random import as_generator, seed_from
from ._rejection import rejection_sample
from ._tables import concat_rows, take_rows
from ._validation import (
    MAX_ABS_VALUE,
    check_latent,
    check_layer_sizes,
    check_magnitude,
    check_n_samples,
    check_same_container,
    check_text_sampling,
    check_X_for_meta,
    exotic_value_problem,
    validate_numeric,
)

__all__ = [
    "MAX_ABS_VALUE",
    "all_estimators",
    "as_generator",
    "check_X_for_meta",
    "check_latent",
    "check_layer_sizes",
    "check_magnitude",
    "check_n_samples",
    "check_same_container",
    "check_text_sampling",
    "concat_rows",
    "exotic_value_problem",
    "rejection_sample",
    "seed_from",
    "take_rows",
    "validate_numeric",
]
