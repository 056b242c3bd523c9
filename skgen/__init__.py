"""skgen: generative models as scikit-learn estimators."""

__version__ = "0.1.0.dev0"

from .conditional import ClassConditional
from .density import GaussianCopula, KernelDensity
from .mixture import BayesianGaussianMixture, GaussianMixture

# Deep models import torch; they load on first access so `import skgen` stays light.
_LAZY = {"Autoencoder": "skgen.neural", "VAE": "skgen.neural"}

__all__ = [
    "Autoencoder",
    "BayesianGaussianMixture",
    "ClassConditional",
    "GaussianCopula",
    "GaussianMixture",
    "KernelDensity",
    "VAE",
    "__version__",
]


def __getattr__(name):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'skgen' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(_LAZY))
