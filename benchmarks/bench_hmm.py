"""Hidden Markov models against hmmlearn and pomegranate, on the same data and initial parameters.

Run:  OMP_NUM_THREADS=1 PYTHONPATH=. nice -n 10 /work/venv-bench/bin/python benchmarks/bench_hmm.py
(needs the ``bench`` extra: hmmlearn, pomegranate, aeon). Prints markdown tables.

- Synthetic: 10,000 x 8 rows from a known 8-state Gaussian HMM (100 sequences of
  100); the true parameters' log-likelihood is the reference, on the training and
  on 10,000 fresh rows.
- Japanese vowels (aeon, 270 training and 370 test sequences of 12 channels).

Both libraries start EM from the same parameters (hmmlearn's own random
initialisation, copied into skgen's ``init``), run the same number of iterations
(no early stop), with maximum-likelihood updates (hmmlearn's covariance prior
set to 0). Time per EM iteration: the best of REPEATS fits, divided by the
iterations; the models are timed alternately so that load from other processes
hits both alike.
"""

import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from hmmlearn import hmm  # noqa: E402

import skgen  # noqa: E402

REPEATS = 3
N_ITER = 20


def hmmlearn_gaussian(k, cov, params, n_iter=N_ITER):
    model = hmm.GaussianHMM(
        k,
        covariance_type=cov,
        n_iter=n_iter,
        tol=-np.inf,
        init_params="",
        covars_prior=0.0,
        covars_weight=1.0 if cov in ("diag", "spherical") else 0.0,
        min_covar=0.0,
        implementation="log",
    )
    model.startprob_, model.transmat_ = params["startprob"], params["transmat"]
    model.means_ = params["means"]
    model.covars_ = params["covars"] if cov != "spherical" else params["covars"]
    return model


def initial_parameters(X, lengths, k, cov, seed):
    init = hmm.GaussianHMM(k, covariance_type=cov, random_state=seed, init_params="stmc")
    init._init(X, lengths)
    covars = init._covars_
    return {
        "startprob": init.startprob_.copy(),
        "transmat": init.transmat_.copy(),
        "means": init.means_.copy(),
        "covars": covars[:, 0] if cov == "spherical" else covars.copy(),
    }


def timed(fit):
    best, model = np.inf, None
    start = time.perf_counter()
    model = fit()
    best = min(best, time.perf_counter() - start)
    return best, model


def compare_gaussian(name, X, lengths, X_test, lengths_test, k, cov, seed=0, true_model=None):
    params = initial_parameters(X, lengths, k, cov, seed)
    t_ref, t_sk = [], []
    for _ in range(REPEATS):
        dt, ref = timed(lambda: hmmlearn_gaussian(k, cov, params).fit(X, lengths))
        t_ref.append(dt)
        dt, ours = timed(
            lambda: skgen.GaussianHMM(
                k, covariance_type=cov, reg_covar=0.0, init=params, max_iter=N_ITER, tol=-np.inf
            ).fit(X, lengths=lengths)
        )
        t_sk.append(dt)
    ll_ref, ll_sk = ref.score(X, lengths), ours.score_samples(X, lengths=lengths).sum()
    row = {
        "data": name,
        "model": f"GaussianHMM({k}, {cov})",
        "ll hmmlearn": ll_ref,
        "ll skgen": ll_sk,
        "rel diff": abs(ll_ref - ll_sk) / abs(ll_ref),
        "s/iter hmmlearn": min(t_ref) / N_ITER,
        "s/iter skgen": min(t_sk) / N_ITER,
    }
    row["ratio"] = row["s/iter skgen"] / row["s/iter hmmlearn"]
    row["test ll/seq skgen"] = ours.score(X_test, lengths=lengths_test)
    row["test ll/seq hmmlearn"] = ref.score(X_test, lengths_test) / len(lengths_test)
    if true_model is not None:
        row["train ll true"] = true_model.score_samples(X, lengths=lengths).sum()
        row["test ll/seq true"] = true_model.score(X_test, lengths=lengths_test)
    return row, params


def compare_gmm(name, X, lengths, k, m, seed=0):
    ref_init = hmm.GMMHMM(
        k, m, covariance_type="diag", random_state=seed, n_iter=N_ITER, tol=-np.inf
    )
    ref_init._init(X, lengths)
    params = {
        "startprob": ref_init.startprob_.copy(),
        "transmat": ref_init.transmat_.copy(),
        "weights": ref_init.weights_.copy(),
        "means": ref_init.means_.copy(),
        "covars": ref_init.covars_.copy(),
    }
    t_ref, t_sk = [], []
    for _ in range(REPEATS):
        ref = hmm.GMMHMM(k, m, covariance_type="diag", n_iter=N_ITER, tol=-np.inf, init_params="")
        for key, value in params.items():
            setattr(ref, key + "_", value.copy())
        dt, ref = timed(lambda ref=ref: ref.fit(X, lengths))
        t_ref.append(dt)
        dt, ours = timed(
            lambda: skgen.GMMHMM(
                k, m, reg_covar=0.0, init=params, max_iter=N_ITER, tol=-np.inf
            ).fit(X, lengths=lengths)
        )
        t_sk.append(dt)
    ll_ref, ll_sk = ref.score(X, lengths), ours.score_samples(X, lengths=lengths).sum()
    return {
        "data": name,
        "model": f"GMMHMM({k}, {m} mix, diag)",
        "ll hmmlearn": ll_ref,
        "ll skgen": ll_sk,
        "rel diff": abs(ll_ref - ll_sk) / abs(ll_ref),
        "s/iter hmmlearn": min(t_ref) / N_ITER,
        "s/iter skgen": min(t_sk) / N_ITER,
        "ratio": min(t_sk) / min(t_ref),
    }


def compare_categorical(n_rows=10_000, k=6, n_symbols=12, seed=0):
    rng = np.random.default_rng(seed)
    truth = skgen.CategoricalHMM(
        k,
        n_symbols=n_symbols,
        max_iter=0,
        init={
            "startprob": rng.dirichlet(np.ones(k)),
            "transmat": rng.dirichlet(np.ones(k) * 0.3, size=k),
            "emissionprob": rng.dirichlet(np.ones(n_symbols) * 0.3, size=k),
        },
    ).fit(np.arange(n_symbols)[:, None])
    X, lengths = truth.sample(n_rows // 100, length=100, random_state=1)
    params = {
        "startprob": rng.dirichlet(np.ones(k)),
        "transmat": rng.dirichlet(np.ones(k), size=k),
        "emissionprob": rng.dirichlet(np.ones(n_symbols), size=k),
    }
    t_ref, t_sk = [], []
    for _ in range(REPEATS):
        ref = hmm.CategoricalHMM(
            k, n_features=n_symbols, n_iter=N_ITER, tol=-np.inf, init_params=""
        )
        ref.startprob_, ref.transmat_ = params["startprob"], params["transmat"]
        ref.emissionprob_ = params["emissionprob"]
        dt, ref = timed(lambda ref=ref: ref.fit(X, lengths))
        t_ref.append(dt)
        dt, ours = timed(
            lambda: skgen.CategoricalHMM(
                k, n_symbols=n_symbols, init=params, max_iter=N_ITER, tol=-np.inf
            ).fit(X, lengths=lengths)
        )
        t_sk.append(dt)
    ll_ref, ll_sk = ref.score(X, lengths), ours.score_samples(X, lengths=lengths).sum()
    return {
        "data": f"synthetic {n_rows} symbols",
        "model": f"CategoricalHMM({k}, {n_symbols} symbols)",
        "ll hmmlearn": ll_ref,
        "ll skgen": ll_sk,
        "rel diff": abs(ll_ref - ll_sk) / abs(ll_ref),
        "s/iter hmmlearn": min(t_ref) / N_ITER,
        "s/iter skgen": min(t_sk) / N_ITER,
        "ratio": min(t_sk) / min(t_ref),
        "train ll true": truth.score_samples(X, lengths=lengths).sum(),
    }


def compare_pomegranate(X, lengths, k, params):
    """pomegranate 1.x DenseHMM (torch), diagonal Normals, same start, same iterations."""
    import torch
    from pomegranate.distributions import Normal
    from pomegranate.hmm import DenseHMM

    torch.set_num_threads(1)
    width = int(lengths[0])
    assert np.all(lengths == width), "pomegranate takes equal-length batches here"
    tensor = torch.tensor(X.reshape(len(lengths), width, -1), dtype=torch.float32)
    times = []
    for _ in range(REPEATS):
        dists = [
            Normal(
                torch.tensor(params["means"][i], dtype=torch.float32),
                torch.tensor(params["covars"][i], dtype=torch.float32),
                covariance_type="diag",
            )
            for i in range(k)
        ]
        model = DenseHMM(
            dists,
            edges=torch.tensor(params["transmat"], dtype=torch.float32),
            starts=torch.tensor(params["startprob"], dtype=torch.float32),
            max_iter=N_ITER,
            tol=1e-12,
            inertia=0.0,
        )
        start = time.perf_counter()
        model.fit(tensor)
        times.append(time.perf_counter() - start)
    ll = float(model.log_probability(tensor).sum())
    return ll, min(times) / N_ITER


def synthetic(k=8, d=8, n_seq=100, length=100, seed=0):
    rng = np.random.default_rng(seed)
    transmat = rng.dirichlet(np.ones(k) * 0.5, size=k) * 0.3 + 0.7 * np.eye(k)
    init = {
        "startprob": rng.dirichlet(np.ones(k)),
        "transmat": transmat,
        "means": rng.normal(0, 2.0, size=(k, d)),
        "covars": rng.uniform(0.5, 2.0, size=(k, d)),
    }
    truth = skgen.GaussianHMM(k, init=init, max_iter=0).fit(rng.normal(size=(k, d)))
    X, lengths = truth.sample(n_seq, length=length, random_state=1)
    X_test, lengths_test = truth.sample(n_seq, length=length, random_state=2)
    return truth, X, lengths, X_test, lengths_test


def vowels():
    from aeon.datasets import load_japanese_vowels

    def stack(split):
        series, _ = load_japanese_vowels(split=split)
        parts = [np.asarray(s, dtype=float).T for s in series]
        return np.concatenate(parts), np.array([len(p) for p in parts])

    return stack("train") + stack("test")


def table(rows, columns):
    out = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for row in rows:
        cells = []
        for c in columns:
            v = row.get(c, "")
            cells.append(
                f"{v:.3g}"
                if isinstance(v, float) and abs(v) < 1e-2
                else f"{v:,.4f}"
                if isinstance(v, float)
                else str(v)
            )
        out.append("| " + " | ".join(cells) + " |")
    return "\n".join(out)


def main():
    rows = []
    truth, X, lengths, X_test, lengths_test = synthetic()
    if "--pomegranate-only" in sys.argv:
        row, params = compare_gaussian(
            "synthetic 10,000 x 8", X, lengths, X_test, lengths_test, 8, "diag", true_model=truth
        )
        row["ll pomegranate"], row["s/iter pomegranate"] = compare_pomegranate(
            X, lengths, 8, params
        )
        print(
            table(
                [row],
                [
                    "data",
                    "model",
                    "ll hmmlearn",
                    "ll skgen",
                    "ll pomegranate",
                    "s/iter hmmlearn",
                    "s/iter skgen",
                    "s/iter pomegranate",
                ],
            )
        )
        return
    for cov in ("diag", "full"):
        row, params = compare_gaussian(
            "synthetic 10,000 x 8", X, lengths, X_test, lengths_test, 8, cov, true_model=truth
        )
        rows.append(row)
        if cov == "diag":
            try:
                ll, per_iter = compare_pomegranate(X, lengths, 8, params)
                row["ll pomegranate"] = ll
                row["s/iter pomegranate"] = per_iter
            except Exception as exc:  # noqa: BLE001 - report, do not hide
                row["ll pomegranate"] = f"failed: {type(exc).__name__}: {exc}"[:80]
    one, one_lengths = X.copy(), np.array([len(X)])
    row, _ = compare_gaussian(
        "synthetic, one sequence of 10,000",
        one,
        one_lengths,
        X_test,
        lengths_test,
        8,
        "full",
        true_model=truth,
    )
    rows.append(row)
    Xv, lv, Xv_test, lv_test = vowels()
    for cov in ("diag", "full"):
        rows.append(compare_gaussian("Japanese vowels", Xv, lv, Xv_test, lv_test, 5, cov)[0])
    rows.append(compare_gmm("Japanese vowels", Xv, lv, 4, 3))
    rows.append(compare_categorical())
    columns = [
        "data",
        "model",
        "ll hmmlearn",
        "ll skgen",
        "rel diff",
        "s/iter hmmlearn",
        "s/iter skgen",
        "ratio",
    ]
    print(table(rows, columns))
    print()
    print(
        table(
            rows,
            [
                "data",
                "model",
                "train ll true",
                "test ll/seq true",
                "test ll/seq skgen",
                "test ll/seq hmmlearn",
                "ll pomegranate",
                "s/iter pomegranate",
            ],
        )
    )


if __name__ == "__main__":
    main()
