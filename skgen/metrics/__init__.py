"""Metrics for generative models: likelihood, distances, fidelity, utility, privacy.

Plain functions on arrays or DataFrames (mixed column types are encoded with
:class:`skgen.preprocessing.TabularEncoder`); :func:`evaluate` runs them all
and returns a report with tables and figures, and
:func:`make_generative_scorer` turns the sample-based ones into scorers for
``GridSearchCV``.
"""

from ._distances import PenultimateFeatures, frechet_distance, inception_score, mmd
from ._fidelity import (
    column_pair_similarity,
    column_shape_similarity,
    detection_score,
    precision_recall_density_coverage,
)
from ._images import ImageFeatureExtractor, image_feature_extractor, image_scores
from ._likelihood import bits_per_character, bits_per_dim, mean_log_likelihood, perplexity
from ._privacy import (
    dcr_ratio,
    distance_to_closest_record,
    exact_copy_rate,
    membership_inference_advantage,
)
from ._report import EvaluationReport, evaluate
from ._scorer import make_generative_scorer
from ._utility import tstr_score

__all__ = [
    "EvaluationReport",
    "ImageFeatureExtractor",
    "PenultimateFeatures",
    "bits_per_character",
    "bits_per_dim",
    "column_pair_similarity",
    "column_shape_similarity",
    "dcr_ratio",
    "detection_score",
    "distance_to_closest_record",
    "evaluate",
    "exact_copy_rate",
    "frechet_distance",
    "image_feature_extractor",
    "image_scores",
    "inception_score",
    "make_generative_scorer",
    "mean_log_likelihood",
    "membership_inference_advantage",
    "mmd",
    "perplexity",
    "precision_recall_density_coverage",
    "tstr_score",
]
