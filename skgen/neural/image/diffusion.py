"""Denoising diffusion for images: a U-Net denoiser with the diffusion models' schedules."""

from numbers import Integral, Real

import numpy as np
import torch

from ...base import LatentMixin
from ...utils._noise import row_keyed_normal
from ...utils._sklearn import Interval, StrOptions
from .._docs import TRAINING_ATTRIBUTES, TRAINING_PARAMETERS
from ..diffusion.diffusion_model import DiffusionEstimatorMixin
from ..modules.diffusion import SCHEDULES, strided_timesteps
from ..modules.image_diffusion import ImageDiffusionModule, UNet
from ._base import IMAGE_PARAMETERS_NOTE, ImageGenerator

__all__ = ["ImageDiffusion"]


class ImageDiffusion(DiffusionEstimatorMixin, LatentMixin, ImageGenerator):
    __doc__ = f"""Denoising diffusion model for images (DDPM with a small U-Net), optionally class-conditional.

    Pixels scaled to ``[-1, 1]`` follow a Gaussian diffusion over
    ``n_steps`` timesteps (:class:`skgen.DiffusionModel`'s schedules and
    closed forms); a U-Net (residual blocks at each resolution, stride-2
    convolutions down, transposed convolutions up, skip connections, a
    sinusoidal timestep embedding) predicts the noise of a noisy image.
    Training minimises the squared error of the predicted noise at a random
    timestep (``train_noise`` in ``history``), through skorch; sampling,
    scores and ``transform`` use a moving average of the weights
    (``ema_decay``).

    ``sample`` runs the reverse chain through ``n_sampling_steps`` evenly
    strided timesteps (one U-Net pass each; fewer steps are faster and
    coarser, no retraining needed). ``score_samples`` is a variational
    **lower bound** on the log-probability (``score_kind = "lower_bound"``)
    of the chain through ``n_score_steps`` strided timesteps, each term
    estimated with one draw of the noisy image, keyed by the image (so a
    score is deterministic). For discrete images (8-bit, or whole-number
    pixels such as scikit-learn's digits) the last step is discretised over
    the levels (Ho et al. 2020): the bound is on the probability of the
    pixel values (counting measure), and :meth:`bits_per_dim` an upper
    bound on the bits per pixel value. A short chain gives a loose bound:
    it is a bound on the likelihood of that chain, not the model
    ``sample`` draws from unless ``n_sampling_steps == n_score_steps``.

    Fit with labels, ``fit(X, y)``, the class is embedded beside the
    timestep; the class of a share ``class_dropout`` of the training images
    is hidden, which also trains the unconditional model, and
    ``sample(n, y=...)`` applies classifier-free guidance of weight
    ``guidance_scale``. :class:`skgen.ClassConditional` and
    :class:`skgen.augmentation.GenerativeResampler` use one model for all
    classes. ``transform`` gives the U-Net's bottleneck features of the
    clean image at the least noisy timestep, averaged over positions (no
    label needed; there is no ``inverse_transform``).

    Why its own class rather than :class:`skgen.DiffusionModel` on images:
    that model is built around a table's layout (multinomial diffusion of
    categories, inpainting of discrete columns, an MLP's widths), none of
    which applies to pixels, while images need the image models' scaling,
    the discretised likelihood of pixel levels and a convolutional
    denoiser's parameters. Both share the schedules, the Gaussian
    diffusion and the moving average of the weights.

    Parameters
    ----------
    channels : tuple of int, default=(32, 64)
        Channels of the U-Net at each resolution, the first at full size,
        each next one at half the height and width.
    embedding_dim : int, default=64
        Width of the timestep and class embeddings.
    n_steps : int, default=1000
        Timesteps of the diffusion trained.
    schedule : {{"cosine", "linear"}}, default="cosine"
        Noise schedule (cosine: Nichol and Dhariwal; linear: Ho et al.).
    n_sampling_steps : int, default=100
        Timesteps of the chain ``sample`` runs (at most ``n_steps``).
    n_score_steps : int, default=20
        Timesteps of the chain whose bound ``score_samples`` gives.
    guidance_scale : float, default=1.0
        Classifier-free guidance weight of ``sample(n, y=...)``.
    class_dropout : float, default=0.1
        Share of training images whose class is hidden, when fit with labels.
    ema_decay : float, default=0.999
        Decay of the moving average of the weights (0: the last weights).
{IMAGE_PARAMETERS_NOTE}
{TRAINING_PARAMETERS.format(max_epochs=100, batch_size=64, lr=1e-3)}

    Attributes
    ----------
{TRAINING_ATTRIBUTES}
    image_shape_ : tuple (C, H, W)
    n_levels_ : int or None
        Pixel levels of discrete images, ``None`` for continuous ones.
    classes_, class_prior_ : ndarray, only when fit with labels.

    See Also
    --------
    DiffusionModel : diffusion for numeric arrays and mixed tables.
    PixelCNN : an exact likelihood of the pixels.

    References
    ----------
    Ho, Jain and Abbeel, "Denoising Diffusion Probabilistic Models", NeurIPS 2020.
    Nichol and Dhariwal, "Improved Denoising Diffusion Probabilistic Models", ICML 2021.
    Ho and Salimans, "Classifier-Free Diffusion Guidance", 2022.

    Examples
    --------
    >>> import numpy as np
    >>> from skgen import ImageDiffusion
    >>> rng = np.random.default_rng(0)
    >>> X = rng.integers(0, 4, size=(64, 6, 6)).astype(np.uint8)
    >>> y = rng.integers(0, 2, size=64)
    >>> model = ImageDiffusion(channels=(8,), embedding_dim=8, n_steps=20, n_sampling_steps=5,
    ...                        n_score_steps=5, max_epochs=2, random_state=0).fit(X, y)
    >>> model.sample(3, y=1, random_state=0).shape
    (3, 6, 6)
    >>> model.transform(X[:2]).shape
    (2, 8)
    >>> bool(model.bits_per_dim(X) > 0)
    True
    """

    score_kind = "lower_bound"
    _parameter_constraints = {
        **ImageGenerator._parameter_constraints,
        "channels": [tuple, list],
        "embedding_dim": [Interval(Integral, 2, None, closed="left")],
        "n_steps": [Interval(Integral, 1, None, closed="left")],
        "schedule": [StrOptions(set(SCHEDULES))],
        "n_sampling_steps": [Interval(Integral, 1, None, closed="left")],
        "n_score_steps": [Interval(Integral, 1, None, closed="left")],
        "guidance_scale": [Interval(Real, 0, None, closed="left")],
        "class_dropout": [Interval(Real, 0, 1, closed="left")],
        "ema_decay": [Interval(Real, 0, 1, closed="left")],
        "image_shape": [tuple, list, None],
    }

    def __init__(
        self,
        *,
        channels=(32, 64),
        embedding_dim=64,
        n_steps=1000,
        schedule="cosine",
        n_sampling_steps=100,
        n_score_steps=20,
        guidance_scale=1.0,
        class_dropout=0.1,
        ema_decay=0.999,
        image_shape=None,
        max_epochs=100,
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
        self.channels = channels
        self.embedding_dim = embedding_dim
        self.n_steps = n_steps
        self.schedule = schedule
        self.n_sampling_steps = n_sampling_steps
        self.n_score_steps = n_score_steps
        self.guidance_scale = guidance_scale
        self.class_dropout = class_dropout
        self.ema_decay = ema_decay
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
        denoiser = UNet(self.image_shape_, channels, self.embedding_dim, self.n_classes_)
        alpha_bar = SCHEDULES[self.schedule](self.n_steps)
        return ImageDiffusionModule(
            self.n_levels_, denoiser, alpha_bar, self.class_dropout, self.ema_decay
        )

    # ------------------------------------------------------------ scores
    def _module_scores(self, module, x):
        images, context = self._context_of(x)
        timesteps = self._score_timesteps()
        k, n, d = len(timesteps), images.shape[0], int(np.prod(self.image_shape_))
        # Each image's noise is keyed by the image itself: deterministic, image-independent scores.
        draws = row_keyed_normal(images.reshape(n, -1).cpu().numpy(), k * d, self._score_seed_)
        normal = torch.as_tensor(draws.reshape(k, d, n).transpose(0, 2, 1), device=images.device)
        return module.log_prob(images, timesteps, normal.reshape(k, *images.shape), context)

    # ----------------------------------------------------------- sampling
    def _module_sample(self, module, n_samples, generator, context=None):
        # Many U-Net passes: the trained float32 module (its averaged weights
        # in eval mode) is several times faster than the float64 copy.
        trained = self.net_.module_
        trained.eval()
        if context is not None:
            context = context.to(trained.denoiser.out.weight.device)
        timesteps = strided_timesteps(self.n_steps, self.n_sampling_steps)
        return trained.sample(
            n_samples, generator, timesteps, self.image_shape_, context, self.guidance_scale
        ).double()

    # ---------------------------------------------------------- transform
    def _transform(self, data):
        return self._run(lambda module, x: module.embed(x), data)
