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
    "BernoulliRBM": "skgen.neural.energy.rbm",
    "CategoricalHMM": "skgen.graphical.hmm",
    "ConvVAE": "skgen.neural.image.conv_vae",
    "DCGAN": "skgen.neural.image.dcgan",
    "DiffusionModel": "skgen.neural.diffusion.diffusion_model",
    "EnergyModel": "skgen.neural.energy.energy_model",
    "GAN": "skgen.neural.adversarial.gan",
    "GaussianBernoulliRBM": "skgen.neural.energy.rbm",
    "GaussianCopula": "skgen.density",
    "GaussianHMM": "skgen.graphical.hmm",
    "GaussianMixture": "skgen.mixture",
    "Glow": "skgen.neural.flows.glow",
    "GMMHMM": "skgen.graphical.hmm",
    "ImageDiffusion": "skgen.neural.image.diffusion",
    "KernelDensity": "skgen.density",
    "MADE": "skgen.neural.flows.made",
    "MAF": "skgen.neural.flows.maf",
    "NGramLM": "skgen.graphical.ngram",
    "PixelCNN": "skgen.neural.image.pixelcnn",
    "RealNVP": "skgen.neural.flows.realnvp",
    "TabularGAN": "skgen.neural.adversarial.tabular_gan",
    "TransformerLM": "skgen.neural.sequence.transformer_lm",
    "VAE": "skgen.neural.latent.vae",
}

#: AutoGenerator's default candidates (``skgen.auto``), ONE line per candidate:
#: the model's name in MODELS, the settings it is tried with, its relative cost
#: (candidates are tried cheapest first, so a time budget cuts the dearest) and
#: whether, for a categorical target, it is tried with one model per class
#: instead (costs measured per fold: per-class mixtures of 3 are the cheapest on
#: every table of docs/choosing.md, the per-class copula the dearest on wide ones).
#: A family adds its model to the portfolio with one line here (alphabetical).
PORTFOLIO = [
    {"model": "BayesianNetwork", "params": {}, "cost": 2, "per_class": True},
    {"model": "GaussianCopula", "params": {}, "cost": 3, "per_class": True},
    {"model": "GaussianMixture", "params": {"n_components": 3}, "cost": 1, "per_class": True},
    {"model": "GaussianMixture", "params": {"n_components": 10}, "cost": 3, "per_class": True},
    {"model": "VAE", "params": {}, "cost": 20, "per_class": False},
]
