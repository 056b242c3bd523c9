"""Offline tables: the shipped penguins, and scikit-learn's bundled data sets as DataFrames."""

import importlib.resources

import numpy as np
import pandas as pd
from sklearn import datasets as _sk_datasets

__all__ = [
    "load_breast_cancer_frame",
    "load_diabetes_frame",
    "load_digits_array",
    "load_iris_frame",
    "load_penguins",
    "load_wine_frame",
]

_PENGUIN_MEASUREMENTS = ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g")


def _split_target(frame, target, return_X_y):
    """Return ``frame`` whole, or ``(X, y)`` with ``y`` the column ``target``."""
    if not return_X_y:
        return frame
    return frame.drop(columns=target), frame[target]


def load_penguins(*, as_frame=True, return_X_y=False):
    """Load the Palmer penguins table (344 rows, 8 columns, with missing values).

    Size measurements of three penguin species observed on three islands of
    the Palmer Archipelago, Antarctica, 2007-2009: a small mixed-type table
    with three string columns (``species``, ``island``, ``sex``), four float
    measurements, an integer ``year``, and 19 missing cells (two rows miss
    every measurement; ``sex`` misses 11 values). The file ships inside skgen,
    so loading needs neither the network nor the ``palmerpenguins`` package,
    and gives the same columns and dtypes as ``palmerpenguins.load_penguins()``.

    The data are by Horst, Hill & Gorman (2020), released under the CC0 1.0
    public-domain dedication; collected by Dr. Kristen Gorman and the Palmer
    Station Long Term Ecological Research Program.

    Parameters
    ----------
    as_frame : bool, default=True
        If True, return a DataFrame (string columns for ``species``,
        ``island`` and ``sex``, float64 measurements with NaN, int64
        ``year``). If False, return an object ndarray of the same values.
    return_X_y : bool, default=False
        If True, return ``(X, y)`` with ``y`` the ``species`` column and ``X``
        the other seven columns.

    Returns
    -------
    data : DataFrame of shape (344, 8) or ndarray
        The table, or ``(X, y)`` if ``return_X_y`` is True.

    References
    ----------
    Horst A. M., Hill A. P., Gorman K. B. (2020). palmerpenguins: Palmer
    Archipelago (Antarctica) penguin data. R package version 0.1.0.
    https://allisonhorst.github.io/palmerpenguins/. doi:10.5281/zenodo.3960218.

    Examples
    --------
    >>> from skgen.datasets import load_penguins
    >>> penguins = load_penguins()
    >>> penguins.shape
    (344, 8)
    >>> sorted(penguins["species"].unique())
    ['Adelie', 'Chinstrap', 'Gentoo']
    >>> int(penguins.isna().sum().sum())
    19
    """
    dtypes = {name: "float64" for name in _PENGUIN_MEASUREMENTS} | {"year": "int64"}
    resource = importlib.resources.files("skgen.datasets").joinpath("data", "penguins.csv")
    with resource.open("r", encoding="utf-8") as handle:
        frame = pd.read_csv(handle, dtype=dtypes)
    if not as_frame:
        frame = frame.astype(object)
        result = _split_target(frame, "species", return_X_y)
        return tuple(part.to_numpy() for part in result) if return_X_y else result.to_numpy()
    return _split_target(frame, "species", return_X_y)


def _bundled_frame(loader, return_X_y, **loader_kwargs):
    """A scikit-learn bundled data set as one DataFrame with a ``target`` column.

    Class labels become their names (strings), so that generators treat the
    target as a category rather than as an integer to be modelled.
    """
    bunch = loader(as_frame=True, **loader_kwargs)
    frame = bunch.frame.copy()
    target_names = bunch.get("target_names")
    if target_names is not None:
        names = np.asarray(target_names, dtype=object)[frame["target"].to_numpy()]
        frame["target"] = pd.Series(names, index=frame.index)
    return _split_target(frame, "target", return_X_y)


_BUNDLED_DOC = """Load scikit-learn's bundled {title} data set as a DataFrame of shape {shape}.

    {description}
    The data ship with scikit-learn; nothing is downloaded.

    Parameters
    ----------
    return_X_y : bool, default=False
        If True, return ``(X, y)``: the feature columns and the ``target``
        Series.

    Returns
    -------
    frame : DataFrame
        Feature columns plus a ``target`` column ({target}), or ``(X, y)``.

    Examples
    --------
    >>> from skgen.datasets import {name}
    >>> {name}().shape
    {shape}
    """


def _bundled_loader(name, loader, *, title, shape, description, target):
    def load(*, return_X_y=False):
        return _bundled_frame(loader, return_X_y)

    load.__name__ = load.__qualname__ = name
    load.__doc__ = _BUNDLED_DOC.format(
        name=name, title=title, shape=shape, description=description, target=target
    )
    return load


load_iris_frame = _bundled_loader(
    "load_iris_frame",
    _sk_datasets.load_iris,
    title="iris",
    shape=(150, 5),
    description="Four measurements of 150 iris flowers from three species.",
    target="the species name as a string",
)
load_wine_frame = _bundled_loader(
    "load_wine_frame",
    _sk_datasets.load_wine,
    title="wine",
    shape=(178, 14),
    description="Thirteen chemical measurements of 178 wines from three cultivars.",
    target="``'class_0'``, ``'class_1'`` or ``'class_2'``",
)
load_breast_cancer_frame = _bundled_loader(
    "load_breast_cancer_frame",
    _sk_datasets.load_breast_cancer,
    title="breast cancer (Wisconsin diagnostic)",
    shape=(569, 31),
    description="Thirty features of cell nuclei from 569 breast masses.",
    target="``'malignant'`` or ``'benign'``",
)
load_diabetes_frame = _bundled_loader(
    "load_diabetes_frame",
    _sk_datasets.load_diabetes,
    title="diabetes",
    shape=(442, 11),
    description="Ten standardised baseline variables of 442 diabetes patients.",
    target="a float: disease progression one year after baseline",
)


def load_digits_array(*, n_class=10, return_X_y=False):
    """Load scikit-learn's bundled 8x8 handwritten digits as float arrays.

    1,797 images (for ``n_class=10``) with pixel intensities 0 to 16, each
    flattened to 64 features. The data ship with scikit-learn; nothing is
    downloaded.

    Parameters
    ----------
    n_class : int, default=10
        Keep the digits ``0`` to ``n_class - 1``.
    return_X_y : bool, default=False
        If True, return ``(X, y)`` with ``y`` the int digit labels.

    Returns
    -------
    X : ndarray of shape (n_samples, 64), float64
        The images, or ``(X, y)`` if ``return_X_y`` is True.

    Examples
    --------
    >>> from skgen.datasets import load_digits_array
    >>> X, y = load_digits_array(return_X_y=True)
    >>> X.shape, y.shape
    ((1797, 64), (1797,))
    """
    X, y = _sk_datasets.load_digits(n_class=n_class, return_X_y=True)
    X = X.astype(np.float64)
    return (X, y) if return_X_y else X
