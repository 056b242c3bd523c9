"""Figures (needs matplotlib: ``pip install "skgen[plot]"``).

Comparisons of real and synthetic tables, as in the evaluation report. Each
function returns a :class:`matplotlib.figure.Figure`. By default it is made
with ``matplotlib.pyplot`` so that it shows in notebooks and with
``plt.show()``; pass ``figure=matplotlib.figure.Figure()`` to draw without
touching pyplot's global state (what :meth:`EvaluationReport.to_html` does).
matplotlib is imported only when a function is called.

This module sits above :mod:`skgen.metrics` (it imports the metrics, never
the reverse): the report's own figures are drawn in the metrics layer.
"""

from .metrics._figures import (
    plot_association_heatmaps,
    plot_column_distributions,
    plot_projection,
)

__all__ = ["plot_association_heatmaps", "plot_column_distributions", "plot_projection"]
