"""Privacy: does the generator copy its training rows?"""

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from sklearn.neighbors import NearestNeighbors
from sklearn.utils import check_random_state

from ._tables import FeatureSpace, as_float, column_kinds, frames, is_continuous, subsample

__all__ = [
    "distance_to_closest_record",
    "dcr_ratio",
    "exact_copy_rate",
    "membership_inference_advantage",
]


def _nearest_distances(queries, reference):
    distances, _ = NearestNeighbors(n_neighbors=1).fit(reference).kneighbors(queries)
    return distances[:, 0]


def distance_to_closest_record(X, train):
    """Distance from each row of ``X`` to its nearest row of ``train``.

    Euclidean distance in the feature space of ``train`` (continuous columns
    standardised with the training mean and standard deviation, categories
    one-hot). 0 means an exact copy of a training row; larger is more
    private. Range ``[0, +inf)``.

    Parameters
    ----------
    X : array-like or DataFrame
        Rows to check (synthetic rows, or real holdout rows as a baseline).
    train : array-like or DataFrame with the same columns
        The generator's training rows.

    Returns
    -------
    ndarray of shape (n_rows_X,)

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import distance_to_closest_record
    >>> train = np.random.default_rng(0).normal(size=(100, 2))
    >>> float(distance_to_closest_record(train[:5], train).max())
    0.0
    """
    train, X = frames(train, X, names=["train", "X"])
    train_f, X_f = FeatureSpace().fit_transform(train, X)
    return _nearest_distances(X_f, train_f)


def dcr_ratio(train, synthetic, holdout):
    """Mean distance to closest training record of synthetic rows over that of real holdout rows.

    ``mean DCR(synthetic -> train) / mean DCR(holdout -> train)``. Real rows
    the generator never saw show how close a fresh draw from the real
    distribution falls to the training set. About 1 or above is what a model
    that generalises gets; well below 1 means synthetic rows hug training
    rows (memorisation); 0 means every synthetic row is a copy. Higher is
    more private; range ``[0, +inf)``.

    Parameters
    ----------
    train, synthetic, holdout : array-like or DataFrame with the same columns

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import dcr_ratio
    >>> rng = np.random.default_rng(0)
    >>> train, holdout = rng.normal(size=(300, 2)), rng.normal(size=(300, 2))
    >>> dcr_ratio(train, train, holdout)
    0.0
    """
    return ratio_of_mean_dcr(
        distance_to_closest_record(synthetic, train), distance_to_closest_record(holdout, train)
    )


def ratio_of_mean_dcr(synthetic_dcr, holdout_dcr):
    """:func:`dcr_ratio` from distances already computed (``evaluate`` reports them too)."""
    baseline = np.mean(holdout_dcr)
    if baseline == 0:
        raise ValueError("Every holdout row is also a training row: the DCR baseline is 0.")
    return float(np.mean(synthetic_dcr) / baseline)


def _row_keys(frame, kinds):
    """Hash of each row on normalised values (1 and 1.0, 'a' and category 'a' agree)."""
    normalised = pd.DataFrame(
        {
            column: as_float(frame[column])
            if is_continuous(kinds[column])
            else frame[column].astype(object).astype(str)
            for column in frame.columns
        }
    )
    return pd.util.hash_pandas_object(normalised, index=False).to_numpy()


def exact_copy_rate(train, synthetic):
    """Share of synthetic rows that are exact copies of a training row.

    Lower is better; range ``[0, 1]``. Datasets with few discrete columns
    have legitimate duplicates: compare with the rate of holdout rows
    (``exact_copy_rate(train, holdout)``).

    Parameters
    ----------
    train, synthetic : array-like or DataFrame with the same columns

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import exact_copy_rate
    >>> train = np.random.default_rng(0).normal(size=(100, 2))
    >>> exact_copy_rate(train, np.vstack([train[:25], train[:75] + 1.0]))
    0.25
    """
    train, fake = frames(train, synthetic, names=["train", "synthetic"])
    kinds = column_kinds(train, fake)
    return float(np.isin(_row_keys(fake, kinds), _row_keys(train, kinds)).mean())


def membership_inference_advantage(train, synthetic, holdout, *, max_samples=5000, random_state=0):
    """Advantage of a nearest-neighbour membership-inference attack, ``2 * AUC - 1``.

    The attacker sees only the synthetic rows and guesses that a candidate
    record was in the training set when a synthetic row lies close to it
    (score: minus the distance to the closest synthetic row). Training rows
    are the members, holdout rows the non-members; the attack's ROC AUC is
    turned into an advantage over guessing. Lower is better; range
    ``[-1, 1]``: 0 means the synthetic data reveal nothing about membership,
    1 a perfect attack (e.g. the synthetic rows are copies of the training rows).

    Parameters
    ----------
    train, synthetic, holdout : array-like or DataFrame with the same columns
        In the order of :func:`dcr_ratio`.
    max_samples : int or None, default=5000
        Candidate rows used from ``train`` and from ``holdout`` at most.
    random_state : int, default=0

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import membership_inference_advantage
    >>> rng = np.random.default_rng(0)
    >>> train, holdout = rng.normal(size=(200, 2)), rng.normal(size=(200, 2))
    >>> membership_inference_advantage(train, train, holdout)
    1.0
    """
    train, holdout, fake = frames(
        train, holdout, synthetic, names=["train", "holdout", "synthetic"]
    )
    rng = check_random_state(random_state)
    train_f, holdout_f, fake_f = FeatureSpace().fit_transform(train, holdout, fake)
    members, non_members = (
        subsample(train_f, max_samples, rng),
        subsample(holdout_f, max_samples, rng),
    )
    candidates = np.vstack([members, non_members])
    is_member = np.r_[np.ones(members.shape[0]), np.zeros(non_members.shape[0])]
    auc = roc_auc_score(is_member, -_nearest_distances(candidates, fake_f))
    return float(2.0 * auc - 1.0)
