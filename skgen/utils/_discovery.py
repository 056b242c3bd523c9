"""Listing of skgen's public estimators."""

import importlib
import inspect

# Modules that define public generators. Deep-model modules belong here too:
# they import torch, which then happens only when all_estimators() is called.
_ESTIMATOR_MODULES = (
    "skgen.mixture",
    "skgen.density",
    "skgen.neural",
)


def all_estimators():
    """Return ``[(name, class), ...]`` for every public skgen generator, sorted by name.

    Examples
    --------
    >>> from skgen.utils import all_estimators
    >>> names = [name for name, _ in all_estimators()]
    >>> "GaussianCopula" in names
    True
    """
    from ..base import BaseGenerator

    found = {}
    for module_name in _ESTIMATOR_MODULES:
        module = importlib.import_module(module_name)
        for name, obj in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(obj, BaseGenerator)
                and not name.startswith("_")
                and not inspect.isabstract(obj)
                and obj.__module__.startswith("skgen")
                and name in getattr(module, "__all__", ())
            ):
                found[name] = obj
    return sorted(found.items())
