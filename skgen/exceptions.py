"""Exceptions raised by skgen (imports nothing from skgen)."""

__all__ = ["ZeroProbabilityError"]


class ZeroProbabilityError(ValueError):
    """Data that a fitted model gives no probability at all.

    Raised, for example, for a category or a missing value that the training
    data never had: the model's log-density there is ``-inf``, and rather than
    return it silently skgen says which column and value. A subclass of
    ``ValueError``, so ``except ValueError`` still catches it; meta-estimators
    catch it to score such rows ``-inf``.
    """
