"""Utility: is a model trained on synthetic rows as good on real rows as one trained on real rows?"""

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.metrics import get_scorer

from ._tables import FeatureSpace, column_kinds, frames, is_continuous

__all__ = ["tstr_score"]


def _target_is_continuous(real, synthetic, target):
    return is_continuous(column_kinds(real[[target]], synthetic[[target]])[target])


def tstr_score(real, synthetic, target, *, estimator=None, scoring=None, random_state=0):
    """Train on synthetic, test on real: how well a model learnt from synthetic rows predicts real ones.

    An estimator is fit on ``synthetic`` to predict column ``target`` from the
    other columns, and scored on ``real`` (held-out real rows). Pass the real
    *training* table as ``synthetic`` to get the train-on-real baseline
    (TRTR) to put next to it: :func:`skgen.metrics.evaluate` reports both.
    Higher is better; the range is that of ``scoring``: balanced accuracy in
    ``[0, 1]`` for a categorical target, R² in ``(-inf, 1]`` for a continuous
    one.

    Parameters
    ----------
    real : DataFrame
        Real rows to test on (never seen by the generator).
    synthetic : DataFrame
        Rows to train on (synthetic, or the real training set for TRTR).
    target : column name
    estimator : estimator, default=None
        Defaults to a ``HistGradientBoostingClassifier`` for a categorical or
        boolean target and a ``HistGradientBoostingRegressor`` otherwise.
        It gets standardised, one-hot features.
    scoring : str or callable, default=None
        A scikit-learn scorer; defaults to ``"balanced_accuracy"`` or ``"r2"``.
    random_state : int, default=0

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from skgen.metrics import tstr_score
    >>> rng = np.random.default_rng(0)
    >>> x = rng.normal(size=400)
    >>> real = pd.DataFrame({"x": x, "y": np.where(x > 0, "pos", "neg")})
    >>> bool(tstr_score(real.iloc[:200], real.iloc[200:], "y") > 0.9)
    True
    """
    real, fake = frames(real, synthetic, names=["real", "synthetic"])
    if target not in real.columns:
        raise ValueError(
            f"Target column {target!r} does not exist; columns are {list(real.columns)}."
        )
    if real.shape[1] < 2:
        raise ValueError("tstr_score needs at least one column besides the target.")
    real = real[real[target].notna()]
    fake = fake[fake[target].notna()]
    if real.empty or fake.empty:
        raise ValueError(f"Target column {target!r} has no observed values in one of the tables.")
    continuous = _target_is_continuous(real, fake, target)
    features = [c for c in real.columns if c != target]
    space = FeatureSpace().fit(fake[features], real[features])
    X_train, X_test = space.transform(fake[features]), space.transform(real[features])
    if continuous:
        y_train = pd.to_numeric(fake[target]).to_numpy(dtype=float)
        y_test = pd.to_numeric(real[target]).to_numpy(dtype=float)
        default, default_scoring = HistGradientBoostingRegressor, "r2"
    else:
        y_train = fake[target].astype(object).astype(str).to_numpy()
        y_test = real[target].astype(object).astype(str).to_numpy()
        default, default_scoring = HistGradientBoostingClassifier, "balanced_accuracy"
        if np.unique(y_train).size < 2:
            raise ValueError(f"Target column {target!r} has a single class in the training table.")
    model = clone(estimator) if estimator is not None else default(random_state=random_state)
    model.fit(X_train, y_train)
    scorer = get_scorer(scoring if scoring is not None else default_scoring)
    return float(scorer(model, X_test, y_test))
