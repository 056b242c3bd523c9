"""Cross-check skgen's column-shape and column-pair similarities against sdmetrics' QualityReport.

Run (needs the ``bench`` extra, i.e. sdmetrics)::

    OMP_NUM_THREADS=1 python benchmarks/crosscheck_sdmetrics.py

The real table is the bundled penguins table (344 x 8, missing values); the
synthetic table is 344 rows from ``skgen.GaussianCopula(random_state=0)`` fit
on it. Both libraries score the same pair with the same column types; the
script prints markdown tables:
per-column shape scores, the per-pair scores that differ most, and the two
overall averages.
"""

import warnings

import numpy as np
import pandas as pd

from skgen import GaussianCopula
from skgen.datasets import load_penguins
from skgen.metrics import column_pair_similarity, column_shape_similarity
from skgen.metrics._tables import column_kinds, is_continuous


def sdmetrics_report(real, synthetic, thresholds=True):
    try:
        from sdmetrics.reports.single_table import QualityReport
    except ImportError as exc:
        raise SystemExit('This benchmark needs sdmetrics: pip install "skgen[bench]"') from exc
    # Both libraries get the same column types: skgen's (TabularEncoder's inference,
    # which makes an integer column with at most 10 values, such as year, categorical).
    kinds = column_kinds(real, synthetic)
    metadata = {
        "columns": {
            column: {"sdtype": "numerical" if is_continuous(kinds[column]) else "categorical"}
            for column in real.columns
        }
    }
    report = QualityReport()
    if not thresholds:
        # sdmetrics >= 0.2x scores a pair only if the real |r| > 0.5 or Cramer's V > 0.3;
        # with the thresholds at 0 every pair is scored, as skgen does.
        report.real_correlation_threshold = 0
        report.real_association_threshold = 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        report.generate(real, synthetic, metadata, verbose=False)
    return report


def main():
    real = load_penguins()
    # sdmetrics (pandas < 3) and skgen get the same plain object/float columns.
    real = real.astype(
        {c: object for c in real.columns if not pd.api.types.is_numeric_dtype(real[c])}
    )
    synthetic = GaussianCopula(random_state=0).fit(real).sample(len(real), random_state=0)
    synthetic = synthetic.astype(
        {c: object for c in synthetic.columns if not pd.api.types.is_numeric_dtype(synthetic[c])}
    )

    report = sdmetrics_report(real, synthetic)
    every_pair = sdmetrics_report(real, synthetic, thresholds=False)
    sd_shapes = report.get_details("Column Shapes").set_index("Column")
    sd_pairs = every_pair.get_details("Column Pair Trends")
    contributing = (
        report.get_details("Column Pair Trends")["Meets Threshold?"].astype(bool).to_numpy()
    )
    sk_shapes = column_shape_similarity(real, synthetic)
    sk_pairs = column_pair_similarity(real, synthetic)

    print("### Column shapes (penguins vs GaussianCopula sample)\n")
    print("| column | metric | skgen | sdmetrics | difference |")
    print("|---|---|---|---|---|")
    for column, row in sk_shapes.iterrows():
        theirs = sd_shapes.loc[column, "Score"]
        print(
            f"| {column} | {row.metric} | {row.score:.4f} | {theirs:.4f} | {row.score - theirs:+.4f} |"
        )

    merged = sk_pairs.merge(
        sd_pairs.rename(columns={"Column 1": "column_1", "Column 2": "column_2"}),
        on=["column_1", "column_2"],
    )
    merged["difference"] = merged["score"] - merged["Score"]
    worst = merged.reindex(merged["difference"].abs().sort_values(ascending=False).index)
    print(f"\n### Column pair trends: the 8 pairs (of {len(merged)}) where the two differ most\n")
    print("| pair | metric | skgen | sdmetrics | difference |")
    print("|---|---|---|---|---|")
    for row in worst.head(8).itertuples():
        print(
            f"| {row.column_1} x {row.column_2} | {row.metric} | {row.score:.4f} | {row.Score:.4f} | {row.difference:+.4f} |"
        )
    by_metric = merged.groupby("metric")["difference"].agg(lambda d: np.abs(d).max())
    contingency = merged["metric"] == "ContingencySimilarity"
    # Only the thresholded report computes the real association (Cramer's V).
    thresholded = report.get_details("Column Pair Trends")["Real Association"].to_numpy()
    association_gap = np.nanmax(
        np.abs(merged["real"].to_numpy() - thresholded)[contingency.to_numpy()]
    )

    print("\n### Averages\n")
    print("| property | skgen | sdmetrics |")
    print("|---|---|---|")
    print(
        f"| Column shapes (all {len(sk_shapes)} columns) | {sk_shapes['score'].mean():.4f} | {sd_shapes['Score'].mean():.4f} |"
    )
    print(
        f"| Column pair trends, every pair ({len(merged)}) | {sk_pairs['score'].mean():.4f} | {merged['Score'].mean():.4f} |"
    )
    print(
        f"| Column pair trends, pairs above sdmetrics' real-association thresholds ({contributing.sum()}) "
        f"| {sk_pairs['score'][contributing].mean():.4f} | {report.get_properties().set_index('Property').loc['Column Pair Trends', 'Score']:.4f} (QualityReport default) |"
    )
    print(
        f"\nSame metric chosen for every pair: {(merged['metric'] == merged['Metric']).all()}. "
        f"Largest |difference| by metric: "
        + ", ".join(f"{name} {value:.2g}" for name, value in by_metric.items())
        + f". Largest gap in the real Cramer's V of contingency pairs: {association_gap:.2g}. "
        f"Columns agreeing within 1e-9: {int(np.sum(np.abs(sk_shapes['score'] - sd_shapes['Score']) < 1e-9))} of {len(sk_shapes)}."
    )


if __name__ == "__main__":
    main()
