"""skgen: generative models as scikit-learn estimators."""

__version__ = "0.1.0.dev0"

from .density import GaussianCopula, KernelDensity
from .mixture import BayesianGaussianMixture, GaussianMixture

__all__ = [
    "BayesianGaussianMixture",
    "GaussianCopula",
    "GaussianMixture",
    "KernelDensity",
    "__version__",
]
