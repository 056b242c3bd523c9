"""Per-estimator settings for tests/test_common.py.

Every estimator listed by ``skgen.utils.all_estimators()`` is checked; here it
may get parameters that keep the checks fast, and scikit-learn checks it is
expected to fail, each with the reason.
"""

from skgen.utils import all_estimators

# Parameters that keep the common checks fast (deep models: few epochs).
FAST_PARAMS = {
    "GaussianMixture": {"n_components": 2},
    "BayesianGaussianMixture": {"n_components": 2},
    "KernelDensity": {"bandwidth": 0.5},
    "GaussianHMM": {"n_components": 2, "max_iter": 5},
    "GMMHMM": {"n_components": 2, "n_mix": 2, "max_iter": 5},
    "CategoricalHMM": {"n_components": 2, "max_iter": 5},
    "VAE": {
        "n_components": 2,
        "hidden_layer_sizes": (16,),
        "max_epochs": 5,
        "batch_size": 32,
        "lr": 0.01,
    },
    "Autoencoder": {
        "n_components": 2,
        "hidden_layer_sizes": (16,),
        "max_epochs": 5,
        "batch_size": 32,
        "lr": 0.01,
    },
}

# scikit-learn checks expected to fail: {estimator name: {check name: reason}}.
EXPECTED_FAILED_CHECKS = {}

# Hidden Markov models: X is one sequence (rows in time order), not independent rows.
_SEQUENCE_CHECKS = {
    "check_methods_sample_order_invariance": (
        "an HMM scores X as one sequence: reordering its rows changes the sequence, its "
        "likelihood (score_samples), its state posteriors (transform) and Viterbi path (predict)"
    ),
    "check_methods_subset_invariance": (
        "an HMM scores X as one sequence: a slice of it is another, shorter sequence, with "
        "its own likelihood and state posteriors (each depends on the whole sequence)"
    ),
}
EXPECTED_FAILED_CHECKS.update(
    GaussianHMM=_SEQUENCE_CHECKS,
    GMMHMM=_SEQUENCE_CHECKS,
    CategoricalHMM={
        **_SEQUENCE_CHECKS,
        "check_fit_idempotent": (
            "CategoricalHMM models discrete symbols (the distinct rows seen in fit); the "
            "check scores real-valued rows never seen in fit, which have no probability "
            "(ZeroProbabilityError)"
        ),
    },
)


def estimator_instances():
    return [cls(**FAST_PARAMS.get(name, {})) for name, cls in all_estimators()]


def expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})
