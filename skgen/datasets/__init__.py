"""Offline data sets and toy distributions with an exact log-density.

Two kinds of data for examples, tests and benchmarks, none of which touches
the network:

- **Tables.** :func:`load_penguins` reads the Palmer penguins table shipped
  inside skgen (``skgen/datasets/data/penguins.csv``; Horst, Hill & Gorman 2020, data
  released under CC0 1.0). :func:`load_iris_frame`, :func:`load_wine_frame`,
  :func:`load_breast_cancer_frame`, :func:`load_diabetes_frame` and
  :func:`load_digits_array` wrap the data sets that scikit-learn bundles, with
  class labels as strings so that generators treat them as categories.
- **Toy distributions** whose log-density is known exactly, so that a model's
  ``score_samples`` can be compared with the truth:
  :class:`GaussianMixtureDistribution` (ring or grid of Gaussians),
  :class:`Checkerboard`, :class:`Banana` and :class:`Funnel`. Each has
  ``sample(n_samples, random_state=None)``, ``log_prob(X)``, ``n_features``
  and ``entropy`` (``None`` where no closed form exists). :func:`make_toy`
  builds one by name.
"""

from ._tables import (
    load_breast_cancer_frame,
    load_diabetes_frame,
    load_digits_array,
    load_iris_frame,
    load_penguins,
    load_wine_frame,
)
from ._toy import (
    Banana,
    Checkerboard,
    Funnel,
    GaussianMixtureDistribution,
    ToyDistribution,
    make_toy,
)

__all__ = [
    "load_penguins",
    "load_iris_frame",
    "load_wine_frame",
    "load_breast_cancer_frame",
    "load_diabetes_frame",
    "load_digits_array",
    "ToyDistribution",
    "GaussianMixtureDistribution",
    "Checkerboard",
    "Banana",
    "Funnel",
    "make_toy",
]
