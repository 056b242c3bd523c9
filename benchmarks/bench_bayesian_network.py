"""Bayesian networks: skgen against the true network and pgmpy's hill climb; a mixed table.

Run:  OMP_NUM_THREADS=1 PYTHONPATH=. nice -n 10 /work/venv-bench/bin/python benchmarks/bench_bayesian_network.py
(needs the ``bench`` extra: pgmpy, palmerpenguins data shipped in skgen). Prints markdown.

1. pgmpy's example networks (asia, alarm, child, insurance): 10,000 training and
   10,000 test rows forward-sampled from the true network; mean held-out
   log-likelihood per row of the true network (the ceiling), of skgen's learnt
   networks, and of pgmpy's hill climb (BIC) with the same Dirichlet smoothing
   (one pseudo-count per cell) for its tables. Learning times side by side.
2. Penguins (mixed table): 5-fold held-out log-likelihood of BayesianNetwork,
   GaussianMixture and GaussianCopula (same folds, same log-density space), and
   the cost of exact conditional sampling next to the base class's rejection sampler.
"""

import os
import sys
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")
warnings.filterwarnings("ignore", category=FutureWarning)

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from sklearn.model_selection import KFold  # noqa: E402

import skgen  # noqa: E402
from skgen.base import BaseGenerator  # noqa: E402
from skgen.datasets import load_penguins  # noqa: E402


def network_log_likelihood(model, frame):
    """Per-row log-probability of ``frame`` under a pgmpy network with fitted CPDs."""
    total = np.zeros(len(frame))
    for node in model.nodes():
        cpd = model.get_cpds(node)
        index = []
        for var in cpd.variables:
            states = {s: i for i, s in enumerate(cpd.state_names[var])}
            index.append(frame[var].map(states).to_numpy())
        with np.errstate(divide="ignore"):
            total += np.log(cpd.values[tuple(index)])
    return total


def true_networks(names, n_rows=10_000):
    from pgmpy.sampling import BayesianModelSampling
    from pgmpy.utils import get_example_model

    for name in names:
        truth = get_example_model(name)
        sampler = BayesianModelSampling(truth)
        train = sampler.forward_sample(size=n_rows, seed=0, show_progress=False)
        test = sampler.forward_sample(size=n_rows, seed=1, show_progress=False)
        yield name, truth, train.astype(str), test.astype(str)


def pgmpy_hill_climb(train, state_names):
    from pgmpy.estimators import HillClimbSearch
    from pgmpy.models import DiscreteBayesianNetwork
    from pgmpy.parameter_estimator import DiscreteBayesianEstimator

    start = time.perf_counter()
    dag = HillClimbSearch(train).estimate(scoring_method="bic-d", show_progress=False)
    model = DiscreteBayesianNetwork(dag.edges())
    model.add_nodes_from(train.columns)
    # "K2": one pseudo-count per cell, as skgen's alpha=1.
    model.fit(train, estimator=DiscreteBayesianEstimator(prior_type="K2", state_names=state_names))
    return model, time.perf_counter() - start


def compare_with_truth(names):
    rows = []
    for name, truth, train, test in true_networks(names):
        # Every state the true network can produce, so scoring never meets an unseen one.
        dtypes = {c: pd.CategoricalDtype(truth.get_cpds(c).state_names[c]) for c in train.columns}
        train_c, test_c = train.astype(dtypes), test.astype(dtypes)
        row = {"network": f"{name} ({len(train.columns)} nodes, {len(truth.edges())} edges)"}
        row["true"] = network_log_likelihood(truth, test).mean()
        for structure in ("chow_liu", "hill_climb"):
            start = time.perf_counter()
            model = skgen.BayesianNetwork(structure).fit(train_c)
            row[f"skgen {structure} s"] = time.perf_counter() - start
            row[f"skgen {structure}"] = model.score(test_c)
            row[f"skgen {structure} edges"] = len(model.edges_)
        states = {c: list(truth.get_cpds(c).state_names[c]) for c in train.columns}
        model, seconds = pgmpy_hill_climb(train, states)
        row["pgmpy hill climb"] = network_log_likelihood(model, test).mean()
        row["pgmpy s"] = seconds
        row["pgmpy edges"] = len(model.edges())
        rows.append(row)
        print(row, file=sys.stderr, flush=True)
    return rows


def penguins_likelihood(n_splits=5):
    frame = load_penguins()
    models = {
        "BayesianNetwork(chow_liu)": lambda: skgen.BayesianNetwork(),
        "BayesianNetwork(hill_climb)": lambda: skgen.BayesianNetwork("hill_climb"),
        "BayesianNetwork(chow_liu, n_bins=8)": lambda: skgen.BayesianNetwork(n_bins=8),
        "GaussianMixture(3)": lambda: skgen.GaussianMixture(3, random_state=0),
        "GaussianCopula": lambda: skgen.GaussianCopula(),
    }
    scores = {name: [] for name in models}
    for train, test in KFold(n_splits, shuffle=True, random_state=0).split(frame):
        for name, make in models.items():
            scores[name].append(make().fit(frame.iloc[train]).score(frame.iloc[test]))
    return {name: (np.mean(v), np.std(v)) for name, v in scores.items()}


def conditional_cost(n=1000):
    frame = load_penguins()
    model = skgen.BayesianNetwork(random_state=0).fit(frame)
    rows = []
    for conditions in (
        {"species": "Gentoo"},
        {"species": "Chinstrap", "sex": "female", "year": 2009},
        {"island": "Torgersen", "sex": "male", "year": 2007},
    ):
        start = time.perf_counter()
        exact = model.sample(n, random_state=0, conditions=conditions)
        t_exact = time.perf_counter() - start
        start = time.perf_counter()
        rejected = BaseGenerator._sample_conditioned(model, n, conditions, np.random.default_rng(0))
        t_reject = time.perf_counter() - start
        rate = model.last_acceptance_rate_
        assert len(exact) == len(rejected) == n
        rows.append((conditions, t_exact, t_reject, rate))
    return rows


def fmt(v):
    return f"{v:.3f}" if isinstance(v, float) else str(v)


def main():
    names = sys.argv[1:] or ["asia", "child", "insurance", "alarm"]
    rows = compare_with_truth(names)
    cols = [
        "network",
        "true",
        "skgen chow_liu",
        "skgen hill_climb",
        "pgmpy hill climb",
        "skgen chow_liu s",
        "skgen hill_climb s",
        "pgmpy s",
        "skgen hill_climb edges",
        "pgmpy edges",
    ]
    print("| " + " | ".join(cols) + " |\n" + "|---" * len(cols) + "|")
    for row in rows:
        print("| " + " | ".join(fmt(row[c]) for c in cols) + " |")
    print()
    print("| model | held-out log-likelihood per row (5-fold mean ± sd) |\n|---|---|")
    for name, (mean, sd) in penguins_likelihood().items():
        print(f"| {name} | {mean:.2f} ± {sd:.2f} |")
    print()
    print("| conditions | exact (s) | rejection (s) | acceptance rate |\n|---|---|---|---|")
    for conditions, t_exact, t_reject, rate in conditional_cost():
        print(f"| {conditions} | {t_exact:.3f} | {t_reject:.3f} | {rate:.3f} |")


if __name__ == "__main__":
    main()
