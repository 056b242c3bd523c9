"""Classical models against scikit-learn, and the Gaussian copula on penguins.

Run:  OMP_NUM_THREADS=1 python benchmarks/bench_classical.py
Prints markdown tables for docs/benchmarks.md.
"""

import os
import platform
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")

import pandas as pd  # noqa: E402
from sklearn import mixture, neighbors  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402

import skgen  # noqa: E402
from skgen.datasets import load_penguins  # noqa: E402
from skgen.metrics import column_shape_similarity  # noqa: E402

REPEATS = 5


def best_time(fn, *args):
    """Fastest of REPEATS runs of ``fn(*args)`` (the least disturbed by other processes)."""
    times = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        result = fn(*args)
        times.append(time.perf_counter() - start)
    return min(times), result


def compare_with_sklearn():
    X = load_digits().data
    rows = []
    cases = [
        (
            "GaussianMixture(10, full)",
            lambda: skgen.GaussianMixture(10, random_state=0),
            lambda: mixture.GaussianMixture(10, random_state=0),
            lambda m, X: m.score(X),
        ),
        (
            "GaussianMixture(10, diag)",
            lambda: skgen.GaussianMixture(10, covariance_type="diag", random_state=0),
            lambda: mixture.GaussianMixture(10, covariance_type="diag", random_state=0),
            lambda m, X: m.score(X),
        ),
        # scikit-learn's KernelDensity.score is the *sum*; skgen's is the mean.
        (
            "KernelDensity(bandwidth=3)",
            lambda: skgen.KernelDensity(bandwidth=3.0),
            lambda: neighbors.KernelDensity(bandwidth=3.0),
            lambda m, X: m.score(X) / len(X),
        ),
    ]
    for name, ours, theirs, sk_mean in cases:
        t_ours, m_ours = best_time(ours().fit, X)
        t_theirs, m_theirs = best_time(theirs().fit, X)
        s_ours, s_theirs = m_ours.score(X), sk_mean(m_theirs, X)
        ts_ours, _ = best_time(m_ours.score_samples, X)
        ts_theirs, _ = best_time(m_theirs.score_samples, X)
        rows.append(
            {
                "model (digits, 1797 x 64)": name,
                "skgen score": f"{s_ours:.6f}",
                "scikit-learn score": f"{s_theirs:.6f}",
                "fit s (skgen / sklearn)": f"{t_ours:.4f} / {t_theirs:.4f}",
                "fit ratio": f"{t_ours / t_theirs:.2f}",
                "score_samples ratio": f"{ts_ours / ts_theirs:.2f}",
            }
        )
    return pd.DataFrame(rows)


def copula_on_penguins():
    df = load_penguins()
    t_fit, model = best_time(lambda: skgen.GaussianCopula(random_state=0).fit(df))
    t_sample, synthetic = best_time(lambda: model.sample(100_000, random_state=0))
    similarity = column_shape_similarity(df, synthetic)["score"]
    summary = pd.DataFrame(
        [
            {
                "fit s": f"{t_fit:.3f}",
                "sample 100,000 rows s": f"{t_sample:.3f}",
                "mean column similarity": f"{similarity.mean():.3f}",
                "min column similarity": f"{similarity.min():.3f} ({similarity.idxmin()})",
                "mean log-likelihood (train)": f"{model.score(df):.3f}",
            }
        ]
    )
    return summary, similarity, model


def main():
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, python {platform.python_version()}, "
        f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}; best of {REPEATS} runs\n"
    )
    print(compare_with_sklearn().to_markdown(index=False), "\n")
    summary, similarity, model = copula_on_penguins()
    print(summary.to_markdown(index=False), "\n")
    print(similarity.rename("similarity").round(3).to_frame().T.to_markdown(), "\n")
    print(
        "marginals chosen:",
        dict(
            zip(
                [c.name for c in model.encoder_.columns_ if c.kind != "categorical"],
                model.marginals_,
            )
        ),
    )


if __name__ == "__main__":
    main()
