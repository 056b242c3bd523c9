"""Serial vs joblib vs Dask for a grid search and a large sample.

Run: OMP_NUM_THREADS=1 python benchmarks/bench_scaling.py
Prints a markdown table (seconds). Needs the "dask" extra.
"""

import time

import joblib
import numpy as np
from dask.distributed import Client, LocalCluster
from sklearn.datasets import make_blobs
from sklearn.model_selection import GridSearchCV

from skgen import ClassConditional, GaussianMixture

N_SAMPLE = 2_000_000  # drawn in chunks of skgen.base.SAMPLE_CHUNK_SIZE rows


def make_search(n_jobs=None):
    grid = {"estimator__n_components": [1, 2, 4, 8], "estimator__covariance_type": ["full", "diag"]}
    return GridSearchCV(ClassConditional(GaussianMixture(random_state=0)), grid, cv=5, n_jobs=n_jobs)


def timed(function):
    start = time.perf_counter()
    result = function()
    return result, time.perf_counter() - start


def main():
    X, y = make_blobs(n_samples=20_000, centers=3, n_features=8, cluster_std=2.0, random_state=0)
    model = GaussianMixture(n_components=8, random_state=0).fit(X)
    reference, t_grid = timed(lambda: make_search().fit(X, y))
    reference_sample, t_sample = timed(lambda: model.sample(N_SAMPLE, random_state=0))
    rows = [("serial", "-", t_grid, f"{t_sample:.1f}", True)]

    search, t_grid = timed(lambda: make_search(n_jobs=2).fit(X, y))
    drawn, t_sample = timed(lambda: model.sample(N_SAMPLE, random_state=0, n_jobs=2))
    same = np.array_equal(search.cv_results_["mean_test_score"], reference.cv_results_["mean_test_score"])
    rows.append(("joblib loky, n_jobs=2", "-", t_grid, f"{t_sample:.1f}", same and np.array_equal(drawn, reference_sample)))

    for processes in (False, True):
        start = time.perf_counter()
        cluster = LocalCluster(
            n_workers=2, threads_per_worker=1, processes=processes, dashboard_address=None
        )
        client = Client(cluster)
        t_start = time.perf_counter() - start
        with joblib.parallel_backend("dask"):
            search, t_grid = timed(lambda: make_search().fit(X, y))
            drawn, t_sample = timed(lambda: model.sample(N_SAMPLE, random_state=0, n_jobs=-1))
        client.close()
        cluster.close()
        same = np.array_equal(
            search.cv_results_["mean_test_score"], reference.cv_results_["mean_test_score"]
        ) and np.array_equal(drawn, reference_sample)
        kind = "processes" if processes else "threads"
        rows.append((f"Dask LocalCluster, 2 {kind}", f"{t_start:.2f}", t_grid, f"{t_sample:.1f}", same))

    print("| setting | start-up (s) | 40-fit grid search (s) | 2,000,000-row sample (s) | identical to serial |")
    print("|---|---|---|---|---|")
    for name, start, grid, sample, same in rows:
        print(f"| {name} | {start} | {grid:.1f} | {sample} | {'yes' if same else 'NO'} |")


if __name__ == "__main__":
    main()
