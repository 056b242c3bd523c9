"""GenerativeNet: skorch's NeuralNet trained on a module's own loss, with no targets."""

import math
from collections.abc import Mapping

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import PassthroughScoring
from skorch.utils import to_tensor

__all__ = ["BatchIterator", "GenerativeNet", "cpu_copy"]


class BatchIterator:
    """Drop-in for skorch's ``DataLoader`` that slices whole batches out of an array.

    torch's ``DataLoader`` fetches and collates rows one by one, which costs
    more than the forward pass of a small tabular network. Rows here are one
    in-memory array (or a ``Subset`` of it, from skorch's ``ValidSplit``), so a
    batch is a single fancy-indexing operation. Shuffling uses torch's global
    RNG, which the estimators seed. It takes no other ``DataLoader`` options
    (workers, collate functions ...): an unknown option is a ``TypeError``
    rather than silently ignored; pass ``iterator_train=torch.utils.data.DataLoader``
    to the net for those.
    """

    def __init__(self, dataset, batch_size=128, shuffle=False):
        self.dataset = dataset
        self.batch_size = batch_size
        self.shuffle = shuffle

    def _rows(self):
        dataset, index = self.dataset, None
        while isinstance(dataset, torch.utils.data.Subset):
            outer = np.asarray(dataset.indices)
            index = outer if index is None else outer[index]
            dataset = dataset.dataset
        X = np.asarray(dataset.X)
        return X, (np.arange(len(X)) if index is None else index)

    def __len__(self):
        return math.ceil(len(self.dataset) / self.batch_size)

    def __iter__(self):
        X, index = self._rows()
        if self.shuffle:
            index = index[torch.randperm(len(index)).numpy()]
        for start in range(0, len(index), self.batch_size):
            yield torch.from_numpy(X[index[start : start + self.batch_size]]), None


class GenerativeNet(NeuralNet):
    """A :class:`skorch.NeuralNet` that minimises ``module.loss(X)`` (y-less training).

    The module's ``loss(x)`` returns a scalar tensor or a dict of named scalar
    terms whose sum is minimised. Each term is recorded per batch in
    ``history`` as ``train_<name>`` / ``valid_<name>`` and averaged per epoch
    (names declared in the module's ``loss_terms`` attribute), next to
    skorch's ``train_loss`` / ``valid_loss``. Everything else (batching,
    devices, callbacks, validation split, early stopping, checkpoints) is
    skorch's.

    Parameters
    ----------
    module : torch.nn.Module class or instance
        Must implement ``loss(x)``.
    criterion : torch.nn.Module class, default=torch.nn.Identity
        Unused (the loss comes from the module); kept because skorch requires one.
    train_split : callable or None, default=None
        No validation split unless given (e.g. ``skorch.dataset.ValidSplit(0.1)``).
    iterator_train, iterator_valid : class, default=BatchIterator
        Batches sliced from the in-memory array; pass
        ``torch.utils.data.DataLoader`` for datasets that need it.
    **kwargs
        Any other :class:`skorch.NeuralNet` parameter.

    Examples
    --------
    >>> import numpy as np, torch
    >>> from skgen.neural import GenerativeNet
    >>> class Gaussian(torch.nn.Module):
    ...     loss_terms = ("nll",)
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.mean = torch.nn.Parameter(torch.zeros(2))
    ...     def loss(self, x):
    ...         return {"nll": 0.5 * ((x - self.mean) ** 2).sum(-1).mean()}
    >>> X = np.random.default_rng(0).normal(3.0, 1.0, (200, 2)).astype(np.float32)
    >>> net = GenerativeNet(Gaussian, max_epochs=50, lr=0.1, verbose=0).fit(X)
    >>> bool(np.allclose(net.module_.mean.detach().numpy(), X.mean(0), atol=0.1))
    True
    >>> "train_nll" in net.history[-1]
    True
    """

    def __init__(
        self,
        module,
        *args,
        criterion=torch.nn.Identity,
        train_split=None,
        iterator_train=BatchIterator,
        iterator_valid=BatchIterator,
        **kwargs,
    ):
        super().__init__(
            module,
            criterion,
            *args,
            train_split=train_split,
            iterator_train=iterator_train,
            iterator_valid=iterator_valid,
            **kwargs,
        )

    @property
    def _default_callbacks(self):
        callbacks = list(super()._default_callbacks)
        terms = []
        for name in getattr(self.module, "loss_terms", ()):
            terms.append((f"train_{name}", PassthroughScoring(name=f"train_{name}", on_train=True)))
            terms.append((f"valid_{name}", PassthroughScoring(name=f"valid_{name}")))
        # PrintLog stays last so that it prints the terms of this epoch.
        return callbacks[:-1] + terms + callbacks[-1:]

    def infer(self, x, **fit_params):
        """The module's loss terms on the batch ``x`` (the net's forward pass)."""
        return self.module_.loss(to_tensor(x, device=self.device), **fit_params)

    def get_loss(self, y_pred, y_true=None, X=None, training=False):
        """Sum of the loss terms ``y_pred`` (``y_true`` is skorch's placeholder, ignored)."""
        terms = y_pred if isinstance(y_pred, Mapping) else {}
        loss = sum(terms.values()) if terms else y_pred
        if not torch.isfinite(loss.detach()):
            epoch = len(self.history)
            raise FloatingPointError(
                f"Training diverged: the loss became {loss.item()} in epoch {epoch}. "
                "Lower the learning rate `lr`, use a larger `batch_size`, or check the data "
                "for extreme values."
            )
        prefix = "train" if training else "valid"
        for name, value in terms.items():
            self.history.record_batch(f"{prefix}_{name}", value.item())
        return loss


def cpu_copy(net):
    """A copy of the fitted ``net`` with every tensor (module, optimizer) on the CPU.

    Uses skorch's own pickling state, whose CUDA-dependent attributes are
    loaded with ``map_location`` set to the CPU, so no GPU memory is needed.
    """
    state = net.__getstate__()
    state["device"] = "cpu"
    copy = type(net).__new__(type(net))
    copy.__setstate__(state)
    return copy
