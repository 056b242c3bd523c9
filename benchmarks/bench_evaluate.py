"""Time ``skgen evaluate`` (the metrics, the figures and the HTML report) on a 10,000 x 20 mixed table.

Run: ``OMP_NUM_THREADS=1 python benchmarks/bench_evaluate.py [--rows 10000]``.
Prints a markdown table. The real table is drawn from a fixed random
distribution with correlated continuous, integer, categorical and boolean
columns and missing values; the "synthetic" table is an independent draw
from a slightly perturbed version of it, so every metric has work to do.
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time

import numpy as np
import pandas as pd


def mixed_table(n_rows, seed, shift=0.0):
    rng = np.random.default_rng(seed)
    latent = rng.normal(size=(n_rows, 4))
    mixing = np.random.default_rng(123).normal(size=(4, 12))
    table = {}
    continuous = latent @ mixing + rng.normal(scale=0.5, size=(n_rows, 12)) + shift
    for j in range(12):
        table[f"num_{j}"] = continuous[:, j] if j % 3 else np.exp(continuous[:, j] / 4)
    table["count_0"] = rng.poisson(np.exp(1 + 0.3 * latent[:, 0]))
    table["count_1"] = rng.integers(18, 90, size=n_rows)
    for j in range(5):
        n_levels = (3, 5, 8, 12, 30)[j]
        logits = latent[:, j % 4, None] * np.linspace(-1, 1, n_levels)
        gumbel = rng.gumbel(size=(n_rows, n_levels))
        table[f"cat_{j}"] = pd.Categorical([f"L{k}" for k in np.argmax(logits + gumbel, axis=1)])
    table["flag"] = latent[:, 1] + rng.normal(size=n_rows) > shift
    frame = pd.DataFrame(table)
    frame.loc[rng.random(n_rows) < 0.05, "num_1"] = np.nan
    frame.loc[rng.random(n_rows) < 0.03, "cat_1"] = np.nan
    return frame


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args()
    rows = []
    # Use this checkout's skgen even when it is not installed.
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = dict(
        os.environ, PYTHONPATH=os.pathsep.join(filter(None, [root, os.environ.get("PYTHONPATH")]))
    )
    with tempfile.TemporaryDirectory() as folder:
        paths = {
            name: os.path.join(folder, f"{name}.csv") for name in ("real", "synthetic", "train")
        }
        mixed_table(args.rows, 0).to_csv(paths["real"], index=False)
        mixed_table(args.rows, 1, shift=0.1).to_csv(paths["synthetic"], index=False)
        mixed_table(args.rows, 2).to_csv(paths["train"], index=False)
        report_path = os.path.join(folder, "report.html")
        for extra in ([], ["--train", "train.csv"]):
            command = [
                "evaluate",
                "real.csv",
                "synthetic.csv",
                "--target",
                "flag",
                *extra,
                "-o",
                "report.html",
            ]
            start = time.perf_counter()
            done = subprocess.run(
                [sys.executable, "-m", "skgen", *command],
                capture_output=True,
                text=True,
                cwd=folder,
                env=env,
            )
            seconds = time.perf_counter() - start
            if done.returncode != 0:
                sys.exit(done.stderr)
            rows.append(
                (" ".join(["skgen", *command]), seconds, os.path.getsize(report_path) / 1024)
            )
    print("| table | command | wall time (s) | report size (KiB) |")
    print("|---|---|---|---|")
    for command, seconds, size_kb in rows:
        print(
            f"| {args.rows:,} x 20 mixed (14 numeric, 5 categorical, 1 boolean, missing values) "
            f"| `{command}` | {seconds:.1f} | {size_kb:.0f} |"
        )


if __name__ == "__main__":
    main()
