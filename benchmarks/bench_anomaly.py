"""Anomaly detection: skgen generative detectors vs IsolationForest and pyod.

Two settings, the same splits for every detector, features standardised on
the training rows:

- **Shuttle** (``river.datasets.Shuttle``, 49,097 rows x 9, 7.15 % labelled
  anomalies): unsupervised, as in the ODDS benchmarks: 10,000 random rows
  (anomalies included) to fit, 10,000 other random rows to score.
- **digits** (``sklearn.datasets.load_digits``, 1,797 x 64): for each digit
  ``d``, the other nine digits are normal; 70 % of their rows fit the
  detector (clean training data), the remaining 30 % plus every image of ``d``
  are scored. The table gives the mean and worst ROC AUC over the ten digits.

Detectors: skgen ``GenerativeOutlierDetector`` around each generator below
(ranked by ``score_samples``; the threshold does not enter ROC AUC), also
with a trimmed refit (``trim_fraction=0.1, trim_rounds=2``: refit twice
without the 10 % lowest-scoring training rows), scikit-
learn's ``IsolationForest`` and, when installed, pyod's ``AutoEncoder`` and
``VAE`` with their default settings. skgen's deep models are added
automatically when ``skgen.neural`` provides them.

Run: ``PYTHONPATH=. OMP_NUM_THREADS=1 python benchmarks/bench_anomaly.py``
(needs the ``bench`` extra: river, and optionally pyod). Prints markdown.
"""

import importlib
import time
import warnings

import numpy as np
import pandas as pd
from sklearn.datasets import load_digits
from sklearn.ensemble import IsolationForest
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import train_test_split
from sklearn.preprocessing import StandardScaler

from skgen import BayesianGaussianMixture, GaussianCopula, GaussianMixture, KernelDensity
from skgen.anomaly import GenerativeOutlierDetector


def skgen_generators():
    found = {
        "skgen GMM-1": GaussianMixture(n_components=1, random_state=0),
        "skgen GMM-8": GaussianMixture(n_components=8, random_state=0),
        "skgen BGMM-16": BayesianGaussianMixture(n_components=16, random_state=0),
        "skgen KDE": KernelDensity(bandwidth="scott", random_state=0),
        "skgen Copula": GaussianCopula(random_state=0),
    }
    try:
        neural = importlib.import_module("skgen.neural")
    except ImportError:
        return found
    for name in ("Autoencoder", "VAE"):
        if hasattr(neural, name):
            found[f"skgen {name}"] = getattr(neural, name)(random_state=0)
    return found


def detectors():
    # contamination only sets the threshold, which ROC AUC ignores; a float
    # fits the generator on all training rows, as the other detectors are.
    found = {
        name: (lambda g=generator: GenerativeOutlierDetector(g, contamination=0.1))
        for name, generator in skgen_generators().items()
    }
    for name in ("skgen GMM-1", "skgen GMM-8", "skgen KDE"):
        generator = skgen_generators()[name]
        found[f"{name}, trimmed"] = lambda g=generator: GenerativeOutlierDetector(
            g, contamination=0.1, trim_fraction=0.1, trim_rounds=2
        )
    found["IsolationForest"] = lambda: IsolationForest(random_state=0)
    try:
        from pyod.models.auto_encoder import AutoEncoder
        from pyod.models.vae import VAE
    except ImportError:
        return found
    found["pyod AutoEncoder"] = lambda: AutoEncoder(verbose=0, random_state=0)
    found["pyod VAE"] = lambda: VAE(verbose=0, random_state=0)
    return found


def anomaly_scores(detector, X_test):
    """Higher means more anomalous, for every library."""
    if hasattr(detector, "offset_") or isinstance(detector, IsolationForest):
        scores = -detector.score_samples(X_test)
    else:  # pyod: decision_function is already an outlyingness score
        scores = detector.decision_function(X_test)
    # A log-density of -inf (outside a model's support) ranks as most anomalous.
    return np.nan_to_num(scores, posinf=1e300)


def evaluate(make_detector, X_train, X_test, is_outlier):
    scaler = StandardScaler().fit(X_train)
    detector = make_detector().fit(scaler.transform(X_train))
    return roc_auc_score(is_outlier, anomaly_scores(detector, scaler.transform(X_test)))


def shuttle_split():
    from river.datasets import Shuttle

    frame = pd.DataFrame([{**x, "y": y} for x, y in Shuttle()])
    X, y = frame.drop(columns="y").to_numpy(float), frame["y"].to_numpy().astype(bool)
    X_train, X_rest, _, y_rest = train_test_split(X, y, train_size=10_000, random_state=0)
    _, X_test, _, y_test = train_test_split(X_rest, y_rest, test_size=10_000, random_state=0)
    return X_train, X_test, y_test


def digit_splits():
    X, y = load_digits(return_X_y=True)
    for digit in range(10):
        normal = y != digit
        X_train, X_normal_test = train_test_split(
            X[normal], train_size=0.7, stratify=y[normal], random_state=0
        )
        X_test = np.r_[X_normal_test, X[~normal]]
        is_outlier = np.r_[np.zeros(len(X_normal_test), bool), np.ones((~normal).sum(), bool)]
        yield digit, X_train, X_test, is_outlier


def main():
    import torch

    torch.set_num_threads(1)
    warnings.filterwarnings("ignore")
    rows = []
    X_train, X_test, y_test = shuttle_split()
    splits = list(digit_splits())
    for name, make_detector in detectors().items():
        start = time.perf_counter()
        shuttle_auc = evaluate(make_detector, X_train, X_test, y_test)
        shuttle_time = time.perf_counter() - start
        start = time.perf_counter()
        digit_auc = [evaluate(make_detector, *split[1:]) for split in splits]
        digits_time = time.perf_counter() - start
        rows.append((name, shuttle_auc, shuttle_time, np.mean(digit_auc), np.min(digit_auc), digits_time))
        print(f"done {name}", flush=True)
    print("\n| detector | Shuttle ROC AUC | time (s) | digits mean ROC AUC | digits worst | time (s, 10 fits) |")
    print("|---|---|---|---|---|---|")
    for name, s_auc, s_time, d_mean, d_min, d_time in rows:
        print(f"| {name} | {s_auc:.4f} | {s_time:.1f} | {d_mean:.4f} | {d_min:.4f} | {d_time:.1f} |")


if __name__ == "__main__":
    main()
