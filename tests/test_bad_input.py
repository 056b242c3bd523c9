"""A catalogue of bad and unusual inputs, tried on every estimator and on the command line.

Every case either works (and the test checks the result) or fails with a
clear error: the test asserts the error's type *and* that its message names
the column, parameter, class or file at fault. Cases are parametrised over
every estimator that ``skgen.utils.all_estimators()`` lists (with the fast
parameters of ``tests/_estimator_config.py``), so a new model family inherits
the whole catalogue. An estimator declares the kinds of data it takes in its
``_data_kinds`` class attribute; a case on tables is skipped, by
:func:`takes_tables`, for an estimator that takes none.

Run the catalogue alone with ``pytest tests/test_bad_input.py``.
"""

import functools
import os
import re

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from skgen.anomaly import GenerativeOutlierDetector
from skgen.augmentation import GenerativeResampler
from skgen.cli import main
from skgen.conditional import ClassConditional
from skgen.exceptions import ZeroProbabilityError

from _estimator_config import estimator_instances

ESTIMATORS = estimator_instances()


def takes_tables(estimator):
    """Whether ``estimator`` takes tables: 2-D arrays and DataFrames.

    Every estimator declares the kinds of data it takes in its ``_data_kinds``
    class attribute (``"table"``, ``"sequence"``, ``"text"``, ``"image"``).
    """
    return "table" in getattr(type(estimator), "_data_kinds", ("table",))


def _id(estimator):
    return type(estimator).__name__


def _numbers(n_samples=60, random_state=0):
    rng = np.random.default_rng(random_state)
    X = rng.normal(size=(n_samples, 3))
    X[:, 1] += X[:, 0]
    return X


def _table(n_samples=80, random_state=0):
    """Mixed columns: continuous, integer, categorical, an always-True boolean."""
    rng = np.random.default_rng(random_state)
    group = rng.choice(["a", "b", "c"], size=n_samples, p=[0.5, 0.3, 0.2])
    return pd.DataFrame(
        {
            "value": rng.normal(size=n_samples) + (group == "b"),
            "count": rng.poisson(8, size=n_samples).astype(np.int64),
            "group": pd.Series(group, dtype="category"),
            "always": np.ones(n_samples, dtype=bool),
        }
    )


@functools.cache
def _fitted(name, container):
    """One fitted model per estimator and container, shared by the cases."""
    estimator = next(e for e in ESTIMATORS if _id(e) == name)
    X = _numbers() if container == "array" else _table()
    return clone(estimator).set_params(random_state=0).fit(X)


CASES = []


def case(function):
    CASES.append(function)
    return function


def _raises(error, *names):
    """``pytest.raises(error)`` whose message must contain every one of ``names``."""
    pattern = "".join(f"(?=[\\s\\S]*{re.escape(name)})" for name in names)
    return pytest.raises(error, match=pattern)


# ------------------------------------------------------------- fit time
@case
def complex_array(estimator):
    X = _numbers().astype(complex)
    X[:, 2] += 1j
    with _raises(ValueError, "Complex data not supported", "column 0"):
        clone(estimator).fit(X)


@case
def complex_column(estimator):
    frame = _table().assign(z=lambda f: f["value"] + 2j)
    with _raises(ValueError, "'z'", "complex"):
        clone(estimator).fit(frame)


@case
def datetime_array(estimator):
    X = np.array(["2024-01-01", "2024-03-05", "2025-07-09"] * 20, dtype="datetime64[D]")
    with _raises(ValueError, "datetime64[D]", "DataFrame"):
        clone(estimator).fit(X.reshape(-1, 1))


@case
def text_in_an_array(estimator):
    X = _numbers().astype(object)
    X[5, 1] = "twelve"
    with _raises(ValueError, "column 1"):
        clone(estimator).fit(X)


@case
def list_cells(estimator):
    frame = _table().assign(tags=[["x", "y"]] * 80)
    with _raises(ValueError, "'tags'", "list"):
        clone(estimator).fit(frame)


@case
def dict_cells(estimator):
    frame = _table().assign(meta=[{"k": 1}] * 80)
    with _raises(ValueError, "'meta'", "dict"):
        clone(estimator).fit(frame)


@case
def values_near_1e160_in_an_array(estimator):
    X = _numbers()
    X[:, 1] *= 1e160
    with _raises(ValueError, "Column 1", "1e+150"):
        clone(estimator).fit(X)


@case
def values_near_1e160_in_a_column(estimator):
    frame = _table().assign(big=lambda f: f["value"] * 1e160)
    with _raises(ValueError, "'big'", "1e+150"):
        clone(estimator).fit(frame)


@case
def large_values_below_the_limit_work(estimator):
    # 1e140 is within the documented limit: finite scores, finite samples.
    X = _numbers() * 1e140
    model = clone(estimator).set_params(random_state=0).fit(X)
    assert np.isfinite(model.score_samples(X[:5])).all()
    assert np.isfinite(model.sample(5)).all()


@case
def infinity_in_a_column(estimator):
    frame = _table()
    frame.loc[3, "value"] = np.inf
    with _raises(ValueError, "'value'", "infinity"):
        clone(estimator).fit(frame)


@case
def a_column_with_no_value(estimator):
    frame = _table().assign(empty=np.nan)
    with _raises(ValueError, "'empty'", "no observed values"):
        clone(estimator).fit(frame)


@case
def zero_width_hidden_layer(estimator):
    if "hidden_layer_sizes" not in estimator.get_params():
        pytest.skip("no hidden_layer_sizes parameter")
    with _raises(ValueError, "hidden_layer_sizes", "(0,)"):
        clone(estimator).set_params(hidden_layer_sizes=(0,)).fit(_numbers())


@case
def a_single_row(estimator):
    # Either a model of one row, or an error that says there is one row.
    try:
        model = clone(estimator).set_params(random_state=0).fit(_numbers()[:1])
    except ValueError as error:
        assert re.search(r"n_samples=1|1 sample", str(error)), error
        assert "GaussianMixture" not in str(error) or _id(estimator).endswith("GaussianMixture")
    else:
        assert model.sample(3).shape == (3, 3)


# ------------------------------------------------------------ after fit
@case
def dataframe_to_a_model_fit_on_an_array(estimator):
    model = _fitted(_id(estimator), "array")
    frame = pd.DataFrame(_numbers()[:5], columns=["a", "b", "c"])
    with _raises(ValueError, _id(estimator), "fit on a numeric array", "DataFrame"):
        model.score_samples(frame)
    if hasattr(model, "transform"):
        with _raises(ValueError, "fit on a numeric array"):
            model.transform(frame)


@case
def array_to_a_model_fit_on_a_dataframe(estimator):
    model = _fitted(_id(estimator), "frame")
    with _raises(ValueError, "fit on a DataFrame", "'group'"):
        model.score_samples(_table().to_numpy())


@case
def unseen_category(estimator):
    model = _fitted(_id(estimator), "frame")
    rows = _table().head(3).astype({"group": object})
    rows.loc[0, "group"] = "zzz"
    with _raises(ZeroProbabilityError, "'group'", "zzz"):
        model.score_samples(rows)


@case
def a_boolean_that_was_always_true(estimator):
    model = _fitted(_id(estimator), "frame")
    # sample, score_samples and conditions agree: False never existed.
    assert model.sample(400, random_state=0)["always"].all()
    rows = _table().head(2).assign(always=False)
    with _raises(ZeroProbabilityError, "'always'"):
        model.score_samples(rows)
    with _raises(ValueError, "'always'", "never takes the value False"):
        model.sample(3, conditions={"always": False})


@case
def condition_given_as_an_array(estimator):
    model = _fitted(_id(estimator), "frame")
    rows = model.sample(10, random_state=0, conditions={"group": np.array(["c"])})
    assert (rows["group"] == "c").all() and len(rows) == 10
    rows = model.sample(4, random_state=0, conditions={"group": ["b"]})
    assert (rows["group"] == "b").all()
    with _raises(ValueError, "conditions['group']", "2 values"):
        model.sample(3, conditions={"group": np.array(["a", "b"])})


@case
def condition_on_a_continuous_column(estimator):
    model = _fitted(_id(estimator), "frame")
    # A model that conditions exactly may take a continuous value; the others
    # (rejection sampling) refuse it, naming the column.
    try:
        rows = model.sample(3, random_state=0, conditions={"value": [0.5]})
    except ValueError as error:
        assert "'value'" in str(error) and "discrete" in str(error), error
    else:
        assert (rows["value"] == 0.5).all()
    with _raises(ValueError, "'nope'"):
        model.sample(3, conditions={"nope": 1})


@case
def latent_point_with_nan(estimator):
    model = _fitted(_id(estimator), "frame")
    if not hasattr(model, "inverse_transform"):
        pytest.skip("no inverse_transform")
    Z = model.transform(_table().head(3))
    Z[1, 0] = np.nan
    with _raises(ValueError, "row 1, column 0", "finite"):
        model.inverse_transform(Z)


# ------------------------------------------------------ meta-estimators
@case
def a_class_with_one_row(estimator):
    X = _numbers()
    y = np.array(["big"] * 59 + ["tiny"])
    resampler = GenerativeResampler(clone(estimator), random_state=0)
    try:
        X_res, y_res = resampler.fit_resample(X, y)
    except ValueError as error:
        assert "class 'tiny' (1 row)" in str(error), error
    else:
        assert (y_res == "tiny").sum() == 59 and np.isfinite(X_res).all()


@case
def meta_estimators_given_the_other_container(estimator):
    X = _numbers()
    y = np.repeat([0, 1], 30)
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    classifier = ClassConditional(clone(estimator).set_params(random_state=0)).fit(X, y)
    with _raises(ValueError, "ClassConditional", "fit on a numeric array"):
        classifier.predict(frame)
    detector = GenerativeOutlierDetector(clone(estimator), random_state=0).fit(X)
    with _raises(ValueError, "GenerativeOutlierDetector", "fit on a numeric array"):
        detector.predict(frame)


@pytest.mark.parametrize("estimator", ESTIMATORS, ids=_id)
@pytest.mark.parametrize("bad_input", CASES, ids=lambda f: f.__name__)
def test_bad_input(estimator, bad_input):
    if not takes_tables(estimator):
        pytest.skip(f"{_id(estimator)} takes no tables")
    bad_input(estimator)


def test_hopeless_condition_stops_early_with_bounded_draws():
    from skgen import GaussianMixture

    # Two categories seen once each, in different rows: together the model
    # gives them a probability near 1e-6.
    frame = _table(400)
    frame["rare"] = pd.Series(["common"] * 400, dtype="category").cat.add_categories(["one"])
    frame["rare2"] = "usual"
    frame.loc[0, "rare"], frame.loc[1, "rare2"] = "one", "once"
    model = GaussianMixture(2, random_state=0).fit(frame)
    drawn = []
    original = model._sample_decoded
    model._sample_decoded = lambda n, rng: drawn.append(n) or original(n, rng)
    with _raises(ValueError, "Rejection sampling", "'rare'", "too rare"):
        model.sample(20, random_state=0, conditions={"rare": "one", "rare2": "once"})
    assert max(drawn) <= 100_000  # memory bounded by the batch size
    assert sum(drawn) < 1_000_000  # stopped before the budget was spent


# ----------------------------------------------------------- the command line
@pytest.fixture
def small_csv(tmp_path):
    path = tmp_path / "data.csv"
    pd.DataFrame({"x": np.arange(30.0) / 7, "c": ["a", "b", "c"] * 10}).to_csv(path, index=False)
    return path


def _cli(capsys, *args):
    status = main([str(a) for a in args])
    err = capsys.readouterr().err
    return status, err


def _error_line(err):
    lines = [line for line in err.splitlines() if "error:" in line]
    assert len(lines) == 1 and err.strip().endswith(lines[0].strip()), err
    return lines[0]


def test_cli_refuses_to_write_over_its_input(tmp_path, small_csv, capsys):
    before = small_csv.read_bytes()
    status, err = _cli(capsys, "synthesize", small_csv, "-o", small_csv, "-q", "--force")
    assert status == 1 and "it is the input DATA" in _error_line(err) and str(small_csv) in err
    # Also through a link, and for evaluate's --scores and -o.
    link = tmp_path / "link.csv"
    os.symlink(small_csv, link)
    status, err = _cli(capsys, "synthesize", small_csv, "-o", link, "-q", "--force")
    assert status == 1 and "it is the input DATA" in _error_line(err)
    status, err = _cli(capsys, "evaluate", small_csv, small_csv, "--scores", small_csv, "--force")
    assert status == 1 and "--scores" in _error_line(err) and "input REAL" in err
    status, err = _cli(capsys, "evaluate", small_csv, small_csv, "-o", small_csv, "-q", "-f")
    assert status == 1 and "-o" in _error_line(err)
    assert small_csv.read_bytes() == before


def test_cli_refuses_existing_outputs_unless_forced(tmp_path, small_csv, capsys):
    out, model = tmp_path / "out.csv", tmp_path / "model.joblib"
    out.write_text("precious\n")
    args = ["synthesize", small_csv, "-m", "gaussian_mixture", "-n", 5, "-q", "-o", out]
    status, err = _cli(capsys, *args)
    assert status == 1 and "'-o'" not in err and str(out) in _error_line(err) and "--force" in err
    assert out.read_text() == "precious\n"
    # Checked before any work: a taken --save-model path stops the run too.
    model.write_text("old model")
    status, err = _cli(capsys, *args[:-1], tmp_path / "new.csv", "--save-model", model)
    assert status == 1 and "--save-model" in _error_line(err) and "already exists" in err
    assert not (tmp_path / "new.csv").exists() and model.read_text() == "old model"
    status, err = _cli(capsys, *args, "--force")
    assert status == 0, err
    assert len(pd.read_csv(out)) == 5
    status, err = _cli(capsys, *args[:-1], out, "--save-model", out, "--force")
    assert status == 1 and "same file" in _error_line(err)


def test_cli_failed_save_model_leaves_no_table(tmp_path, small_csv, capsys, monkeypatch):
    import joblib

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(joblib, "dump", fail)
    out = tmp_path / "synthetic.csv"
    status, err = _cli(
        capsys, "synthesize", small_csv, "-m", "gaussian_mixture", "-q", "-n", 5, "-o", out,
        "--save-model", tmp_path / "m.joblib",
    )  # fmt: skip
    assert status == 1 and "m.joblib" in _error_line(err) and "No space left" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.csv"]  # no table, no temp file


def test_cli_checks_output_folders_before_work(tmp_path, small_csv, capsys):
    status, err = _cli(capsys, "synthesize", small_csv, "-q", "-o", tmp_path / "no" / "o.csv")
    assert status == 1 and "does not exist" in _error_line(err) and "o.csv" in err


def test_cli_reads_semicolon_separated_files(tmp_path, capsys):
    path = tmp_path / "semi.csv"
    pd.DataFrame({"x": np.arange(30.0) / 7, "c": ["a", "b", "c"] * 10}).to_csv(
        path, sep=";", index=False
    )
    out = tmp_path / "out.csv"
    status, err = _cli(
        capsys, "synthesize", path, "-m", "gaussian_mixture", "-q", "-n", 8, "-o", out
    )
    assert status == 0, err
    assert list(pd.read_csv(out).columns) == ["x", "c"]
    # A column whose values hold the separator is refused, not read as one column.
    ambiguous = tmp_path / "one.csv"
    ambiguous.write_text("a\n" + "\n".join(f"{i};{i + 1}" for i in range(20)) + "\n")
    status, err = _cli(capsys, "synthesize", ambiguous, "-q", "-o", tmp_path / "o2.csv")
    assert status == 1 and "one.csv" in _error_line(err) and "';'" in err


def test_cli_evaluate_refuses_numbers_against_text(tmp_path, small_csv, capsys):
    text = tmp_path / "text.csv"
    pd.DataFrame({"x": ["low", "high"] * 15, "c": ["a", "b", "c"] * 10}).to_csv(text, index=False)
    status, err = _cli(capsys, "evaluate", small_csv, text, "-q")
    assert status == 1 and "'x'" in _error_line(err) and "numbers in real but text" in err


def test_cli_bad_parameter_value_is_one_line(tmp_path, small_csv, capsys):
    status, err = _cli(
        capsys, "synthesize", small_csv, "-m", "vae", "-p", "hidden_layer_sizes=(0,)", "-q",
        "-o", tmp_path / "o.csv",
    )  # fmt: skip
    assert status == 1 and "hidden_layer_sizes" in _error_line(err)
    status, err = _cli(
        capsys, "synthesize", small_csv, "-m", "gaussian_mixture", "-p", "n_components=0",
        "-q", "-o", tmp_path / "o.csv",
    )  # fmt: skip
    assert status == 1 and "n_components" in _error_line(err)
    assert not (tmp_path / "o.csv").exists()


def test_cli_unexpected_error_is_one_line(tmp_path, small_csv, capsys, monkeypatch):
    import skgen.cli

    def broken(path):
        raise RuntimeError("line one\nline two")

    monkeypatch.setattr(skgen.cli, "read_table", broken)
    status, err = _cli(capsys, "synthesize", small_csv, "-q", "-o", tmp_path / "o.csv")
    assert status == 1 and "RuntimeError: line one line two" in _error_line(err)
