"""Denoising diffusion model for numeric arrays and mixed-type tables (TabDDPM)."""

import copy
from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch
from sklearn.utils.validation import check_is_fitted
from skorch.callbacks import Callback

from ...base import ClassContextMixin, LatentMixin
from ...utils import check_layer_sizes
from ...utils._noise import row_keyed_uniform
from ...utils._sklearn import Interval, StrOptions
from .._base import NeuralGenerator
from .._docs import TRAINING_ATTRIBUTES, TRAINING_PARAMETERS
from ..modules.diffusion import SCHEDULES, MLPDenoiser, TabularDiffusion, strided_timesteps

__all__ = ["DiffusionModel"]


class _UpdateWeightAverage(Callback):
    """Updates the module's moving average of the denoiser's weights after each training batch."""

    def on_batch_end(self, net, batch=None, training=False, **kwargs):
        if training:
            net.module_.update_average()


class DiffusionEstimatorMixin:
    """What the diffusion estimators share: the weights' moving average and the scoring timesteps."""

    def _make_net(self, module, device, seed):
        net = super()._make_net(module, device, seed)
        # Our own callback beside the user's (a copy of the list: the parameter is not modified).
        net.callbacks = [*(net.callbacks or []), ("weight_average", _UpdateWeightAverage())]
        return net

    def _score_timesteps(self):
        return strided_timesteps(self.n_steps, self.n_score_steps)

    @property
    def _evaluations_per_score(self):
        return len(self._score_timesteps())


class DiffusionModel(DiffusionEstimatorMixin, ClassContextMixin, LatentMixin, NeuralGenerator):
    __doc__ = f"""Denoising diffusion model for numeric arrays and mixed-type tables (TabDDPM).

    Continuous values (quantile-encoded to normal scores for a DataFrame,
    standardised for an array) follow a Gaussian diffusion; every discrete
    column, and the missing-value flag of each continuous column with missing
    values, follows a multinomial diffusion. One MLP denoiser with a
    sinusoidal timestep embedding predicts, from a noisy row at timestep
    ``t``, the noise of its continuous values and the probabilities of its
    clean categories. Training minimises TabDDPM's loss through skorch: the
    squared error of the predicted noise plus the multinomial bound's term at
    a random timestep (``history`` records ``train_gaussian`` and
    ``train_multinomial``), plus ``x0_loss_weight`` times the cross-entropy
    of the predicted clean categories. A batch's rows share 32 timesteps
    drawn stratified over the schedule (each row's timestep is still
    uniform), so the denoiser's timestep MLP runs 32 times per batch.
    The default batch size (512) and learning rate (4e-3) suit tables of
    thousands of rows; on a few hundred rows a batch of 32 to 128 with lr
    around 2e-3 gives the optimizer enough steps.

    ``sample`` runs the reverse chain through ``n_sampling_steps`` timesteps
    evenly strided over the ``n_steps`` of training, on the model's device,
    in float32, with no transfer to the host between steps. Both diffusions have closed
    forms for the posterior ``q(x_s | x_t, x_0)`` between any two timesteps,
    so a shorter chain needs no retraining: its cost is proportional to
    ``n_sampling_steps`` (one denoiser pass per step), while each longer
    jump is a coarser approximation of the reverse process (fewer steps:
    faster sampling, usually lower fidelity; ``n_sampling_steps = n_steps``
    is the chain trained for).

    ``score_samples`` is a variational lower bound on the log-density in the
    original space (``score_kind = "lower_bound"``, encoder log-Jacobian
    included) of the chain through ``n_score_steps`` evenly strided
    timesteps: the prior's KL term plus one term per timestep, each
    estimated with one draw of the noisy row. The draws are a fixed function
    of the row, so a score is deterministic and independent of the other
    rows. It costs ``n_score_steps`` denoiser passes per row; more steps
    give a tighter bound. With ``n_sampling_steps == n_score_steps``,
    ``sample`` draws from the very chain whose bound is scored. A missing
    continuous value is imputed in training and scoring by a standard
    normal draw (an encoder's placeholder would tell the denoiser what is
    missing), so a row's score is a bound on the density of its observed
    values with ``N(0, 1)`` as the proposal for the missing ones.

    ``transform`` gives the denoiser's last hidden layer on the clean row at
    the least noisy timestep (``t = 1``) and, for a model fit with classes,
    the "no class" context: features for a downstream estimator
    (``Pipeline(DiffusionModel(), classifier)``).

    ``fit(X, y)`` learns p(x | y) in one model (the class is the denoiser's
    context; ``ClassConditional`` uses it as one model) while dropping the
    class of a share ``class_dropout`` of the training rows, which also
    trains the unconditional model; ``sample(n, y=labels)`` then applies
    classifier-free guidance with weight ``guidance_scale`` (1: the
    conditional model as trained; larger values push samples towards what
    distinguishes their class, at the cost of diversity).
    ``sample(n, conditions={{column: value}})`` is exact on discrete columns,
    by inpainting: the conditioned columns are replaced at every step by a
    draw of the forward process from their value, and end at it
    (``last_acceptance_rate_`` is 1).

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(256, 256)
        Widths of the denoiser's ReLU MLP; the last is the number of
        ``transform`` features.
    embedding_dim : int, default=128
        Width of the denoiser's input projection and timestep and class embeddings.
    n_steps : int, default=1000
        Timesteps of the diffusion trained.
    schedule : {{"cosine", "linear"}}, default="cosine"
        Noise schedule ``alpha_bar`` (cosine: Nichol and Dhariwal; linear: Ho et al.).
    n_sampling_steps : int, default=100
        Timesteps of the chain ``sample`` runs (at most ``n_steps``).
    n_score_steps : int, default=20
        Timesteps of the chain whose bound ``score_samples`` gives (at most ``n_steps``).
    guidance_scale : float, default=1.0
        Classifier-free guidance weight of ``sample(n, y=...)``.
    class_dropout : float, default=0.1
        Share of training rows whose class is hidden, when fit with classes.
    ema_decay : float, default=0.999
        Decay of the moving average of the denoiser's weights that sampling,
        scores and ``transform`` use (steadier than the last training
        step's weights; 0: the last weights).
    x0_loss_weight : float, default=0.1
        Weight of an auxiliary loss term, the cross-entropy of the predicted
        clean categories (D3PM's hybrid loss; ``train_x0_cross_entropy`` in
        ``history``): a direct signal at every timestep, which learns the
        dependencies between discrete columns in fewer epochs. 0: TabDDPM's loss.
    continuous : {{"quantile", "standard"}}, default="quantile"
        Encoding of continuous columns of a DataFrame (see
        :class:`skgen.preprocessing.TabularEncoder`). Plain arrays are
        standardised instead.
{TRAINING_PARAMETERS.format(max_epochs=100, batch_size=512, lr=4e-3)}

    Attributes
    ----------
{TRAINING_ATTRIBUTES}
    classes_, class_prior_ : ndarray, only when fit with ``y``.

    See Also
    --------
    VAE : one-pass sampling, importance-weighted bound.

    References
    ----------
    Ho, Jain and Abbeel, "Denoising Diffusion Probabilistic Models", NeurIPS 2020.
    Hoogeboom et al., "Argmax Flows and Multinomial Diffusion", NeurIPS 2021.
    Nichol and Dhariwal, "Improved Denoising Diffusion Probabilistic Models", ICML 2021.
    Austin et al., "Structured Denoising Diffusion Models in Discrete State-Spaces", NeurIPS 2021.
    Ho and Salimans, "Classifier-Free Diffusion Guidance", 2022.
    Kotelnikov et al., "TabDDPM: Modelling Tabular Data with Diffusion Models", ICML 2023.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import DiffusionModel
    >>> X = np.random.default_rng(0).normal(size=(200, 3))
    >>> model = DiffusionModel(hidden_layer_sizes=(32,), n_steps=50, n_sampling_steps=10,
    ...                        n_score_steps=5, max_epochs=3, random_state=0).fit(X)
    >>> model.sample(4, random_state=0).shape
    (4, 3)
    >>> model.transform(X[:2]).shape
    (2, 32)
    >>> bool(np.isfinite(model.score(X)))
    True
    """

    score_kind = "lower_bound"
    _fused_adam = True
    _parameter_constraints = {
        **NeuralGenerator._parameter_constraints,
        "hidden_layer_sizes": [tuple, list],
        "embedding_dim": [Interval(Integral, 2, None, closed="left")],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "schedule": [StrOptions(set(SCHEDULES))],
        "n_sampling_steps": [Interval(Integral, 1, None, closed="left")],
        "n_score_steps": [Interval(Integral, 1, None, closed="left")],
        "guidance_scale": [Interval(Real, 0, None, closed="left")],
        "class_dropout": [Interval(Real, 0, 1, closed="left")],
        "ema_decay": [Interval(Real, 0, 1, closed="left")],
        "x0_loss_weight": [Interval(Real, 0, None, closed="left")],
        "continuous": [StrOptions({"quantile", "standard"})],
    }

    def __init__(
        self,
        hidden_layer_sizes=(256, 256),
        *,
        embedding_dim=128,
        n_steps=1000,
        schedule="cosine",
        n_sampling_steps=100,
        n_score_steps=20,
        guidance_scale=1.0,
        class_dropout=0.1,
        ema_decay=0.999,
        x0_loss_weight=0.1,
        continuous="quantile",
        max_epochs=100,
        batch_size=512,
        lr=4e-3,
        optimizer="adam",
        device="auto",
        callbacks=None,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        warm_start=False,
        verbose=0,
        random_state=None,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.embedding_dim = embedding_dim
        self.n_steps = n_steps
        self.schedule = schedule
        self.n_sampling_steps = n_sampling_steps
        self.n_score_steps = n_score_steps
        self.guidance_scale = guidance_scale
        self.class_dropout = class_dropout
        self.ema_decay = ema_decay
        self.x0_loss_weight = x0_loss_weight
        self.continuous = continuous
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.device = device
        self.callbacks = callbacks
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.verbose = verbose
        self.random_state = random_state

    def _build_module(self):
        n_features = sum(span.width for span in self.layout_)
        n_classes = self.classes_.size if hasattr(self, "classes_") else 0
        denoiser = MLPDenoiser(
            n_features,
            check_layer_sizes(self.hidden_layer_sizes),
            self.embedding_dim,
            n_classes,
            output_bias=self.output_bias_,
        )
        alpha_bar = SCHEDULES[self.schedule](self.n_steps)
        return TabularDiffusion(
            self.layout_,
            denoiser,
            alpha_bar,
            self.class_dropout,
            self.continuous_range_,
            self.ema_decay,
            self.x0_loss_weight,
        )

    def _prepare(self, data):
        super()._prepare(data)
        # The training range of each continuous value, which bounds the
        # denoiser's predictions of clean values (samples are clipped to it
        # on decoding anyway).
        matrix = self._model_input(data, np.float64)
        index = np.cumsum([0] + [span.width for span in self.layout_])[:-1]
        columns = [i for i, span in zip(index, self.layout_) if span.kind == "continuous"]
        values = matrix[:, columns]
        self.continuous_range_ = (values.min(axis=0), values.max(axis=0))
        # The denoiser starts by predicting no noise and the training
        # frequencies of each discrete span's categories (smoothed), which a
        # short training then refines.
        self.output_bias_ = np.zeros(matrix.shape[1])
        for start, span in zip(index, self.layout_):
            if span.kind == "discrete":
                counts = matrix[:, start : start + span.width].sum(axis=0) + 0.5
                self.output_bias_[start : start + span.width] = np.log(counts / counts.sum())

    # ------------------------------------------------------------ scores
    def _module_scores(self, module, x):
        rows, context = (x["x"], x["context"]) if isinstance(x, dict) else (x, None)
        timesteps = self._score_timesteps()
        k, n = len(timesteps), rows.shape[0]
        n_cells, n_continuous = module.grid.numel(), module.n_continuous
        n_draws = n_continuous + n_cells
        # Each row's noise is keyed by the row itself: deterministic, row-independent scores.
        u = row_keyed_uniform(rows.cpu().numpy(), k * n_draws + n_continuous, self._score_seed_)
        u = torch.as_tensor(u.T, device=rows.device)
        imputation = torch.special.ndtri(u[:, :n_continuous])
        u = u[:, n_continuous:].reshape(n, k, n_draws).transpose(0, 1)
        normal = torch.special.ndtri(u[..., :n_continuous])
        gumbel = -torch.log(-torch.log(u[..., n_continuous:]))
        gumbel = gumbel.reshape((k, n) + tuple(module.grid.shape))
        return module.log_prob(rows, timesteps, normal, gumbel, imputation, context)

    # ----------------------------------------------------------- sampling
    def _module_sample(self, module, n_samples, generator, context=None, known=None):
        # The chain runs in float32 (twice as fast as the float64 inference
        # copy; its many steps average out float32's rounding): a copy per call.
        module = copy.deepcopy(module).float()
        if known is not None:
            mask, values = known
            known = (
                torch.as_tensor(mask, device=generator.device),
                torch.as_tensor(
                    values, dtype=module.gaussian.alpha_bar.dtype, device=generator.device
                ),
            )
        return module.sample(
            n_samples,
            generator,
            strided_timesteps(self.n_steps, self.n_sampling_steps),
            context=context,
            guidance_scale=self.guidance_scale,
            known=known,
        )

    def sample(
        self, n_samples=1, *, y=None, random_state=None, n_jobs=None, conditions=None, **params
    ):
        """Draw rows, given their class labels and values of discrete columns.

        Parameters
        ----------
        n_samples : int, default=1
        y : label, array-like of shape (n_samples,) or None, default=None
            For a model fit with classes: one label for all rows or one per
            row (``None``: drawn from ``class_prior_``); sampled with
            classifier-free guidance ``guidance_scale``.
        random_state, n_jobs
            As in :meth:`skgen.base.BaseGenerator.sample`.
        conditions : dict or None, default=None
            ``{column: value}`` on discrete columns (``None`` or NaN asks for
            a missing value): every row has these values, drawn exactly by
            inpainting (no rejection).

        Returns
        -------
        X_new : DataFrame or ndarray of shape (n_samples, n_features_in_)
        """
        if not conditions:
            return super().sample(
                n_samples, y=y, random_state=random_state, n_jobs=n_jobs, **params
            )
        check_is_fitted(self)
        checked = self._check_conditions(conditions)
        known = self._inpainting_target(checked)
        rows = super().sample(
            n_samples, y=y, random_state=random_state, n_jobs=n_jobs, known=known, **params
        )
        # A rare value merged into the encoder's "other" code decodes to any of
        # the merged values: put the value asked for back.
        for name, value in checked.items():
            if not (pd.isna(value) or (rows[name] == value).all()):
                rows[name] = pd.Series([value] * len(rows), dtype=rows[name].dtype)
        self.last_acceptance_rate_ = 1.0  # exact: no draw is rejected
        return rows

    def _inpainting_target(self, conditions):
        """Mask of the conditioned discrete variables and their one-hots, on the module's grid."""
        module = self._inference_module_
        mask = np.zeros(module.grid.shape[0], dtype=bool)
        values = np.zeros(tuple(module.grid.shape))
        # Discrete spans are numbered in layout order.
        index = {}
        position = 0
        for span in self.layout_:
            if span.kind == "discrete":
                if span.role == "category":
                    index[span.column] = position
                position += 1
        columns = {c.name: c for c in self.encoder_.columns_}
        for name, value in conditions.items():
            code = self.encoder_._encode_categories(
                columns[name], pd.Series([value], dtype=object)
            )[0]
            mask[index[name]] = True
            values[index[name], code] = 1.0
        return mask, values

    # ---------------------------------------------------------- transform
    def _transform(self, data):
        return self._run(lambda module, x: module.embed(x), data)
