"""Conditional tabular GAN (CTGAN class) with exact conditional sampling and an inference encoder."""

from numbers import Integral, Real

import numpy as np
import pandas as pd
import torch

from ...utils._sklearn import Interval
from .._docs import TRAINING_ATTRIBUTES, TRAINING_PARAMETERS
from .._net import BatchIterator
from ..modules.gan import ConditionLayout, ConditionSampler
from ._base import BaseGAN
from ._docs import GAN_ATTRIBUTES, GAN_PARAMETERS

__all__ = ["ConditionalBatchIterator", "TabularGAN"]


class ConditionalBatchIterator(BatchIterator):
    """Batches drawn by training-by-sampling: ``{"x": rows, "condition": vectors}``.

    Each batch has ``batch_size`` rows drawn by ``sampler`` (a
    :class:`~skgen.neural.modules.gan.ConditionSampler`) from the training
    rows, as many batches per epoch as a pass over the rows takes; the
    draws are vectorised over the batch.
    """

    def __init__(self, dataset, batch_size=128, shuffle=False, sampler=None):
        super().__init__(dataset, batch_size=batch_size, shuffle=shuffle)
        self.sampler = sampler

    # Rows drawn at once (several batches): fewer, larger draws cost less per row.
    rows_per_draw = 32_768

    def __iter__(self):
        X, index = self._rows()
        plan = self.sampler.plan(X, index)
        per_draw = max(1, self.rows_per_draw // self.batch_size)
        for first in range(0, len(self), per_draw):
            n_batches = min(per_draw, len(self) - first)
            drawn, condition = self.sampler.draw(plan, n_batches * self.batch_size)
            rows = X[drawn.numpy()]
            for start in range(0, len(rows), self.batch_size):
                end = start + self.batch_size
                yield {"x": torch.from_numpy(rows[start:end]), "condition": condition[start:end]}, None


class TabularGAN(BaseGAN):
    __doc__ = f"""Conditional tabular GAN (CTGAN class) with exact conditional sampling.

    A Wasserstein GAN with a (one-sided) gradient penalty for mixed tables in the manner of CTGAN: continuous columns in
    mode-specific normalisation (``TabularEncoder(continuous="mode")``:
    a tanh value plus a one-hot mode), discrete outputs through
    Gumbel-softmax in the shared :class:`~skgen.neural.TabularHead`, a critic
    that sees packs of ``pac`` rows (PacGAN), and a condition vector over the
    categories of the discrete columns fed to generator and critic. The
    gradient penalty is on the rows only: a real row and the generated row it
    is mixed with share their condition, which the penalty holds fixed
    (CTGAN penalises the gradient with respect to the condition too).

    Training-by-sampling: for half of each batch a discrete column is drawn
    uniformly, one of its categories with probability proportional to the
    log of its frequency, and a real row with that category; the generator
    makes the rest of the row given the category. The other half carries no
    condition: it trains the unconditional generator ``G(z, 0)``, which
    ``sample`` (without conditions), ``transform``, ``inverse_transform``
    and ``score_samples`` use. The condition sampler is vectorised (no loop
    over rows).

    ``sample(n, conditions={{"column": value}})`` feeds the condition vector
    and sets the column, so every row meets the condition whatever its
    frequency, at the cost of an unconditional draw (nothing is rejected).
    Conditions on several columns are fed together; the generator was
    trained on one at a time, so the other columns then follow an
    approximation. Conditions name discrete (categorical or boolean)
    columns; an unknown column or a value never seen in fit is a ValueError.

    The inference encoder, the log-density estimate (``score_kind =
    "estimate"``), :meth:`critic_score`, the held-out rows and early
    stopping on the validation MMD are those of :class:`GAN`.

    Parameters
    ----------
{GAN_PARAMETERS.format(n_components=128, sizes="(256, 256)", n_critic=1)}
    pac : int, default=10
        Rows per critic pack.
    tau : float, default=0.2
        Gumbel-softmax temperature of the discrete outputs in training.
    critic_dropout : float, default=0.0
        Dropout rate after each hidden layer of the critic. CTGAN uses 0.5;
        after 10 epochs on two benchmark tables it scored no better (see
        docs/benchmarks.md).
    generator_batch_norm : bool, default=True
        Batch normalisation after each hidden layer of the generator, as in
        CTGAN's (running statistics when sampling, scoring and encoding).
        After 10 epochs on two benchmark tables it improved column shapes
        and pair trends on diamonds (see docs/benchmarks.md).
    continuous : {{"mode", "quantile", "standard"}}, default="mode"
        Encoding of continuous columns of a DataFrame (see
        :class:`skgen.preprocessing.TabularEncoder`). Plain arrays are
        standardised instead.
{TRAINING_PARAMETERS.format(max_epochs=300, batch_size=500, lr=2e-4)}

    Attributes
    ----------
{TRAINING_ATTRIBUTES}
{GAN_ATTRIBUTES}
    last_acceptance_rate_ : float
        1.0 after a conditional ``sample``: nothing is rejected.

    See Also
    --------
    GAN : the unconditional WGAN-GP.
    VAE : often the better choice on small tables (see docs/benchmarks.md).

    References
    ----------
    Xu et al., "Modeling Tabular Data using Conditional GAN", NeurIPS 2019.
    Petzka, Fischer and Lukovnicov, "On the Regularization of Wasserstein GANs", ICLR 2018.
    Lin et al., "PacGAN: The Power of Two Samples in Generative Adversarial Networks", NeurIPS 2018.
    Wu et al., "On the Quantitative Analysis of Decoder-Based Generative Models", ICLR 2017.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from skgen import TabularGAN
    >>> rng = np.random.default_rng(0)
    >>> frame = pd.DataFrame({{"size": rng.normal(size=200),
    ...                       "kind": rng.choice(["a", "b", "rare"], 200, p=[0.6, 0.38, 0.02])}})
    >>> gan = TabularGAN(n_components=4, generator_layer_sizes=(16,), critic_layer_sizes=(16,),
    ...                  pac=2, batch_size=50, max_epochs=2, encoder_max_epochs=1,
    ...                  n_importance_samples=10, random_state=0).fit(frame)
    >>> rows = gan.sample(5, conditions={{"kind": "rare"}}, random_state=0)
    >>> rows["kind"].tolist()
    ['rare', 'rare', 'rare', 'rare', 'rare']
    >>> gan.transform(frame.head(3)).shape
    (3, 4)
    """

    _parameter_constraints = {
        **BaseGAN._parameter_constraints,
        "pac": [Interval(Integral, 1, None, closed="left")],
        "tau": [Interval(Real, 0, None, closed="neither")],
        "critic_dropout": [Interval(Real, 0, 1, closed="left")],
        "generator_batch_norm": ["boolean"],
    }

    def __init__(
        self,
        n_components=128,
        *,
        generator_layer_sizes=(256, 256),
        critic_layer_sizes=(256, 256),
        encoder_layer_sizes=None,
        n_critic=1,
        gradient_penalty=10.0,
        critic_lr=None,
        pac=10,
        tau=0.2,
        critic_dropout=0.0,
        generator_batch_norm=True,
        n_importance_samples=100,
        encoder_max_epochs=30,
        validation_interval=5,
        continuous="mode",
        max_epochs=300,
        batch_size=500,
        lr=2e-4,
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
        self.n_components = n_components
        self.generator_layer_sizes = generator_layer_sizes
        self.critic_layer_sizes = critic_layer_sizes
        self.encoder_layer_sizes = encoder_layer_sizes
        self.n_critic = n_critic
        self.gradient_penalty = gradient_penalty
        self.critic_lr = critic_lr
        self.pac = pac
        self.tau = tau
        self.critic_dropout = critic_dropout
        self.generator_batch_norm = generator_batch_norm
        self.n_importance_samples = n_importance_samples
        self.encoder_max_epochs = encoder_max_epochs
        self.validation_interval = validation_interval
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

    def _module_options(self):
        return {
            "pac": self.pac,
            "tau": self.tau,
            "conditional": True,
            "critic_dropout": self.critic_dropout,
            "generator_batch_norm": self.generator_batch_norm,
        }

    def _net_params(self):
        params = super()._net_params()
        # CTGAN's weight decay, on both networks.
        params["optimizer__weight_decay"] = params["optimizer_critic__weight_decay"] = 1e-6
        conditions = ConditionLayout(self.layout_)
        if conditions.width:
            params["iterator_train"] = ConditionalBatchIterator
            params["iterator_train__sampler"] = ConditionSampler(conditions)
        return params

    def _sample_conditioned(self, n_samples, conditions, rng):
        """Exact: the condition vector is fed to the generator and the columns set (no rejection)."""
        codes = {
            name: self.encoder_.category_code(name, value) for name, value in conditions.items()
        }
        vector = ConditionLayout(self.layout_).vector(codes)
        module = self._inference_module_
        condition = torch.as_tensor(vector, dtype=torch.float64, device=self.net_.device)
        with torch.no_grad():
            values = module.sample(n_samples, self._torch_generator(rng), condition=condition[None])
        frame = self._decode(self._model_output(values.cpu().numpy()), rng)
        columns = {c.name: c for c in self.encoder_.columns_}
        for name, value in conditions.items():
            if codes[name] == columns[name].other_code:
                # A rare value merged into "other" decodes to any of them: set it.
                dtype = frame[name].dtype
                frame[name] = pd.Series(np.full(n_samples, value, dtype=object)).astype(dtype)
        self.last_acceptance_rate_ = 1.0
        return frame
