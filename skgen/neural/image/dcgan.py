"""DCGAN: a convolutional Wasserstein GAN for images, with an inference encoder."""

from numbers import Integral, Real

from ...utils._sklearn import Interval
from .._docs import TRAINING_ATTRIBUTES, TRAINING_PARAMETERS
from ..adversarial._base import BaseGAN
from ..adversarial._docs import GAN_ATTRIBUTES
from ..modules.dcgan import DCGANModule
from ._base import IMAGE_PARAMETERS_NOTE, ImageGenerator

__all__ = ["DCGAN"]


class DCGAN(BaseGAN, ImageGenerator):
    __doc__ = f"""Convolutional Wasserstein GAN (DCGAN architecture, gradient penalty) for images.

    A generator of transposed convolutions maps ``z ~ N(0, I)`` (and, fit
    with labels, a one-hot class) to an image in ``[-1, 1]``; a critic of
    stride-2 convolutions is trained against it with the Wasserstein loss
    and a one-sided gradient penalty, ``n_critic`` critic steps per generator
    step, each network with its own optimizer. The training scheme is
    :class:`skgen.GAN`'s (:class:`~skgen.neural.AdversarialNet`; ``history``
    records ``train_critic``, ``train_gradient_penalty``,
    ``train_generator``), only the networks are convolutional.

    Fit with labels, ``fit(X, y)``, generator and critic also take the
    class (the critic as constant one-hot channels): ``sample(n, y=...)``
    draws images of a class and :class:`skgen.ClassConditional` and
    :class:`skgen.augmentation.GenerativeResampler` use one model for all
    classes. The class of a share ``class_dropout`` of the training images
    is hidden, which also trains the unconditional generator ``G(z, 0)``.

    After training, as for :class:`skgen.GAN`: an inference encoder
    ``x -> z`` is trained against the frozen unconditional generator
    (``transform``; ``inverse_transform`` is ``G(z, 0)``), and
    ``score_samples`` estimates ``log p(x)`` (or ``log p(x | y)``) under a
    Gaussian observation model around the generated image, discretised over
    the levels of discrete images (so, like the other image models', it is
    a log-probability of the pixel values): importance sampling with the
    encoder as proposal, the noise fitted on the held-out images
    (``score_kind = "estimate"``, in expectation a lower bound of the
    model's log-probability). :meth:`critic_score` is the critic's raw
    output.

    Parameters
    ----------
    n_components : int, default=32
        Latent dimension.
    channels : tuple of int, default=(64, 128)
        Channels of the critic's and the encoder's stride-2 convolutions;
        the generator mirrors them.
    n_critic : int, default=5
        Critic updates per generator update.
    gradient_penalty : float, default=10.0
        Weight of the gradient penalty (one-sided: slopes above 1 only).
    critic_lr : float or None, default=None
        Learning rate of the critic's optimizer; None uses ``lr``.
    class_dropout : float, default=0.2
        Share of training images whose class is hidden, when fit with labels.
    n_importance_samples : int, default=100
        Importance samples per image of ``score_samples`` (10% from the
        prior, the rest around the encoder's code).
    encoder_max_epochs : int, default=30
        Epochs of the inference encoder, trained after the generator.
    validation_interval : int, default=5
        Epochs between two validation MMDs (held-out images against
        unconditional samples, as rows of pixels) when ``early_stopping`` is
        on; training stops after ``n_iter_no_change`` evaluations without
        improvement.
{IMAGE_PARAMETERS_NOTE}
{TRAINING_PARAMETERS.format(max_epochs=100, batch_size=64, lr=2e-4)}

    Attributes
    ----------
{TRAINING_ATTRIBUTES}
{GAN_ATTRIBUTES}
    image_shape_ : tuple (C, H, W)
    n_levels_ : int or None
        Pixel levels of discrete images, ``None`` for continuous ones.
    classes_, class_prior_ : ndarray, only when fit with labels.

    See Also
    --------
    GAN : the same training scheme on rows, with MLPs.
    ConvVAE : a likelihood-trained latent model for images.

    References
    ----------
    Radford, Metz and Chintala, "Unsupervised Representation Learning with
    Deep Convolutional Generative Adversarial Networks", ICLR 2016.
    Gulrajani et al., "Improved Training of Wasserstein GANs", NeurIPS 2017.
    Wu et al., "On the Quantitative Analysis of Decoder-Based Generative Models", ICLR 2017.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import DCGAN
    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(0, 4, size=(64, 6, 6)).astype(np.uint8)
    >>> y = rng.integers(0, 2, size=64)
    >>> gan = DCGAN(n_components=2, channels=(8,), max_epochs=2, encoder_max_epochs=1,
    ...             n_importance_samples=4, random_state=0).fit(X, y)
    >>> gan.sample(3, y=1, random_state=0).shape
    (3, 6, 6)
    >>> gan.transform(X[:2]).shape
    (2, 2)
    >>> bool(np.isfinite(gan.score(X)))
    True
    """

    _parameter_constraints = {
        **ImageGenerator._parameter_constraints,
        **{
            name: constraint
            for name, constraint in BaseGAN._parameter_constraints.items()
            if not name.endswith("layer_sizes")
        },
        "channels": [tuple, list],
        "class_dropout": [Interval(Real, 0, 1, closed="left")],
        "image_shape": [tuple, list, None],
        "n_components": [Interval(Integral, 1, None, closed="left")],
    }

    def __init__(
        self,
        n_components=32,
        *,
        channels=(64, 128),
        n_critic=5,
        gradient_penalty=10.0,
        critic_lr=None,
        class_dropout=0.2,
        n_importance_samples=100,
        encoder_max_epochs=30,
        validation_interval=5,
        image_shape=None,
        max_epochs=100,
        batch_size=64,
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
        self.channels = channels
        self.n_critic = n_critic
        self.gradient_penalty = gradient_penalty
        self.critic_lr = critic_lr
        self.class_dropout = class_dropout
        self.n_importance_samples = n_importance_samples
        self.encoder_max_epochs = encoder_max_epochs
        self.validation_interval = validation_interval
        self.image_shape = image_shape
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
        channels = self._checked_channels()
        return DCGANModule(
            self.image_shape_,
            self.n_levels_,
            self.n_components,
            channels,
            self.n_classes_,
            self.gradient_penalty,
            self.class_dropout,
        )
