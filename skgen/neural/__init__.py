"""Deep generative models: torch modules trained through skorch (imports torch)."""

from ._base import NeuralGenerator
from ._head import TabularHead
from ._net import GenerativeNet
from .autoencoder import Autoencoder
from .vae import VAE

__all__ = ["Autoencoder", "GenerativeNet", "NeuralGenerator", "TabularHead", "VAE"]
