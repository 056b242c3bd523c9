"""Restricted Boltzmann machines: BernoulliRBM (discrete data) and GaussianBernoulliRBM."""

from numbers import Integral, Real

import numpy as np
import torch

from ...utils._sklearn import Interval, StrOptions
from .._base import NeuralGenerator
from .._docs import TRAINING_ATTRIBUTES, TRAINING_PARAMETERS
from .._latent import NeuralLatentMixin
from ..modules.rbm import RBMModule
from ._visible import VisibleUnits

__all__ = ["BernoulliRBM", "GaussianBernoulliRBM"]

_RBM_PARAMETERS = """\
    n_components : int, default=256
        Hidden (binary) units.
    n_gibbs_steps : int, default=1
        Gibbs steps of the persistent chains per training batch (PCD-k).
    weight_decay : float, default=1e-4
        Coefficient of the L2 penalty ``0.5 * weight_decay * ||W||^2`` on the
        weights (the biases are not penalised).
    momentum : float, default=0.9
        Momentum of the ``optimizer="sgd"`` updates; ignored by the other
        optimizers (Adam's first-moment average plays that role).
        scikit-learn's RBM is ``optimizer="sgd", lr=0.1, batch_size=10,
        momentum=0.0, weight_decay=0.0`` (see ``docs/benchmarks.md``).
    n_burn_in : int, default=500
        Gibbs steps of ``sample``: each sample starts from one of the
        persistent chains of training (picked at random) and makes
        ``n_burn_in`` block Gibbs steps, so samples are fresh draws near the
        model's distribution and independent of each other given the chains.
    n_ais_chains : int, default=100
        Annealed importance sampling runs of the ``log Z`` estimate.
    n_ais_steps : int, default=1000
        Intermediate distributions of each AIS run. More chains and steps
        give a more precise ``log_partition_`` (at a cost paid once per
        training call)."""

_CONTINUOUS = """\
    continuous : {{"quantile", "standard"}}, default="quantile"
        Encoding of the continuous columns of a DataFrame before {what} (see
        :class:`skgen.preprocessing.TabularEncoder`)."""


class _RBMBase(NeuralLatentMixin, NeuralGenerator):
    """Shared machinery of the RBMs; a subclass says how it reads continuous columns."""

    score_kind = "estimate"
    _parameter_constraints = {
        **NeuralGenerator._parameter_constraints,
        "n_components": [Interval(Integral, 1, None, closed="left")],
        "n_gibbs_steps": [Interval(Integral, 1, None, closed="left")],
        "weight_decay": [Interval(Real, 0, None, closed="left")],
        "momentum": [Interval(Real, 0, 1, closed="left")],
        "n_burn_in": [Interval(Integral, 0, None, closed="left")],
        "n_ais_chains": [Interval(Integral, 1, None, closed="left")],
        "n_ais_steps": [Interval(Integral, 1, None, closed="left")],
        "continuous": [StrOptions({"standard", "quantile"})],
    }
    #: Units of continuous columns: "bins" or "gaussian" (see VisibleUnits).
    _continuous_units = "bins"

    # ------------------------------------------------------------ training
    def _prepare(self, data):
        super()._prepare(data)
        if self._continuous_units == "bins":
            # Bins and binary units read the values themselves: no standardisation.
            self.mean_ = np.zeros_like(self.mean_)
            self.scale_ = np.ones_like(self.scale_)
        codec = self.codec_
        levels = None
        if codec.kind == "image" and codec.discrete and not codec.dequantized:
            levels = (codec.low, codec.high)
        self.visible_ = VisibleUnits(self._continuous_units, getattr(self, "n_bins", 20)).fit(
            super()._model_input(data, np.float64),
            None if self.encoder_ is None else self.layout_,
            levels=levels,
        )

    def _build_module(self):
        return RBMModule(
            self.visible_.n_cells,
            self.n_components,
            **self.visible_.module_units(),
            base_logits=self.visible_.base_logits_,
            n_chains=self.batch_size,
            n_gibbs_steps=self.n_gibbs_steps,
            weight_decay=self.weight_decay,
        )

    def _net_params(self):
        if self.optimizer in ("sgd", torch.optim.SGD):
            return {"optimizer__momentum": self.momentum}
        return {}

    def _after_training(self, data):
        super()._after_training(data)
        # Fixed by the fit's seed: scores are deterministic and row-independent.
        generator = self._torch_generator(np.random.default_rng([self._score_seed_, 2]))
        with torch.no_grad():
            log_z, log_w = self._inference_module_.log_partition(
                self.n_ais_chains, self.n_ais_steps, generator
            )
        self.log_partition_ = float(log_z)
        weights = torch.softmax(log_w, 0)
        self.ais_effective_sample_size_ = float(1.0 / (weights**2).sum())

    # ------------------------------------------------------ data <-> units
    def _model_input(self, data, dtype):
        visible, _ = self.visible_.transform(super()._model_input(data, np.float64))
        return visible.astype(dtype)

    def _module_scores(self, module, v):
        return module.log_prob(v, self.log_partition_)

    def _score_samples(self, data):
        _, log_measure = self.visible_.transform(super()._model_input(data, np.float64))
        return super()._score_samples(data) + log_measure

    def _sample(self, n_samples, rng, **params):
        generator = self._torch_generator(rng)
        with torch.no_grad():
            cells = self._inference_module_.sample(n_samples, generator, self.n_burn_in)
        return self._model_output(self.visible_.sample_rows(cells.cpu().numpy(), rng))

    def _inverse_transform(self, Z):
        if Z.shape[1] != self.n_components:
            raise ValueError(
                f"Expected hidden vectors with {self.n_components} columns, got {Z.shape[1]}."
            )
        hidden = torch.as_tensor(Z, dtype=torch.float64, device=self.net_.device)
        with torch.no_grad():
            means = self._inference_module_.decode(hidden).cpu().numpy()
        return self._model_output(self.visible_.mean_rows(means))

    # ------------------------------------------------------------- public
    def free_energy(self, X):
        """Free energy ``F(v) = -log sum_h exp(-E(v, h))`` of each row's visible vector.

        ``score_samples(X)`` is ``-free_energy(X) - log_partition_`` plus the
        log-measure of the row's encoding (bin widths, standardisation).

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features), DataFrame or images

        Returns
        -------
        free_energy : ndarray of shape (n_samples,)
        """
        data = self._validate_input(X)
        return self._run(lambda module, v: module.free_energy(v), data)


class BernoulliRBM(_RBMBase):
    __doc__ = f"""Restricted Boltzmann machine with binary hidden units, for discrete data.

    scikit-learn's :class:`~sklearn.neural_network.BernoulliRBM` with what it
    lacks: ``sample``, a likelihood, mixed tables, PCD-k with weight decay and
    momentum, and a GPU. Training is persistent contrastive divergence on
    mini-batches: ``batch_size`` persistent chains advance ``n_gibbs_steps``
    block Gibbs steps per batch.

    **What the visible units are.** Each column of a numeric array (or pixel
    of an image) whose training values are all 0 or 1 is one Bernoulli unit.
    Any other column is discretised into ``n_bins`` quantile bins, a softmax
    block (one-hot) of units, and its value is uniform within its bin (for
    discrete images: one bin per pixel level when there are at most
    ``n_bins`` of them, else bins of whole levels). A DataFrame's
    categorical and boolean columns are softmax blocks; its continuous
    columns are binned after the encoder, with one more unit for "missing"
    where a column has missing values. Unlike scikit-learn's RBM, values in
    ``(0, 1)`` are **not** read as probabilities of a unit being on: to
    train the classic binary RBM on grey levels, binarise first
    (``X > 0.5``).

    **What** ``score_samples`` **means.** The log-probability of the row's
    visible vector, ``-F(v) - log Z``, with ``log Z`` estimated once after
    training by annealed importance sampling (``score_kind = "estimate"``,
    the estimate is ``log_partition_``), plus ``-log`` of the width of each
    bin the row falls in. On binary data it is the log-probability of the
    binary vector (counting measure on ``{{0, 1}}^n_features``); with bins it
    is a histogram density (Lebesgue measure on continuous columns, counting
    measure on image levels and categories), ``-inf`` for a value outside
    the training range of its column or a non-binary value in a binary
    column. As AIS tends to underestimate ``log Z``, the scores tend to be
    slightly optimistic; ``ais_effective_sample_size_`` says how reliable
    the estimate is (close to ``n_ais_chains`` is good).

    ``transform`` gives the hidden-unit probabilities ``p(h = 1 | x)`` (as
    scikit-learn's ``BernoulliRBM.transform``); ``inverse_transform`` gives
    the mean of ``p(x | h)`` (expected bin values); ``free_energy(X)`` the
    free energy of each row's visible vector.

    Parameters
    ----------
{_RBM_PARAMETERS}
    n_bins : int, default=20
        Quantile bins of each non-binary column.
{_CONTINUOUS.format(what="binning")}
{TRAINING_PARAMETERS.format(max_epochs=50, batch_size=32, lr=5e-3)}

    Attributes
    ----------
{TRAINING_ATTRIBUTES}
    visible_ : VisibleUnits
        Which visible units stand for which columns.
    log_partition_ : float
        AIS estimate of the log-partition function ``log Z``.
    ais_effective_sample_size_ : float
        Effective number of AIS runs behind ``log_partition_``.

    See Also
    --------
    GaussianBernoulliRBM : Gaussian visible units for real-valued data.
    sklearn.neural_network.BernoulliRBM : no sampling, no likelihood.

    References
    ----------
    Hinton, "Training products of experts by minimizing contrastive divergence", 2002.
    Tieleman, "Training restricted Boltzmann machines using approximations to the
    likelihood gradient", ICML 2008.
    Salakhutdinov and Murray, "On the quantitative analysis of deep belief networks",
    ICML 2008.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import BernoulliRBM
    >>> rng = np.random.default_rng(0)
    >>> X = (rng.random((200, 6)) < [0.9, 0.9, 0.9, 0.1, 0.1, 0.1]).astype(float)
    >>> rbm = BernoulliRBM(n_components=4, max_epochs=5, n_ais_steps=100,
    ...                    n_burn_in=50, random_state=0).fit(X)
    >>> rbm.sample(3, random_state=0).shape
    (3, 6)
    >>> rbm.transform(X[:2]).shape
    (2, 4)
    >>> bool(-6 * np.log(2) < rbm.score(X) < 0)
    True
    """

    _dequantize_images = False  # discrete images are modelled level by level
    _parameter_constraints = {
        **_RBMBase._parameter_constraints,
        "n_bins": [Interval(Integral, 2, None, closed="left")],
    }

    def __init__(
        self,
        n_components=256,
        *,
        n_gibbs_steps=1,
        weight_decay=1e-4,
        momentum=0.9,
        n_burn_in=500,
        n_ais_chains=100,
        n_ais_steps=1000,
        n_bins=20,
        continuous="quantile",
        max_epochs=50,
        batch_size=32,
        lr=5e-3,
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
        self.n_gibbs_steps = n_gibbs_steps
        self.weight_decay = weight_decay
        self.momentum = momentum
        self.n_burn_in = n_burn_in
        self.n_ais_chains = n_ais_chains
        self.n_ais_steps = n_ais_steps
        self.n_bins = n_bins
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


class GaussianBernoulliRBM(_RBMBase):
    __doc__ = f"""Restricted Boltzmann machine with Gaussian visible units, for real-valued data.

    Each continuous value is a Gaussian visible unit with a learned standard
    deviation ``sigma_i`` (energy ``(v_i - b_i)^2 / (2 sigma_i^2) -
    (v_i / sigma_i) W_i h``); the hidden units are binary, so ``p(x)`` is a
    mixture of ``2^n_components`` Gaussians with shared, diagonal covariance.
    Arrays are standardised inside the model (the log-Jacobian is part of
    ``score_samples``, a density in the original units); discrete images are
    dequantised like for every continuous model. A DataFrame's categorical
    and boolean columns are softmax blocks; a continuous column with missing
    values is a Gaussian unit gated by an observed/missing pair, so a missing
    value costs exactly ``log P(missing | ...)``.

    Training is persistent contrastive divergence with ``batch_size``
    chains, ``n_gibbs_steps`` block Gibbs steps per batch; ``sample`` is
    block Gibbs sampling from the persistent chains. ``score_samples`` is
    ``-F(x) - log Z`` with ``log Z`` estimated once after training by
    annealed importance sampling (``score_kind = "estimate"``).
    ``transform`` gives hidden-unit probabilities, ``inverse_transform`` the
    mean of ``p(x | h)``, ``free_energy(X)`` the free energy.

    Parameters
    ----------
{_RBM_PARAMETERS}
{_CONTINUOUS.format(what="the Gaussian units")}
{TRAINING_PARAMETERS.format(max_epochs=50, batch_size=64, lr=1e-3)}

    Attributes
    ----------
{TRAINING_ATTRIBUTES}
    visible_ : VisibleUnits
        Which visible units stand for which columns.
    log_partition_ : float
        AIS estimate of the log-partition function ``log Z``.
    ais_effective_sample_size_ : float
        Effective number of AIS runs behind ``log_partition_``.

    See Also
    --------
    BernoulliRBM : binary and binned visible units.

    References
    ----------
    Hinton, "A practical guide to training restricted Boltzmann machines", 2010.
    Cho, Ilin and Raiko, "Improved learning of Gaussian-Bernoulli restricted
    Boltzmann machines", ICANN 2011.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import GaussianBernoulliRBM
    >>> X = np.random.default_rng(0).normal(size=(200, 2)) * [1.0, 3.0] + 5.0
    >>> rbm = GaussianBernoulliRBM(n_components=4, max_epochs=5, n_ais_steps=100,
    ...                            n_burn_in=50, random_state=0).fit(X)
    >>> rbm.sample(3, random_state=0).shape
    (3, 2)
    >>> rbm.transform(X[:2]).shape
    (2, 4)
    >>> bool(np.isfinite(rbm.score(X)))
    True
    """

    _continuous_units = "gaussian"

    def __init__(
        self,
        n_components=256,
        *,
        n_gibbs_steps=1,
        weight_decay=1e-4,
        momentum=0.9,
        n_burn_in=500,
        n_ais_chains=100,
        n_ais_steps=1000,
        continuous="quantile",
        max_epochs=50,
        batch_size=64,
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
        self.n_components = n_components
        self.n_gibbs_steps = n_gibbs_steps
        self.weight_decay = weight_decay
        self.momentum = momentum
        self.n_burn_in = n_burn_in
        self.n_ais_chains = n_ais_chains
        self.n_ais_steps = n_ais_steps
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
