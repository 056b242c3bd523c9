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
import time
import warnings
from numbers import Integral, Real

import numpy as np
import pandas as pd
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

#: Boosting rounds of the detection and utility models of the fidelity criterion
#: (scikit-learn's default is 100; 30 make the search about three times faster
#: and rank candidates alike on the tables of docs/choosing.md).
_BOOSTING_ROUNDS = 30

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
            max_iter=_BOOSTING_ROUNDS, random_state=self.seed
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
        )(max_iter=_BOOSTING_ROUNDS, random_state=self.seed)
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


def _fidelity_scorers(n_features, target, seed):
    """``{name: scorer}`` of the fidelity (and utility) criterion."""
    scorers = {"shape": make_generative_scorer(shape_similarity, random_state=seed)}
    if n_features > 1:
        scorers["pair"] = make_generative_scorer(related_pair_similarity, random_state=seed)
    scorers["detection"] = make_generative_scorer(_Detection(seed), random_state=seed)
    if target is not None and n_features > 1:
        scorers["utility"] = make_generative_scorer(_Utility(target, seed), random_state=seed)
    return scorers


def _combined(split_scores):
    """The fidelity criterion of one fold: mean of shape, pair and detection,
    averaged with utility when a target is given."""
    fidelity = np.nanmean(
        [split_scores[k] for k in ("shape", "pair", "detection") if k in split_scores]
    )
    if "utility" in split_scores:
        return (fidelity + split_scores["utility"]) / 2
    return fidelity


_CRITERION_NAMES = {
    "log_likelihood": "held-out log-likelihood",
    "fidelity": "fidelity",
    "fidelity+utility": "fidelity + utility",
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


def default_candidates(target_is_class=False, target=None):
    """AutoGenerator's default candidates: ``[(label, estimator), ...]``, cheapest first.

    Built from :data:`skgen._registry.PORTFOLIO` (one registration line per
    candidate); an entry with ``per_class=True`` is also tried as
    :class:`_PerClassTable` when ``target_is_class``. Models that cannot be
    imported (a deep model without torch) are left out.
    """
    entries = sorted(enumerate(PORTFOLIO), key=lambda item: (item[1]["cost"], item[0]))
    out = []
    for _, entry in entries:
        try:
            module = importlib.import_module(MODELS[entry["model"]])
        except ImportError:  # e.g. a deep model without torch
            continue
        model = getattr(module, entry["model"])(**entry.get("params", {}))
        out.append((_label(model), model))
        if target_is_class and entry.get("per_class"):
            per_class = _PerClassTable(model, target)
            out.append((f"ClassConditional({_label(model)}) on {target!r}", per_class))
    return out


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

    - **held-out log-likelihood** when every candidate's ``score_kind`` is
      ``"exact"``: the mean log-density of the held-out rows (their densities
      are then comparable);
    - otherwise **fidelity**: the mean of column shape similarity, column pair
      similarity (over the pairs related in the held-out rows: see
      :func:`related_pair_similarity`) and the detection score (a classifier's
      failure to tell samples from held-out rows), each in [0, 1]; with a ``target``, averaged
      with the **utility**: the train-on-synthetic, test-on-held-out-real score
      of a gradient-boosting model predicting the target (balanced accuracy,
      or R² for a continuous target, at least 0).

    Parameters
    ----------
    candidates : list of generators, default=None
        Tried in the order given (put the cheapest first). A
        :class:`~skgen.ClassConditional` candidate fits its generator once per
        class of the ``target`` column and draws the target from its
        frequencies (whole rows: the target stays in the table). ``None`` tries the
        portfolio registered in ``skgen._registry.PORTFOLIO`` (Gaussian
        copula, Bayesian network, Gaussian mixtures, VAE, ...), cheapest
        first, and, for a categorical ``target``, per-class variants
        (one mixture per class, the target drawn from its frequencies).
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
        Seconds of wall clock for the search. A candidate is started only if
        the time left is at least the mean time the candidates tried so far
        have taken (the first is always tried; one that runs longer than that
        finishes, and the winner's refit comes on top); the skipped candidates
        are listed in ``skipped_``, marked in ``cv_results_`` and named in a
        warning. ``None`` tries every candidate.
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
        budget)"`` or ``"failed: ..."``), ``mean_fit_time``, ``std_fit_time``,
        ``mean_score_time``, ``std_score_time``, ``time`` (wall seconds of its
        cross-validation), ``split<k>_test_<part>``, ``mean_test_<part>``,
        ``std_test_<part>`` for each part of the criterion, and
        ``split<k>_test_score``, ``mean_test_score``, ``std_test_score``,
        ``rank_test_score`` for the criterion itself.
    skipped_ : list of str
        Candidates the time budget left untried.
    search_time_ : float
        Seconds spent on cross-validation; ``refit_time_`` the winner's refit.
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
        if self.candidates is None:
            return default_candidates(is_class, self.target)
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
                out.append((label, per_class))
            else:
                out.append((_label(candidate), candidate))
        return out

    def _folds(self, y_class, seed):
        if isinstance(self.cv, Integral):
            splitter = StratifiedKFold if y_class is not None else KFold
            return splitter(n_splits=self.cv, shuffle=True, random_state=seed)
        return check_cv(self.cv)

    def _scorers(self, candidates, X, seed):
        """``(criterion name, {part: scorer})``."""
        if callable(self.scoring):
            return getattr(self.scoring, "__name__", "scoring"), {"score": self.scoring}
        if self.scoring == "log_likelihood" or (
            self.scoring == "auto"
            and all(getattr(c, "score_kind", "exact") == "exact" for _, c in candidates)
        ):
            return "log_likelihood", {"score": held_out_log_likelihood}
        if self.scoring in ("auto", "fidelity"):
            scorers = _fidelity_scorers(X.shape[1], self.target, seed)
            return ("fidelity+utility" if "utility" in scorers else "fidelity"), scorers
        return self.scoring, {"score": make_generative_scorer(self.scoring, random_state=seed)}

    # ---------------------------------------------------------------- fit
    @_fit_context(prefer_skip_nested_validation=False)
    def fit(self, X, y=None):
        """Cross-validate every candidate, keep the best, refit it on all of ``X``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame
        y : ignored
            The target, if any, is the column named by ``target``.

        Returns
        -------
        self : object
        """
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
        criterion, scorers = self._scorers(candidates, X, seed)

        rows, errors, self.skipped_ = [], [], []
        start = time.perf_counter()
        for label, candidate in candidates:
            row = {
                "candidate": label,
                "params": candidate.get_params(deep=False),
                "score_kind": getattr(candidate, "score_kind", "exact"),
            }
            rows.append(row)
            spent = time.perf_counter() - start
            # Start a candidate only if the time left covers what one has taken on average.
            taken = [r["time"] for r in rows if "time" in r]
            expected = spent + (np.mean(taken) if taken else 0.0)
            if self.time_budget is not None and len(rows) > 1 and expected > self.time_budget:
                row["status"] = "skipped (time budget)"
                self.skipped_.append(label)
                continue
            began = time.perf_counter()
            try:
                result = cross_validate(
                    _seed_everywhere(candidate, seed),
                    X,
                    y_class,
                    cv=folds,
                    scoring=scorers if len(scorers) > 1 else next(iter(scorers.values())),
                    n_jobs=self.n_jobs,
                    error_score="raise",
                )
            except Exception as exc:  # a candidate that cannot model this table
                errors.append(exc)
                row["status"] = f"failed: {type(exc).__name__}: {' '.join(str(exc).split())}"
                continue
            row["status"] = "done"
            row["time"] = time.perf_counter() - began
            self._record(row, result, scorers, criterion)
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
        best_label, best = candidates[self.best_index_]
        began = time.perf_counter()
        self.best_estimator_ = _seed_everywhere(best, seed).fit(X)
        self.refit_time_ = time.perf_counter() - began
        return self

    @staticmethod
    def _record(row, result, scorers, criterion):
        row["fit_time"] = result["fit_time"]
        row["score_time"] = result["score_time"]
        if len(scorers) == 1:
            row["test_score"] = result["test_score"]
            return
        for name in scorers:
            row[f"test_{name}"] = result[f"test_{name}"]
        n_splits = len(result["fit_time"])
        row["test_score"] = np.array(
            [_combined({k: result[f"test_{k}"][i] for k in scorers}) for i in range(n_splits)]
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
