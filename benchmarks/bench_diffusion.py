"""skgen DiffusionModel against skgen VAE, ctgan's TVAE and CTGAN on mixed-type tables.

The tables, split, preprocessing and metrics are those of
``benchmarks/bench_vae_tvae.py`` (imported from it): ``modeldata/wa_churn``
and a subsample of ``ggplot2/diamonds``, a stratified 75/25 split, sdmetrics'
"Column Shapes" and "Column Pair Trends" of 10,000 synthetic rows against the
held-out rows, train-on-synthetic test-on-real (TSTR) accuracy and macro-F1
of a gradient-boosting classifier. Added here:

- detection: sdmetrics ``LogisticDetection`` of held-out real rows against as
  many synthetic rows (1: a logistic regression cannot tell them apart);
- seconds to sample 10,000 rows.

Every model trains for the same number of epochs, after a one-epoch warm-up
fit of each (untimed: torch's first calls in a process cost seconds). skgen VAE and TVAE run as in
the VAE benchmark (batch size 500); CTGAN with its defaults (batch size 500);
``DiffusionModel`` with its defaults (batch size 256, 1000 diffusion steps,
100 sampling steps, hidden layers (256, 256)). Run::

    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/bench_diffusion.py --epochs 30

It prints a markdown table (raw rows go to ``--output`` as CSV).
"""

import argparse
import platform
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_vae_tvae import (  # noqa: E402
    TABLES,
    as_like,
    discrete_columns,
    fit_skgen,
    fit_tvae,
    load_table,
    quality,
    tstr,
)


def fit_diffusion(train, epochs, seed, args):
    from skgen import DiffusionModel

    params = {} if args.diffusion_batch_size is None else {"batch_size": args.diffusion_batch_size}
    model = DiffusionModel(
        n_sampling_steps=args.sampling_steps,
        max_epochs=epochs,
        device="cpu",
        random_state=seed,
        **params,
    )
    start = time.perf_counter()
    model.fit(train)
    seconds = time.perf_counter() - start
    return seconds, lambda n: model.sample(n, random_state=seed)


def fit_ctgan(train, epochs, seed, args):
    from ctgan import CTGAN

    torch.manual_seed(seed)
    np.random.seed(seed)
    model = CTGAN(epochs=epochs, cuda=False)
    start = time.perf_counter()
    model.fit(train, discrete_columns=discrete_columns(train))
    seconds = time.perf_counter() - start
    return seconds, model.sample


def detection(real, synthetic, seed):
    from sdmetrics.single_table import LogisticDetection

    metadata = {
        "columns": {
            c: {"sdtype": "categorical" if c in discrete_columns(real) else "numerical"}
            for c in real.columns
        }
    }
    synthetic = synthetic.sample(min(len(real), len(synthetic)), random_state=seed)
    return float(LogisticDetection.compute(real, synthetic, metadata))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tables", nargs="+", default=list(TABLES), choices=list(TABLES))
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--max-rows", type=int, default=27_000)
    parser.add_argument("--n-synthetic", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument(
        "--models", nargs="+", default=["DiffusionModel", "skgen VAE", "TVAE", "CTGAN"]
    )
    parser.add_argument("--sampling-steps", type=int, default=100)
    parser.add_argument("--diffusion-batch-size", type=int, default=None, help="default: its own")
    # The VAE benchmark's settings of skgen VAE (read by its fit_skgen).
    parser.add_argument("--latent", type=int, default=16)
    parser.add_argument("--hidden", type=int, nargs="+", default=[128, 128])
    parser.add_argument("--continuous", default="quantile")
    parser.add_argument("--beta", type=float, default=0.5)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--output", default=None)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore")
    fitters = {
        "DiffusionModel": fit_diffusion,
        "skgen VAE": fit_skgen,
        "TVAE": fit_tvae,
        "CTGAN": fit_ctgan,
    }

    rows, seed = [], args.seed
    # Warm-up: torch's first calls in a process cost seconds; keep them out of the timings.
    warm_train = load_table(args.tables[0], args.max_rows, seed)[0].head(500)
    for name in args.models:
        fitters[name](warm_train, 1, seed, args)[1](10)
    for table in args.tables:
        train, test, target = load_table(table, args.max_rows, seed)
        real = train.sample(min(args.n_synthetic, len(train)), random_state=seed)
        shapes, pairs = quality(test, real)
        acc, f1 = tstr(train, test, target, seed)
        rows.append(dict(table=table, model="real data", n_train=len(train), s_per_epoch=np.nan,
                         s_sample=np.nan, shapes=shapes, pairs=pairs,
                         detection=detection(test, real, seed), accuracy=acc, f1=f1))  # fmt: skip
        for name in args.models:
            seconds, sample = fitters[name](train, args.epochs, seed, args)
            start = time.perf_counter()
            synthetic = sample(args.n_synthetic)
            s_sample = time.perf_counter() - start
            synthetic = as_like(synthetic, train)
            shapes, pairs = quality(test, synthetic)
            acc, f1 = tstr(synthetic, test, target, seed)
            rows.append(dict(table=table, model=name, n_train=len(train),
                             s_per_epoch=seconds / args.epochs, s_sample=s_sample, shapes=shapes,
                             pairs=pairs, detection=detection(test, synthetic, seed),
                             accuracy=acc, f1=f1))  # fmt: skip
            print(rows[-1], flush=True)
    results = pd.DataFrame(rows)
    if args.output:
        results.to_csv(args.output, index=False)
    print(
        f"\nepochs={args.epochs} threads={args.threads} seed={seed} "
        f"n_synthetic={args.n_synthetic} torch={torch.__version__} "
        f"cpu={platform.processor() or platform.machine()}\n"
    )
    print(
        "| table | model | train rows | fit s/epoch | sample 10k s | column shapes "
        "| column pair trends | detection | TSTR accuracy | TSTR macro-F1 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    for r in results.itertuples():
        fmt = lambda v: "–" if np.isnan(v) else f"{v:.3f}"  # noqa: E731
        print(
            f"| {r.table} | {r.model} | {r.n_train} | {fmt(r.s_per_epoch)} | {fmt(r.s_sample)} "
            f"| {r.shapes:.3f} | {r.pairs:.3f} | {r.detection:.3f} | {r.accuracy:.3f} | {r.f1:.3f} |"
        )


if __name__ == "__main__":
    main()
