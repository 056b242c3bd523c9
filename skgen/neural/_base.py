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

from ..base import BaseGenerator
from ..utils import seed_from
from ..utils._sklearn import Interval, StrOptions, _fit_context
from ._net import GenerativeNet, cpu_copy
from .modules.tabular_head import all_continuous_layout

__all__ = ["NeuralGenerator"]

# torch.random.fork_rng saves and restores torch's *global* generator, which
# is shared by all threads: fits in concurrent threads must take turns.
_TORCH_RNG_LOCK = threading.RLock()

_OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
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

    A subclass declares its own hyper-parameters and implements
    ``_build_module(layout)`` (a torch module following the protocol of
    :mod:`skgen.neural.modules`) and ``_module_scores(module, x)`` (per-row
    scores of a float64 batch); a latent model adds :class:`skgen.base.LatentMixin`.

    Data flow: a DataFrame goes through :class:`skgen.preprocessing.TabularEncoder`
    (encoding of continuous columns set by ``continuous``) and the head
    follows its ``layout_``; a numeric array is standardised inside the model
    (``mean_``, ``scale_``; the log-Jacobian of that scaling is part of the
    scores). Training runs in float32 through :class:`GenerativeNet`;
    ``score_samples``, ``transform`` and ``inverse_transform`` run on a
    float64 copy of the module and return float64.

    The shared parameters are documented in each subclass.
    """

    _input_view = "matrix"
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
    def fit(self, X, y=None):
        """Learn the distribution of ``X``; with ``warm_start`` continue a previous fit.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame
        y : ignored

        Returns
        -------
        self : object
        """
        continuing = self.warm_start and self.__sklearn_is_fitted__()
        return self._train(X, y, continuing=continuing, epochs=self.max_epochs)

    @_fit_context(prefer_skip_nested_validation=True)
    def partial_fit(self, X, y=None):
        """Train for one more epoch on ``X`` (the first call initialises the model).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features) or DataFrame
        y : ignored

        Returns
        -------
        self : object
        """
        return self._train(X, y, continuing=self.__sklearn_is_fitted__(), epochs=1)

    def _train(self, X, y, *, continuing, epochs):
        """Continue training, or fit anew through ``BaseGenerator.fit``, for ``epochs`` epochs."""
        try:
            if continuing:
                return self._continue_training(X, epochs)
            self._fit_epochs = epochs  # read by _fit, which BaseGenerator.fit calls
            return super().fit(X, y)
        except Exception:
            # The weights may be NaN or half-trained, and a refit may already have
            # replaced the encoder: the estimator must not look fitted any more.
            self.__dict__.pop("_sampling_rng_", None)
            raise
        finally:
            self.__dict__.pop("_fit_epochs", None)

    def _encoder_params(self):
        return {"continuous": self.continuous, "random_state": self.random_state}

    def _fit(self, data, seed):
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
        device = _resolve_device(self.device)
        epochs = getattr(self, "_fit_epochs", self.max_epochs)
        with _seeded_torch(seed, device):
            self.net_ = self._make_net(self._build_module(self.layout_), device, seed)
            self.net_.initialize()
            self.net_.partial_fit(self._model_input(data, np.float32), epochs=epochs)
        self._score_seed_ = seed
        self._after_training(data)

    def _make_net(self, module, device, seed):
        callbacks = clone(self.callbacks, safe=False) if self.callbacks else []
        train_split = None
        if self.early_stopping:
            train_split = ValidSplit(self.validation_fraction, random_state=seed)
            callbacks.append(
                EarlyStopping(monitor="valid_loss", patience=self.n_iter_no_change, load_best=True)
            )
        if self.verbose:
            callbacks.append(ProgressBar())
        optimizer = self.optimizer
        if isinstance(optimizer, str):
            optimizer = _OPTIMIZERS[optimizer]
        return GenerativeNet(
            module,
            max_epochs=self.max_epochs,
            batch_size=self.batch_size,
            lr=self.lr,
            optimizer=optimizer,
            device=device,
            callbacks=callbacks,
            train_split=train_split,
            iterator_train__shuffle=True,
            verbose=int(self.verbose),
        )

    def _continue_training(self, X, epochs):
        data = self._validate_input(X, reset=False)
        seed = seed_from(self.random_state) + len(self.net_.history)
        # Fine-tuning with a new step size or batch size is what a continuation
        # is for; skorch updates the live optimizer's learning rate in place.
        self.net_.set_params(lr=self.lr, batch_size=self.batch_size)
        with _seeded_torch(seed, self.net_.device):
            self.net_.partial_fit(self._model_input(data, np.float32), epochs=epochs)
        self._after_training(data)
        return self

    def _after_training(self, data):
        """Hook run after every training call (e.g. a latent density on the codes)."""
        self.n_iter_ = len(self.net_.history)

    def _model_input(self, data, dtype):
        return ((data - self.mean_) / self.scale_).astype(dtype)

    @abstractmethod
    def _build_module(self, layout):
        """The torch module to train, for data laid out as ``layout`` says."""

    @abstractmethod
    def _module_scores(self, module, x):
        """Per-row scores of the float64 tensor ``x`` (model space) under ``module``."""

    #: Forward passes of the decoder per row in ``_module_scores`` (sizes the chunks).
    _evaluations_per_score = 1

    # ---------------------------------------------------------- inference
    def _inference_module(self):
        """A float64 eval-mode copy of the trained module, never stored on ``self``.

        Float64 inference makes scores and codes independent of batch size and
        row order to within rounding, as scikit-learn's invariance checks demand.
        """
        return copy.deepcopy(self.net_.module_).double().eval()

    def _run(self, fn, data, evaluations_per_row=1):
        """Apply ``fn(module, x)`` to float64 chunks of the model input; numpy output."""
        module = self._inference_module()
        x = self._model_input(data, np.float64)
        rows = max(1, _INFERENCE_CHUNK // evaluations_per_row)
        outputs = []
        with torch.no_grad():
            for start in range(0, x.shape[0], rows):
                chunk = torch.as_tensor(x[start : start + rows], device=self.net_.device)
                outputs.append(fn(module, chunk).cpu().numpy())
        return np.concatenate(outputs)

    def _score_samples(self, data):
        scores = self._run(self._module_scores, data, self._evaluations_per_score)
        if self.score_kind == "reconstruction":
            return scores
        return scores - np.log(self.scale_).sum()

    def _log_jacobian(self, X):
        # A reconstruction error is no density: no change of variables applies.
        if self.score_kind == "reconstruction":
            return 0.0
        return super()._log_jacobian(X)

    def _sample(self, n_samples, rng):
        generator = torch.Generator().manual_seed(int(rng.integers(2**63 - 1)))
        module = self._inference_module()
        with torch.no_grad():
            rows = self._sample_rows(module, n_samples, generator)
        return rows.cpu().numpy() * self.scale_ + self.mean_

    def _sample_rows(self, module, n_samples, generator):
        return module.sample(n_samples, generator)

    def _transform(self, data):
        return self._run(lambda module, x: module.encode(x), data)

    def _inverse_transform(self, Z):
        n_components = self.net_.module_.n_components
        if Z.shape[1] != n_components:
            raise ValueError(
                f"Expected latent points with {n_components} columns, got {Z.shape[1]}."
            )
        module = self._inference_module()
        with torch.no_grad():
            rows = module.decode(torch.as_tensor(Z, dtype=torch.float64, device=self.net_.device))
        return rows.cpu().numpy() * self.scale_ + self.mean_

    # ----------------------------------------------------------- pickling
    def __getstate__(self):
        # A copy: BaseEstimator may hand back the live __dict__ itself.
        state = dict(super().__getstate__())
        net = state.get("net_")
        if net is not None and torch.device(net.device).type != "cpu":
            # Store CPU tensors so the model unpickles on a machine without the GPU.
            state["net_"] = cpu_copy(net)
        return state
