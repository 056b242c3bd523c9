"""AutoGenerator: it picks the right model, says what it did, and is reproducible."""

import time

import numpy as np
import pandas as pd
import pytest

from skgen import AutoGenerator, ClassConditional, GaussianCopula, GaussianMixture
from skgen.auto import default_candidates
from skgen.datasets import load_penguins


def _three_clusters(n_per_cluster=100, random_state=0):
    rng = np.random.default_rng(random_state)
    centres = [(-3.0, 0.0), (0.0, 3.0), (3.0, 0.0)]
    return np.vstack([rng.normal(c, 0.4, size=(n_per_cluster, 2)) for c in centres])


@pytest.fixture(scope="module")
def mixture_search():
    X = _three_clusters()
    candidates = [GaussianCopula(), GaussianMixture(1), GaussianMixture(3)]
    return X, AutoGenerator(candidates, random_state=0).fit(X)


def test_picks_the_true_model_by_held_out_log_likelihood(mixture_search):
    X, auto = mixture_search
    assert auto.criterion_ == "log_likelihood"
    assert auto.cv_results_["candidate"][auto.best_index_] == "GaussianMixture(n_components=3)"
    assert auto.cv_results_["rank_test_score"].tolist()[2] == 1
    # The winner is refit on all rows: its scores are those of a fresh fit.
    fresh = GaussianMixture(3, random_state=auto.best_estimator_.random_state).fit(X)
    np.testing.assert_allclose(auto.score_samples(X), fresh.score_samples(X))
    assert auto.score_kind == "exact"
    # The three clusters are reproduced: every sample is near one of the centres.
    sample = auto.sample(200, random_state=0)
    nearest = np.min(
        np.linalg.norm(sample[:, None] - np.array([[-3, 0], [0, 3], [3, 0]]), axis=2), 1
    )
    assert np.mean(nearest < 1.5) > 0.97


def test_cv_results_are_like_grid_search(mixture_search):
    _, auto = mixture_search
    results = auto.cv_results_
    expected = {
        "candidate",
        "params",
        "score_kind",
        "status",
        "mean_fit_time",
        "std_fit_time",
        "mean_score_time",
        "std_score_time",
        "time",
        "split0_test_score",
        "split2_test_score",
        "mean_test_score",
        "std_test_score",
        "rank_test_score",
    }
    assert expected <= set(results.columns)
    assert len(results) == 3 and (results["status"] == "done").all()
    assert (results["mean_fit_time"] > 0).all() and (results["time"] > 0).all()
    assert auto.best_score_ == results["mean_test_score"].max()
    assert "Chose GaussianMixture(n_components=3)" in auto.summary()


def test_reproducible_under_random_state(mixture_search):
    X, auto = mixture_search
    again = AutoGenerator(auto.candidates, random_state=0).fit(X)
    pd.testing.assert_series_equal(
        again.cv_results_["mean_test_score"], auto.cv_results_["mean_test_score"]
    )
    np.testing.assert_array_equal(again.sample(5, random_state=1), auto.sample(5, random_state=1))


def test_time_budget_skips_the_rest_and_says_so():
    X = _three_clusters(30)
    candidates = [GaussianMixture(1), GaussianCopula(), GaussianMixture(3)]
    auto = AutoGenerator(candidates, time_budget=1e-9, cv=2, random_state=0)
    with pytest.warns(UserWarning, match="time budget .* skipped: GaussianCopula"):
        auto.fit(X)
    assert auto.skipped_ == ["GaussianCopula()", "GaussianMixture(n_components=3)"]
    assert auto.cv_results_["status"].tolist() == ["done"] + ["skipped (time budget)"] * 2
    assert auto.cv_results_["rank_test_score"].tolist() == [1, 2, 2]
    assert isinstance(auto.best_estimator_, GaussianMixture)
    assert "Skipped (time budget" in auto.summary()


class _SlowMixture(GaussianMixture):
    """A mixture whose fit takes 0.2 s of wall clock (sleeping: no CPU)."""

    def fit(self, X, y=None):
        time.sleep(0.2)
        return super().fit(X, y)


def test_time_budget_bounds_the_whole_fit_refit_included():
    X = _three_clusters(30)
    candidates = [GaussianMixture(1), _SlowMixture(3), GaussianMixture(2)]
    auto = AutoGenerator(candidates, time_budget=0.6, cv=3, random_state=0)
    with pytest.warns(UserWarning, match="time budget"):
        auto.fit(X)
    # The slow candidate's first fold shows that two more and a refit would overrun:
    # it is stopped there, and the next one, expected to take as long, is not started.
    assert auto.cv_results_["status"].tolist() == [
        "done",
        "stopped (time budget)",
        "skipped (time budget)",
    ]
    assert auto.skipped_ == ["_SlowMixture(n_components=3)", "GaussianMixture(n_components=2)"]
    assert auto.fit_time_ < 0.6
    assert isinstance(auto.best_estimator_, GaussianMixture) and auto.best_index_ == 0


def test_deep_candidates_train_until_their_share_of_the_budget():
    from skgen import VAE
    from skgen.auto import _epoch_params, _with_deadline

    X = _three_clusters(10)
    vae = VAE(n_components=1, hidden_layer_sizes=(4,), max_epochs=1000, random_state=0)
    assert _epoch_params(vae) == {"": 1000}
    # A deadline already past: training ends after its first epoch.
    assert _with_deadline(vae, time.time() - 1).fit(X).n_iter_ == 1


def test_failing_candidates_are_reported_and_left_out():
    X = _three_clusters(20)
    with pytest.warns(UserWarning, match="failed"):
        auto = AutoGenerator([GaussianMixture(500), GaussianCopula()], cv=2).fit(X)
    assert auto.cv_results_["status"][0].startswith("failed: ValueError")
    assert isinstance(auto.best_estimator_, GaussianCopula)
    # When every candidate fails, the first error is raised as it is.
    with pytest.raises(ValueError, match="n_components = 500"):
        AutoGenerator([GaussianMixture(500)], cv=2).fit(X)


def test_fidelity_and_utility_with_a_target_choose_one_model_per_class():
    penguins = load_penguins()[["species", "bill_length_mm", "flipper_length_mm", "island"]]
    candidates = [GaussianMixture(1), ClassConditional(GaussianMixture(1))]
    # Both candidates are exact, yet with a target "auto" judges quality and utility.
    auto = AutoGenerator(candidates, target="species", cv=2, random_state=0)
    auto.fit(penguins)
    assert auto.criterion_ == "fidelity+utility"
    results = auto.cv_results_.set_index("candidate")
    parts = {"mean_test_shape", "mean_test_pair", "mean_test_utility"}
    assert parts <= set(results.columns) and "mean_test_detection" not in results.columns
    # Each fold's criterion is the mean of its quality (shape, pair) and utility ratio.
    quality = (results["split0_test_shape"] + results["split0_test_pair"]) / 2
    ratio = results["split0_test_utility"] / auto.real_utility_[0]
    np.testing.assert_allclose(results["split0_test_score"], (quality + ratio) / 2)
    winner = "ClassConditional(GaussianMixture()) on 'species'"
    assert results.index[auto.best_index_] == winner
    # One Gaussian per species separates the species; one for all cannot.
    utility = results["mean_test_utility"]
    assert utility[winner] > utility["GaussianMixture()"] + 0.2
    synthetic = auto.sample(300, random_state=0)
    assert list(synthetic.columns) == list(penguins.columns)
    assert synthetic["species"].dtype == penguins["species"].dtype
    assert set(synthetic["species"]) == set(penguins["species"])
    assert np.isfinite(auto.score_samples(penguins.dropna())).all()
    adelie = auto.sample(5, random_state=0, conditions={"species": "Adelie"})
    assert (adelie["species"] == "Adelie").all()


def test_target_errors_name_the_problem():
    penguins = load_penguins()
    with pytest.raises(ValueError, match="target 'kind' is not a column"):
        AutoGenerator([GaussianCopula()], target="kind").fit(penguins)
    with pytest.raises(ValueError, match="categorical column"):
        AutoGenerator([ClassConditional(GaussianCopula())], target="body_mass_g").fit(penguins)


def test_default_portfolio_is_registered_cheapest_first():
    labels = [label for label, _ in default_candidates(True, "species")]
    assert labels[0] == "ClassConditional(GaussianMixture(n_components=3)) on 'species'"
    assert "ClassConditional(GaussianMixture(n_components=3)) on 'species'" in labels
    # With a class target, the models that can be tried per class are tried per class only.
    assert "GaussianMixture(n_components=3)" not in labels
    assert labels[-1] == "VAE()"
    joint = [label for label, _ in default_candidates(False)]
    assert (
        joint[0] == "GaussianMixture(n_components=3)"
        and "GaussianMixture(n_components=10)" in joint
    )
    assert not any("ClassConditional" in label for label in joint)


def test_pair_part_of_the_criterion_looks_at_related_pairs():
    from skgen.auto import related_pair_similarity
    from skgen.metrics._scorer import pair_similarity

    rng = np.random.default_rng(0)
    x = rng.normal(size=500)
    real = np.column_stack([x, x + 0.1 * rng.normal(size=500), rng.normal(size=(500, 4))])
    broken = real.copy()
    broken[:, 1] = rng.permutation(broken[:, 1])  # the one relationship is lost
    # Over all 15 pairs the loss barely shows; over the one related pair it is all there is.
    assert pair_similarity(real, broken) > 0.95
    assert related_pair_similarity(real, broken) < 0.55
    assert related_pair_similarity(real, real) == 1.0
