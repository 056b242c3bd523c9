"""skgen: generative models as scikit-learn estimators."""
__version__ = "0.1.0.dev0"

from .conditional import ClassConditional

__all__ = ["ClassConditional", "__version__"]
