"""skgen BernoulliRBM against scikit-learn's BernoulliRBM on binarised digits.

Both RBMs get the same hidden units, the same number of epochs and the same
training rows (scikit-learn's 1,797 digits, pixels above 8 set to 1, 75 %
for training). scikit-learn runs with its defaults (PCD-1, plain SGD, learning
rate 0.1, batch size 10); skgen runs with its defaults (PCD-1, Adam) and
with scikit-learn's recipe (``optimizer="sgd", lr=0.1, batch_size=10,
momentum=0, weight_decay=0``), once with one Gibbs step per batch as
scikit-learn and once with three (``n_gibbs_steps=3``). Reported on the
held-out rows, per seed:

- the pseudo-log-likelihood ``sum_i log p(x_i | x_-i)`` computed exactly
  from each model's weights and biases (scikit-learn's ``score_samples``
  estimates it from one random pixel per row, times 64; the exact sum is the
  same quantity without that noise);
- the log-likelihood: skgen's ``score`` (annealed importance sampling,
  ``n_ais_chains=100``, ``n_ais_steps=1000``), and, for reference, the same
  AIS estimate computed by skgen for scikit-learn's fitted weights
  (scikit-learn itself offers no likelihood);
- fit time and its ratio to scikit-learn's (skgen's includes the AIS run).

Run::

    OMP_NUM_THREADS=1 python benchmarks/bench_rbm.py

and it prints a markdown table (mean and standard deviation over the seeds).
"""

import argparse
import platform
import time

import numpy as np
import pandas as pd
import sklearn
import torch
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split
from sklearn.neural_network import BernoulliRBM as SklearnRBM

from skgen import BernoulliRBM

SKLEARN_RECIPE = {
    "optimizer": "sgd",
    "lr": 0.1,
    "batch_size": 10,
    "momentum": 0.0,
    "weight_decay": 0.0,
}


def pseudo_log_likelihood(X, weight, visible_bias, hidden_bias):
    """Mean over rows of sum_i log p(x_i | x_-i) of a binary RBM (weight: visible x hidden)."""

    def free_energy(V):
        return -(V @ visible_bias) - np.logaddexp(0, V @ weight + hidden_bias).sum(1)

    base = free_energy(X)
    total = np.zeros(len(X))
    for i in range(X.shape[1]):
        flipped = X.copy()
        flipped[:, i] = 1 - flipped[:, i]
        total -= np.logaddexp(0, base - free_energy(flipped))
    return total.mean()


def skgen_parameters(model):
    module = model.net_.module_
    return [
        p.detach().double().cpu().numpy()
        for p in (module.weight, module.visible_bias, module.hidden_bias)
    ]


def ais_log_likelihood_of(weight, visible_bias, hidden_bias, template, X, seed):
    """skgen's AIS estimate of the mean log-likelihood of X under the RBM with these parameters."""
    module = template._inference_module_
    with torch.no_grad():
        module.weight.copy_(torch.as_tensor(weight))
        module.visible_bias.copy_(torch.as_tensor(visible_bias))
        module.hidden_bias.copy_(torch.as_tensor(hidden_bias))
        generator = torch.Generator().manual_seed(seed)
        log_z, _ = module.log_partition(template.n_ais_chains, template.n_ais_steps, generator)
        log_p = -module.free_energy(torch.as_tensor(X, dtype=torch.float64)) - log_z
    return float(log_p.mean())


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--components", type=int, nargs="+", default=[64, 256])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    torch.set_num_threads(1)
    print(
        f"python {platform.python_version()}, torch {torch.__version__}, "
        f"scikit-learn {sklearn.__version__}, {platform.machine()}"
    )
    X = (load_digits().data > 8).astype(float)
    train, test = train_test_split(X, test_size=0.25, random_state=0)
    BernoulliRBM(n_components=2, max_epochs=1, n_ais_steps=2).fit(train[:50])  # warm up imports
    rows = []
    for n_components in args.components:
        for seed in range(args.seeds):
            start = time.perf_counter()
            theirs = SklearnRBM(n_components=n_components, n_iter=args.epochs, random_state=seed)
            theirs.fit(train)
            sklearn_time = time.perf_counter() - start
            sk_params = [theirs.components_.T, theirs.intercept_visible_, theirs.intercept_hidden_]
            variants = {
                "skgen (defaults)": {},
                "skgen (scikit-learn's recipe)": SKLEARN_RECIPE,
                "skgen (scikit-learn's recipe, PCD-3)": {**SKLEARN_RECIPE, "n_gibbs_steps": 3},
            }
            template = None
            for label, params in variants.items():
                start = time.perf_counter()
                ours = BernoulliRBM(
                    n_components=n_components, max_epochs=args.epochs, random_state=seed, **params
                ).fit(train)
                elapsed = time.perf_counter() - start
                template = ours
                rows.append(
                    {
                        "hidden": n_components,
                        "model": label,
                        "seed": seed,
                        "pseudo-LL": pseudo_log_likelihood(test, *skgen_parameters(ours)),
                        "AIS LL": ours.score(test),
                        "fit s": elapsed,
                        "fit ratio": elapsed / sklearn_time,
                    }
                )
            rows.append(
                {
                    "hidden": n_components,
                    "model": "scikit-learn",
                    "seed": seed,
                    "pseudo-LL": pseudo_log_likelihood(test, *sk_params),
                    "AIS LL": ais_log_likelihood_of(*sk_params, template, test, seed),
                    "fit s": sklearn_time,
                    "fit ratio": 1.0,
                }
            )
            print(
                pd.DataFrame(rows[-(len(variants) + 1) :]).round(3).to_markdown(index=False),
                flush=True,
            )
    frame = pd.DataFrame(rows)
    summary = frame.groupby(["hidden", "model"], sort=False)[
        ["pseudo-LL", "AIS LL", "fit s", "fit ratio"]
    ].agg(["mean", "std"])
    summary.columns = [f"{a} {b}" for a, b in summary.columns]
    print()
    print(summary.round(3).to_markdown())


if __name__ == "__main__":
    main()
