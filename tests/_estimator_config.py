"""Per-estimator settings for tests/test_common.py.

Every estimator listed by ``skgen.utils.all_estimators()`` is checked; here it
may get parameters that keep the checks fast, and scikit-learn checks it is
expected to fail, each with the reason.
"""

from skgen import GaussianCopula, GaussianMixture
from skgen.utils import all_estimators

# Parameters that keep the common checks fast (deep models: few epochs).
FAST_PARAMS = {
    # Two cheap exact candidates, two folds: the held-out log-likelihood criterion.
    "AutoGenerator": {"candidates": [GaussianMixture(n_components=2), GaussianCopula()], "cv": 2},
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
    # Enough training for ClassConditional's checks on one model with a class context
    # (tests/test_applications_all_estimators.py); mild guidance separates the classes.
    "DiffusionModel": {
        "hidden_layer_sizes": (32, 32),
        "embedding_dim": 16,
        "n_steps": 10,
        "n_sampling_steps": 10,
        "n_score_steps": 10,
        "guidance_scale": 1.5,
        "max_epochs": 8,
        "batch_size": 32,
        "lr": 1e-2,
    },
    "NGramLM": {"order": 3, "n_features": 64},
    "TransformerLM": {
        "n_layers": 1,
        "n_heads": 2,
        "d_model": 16,
        "context_length": 8,
        "max_epochs": 3,
        "batch_size": 16,
    },
    # Energy-based models (issue 13): short training, few AIS and Gibbs steps.
    "BernoulliRBM": {
        "n_components": 8,
        "max_epochs": 5,
        "batch_size": 32,
        "lr": 0.02,
        "n_bins": 8,
        # Missing-value rates need a chain that has mixed (20 steps sampled 18% for 23%).
        "n_burn_in": 200,
        "n_ais_chains": 20,
        "n_ais_steps": 50,
    },
    "GaussianBernoulliRBM": {
        "n_components": 8,
        "max_epochs": 5,
        "batch_size": 32,
        "lr": 0.01,
        "n_burn_in": 20,
        "n_ais_chains": 20,
        "n_ais_steps": 50,
    },
    # Image models (issue 16): a few feature maps, two epochs.
    "ConvVAE": {"n_components": 2, "channels": (4,), "max_epochs": 2, "batch_size": 32},
    "PixelCNN": {"channels": 4, "n_layers": 1, "max_epochs": 2, "batch_size": 32},
    "ImageDiffusion": {
        "channels": (4,),
        "embedding_dim": 4,
        "n_steps": 4,
        "n_sampling_steps": 2,
        "n_score_steps": 2,
        "max_epochs": 1,
        "batch_size": 256,  # one step an epoch
    },
    "DCGAN": {
        "n_components": 2,
        "channels": (4,),
        "n_critic": 1,
        "max_epochs": 3,
        "encoder_max_epochs": 1,
        "n_importance_samples": 4,
        "batch_size": 256,  # one step an epoch
        # Large steps: samples (the generator's images, rounded to levels) must
        # vary with z after three epochs.
        "lr": 3e-2,
    },
    "EnergyModel": {
        "hidden_layer_sizes": (16, 16),
        "max_epochs": 3,
        "batch_size": 32,
        "buffer_size": 200,
        "n_langevin_steps": 3,
        "n_sampling_steps": 3,
    },
    # GANs (issue 10): tiny networks, a few epochs, few importance samples.
    "GAN": {
        "n_components": 2,
        "generator_layer_sizes": (16,),
        "critic_layer_sizes": (16,),
        "max_epochs": 2,
        "encoder_max_epochs": 1,
        "n_importance_samples": 8,
        "batch_size": 64,
        "lr": 3e-4,
    },
    "TabularGAN": {
        # The default "mode" encoding fits a Bayesian mixture per column (most of
        # a tiny fit's time); tests/test_gan.py covers it.
        "continuous": "standard",
        "n_components": 2,
        "generator_layer_sizes": (16,),
        "critic_layer_sizes": (16,),
        "pac": 2,
        "max_epochs": 2,
        "encoder_max_epochs": 1,
        "n_importance_samples": 8,
        "batch_size": 64,
        "lr": 3e-4,
    },
    # Exact-likelihood flows (issue 11): one thin layer, two epochs.
    "RealNVP": {
        "n_transforms": 1,
        "hidden_layer_sizes": (16,),
        "hidden_channels": 4,
        "n_levels": 1,
        "max_epochs": 2,
        "batch_size": 32,
    },
    "MAF": {"n_transforms": 1, "hidden_layer_sizes": (16,), "max_epochs": 2, "batch_size": 32},
    # Glow's random rotations need a few more steps to settle the missing-value rates.
    "Glow": {
        "n_transforms": 2,
        "hidden_layer_sizes": (16,),
        "hidden_channels": 4,
        "n_levels": 1,
        "max_epochs": 3,
        "batch_size": 32,
    },
    "MADE": {
        "hidden_layer_sizes": (16,),
        "n_mixture_components": 2,
        "max_epochs": 2,
        "batch_size": 32,
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

# Language models take text (a list of strings or of integer token sequences);
# every check below fits them on a 2-D numeric array, which they reject with a
# ValueError naming the kind of data they take (tests/test_language_models.py
# and the text-kind contract tests in tests/test_common.py cover what each
# check is about, on text).
_TEXT_ONLY = "fits on a 2-D numeric array; a language model takes text only"
_LANGUAGE_MODEL_CHECKS = {
    "check_fit_score_takes_y": _TEXT_ONLY + " (fit/score take y=None on text: tested)",
    "check_estimators_overwrite_params": _TEXT_ONLY,
    "check_dont_overwrite_parameters": _TEXT_ONLY,
    "check_estimators_fit_returns_self": _TEXT_ONLY + " (fit returns self on text: tested)",
    "check_readonly_memmap_input": _TEXT_ONLY,
    "check_n_features_in_after_fitting": "text has documents, not features: no n_features_in_",
    "check_n_features_in": "text has documents, not features: no n_features_in_",
    "check_positive_only_tag_during_fit": _TEXT_ONLY,
    "check_estimators_dtypes": _TEXT_ONLY + " (float32/int arrays are not token sequences)",
    "check_complex_data": "rejects complex arrays as not text, not with the check's message",
    "check_dtype_object": _TEXT_ONLY + " (an object array of numbers is not text)",
    "check_estimators_empty_data_messages": "an empty array is rejected as not text, not with "
    "the check's message about 0 samples",
    "check_pipeline_consistency": _TEXT_ONLY + " (Pipeline on text: tested)",
    "check_estimators_nan_inf": "NaN/inf arrays are rejected as not text, not with the check's "
    "message",
    "check_estimator_sparse_tag": "sparse matrices are rejected as not text, not with the "
    "check's message about sparse input",
    "check_estimator_sparse_array": "sparse arrays are rejected as not text, not with the "
    "check's message about sparse input",
    "check_estimator_sparse_matrix": "sparse matrices are rejected as not text, not with the "
    "check's message about sparse input",
    "check_estimators_pickle": _TEXT_ONLY + " (pickle round trip on text: tested)",
    "check_estimators_pickle(readonly_memmap=True)": _TEXT_ONLY,
    "check_f_contiguous_array_estimator": _TEXT_ONLY,
    "check_transformer_data_not_an_array": _TEXT_ONLY + " (transform of a list of strings: tested)",
    "check_transformer_general": _TEXT_ONLY + " (transform on text: tested)",
    "check_transformer_preserve_dtypes": "transform maps documents (not float arrays) to float64 "
    "features",
    "check_transformer_general(readonly_memmap=True)": _TEXT_ONLY,
    "check_methods_sample_order_invariance": _TEXT_ONLY + " (document order invariance: tested)",
    "check_methods_subset_invariance": _TEXT_ONLY + " (scores per document: tested)",
    "check_fit2d_1sample": _TEXT_ONLY,
    "check_fit2d_1feature": _TEXT_ONLY,
    "check_dict_unchanged": _TEXT_ONLY,
    "check_fit_idempotent": _TEXT_ONLY + " (refit gives identical scores on text: tested)",
    "check_fit_check_is_fitted": _TEXT_ONLY + " (NotFittedError before fit on text: tested)",
    "check_fit2d_predict1d": _TEXT_ONLY + " (a 1-D array of strings is valid text)",
}
EXPECTED_FAILED_CHECKS["NGramLM"] = _LANGUAGE_MODEL_CHECKS
EXPECTED_FAILED_CHECKS["TransformerLM"] = _LANGUAGE_MODEL_CHECKS


def estimator_instances():
    return [cls(**FAST_PARAMS.get(name, {})) for name, cls in all_estimators()]


def expected_failed_checks(estimator):
    return EXPECTED_FAILED_CHECKS.get(type(estimator).__name__, {})
