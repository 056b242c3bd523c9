"""skgen.metrics.evaluate: the report object, its summary, HTML and figures."""

import sys

import numpy as np
import pytest

from skgen import GaussianCopula
from skgen.metrics import EvaluationReport, evaluate

from conftest import make_mixed_frame


@pytest.fixture(scope="module")
def tables():
    frame = make_mixed_frame(300)
    train, holdout = (
        frame.iloc[:200].reset_index(drop=True),
        frame.iloc[200:].reset_index(drop=True),
    )
    synthetic = GaussianCopula(random_state=0).fit(train).sample(200, random_state=0)
    return train, holdout, synthetic


def test_report_scores_groups_follow_the_arguments(tables):
    train, holdout, synthetic = tables
    plain = evaluate(holdout, synthetic)
    assert isinstance(plain, EvaluationReport)
    assert list(plain.scores.columns) == ["group", "metric", "value", "better", "range", "meaning"]
    assert set(plain.scores["group"]) == {"fidelity", "distance"}
    full = evaluate(holdout, synthetic, train=train, target="group")
    assert set(full.scores["group"]) == {"fidelity", "distance", "utility", "privacy"}
    assert {
        "tstr",
        "trtr",
        "dcr_ratio",
        "exact_copy_rate",
        "membership_inference_advantage",
    } <= set(full.scores["metric"])
    assert full["shape_similarity"] == pytest.approx(full.column_shapes["score"].mean())
    assert np.isfinite(full.scores["value"]).all()


def test_report_tells_copies_from_a_model(tables):
    train, holdout, synthetic = tables
    copied = evaluate(holdout, train, train=train)
    modelled = evaluate(holdout, synthetic, train=train)
    assert copied["exact_copy_rate"] == 1.0 and copied["dcr_ratio"] == 0.0
    assert modelled["exact_copy_rate"] == 0.0 and modelled["dcr_ratio"] > 0.5
    assert copied["membership_inference_advantage"] > modelled["membership_inference_advantage"]


def test_summary_names_every_metric_and_direction(tables):
    train, holdout, synthetic = tables
    report = evaluate(holdout, synthetic, target="flag")
    text = report.summary()
    for metric in report.scores["metric"]:
        assert metric in text
    assert "higher is better" in text and "lower is better" in text
    assert "Least faithful columns" in text


def test_unknown_target_is_a_clear_error(tables):
    _, holdout, synthetic = tables
    with pytest.raises(ValueError, match="'nope' does not exist"):
        evaluate(holdout, synthetic, target="nope")


def test_to_html_is_self_contained_with_figures(tables, tmp_path):
    pytest.importorskip("matplotlib")
    train, holdout, synthetic = tables
    report = evaluate(holdout, synthetic, train=train, target="group")
    path = tmp_path / "report.html"
    document = report.to_html(path)
    assert path.read_text(encoding="utf-8") == document
    assert document.count('src="data:image/png;base64,') == 3
    assert "http" not in document.replace("http-equiv", "")  # nothing fetched from elsewhere
    assert "membership_inference_advantage" in document


def test_plot_returns_the_three_figures(tables):
    pytest.importorskip("matplotlib")
    from matplotlib import pyplot as plt

    _, holdout, synthetic = tables
    figures = evaluate(holdout, synthetic).plot()
    assert set(figures) == {"columns", "associations", "projection"}
    assert len([ax for ax in figures["columns"].axes if ax.get_visible()]) == holdout.shape[1]
    for figure in figures.values():
        plt.close(figure)


def test_missing_matplotlib_is_explained(tables, monkeypatch, tmp_path):
    _, holdout, synthetic = tables
    report = evaluate(holdout, synthetic)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # import matplotlib now fails
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)
    with pytest.raises(ImportError, match=r'pip install "skgen\[plot\]"'):
        report.plot()
    with pytest.warns(UserWarning, match="no figures"):
        document = report.to_html(tmp_path / "r.html")
    assert "Figures need matplotlib" in document and "data:image/png" not in document


def test_column_figure_with_a_few_valued_integer_column_with_missing_values():
    # Bars sorted by value used to call float("<missing>") and crash.
    pytest.importorskip("matplotlib")
    import pandas as pd
    from matplotlib.figure import Figure

    from skgen.plotting import plot_column_distributions

    rng = np.random.default_rng(0)
    real = pd.DataFrame({"n": pd.Series(rng.integers(0, 8, 200) * 7 + 60, dtype="Int64")})
    real.loc[:20, "n"] = pd.NA
    fake = pd.DataFrame({"n": pd.Series(rng.integers(0, 80, 200), dtype="Int64")})
    figure = plot_column_distributions(real, fake, figure=Figure())
    labels = [tick.get_text() for tick in figure.axes[0].get_xticklabels()]
    assert labels[-2:] == ["<missing>", "other"]
    assert labels[:-2] == sorted(labels[:-2], key=float)
