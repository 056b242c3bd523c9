"""skgen's exact-likelihood flows (RealNVP, MAF, Glow, MADE) against the truth and their peers.

Sections (``--sections``, all by default), each printing a markdown table:

- ``truth``: on toy distributions of :mod:`skgen.datasets` with an exact
  log-density (2-D: banana, gaussian_mixture, checkerboard; 8-D: funnel),
  every flow and ``GaussianMixture(50)`` are fit on the same training rows;
  the held-out mean log-likelihood is compared with the true expected
  log-density of the same rows (the best any model can do): the gap per
  dimension, in nats.
- ``zuko``: skgen's MAF and RealNVP (affine) and spline MAF against zuko's
  MAF, RealNVP and NSF with the same number of transforms, bins, hidden
  sizes, epochs, batch size, learning rate, schedule and optimiser (Adam),
  on the same standardised rows: held-out log-likelihood and seconds per
  epoch (after a one-epoch warm-up fit of each, so that lazy imports and
  first calls are not counted as training); ``--seeds`` fits both libraries
  with each seed in the same run and prints a summary over the seeds.
- ``digits``: scikit-learn's digits as 8x8 images, dequantised (pixel + U[0, 1)),
  scored in bits per dimension: MAF and MADE on the flattened pixels against
  a GaussianMixture and a KernelDensity tuned on a validation split (MAF's
  options, affine or spline layers with or without batch norm, are chosen on
  the same split); Glow and
  RealNVP on the images (multi-scale, convolutional) against the same model
  on the flattened pixels.
- ``speed``: sampling and scoring 100,000 rows of the 8-D funnel against the
  time to fit ``GaussianMixture(50)`` on the same training rows.

Run::

    OMP_NUM_THREADS=1 PYTHONPATH=. /work/venv-bench/bin/python benchmarks/bench_flows.py
"""

import argparse
import platform
import time

import numpy as np
import torch
from skorch.callbacks import LRScheduler
from torch.optim.lr_scheduler import CosineAnnealingLR

from skgen import MADE, MAF, GaussianMixture, Glow, KernelDensity, RealNVP
from skgen.datasets import make_toy

TOYS = [
    ("banana", {}),
    ("gaussian_mixture", {}),
    ("checkerboard", {}),
    ("funnel", {"n_features": 8}),
]
DIGITS_SPLIT = (1200, 300)  # train, validation; the remaining 297 images are the test set


def _schedule(epochs, schedule):
    """skorch callbacks for the learning-rate schedule (cosine: from lr down to 0 over the epochs)."""
    if schedule != "cosine":
        return None
    return [LRScheduler(CosineAnnealingLR, T_max=epochs)]


def flows(epochs, batch_size=256, lr=1e-3, schedule="none", n_bins=8, n_mixture_components=10):
    def training():
        return {
            "max_epochs": epochs, "batch_size": batch_size, "lr": lr, "random_state": 0,
            "callbacks": _schedule(epochs, schedule),
        }  # fmt: skip

    spline = {"elementwise": "spline", "n_bins": n_bins}
    return {
        "RealNVP": RealNVP(n_transforms=8, hidden_layer_sizes=(64, 64), **training()),
        "MAF": MAF(n_transforms=5, hidden_layer_sizes=(64, 64), **training()),
        "Glow": Glow(n_transforms=6, hidden_layer_sizes=(64, 64), **training()),
        "MADE": MADE(
            hidden_layer_sizes=(128, 128),
            n_mixture_components=n_mixture_components,
            **training(),
        ),
        "MAF spline": MAF(n_transforms=5, hidden_layer_sizes=(64, 64), **spline, **training()),
        "RealNVP spline": RealNVP(
            n_transforms=8, hidden_layer_sizes=(64, 64), **spline, **training()
        ),
    }


def timed(fn):
    start = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - start


# --------------------------------------------------------------------- truth
def truth_section(args):
    print("\n### Against the truth (held-out log-likelihood, nats)\n")
    print(
        f"{args.n_train} training rows, {args.n_test} test rows, {args.epochs} epochs, batch 256, "
        f"lr {args.lr}, schedule {args.schedule}, {args.n_bins} spline bins, MADE "
        f"{args.n_mixture_components} components.\n"
    )
    print("| toy | D | model | test LL | true E log p | gap per dim | fit s |")
    print("|:---|---:|:---|---:|---:|---:|---:|")
    fitted = {}
    for name, params in TOYS:
        if args.toys and name not in args.toys:
            continue
        toy = make_toy(name, **params)
        train = toy.sample(args.n_train, random_state=0)
        test = toy.sample(args.n_test, random_state=1)
        truth = float(np.mean(toy.log_prob(test)))
        d = train.shape[1]
        models = {
            **flows(
                args.epochs,
                lr=args.lr,
                schedule=args.schedule,
                n_bins=args.n_bins,
                n_mixture_components=args.n_mixture_components,
            ),  # fmt: skip
            "GaussianMixture(50)": GaussianMixture(50, random_state=0),
        }
        for label, model in models.items():
            if args.models and label not in args.models:
                continue
            _, seconds = timed(lambda m=model, X=train: m.fit(X))
            ll = float(np.mean(model.score_samples(test)))
            print(
                f"| {name} | {d} | {label} | {ll:.3f} | {truth:.3f} | {(truth - ll) / d:.4f} "
                f"| {seconds:.1f} |",
                flush=True,
            )
            fitted[name, label] = model
    return fitted


# ---------------------------------------------------------------------- zuko
ZUKO_PAIRS = (
    # (label, skgen class, its parameters, zuko flow, its parameters)
    ("MAF", MAF, {"n_transforms": 5}, "MAF", {"transforms": 5}),
    ("RealNVP", RealNVP, {"n_transforms": 8}, "RealNVP", {"transforms": 8}),
    (
        "MAF spline / NSF",
        MAF,
        {"n_transforms": 5, "elementwise": "spline", "n_bins": 8},
        "NSF",
        {"transforms": 5, "bins": 8},
    ),
)


def zuko_section(args):
    import zuko

    epochs = args.zuko_epochs
    print("\n### Against zuko (same transforms, hidden sizes, epochs, batch, lr, schedule)\n")
    print(
        f"{epochs} epochs, batch 256, lr {args.lr}, schedule {args.schedule}, seeds {args.seeds}.\n"
    )
    print("| data | flow | library | seed | test LL | s/epoch |")
    print("|:---|:---|:---|---:|---:|---:|")
    warm = make_toy("banana").sample(256, random_state=0)
    summary = []
    for name, params in [("banana", {}), ("funnel", {"n_features": 8})]:
        if args.toys and name not in args.toys:
            continue
        toy = make_toy(name, **params)
        train = toy.sample(args.n_train, random_state=0)
        test = toy.sample(args.n_test, random_state=1)
        mean, std = train.mean(0), train.std(0)
        jacobian = -np.log(std).sum()  # zuko fits standardised rows: scores back in data space
        d = train.shape[1]
        for label, ours_class, ours_params, theirs, their_params in ZUKO_PAIRS:
            if args.models and label not in args.models:
                continue

            def make_ours(n_epochs, seed, ours_class=ours_class, ours_params=ours_params):
                return ours_class(
                    **ours_params, hidden_layer_sizes=(64, 64), max_epochs=n_epochs,
                    batch_size=256, lr=args.lr, random_state=seed,
                    callbacks=_schedule(n_epochs, args.schedule),
                )  # fmt: skip

            def make_theirs(features, seed, theirs=theirs, their_params=their_params):
                torch.manual_seed(seed)
                return getattr(zuko.flows, theirs)(
                    features, **their_params, hidden_features=(64, 64)
                )

            # One-epoch warm-up fits first: lazy imports and first calls are not training.
            make_ours(1, 0).fit(warm)
            _train_zuko(make_theirs(2, 0), warm, warm, 1, args.lr, args.schedule)
            results = {"skgen": [], "zuko": []}
            for seed in args.seeds:
                ours = make_ours(epochs, seed)
                _, seconds = timed(lambda m=ours, X=train: m.fit(X))
                ll = float(np.mean(ours.score_samples(test)))
                results["skgen"].append((ll, seconds / epochs))
                ll, seconds = _train_zuko(
                    make_theirs(d, seed), (train - mean) / std, (test - mean) / std, epochs,
                    args.lr, args.schedule, seed=seed,
                )  # fmt: skip
                results["zuko"].append((ll + jacobian, seconds / epochs))
                for library, rows in results.items():
                    ll, per_epoch = rows[-1]
                    print(
                        f"| {name} | {label} | {library} | {seed} | {ll:.3f} | {per_epoch:.3f} |",
                        flush=True,
                    )
            for library, rows in results.items():
                lls, times = np.array(rows).T
                summary.append(
                    f"| {name} | {label} | {library} | {lls.mean():.3f} | {lls.std():.3f} "
                    f"| {lls.min():.3f} | {lls.max():.3f} | {times.mean():.3f} |"
                )
    print(f"\nOver seeds {args.seeds}:\n")
    print("| data | flow | library | mean LL | std | min | max | mean s/epoch |")
    print("|:---|:---|:---|---:|---:|---:|---:|---:|")
    print("\n".join(summary))


def _train_zuko(flow, train, test, epochs, lr, schedule, batch_size=256, seed=0):
    """The plain training loop of zuko's documentation: Adam on the mean negative log-likelihood
    (with the same per-epoch cosine schedule as skgen's when asked)."""
    x = torch.as_tensor(train, dtype=torch.float32)
    optimizer = torch.optim.Adam(flow.parameters(), lr=lr)
    scheduler = CosineAnnealingLR(optimizer, T_max=epochs) if schedule == "cosine" else None
    generator = torch.Generator().manual_seed(seed)
    start = time.perf_counter()
    for _ in range(epochs):
        for batch in torch.randperm(len(x), generator=generator).split(batch_size):
            loss = -flow().log_prob(x[batch]).mean()
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
        if scheduler is not None:
            scheduler.step()
    seconds = time.perf_counter() - start
    with torch.no_grad():
        ll = flow().log_prob(torch.as_tensor(test, dtype=torch.float32)).mean().item()
    return ll, seconds


# -------------------------------------------------------------------- digits
def _dequantise(pixels):
    from skgen.utils import seed_from
    from skgen.utils._noise import row_keyed_uniform

    return pixels + row_keyed_uniform(pixels, pixels.shape[1], seed_from(0)).T


def _bits_per_dim(model, X):
    return -float(np.mean(model.score_samples(X))) / (64 * np.log(2))


def digits_section(args):
    from sklearn.datasets import load_digits

    images = load_digits().images
    order = np.random.default_rng(0).permutation(len(images))
    n_train, n_valid = DIGITS_SPLIT
    train, valid, test = np.split(images[order], [n_train, n_train + n_valid])
    # Flattened rows as a table, dequantised with the very noise the image codec adds to
    # the 8x8 images of a model fit with random_state=0: every model scores the same values.
    rows = {
        k: _dequantise(v.reshape(len(v), 64))
        for k, v in (("train", train), ("valid", valid), ("test", test))
    }
    print("\n### load_digits, dequantised: test bits per dimension (lower is better)\n")
    print(
        f"{n_train} training, {n_valid} validation, {len(test)} test images; {args.digits_epochs} epochs.\n"
    )
    print("| model | input | bits/dim | fit s | tuned on validation |")
    print("|:---|:---|---:|---:|:---|")
    if args.models and "GaussianMixture" not in args.models:
        return _digits_flows(args, train, valid, test, rows)
    best = None
    for n in (10, 20, 40, 80):
        for cov in ("full", "diag"):
            gm = GaussianMixture(n, covariance_type=cov, reg_covar=1e-3, random_state=0)
            gm.fit(rows["train"])
            score = _bits_per_dim(gm, rows["valid"])
            if best is None or score < best[0]:
                best = (score, n, cov)
    gm_valid, n, cov = best
    gm = GaussianMixture(n, covariance_type=cov, reg_covar=1e-3, random_state=0)
    _, seconds = timed(lambda: gm.fit(np.concatenate([rows["train"], rows["valid"]])))
    print(
        f"| GaussianMixture | pixels | {_bits_per_dim(gm, rows['test']):.3f} | {seconds:.1f} | n_components={n}, {cov}; validation {gm_valid:.3f} |"
    )
    best = None
    for bandwidth in (0.5, 1.0, 1.5, 2.0, 2.5, 3.0):
        kde = KernelDensity(bandwidth=bandwidth).fit(rows["train"])
        score = _bits_per_dim(kde, rows["valid"])
        if best is None or score < best[0]:
            best = (score, bandwidth)
    kde = KernelDensity(bandwidth=best[1])
    _, seconds = timed(lambda: kde.fit(np.concatenate([rows["train"], rows["valid"]])))
    print(
        f"| KernelDensity | pixels | {_bits_per_dim(kde, rows['test']):.3f} | {seconds:.1f} | bandwidth={best[1]}; validation {best[0]:.3f} |"
    )
    _digits_flows(args, train, valid, test, rows)


def _digits_flows(args, train, valid, test, rows):
    # Early stopping on 20 % of the fitting images (patience 5) keeps each flow at its best
    # epoch: the flattened flows, with ten times the parameters, overfit 1,500 images fast.
    training = {
        "max_epochs": args.digits_epochs, "batch_size": 64, "lr": 1e-3, "random_state": 0,
        "early_stopping": True, "validation_fraction": 0.2, "n_iter_no_change": 5,
    }  # fmt: skip
    everything = np.concatenate([train, valid])
    if not args.models or "MAF" in args.models:
        _digits_maf(rows, training)
    models = [
        (
            "MADE",
            "pixels",
            MADE(hidden_layer_sizes=(256, 256), n_mixture_components=5, **training),
            rows,
        ),
        (
            "RealNVP",
            "pixels",
            RealNVP(n_transforms=6, hidden_layer_sizes=(256, 256), **training),
            rows,
        ),
        ("RealNVP", "8x8 image", RealNVP(n_transforms=3, hidden_channels=32, **training), None),
        ("Glow", "pixels", Glow(n_transforms=6, hidden_layer_sizes=(256, 256), **training), rows),
        ("Glow", "8x8 image", Glow(n_transforms=3, hidden_channels=32, **training), None),
    ]
    for label, kind, model, data in models:
        if args.models and label not in args.models:
            continue
        fit_data = everything if data is None else np.concatenate([data["train"], data["valid"]])
        _, seconds = timed(lambda m=model, X=fit_data: m.fit(X))
        test_data = test if data is None else data["test"]
        bits = _bits_per_dim(model, test_data)
        print(
            f"| {label} | {kind} | {bits:.3f} | {seconds:.1f} | {model.n_iter_} epochs |",
            flush=True,
        )


#: MAF's options tried on digits, chosen on the validation images as the mixture's are.
DIGITS_MAF_OPTIONS = {
    "affine": {},
    "affine, batch norm": {"batch_norm": True},
    "spline": {"elementwise": "spline"},
    "spline, batch norm": {"elementwise": "spline", "batch_norm": True},
}


def _digits_maf(rows, training):
    """MAF 5 layers (256, 256) with each option of DIGITS_MAF_OPTIONS: fit on the training
    images, scored on the validation ones (the choice), then refit on both and tested."""
    fit_data = np.concatenate([rows["train"], rows["valid"]])
    best = None
    for option, params in DIGITS_MAF_OPTIONS.items():

        def make(option_params=params):
            return MAF(n_transforms=5, hidden_layer_sizes=(256, 256), **option_params, **training)

        valid_bits = _bits_per_dim(make().fit(rows["train"]), rows["valid"])
        model = make()
        _, seconds = timed(lambda m=model: m.fit(fit_data))
        bits = _bits_per_dim(model, rows["test"])
        print(
            f"| MAF {option} | pixels | {bits:.3f} | {seconds:.1f} | {model.n_iter_} epochs; "
            f"validation {valid_bits:.3f} |",
            flush=True,
        )
        if best is None or valid_bits < best[0]:
            best = (valid_bits, option, bits)
    print(
        f"| MAF (tuned: {best[1]}) | pixels | {best[2]:.3f} | | chosen on validation |", flush=True
    )


# --------------------------------------------------------------------- speed
def speed_section(args, fitted):
    toy = make_toy("funnel", n_features=8)
    train = toy.sample(args.n_train, random_state=0)
    big = toy.sample(100_000, random_state=2)
    _, gm_seconds = timed(lambda: GaussianMixture(50, random_state=0).fit(train))
    print("\n### Sampling and scoring 100,000 rows (8-D funnel)\n")
    print(f"GaussianMixture(50) fit on the {args.n_train} training rows: {gm_seconds:.2f} s.\n")
    print("| model | sample 100k s | score 100k s | sample / GM fit | score / GM fit |")
    print("|:---|---:|---:|---:|---:|")
    for label in ("RealNVP", "MAF", "Glow", "MADE", "MAF spline"):
        if args.models and label not in args.models:
            continue
        model = fitted.get(("funnel", label))
        if model is None:
            model = flows(2, n_bins=args.n_bins, n_mixture_components=args.n_mixture_components)[
                label
            ].fit(train)
        _, sample_s = timed(lambda m=model: m.sample(100_000, random_state=0))
        _, score_s = timed(lambda m=model: m.score_samples(big))
        print(
            f"| {label} | {sample_s:.2f} | {score_s:.2f} | {sample_s / gm_seconds:.2f} "
            f"| {score_s / gm_seconds:.2f} |",
            flush=True,
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--sections", nargs="+", default=["truth", "zuko", "digits", "speed"])
    parser.add_argument("--n-train", type=int, default=5000)
    parser.add_argument("--n-test", type=int, default=5000)
    parser.add_argument("--epochs", type=int, default=40)
    parser.add_argument("--digits-epochs", type=int, default=60)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--schedule", choices=["none", "cosine"], default="none")
    parser.add_argument("--n-bins", type=int, default=8, help="bins of the spline flows")
    parser.add_argument("--n-mixture-components", type=int, default=10, help="MADE's mixtures")
    parser.add_argument("--zuko-epochs", type=int, default=40)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0], help="zuko: seeds of both")
    parser.add_argument("--toys", nargs="*", default=None, help="truth and zuko: only these toys")
    parser.add_argument(
        "--models", nargs="*", default=None, help="truth and digits: only these models"
    )
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"python {platform.python_version()}, torch {torch.__version__}, {platform.machine()}")
    print(f"settings: {vars(args)}")
    fitted = {}
    if "truth" in args.sections:
        fitted = truth_section(args)
    if "zuko" in args.sections:
        zuko_section(args)
    if "digits" in args.sections:
        digits_section(args)
    if "speed" in args.sections:
        speed_section(args, fitted)


if __name__ == "__main__":
    main()
