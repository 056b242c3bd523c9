"""
Latent interpolation between two digits
=======================================

Fit :class:`skgen.VAE` on scikit-learn's 8x8 digits, encode two images with
``transform`` (the posterior mean), walk along the straight line between the
codes and decode each point with ``inverse_transform``. The grid of decoded
images is saved with matplotlib (``pip install "skgen[plot]"``).

Run: ``python examples/latent_interpolation.py [output.png]`` (about 15 s on one CPU core).
"""

import sys

import numpy as np
from sklearn.datasets import load_digits

from skgen import VAE

try:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
except ImportError as exc:  # pragma: no cover - optional dependency
    raise ImportError('This example needs matplotlib: pip install "skgen[plot]"') from exc

output = sys.argv[1] if len(sys.argv) > 1 else "latent_interpolation.png"
digits = load_digits()
X, y = digits.data, digits.target

vae = VAE(n_components=8, hidden_layer_sizes=(256, 128), batch_size=64, lr=2e-3,
          max_epochs=150, random_state=0).fit(X)

pairs = [(0, 6), (1, 7), (3, 8), (4, 9)]
n_steps = 9
fig, axes = plt.subplots(len(pairs), n_steps, figsize=(n_steps, len(pairs)))
for row, (a, b) in enumerate(pairs):
    start, end = X[y == a][0], X[y == b][0]
    codes = vae.transform(np.vstack([start, end]))
    weights = np.linspace(0.0, 1.0, n_steps)[:, None]
    path = (1 - weights) * codes[0] + weights * codes[1]
    images = np.clip(vae.inverse_transform(path), 0, 16)
    for col, image in enumerate(images):
        axes[row, col].imshow(image.reshape(8, 8), cmap="gray_r", vmin=0, vmax=16)
        axes[row, col].axis("off")
    axes[row, 0].set_title(f"{a} to {b}", fontsize=8, loc="left")
fig.suptitle("VAE latent interpolation on scikit-learn digits")
fig.savefig(output, dpi=100, bbox_inches="tight")
print(f"mean log-likelihood bound on the training images: {vae.score(X):.1f}; saved {output}")
