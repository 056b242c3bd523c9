"""NeuralGenerator: the shared estimator machinery of skgen's deep generators."""

import copy
import threading
from abc import abstractmethod
from contextlib import contextmanager
from numbers import Integral, Real

import numpy as np
import torch
from sklearn.base import clone
from skorch.callbacks import EarlyStopping, ProgressBar
from skorch.dataset import ValidSplit

from ..base import BaseGenerator, n_units
from ..preprocessing import MixedTable
from ..utils import seed_from
from ..utils._sklearn import Interval, StrOptions, _fit_context
from ._net import GenerativeNet, cpu_copy, take_batch
from .modules.tabular_head import all_continuous_layout

__all__ = ["NeuralGenerator", "SHARED_TRAINING_DEFAULTS"]

# torch.random.fork_rng saves and restores torch's *global* generator, which
# is shared by all threads: fits in concurrent threads must take turns.
_TORCH_RNG_LOCK = threading.RLock()

_OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}


def _fused_adam_works(device):
    """Whether torch has a fused Adam on ``device`` (on a CPU: torch >= 2.4)."""
    try:
        torch.optim.Adam([torch.zeros(1, device=device, requires_grad=True)], fused=True)
    except (RuntimeError, ValueError):
        return False
    return True


#: The training parameters every deep generator has, with the same default
#: (``max_epochs``, ``batch_size`` and ``lr`` too, with the model's own default).
SHARED_TRAINING_DEFAULTS = {
    "optimizer": "adam",
    "device": "auto",
    "callbacks": None,
    "early_stopping": False,
    "validation_fraction": 0.1,
    "n_iter_no_change": 10,
    "warm_start": False,
    "verbose": 0,
    "random_state": None,
}

# Row evaluations per forward pass at inference (a row scored with k
# importance samples counts k times); rows are independent, so the chunk size
# only bounds memory.
_INFERENCE_CHUNK = 2048


def _resolve_device(device):
    if device == "auto":
        return "cuda" if torch.cuda.is_available() else "cpu"
    try:
        kind = torch.device(device).type
    except RuntimeError as exc:
        raise ValueError(f"device={device!r} is not a torch device: {exc}") from None
    if kind == "cuda" and not torch.cuda.is_available():
        raise ValueError(
            f"device={device!r} was requested but CUDA is not available to torch; "
            "use device='auto' (CUDA when available, else CPU) or device='cpu'."
        )
    return str(device)


@contextmanager
def _seeded_torch(seed, device):
    """Seed torch's global RNG for the block, restoring the caller's state afterwards."""
    device = torch.device(device)
    devices = []
    if device.type == "cuda":
        devices = [device.index if device.index is not None else torch.cuda.current_device()]
    with _TORCH_RNG_LOCK, torch.random.fork_rng(devices=devices):
        torch.manual_seed(seed)
        yield


class NeuralGenerator(BaseGenerator):
    """Base class of the deep generators: hyper-parameters, training through skorch, inference.

    A subclass declares its hyper-parameters and implements
    ``_build_module()`` (a torch module following the protocol of
    :mod:`skgen.neural.modules`, built from fitted attributes such as
    ``layout_``) and ``_module_scores(module, x)`` (per-unit scores of a
    float64 batch); a latent model adds :class:`~skgen.neural.NeuralLatentMixin`.
    Training is skorch's: ``_net_class`` (:class:`GenerativeNet`, one loss,
    or :class:`AdversarialNet`, two networks with two optimizers) with the
    extra net parameters of ``_net_params()``.

    Data flow, overridable per kind of data with four hooks: ``_prepare(data)``
    records what the module needs; ``_model_input(data, dtype)`` gives the
    net's input (an array, or a dict of arrays batched together);
    ``_model_output(array)`` maps a module's samples back to the encoded
    space; ``_input_log_jacobian()`` is the log-Jacobian of ``_model_input``.
    The defaults serve tables and flattened images: a DataFrame goes through
    :class:`skgen.preprocessing.TabularEncoder` (encoding of continuous
    columns set by ``continuous``) and the module follows its ``layout_``; a
    numeric array is standardised inside the model (``mean_``, ``scale_``,
    whose log-Jacobian is part of the scores).

    Training runs in float32; ``score_samples``, ``transform``,
    ``inverse_transform`` and ``sample`` run on a float64 copy of the module
    made once after each training call.

    The shared parameters are documented in each subclass.
    """

    _input_view = "matrix"
    _net_class = GenerativeNet
    _parameter_constraints = {
        **BaseGenerator._parameter_constraints,
        "continuous": [StrOptions({"standard", "quantile", "mode"})],
        "max_epochs": [Interval(Integral, 1, None, closed="left")],
        "batch_size": [Interval(Integral, 1, None, closed="left")],
        "lr": [Interval(Real, 0, None, closed="neither")],
        "optimizer": [StrOptions(set(_OPTIMIZERS)), callable],
        "device": [str, torch.device],
        "callbacks": [list, None],
        "early_stopping": ["boolean"],
        "validation_fraction": [Interval(Real, 0, 1, closed="neither")],
        "n_iter_no_change": [Interval(Integral, 1, None, closed="left")],
        "warm_start": ["boolean"],
        "verbose": ["verbose"],
    }

    # ----------------------------------------------------------- training
    @_fit_context(prefer_skip_nested_validation=True)
    def fit(self, X, y=None, *, lengths=None):
        """Learn the distribution of ``X``; with ``warm_start`` continue a previous fit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), DataFrame, or another kind of data
        y : ignored
        lengths : array-like of int, default=None
            For sequence models: the length of each sequence in ``X``.

        Returns
        -------
        self : object
        """
        continuing = self.warm_start and self.__sklearn_is_fitted__()
        return self._train(X, y, lengths, continuing=continuing, epochs=self.max_epochs)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None, *, lengths=None):
        """Train for one more epoch on ``X`` (the first call initialises the model).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), DataFrame, or another kind of data
        y : ignored
        lengths : array-like of int, default=None

        Returns
        -------
        self : object
        """
        return self._train(X, y, lengths, continuing=self.__sklearn_is_fitted__(), epochs=1)

    def _train(self, X, y, lengths, *, continuing, epochs):
        """Train for ``epochs`` epochs: a fresh fit, or a continuation of the fitted net.

        ``y`` is ignored unless the model takes class labels as a context
        (:class:`~skgen.base.ClassContextMixin`).
        """
        try:
            if continuing:
                data = self._validate_input(X, lengths=lengths)
                context = None
                if getattr(self, "classes_", None) is not None and y is not None:
                    context = self._context_codes(y, n_units(data))
                self._continue_training(data, epochs, context)
            else:
                data, seed = self._begin_fit(X, lengths)
                self._fit(data, seed, epochs=epochs, **self._fit_context_args(y, data))
                self._end_fit(seed)
        except Exception:
            # The weights may be NaN or half-trained, and a refit may already have
            # replaced the encoder: the estimator must not look fitted any more.
            self.__dict__.pop("_sampling_rng_", None)
            raise
        return self

    def _encoder_params(self):
        return {
            "continuous": getattr(self, "continuous", "standard"),
            "random_state": self.random_state,
        }

    def _fit(self, data, seed, epochs=None, context=None):
        self._prepare(data)
        device = _resolve_device(self.device)
        with _seeded_torch(seed, device):
            self.net_ = self._make_net(self._build_module(), device, seed)
            self.net_.initialize()
            self.net_.partial_fit(
                self._net_input(data, np.float32, context),
                epochs=self.max_epochs if epochs is None else epochs,
            )
        self._score_seed_ = seed
        self._after_training(data)

    def _continue_training(self, data, epochs, context=None):
        seed = seed_from(self.random_state) + len(self.net_.history)
        # Fine-tuning with a new step size or batch size is what a continuation
        # is for; skorch updates the live optimizer's learning rate in place.
        self.net_.set_params(lr=self.lr, batch_size=self.batch_size)
        with _seeded_torch(seed, self.net_.device):
            self.net_.partial_fit(self._net_input(data, np.float32, context), epochs=epochs)
        self._after_training(data)

    def _net_params(self):
        """Extra parameters of ``_net_class`` (e.g. the critic's optimizer of a GAN)."""
        return {}

    #: Whether Adam runs fused (one kernel for all the weights) where torch offers it:
    #: the same update, several times faster for small networks, whose loop over the
    #: parameters costs as much as a batch's forward pass.
    _fused_adam = False
    #: The net's optimizers (skorch parameter prefixes): a GAN adds its critic's.
    _optimizer_names = ("optimizer",)

    def _optimizer_class(self):
        return _OPTIMIZERS[self.optimizer] if isinstance(self.optimizer, str) else self.optimizer

    def _uses_fused_adam(self, device):
        return (
            self._fused_adam
            and self._optimizer_class() in (torch.optim.Adam, torch.optim.AdamW)
            and _fused_adam_works(device)
        )

    def _make_net(self, module, device, seed):
        callbacks = clone(self.callbacks, safe=False) if self.callbacks else []
        train_split = self._train_split(seed)
        if self.early_stopping:
            callbacks += self._early_stopping_callbacks()
        if self.verbose:
            callbacks.append(ProgressBar())
        net_params = self._net_params()
        if self._uses_fused_adam(device):
            net_params.update({f"{name}__fused": True for name in self._optimizer_names})
        return self._net_class(
            module,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            lr=self.lr,
            optimizer=self._optimizer_class(),
            device=device,
            callbacks=callbacks,
            train_split=train_split,
            iterator_train__shuffle=True,
            verbose=int(self.verbose),
            **net_params,
        )

    def _train_split(self, seed):
        """skorch's ``train_split``: a validation split when early stopping is on, else none."""
        if not self.early_stopping:
            return None
        return ValidSplit(self.validation_fraction, random_state=seed)

    def _early_stopping_callbacks(self):
        """What early stopping watches: by default the validation loss."""
        return [EarlyStopping(monitor="valid_loss", patience=self.n_iter_no_change, load_best=True)]

    def _after_training(self, data):
        """Hook run after every training call (e.g. a latent density on the codes)."""
        self.n_iter_ = len(self.net_.history)
        self._inference_module_ = _float64_copy(self.net_.module_)

    # ------------------------------------------------------ data <-> module
    def _prepare(self, data):
        """Record what the module needs to know of the (table or flattened image) data."""
        if self.encoder_ is None:
            # Plain numeric input: standardise inside the model.
            self.layout_ = all_continuous_layout(data.shape[1])
            self.mean_ = data.mean(axis=0)
            scale = data.std(axis=0)
            self.scale_ = np.where(scale > 0, scale, 1.0)
        else:
            # The encoder already scaled the continuous values; one-hot blocks stay as they are.
            self.layout_ = list(self.encoder_.layout_)
            self.mean_ = np.zeros(data.shape[1])
            self.scale_ = np.ones(data.shape[1])

    def _model_input(self, data, dtype):
        """The net's input for ``data``: an array, or a dict of arrays with one row per unit."""
        if isinstance(data, MixedTable):
            data = data.continuous
        if not np.any(self.mean_) and np.all(np.asarray(self.scale_) == 1):
            # Already scaled (by the encoder): one copy in ``dtype``, not two
            # float64 temporaries the size of the data.
            return data.astype(dtype)
        return ((data - self.mean_) / self.scale_).astype(dtype)

    def _net_input(self, data, dtype, context=None):
        """``_model_input``, with the class codes as ``context`` beside it when given.

        The module then receives keyword arguments: ``x`` (or the entries of a
        dict input) and ``context``.
        """
        x = self._model_input(data, dtype)
        if context is None:
            return x
        return {**(x if isinstance(x, dict) else {"x": x}), "context": np.asarray(context)}

    def _model_output(self, values):
        """A module's samples (numpy) back in the encoded space of the data."""
        return values * self.scale_ + self.mean_

    def _input_log_jacobian(self):
        """``log |d model_input / d data|``, added to the module's log-densities."""
        return -np.log(self.scale_).sum()

    @abstractmethod
    def _build_module(self):
        """The torch module to train, built from the fitted attributes of ``_prepare``."""

    @abstractmethod
    def _module_scores(self, module, x):
        """Per-unit scores of the float64 batch ``x`` (tensor or dict of tensors) under ``module``."""

    #: Forward passes of the module per unit in ``_module_scores`` (sizes the chunks).
    _evaluations_per_score = 1

    # ---------------------------------------------------------- inference
    def _run(self, fn, data, evaluations_per_row=1, context=None):
        """Apply ``fn(module, x)`` to float64 chunks of the model input; numpy output.

        ``x`` is a tensor, or a dict of tensors for dict inputs and with a
        class ``context``. Float64 inference makes scores and codes
        independent of batch size and row order to within rounding, as
        scikit-learn's invariance checks demand.
        """
        module = self._inference_module_
        x = self._net_input(data, np.float64, context)
        n_rows = len(next(iter(x.values()))) if isinstance(x, dict) else x.shape[0]
        rows = max(1, _INFERENCE_CHUNK // evaluations_per_row)
        outputs = []
        with torch.no_grad():
            for start in range(0, n_rows, rows):
                chunk = take_batch(x, np.arange(start, min(start + rows, n_rows)))
                outputs.append(fn(module, _to_device(chunk, self.net_.device)).cpu().numpy())
        return np.concatenate(outputs)

    def _score_samples(self, data, context=None):
        scores = self._run(self._module_scores, data, self._evaluations_per_score, context)
        if self.score_kind == "reconstruction":
            return scores
        return scores + self._input_log_jacobian()

    def _log_jacobian(self, X, lengths=None):
        # A reconstruction error is no density: no change of variables applies.
        if self.score_kind == "reconstruction":
            return 0.0
        return super()._log_jacobian(X, lengths)

    def _torch_generator(self, rng):
        """A torch.Generator on the model's device, seeded from the numpy Generator ``rng``."""
        return torch.Generator(device=self.net_.device).manual_seed(int(rng.integers(2**63 - 1)))

    def _sample(self, n_samples, rng, context=None, **params):
        generator = self._torch_generator(rng)
        if context is not None:
            params["context"] = torch.as_tensor(context, device=self.net_.device)
        with torch.no_grad():
            values = self._module_sample(self._inference_module_, n_samples, generator, **params)
        return self._model_output(values.cpu().numpy())

    def _module_sample(self, module, n_samples, generator, **params):
        """Draw ``n_samples`` units from ``module`` with the torch ``generator``."""
        return module.sample(n_samples, generator, **params)

    # ----------------------------------------------------------- pickling
    def __getstate__(self):
        # A copy: BaseEstimator may hand back the live __dict__ itself.
        state = dict(super().__getstate__())
        # Rebuilt from the trained module on unpickling rather than stored twice.
        state.pop("_inference_module_", None)
        net = state.get("net_")
        if net is not None and torch.device(net.device).type != "cpu":
            # Store CPU tensors so the model unpickles on a machine without the GPU.
            state["net_"] = cpu_copy(net)
        return state

    def __setstate__(self, state):
        super().__setstate__(state)
        if "net_" in state and "_sampling_rng_" in state:
            self._inference_module_ = _float64_copy(self.net_.module_)


def _to_device(batch, device):
    if isinstance(batch, dict):
        return {key: value.to(device) for key, value in batch.items()}
    return batch.to(device)


def _float64_copy(module):
    """A float64, eval-mode copy of ``module`` for inference (the trained module is untouched)."""
    return copy.deepcopy(module).double().eval()
