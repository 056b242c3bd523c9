"""Neural energy-based model trained with short-run Langevin dynamics and a replay buffer."""

from numbers import Integral, Real

import numpy as np

from ...base import LatentMixin
from ...utils._sklearn import Interval
from ...utils._validation import check_layer_sizes
from .._base import NeuralGenerator
from .._docs import CONTINUOUS_PARAMETER, TRAINING_ATTRIBUTES, TRAINING_PARAMETERS
from ..modules.energy import EnergyModule

__all__ = ["EnergyModel"]


class EnergyModel(LatentMixin, NeuralGenerator):
    __doc__ = f"""Energy-based model: a neural energy ``E(x)`` with ``p(x) ~ exp(-E(x))``.

    ``E(z) = f(z) - log q(z)``: an MLP ``f`` on the standardised row ``z``
    tilting a reference distribution ``q``, the Gaussian ``N(0,
    reference_scale^2 I)`` on real values (which keeps ``exp(-E)`` integrable
    and the energy high far from the data) times, for a DataFrame, the
    training frequencies of each categorical column's categories. The
    network sees ``3 z`` (wider first-layer inputs: an MLP on unit-scale
    inputs is slow to form sharp modes).
    Training is contrastive divergence against negative samples drawn by
    short-run Langevin dynamics (``n_langevin_steps`` steps of ``z <- z -
    d / (1 + |d|) + sqrt(2 eps) * N(0, I)`` with ``d = eps * grad E(z)``,
    ``eps = langevin_step_size``: Langevin dynamics of ``exp(-E)`` whose
    drift is tamed where the energy is steep) started from
    a replay buffer of earlier negatives, a share ``reinit_fraction`` of them
    restarted from ``N(0, I)`` (Du and Mordatch, 2019). The loss, one per
    batch, is ``mean E(data) - mean E(negatives)`` plus ``alpha`` times the
    mean squared energies.

    ``sample`` runs ``n_sampling_steps`` Langevin steps from samples of the
    replay buffer picked at random (the buffer is not changed).
    ``score_samples`` is the negative energy, an **unnormalised**
    log-density (``score_kind = "unnormalized"``: it is ``log p(x) + log Z``
    for an unknown constant ``log Z``), in the original units (the
    standardisation's log-Jacobian is included, so differences between rows
    are log-density ratios). It ranks rows (outlier detection) and compares
    rows under one fitted model, not across models. ``transform`` gives the
    energy network's penultimate features. A DataFrame's one-hot blocks are
    treated as real values by the energy (samples are decoded by argmax).

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=(128, 128)
        Widths of the energy network (SiLU activations); the last one is the
        number of ``transform`` features.
    n_langevin_steps : int, default=20
        Langevin steps per training batch.
    langevin_step_size : float, default=0.01
        Step ``eps`` of the Langevin dynamics (standardised units).
    buffer_size : int, default=2000
        Negative samples kept in the replay buffer.
    reinit_fraction : float, default=0.05
        Share of the negatives restarted from ``N(0, I)`` at each batch.
    alpha : float, default=0.01
        Weight of the squared-energy regulariser.
    reference_scale : float, default=2.0
        Standard deviation (standardised units) of the Gaussian reference ``q``.
    n_sampling_steps : int, default=100
        Langevin steps of ``sample``.
{CONTINUOUS_PARAMETER}
{TRAINING_PARAMETERS.format(max_epochs=100, batch_size=128, lr=1e-3)}

    Attributes
    ----------
{TRAINING_ATTRIBUTES}

    See Also
    --------
    GaussianBernoulliRBM : an energy model with a tractable free energy and an AIS likelihood.

    References
    ----------
    Du and Mordatch, "Implicit Generation and Modeling with Energy-Based Models",
    NeurIPS 2019.
    Nijkamp, Hill, Zhu and Wu, "Learning Non-Convergent Non-Persistent Short-Run MCMC
    Toward Energy-Based Model", NeurIPS 2019.
    Brosse, Durmus, Moulines and Sabanis, "The tamed unadjusted Langevin algorithm",
    Stochastic Processes and their Applications, 2019.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import EnergyModel
    >>> X = np.random.default_rng(0).normal(size=(200, 2))
    >>> ebm = EnergyModel(hidden_layer_sizes=(16, 16), max_epochs=3, random_state=0).fit(X)
    >>> ebm.sample(3, random_state=0).shape
    (3, 2)
    >>> ebm.transform(X[:2]).shape
    (2, 16)
    >>> ebm.score_kind
    'unnormalized'
    """

    score_kind = "unnormalized"
    _parameter_constraints = {
        **NeuralGenerator._parameter_constraints,
        "hidden_layer_sizes": [tuple, list],
        "n_langevin_steps": [Interval(Integral, 1, None, closed="left")],
        "langevin_step_size": [Interval(Real, 0, None, closed="neither")],
        "buffer_size": [Interval(Integral, 1, None, closed="left")],
        "reinit_fraction": [Interval(Real, 0, 1, closed="both")],
        "alpha": [Interval(Real, 0, None, closed="left")],
        "reference_scale": [Interval(Real, 0, None, closed="neither")],
        "n_sampling_steps": [Interval(Integral, 0, None, closed="left")],
    }

    def __init__(
        self,
        hidden_layer_sizes=(128, 128),
        *,
        n_langevin_steps=20,
        langevin_step_size=0.01,
        buffer_size=2000,
        reinit_fraction=0.05,
        alpha=0.01,
        reference_scale=2.0,
        n_sampling_steps=100,
        continuous="quantile",
        max_epochs=100,
        batch_size=128,
        lr=1e-3,
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
        self.n_langevin_steps = n_langevin_steps
        self.langevin_step_size = langevin_step_size
        self.buffer_size = buffer_size
        self.reinit_fraction = reinit_fraction
        self.alpha = alpha
        self.reference_scale = reference_scale
        self.n_sampling_steps = n_sampling_steps
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

    def _prepare(self, data):
        super()._prepare(data)
        # Reference probabilities of the categories: training frequencies, smoothed.
        matrix = self._model_input(data, np.float64)
        self.log_frequencies_ = np.zeros(matrix.shape[1])
        start = 0
        for span in self.layout_:
            if span.kind == "discrete":
                counts = matrix[:, start : start + span.width].sum(axis=0) + 0.5
                self.log_frequencies_[start : start + span.width] = np.log(counts / counts.sum())
            start += span.width

    def _build_module(self):
        offsets = np.cumsum([0] + [span.width for span in self.layout_])
        blocks, values, observed = [], {}, {}
        for span, start in zip(self.layout_, offsets):
            cells = list(range(start, start + span.width))
            if span.kind == "discrete":
                blocks.append(cells)
            if span.role == "value":
                values[span.column] = start
            elif span.role == "missing":
                observed[span.column] = start
        return EnergyModule(
            int(offsets[-1]),
            check_layer_sizes(self.hidden_layer_sizes),
            discrete=blocks,
            log_frequencies=self.log_frequencies_,
            gates=[(values[c], observed[c]) for c in observed if c in values],
            buffer_size=self.buffer_size,
            n_langevin_steps=self.n_langevin_steps,
            step_size=self.langevin_step_size,
            reinit_fraction=self.reinit_fraction,
            alpha=self.alpha,
            reference_scale=self.reference_scale,
        )

    def _module_scores(self, module, x):
        return -module.energy(x)

    def _module_sample(self, module, n_samples, generator, **params):
        return module.sample(n_samples, generator, self.n_sampling_steps)

    def _transform(self, data):
        return self._run(lambda module, x: module.encode(x), data)
