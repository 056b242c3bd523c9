"""Where each public model lives: one line per model is its registration.

``import skgen`` imports none of these modules; ``skgen.<Name>`` imports the
module on first use (so torch loads only when a deep model is used). The
tests check that every generator ``all_estimators()`` finds is listed here.
"""

MODELS = {
    "Autoencoder": "skgen.neural.latent.autoencoder",
    "BayesianGaussianMixture": "skgen.mixture",
    "BayesianNetwork": "skgen.graphical.bayesian_network",
    "CategoricalHMM": "skgen.graphical.hmm",
    "GMMHMM": "skgen.graphical.hmm",
    "BernoulliRBM": "skgen.neural.energy.rbm",
    "ConvVAE": "skgen.neural.image.conv_vae",
    "EnergyModel": "skgen.neural.energy.energy_model",
    "GaussianBernoulliRBM": "skgen.neural.energy.rbm",
    "GaussianCopula": "skgen.density",
    "GaussianHMM": "skgen.graphical.hmm",
    "GaussianMixture": "skgen.mixture",
    "KernelDensity": "skgen.density",
    "NGramLM": "skgen.graphical.ngram",
    "PixelCNN": "skgen.neural.image.pixelcnn",
    "TransformerLM": "skgen.neural.sequence.transformer_lm",
    "VAE": "skgen.neural.latent.vae",
}
