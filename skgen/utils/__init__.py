"""Utilities: estimator discovery, random state and validation helpers."""

from ._discovery import all_estimators
from ._parallel import sample_in_chunks
from ._random import as_generator, seed_from

__all__ = ["all_estimators", "as_generator", "sample_in_chunks", "seed_from"]
