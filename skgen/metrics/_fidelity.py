"""Fidelity: do synthetic rows look like real ones, column by column, pair by pair, jointly?"""

import itertools

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import pairwise_distances_chunked
from sklearn.model_selection import StratifiedKFold, cross_val_score
from sklearn.neighbors import NearestNeighbors

from ._tables import as_float, column_kinds, frames, is_continuous, paired_features

__all__ = [
    "column_shape_similarity",
    "column_pair_similarity",
    "detection_score",
    "precision_recall_density_coverage",
]


def _shared_codes(real, fake):
    """Integer codes of a discrete column, shared by both tables (missing is a code)."""
    values = pd.concat([real.astype(object), fake.astype(object)], ignore_index=True)
    codes, uniques = pd.factorize(values, use_na_sentinel=False)
    return codes[: len(real)], codes[len(real) :], len(uniques)


def _binned_codes(real, fake, n_bins):
    """Bins of a continuous column from the real data's histogram edges, applied to both.

    Values below or above the real range get bins of their own, and missing
    values one more, so a shifted or widened synthetic column is penalised.
    """
    observed = real[~np.isnan(real)]
    edges = np.histogram_bin_edges(observed, bins=n_bins) if observed.size else np.array([0.0, 1.0])

    def code(x):
        out = np.searchsorted(edges[1:-1], x, side="right") + 1
        out[x < edges[0]] = 0
        out[x > edges[-1]] = len(edges)
        out[np.isnan(x)] = len(edges) + 1
        return out

    return code(real), code(fake), len(edges) + 2


def _total_variation(codes_real, codes_fake, n_codes):
    p = np.bincount(codes_real, minlength=n_codes) / codes_real.size
    q = np.bincount(codes_fake, minlength=n_codes) / codes_fake.size
    return 0.5 * float(np.abs(p - q).sum())


def column_shape_similarity(real, synthetic):
    """Similarity of each column's marginal distribution, in ``[0, 1]``, 1 is identical.

    Continuous, integer and datetime columns: ``1 - KS``, the complement of
    the two-sample Kolmogorov-Smirnov statistic (missing values dropped).
    Categorical and boolean columns: ``1 - TV``, the complement of the total
    variation distance between category frequencies (missing is a category,
    so a wrong missing rate lowers the score). Higher is better.

    Parameters
    ----------
    real, synthetic : array-like or DataFrame with the same columns

    Returns
    -------
    DataFrame indexed by column, with columns ``kind``, ``metric`` and ``score``.

    Examples
    --------
    >>> import pandas as pd
    >>> from skgen.metrics import column_shape_similarity
    >>> real = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "c": ["a", "a", "b", "b"]})
    >>> fake = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "c": ["a", "a", "a", "b"]})
    >>> column_shape_similarity(real, fake)["score"].tolist()
    [1.0, 0.75]
    """
    real, fake = frames(real, synthetic, names=["real", "synthetic"])
    kinds = column_kinds(real, fake)
    rows = []
    for column in real.columns:
        kind = kinds[column]
        if is_continuous(kind):
            r, f = as_float(real[column]), as_float(fake[column])
            r, f = r[~np.isnan(r)], f[~np.isnan(f)]
            if r.size and f.size:
                score = 1.0 - float(stats.ks_2samp(r, f).statistic)
            else:
                score = float(r.size == f.size)
            rows.append((column, kind, "KSComplement", score))
        else:
            codes_r, codes_f, n_codes = _shared_codes(real[column], fake[column])
            rows.append(
                (column, kind, "TVComplement", 1.0 - _total_variation(codes_r, codes_f, n_codes))
            )
    table = pd.DataFrame(rows, columns=["column", "kind", "metric", "score"])
    return table.set_index("column")


def _pearson(a, b):
    both = ~(np.isnan(a) | np.isnan(b))
    a, b = a[both], b[both]
    if a.size < 2 or np.std(a) == 0 or np.std(b) == 0:
        return np.nan
    return float(np.corrcoef(a, b)[0, 1])


def _cramers_v(codes_a, codes_b, n_a, n_b):
    table = np.zeros((n_a, n_b))
    np.add.at(table, (codes_a, codes_b), 1.0)
    table = table[table.sum(axis=1) > 0][:, table.sum(axis=0) > 0]
    if min(table.shape) < 2:
        return 0.0
    expected = table.sum(axis=1, keepdims=True) * table.sum(axis=0, keepdims=True) / table.sum()
    chi2 = np.sum((table - expected) ** 2 / expected)
    return float(np.sqrt(chi2 / (table.sum() * (min(table.shape) - 1))))


def column_pair_similarity(real, synthetic, *, n_bins=10):
    """Similarity of the relationship between every pair of columns, in ``[0, 1]``.

    Two continuous-like columns: ``1 - |r_real - r_synth| / 2`` with Pearson
    correlations on the rows where both are observed (*correlation
    similarity*). Any other pair: ``1 - TV`` between the two-way contingency
    tables (*contingency similarity*), continuous columns cut into ``n_bins``
    bins whose edges come from the real data (values outside the real range
    and missing values get bins of their own). Higher is better; 1 means the
    pair's trend is reproduced exactly.

    The ``real`` and ``synthetic`` columns of the result give the strength of
    each pair's association in each table: Pearson ``r`` for correlation
    pairs, Cramér's V for contingency pairs (used by the report's heat maps).

    Parameters
    ----------
    real, synthetic : array-like or DataFrame with the same columns
    n_bins : int, default=10

    Returns
    -------
    DataFrame with columns ``column_1``, ``column_2``, ``metric``, ``real``,
    ``synthetic`` and ``score``, one row per pair.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import column_pair_similarity
    >>> x = np.random.default_rng(0).normal(size=(500, 1))
    >>> real = np.hstack([x, x])                 # perfectly correlated
    >>> fake = np.hstack([x, -x])                # perfectly anti-correlated
    >>> column_pair_similarity(real, fake)["score"].round(6).tolist()
    [0.0]
    """
    real, fake = frames(real, synthetic, names=["real", "synthetic"])
    if real.shape[1] < 2:
        raise ValueError("column_pair_similarity needs at least 2 columns.")
    kinds = column_kinds(real, fake)
    floats, codes = {}, {}
    for column in real.columns:
        if is_continuous(kinds[column]):
            floats[column] = (as_float(real[column]), as_float(fake[column]))
            codes[column] = _binned_codes(*floats[column], n_bins)
        else:
            codes[column] = _shared_codes(real[column], fake[column])
    rows = []
    for a, b in itertools.combinations(real.columns, 2):
        if a in floats and b in floats:
            r_real = _pearson(floats[a][0], floats[b][0])
            r_fake = _pearson(floats[a][1], floats[b][1])
            if np.isnan(r_real) or np.isnan(r_fake):
                score = float(np.isnan(r_real) and np.isnan(r_fake))
            else:
                score = 1.0 - abs(r_real - r_fake) / 2.0
            rows.append((a, b, "CorrelationSimilarity", r_real, r_fake, score))
            continue
        (ra, fa, na), (rb, fb, nb) = codes[a], codes[b]
        tv = _total_variation(ra * nb + rb, fa * nb + fb, na * nb)
        v_real, v_fake = _cramers_v(ra, rb, na, nb), _cramers_v(fa, fb, na, nb)
        rows.append((a, b, "ContingencySimilarity", v_real, v_fake, 1.0 - tv))
    return pd.DataFrame(
        rows, columns=["column_1", "column_2", "metric", "real", "synthetic", "score"]
    )


def detection_score(real, synthetic, *, classifier=None, cv=5, max_samples=5000, random_state=0):
    """Classifier two-sample test: 1.0 when a classifier cannot tell synthetic from real.

    A classifier is trained to separate real rows (standardised, one-hot
    features) from synthetic ones; its cross-validated ROC AUC is reported as
    ``1 - 2 * (max(AUC, 0.5) - 0.5)``. Higher is better; the range is
    ``[0, 1]``: 1 means indistinguishable (AUC 0.5), 0 means perfectly
    separable (AUC 1).

    Parameters
    ----------
    real, synthetic : array-like or DataFrame with the same columns
    classifier : classifier, default=None
        Defaults to ``HistGradientBoostingClassifier(max_iter=100)``.
    cv : int, default=5
        Number of stratified folds.
    max_samples : int or None, default=5000
        Rows used from each table at most (subsampled at random).
    random_state : int, default=0

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import detection_score
    >>> rng = np.random.default_rng(0)
    >>> real = rng.normal(size=(500, 2))
    >>> detection_score(real, real + 5.0) < 0.05
    True
    """
    real_f, fake_f = paired_features(real, synthetic, max_samples, random_state)
    X = np.vstack([real_f, fake_f])
    y = np.r_[np.zeros(real_f.shape[0]), np.ones(fake_f.shape[0])]
    if classifier is None:
        classifier = HistGradientBoostingClassifier(max_iter=100, random_state=random_state)
    folds = StratifiedKFold(n_splits=cv, shuffle=True, random_state=random_state)
    auc = float(np.mean(cross_val_score(classifier, X, y, cv=folds, scoring="roc_auc")))
    return 1.0 - 2.0 * (max(auc, 0.5) - 0.5)


def precision_recall_density_coverage(real, synthetic, *, k=5, max_samples=5000, random_state=0):
    """Precision, recall, density and coverage of synthetic rows in feature space.

    Following Naeem et al. (2020), each real row gets a ball reaching its
    k-th nearest real neighbour (standardised, one-hot features). Balls are
    closed: a row at exactly that distance is inside. (The authors' code
    uses open balls, under which a ball of radius 0, common with discrete
    columns and duplicated rows, holds nothing, not even an exact copy.)

    - *precision*: share of synthetic rows inside some real ball (fidelity);
    - *recall*: share of real rows inside some synthetic ball (diversity);
    - *density*: mean number of real balls holding a synthetic row, over k;
      about 1 when the distributions match, above 1 when synthetic rows crowd
      in dense regions;
    - *coverage*: share of real balls holding at least one synthetic row.

    Higher is better for precision, recall and coverage, which lie in
    ``[0, 1]``; density lies in ``[0, n_real / k]`` and is best near 1 (a
    model that crowds its rows into the densest real region scores above 1).

    Parameters
    ----------
    real, synthetic : array-like or DataFrame with the same columns
    k : int, default=5
    max_samples : int or None, default=5000
        Rows used from each table at most.
    random_state : int, default=0

    Returns
    -------
    dict with keys ``"precision"``, ``"recall"``, ``"density"``, ``"coverage"``.

    References
    ----------
    Naeem, Oh, Uh, Choi, Yoo. "Reliable Fidelity and Diversity Metrics for
    Generative Models", ICML 2020.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen.metrics import precision_recall_density_coverage
    >>> X = np.random.default_rng(0).normal(size=(300, 2))
    >>> scores = precision_recall_density_coverage(X, X)
    >>> scores["precision"], scores["recall"], scores["coverage"]
    (1.0, 1.0, 1.0)
    """
    real_f, fake_f = paired_features(real, synthetic, max_samples, random_state)
    if min(real_f.shape[0], fake_f.shape[0]) <= k:
        raise ValueError(f"Both tables need more than k={k} rows.")

    def kth_neighbour_distance(points):
        distances, _ = NearestNeighbors(n_neighbors=k + 1).fit(points).kneighbors(points)
        return distances[:, -1]  # column 0 is the point itself

    radius_real = kth_neighbour_distance(real_f)
    radius_fake = kth_neighbour_distance(fake_f)
    in_real_balls = np.zeros(fake_f.shape[0])
    real_in_fake_ball = np.zeros(real_f.shape[0], dtype=bool)
    nearest_fake = np.full(real_f.shape[0], np.inf)
    start = 0
    for block in pairwise_distances_chunked(fake_f, real_f):
        stop = start + block.shape[0]
        in_real_balls[start:stop] = (block <= radius_real).sum(axis=1)
        real_in_fake_ball |= (block <= radius_fake[start:stop, None]).any(axis=0)
        nearest_fake = np.minimum(nearest_fake, block.min(axis=0))
        start = stop
    return {
        "precision": float(np.mean(in_real_balls > 0)),
        "recall": float(np.mean(real_in_fake_ball)),
        "density": float(in_real_balls.sum() / (k * fake_f.shape[0])),
        "coverage": float(np.mean(nearest_fake <= radius_real)),
    }
