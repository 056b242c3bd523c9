"""The application examples run end to end (slow: run with ``pytest -m slow``)."""

import runpy
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


@pytest.mark.slow
@pytest.mark.parametrize(
    "name", ["generative_classifier.py", "augmentation_imbalanced.py", "anomaly_detection.py"]
)
def test_example_runs(name, tmp_path, monkeypatch, capsys):
    pytest.importorskip("imblearn")
    pytest.importorskip("matplotlib")
    monkeypatch.chdir(tmp_path)
    runpy.run_path(str(EXAMPLES / name), run_name="__main__")
    assert capsys.readouterr().out
    if name == "anomaly_detection.py":
        assert (tmp_path / "anomaly_detection_roc.png").stat().st_size > 0
