"""Wasserstein GAN with gradient penalty and an inference encoder."""

from .._docs import CONTINUOUS_PARAMETER, TRAINING_ATTRIBUTES, TRAINING_PARAMETERS
from ._base import BaseGAN
from ._docs import GAN_ATTRIBUTES, GAN_PARAMETERS

__all__ = ["GAN"]


class GAN(BaseGAN):
    __doc__ = f"""Wasserstein GAN with gradient penalty (WGAN-GP), for numeric arrays and tables.

    An MLP generator maps ``z ~ N(0, I)`` to a row (through the shared
    :class:`~skgen.neural.TabularHead`: Gumbel-softmax for discrete columns of
    a DataFrame); an MLP critic is trained against it with the Wasserstein
    loss and a gradient penalty (one-sided, as Petzka et al. 2018: it keeps
    the critic from locking into the wrong sign), ``n_critic`` critic steps per generator step,
    each network with its own optimizer (:class:`~skgen.neural.AdversarialNet`).
    ``history`` records each loss term (``train_critic``,
    ``train_gradient_penalty``, ``train_generator``).

    A GAN has no likelihood of its own. After training, an inference encoder
    ``x -> z`` is trained against the frozen generator (``transform``;
    ``inverse_transform`` is the generator), and ``score_samples`` estimates
    ``log p(x)`` under a Gaussian observation model around the generator
    (Wu et al., 2017): importance sampling with the encoder as proposal and
    the observation noise fitted on the held-out rows
    (``score_kind = "estimate"``, in expectation a lower bound of the model's
    log-density). The critic's raw output is :meth:`critic_score`.

    ``validation_fraction`` of the rows are always held out from training:
    they fit the observation noise, and with ``early_stopping`` they give the
    score to stop on: the MMD between them and generated rows, computed every
    ``validation_interval`` epochs (``valid_mmd`` in ``history``), not the
    adversarial loss.

    Parameters
    ----------
{GAN_PARAMETERS.format(n_components=16, sizes="(128, 128)", n_critic=5)}
{CONTINUOUS_PARAMETER}
{TRAINING_PARAMETERS.format(max_epochs=300, batch_size=256, lr=1e-4)}

    Attributes
    ----------
{TRAINING_ATTRIBUTES}
{GAN_ATTRIBUTES}

    See Also
    --------
    TabularGAN : conditional GAN for mixed tables (CTGAN class), exact conditional sampling.
    VAE : a likelihood-trained latent model with a lower bound as score.

    References
    ----------
    Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017.
    Petzka, Fischer and Lukovnicov, "On the Regularization of Wasserstein GANs", ICLR 2018.
    Wu et al., "On the Quantitative Analysis of Decoder-Based Generative Models", ICLR 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import GAN
    >>> X = np.random.default_rng(0).normal(size=(200, 2))
    >>> gan = GAN(n_components=2, generator_layer_sizes=(16,), critic_layer_sizes=(16,),
    ...           max_epochs=3, encoder_max_epochs=2, n_importance_samples=10,
    ...           random_state=0).fit(X)
    >>> gan.sample(3, random_state=0).shape
    (3, 2)
    >>> gan.transform(X[:4]).shape
    (4, 2)
    >>> bool(np.isfinite(gan.score(X)))
    True
    """

    def __init__(
        self,
        n_components=16,
        *,
        generator_layer_sizes=(128, 128),
        critic_layer_sizes=(128, 128),
        encoder_layer_sizes=None,
        n_critic=5,
        gradient_penalty=10.0,
        critic_lr=None,
        n_importance_samples=100,
        encoder_max_epochs=30,
        validation_interval=5,
        continuous="quantile",
        max_epochs=300,
        batch_size=256,
        lr=1e-4,
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
