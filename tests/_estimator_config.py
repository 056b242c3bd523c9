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

def estimator_instances():
    return [cls(**FAST_PARAMS.get(name, {})) for name, cls in all_estimators()]


def expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})
