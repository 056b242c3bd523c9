"""skgen: generative models as scikit-learn estimators."""

__version__ = "0.1.0.dev0"

from .conditional import ClassConditional
from .density import GaussianCopula, KernelDensity
from .mixture import BayesianGaussianMixture, GaussianMixture

__all__ = [
    "BayesianGaussianMixture",
    "ClassConditional",
    "GaussianCopula",
    "GaussianMixture",
    "KernelDensity",
    "__version__",
]
