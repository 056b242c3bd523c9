"""skgen: generative models as scikit-learn estimators."""

import importlib

from ._registry import MODELS
from ._version import __version__
from .conditional import ClassConditional

__all__ = ["ClassConditional", *sorted(MODELS), "__version__"]


def __getattr__(name):
    # Models load on first access, so `import skgen` imports neither torch
    # nor any model family it does not use.
    if name in MODELS:
        return getattr(importlib.import_module(MODELS[name]), name)
    raise AttributeError(f"module 'skgen' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(MODELS))
