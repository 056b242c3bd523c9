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

import numpy as np

from .metrics._figures import (
    _new_figure,
    _require_matplotlib,
    plot_association_heatmaps,
    plot_column_distributions,
    plot_image_grid,
    plot_projection,
)

__all__ = [
    "plot_association_heatmaps",
    "plot_bayesian_network",
    "plot_column_distributions",
    "plot_image_grid",
    "plot_projection",
]


def plot_bayesian_network(model, *, figure=None):
    """Draw the graph of a fitted :class:`skgen.BayesianNetwork` (``edges_``).

    Nodes are laid out in layers by their depth in the graph (roots on top),
    with an arrow from each parent to its child.

    Parameters
    ----------
    model : fitted BayesianNetwork
    figure : matplotlib Figure, default=None

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> from matplotlib.figure import Figure
    >>> from skgen import BayesianNetwork
    >>> from skgen.datasets import load_penguins
    >>> model = BayesianNetwork().fit(load_penguins())
    >>> fig = plot_bayesian_network(model, figure=Figure())
    >>> len(fig.axes)
    1
    """
    _require_matplotlib()
    names = [str(name) for name in model._node_names()]
    depth = np.zeros(len(names), dtype=int)
    for v in model.order_:
        depth[v] = max((depth[u] + 1 for u in model.parents_[v]), default=0)
    positions = {}
    for level in np.unique(depth):
        members = np.flatnonzero(depth == level)
        for rank, v in enumerate(members):
            positions[v] = ((rank + 1) / (members.size + 1), -float(level))
    width = max(6.0, 1.3 * np.bincount(depth).max())
    figure = _new_figure(figure, (width, 1.4 * (depth.max() + 1) + 0.6))
    ax = figure.add_subplot(1, 1, 1)
    for v, parents in enumerate(model.parents_):
        for u in parents:
            ax.annotate(
                "",
                xy=positions[v],
                xytext=positions[u],
                arrowprops={"arrowstyle": "-|>", "color": "0.4", "shrinkA": 14, "shrinkB": 14},
            )
    for v, (x, y) in positions.items():
        ax.text(
            x,
            y,
            names[v],
            ha="center",
            va="center",
            bbox={"boxstyle": "round", "facecolor": "#dbe9f6", "edgecolor": "#3b6ea5"},
        )
    ax.set_xlim(0, 1)
    ax.set_ylim(-depth.max() - 0.5, 0.5)
    ax.set_axis_off()
    ax.set_title("Bayesian network")
    return figure
