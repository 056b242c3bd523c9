"""Utilities: estimator discovery, random state and validation helpers."""

from ._discovery import all_estimators
from ._random import as_generator, seed_from

__all__ = ["all_estimators", "as_generator", "seed_from"]
