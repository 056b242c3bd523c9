"""Encoding and decoding for deep latent-variable models."""

import numpy as np
import torch

from ..base import LatentMixin

__all__ = ["NeuralLatentMixin"]


class NeuralLatentMixin(LatentMixin):
    """``transform`` and ``inverse_transform`` through the module's ``encode`` and ``decode``.

    For a :class:`~skgen.neural.NeuralGenerator` whose module has
    ``encode(x)`` (latent code of each unit), ``decode(z)`` (the model-space
    unit of each latent point) and ``n_components``. Both run on the float64
    inference copy of the module.
    """

    def _transform(self, data):
        return self._run(lambda module, x: module.encode(x), data)

    def _inverse_transform(self, Z):
        module = self._inference_module_
        if Z.shape[1] != module.n_components:
            raise ValueError(
                f"Expected latent points with {module.n_components} columns, got {Z.shape[1]}."
            )
        with torch.no_grad():
            decoded = module.decode(
                torch.as_tensor(Z, dtype=torch.float64, device=self.net_.device)
            )
        return self._model_output(np.asarray(decoded.cpu().numpy()))
