"""Listing of skgen's public estimators, found by walking the package."""

import importlib
import inspect
import os
import pkgutil

__all__ = ["all_estimators"]

# The package's folder and name, found without importing the package itself.
_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_PACKAGE = __name__.split(".")[0]
# Running it would start the command line.
_NOT_IMPORTED = {f"{_PACKAGE}.__main__"}


def _is_generator(obj):
    """A public, concrete class that implements skgen's generator contract.

    The test is by protocol (``fit``, ``sample``, ``score_samples`` and a
    ``score_kind``) rather than by base class, so that discovery, which sits
    in the bottom layer, imports nothing from the layers above it.
    """
    return (
        inspect.isclass(obj)
        and not obj.__name__.startswith("_")
        and not inspect.isabstract(obj)
        and isinstance(getattr(obj, "score_kind", None), str)
        and all(callable(getattr(obj, method, None)) for method in ("fit", "sample", "score_samples"))
    )


def all_estimators():
    """Return ``[(name, class), ...]`` for every public skgen generator, sorted by name.

    Every module of the package is imported (the deep models' ones import
    torch) and each class defined there that follows the generator contract
    is listed, so a new model is found as soon as its file exists.

    Examples
    --------
    >>> from skgen.utils import all_estimators
    >>> names = [name for name, _ in all_estimators()]
    >>> "GaussianCopula" in names
    True
    """
    found = {}
    for info in pkgutil.walk_packages([_PACKAGE_DIR], f"{_PACKAGE}."):
        if info.name in _NOT_IMPORTED:
            continue
        module = importlib.import_module(info.name)
        for name, obj in vars(module).items():
            if _is_generator(obj) and obj.__module__ == module.__name__:
                found[name] = obj
    return sorted(found.items())
