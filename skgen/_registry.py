"""Where each public model lives: one line per model is its registration.

``import skgen`` imports none of these modules; ``skgen.<Name>`` imports the
module on first use (so torch loads only when a deep model is used). The
tests check that every generator ``all_estimators()`` finds is listed here.
"""

MODELS = {
    "Autoencoder": "skgen.neural.latent.autoencoder",
    "BayesianGaussianMixture": "skgen.mixture",
    "BayesianNetwork": "skgen.graphical.bayesian_network",
    "BernoulliRBM": "skgen.neural.energy.rbm",
    "CategoricalHMM": "skgen.graphical.hmm",
    "ConvVAE": "skgen.neural.image.conv_vae",
    "DiffusionModel": "skgen.neural.diffusion.diffusion_model",
    "EnergyModel": "skgen.neural.energy.energy_model",
    "GAN": "skgen.neural.adversarial.gan",
    "GaussianBernoulliRBM": "skgen.neural.energy.rbm",
    "GaussianCopula": "skgen.density",
    "GaussianHMM": "skgen.graphical.hmm",
    "GaussianMixture": "skgen.mixture",
    "Glow": "skgen.neural.flows.glow",
    "GMMHMM": "skgen.graphical.hmm",
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
