"""skgen TabularGAN against CTGAN (ctgan) on mixed-type tables: speed, memory, quality, conditions.

The tables, split, quality report and TSTR task are those of
``bench_vae_tvae.py`` (imported from it); skgen's VAE runs beside them as the
reference a user would pick otherwise. Each (table, model) is fit in a
subprocess of its own, so its peak resident memory (``ru_maxrss``) is its
own. Both GANs use CTGAN's defaults: batch 500, pac 10, latent 128, layers
(256, 256), learning rate 2e-4, one critic step per generator step, the same
number of epochs. Reported per model:

- adversarial training seconds per epoch (skgen: the epochs in ``history``;
  CTGAN: its loop over epochs, timed by standing in for its progress bar),
  and whole-fit seconds (preprocessing, and for skgen the
  inference encoder and the observation noise, included);
- peak resident memory of the fitting process, and its growth during ``fit``;
- sdmetrics ``QualityReport`` shapes / pair trends, TSTR accuracy and macro-F1;
- the cost of 1,000 rows with a rare category (the category of a discrete
  column whose frequency is closest to 2 %) relative to 1,000 unconditional
  rows: skgen feeds the condition vector (every row meets it); CTGAN's
  ``sample(condition_column=...)`` feeds its condition vector too but does
  not guarantee the value, so its share of rows meeting it is reported, and
  the cost of 1,000 rows that all meet it by rejecting the others (what SDV's
  ``sample_from_conditions`` does on top of it).

``--skgen-params`` passes other ``TabularGAN`` parameters (JSON), e.g. the
learning rates compared in docs/benchmarks.md.

Run (bench extra)::

    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/bench_tabular_gan.py --epochs 10
    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/bench_tabular_gan.py --seeds 0 1 2 --repeats 2
    OMP_NUM_THREADS=1 PYTHONPATH=. python benchmarks/bench_tabular_gan.py --profile

and it prints a markdown table (raw rows as JSON lines on stderr). With
``--seeds``, each seed draws its own split (and subsample) and fits; the
quality figures are the means over seeds (each seed's are printed too), the
timings the fastest run, the memory the highest peak.
"""

import argparse
import itertools
import json
import platform
import resource
import subprocess
import sys
import time
import warnings

import numpy as np
import pandas as pd
import torch
from bench_vae_tvae import TABLES, as_like, discrete_columns, load_table, quality, tstr

MODELS = ("skgen TabularGAN", "CTGAN", "skgen VAE")


def _max_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rare_condition(train, target):
    """The (column, category) of a discrete column (not the target) closest to 2 % frequency."""
    best = None
    for column in discrete_columns(train):
        if column == target:
            continue
        for category, share in train[column].value_counts(normalize=True).items():
            if best is None or abs(share - 0.02) < abs(best[2] - 0.02):
                best = (column, category, float(share))
    return best


def _median_seconds(fn, repeats=5):
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def _epoch_cpu_clock():
    """A skorch callback that records each epoch's CPU seconds (``time.process_time``)."""
    from skorch.callbacks import Callback

    class EpochCPU(Callback):
        def on_epoch_begin(self, net, **kwargs):
            self.start_ = time.process_time()

        def on_epoch_end(self, net, **kwargs):
            net.history.record("cpu", time.process_time() - self.start_)

    return EpochCPU()


def fit_skgen_gan(train, args):
    from skgen import TabularGAN

    model = TabularGAN(
        batch_size=args.batch_size,
        max_epochs=args.epochs,
        encoder_max_epochs=args.encoder_epochs,
        device="cpu",
        random_state=args.seed,
        callbacks=[_epoch_cpu_clock()],
        **json.loads(args.skgen_params),
    )
    start = time.perf_counter()
    model.fit(train)
    fit_seconds = time.perf_counter() - start
    history = model.net_.history
    epoch_seconds = float(np.sum(history[:, "dur"])) / args.epochs
    return model, fit_seconds, epoch_seconds, float(np.sum(history[:, "cpu"])) / args.epochs


def fit_skgen_vae(train, args):
    from skgen import VAE

    # As in bench_vae_tvae.py.
    model = VAE(
        beta=0.5,
        batch_size=args.batch_size,
        lr=2e-3,
        max_epochs=args.epochs,
        device="cpu",
        random_state=args.seed,
        callbacks=[_epoch_cpu_clock()],
    )
    start = time.perf_counter()
    model.fit(train)
    fit_seconds = time.perf_counter() - start
    history = model.net_.history
    epoch_seconds = float(np.sum(history[:, "dur"])) / args.epochs
    return model, fit_seconds, epoch_seconds, float(np.sum(history[:, "cpu"])) / args.epochs


class _EpochClock:
    """Stands in for ctgan's ``tqdm`` over epochs: records when each epoch starts and the loop ends."""

    last = None

    def __init__(self, iterable, disable=True):
        self.iterable = iterable
        self.stamps = []
        self.cpu_stamps = []
        _EpochClock.last = self

    def __iter__(self):
        for item in self.iterable:
            self.stamps.append(time.perf_counter())
            self.cpu_stamps.append(time.process_time())
            yield item
        self.stamps.append(time.perf_counter())
        self.cpu_stamps.append(time.process_time())

    def set_description(self, *args, **kwargs):
        pass


def fit_ctgan(train, args):
    import ctgan.synthesizers.ctgan as ctgan_module

    ctgan_module.tqdm = _EpochClock  # time the training loop alone
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    model = ctgan_module.CTGAN(epochs=args.epochs, batch_size=args.batch_size, cuda=False)
    start = time.perf_counter()
    model.fit(train, discrete_columns=discrete_columns(train))
    fit_seconds = time.perf_counter() - start
    stamps, cpu = _EpochClock.last.stamps, _EpochClock.last.cpu_stamps
    return (
        model,
        fit_seconds,
        (stamps[-1] - stamps[0]) / args.epochs,
        (cpu[-1] - cpu[0]) / args.epochs,
    )


def worker(args):
    warnings.filterwarnings("ignore")
    torch.set_num_threads(1)
    train, test, target = load_table(args.table, args.max_rows, args.seed)
    rss_before = _max_rss_mb()
    fitter = {"skgen TabularGAN": fit_skgen_gan, "CTGAN": fit_ctgan, "skgen VAE": fit_skgen_vae}
    model, fit_seconds, epoch_seconds, epoch_cpu_seconds = fitter[args.model](train, args)
    rss_fit = _max_rss_mb()
    column, category, share = rare_condition(train, target)
    n = 1000
    if args.model == "CTGAN":
        unconditional = _median_seconds(lambda: model.sample(n))
        conditional = _median_seconds(
            lambda: model.sample(n, condition_column=column, condition_value=category)
        )
        drawn = model.sample(n, condition_column=column, condition_value=category)
        meeting = float((drawn[column].astype(str) == str(category)).mean())

        def rejection():
            kept = 0
            while kept < n:
                rows = model.sample(n, condition_column=column, condition_value=category)
                kept += int((rows[column].astype(str) == str(category)).sum())

        exact = _median_seconds(rejection, repeats=3)
        sample = model.sample
    else:
        unconditional = _median_seconds(lambda: model.sample(n))
        if args.model == "skgen TabularGAN":
            exact = conditional = _median_seconds(
                lambda: model.sample(n, conditions={column: category})
            )
            drawn = model.sample(n, conditions={column: category})
            meeting = float((drawn[column].astype(str) == str(category)).mean())
        else:  # the VAE rejection-samples conditions
            exact = conditional = _median_seconds(
                lambda: model.sample(n, conditions={column: category}), repeats=3
            )
            meeting = 1.0

        def sample(size):
            return model.sample(size, random_state=args.seed)

    synthetic = as_like(sample(args.n_synthetic), train)
    shapes, pairs = quality(test, synthetic)
    accuracy, f1 = tstr(synthetic, test, target, args.seed)
    row = dict(
        table=args.table,
        model=args.model,
        seed=args.seed,
        n_train=len(train),
        epochs=args.epochs,
        fit_s=fit_seconds,
        epoch_s=epoch_seconds,
        epoch_cpu_s=epoch_cpu_seconds,
        peak_rss_mb=rss_fit,
        fit_rss_growth_mb=rss_fit - rss_before,
        shapes=shapes,
        pairs=pairs,
        accuracy=accuracy,
        f1=f1,
        condition=f"{column}={category}",
        condition_share=share,
        sample_s=unconditional,
        conditional_s=conditional,
        exact_s=exact,
        meeting=meeting,
    )
    print(json.dumps(row))


def profile(args):
    """Where skgen's training time goes, on each table.

    torch's operator profile of two adversarial epochs (after a first one),
    and a cProfile of a short whole fit (its phases: encoding, epochs,
    inference encoder, observation noise).
    """
    import cProfile
    import pstats

    from torch.profiler import ProfilerActivity
    from torch.profiler import profile as torch_profile

    from skgen import TabularGAN

    torch.set_num_threads(1)
    for table in args.tables:
        train, _, _ = load_table(table, args.max_rows, args.seed)
        model = TabularGAN(
            batch_size=args.batch_size, max_epochs=1, encoder_max_epochs=1, device="cpu"
        ).fit(train)
        X = model._net_input(model._validate_input(train), np.float32)
        with torch_profile(activities=[ProfilerActivity.CPU]) as prof:
            model.net_.partial_fit(X, epochs=2)
        print(f"\n{table}: operators of 2 adversarial epochs")
        print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=20))

    train, _, _ = load_table("wa_churn", args.max_rows, args.seed)
    model = TabularGAN(
        batch_size=args.batch_size, max_epochs=3, encoder_max_epochs=1, device="cpu", random_state=0
    )
    profiler = cProfile.Profile()
    profiler.enable()
    model.fit(train)
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("tottime").print_stats(12)
    # The phases of fit: encoding, adversarial epochs, encoder, observation noise.
    phases = (
        "_encoder.py.*\\(fit\\)|net.py.*partial_fit|_fit_noise|run_single_epoch"
        "|gumbel_softmax|critic_loss|generator_loss|generate|plan|draw|input_gradient"
    )
    stats.sort_stats("cumulative").print_stats(phases)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tables", nargs="+", default=list(TABLES), choices=list(TABLES))
    parser.add_argument("--models", nargs="+", default=list(MODELS), choices=list(MODELS))
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--encoder-epochs", type=int, default=10)
    parser.add_argument("--batch-size", type=int, default=500)
    parser.add_argument("--max-rows", type=int, default=27_000)
    parser.add_argument("--n-synthetic", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument(
        "--seeds",
        type=int,
        nargs="+",
        help="several seeds: quality is their mean (default: --seed)",
    )
    parser.add_argument("--repeats", type=int, default=1, help="timings: minimum over repeats")
    parser.add_argument(
        "--skgen-params",
        default="{}",
        help='other TabularGAN parameters, as JSON (e.g. \'{"critic_dropout": 0.5}\')',
    )
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--table", help=argparse.SUPPRESS)
    parser.add_argument("--model", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.profile:
        return profile(args)
    if args.model:
        return worker(args)

    rows = []
    seeds = args.seeds or [args.seed]
    # Repeats run the models in turn, so that each meets the same spells of load
    # from other jobs on a shared machine; timings are the minimum over repeats and seeds.
    for repeat in range(args.repeats):
        for seed, table, model in itertools.product(seeds, args.tables, args.models):
            command = [
                sys.executable,
                __file__,
                "--table",
                table,
                "--model",
                model,
                "--epochs",
                str(args.epochs),
                "--encoder-epochs",
                str(args.encoder_epochs),
                "--batch-size",
                str(args.batch_size),
                "--max-rows",
                str(args.max_rows),
                "--n-synthetic",
                str(args.n_synthetic),
                "--seed",
                str(seed),
                "--skgen-params",
                args.skgen_params,
            ]
            done = subprocess.run(command, capture_output=True, text=True, check=True)
            rows.append({**json.loads(done.stdout.strip().splitlines()[-1]), "repeat": repeat})
            print(json.dumps(rows[-1]), file=sys.stderr, flush=True)
    every = pd.DataFrame(rows)
    # Same seed, same figures in every repeat but the timings (and memory, to a few MB).
    first = every[every.repeat == 0]
    keys = ["table", "model"]
    timings = ["fit_s", "epoch_s", "epoch_cpu_s", "sample_s", "conditional_s", "exact_s"]
    scores = ["shapes", "pairs", "accuracy", "f1", "meeting"]
    results = first[first.seed == seeds[0]].reset_index(drop=True)
    index = list(zip(results.table, results.model))
    # Timings: the fastest run; memory: the highest peak; quality: the mean over seeds.
    results[timings] = every.groupby(keys, sort=False)[timings].min().loc[index].to_numpy()
    memory = ["peak_rss_mb", "fit_rss_growth_mb"]
    results[memory] = every.groupby(keys, sort=False)[memory].max().loc[index].to_numpy()
    results[scores] = first.groupby(keys, sort=False)[scores].mean().loc[index].to_numpy()
    if len(seeds) > 1:
        print(
            "\nper seed (" + ", ".join(map(str, seeds)) + "): shapes / pairs / accuracy / macro-F1"
        )
        for (table, model), group in first.groupby(keys, sort=False):
            per_seed = " | ".join(
                " / ".join(f"{v:.3f}" for v in group[score]) for score in scores[:4]
            )
            print(f"| {table} | {model} | {per_seed} |")
    print(
        f"\nepochs={args.epochs} encoder_epochs={args.encoder_epochs} seeds={seeds} "
        f"repeats={args.repeats} "
        f"batch={args.batch_size} torch={torch.__version__} "
        f"cpu={platform.processor() or platform.machine()}\n"
    )
    print(
        "| table | model | adversarial s/epoch | ratio to CTGAN | CPU s/epoch | CPU ratio to CTGAN "
        "| whole fit s | peak RSS MB (fit growth) "
        "| column shapes | column pair trends | TSTR accuracy | TSTR macro-F1 |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    for (table, model), r in results.set_index(["table", "model"]).iterrows():
        ctgan = results[(results.table == table) & (results.model == "CTGAN")]
        ratio = r.epoch_s / float(ctgan.epoch_s.iloc[0]) if len(ctgan) else np.nan
        cpu_ratio = r.epoch_cpu_s / float(ctgan.epoch_cpu_s.iloc[0]) if len(ctgan) else np.nan
        print(
            f"| {table} | {model} | {r.epoch_s:.3f} | {ratio:.2f} | {r.epoch_cpu_s:.3f} "
            f"| {cpu_ratio:.2f} | {r.fit_s:.1f} "
            f"| {r.peak_rss_mb:.0f} ({r.fit_rss_growth_mb:.0f}) | {r.shapes:.3f} | {r.pairs:.3f} "
            f"| {r.accuracy:.3f} | {r.f1:.3f} |"
        )
    print(
        "\n| table | model | condition (share) | sample(1000) s | conditional s (share meeting it) "
        "| 1000 exact rows s | exact / unconditional |"
    )
    print("|---|---|---|---|---|---|---|")
    for _, r in results.iterrows():
        print(
            f"| {r.table} | {r.model} | {r.condition} ({r.condition_share:.3f}) | {r.sample_s:.3f} "
            f"| {r.conditional_s:.3f} ({r.meeting:.3f}) | {r.exact_s:.3f} "
            f"| {r.exact_s / r.sample_s:.2f} |"
        )


if __name__ == "__main__":
    main()
