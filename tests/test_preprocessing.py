import numpy as np
import pandas as pd
import pytest

from skgen.preprocessing import TabularEncoder

from conftest import make_mixed_frame


def test_kinds_are_inferred(mixed_frame):
    encoder = TabularEncoder().fit(mixed_frame)
    assert encoder.kinds_ == {
        "value": "continuous",
        "count": "integer",
        "group": "categorical",
        "label": "categorical",
        "flag": "boolean",
        "when": "datetime",
    }
    forced = TabularEncoder(discrete_columns=["count"]).fit(mixed_frame)
    assert forced.kinds_["count"] == "categorical"


def test_standard_round_trip_is_exact(mixed_frame):
    encoder = TabularEncoder().fit(mixed_frame)
    restored = encoder.inverse_transform(encoder.transform(mixed_frame))
    pd.testing.assert_frame_equal(restored, mixed_frame)
    assert restored["value"].isna().equals(mixed_frame["value"].isna())


@pytest.mark.parametrize("continuous", ["quantile", "mode"])
def test_other_encodings_round_trip(mixed_frame, continuous):
    encoder = TabularEncoder(continuous, random_state=0).fit(mixed_frame)
    restored = encoder.inverse_transform(encoder.transform(mixed_frame))
    pd.testing.assert_series_equal(restored.dtypes, mixed_frame.dtypes)
    for column in ("group", "label", "flag", "count", "when"):
        pd.testing.assert_series_equal(restored[column], mixed_frame[column])
    np.testing.assert_allclose(restored["value"], mixed_frame["value"], rtol=1e-6, atol=1e-6)


def test_layout_describes_the_matrix(mixed_frame):
    encoder = TabularEncoder().fit(mixed_frame)
    Z = encoder.transform(mixed_frame)
    assert Z.shape[1] == sum(span.width for span in encoder.layout_)
    roles = [(span.column, span.role, span.width) for span in encoder.layout_]
    assert ("value", "value", 1) in roles and ("value", "missing", 2) in roles
    assert ("group", "category", 3) in roles
    assert ("label", "category", 3) in roles  # x, y and missing
    # The missing indicator reproduces the training missing rate.
    start = encoder.layout_[0].width  # the "missing" span follows the value
    assert Z[:, start + 1].mean() == pytest.approx(mixed_frame["value"].isna().mean())
    mode = TabularEncoder("mode", random_state=0).fit(mixed_frame)
    assert [s.activation for s in mode.layout_ if s.role == "value"] == ["tanh"] * 3


def test_soft_outputs_decode_by_argmax(mixed_frame):
    encoder = TabularEncoder().fit(mixed_frame)
    Z = encoder.transform(mixed_frame)
    noisy = Z + np.random.default_rng(0).uniform(0, 0.3, size=Z.shape) * (Z < 0.5)
    restored = encoder.inverse_transform(noisy)
    pd.testing.assert_series_equal(restored["group"], mixed_frame["group"])


def test_high_cardinality_columns_are_capped():
    rng = np.random.default_rng(0)
    values = rng.zipf(1.5, size=2000) % 300
    frame = pd.DataFrame({"city": pd.Series(values.astype(str), dtype=object)})
    encoder = TabularEncoder(max_categories=10, random_state=0).fit(frame)
    assert encoder.layout_[0].width == 10
    restored = encoder.inverse_transform(encoder.transform(frame), random_state=0)
    assert set(restored["city"]) <= set(frame["city"])
    # The nine most frequent values survive exactly; rare ones are redrawn.
    top = frame["city"].value_counts().index[:9]
    kept = frame["city"].isin(top)
    assert (restored["city"][kept] == frame["city"][kept]).all()
    assert restored["city"][~kept].nunique() > 1
    # Rare values are scored by their share of the merged bucket.
    rare = frame["city"][~kept]
    share = rare.value_counts(normalize=True)
    jac = encoder.log_abs_det_jacobian(frame)
    np.testing.assert_allclose(jac[~kept.to_numpy()], np.log(share[rare].to_numpy()))
    np.testing.assert_array_equal(jac[kept.to_numpy()], 0.0)


@pytest.mark.parametrize("continuous", ["standard", "quantile"])
def test_log_jacobian_matches_finite_differences(continuous):
    rng = np.random.default_rng(1)
    frame = pd.DataFrame({"a": rng.gamma(2.0, 3.0, 500), "b": rng.normal(5, 2, 500)})
    encoder = TabularEncoder(continuous, n_quantiles=50).fit(frame)
    # Fresh draws: training values are knots of the quantile map, where its slope jumps.
    probe = pd.DataFrame({"a": rng.gamma(2.0, 3.0, 20), "b": rng.normal(5, 2, 20)})
    h = 1e-6
    numeric = np.zeros(len(probe))
    for column in frame.columns:
        up, down = probe.copy(), probe.copy()
        up[column] += h
        down[column] -= h
        j = list(frame.columns).index(column)
        slope = (encoder.transform(up)[:, j] - encoder.transform(down)[:, j]) / (2 * h)
        numeric += np.log(np.abs(slope))
    np.testing.assert_allclose(encoder.log_abs_det_jacobian(probe), numeric, rtol=1e-4, atol=1e-4)


def test_clear_errors(mixed_frame):
    encoder = TabularEncoder().fit(mixed_frame)
    bad = mixed_frame.head(3).copy()
    bad["group"] = pd.Categorical(["a", "zzz", "b"], categories=["a", "b", "zzz"])
    with pytest.raises(ValueError, match="unseen categories.*zzz"):
        encoder.transform(bad)
    with pytest.raises(ValueError, match="missing columns"):
        encoder.transform(mixed_frame.drop(columns="flag"))
    complete = make_mixed_frame(50).dropna()
    strict = TabularEncoder().fit(complete)
    with pytest.raises(ValueError, match="had none when the encoder was fit"):
        strict.transform(mixed_frame)
    with pytest.raises(ValueError, match="0 sample"):
        TabularEncoder().fit(mixed_frame.head(0))


def test_numeric_array_input():
    X = np.random.default_rng(0).normal(size=(30, 2))
    encoder = TabularEncoder().fit(X)
    np.testing.assert_allclose(encoder.inverse_transform(encoder.transform(X)), X)


def test_penguins_round_trip_is_exact():
    from skgen.datasets import load_penguins

    df = load_penguins()
    encoder = TabularEncoder().fit(df)
    pd.testing.assert_frame_equal(encoder.inverse_transform(encoder.transform(df)), df)
    assert encoder.kinds_["year"] == "categorical"  # three distinct years
    assert encoder.kinds_["flipper_length_mm"] == "integer"  # whole numbers stored as float


def test_quantile_encoding_gives_every_value_a_finite_score():
    rng = np.random.default_rng(2)
    frame = pd.DataFrame({"x": rng.normal(size=300)})
    encoder = TabularEncoder("quantile").fit(frame)
    far = pd.DataFrame({"x": [-50.0, -5.0, 5.0, 50.0]})
    z = encoder.transform(far)[:, 0]
    assert np.all(np.isfinite(z)) and np.all(np.diff(z) > 0)
    assert np.all(np.isfinite(encoder.log_abs_det_jacobian(far)))
    # Decoding inverts the map; values are then clipped to the training range.
    restored = encoder.inverse_transform(encoder.transform(far))["x"]
    np.testing.assert_allclose(restored, far["x"].clip(frame["x"].min(), frame["x"].max()))
