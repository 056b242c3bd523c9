"""Deep generative models: torch modules trained through skorch (imports torch).

The training machinery lives here (:class:`GenerativeNet`,
:class:`NeuralGenerator`, :class:`TabularHead`); the models live in one
sub-package per family and are also reachable as ``skgen.neural.<Name>``.
"""

import importlib

from .._registry import MODELS
from ._base import NeuralGenerator
from ._latent import NeuralLatentMixin
from ._net import AdversarialNet, BatchIterator, GenerativeNet
from .modules import TabularHead

_FAMILY_MODELS = sorted(name for name, module in MODELS.items() if module.startswith(__name__))

__all__ = [
    "AdversarialNet",
    "BatchIterator",
    "GenerativeNet",
    "NeuralGenerator",
    "NeuralLatentMixin",
    "TabularHead",
    *_FAMILY_MODELS,
]


def __getattr__(name):
    if name in _FAMILY_MODELS:
        return getattr(importlib.import_module(MODELS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_FAMILY_MODELS))
