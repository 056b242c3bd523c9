"""
Small-data digit classification with generated images
=====================================================

Ten labelled images per digit class (100 in all) train a classifier; the
remaining 1,697 digits test it. :class:`skgen.augmentation.AugmentedEstimator`
fits a class-conditional generator on the 100 images (one model for all ten
classes: ``ConvVAE`` and ``PixelCNN`` take the labels as context), draws
1,000 labelled images from it and trains the classifier on real and
generated images together. The same is done for three random draws of the
100 training images; the table gives the test accuracy of each variant.

Images go through the pipeline as rows of 64 pixels; ``image_shape=(8, 8)``
tells the image models their shape.

Run: ``python examples/image_augmentation.py`` (a few minutes on one CPU core).
"""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

from skgen import ConvVAE, GaussianMixture, PixelCNN
from skgen.augmentation import AugmentedEstimator

X, y = load_digits(return_X_y=True)  # rows of 64 pixels, levels 0..16


def classifier():
    return make_pipeline(StandardScaler(), LogisticRegression(C=0.1, max_iter=2000))


generators = {
    "ConvVAE": ConvVAE(n_components=8, channels=(32, 64), max_epochs=150, image_shape=(8, 8)),
    "PixelCNN": PixelCNN(channels=32, n_layers=4, max_epochs=60, image_shape=(8, 8)),
    "GaussianMixture (flattened)": GaussianMixture(n_components=1, covariance_type="diag"),
}
results = {"real images only": [], **{f"+ {name}": [] for name in generators}}
for seed in range(3):
    rng = np.random.default_rng(seed)
    train = np.concatenate(
        [rng.choice(np.flatnonzero(y == k), 10, replace=False) for k in range(10)]
    )
    test = np.setdiff1d(np.arange(len(y)), train)
    baseline = classifier().fit(X[train], y[train])
    results["real images only"].append(baseline.score(X[test], y[test]))
    for name, generator in generators.items():
        model = AugmentedEstimator(
            classifier(), generator, n_synthetic=1000, label_distribution="balanced",
            random_state=seed,
        ).fit(X[train], y[train])  # fmt: skip
        results[f"+ {name}"].append(model.score(X[test], y[test]))
    print(
        f"subset {seed}: " + ", ".join(f"{k} {v[-1]:.3f}" for k, v in results.items()), flush=True
    )

print("\ntest accuracy, 10 labelled images per class (mean and range over 3 subsets)")
for name, scores in results.items():
    print(f"  {name:<32} {np.mean(scores):.3f}  [{min(scores):.3f}, {max(scores):.3f}]")
