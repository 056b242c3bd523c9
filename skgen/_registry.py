"""Where each public model lives: one line per model is its registration.

``import skgen`` imports none of these modules; ``skgen.<Name>`` imports the
module on first use (so torch loads only when a deep model is used). The
tests check that every generator ``all_estimators()`` finds is listed here.
"""

MODELS = {
    "AutoGenerator": "skgen.auto",
    "Autoencoder": "skgen.neural.latent.autoencoder",
    "BayesianGaussianMixture": "skgen.mixture",
    "BayesianNetwork": "skgen.graphical.bayesian_network",
    "CategoricalHMM": "skgen.graphical.hmm",
    "GMMHMM": "skgen.graphical.hmm",
    "BernoulliRBM": "skgen.neural.energy.rbm",
    "EnergyModel": "skgen.neural.energy.energy_model",
    "GaussianBernoulliRBM": "skgen.neural.energy.rbm",
    "GaussianCopula": "skgen.density",
    "GaussianHMM": "skgen.graphical.hmm",
    "GaussianMixture": "skgen.mixture",
    "KernelDensity": "skgen.density",
    "NGramLM": "skgen.graphical.ngram",
    "TransformerLM": "skgen.neural.sequence.transformer_lm",
    "VAE": "skgen.neural.latent.vae",
}

#: AutoGenerator's default candidates (``skgen.auto``), ONE line per candidate:
#: the model's name in MODELS, the settings it is tried with, its relative cost
#: (candidates are tried cheapest first, so a time budget cuts the dearest) and
#: whether it is also tried with one model per class of a categorical target.
#: A family adds its model to the portfolio with one line here (alphabetical).
PORTFOLIO = [
    {"model": "BayesianNetwork", "params": {}, "cost": 1, "per_class": False},
    {"model": "GaussianCopula", "params": {}, "cost": 1, "per_class": True},
    {"model": "GaussianMixture", "params": {"n_components": 3}, "cost": 2, "per_class": True},
    {"model": "GaussianMixture", "params": {"n_components": 10}, "cost": 3, "per_class": False},
    {"model": "VAE", "params": {}, "cost": 20, "per_class": False},
]
