"""Figures comparing real and synthetic tables (needs matplotlib: ``pip install "skgen[plot]"``).

Each function returns a :class:`matplotlib.figure.Figure`. By default it is
made with ``matplotlib.pyplot`` so that it shows in notebooks and with
``plt.show()``; pass ``figure=matplotlib.figure.Figure()`` to draw without
touching pyplot's global state (what :meth:`EvaluationReport.to_html` does).
matplotlib is imported only when a function is called.
"""

import numpy as np
import pandas as pd

__all__ = [
    "plot_association_heatmaps",
    "plot_column_distributions",
    "plot_image_grid",
    "plot_projection",
]

_REAL_COLOR, _FAKE_COLOR = "#1f77b4", "#ff7f0e"


def _require_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError as exc:
        raise ImportError(
            'Plotting needs matplotlib, which is not installed: pip install "skgen[plot]"'
        ) from exc


def _new_figure(figure, size):
    _require_matplotlib()
    if figure is None:
        from matplotlib import pyplot as plt

        figure = plt.figure()
    figure.set_size_inches(*size)
    return figure


def plot_column_distributions(real, synthetic, *, max_columns=24, max_categories=10, figure=None):
    """Per-column real-vs-synthetic histograms (continuous) and bar charts (categorical).

    Parameters
    ----------
    real, synthetic : array-like or DataFrame with the same columns
    max_columns : int, default=24
        Only the first this many columns are drawn.
    max_categories : int, default=10
        Bars for the most frequent real categories; the rest are pooled as "other".
    figure : matplotlib Figure, default=None

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> from skgen.plotting import plot_column_distributions
    >>> X = np.random.default_rng(0).normal(size=(100, 3))
    >>> fig = plot_column_distributions(X, X + 1, figure=Figure())
    >>> len(fig.axes)
    3
    """
    from ._tables import as_float, column_kinds, frames, is_continuous

    real, fake = frames(real, synthetic, names=["real", "synthetic"])
    columns = list(real.columns)[:max_columns]
    kinds = column_kinds(real[columns], fake[columns])
    n_cols = min(4, len(columns))
    n_rows = int(np.ceil(len(columns) / n_cols))
    figure = _new_figure(figure, (3.6 * n_cols, 2.6 * n_rows))
    axes = figure.subplots(n_rows, n_cols, squeeze=False).ravel()
    for ax, column in zip(axes, columns):
        # Integers with few values (years, counts) read better as bars.
        few_values = kinds[column] == "integer" and real[column].nunique() <= max_categories
        if is_continuous(kinds[column]) and not few_values:
            r, f = as_float(real[column]), as_float(fake[column])
            r, f = r[~np.isnan(r)], f[~np.isnan(f)]
            both = np.concatenate([r, f])
            bins = np.histogram_bin_edges(both, bins=30) if both.size else 10
            ax.hist(r, bins=bins, density=True, alpha=0.5, color=_REAL_COLOR, label="real")
            ax.hist(f, bins=bins, density=True, alpha=0.5, color=_FAKE_COLOR, label="synthetic")
        else:
            r = _labels(real[column])
            f = _labels(fake[column])
            top = r.value_counts().index[:max_categories]
            if few_values:
                top = sorted(top, key=_numeric_order)
            r_freq = r.where(r.isin(top), "other").value_counts(normalize=True)
            f_freq = f.where(f.isin(top), "other").value_counts(normalize=True)
            labels = list(top) + (["other"] if "other" in r_freq.index.union(f_freq.index) else [])
            x = np.arange(len(labels))
            ax.bar(
                x - 0.2, r_freq.reindex(labels, fill_value=0), 0.4, color=_REAL_COLOR, label="real"
            )
            ax.bar(
                x + 0.2,
                f_freq.reindex(labels, fill_value=0),
                0.4,
                color=_FAKE_COLOR,
                label="synthetic",
            )
            ax.set_xticks(
                x, [str(label)[:12] for label in labels], rotation=45, ha="right", fontsize=7
            )
        ax.set_title(str(column), fontsize=9)
        ax.tick_params(labelsize=7)
    for ax in axes[len(columns) :]:
        ax.set_visible(False)
    axes[0].legend(fontsize=7)
    figure.tight_layout()
    return figure


def _labels(series):
    """Values as strings, missing ones as ``"<missing>"`` (no fillna: it downcasts on pandas 2)."""
    values = series.astype(object)
    return values.where(values.notna(), "<missing>").astype(str)


def _numeric_order(label):
    """Sort key of an integer column's bar labels: by value, "<missing>" last."""
    try:
        return (0, float(label))
    except ValueError:
        return (1, 0.0)


def _association_matrix(pairs, columns, which):
    matrix = pd.DataFrame(np.eye(len(columns)), index=columns, columns=columns)
    for row in pairs.itertuples(index=False):
        matrix.loc[row.column_1, row.column_2] = matrix.loc[row.column_2, row.column_1] = getattr(
            row, which
        )
    return matrix


def plot_association_heatmaps(real, synthetic, *, pairs=None, figure=None):
    """Heat maps of pairwise association in the real and synthetic tables, side by side.

    Pearson correlation for two continuous columns, Cramér's V (in ``[0, 1]``)
    for any other pair, as computed by
    :func:`skgen.metrics.column_pair_similarity`; the third panel shows the
    absolute difference.

    Parameters
    ----------
    real, synthetic : array-like or DataFrame with the same columns
    pairs : DataFrame, default=None
        The output of ``column_pair_similarity(real, synthetic)``, if already computed.
    figure : matplotlib Figure, default=None

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> from skgen.plotting import plot_association_heatmaps
    >>> X = np.random.default_rng(0).normal(size=(100, 3))
    >>> fig = plot_association_heatmaps(X, X, figure=Figure())
    >>> [ax.get_title() for ax in fig.axes[:3]]
    ['real', 'synthetic', '|real - synthetic|']
    """
    from ._fidelity import column_pair_similarity
    from ._tables import frames

    real, fake = frames(real, synthetic, names=["real", "synthetic"])
    if pairs is None:
        pairs = column_pair_similarity(real, fake)
    columns = list(real.columns)
    matrices = {
        "real": _association_matrix(pairs, columns, "real"),
        "synthetic": _association_matrix(pairs, columns, "synthetic"),
    }
    matrices["|real - synthetic|"] = (matrices["real"] - matrices["synthetic"]).abs()
    side = max(4.0, 0.35 * len(columns) + 2.0)
    figure = _new_figure(figure, (3 * side + 1, side))
    axes = figure.subplots(1, 3)
    images = []
    for ax, (title, matrix) in zip(axes, matrices.items()):
        vmin = 0.0 if title.startswith("|") else -1.0
        images.append(
            ax.imshow(
                matrix.to_numpy(dtype=float),
                vmin=vmin,
                vmax=1.0,
                cmap="RdBu_r" if vmin < 0 else "Reds",
            )
        )
        ticks = np.arange(len(columns))
        labels = [str(c)[:14] for c in columns]
        ax.set_xticks(ticks, labels, rotation=90, fontsize=7)
        ax.set_yticks(ticks, labels if ax is axes[0] else [""] * len(columns), fontsize=7)
        ax.set_title(title, fontsize=10)
    figure.colorbar(images[1], ax=list(axes[:2]), shrink=0.7)
    figure.colorbar(images[2], ax=axes[2], shrink=0.7)
    return figure


def plot_projection(real, synthetic, *, max_points=2000, random_state=0, figure=None):
    """Real and synthetic rows on the first two principal components of the real data.

    Rows are encoded (standardised continuous columns, one-hot categories) and
    projected with a PCA fit on the real rows.

    Parameters
    ----------
    real, synthetic : array-like or DataFrame with the same columns
    max_points : int, default=2000
        Points drawn from each table at most.
    random_state : int, default=0
    figure : matplotlib Figure, default=None

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> from skgen.plotting import plot_projection
    >>> X = np.random.default_rng(0).normal(size=(100, 3))
    >>> len(plot_projection(X, X + 1, figure=Figure()).axes)
    1
    """
    from sklearn.decomposition import PCA

    from ._tables import paired_features

    real_f, fake_f = paired_features(real, synthetic, max_points, random_state)
    n_components = min(2, real_f.shape[1])
    pca = PCA(n_components=n_components, random_state=random_state).fit(real_f)
    real_p, fake_p = pca.transform(real_f), pca.transform(fake_f)
    if n_components == 1:
        real_p = np.column_stack([real_p, np.zeros(len(real_p))])
        fake_p = np.column_stack([fake_p, np.zeros(len(fake_p))])
    figure = _new_figure(figure, (5.5, 5))
    ax = figure.subplots()
    ax.scatter(*real_p.T, s=6, alpha=0.4, color=_REAL_COLOR, label="real")
    ax.scatter(*fake_p.T, s=6, alpha=0.4, color=_FAKE_COLOR, label="synthetic")
    ratio = pca.explained_variance_ratio_
    ax.set_xlabel(f"PC 1 ({ratio[0]:.0%} of real variance)")
    ax.set_ylabel(f"PC 2 ({ratio[1]:.0%})" if n_components == 2 else "")
    ax.legend(markerscale=3)
    ax.set_title("2-D projection (PCA of real rows)", fontsize=10)
    return figure


def _tile(images, n_rows, n_columns):
    """A grid of ``(n, C, H, W)`` images scaled to [0, 1], as one ``(rows*H, columns*W[, 3])`` array."""
    n, channels, height, width = images.shape
    grid = np.ones((n_rows * (height + 1) - 1, n_columns * (width + 1) - 1, channels))
    for index in range(min(n, n_rows * n_columns)):
        row, column = divmod(index, n_columns)
        top, left = row * (height + 1), column * (width + 1)
        grid[top : top + height, left : left + width] = images[index].transpose(1, 2, 0)
    return grid[..., 0] if channels == 1 else grid[..., :3] if channels >= 3 else grid[..., 0]


def plot_image_grid(real, synthetic, *, n_images=64, image_shape=None, random_state=0, figure=None):
    """Real and synthetic images side by side, each as a grid.

    Both are drawn on the real images' pixel range (grey levels for one
    channel, RGB for three or more: the first three channels).

    Parameters
    ----------
    real, synthetic : images (n, H, W) or (n, C, H, W), or rows with ``image_shape``
    n_images : int, default=64
        Images drawn from each (a random subset, without replacement).
    image_shape : tuple, default=None
    random_state : int, default=0
    figure : matplotlib Figure, default=None

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np
    >>> from matplotlib.figure import Figure
    >>> from skgen.plotting import plot_image_grid
    >>> X = np.random.default_rng(0).integers(0, 256, size=(20, 8, 8)).astype(np.uint8)
    >>> len(plot_image_grid(X, X[::-1], figure=Figure()).axes)
    2
    """
    from ._images import as_images

    real = as_images(real, image_shape, name="real")
    synthetic = as_images(synthetic, image_shape, name="synthetic")
    low, high = real.min(), real.max()
    rng = np.random.default_rng(random_state)
    side = int(np.ceil(np.sqrt(min(n_images, max(len(real), len(synthetic))))))
    figure = _new_figure(figure, (10, 5.4))
    axes = figure.subplots(1, 2)
    for ax, images, title in ((axes[0], real, "real"), (axes[1], synthetic, "generated")):
        chosen = rng.choice(len(images), size=min(n_images, len(images)), replace=False)
        scaled = np.clip((images[np.sort(chosen)] - low) / ((high - low) or 1.0), 0.0, 1.0)
        ax.imshow(
            _tile(scaled, side, side), cmap="gray", vmin=0.0, vmax=1.0, interpolation="nearest"
        )
        ax.set_title(f"{title} ({len(images)} images)", fontsize=10)
        ax.set_axis_off()
    return figure
