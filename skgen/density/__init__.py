"""Kernel density estimation and Gaussian copulas."""

from ._copula import GaussianCopula
from ._kde import KernelDensity

__all__ = ["GaussianCopula", "KernelDensity"]
