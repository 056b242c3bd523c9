"""Plain torch modules of skgen's deep generators (no scikit-learn, no skorch).

Each model module implements the protocol that :class:`skgen.neural.GenerativeNet`
trains and the estimators query: ``loss(x)`` (a dict of named terms whose sum
is minimised, names listed in the class attribute ``loss_terms``),
``sample(n, generator)`` and, where meaningful, ``log_prob``, ``encode`` and
``decode``. Building blocks (MLPs, the mixed tabular output head) sit beside them.
"""

from .autoencoder import AutoencoderModule
from .mlp import make_mlp
from .tabular_head import TabularHead
from .vae import VAEModule

__all__ = ["AutoencoderModule", "TabularHead", "VAEModule", "make_mlp"]
