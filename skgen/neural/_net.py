"""GenerativeNet: skorch's NeuralNet trained on a module's own loss, with no targets."""

import math
from collections.abc import Mapping

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import Callback, PassthroughScoring
from skorch.utils import to_tensor

__all__ = ["AdversarialNet", "BatchIterator", "GenerativeNet", "cpu_copy", "take_batch"]


class BatchIterator:
    """Drop-in for skorch's ``DataLoader`` that slices whole batches out of in-memory arrays.

    torch's ``DataLoader`` fetches and collates rows one by one, which costs
    more than the forward pass of a small network. Here the data are one
    in-memory array (or a ``Subset`` of it, from skorch's ``ValidSplit``), so
    a batch is a single fancy-indexing operation along the first axis:

    - an array of any number of dimensions: rows of a table, images
      ``(n, C, H, W)``; a batch is a tensor;
    - a dict of arrays with the same first axis, e.g. padded token
      sequences with their ``"lengths"``; a batch is a dict of tensors (the
      module's ``loss`` gets them as keyword arguments). With a
      ``"lengths"`` entry, padding beyond the longest sequence of the batch
      is cut off every array whose second axis is the padded length.

    Shuffling uses torch's global RNG, which the estimators seed. It takes
    no other ``DataLoader`` options (workers, collate functions ...): an
    unknown option is a ``TypeError`` rather than silently ignored; pass
    ``iterator_train=torch.utils.data.DataLoader`` to the net for those.
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
        X = dataset.X
        X = {k: np.asarray(v) for k, v in X.items()} if isinstance(X, Mapping) else np.asarray(X)
        n_rows = len(next(iter(X.values()))) if isinstance(X, Mapping) else len(X)
        return X, (np.arange(n_rows) if index is None else index)

    def __len__(self):
        return math.ceil(len(self.dataset) / self.batch_size)

    def __iter__(self):
        X, index = self._rows()
        if self.shuffle:
            index = index[torch.randperm(len(index)).numpy()]
        for start in range(0, len(index), self.batch_size):
            yield take_batch(X, index[start : start + self.batch_size]), None


def take_batch(X, rows):
    """Rows ``rows`` of an array (a tensor) or of a dict of arrays (a dict of tensors)."""
    if not isinstance(X, Mapping):
        return torch.from_numpy(X[rows])
    batch = {key: value[rows] for key, value in X.items()}
    if "lengths" in batch:
        padded = next((v.shape[1] for k, v in X.items() if k != "lengths" and v.ndim > 1), None)
        longest = int(batch["lengths"].max(initial=0))
        batch = {
            k: v[:, :longest] if k != "lengths" and v.ndim > 1 and v.shape[1] == padded else v
            for k, v in batch.items()
        }
    return {key: torch.from_numpy(np.ascontiguousarray(value)) for key, value in batch.items()}


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

    def _set_training(self, training=True):
        # skorch sets the mode before every batch; on the CPU, walking the module
        # tree each time costs a few per cent of a small model's step. So walk it
        # only when a top module is in the other mode (train() sets every sub-module).
        modules = [getattr(self, name + "_") for name in self._modules + self._criteria]
        modules = [m for m in modules if isinstance(m, torch.nn.Module)]
        if any(module.training != training for module in modules):
            super()._set_training(training)

    def infer(self, x, **fit_params):
        """The module's loss terms on the batch ``x`` (the net's forward pass)."""
        return call_module(self.module_.loss, x, self.device, **fit_params)

    def get_loss(self, y_pred, y_true=None, X=None, training=False):
        """Sum of the loss terms ``y_pred`` (``y_true`` is skorch's placeholder, ignored)."""
        return self._total_loss(y_pred, "train" if training else "valid")

    def _total_loss(self, terms, prefix):
        """Sum of a module's loss terms, each recorded in the batch history as ``<prefix>_<name>``.

        A loss that is not finite stops training with an error that says so.
        """
        named = terms if isinstance(terms, Mapping) else {}
        loss = sum(named.values()) if named else terms
        if not torch.isfinite(loss.detach()):
            epoch = len(self.history)
            raise FloatingPointError(
                f"Training diverged: the loss became {loss.item()} in epoch {epoch}. "
                "Lower the learning rate `lr`, use a larger `batch_size`, or check the data "
                "for extreme values."
            )
        for name, value in named.items():
            self.history.record_batch(f"{prefix}_{name}", value.item())
        return loss


def call_module(method, x, device, **kwargs):
    """``method(x)`` on ``device``; a dict batch is passed as keyword arguments."""
    if isinstance(x, Mapping):
        return method(**{k: to_tensor(v, device=device) for k, v in x.items()}, **kwargs)
    return method(to_tensor(x, device=device), **kwargs)


class AdversarialNet(GenerativeNet):
    """Two networks trained against each other, each with its own optimizer and learning rate.

    The module holds both networks as sub-modules ``generator`` and
    ``critic`` and implements ``critic_loss(x)`` and ``generator_loss(x)``
    (a scalar or a dict of named terms, listed in ``loss_terms`` and recorded
    in ``history`` like :class:`GenerativeNet`'s). Each training step makes
    ``n_critic`` updates of the critic on the batch, then one update of the
    generator; skorch's loop, callbacks and history are otherwise unchanged.
    The optimizer ``optimizer`` (learning rate ``lr``) moves the generator,
    ``optimizer_critic`` (learning rate ``optimizer_critic__lr``, default
    ``lr``) the critic; both are registered with skorch, so ``set_params``,
    checkpoints and device moves cover them. A validation pass calls the
    module's ``loss(x)``, a score to monitor (e.g. for early stopping).

    A module may also implement ``generate(x)``, the generated batch to pit
    against ``x``, differentiable with respect to the generator, and take it
    as ``fake=`` in both losses. The net then draws it once per step: the
    last critic update gets it detached, the generator update as it is (as in
    PyTorch's DCGAN example), which saves a forward pass of the generator.
    The critic's weights are frozen during the generator's update, so no
    gradient is computed for them there.

    Parameters
    ----------
    module : torch.nn.Module class or instance
        With ``generator`` and ``critic`` sub-modules and the two losses.
    optimizer_critic : torch optimizer class, default=torch.optim.Adam
    n_critic : int, default=1
        Critic updates per generator update.
    **kwargs
        Any :class:`GenerativeNet` parameter, and ``optimizer_critic__<name>``
        for the critic's optimizer (e.g. ``optimizer_critic__lr=1e-4``).

    Examples
    --------
    >>> import numpy as np, torch
    >>> from skgen.neural import AdversarialNet
    >>> class ShiftGAN(torch.nn.Module):
    ...     loss_terms = ("critic", "generator")
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.generator = torch.nn.Linear(1, 1)
    ...         self.critic = torch.nn.Linear(1, 1)
    ...     def fake(self, n):
    ...         return self.generator(torch.randn(n, 1))
    ...     def critic_loss(self, x):
    ...         # Least-squares GAN: real rows towards 1, generated rows towards 0.
    ...         fake = self.fake(len(x)).detach()
    ...         real_term = ((self.critic(x) - 1) ** 2).mean()
    ...         return {"critic": real_term + (self.critic(fake) ** 2).mean()}
    ...     def generator_loss(self, x):
    ...         return {"generator": ((self.critic(self.fake(len(x))) - 1) ** 2).mean()}
    ...     def loss(self, x):
    ...         return self.critic_loss(x)
    >>> X = np.random.default_rng(0).normal(2.0, 1.0, (256, 1)).astype(np.float32)
    >>> net = AdversarialNet(ShiftGAN, max_epochs=2, lr=1e-2, optimizer_critic__lr=5e-2,
    ...                      batch_size=64, verbose=0).fit(X)
    >>> net.optimizer_critic_.param_groups[0]["lr"], net.optimizer_.param_groups[0]["lr"]
    (0.05, 0.01)
    >>> {"train_critic", "train_generator"} <= set(net.history[-1])
    True
    """

    def __init__(self, module, *args, optimizer_critic=torch.optim.Adam, n_critic=1, **kwargs):
        self.optimizer_critic = optimizer_critic
        self.n_critic = n_critic
        super().__init__(module, *args, **kwargs)

    def initialize_optimizer(self, triggered_directly=None):
        """One optimizer for the generator's parameters, one for the critic's."""
        args, kwargs = self.get_params_for_optimizer(
            "optimizer", self.module_.generator.named_parameters()
        )
        self.optimizer_ = self.optimizer(*args, **kwargs)
        args, kwargs = self.get_params_for_optimizer(
            "optimizer_critic", self.module_.critic.named_parameters()
        )
        self.optimizer_critic_ = self.optimizer_critic(*args, **kwargs)
        return self

    @property
    def _grad_listeners(self):
        """Whether a callback acts on ``on_grad_computed`` (e.g. gradient clipping).

        Notifying every callback twice a step costs a few per cent of a small
        model's step, so it is done only when one listens.
        """
        return any(
            type(callback).on_grad_computed is not Callback.on_grad_computed
            for _, callback in self.callbacks_
        )

    def _update(self, optimizer, loss_fn, batch, parameters, **kwargs):
        optimizer.zero_grad()
        loss = self._total_loss(call_module(loss_fn, batch, self.device, **kwargs), "train")
        loss.backward()
        if self._grad_listeners:
            self.notify(
                "on_grad_computed", named_parameters=parameters, batch=(batch, None), training=True
            )
        optimizer.step()
        return loss

    def train_step(self, batch, **fit_params):
        """``n_critic`` critic updates, then one generator update, on one batch."""
        self._set_training(True)
        x, _ = batch
        module = self.module_
        # A module with ``generate(x)`` makes its generated batch once per step: the
        # last critic update sees it detached, the generator update differentiates it.
        fake = None
        if getattr(module, "generate", None) is not None:
            fake = call_module(module.generate, x, self.device)
        for step in range(self.n_critic):
            self._update(
                self.optimizer_critic_,
                module.critic_loss,
                x,
                list(module.critic.named_parameters()),
                **(
                    {"fake": fake.detach()}
                    if fake is not None and step == self.n_critic - 1
                    else {}
                ),
            )
        # The generator's update needs no gradient of the critic's weights.
        trainable = [p for p in module.critic.parameters() if p.requires_grad]
        for parameter in trainable:
            parameter.requires_grad_(False)
        try:
            loss = self._update(
                self.optimizer_,
                module.generator_loss,
                x,
                list(module.generator.named_parameters()),
                **({} if fake is None else {"fake": fake}),
            )
        finally:
            for parameter in trainable:
                parameter.requires_grad_(True)
        return {"loss": loss, "y_pred": None}


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
