"""skgen EnergyModel against a Gaussian mixture on the 2-D toy densities.

For each toy distribution of :mod:`skgen.datasets` (exact log-density
known), both models are fit on the same 2,000 rows and draw 2,000 samples.
Reported per model:

- the true mean log-density of the samples (higher: samples sit where the
  density is; the same figure for 2,000 fresh real rows is the reference,
  and exceeding it means the samples crowd into the modes), over the
  samples inside the support, and the share of samples inside it (the
  checkerboard has zero density on its white squares);
- ``skgen.metrics.detection_score`` of the samples against 2,000 held-out
  real rows (1 = a classifier cannot tell them apart);
- the Spearman correlation of ``score_samples`` with the true log-density
  on the held-out rows (the energy model's score is unnormalised, so only
  its ranking can be compared; undefined on the checkerboard, whose density
  is constant on its support), and the Gaussian mixture's normalised
  held-out log-likelihood;
- fit time in seconds and its ratio to the mixture's.

Run::

    OMP_NUM_THREADS=1 python benchmarks/bench_energy.py

and it prints a markdown table.
"""

import argparse
import platform
import time

import numpy as np
import pandas as pd
import torch
from scipy import stats

from skgen import EnergyModel, GaussianMixture
from skgen.datasets import make_toy
from skgen.metrics import detection_score

TOYS = ["gaussian_mixture", "checkerboard", "banana", "funnel"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n-samples", type=int, default=2000)
    parser.add_argument("--epochs", type=int, default=100)
    parser.add_argument("--mixture-components", type=int, default=10)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(f"python {platform.python_version()}, torch {torch.__version__}, {platform.machine()}")
    rows = []
    for name in TOYS:
        toy = make_toy(name)
        train = toy.sample(args.n_samples, random_state=0)
        test = toy.sample(args.n_samples, random_state=1)
        reference = toy.log_prob(test).mean()
        models = {
            "EnergyModel": EnergyModel(max_epochs=args.epochs, random_state=0),
            f"GaussianMixture({args.mixture_components})": GaussianMixture(
                args.mixture_components, random_state=0
            ),
        }
        times = {}
        for label, model in models.items():
            start = time.perf_counter()
            model.fit(train)
            times[label] = time.perf_counter() - start
            sample = model.sample(args.n_samples, random_state=0)
            scores = model.score_samples(test)
            truth = toy.log_prob(sample)
            inside = np.isfinite(truth)
            rows.append(
                {
                    "toy": name,
                    "model": label,
                    "true log-density of samples": truth[inside].mean(),
                    "of real rows": reference,
                    "share in support": inside.mean(),
                    "detection score": detection_score(test, sample),
                    "score vs true log-density (Spearman)": (
                        stats.spearmanr(scores, toy.log_prob(test)).statistic
                        if np.ptp(toy.log_prob(test)) > 0
                        else np.nan
                    ),
                    "held-out log-likelihood": (
                        np.nan if model.score_kind == "unnormalized" else scores.mean()
                    ),
                    "fit s": times[label],
                }
            )
        mixture = next(k for k in times if k.startswith("Gaussian"))
        for row in rows[-2:]:
            row["fit ratio (vs mixture)"] = row["fit s"] / times[mixture]
        print(pd.DataFrame(rows[-2:]).round(3).to_markdown(index=False), flush=True)
    print()
    print(pd.DataFrame(rows).round(3).to_markdown(index=False))


if __name__ == "__main__":
    main()
