"""A generator that chooses its model: candidates judged on held-out folds, the best refit.

:class:`AutoGenerator` cross-validates a list of candidate generators (by
default skgen's registered portfolio, :data:`skgen._registry.PORTFOLIO`),
keeps the one that scores best on rows it did not see, and refits it on all
the data. The search is scikit-learn's pieces: the folds come from
``check_cv`` (shuffled), each candidate is scored by ``cross_validate`` with
scorers from :func:`skgen.metrics.make_generative_scorer`; the only loop of
its own is the one over candidates, which a time budget can cut short.
"""

import importlib
import itertools
import time
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
from scipy import stats
from sklearn.base import clone
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.model_selection import KFold, StratifiedKFold, check_cv, cross_validate
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import check_is_fitted, validate_data

from ._meta import BaseMetaEstimator, score_rows
from ._registry import MODELS, PORTFOLIO
from .base import GenerativeMixin
from .conditional import ClassConditional
from .exceptions import ZeroProbabilityError
from .metrics import column_pair_similarity, detection_score, make_generative_scorer, tstr_score
from .metrics._scorer import shape_similarity
from .metrics._tables import column_kinds, frames, is_continuous
from .utils import seed_from
from .utils._sklearn import HasMethods, Interval, StrOptions, _fit_context

__all__ = ["AutoGenerator", "default_candidates", "related_pair_similarity"]

#: Boosting rounds and step of the detection and utility models of the criterion
#: (scikit-learn's defaults are 100 and 0.1; 15 rounds of 0.2 fit about seven
#: times faster, which matters on a wide table with ten classes, and predict the
#: target of digits and males about as well: balanced accuracy 0.965 and 0.668
#: against 0.967 and 0.655 for 30 rounds of 0.1).
_BOOSTING_ROUNDS = 15
_BOOSTING_STEP = 0.2

#: Most classes a target may have for the per-class candidates to be tried.
MAX_CLASSES_PER_CLASS_CANDIDATES = 20


# ------------------------------------------------------------------ scoring
def held_out_log_likelihood(estimator, X, y=None):
    """Scorer: mean log-density of the held-out rows the model can score.

    Rows holding a category (or missing value) the training fold never had
    get log-density -inf under every candidate alike (each encoder refuses
    them); they are left out, so the candidates are compared on the same rows.
    """
    scores = score_rows(estimator, X)
    finite = np.isfinite(scores)
    return float(np.mean(scores[finite])) if finite.any() else -np.inf


class _Detection:
    """:func:`~skgen.metrics.detection_score` with 3 folds of a small gradient-boosting
    classifier (a class, so that scorers pickle)."""

    __name__ = "detection"

    def __init__(self, seed):
        self.seed = seed

    def __call__(self, real, synthetic):
        folds = int(min(3, len(real), len(synthetic)))
        if folds < 2:
            return np.nan
        classifier = HistGradientBoostingClassifier(
            max_iter=_BOOSTING_ROUNDS, learning_rate=_BOOSTING_STEP, random_state=self.seed
        )
        return detection_score(
            real, synthetic, classifier=classifier, cv=folds, random_state=self.seed
        )


class _Utility:
    """Train on synthetic rows, test on real ones (:func:`~skgen.metrics.tstr_score`), at least 0.

    Synthetic rows that no classifier can be trained on (a single class, no
    observed target) are worth 0.
    """

    __name__ = "utility"

    def __init__(self, target, seed):
        self.target = target
        self.seed = seed

    def __call__(self, real, synthetic):
        real, synthetic = frames(real, synthetic, names=["real", "synthetic"])
        model = (
            HistGradientBoostingRegressor
            if is_continuous(column_kinds(real[[self.target]])[self.target])
            else HistGradientBoostingClassifier
        )(max_iter=_BOOSTING_ROUNDS, learning_rate=_BOOSTING_STEP, random_state=self.seed)
        try:
            score = tstr_score(
                real, synthetic, self.target, estimator=model, random_state=self.seed
            )
            return max(0.0, score)
        except ValueError:
            return 0.0


#: A pair of columns is related in the real data when its |Pearson r| exceeds the
#: first, or its Cramér's V the second (the thresholds of sdmetrics' QualityReport).
RELATED_PAIR_THRESHOLDS = {"CorrelationSimilarity": 0.5, "ContingencySimilarity": 0.3}


def related_pair_similarity(real, synthetic):
    """Mean :func:`~skgen.metrics.column_pair_similarity` over the pairs related in ``real``.

    Most pairs of a wide table are unrelated, and any model that draws them
    independently scores near 1 on them: averaged over all pairs, the few
    relationships that matter (species and flipper length) would barely move
    the mean. Pairs whose real association passes
    :data:`RELATED_PAIR_THRESHOLDS` count; every pair does when none passes.
    """
    pairs = column_pair_similarity(real, synthetic)
    threshold = pairs["metric"].map(RELATED_PAIR_THRESHOLDS)
    related = pairs["real"].abs() > threshold
    return float(pairs.loc[related, "score"].mean() if related.any() else pairs["score"].mean())


def _is_numerical(column):
    """sdmetrics' "numerical": a numeric dtype that is not boolean (arrays are all numeric)."""
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _trend_codes(real, synthetic):
    """Integer codes of two columns for a contingency table, as sdmetrics' ColumnPairTrends.

    Numerical columns are cut into 10 equal-width bins, each table over ITS OWN range
    (``np.histogram_bin_edges``, ``np.digitize``; missing values get a code of their
    own): a synthetic column with outliers has its bins stretched, as in the report.
    Other columns: their values, shared codes, missing values a value of their own.
    """
    if _is_numerical(real) and _is_numerical(synthetic):
        out = []
        for column in (real, synthetic):
            values = column.to_numpy(dtype=float)
            finite = values[~np.isnan(values)]
            edges = np.histogram_bin_edges(finite) if finite.size else np.zeros(1)
            out.append(np.digitize(values, edges))
        return out[0], out[1], 12
    both = pd.concat([real, synthetic], ignore_index=True).astype(object)
    codes, uniques = pd.factorize(both, use_na_sentinel=False)
    return codes[: len(real)], codes[len(real) :], max(len(uniques), 1)


def _correlations(frame):
    """Pearson correlation matrix of the numerical columns of ``frame`` (pairwise rows)."""
    values = frame.to_numpy(dtype=float)
    with np.errstate(all="ignore"):
        if not np.isnan(values).any():
            return np.atleast_2d(np.corrcoef(values.T))
        return frame.astype(float).corr().to_numpy()


def _cramers_v(codes_a, codes_b):
    """Cramér's V of two code columns over the values they take (as sdmetrics)."""
    _, a = np.unique(codes_a, return_inverse=True)
    _, b = np.unique(codes_b, return_inverse=True)
    table = np.zeros((a.max() + 1, b.max() + 1), dtype=np.int64)
    np.add.at(table, (a, b), 1)
    if min(table.shape) < 2:
        return 0.0
    return float(stats.contingency.association(table, method="cramer"))


def quality_pair_similarity(real, synthetic):
    """Mean column pair trend, computed as sdmetrics' ``QualityReport`` computes it.

    The pairs the real rows relate count (|Pearson r| > 0.5 for two numerical
    columns, Cramér's V > 0.3 for any other pair: :data:`RELATED_PAIR_THRESHOLDS`;
    every pair when none does). Two numerical columns score
    ``1 - |r_real - r_synth| / 2``; any other pair ``1 - TV`` between the two-way
    tables of :func:`_trend_codes` (numerical columns binned over each table's own
    range, as the report bins them). Pairs whose correlation is undefined (a
    constant column) are left out. With a ``target``, AutoGenerator's quality
    part is the mean of this and the shape similarity: an estimate, on held-out
    rows, of the quality score users check.
    """
    real, fake = frames(real, synthetic, names=["real", "synthetic"])
    columns = list(real.columns)
    numerical = np.array([_is_numerical(real[c]) for c in columns])
    names = np.array(columns, dtype=object)[numerical]
    r_real = _correlations(real[list(names)]) if len(names) else None
    r_fake = _correlations(fake[list(names)]) if len(names) else None
    position = {c: k for k, c in enumerate(names)}
    codes = [_trend_codes(real[c], fake[c]) for c in columns]
    related, every = [], []
    for i, j in itertools.combinations(range(len(columns)), 2):
        if numerical[i] and numerical[j]:
            a, b = position[columns[i]], position[columns[j]]
            if not (np.isfinite(r_real[a, b]) and np.isfinite(r_fake[a, b])):
                continue
            score = 1 - abs(r_real[a, b] - r_fake[a, b]) / 2
            strength = abs(r_real[a, b]) / RELATED_PAIR_THRESHOLDS["CorrelationSimilarity"]
        else:
            (ra, fa, na), (rb, fb, nb) = codes[i], codes[j]
            joint_real = np.bincount(ra * nb + rb, minlength=na * nb) / len(ra)
            joint_fake = np.bincount(fa * nb + fb, minlength=na * nb) / len(fa)
            score = 1 - np.abs(joint_real - joint_fake).sum() / 2
            strength = _cramers_v(ra, rb) / RELATED_PAIR_THRESHOLDS["ContingencySimilarity"]
        every.append(score)
        if strength > 1:
            related.append(score)
    scores = related or every
    return float(np.mean(scores)) if scores else np.nan


def _fidelity_scorers(n_features, target, seed, n_train=None):
    """``{name: scorer}`` of the fidelity criterion, or, given ``target``, of quality + utility.

    With a target the parts are those of the figures a user checks, computed
    as users compute them: column shapes and pair trends (what sdmetrics'
    quality score averages: :func:`quality_pair_similarity`) and the utility,
    on as many synthetic rows as the training fold has (``n_train``, at most
    :data:`MAX_SYNTHETIC_ROWS`), so that the synthetic rows train the utility
    model on as many rows as the real ones it is compared with. The detection
    score, the dearest part to compute, is left out: it ranked the VAE above
    per-class models that are better on both quality and utility.
    """
    if target is None or n_features < 2:
        n_samples = None  # as many as the held-out rows
        pairs = related_pair_similarity
    else:
        n_samples = None if n_train is None else int(min(n_train, MAX_SYNTHETIC_ROWS))
        pairs = quality_pair_similarity

    def scorer(metric):
        return make_generative_scorer(metric, n_samples, random_state=seed)

    scorers = {"shape": scorer(shape_similarity)}
    if n_features > 1:
        scorers["pair"] = scorer(pairs)
    if target is not None and n_features > 1:
        scorers["utility"] = scorer(_Utility(target, seed))
    else:
        scorers["detection"] = scorer(_Detection(seed))
    return scorers


#: Most synthetic rows drawn to judge a candidate on a fold.
MAX_SYNTHETIC_ROWS = 5000


def _combined(split_scores, real_utility=None):
    """The criterion of one fold.

    Without a target, fidelity: the mean of shape, pair and detection. With
    one, the mean of the quality (mean of shape and pair) and the utility
    ratio: the synthetic rows' utility over that of the real training rows on
    the same fold (``real_utility``; the raw utility when that is not
    positive), as the utility ratio a user measures.
    """
    fidelity = np.nanmean(
        [split_scores[k] for k in ("shape", "pair", "detection") if k in split_scores]
    )
    if "utility" in split_scores:
        utility = split_scores["utility"]
        if real_utility is not None and real_utility > _MIN_REAL_UTILITY:
            utility = utility / real_utility
        return (fidelity + utility) / 2
    return fidelity


#: Below this utility of the real training rows (R² of a continuous target near
#: 0), the utility ratio means nothing and the raw utility is used instead.
_MIN_REAL_UTILITY = 0.05


_CRITERION_NAMES = {
    "log_likelihood": "held-out log-likelihood",
    "fidelity": "fidelity",
    "fidelity+utility": "quality + utility ratio",
}


# --------------------------------------------------------- per-class tables
class _PerClassTable(GenerativeMixin, BaseMetaEstimator):
    """A table generator made of :class:`~skgen.ClassConditional` on one of its columns.

    ``fit(X)`` learns p(target) from the class frequencies and p(other columns
    | target) with one clone of ``estimator`` per class; ``sample`` returns
    whole tables, the target column in its place and dtype, and
    ``score_samples`` gives log p(x | y) + log p(y). AutoGenerator tries it
    for a categorical target; it is not listed among the models.

    Parameters
    ----------
    estimator : skgen generator
    target : column name (DataFrame) or column index (array)
    """

    _parameter_constraints = {
        "estimator": [HasMethods(["fit", "score_samples", "sample"])],
        "target": "no_validation",
    }

    def __init__(self, estimator, target):
        self.estimator = estimator
        self.target = target

    @property
    def score_kind(self):
        return getattr(self.estimator, "score_kind", "exact")

    def _split(self, X):
        if isinstance(X, pd.DataFrame):
            return X.drop(columns=[self.target]), X[self.target].to_numpy()
        X = np.asarray(X)
        return np.delete(X, self.target, axis=1), X[:, self.target]

    def fit(self, X, y=None):
        """Fit the class prior and one generator per class of column ``target``."""
        self.columns_ = list(X.columns) if isinstance(X, pd.DataFrame) else None
        self.target_dtype_ = X[self.target].dtype if isinstance(X, pd.DataFrame) else None
        rest, labels = self._split(X)
        self.model_ = ClassConditional(self.estimator).fit(rest, labels)
        return self

    def __sklearn_is_fitted__(self):
        return hasattr(self, "model_")

    def score_samples(self, X):
        """log p(x | y) + log p(y) of each row (y its value of column ``target``)."""
        check_is_fitted(self)
        rest, labels = self._split(X)
        unseen = ~np.isin(labels, self.model_.classes_)
        if unseen.any():
            raise ZeroProbabilityError(
                f"column {self.target!r} takes the value {labels[unseen][0]!r}, which it "
                "never took in fit."
            )
        codes = np.searchsorted(self.model_.classes_, labels)
        return self.model_.score_samples(rest, labels) + np.log(self.model_.class_prior_[codes])

    def sample(self, n_samples=1, *, random_state=None, conditions=None, **params):
        """Draw whole rows; ``conditions`` may fix the target column only."""
        check_is_fitted(self)
        labels = None
        if conditions:
            if set(conditions) != {self.target}:
                raise ValueError(
                    f"Per-class candidates take conditions on the target column "
                    f"{self.target!r} only, got {sorted(map(str, conditions))}."
                )
            labels = np.ravel(conditions[self.target])
            labels = labels[0] if labels.size == 1 else labels
        rest, y_new = self.model_.sample(n_samples, y=labels, random_state=random_state)
        if self.columns_ is None:
            return np.insert(rest, self.target, y_new.astype(float), axis=1)
        frame = rest.reset_index(drop=True)
        frame.insert(
            self.columns_.index(self.target),
            self.target,
            pd.Series(y_new, dtype=object).astype(self.target_dtype_),
        )
        return frame


# ---------------------------------------------------------------- candidates
def _label(estimator):
    return " ".join(repr(estimator).split())


def _portfolio(target_is_class=False, target=None):
    """``[(label, estimator, cost), ...]`` of the default candidates, cheapest first."""
    entries = sorted(enumerate(PORTFOLIO), key=lambda item: (item[1]["cost"], item[0]))
    out = []
    for _, entry in entries:
        try:
            module = importlib.import_module(MODELS[entry["model"]])
        except ImportError:  # e.g. a deep model without torch
            continue
        model = getattr(module, entry["model"])(**entry.get("params", {}))
        if target_is_class and entry.get("per_class"):
            # One model per class only: on the five tables of docs/choosing.md the
            # best single model is always a per-class one (and the per-class variant
            # beats the whole-table model in 18 of 20 cases); half as many candidates
            # leave time for the rest.
            label = f"ClassConditional({_label(model)}) on {target!r}"
            out.append((label, _PerClassTable(model, target), 2 * entry["cost"]))
        else:
            out.append((_label(model), model, entry["cost"]))
    return out


def default_candidates(target_is_class=False, target=None):
    """AutoGenerator's default candidates: ``[(label, estimator), ...]``, cheapest first.

    Built from :data:`skgen._registry.PORTFOLIO` (one registration line per
    candidate); an entry with ``per_class=True`` is also tried as
    :class:`_PerClassTable` when ``target_is_class``. Models that cannot be
    imported (a deep model without torch) are left out.
    """
    return [(label, model) for label, model, _ in _portfolio(target_is_class, target)]


def _epoch_params(estimator):
    """``{prefix: max_epochs}`` of every (nested) model trained by epochs with skorch callbacks."""
    params = estimator.get_params(deep=True)
    out = {}
    for name, value in params.items():
        if name.split("__")[-1] != "max_epochs":
            continue
        prefix = name[: -len("max_epochs")]
        if prefix + "callbacks" in params:
            out[prefix] = value
    return out


def _with_deadline(estimator, deadline):
    """``estimator`` whose deep (nested) models stop training at ``deadline`` (``time.time()``)."""
    from .neural._deadline import Deadline

    params = estimator.get_params(deep=True)
    for prefix in _epoch_params(estimator):
        callbacks = list(params[prefix + "callbacks"] or [])
        estimator.set_params(**{prefix + "callbacks": [*callbacks, Deadline(deadline)]})
    return estimator


def _trained_epochs(estimator):
    """Epochs the deep model ``estimator`` trained (``n_iter_``), or None."""
    return getattr(estimator, "n_iter_", None)


def _seed_everywhere(estimator, seed):
    """A clone of ``estimator`` with every ``random_state`` left at None (nested too) set to ``seed``."""
    estimator = clone(estimator)
    unset = {
        name: int(seed)
        for name, value in estimator.get_params(deep=True).items()
        if name.split("__")[-1] == "random_state" and value is None
    }
    # Outer parameters first: setting a nested estimator replaces its own settings.
    for name in sorted(unset, key=lambda n: n.count("__")):
        estimator.set_params(**{name: unset[name]})
    return estimator


class _ChosenScoreKind:
    """``score_kind``: the chosen model's once fitted; before, the candidates' common kind."""

    def __get__(self, instance, owner=None):
        if instance is None:
            return "exact"
        best = instance.__dict__.get("best_estimator_")
        if best is not None:
            return getattr(best, "score_kind", "exact")
        kinds = {getattr(c, "score_kind", "exact") for c in instance.candidates or []}
        return kinds.pop() if len(kinds) == 1 else "estimate"


def _best_has(method):
    def check(self):
        return hasattr(self.best_estimator_, method)

    return check


class AutoGenerator(GenerativeMixin, BaseMetaEstimator):
    """Generator that tries candidate models on held-out folds and keeps the best.

    Each candidate is cross-validated (fit on the training folds, judged on
    the held-out fold), cheapest first; the best one is refit on all the data
    (``best_estimator_``) and ``sample``, ``score_samples`` and ``transform``
    are its own. ``cv_results_`` holds every candidate's scores and times.

    The criterion (``scoring="auto"``):

    - with a ``target``, **quality + utility**, the two figures a user of
      the synthetic table checks, estimated on the held-out rows from as many
      synthetic rows as the training folds have: the quality is the mean of
      column shape similarity and pair trend similarity computed as sdmetrics'
      ``QualityReport`` computes them (:func:`quality_pair_similarity`); the
      utility ratio is the train-on-synthetic, test-on-held-out-real score of a
      gradient-boosting model predicting the target (balanced accuracy, or R²
      for a continuous target, at least 0) over the same score of the real
      training rows. The criterion is the mean of the two;
    - without a target, **held-out log-likelihood** when every candidate's
      ``score_kind`` is ``"exact"``: the mean log-density of the held-out rows
      (their densities are then comparable);
    - otherwise **fidelity**: the mean of column shape similarity, column pair
      similarity (over the pairs related in the held-out rows: see
      :func:`related_pair_similarity`) and the detection score (a classifier's
      failure to tell samples from held-out rows), each in [0, 1].

    Parameters
    ----------
    candidates : list of generators, default=None
        Tried in the order given (put the cheapest first). A
        :class:`~skgen.ClassConditional` candidate fits its generator once per
        class of the ``target`` column and draws the target from its
        frequencies (whole rows: the target stays in the table). ``None`` tries the
        portfolio registered in ``skgen._registry.PORTFOLIO`` (Gaussian
        copula, Bayesian network, Gaussian mixtures, VAE, ...), cheapest
        first; for a categorical ``target``, the models registered with
        ``per_class`` are tried per class instead (one model per class, the
        target drawn from its frequencies).
    scoring : "auto", "log_likelihood", "fidelity", a metric name or a callable, default="auto"
        How candidates are judged (see above; ``"log_likelihood"`` and
        ``"fidelity"`` force one criterion whatever the score kinds). A name of
        :func:`~skgen.metrics.make_generative_scorer` (``"mmd"``,
        ``"detection"``, ...) or a scorer ``scorer(estimator, X_held_out)``
        (greater is better) replaces the criterion.
    cv : int, cross-validation generator or iterable, default=3
        An int gives that many shuffled folds (stratified on a categorical
        ``target``), seeded by ``random_state``; anything else goes through
        ``sklearn.model_selection.check_cv``.
    time_budget : float, default=None
        Seconds of wall clock for the whole ``fit``, the winner's refit
        included. Candidates run fold after fold: one is started only if its
        folds and refit, extrapolated from the candidates tried so far, fit in
        the time left once the best so far is refit; one whose first folds
        show it would overrun is stopped. A deep model (one trained by
        epochs) trains on its first fold until its share of the time left,
        and the epochs it reached are its ``max_epochs`` for the other folds
        and the refit. Skipped and stopped candidates are listed in
        ``skipped_``, marked in ``cv_results_`` and named in a warning. The
        first candidate always finishes. ``None`` tries every candidate in
        full.
    target : column name or int, default=None
        A column of ``X`` (a name for a DataFrame, a position for an array)
        that downstream models will predict. It stays in the synthetic table;
        it adds the utility term to the criterion and, when categorical, the
        per-class candidates. ``fit``'s ``y`` is ignored, as for every skgen
        generator: the target is part of the table being synthesised.
    n_jobs : int, default=None
        Workers for the folds of each candidate (``cross_validate``).
    random_state : int, RandomState instance or None, default=None
        Seeds the folds, every candidate left unseeded, and the samples the
        criterion draws, so that the whole search is reproducible.

    Attributes
    ----------
    best_estimator_ : generator
        The winner, refit on all the data.
    best_index_ : int
        Its row in ``cv_results_``.
    best_score_ : float
        Its mean held-out criterion.
    criterion_ : str
        ``"log_likelihood"``, ``"fidelity"``, ``"fidelity+utility"`` or the
        name of the given ``scoring``.
    cv_results_ : DataFrame
        One row per candidate, as ``GridSearchCV.cv_results_``: ``candidate``,
        ``params``, ``score_kind``, ``status`` (``"done"``, ``"skipped (time
        budget)"``, ``"stopped (time budget)"`` or ``"failed: ..."``),
        ``mean_fit_time``, ``std_fit_time``, ``mean_score_time``, ``std_score_time``, ``time`` (wall seconds of its
        cross-validation), ``split<k>_test_<part>``, ``mean_test_<part>``,
        ``std_test_<part>`` for each part of the criterion, and
        ``split<k>_test_score``, ``mean_test_score``, ``std_test_score``,
        ``rank_test_score`` for the criterion itself.
    skipped_ : list of str
        Candidates the time budget left untried.
    search_time_ : float
        Seconds spent before the refit; ``refit_time_`` the winner's refit;
        ``fit_time_`` the whole ``fit``.
    real_utility_ : ndarray of shape (n_splits,) or None
        With a ``target``: per fold, the utility of the real training rows
        (the denominator of the utility ratio).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when ``X`` has string column names.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import AutoGenerator, GaussianCopula, GaussianMixture
    >>> rng = np.random.default_rng(0)
    >>> X = np.vstack([rng.normal(c, 0.3, size=(100, 2)) for c in (-2, 0, 2)])
    >>> auto = AutoGenerator([GaussianCopula(), GaussianMixture(3)], random_state=0).fit(X)
    >>> auto.criterion_, type(auto.best_estimator_).__name__
    ('log_likelihood', 'GaussianMixture')
    >>> auto.cv_results_[["candidate", "rank_test_score"]].values.tolist()
    [['GaussianCopula()', 2], ['GaussianMixture(n_components=3)', 1]]
    >>> auto.sample(4, random_state=0).shape
    (4, 2)
    """

    _data_kinds = ("table",)
    score_kind = _ChosenScoreKind()

    _parameter_constraints = {
        "candidates": [list, None],
        "scoring": [StrOptions({"auto", "log_likelihood", "fidelity"}), str, callable],
        "cv": ["cv_object"],
        "time_budget": [Interval(Real, 0, None, closed="neither"), None],
        "target": "no_validation",
        "n_jobs": [Integral, None],
        "random_state": ["random_state"],
    }

    def __init__(
        self,
        candidates=None,
        *,
        scoring="auto",
        cv=3,
        time_budget=None,
        target=None,
        n_jobs=None,
        random_state=None,
    ):
        self.candidates = candidates
        self.scoring = scoring
        self.cv = cv
        self.time_budget = time_budget
        self.target = target
        self.n_jobs = n_jobs
        self.random_state = random_state

    # ------------------------------------------------------------ helpers
    def _target_values(self, X):
        """The target column (or None), checked to exist."""
        if self.target is None:
            return None
        if isinstance(X, pd.DataFrame):
            if self.target not in X.columns:
                raise ValueError(
                    f"target {self.target!r} is not a column of X; its columns are "
                    f"{list(map(str, X.columns))}."
                )
            return X[self.target]
        if not isinstance(self.target, Integral) or not 0 <= self.target < X.shape[1]:
            raise ValueError(
                f"target must be a column position in 0..{X.shape[1] - 1} for an array, "
                f"got {self.target!r}."
            )
        return pd.Series(np.asarray(X)[:, self.target])

    @staticmethod
    def _is_class_target(values):
        if values is None or values.isna().any():
            return False
        kind = column_kinds(values.rename("target").to_frame())["target"]
        n_classes = values.nunique()
        return not is_continuous(kind) and 2 <= n_classes <= MAX_CLASSES_PER_CLASS_CANDIDATES

    def _candidate_list(self, is_class):
        """``[(label, estimator, cost or None), ...]``."""
        if self.candidates is None:
            return _portfolio(is_class, self.target)
        if not self.candidates:
            raise ValueError("candidates is an empty list; give at least one generator.")
        out = []
        for candidate in self.candidates:
            if isinstance(candidate, ClassConditional):
                if not is_class:
                    raise ValueError(
                        f"{_label(candidate)} models one class of the target at a time; "
                        "give target= the name of a categorical column with 2 to "
                        f"{MAX_CLASSES_PER_CLASS_CANDIDATES} classes and no missing values."
                    )
                per_class = _PerClassTable(candidate.estimator, self.target)
                label = f"ClassConditional({_label(candidate.estimator)}) on {self.target!r}"
                out.append((label, per_class, None))
            else:
                out.append((_label(candidate), candidate, None))
        return out

    def _folds(self, y_class, seed):
        if isinstance(self.cv, Integral):
            splitter = StratifiedKFold if y_class is not None else KFold
            return splitter(n_splits=self.cv, shuffle=True, random_state=seed)
        return check_cv(self.cv)

    def _scorers(self, candidates, X, seed, n_train=None):
        """``(criterion name, {part: scorer})``."""
        if callable(self.scoring):
            return getattr(self.scoring, "__name__", "scoring"), {"score": self.scoring}
        # With a target, the figures a user checks are quality and utility, whatever the
        # score kinds: log-likelihood ranks how well the whole table is modelled, not
        # how well the target is predicted from the rest.
        if self.scoring == "log_likelihood" or (
            self.scoring == "auto"
            and self.target is None
            and all(getattr(c, "score_kind", "exact") == "exact" for _, c, _ in candidates)
        ):
            return "log_likelihood", {"score": held_out_log_likelihood}
        if self.scoring in ("auto", "fidelity"):
            scorers = _fidelity_scorers(X.shape[1], self.target, seed, n_train)
            return ("fidelity+utility" if "utility" in scorers else "fidelity"), scorers
        return self.scoring, {"score": make_generative_scorer(self.scoring, random_state=seed)}

    def _real_utilities(self, X, splits, seed):
        """Per fold, the utility of the real training rows (the denominator of the ratio)."""
        utility = _Utility(self.target, seed)
        take = (
            (lambda rows: X.iloc[rows]) if isinstance(X, pd.DataFrame) else (lambda rows: X[rows])
        )
        return np.array([utility(take(test), take(train)) for train, test in splits])

    # ---------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Cross-validate the candidates, keep the best, refit it on all of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame
        y : ignored
            The target, if any, is the column named by ``target``.

        Returns
        -------
        self : object
        """
        start = time.perf_counter()
        X = self._check_X(X, reset=True)
        seed = seed_from(self.random_state)
        target_values = self._target_values(X)
        is_class = self._is_class_target(target_values)
        candidates = self._candidate_list(is_class)
        y_class = target_values.to_numpy() if is_class else None
        folds = self._folds(y_class, seed)
        n_splits = folds.get_n_splits(X, y_class)
        if X.shape[0] < n_splits:
            n = X.shape[0]
            raise ValueError(
                f"AutoGenerator judges candidates on {n_splits} held-out folds and needs at "
                f"least {n_splits} rows; got {n} sample{'s' if n != 1 else ''}."
            )
        splits = list(folds.split(X, y_class))
        n_splits = len(splits)
        n_train = np.mean([len(train) for train, _ in splits])
        criterion, scorers = self._scorers(candidates, X, seed, n_train)
        real_utility = (
            self._real_utilities(X, splits, seed) if criterion == "fidelity+utility" else None
        )
        self.real_utility_ = real_utility
        # A refit on all rows costs about this many fold fits (fit time grows with the rows).
        refit_factor = X.shape[0] / n_train
        budget_end = None if self.time_budget is None else start + self.time_budget

        rows, errors, self.skipped_ = [], [], []
        best = {"score": -np.inf, "refit": 0.0}
        for label, candidate, cost in candidates:
            row = {
                "candidate": label,
                "params": candidate.get_params(deep=False),
                "score_kind": getattr(candidate, "score_kind", "exact"),
                "cost": cost,
            }
            rows.append(row)
            estimator = _seed_everywhere(candidate, seed)
            deep = bool(_epoch_params(estimator))
            if budget_end is not None and len(rows) > 1:
                # Seconds left once the best candidate so far is refit on all rows.
                left = budget_end - time.perf_counter() - best["refit"]
                if self._predicted(rows, cost, deep, n_splits, refit_factor) > left:
                    row["status"] = "skipped (time budget)"
                    self.skipped_.append(label)
                    continue
            began = time.perf_counter()
            try:
                result = self._cross_validate(
                    estimator, X, y_class, splits, scorers, deep, refit_factor, budget_end, best
                )
            except Exception as exc:  # a candidate that cannot model this table
                errors.append(exc)
                row["status"] = f"failed: {type(exc).__name__}: {' '.join(str(exc).split())}"
                continue
            row["time"] = time.perf_counter() - began
            row["estimator"] = result.pop("estimator")
            row["max_epochs"] = result.pop("max_epochs")
            if result.pop("stopped"):
                row["status"] = "stopped (time budget)"
                row["fit_time"] = result["fit_time"]
                row["score_time"] = result["score_time"]
                self.skipped_.append(label)
                continue
            row["status"] = "done"
            self._record(row, result, scorers, real_utility)
            score = float(np.mean(row["test_score"]))
            if score > best["score"]:
                best = {"score": score, "refit": refit_factor * float(np.mean(row["fit_time"]))}
        self.search_time_ = time.perf_counter() - start
        self.criterion_ = criterion
        self.cv_results_ = self._results_frame(rows, n_splits, scorers)
        done = self.cv_results_["status"] == "done"
        if not done.any():
            raise errors[0]
        if errors:
            failed = self.cv_results_.loc[self.cv_results_["status"].str.startswith("failed")]
            warnings.warn(
                "AutoGenerator: some candidates failed and were left out: "
                + "; ".join(
                    f"{c} ({s[8:]})" for c, s in zip(failed["candidate"], failed["status"])
                ),
                UserWarning,
                stacklevel=2,
            )
        if self.skipped_:
            warnings.warn(
                f"AutoGenerator: the time budget of {self.time_budget:g} s left no time for "
                f"more than {int(done.sum())} candidates ({self.search_time_:.1f} s); skipped: "
                + ", ".join(self.skipped_),
                UserWarning,
                stacklevel=2,
            )
        self.best_index_ = int(self.cv_results_["mean_test_score"].where(done).idxmax())
        self.best_score_ = float(self.cv_results_["mean_test_score"].iloc[self.best_index_])
        began = time.perf_counter()
        self.best_estimator_ = rows[self.best_index_]["estimator"].fit(X)
        self.refit_time_ = time.perf_counter() - began
        self.fit_time_ = time.perf_counter() - start
        return self

    @staticmethod
    def _predicted(rows, cost, deep, n_splits, refit_factor):
        """Seconds a candidate is expected to take (its folds and its refit), from those done.

        Scoring costs about the same for every candidate; fitting is
        extrapolated from the median fit time per unit of registered ``cost``
        (without a cost, the mean fit of the candidates that ran, stopped ones
        included). A deep model's training is cut to the
        time left, so it is started when a quarter of its expected training fits.
        """
        # Every candidate that ran folds, stopped ones included (they were the slow ones).
        done = [r for r in rows if "fit_time" in r]
        if not done:
            return 0.0
        score = np.mean([np.mean(r["score_time"]) for r in done])
        fits = [np.mean(r["fit_time"]) for r in done]
        costs = [r.get("cost") for r in done]
        if cost is not None and all(c is not None for c in costs):
            fit = cost * float(np.median([f / c for f, c in zip(fits, costs)]))
        else:
            fit = float(np.mean(fits))
        if deep:
            fit = fit / 4
        return n_splits * score + (n_splits + refit_factor) * fit

    def _cross_validate(
        self, estimator, X, y_class, splits, scorers, deep, refit_factor, budget_end, best
    ):
        """``cross_validate`` of one candidate, fold after fold under the time budget.

        Before each fold, the folds left and the refit are extrapolated from
        the folds done: a candidate that would end past the budget is stopped
        (``"stopped"``). A deep model's first fold trains until its share of
        the time left (a ``Deadline`` callback), and the epochs it reached
        become its ``max_epochs`` for the other folds and the refit, so that
        every fit of it is the same model.
        """
        scoring = scorers if len(scorers) > 1 else next(iter(scorers.values()))
        parallel = self.n_jobs not in (None, 1)
        batches = [splits] if parallel else [[split] for split in splits]
        results, max_epochs, stopped = [], None, False
        for k, batch in enumerate(batches):
            now = time.perf_counter()
            done_folds = sum(len(r["fit_time"]) for r in results)
            # The first candidate always finishes: there must be one to refit.
            if budget_end is not None and results and np.isfinite(best["score"]):
                fold = np.mean([np.sum(r["fit_time"]) + np.sum(r["score_time"]) for r in results])
                fold /= np.mean([len(r["fit_time"]) for r in results])
                fit = np.mean(np.concatenate([r["fit_time"] for r in results]))
                projected = (len(splits) - done_folds) * fold + max(
                    refit_factor * fit, best["refit"]
                )
                if now + projected > budget_end:
                    stopped = True
                    break
            fitted = estimator
            if deep and budget_end is not None and k == 0:
                # This fold's share of the time left: the folds, then a refit.
                share = (budget_end - now - best["refit"]) / (len(splits) + refit_factor)
                fitted = _with_deadline(clone(estimator), time.time() + max(share, 0.0) * 0.8)
            result = cross_validate(
                fitted,
                X,
                y_class,
                cv=batch,
                scoring=scoring,
                n_jobs=self.n_jobs,
                error_score="raise",
                return_estimator=deep and k == 0,
            )
            if deep and k == 0:
                epochs = [_trained_epochs(e) for e in result.pop("estimator")]
                reached = min((e for e in epochs if e is not None), default=None)
                for prefix, value in _epoch_params(estimator).items():
                    if reached is not None and reached < value:
                        estimator.set_params(**{prefix + "max_epochs": int(reached)})
                        max_epochs = int(reached)
            results.append(result)
        merged = {
            key: np.concatenate([r[key] for r in results])
            for key in (results[0] if results else {})
        }
        merged.update(estimator=estimator, max_epochs=max_epochs, stopped=stopped)
        return merged

    @staticmethod
    def _record(row, result, scorers, real_utility=None):
        row["fit_time"] = result["fit_time"]
        row["score_time"] = result["score_time"]
        if len(scorers) == 1:
            row["test_score"] = result["test_score"]
            return
        for name in scorers:
            row[f"test_{name}"] = result[f"test_{name}"]
        n_splits = len(result["fit_time"])
        row["test_score"] = np.array(
            [
                _combined(
                    {k: result[f"test_{k}"][i] for k in scorers},
                    None if real_utility is None else real_utility[i],
                )
                for i in range(n_splits)
            ]
        )

    @staticmethod
    def _results_frame(rows, n_splits, scorers):
        parts = ["score"] if len(scorers) == 1 else [*scorers, "score"]
        records = []
        for row in rows:
            record = {k: row[k] for k in ("candidate", "params", "score_kind", "status")}
            for name in ("fit_time", "score_time"):
                values = row.get(name, np.full(n_splits, np.nan))
                record[f"mean_{name}"] = float(np.mean(values))
                record[f"std_{name}"] = float(np.std(values))
            record["time"] = row.get("time", np.nan)
            for part in parts:
                values = row.get(f"test_{part}", np.full(n_splits, np.nan))
                for k in range(n_splits):
                    record[f"split{k}_test_{part}"] = float(values[k])
                record[f"mean_test_{part}"] = float(np.mean(values))
                record[f"std_test_{part}"] = float(np.std(values))
            records.append(record)
        frame = pd.DataFrame(records)
        for part in parts:
            column = frame[f"mean_test_{part}"]
            # As GridSearchCV: 1 is best, candidates without a score rank last.
            frame[f"rank_test_{part}"] = (
                column.fillna(-np.inf).rank(ascending=False, method="min").astype(int)
            )
        return frame

    def summary(self):
        """A few lines: which candidate won, by which criterion and margin, and what was skipped."""
        check_is_fitted(self)
        results = self.cv_results_
        best = results.iloc[self.best_index_]
        parts = [
            c[10:] for c in results.columns if c.startswith("mean_test_") and c != "mean_test_score"
        ]
        detail = ", ".join(f"{p} {best[f'mean_test_{p}']:.3f}" for p in parts)
        n_splits = sum(c.startswith("split") and c.endswith("_test_score") for c in results.columns)
        criterion = _CRITERION_NAMES.get(self.criterion_, self.criterion_)
        lines = [
            f"Chose {best['candidate']}: best {criterion} on "
            f"{n_splits} held-out folds, {self.best_score_:.3f}"
            + (f" ({detail})" if detail else "")
        ]
        others = results.drop(index=self.best_index_)
        others = others[others["status"] == "done"].sort_values("mean_test_score", ascending=False)
        if len(others):
            runner = others.iloc[0]
            lines.append(f"Runner-up: {runner['candidate']}, {runner['mean_test_score']:.3f}")
        done = int((results["status"] == "done").sum())
        lines.append(
            f"Tried {done} of {len(results)} candidates in {self.search_time_:.1f} s "
            f"(refit {self.refit_time_:.1f} s)"
        )
        if self.skipped_:
            lines.append(
                f"Skipped (time budget {self.time_budget:g} s): " + ", ".join(self.skipped_)
            )
        failed = results[results["status"].str.startswith("failed")]
        for candidate, status in zip(failed["candidate"], failed["status"]):
            lines.append(f"Failed: {candidate} ({status[8:]})")
        return "\n".join(lines)

    # ------------------------------------------------------- delegation
    def __sklearn_is_fitted__(self):
        return hasattr(self, "best_estimator_")

    @property
    def encoder_(self):
        """The chosen model's :class:`~skgen.preprocessing.TabularEncoder` (DataFrames)."""
        check_is_fitted(self)
        return self.best_estimator_.encoder_

    def _checked(self, X):
        check_is_fitted(self)
        if isinstance(X, pd.DataFrame) and self._fitted_on_frame_:
            # Column names first: a missing column is named, not just counted.
            validate_data(self, X, reset=False, skip_check_array=True)
            return X
        return self._check_X(X, reset=False)

    def score_samples(self, X):
        """Log-density of each row under the chosen model (its ``score_kind``).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame

        Returns
        -------
        log_density : ndarray of shape (n_samples,)
        """
        X = self._checked(X)
        return self.best_estimator_.score_samples(X)

    def sample(self, n_samples=1, *, random_state=None, **params):
        """Draw rows from the chosen model.

        Parameters
        ----------
        n_samples : int, default=1
        random_state : None, int or Generator, default=None
            ``None`` continues the chosen model's own sequence.
        **params
            Passed to the chosen model's ``sample`` (``conditions``, ``n_jobs``).

        Returns
        -------
        X_new : ndarray or DataFrame of shape (n_samples, n_features_in_)
        """
        check_is_fitted(self)
        return self.best_estimator_.sample(n_samples, random_state=random_state, **params)

    @available_if(_best_has("transform"))
    def transform(self, X):
        """The chosen model's latent representation of ``X``."""
        X = self._checked(X)
        return self.best_estimator_.transform(X)

    @available_if(_best_has("inverse_transform"))
    def inverse_transform(self, Z):
        """Rows decoded by the chosen model from latent points ``Z``."""
        check_is_fitted(self)
        return self.best_estimator_.inverse_transform(Z)
