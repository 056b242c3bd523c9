"""skgen DiffusionModel against skgen VAE, skgen TabularGAN, ctgan's TVAE and CTGAN on mixed-type tables.

All five models run in one process, one after the other, on each table. The
tables, split, preprocessing and metrics are those of
``benchmarks/bench_vae_tvae.py`` (imported from it): ``modeldata/wa_churn``
and a subsample of ``ggplot2/diamonds``, a stratified 75/25 split, sdmetrics'
"Column Shapes" and "Column Pair Trends" of 10,000 synthetic rows against the
held-out rows, train-on-synthetic test-on-real (TSTR) accuracy and macro-F1
of a gradient-boosting classifier. Added here:

- detection: sdmetrics ``LogisticDetection`` of held-out real rows against as
  many synthetic rows (1: a logistic regression cannot tell them apart);
- seconds to sample 10,000 rows;
- seconds per epoch as wall-clock time and as CPU time of this process
  (``time.process_time``: on a shared machine the CPU time counts only the
  time the process ran), both ``fit`` (preprocessing included) divided by
  the epochs, and each model's ratio to skgen VAE's.

Every model trains for the same number of epochs, after a one-epoch warm-up
fit of each (untimed: torch's first calls in a process cost seconds). skgen VAE and TVAE run as in
the VAE benchmark (batch size 500); CTGAN with its defaults (batch size 500);
skgen TabularGAN with its defaults (batch size 500) and as many epochs of its
inference encoder (its ``fit`` time includes them); ``DiffusionModel`` with
its defaults. Run::

    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/bench_diffusion.py --epochs 10 --max-rows 10000

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


def timed(fit):
    """Wall-clock and CPU seconds of ``fit()``."""
    wall, cpu = time.perf_counter(), time.process_time()
    fit()
    return time.perf_counter() - wall, time.process_time() - cpu


def fit_diffusion(train, epochs, seed, args):
    from skgen import DiffusionModel

    params = {} if args.diffusion_batch_size is None else {"batch_size": args.diffusion_batch_size}
    if args.sampling_steps is not None:
        params["n_sampling_steps"] = args.sampling_steps
    model = DiffusionModel(max_epochs=epochs, device="cpu", random_state=seed, **params)
    return timed(lambda: model.fit(train)), lambda n: model.sample(n, random_state=seed)


def fit_tabular_gan(train, epochs, seed, args):
    from skgen import TabularGAN

    model = TabularGAN(
        max_epochs=epochs, encoder_max_epochs=epochs, device="cpu", random_state=seed
    )
    return timed(lambda: model.fit(train)), lambda n: model.sample(n, random_state=seed)


def with_cpu_time(fitter):
    """A fitter of ``bench_vae_tvae`` (it times the wall clock only), timed as the others here."""

    def fit(train, epochs, seed, args):
        result = {}
        times = timed(lambda: result.update(sample=fitter(train, epochs, seed, args)[1]))
        return times, result["sample"]

    return fit


def fit_ctgan(train, epochs, seed, args):
    from ctgan import CTGAN

    torch.manual_seed(seed)
    np.random.seed(seed)
    model = CTGAN(epochs=epochs, cuda=False)
    return timed(lambda: model.fit(train, discrete_columns=discrete_columns(train))), model.sample


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


FITTERS = {
    "DiffusionModel": fit_diffusion,
    "skgen VAE": with_cpu_time(fit_skgen),
    "skgen TabularGAN": fit_tabular_gan,
    "TVAE": with_cpu_time(fit_tvae),
    "CTGAN": fit_ctgan,
}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tables", nargs="+", default=list(TABLES), choices=list(TABLES))
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--max-rows", type=int, default=27_000)
    parser.add_argument("--n-synthetic", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--models", nargs="+", default=list(FITTERS))
    parser.add_argument("--sampling-steps", type=int, default=None, help="default: its own")
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
    fitters = FITTERS

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
                         cpu_per_epoch=np.nan, s_sample=np.nan, shapes=shapes, pairs=pairs,
                         detection=detection(test, real, seed), accuracy=acc, f1=f1))  # fmt: skip
        for name in args.models:
            (wall, cpu), sample = fitters[name](train, args.epochs, seed, args)
            start = time.perf_counter()
            synthetic = sample(args.n_synthetic)
            s_sample = time.perf_counter() - start
            synthetic = as_like(synthetic, train)
            shapes, pairs = quality(test, synthetic)
            acc, f1 = tstr(synthetic, test, target, seed)
            rows.append(dict(table=table, model=name, n_train=len(train),
                             s_per_epoch=wall / args.epochs, cpu_per_epoch=cpu / args.epochs,
                             s_sample=s_sample, shapes=shapes, pairs=pairs,
                             detection=detection(test, synthetic, seed), accuracy=acc, f1=f1))  # fmt: skip
            print(rows[-1], flush=True)
    results = pd.DataFrame(rows)
    # Training time per epoch relative to skgen VAE's on the same table, in this run.
    for column in ("s_per_epoch", "cpu_per_epoch"):
        vae = results[results.model == "skgen VAE"].set_index("table")[column]
        results[f"{column}_to_vae"] = results[column] / results.table.map(vae)
    if args.output:
        results.to_csv(args.output, index=False)
    print(
        f"\nepochs={args.epochs} threads={args.threads} seed={seed} "
        f"n_synthetic={args.n_synthetic} torch={torch.__version__} "
        f"cpu={platform.processor() or platform.machine()}\n"
    )
    print(
        "| table | model | fit s/epoch (x VAE) | fit CPU s/epoch (x VAE) | sample 10k s "
        "| column shapes | column pair trends | detection | TSTR accuracy | TSTR macro-F1 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|")
    fmt = lambda v: "–" if np.isnan(v) else f"{v:.3f}"  # noqa: E731
    ratio = lambda v, r: "–" if np.isnan(v) else f"{v:.3f} ({r:.2f}x)"  # noqa: E731
    for r in results.itertuples():
        print(
            f"| {r.table} | {r.model} | {ratio(r.s_per_epoch, r.s_per_epoch_to_vae)} "
            f"| {ratio(r.cpu_per_epoch, r.cpu_per_epoch_to_vae)} | {fmt(r.s_sample)} "
            f"| {r.shapes:.3f} | {r.pairs:.3f} | {r.detection:.3f} | {r.accuracy:.3f} | {r.f1:.3f} |"
        )


if __name__ == "__main__":
    main()
