"""The one place where skgen touches scikit-learn's private helpers.

scikit-learn's declarative parameter validation (``_parameter_constraints``
checked by ``_fit_context``) is not public API. Importing it here, and only
here, means a future scikit-learn change is mended in a single file.
"""

from sklearn.base import _fit_context
from sklearn.utils._param_validation import (
    HasMethods,
    Hidden,
    Interval,
    StrOptions,
    validate_params,
)
from sklearn.utils.validation import _check_feature_names_in

__all__ = [
    "HasMethods",
    "Hidden",
    "Interval",
    "StrOptions",
    "_check_feature_names_in",
    "_fit_context",
    "validate_params",
]
