"""The ``skgen`` command: in process (``main``), and once as ``python -m skgen``."""

import contextlib
import io
import os
import subprocess
import sys
import types
from pathlib import Path

import joblib
import pandas as pd
import pytest

from skgen.cli import main, snake_case
from skgen.datasets import load_penguins
from skgen.utils import all_estimators

ROOT = Path(__file__).resolve().parents[1]


def run_subprocess(*args, cwd):
    """The real entry point, ``python -m skgen`` (as the console script runs it)."""
    env = dict(
        os.environ,
        PYTHONPATH=str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", ""),
        OMP_NUM_THREADS="1",
    )
    return subprocess.run(
        [sys.executable, "-m", "skgen", *map(str, args)],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def run(*args, cwd):
    """``main`` in this process, from ``cwd``, with what it prints and its exit status.

    A subprocess costs seconds of imports per command; ``run_subprocess`` checks the real
    entry point once.
    """
    stdout, stderr = io.StringIO(), io.StringIO()
    previous = os.getcwd()
    os.chdir(cwd)
    try:
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            try:
                status = main([str(arg) for arg in args])
            except SystemExit as exit_info:
                status = exit_info.code
    finally:
        os.chdir(previous)
    return types.SimpleNamespace(
        returncode=status, stdout=stdout.getvalue(), stderr=stderr.getvalue()
    )


def test_snake_case_names():
    assert snake_case("GaussianCopula") == "gaussian_copula"
    assert snake_case("BernoulliRBM") == "bernoulli_rbm"
    assert snake_case("VAE") == "vae"
    assert snake_case("RealNVP") == "real_nvp"


@pytest.mark.parametrize("command", [[], ["synthesize"], ["evaluate"], ["models"]])
def test_help_of_every_command(command, capsys):
    # In-process (each subprocess costs a second or two of imports); the
    # subprocess tests below cover the real entry point.
    with pytest.raises(SystemExit) as exit_info:
        main([*command, "--help"])
    assert exit_info.value.code == 0
    assert capsys.readouterr().out.startswith("usage: skgen")


def test_models_lists_every_estimator(tmp_path):
    done = run_subprocess("models", cwd=tmp_path)
    assert done.returncode == 0
    lines = dict(line.split(None, 1) for line in done.stdout.strip().splitlines())
    assert lines["gaussian_copula"].startswith("Gaussian copula")
    assert set(lines) == {snake_case(name) for name, _ in all_estimators()}


def test_synthesize_with_no_data_uses_penguins_then_evaluate(tmp_path):
    # The default model is auto; two candidates (one mixture, one per species) keep it fast.
    done = run(
        "synthesize",
        "-n",
        120,
        "-o",
        "synthetic.csv",
        "--seed",
        3,
        "--save-model",
        "model.joblib",
        "--target",
        "species",
        "--candidates",
        "gaussian_mixture",
        "--verbose",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "Choosing a model for 344 rows x 8 columns" in done.stderr  # progress on stderr
    # Which model won and why, then every candidate's scores (--verbose).
    assert (
        "Chose ClassConditional(GaussianMixture()) on 'species': best quality + utility"
        in done.stderr
    )
    assert "Runner-up: GaussianMixture()" in done.stderr
    assert "rank" in done.stderr and "mean_fit_time" in done.stderr
    synthetic = pd.read_csv(tmp_path / "synthetic.csv")
    penguins = load_penguins()
    assert synthetic.shape == (120, 8) and list(synthetic.columns) == list(penguins.columns)
    assert set(synthetic["species"]) <= set(penguins["species"])
    model = joblib.load(tmp_path / "model.joblib")
    assert type(model).__name__ == "AutoGenerator" and model.random_state == 3
    assert model.target == "species" and model.time_budget == 60

    done = run(
        "evaluate",
        "penguins",
        "synthetic.csv",
        "--target",
        "species",
        "-o",
        "report.html",
        "--scores",
        "scores.csv",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert "344 real rows vs 120 synthetic rows" in done.stdout
    assert "shape_similarity" in done.stdout and "tstr" in done.stdout
    assert (tmp_path / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert "detection_score" in set(pd.read_csv(tmp_path / "scores.csv")["metric"])


def test_synthesize_a_file_with_a_chosen_model_and_parameters(tmp_path):
    frame = load_penguins()[["bill_length_mm", "flipper_length_mm", "island"]].dropna()
    frame.to_csv(tmp_path / "data.csv", index=False)
    done = run(
        "synthesize",
        "data.csv",
        "--model",
        "gaussian_mixture",
        "-p",
        "n_components=2",
        "-n",
        50,
        "-o",
        "out.csv",
        "--quiet",
        cwd=tmp_path,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    out = pd.read_csv(tmp_path / "out.csv")
    assert out.shape == (50, 3) and list(out.columns) == list(frame.columns)
    # Same seed, same rows.
    done = run(
        "synthesize",
        "data.csv",
        "--model",
        "GaussianMixture",
        "-p",
        "n_components=2",
        "-n",
        50,
        "-o",
        "again.csv",
        "-q",
        cwd=tmp_path,
    )
    pd.testing.assert_frame_equal(out, pd.read_csv(tmp_path / "again.csv"))


@pytest.mark.parametrize(
    "args, message",
    [
        (["synthesize", "--model", "no_such_model"], "unknown model 'no_such_model'"),
        (["synthesize", "missing.csv"], "cannot read 'missing.csv': no such file"),
        (["synthesize", "garbage.csv"], "cannot read 'garbage.csv'"),
        (
            ["synthesize", "small.csv", "--columns", "x", "nope"],
            "column 'nope' does not exist in small.csv",
        ),
        (["synthesize", "small.csv", "-p", "bogus=1"], "has no parameter 'bogus'"),
        (["synthesize", "small.csv", "-o", "out.xlsx"], "must end in .csv or .parquet"),
        (["synthesize", "small.csv", "--target", "nope"], "column 'nope' does not exist"),
        (
            ["synthesize", "small.csv", "-m", "gaussian_copula", "--target", "c"],
            "--target is used by --model auto",
        ),
        (
            ["evaluate", "small.csv", "small.csv", "--target", "nope"],
            "column 'nope' does not exist in small.csv",
        ),
        (["evaluate", "small.csv", "other.csv"], "column 'c' does not exist in other.csv"),
    ],
)
def test_errors_exit_non_zero_with_one_clear_line(tmp_path, args, message):
    pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "c": ["a", "b", "a", "b"]}).to_csv(
        tmp_path / "small.csv", index=False
    )
    pd.DataFrame({"x": [1.0, 2.0]}).to_csv(tmp_path / "other.csv", index=False)
    (tmp_path / "garbage.csv").write_bytes(b"\x00\xff\xfe binary \x00 not a table")
    done = run(*args, cwd=tmp_path)
    assert done.returncode == 1
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_usage_errors_exit_2(capsys):
    for argv, message in (
        (["synthesize", "-n", "0"], "positive integer"),
        (["frobnicate"], "invalid choice"),
    ):
        with pytest.raises(SystemExit) as exit_info:
            main(argv)
        assert exit_info.value.code == 2
        assert message in capsys.readouterr().err


def test_console_script_is_declared():
    text = (ROOT / "pyproject.toml").read_text()
    assert 'skgen = "skgen.cli:main"' in text


def test_spinner_redraws_on_a_terminal_and_reports_the_time():
    import io
    import time

    from skgen.cli import Spinner

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    stream = Terminal()
    with Spinner("Fitting model", stream=stream):
        time.sleep(0.25)
    text = stream.getvalue()
    assert text.count("\r") >= 2 and "Fitting model" in text
    assert text.endswith("s\n") and "Fitting model: done in" in text


@pytest.mark.parametrize("error", [ValueError, FloatingPointError])
def test_a_failing_fit_is_one_line_and_status_1(tmp_path, monkeypatch, capsys, error):
    # In-process with a stand-in model: a diverged deep model raises
    # FloatingPointError, a bad hyper-parameter value a ValueError.
    from sklearn.base import BaseEstimator

    import skgen.cli

    class Failing(BaseEstimator):
        def __init__(self, random_state=None):
            self.random_state = random_state

        def fit(self, X, y=None):
            raise error("Training diverged: the loss became nan in epoch 3.")

    monkeypatch.setattr(skgen.cli, "model_registry", lambda: {"failing": Failing})
    pd.DataFrame({"x": [1.0, 2.0, 3.0]}).to_csv(tmp_path / "d.csv", index=False)
    status = main(
        [
            "synthesize",
            str(tmp_path / "d.csv"),
            "-m",
            "failing",
            "-q",
            "-o",
            str(tmp_path / "o.csv"),
        ]
    )
    assert status == 1
    err = capsys.readouterr().err
    assert "skgen synthesize: error: fitting Failing failed: Training diverged" in err
    assert not (tmp_path / "o.csv").exists()
