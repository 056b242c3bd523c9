"""GridSearchCV over skgen estimators on a Dask cluster through joblib."""

import joblib
import numpy as np
import pytest
from sklearn.datasets import make_blobs
from sklearn.model_selection import GridSearchCV

from skgen import ClassConditional, GaussianMixture

distributed = pytest.importorskip(
    "dask.distributed",
    reason='Dask is the optional "dask" extra: pip install "skgen[dask]"',
)


@pytest.fixture(scope="module")
def client():
    # Threads keep start-up near 0.05 s; a process cluster takes ~5 s to start
    # and runs the same code (see docs/scaling.md).
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
    )
    with distributed.Client(cluster) as dask_client:
        yield dask_client
    cluster.close()


def _grid_search():
    X, y = make_blobs(n_samples=300, centers=3, cluster_std=2.0, random_state=0)
    search = GridSearchCV(
        ClassConditional(GaussianMixture(random_state=0)),
        {"estimator__n_components": [1, 2, 3], "estimator__covariance_type": ["full", "diag"]},
        cv=3,
    )
    return search, X, y


def test_grid_search_runs_on_dask_like_serial(client):
    serial, X, y = _grid_search()
    serial.fit(X, y)
    on_dask, _, _ = _grid_search()
    with distributed.get_task_stream(client) as task_stream:
        with joblib.parallel_backend("dask"):
            on_dask.fit(X, y)
    # The 18 fits really ran on the cluster's workers.
    assert len(task_stream.data) >= 6 * 3
    np.testing.assert_array_equal(
        serial.cv_results_["mean_test_score"], on_dask.cv_results_["mean_test_score"]
    )
    assert serial.best_params_ == on_dask.best_params_


def test_unsupervised_grid_search_and_chunked_sampling_on_dask(client):
    X, _ = make_blobs(n_samples=300, centers=3, random_state=0)
    with joblib.parallel_backend("dask"):
        search = GridSearchCV(
            GaussianMixture(random_state=0), {"n_components": [1, 3]}, cv=3, n_jobs=-1
        ).fit(X)
        # More than SAMPLE_CHUNK_SIZE rows: drawn in chunks, as Dask tasks.
        chunked = search.best_estimator_.sample(250_000, random_state=0, n_jobs=-1)
    # Scoring is the mean held-out log-likelihood: three blobs beat one Gaussian.
    assert search.best_params_ == {"n_components": 3}
    serial = search.best_estimator_.sample(250_000, random_state=0)
    np.testing.assert_array_equal(chunked, serial)


@pytest.mark.slow
def test_grid_search_on_a_process_cluster():
    # Worker processes import skgen themselves, as on a real cluster.
    cluster = distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    )
    with cluster, distributed.Client(cluster):
        search, X, y = _grid_search()
        with joblib.parallel_backend("dask"):
            search.fit(X, y)
    serial, _, _ = _grid_search()
    serial.fit(X, y)
    np.testing.assert_array_equal(
        serial.cv_results_["mean_test_score"], search.cv_results_["mean_test_score"]
    )
