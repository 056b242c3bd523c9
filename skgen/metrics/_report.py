"""``evaluate``: every metric on one real/synthetic pair, as a report with tables and figures."""

import base64
import html
import io
import time
import warnings

import numpy as np
import pandas as pd

from ._distances import frechet_distance, mmd
from ._fidelity import (
    column_pair_similarity,
    column_shape_similarity,
    detection_score,
    precision_recall_density_coverage,
)
from ._images import as_images, image_feature_extractor, image_scores
from ._privacy import (
    distance_to_closest_record,
    exact_copy_rate,
    membership_inference_advantage,
    ratio_of_mean_dcr,
)
from ._tables import frames
from ._utility import tstr_score

__all__ = ["evaluate", "EvaluationReport"]


class EvaluationReport:
    """What :func:`evaluate` returns: scores, per-column and per-pair tables, figures.

    Attributes
    ----------
    scores : DataFrame
        One row per metric: ``group`` (fidelity, distance, utility, privacy),
        ``metric``, ``value``, ``better`` (``"higher"``, ``"lower"``, or
        ``"near 1"`` for ``density``),
        ``range`` and ``meaning``.
    column_shapes : DataFrame
        :func:`column_shape_similarity` of each column.
    column_pairs : DataFrame
        :func:`column_pair_similarity` of each pair of columns.
    real, synthetic : DataFrame
        The tables compared (kept for the figures).
    seconds : float
        Time taken by :func:`evaluate`.
    features : tuple of two ndarrays or None
        For images: the feature network's features of the real and the
        synthetic images (``real`` and ``synthetic`` then hold the images,
        ``(n, C, H, W)``, and the column tables are empty).
    """

    def __init__(
        self, scores, column_shapes, column_pairs, real, synthetic, seconds, features=None
    ):
        self.scores = scores
        self.column_shapes = column_shapes
        self.column_pairs = column_pairs
        self.real = real
        self.synthetic = synthetic
        self.seconds = seconds
        self.features = features

    @property
    def is_images(self):
        """Whether the report compares images."""
        return self.features is not None

    def __getitem__(self, metric):
        """The value of one metric, e.g. ``report["detection_score"]``."""
        match = self.scores.loc[self.scores["metric"] == metric, "value"]
        if match.empty:
            raise KeyError(f"No metric {metric!r}; the report has {list(self.scores['metric'])}.")
        return float(match.iloc[0])

    def summary(self):
        """Plain-text summary: every score with its direction, and the weakest columns."""
        if self.is_images:
            shape = " x ".join(str(s) for s in self.real.shape[1:])
            lines = [
                f"skgen evaluation: {len(self.real)} real images vs {len(self.synthetic)} "
                f"synthetic images, {shape} ({self.seconds:.1f} s)"
            ]
        else:
            lines = [
                f"skgen evaluation: {len(self.real)} real rows vs {len(self.synthetic)} synthetic "
                f"rows, {self.real.shape[1]} columns ({self.seconds:.1f} s)"
            ]
        for group, rows in self.scores.groupby("group", sort=False):
            lines.append("")
            lines.append(f"{group.upper()}")
            for row in rows.itertuples(index=False):
                lines.append(
                    f"  {row.metric:<36} {row.value:>10.4f}   ({row.better} is better, {row.range})"
                )
        if self.is_images:
            return "\n".join(lines)
        weakest = self.column_shapes.sort_values("score").head(3)
        lines.append("")
        lines.append(
            "Least faithful columns: "
            + ", ".join(f"{c} ({s:.3f})" for c, s in weakest["score"].items())
        )
        if len(self.column_pairs):
            worst = self.column_pairs.sort_values("score").iloc[0]
            lines.append(
                f"Least faithful pair: {worst.column_1} x {worst.column_2} ({worst.score:.3f}, {worst.metric})"
            )
        return "\n".join(lines)

    def __repr__(self):
        return self.summary()

    def plot(self, *, max_columns=24):
        """Figures: per-column distributions, association heat maps, 2-D projection.

        For images: real and generated images side by side, and the 2-D
        projection of the feature network's features.

        Needs matplotlib (``pip install "skgen[plot]"``).

        Returns
        -------
        dict of matplotlib Figures with keys ``"columns"``, ``"associations"``,
        ``"projection"`` (images: ``"images"``, ``"projection"``).
        """
        return self._figures(None, max_columns)

    def _figures(self, figure_factory, max_columns):
        from . import _figures as plotting

        new = figure_factory or (lambda: None)
        if self.is_images:
            return {
                "images": plotting.plot_image_grid(self.real, self.synthetic, figure=new()),
                "projection": plotting.plot_projection(*self.features, figure=new()),
            }
        return {
            "columns": plotting.plot_column_distributions(
                self.real, self.synthetic, max_columns=max_columns, figure=new()
            ),
            "associations": plotting.plot_association_heatmaps(
                self.real, self.synthetic, pairs=self.column_pairs, figure=new()
            ),
            "projection": plotting.plot_projection(self.real, self.synthetic, figure=new()),
        }

    def to_html(self, path=None, *, max_columns=24):
        """Write a self-contained HTML report (figures embedded as PNG).

        Without matplotlib the report holds the tables only, says so at the
        top, and a warning is issued.

        Parameters
        ----------
        path : str or path-like, default=None
            Where to write; ``None`` only returns the text.
        max_columns : int, default=24
            Columns drawn in the per-column figure.

        Returns
        -------
        str : the HTML document.
        """
        figures_html = ""
        try:
            from matplotlib.figure import Figure
        except ImportError:
            warnings.warn(
                'The HTML report has no figures: pip install "skgen[plot]" for them.', stacklevel=2
            )
            figures_html = '<p class="note">Figures need matplotlib: <code>pip install "skgen[plot]"</code>.</p>'
        else:
            titles = {
                "images": "Real and generated images",
                "columns": "Column distributions",
                "associations": "Pairwise association (Pearson r / Cramér's V)",
                "projection": "2-D projection"
                + (" of the feature network's features" if self.is_images else ""),
            }
            for key, figure in self._figures(Figure, max_columns).items():
                buffer = io.BytesIO()
                figure.savefig(buffer, format="png", dpi=80, bbox_inches="tight")
                encoded = base64.b64encode(buffer.getvalue()).decode("ascii")
                figures_html += f'<h2>{titles[key]}</h2>\n<img alt="{key}" src="data:image/png;base64,{encoded}">\n'
        summary_table = self.scores.to_html(
            index=False, float_format=lambda v: f"{v:.4f}", border=0
        )
        columns = ""
        if not self.is_images:
            shapes = self.column_shapes.reset_index().to_html(
                index=False, float_format=lambda v: f"{v:.4f}", border=0
            )
            pairs = self.column_pairs.sort_values("score").head(30)
            pairs = pairs.to_html(
                index=False, float_format=lambda v: f"{v:.4f}", border=0, na_rep=""
            )
            columns = _COLUMNS_TEMPLATE.format(shapes=shapes, pairs=pairs)
        document = _HTML_TEMPLATE.format(
            title=html.escape(self.summary().splitlines()[0]),
            scores=summary_table,
            figures=figures_html,
            columns=columns,
        )
        if path is not None:
            with open(path, "w", encoding="utf-8") as handle:
                handle.write(document)
        return document


_HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>skgen evaluation report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1200px; color: #222; }}
table {{ border-collapse: collapse; margin-bottom: 1.5em; font-size: 0.9em; }}
th, td {{ padding: 0.25em 0.8em; border-bottom: 1px solid #ddd; text-align: left; }}
img {{ max-width: 100%; }} .note {{ background: #fff3cd; padding: 0.5em; }}
</style></head><body>
<h1>skgen evaluation report</h1>
<p>{title}</p>
<h2>Scores</h2>
{scores}
{figures}
{columns}
</body></html>
"""

_COLUMNS_TEMPLATE = """<h2>Column shapes</h2>
{shapes}
<h2>Column pairs (30 least similar)</h2>
{pairs}
"""

# metric -> (group, better, range, meaning)
_DESCRIPTIONS = {
    "shape_similarity": ("fidelity", "higher", "[0, 1]", "mean per-column 1-KS / 1-TV"),
    "pair_similarity": (
        "fidelity",
        "higher",
        "[0, 1]",
        "mean pairwise correlation / contingency similarity",
    ),
    "detection_score": (
        "fidelity",
        "higher",
        "[0, 1]",
        "1 = a classifier cannot tell synthetic from real",
    ),
    "precision": ("fidelity", "higher", "[0, 1]", "synthetic rows inside the real support"),
    "recall": ("fidelity", "higher", "[0, 1]", "real rows inside the synthetic support"),
    "density": (
        "fidelity",
        "near 1",
        "[0, n/k]",
        "about 1 when distributions match, above 1 when rows crowd dense regions",
    ),
    "coverage": ("fidelity", "higher", "[0, 1]", "real neighbourhoods holding a synthetic row"),
    "frechet_distance": (
        "distance",
        "lower",
        "[0, inf)",
        "Gaussian Frechet distance, standardised features (not FID)",
    ),
    "mmd": ("distance", "lower", "[0, 2]", "RBF MMD^2, median heuristic"),
    "tstr": ("utility", "higher", "scorer's", "train on synthetic, test on real"),
    "trtr": ("utility", "higher", "scorer's", "train on real (train), test on real: the baseline"),
    "dcr_ratio": (
        "privacy",
        "higher",
        "[0, inf)",
        "mean DCR synthetic->train / holdout->train; ~1 generalises, 0 copies",
    ),
    "median_dcr_synthetic": (
        "privacy",
        "higher",
        "[0, inf)",
        "median distance of synthetic rows to the closest training row",
    ),
    "median_dcr_holdout": (
        "privacy",
        "higher",
        "[0, inf)",
        "same for real holdout rows: the baseline",
    ),
    "exact_copy_rate": ("privacy", "lower", "[0, 1]", "synthetic rows identical to a training row"),
    "exact_copy_rate_holdout": (
        "privacy",
        "lower",
        "[0, 1]",
        "holdout rows identical to a training row: the baseline",
    ),
    "membership_inference_advantage": (
        "privacy",
        "lower",
        "[-1, 1]",
        "nearest-neighbour attack, 2*AUC-1; 0 = no leak",
    ),
}


# Image metrics: computed on a small CNN trained on the real images (not Inception).
_IMAGE_DESCRIPTIONS = {
    "frechet_distance": (
        "distance",
        "lower",
        "[0, inf)",
        "Gaussian Frechet distance of the feature network's features (not FID)",
    ),
    "inception_score": (
        "fidelity",
        "higher",
        "[1, n_classes]",
        "exp E KL(p(y|x) || p(y)) under the feature network (not the published IS)",
    ),
}


def _is_images(X, image_shape):
    return image_shape is not None or (
        not hasattr(X, "iloc") and hasattr(X, "ndim") and X.ndim in (3, 4)
    )


def evaluate(real, synthetic, *, train=None, target=None, y=None, image_shape=None,
             random_state=0):  # fmt: skip
    """Evaluate synthetic data against real data: fidelity, distances, utility, privacy.

    Parameters
    ----------
    real : array-like or DataFrame
        Real rows to compare with. When ``train`` is given, these should be
        rows the generator did *not* see (a holdout set): they are the test
        set of the utility scores and the baseline of the privacy scores.
    synthetic : array-like or DataFrame with the same columns
    train : array-like or DataFrame, default=None
        The generator's training rows; enables the privacy scores (distance to
        closest record, exact copies, membership inference) and the
        train-on-real utility baseline.
    target : column name, default=None
        Enables the utility scores: a model predicting ``target`` is trained
        on synthetic rows (TSTR) and, with ``train``, on real training rows
        (TRTR), and tested on ``real``.
    y : array-like, default=None
        For images: class labels of ``real``, which the feature network
        learns to predict (default: k-means clusters of the pixels).
    image_shape : tuple, default=None
        For images given as rows of pixels: ``(H, W)`` or ``(C, H, W)``.
        Arrays ``(n, H, W)`` and ``(n, C, H, W)`` are images without it.
    random_state : int, default=0

    Images are compared on the features of a small CNN that skgen trains on
    ``real`` (:func:`~skgen.metrics.image_scores`: Fréchet distance,
    inception score, precision/recall/density/coverage; not Inception-based
    FID/IS), with the privacy scores on the pixels when ``train`` is given;
    the report shows real and generated images side by side.

    Returns
    -------
    EvaluationReport
        ``.scores`` (DataFrame), ``.summary()``, ``.to_html(path)``, ``.plot()``.

    Examples
    --------
    >>> import numpy as np, pandas as pd
    >>> from skgen.metrics import evaluate
    >>> rng = np.random.default_rng(0)
    >>> real = pd.DataFrame({"x": rng.normal(size=300), "c": rng.choice(["a", "b"], 300)})
    >>> fake = pd.DataFrame({"x": rng.normal(size=300), "c": rng.choice(["a", "b"], 300)})
    >>> report = evaluate(real, fake)
    >>> report["shape_similarity"] > 0.9
    True
    """
    start = time.perf_counter()
    if _is_images(real, image_shape):
        return _evaluate_images(real, synthetic, train, y, image_shape, random_state, start)
    names = ["real", "synthetic"] + (["train"] if train is not None else [])
    tables = frames(real, synthetic, *([train] if train is not None else []), names=names)
    real, fake = tables[0], tables[1]
    train = tables[2] if train is not None else None
    if target is not None and target not in real.columns:
        raise ValueError(
            f"Target column {target!r} does not exist; columns are {list(real.columns)}."
        )

    values = {}
    shapes = column_shape_similarity(real, fake)
    values["shape_similarity"] = shapes["score"].mean()
    pairs = column_pair_similarity(real, fake) if real.shape[1] > 1 else _empty_pairs()
    if len(pairs):
        values["pair_similarity"] = pairs["score"].mean()
    values["detection_score"] = detection_score(real, fake, random_state=random_state)
    values.update(precision_recall_density_coverage(real, fake, random_state=random_state))
    values["frechet_distance"] = frechet_distance(real, fake)
    values["mmd"] = mmd(real, fake, random_state=random_state)
    if target is not None:
        values["tstr"] = tstr_score(real, fake, target, random_state=random_state)
        if train is not None:
            values["trtr"] = tstr_score(real, train, target, random_state=random_state)
    if train is not None:
        values.update(_privacy_scores(real, fake, train, random_state))
    return EvaluationReport(
        _score_table(values), shapes, pairs, real, fake, time.perf_counter() - start
    )


def _privacy_scores(real, fake, train, random_state):
    """Distances to the closest training record, exact copies, membership inference."""
    synthetic_dcr = distance_to_closest_record(fake, train)
    holdout_dcr = distance_to_closest_record(real, train)
    return {
        "dcr_ratio": ratio_of_mean_dcr(synthetic_dcr, holdout_dcr),
        "median_dcr_synthetic": np.median(synthetic_dcr),
        "median_dcr_holdout": np.median(holdout_dcr),
        "exact_copy_rate": exact_copy_rate(train, fake),
        "exact_copy_rate_holdout": exact_copy_rate(train, real),
        "membership_inference_advantage": membership_inference_advantage(
            train, fake, real, random_state=random_state
        ),
    }


def _score_table(values, descriptions=None):
    descriptions = {**_DESCRIPTIONS, **(descriptions or {})}
    rows = [
        (*descriptions[name][:1], name, float(value), *descriptions[name][1:])
        for name, value in values.items()
    ]
    return pd.DataFrame(rows, columns=["group", "metric", "value", "better", "range", "meaning"])


def _evaluate_images(real, synthetic, train, y, image_shape, random_state, start):
    real = as_images(real, image_shape, name="real")
    fake = as_images(synthetic, image_shape, name="synthetic")
    extractor = image_feature_extractor(real, y, random_state=random_state)
    values = image_scores(real, fake, extractor=extractor, random_state=random_state)
    if train is not None:
        rows = as_images(train, image_shape, name="train")
        values.update(
            _privacy_scores(*(a.reshape(len(a), -1) for a in (real, fake, rows)), random_state)
        )
    features = (extractor.transform(real), extractor.transform(fake))
    return EvaluationReport(
        _score_table(values, _IMAGE_DESCRIPTIONS),
        pd.DataFrame(columns=["score"]),
        _empty_pairs(),
        real,
        fake,
        time.perf_counter() - start,
        features=features,
    )


def _empty_pairs():
    return pd.DataFrame(columns=["column_1", "column_2", "metric", "real", "synthetic", "score"])
