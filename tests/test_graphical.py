"""Hidden Markov models and Bayesian networks against the truth (brute force, closed forms)."""

import itertools

import numpy as np
import pandas as pd
import pytest
from scipy.special import logsumexp

from skgen import GMMHMM, BayesianNetwork, CategoricalHMM, GaussianHMM
from skgen.exceptions import ZeroProbabilityError
from skgen.graphical._hmm_base import forward_backward, forward_backward_log, viterbi
from skgen.preprocessing import data_kind_of


def _random_hmm(rng, k):
    return rng.dirichlet(np.ones(k)), rng.dirichlet(np.ones(k), size=k)


def _brute_force(log_b, startprob, transmat):
    """log p(x) and state posteriors of one sequence, by summing over every path."""
    t, k = log_b.shape
    paths = np.array(list(itertools.product(range(k), repeat=t)))
    with np.errstate(divide="ignore"):
        scores = np.log(startprob[paths[:, 0]]) + log_b[0, paths[:, 0]]
        for i in range(1, t):
            scores += np.log(transmat[paths[:, i - 1], paths[:, i]]) + log_b[i, paths[:, i]]
    total = logsumexp(scores)
    weights = np.exp(scores - total)
    posteriors = np.array([[weights[paths[:, i] == s].sum() for s in range(k)] for i in range(t)])
    best = paths[np.argmax(scores)]
    return total, posteriors, best, scores.max()


@pytest.mark.parametrize("lengths", [[1], [4, 1, 3], [5]])
def test_forward_backward_and_viterbi_match_brute_force(lengths):
    rng = np.random.default_rng(0)
    lengths = np.array(lengths)
    startprob, transmat = _random_hmm(rng, 3)
    transmat[0, 2] = 0.0  # forbidden transitions are allowed
    transmat[0] /= transmat[0].sum()
    log_b = rng.normal(size=(lengths.sum(), 3)) * 3
    log_lik, posteriors, xi_sum = forward_backward(log_b, lengths, startprob, transmat)
    path, best = viterbi(log_b, lengths, startprob, transmat)
    starts = np.cumsum(lengths) - lengths
    for i, (s, n) in enumerate(zip(starts, lengths)):
        total, post, best_path, best_score = _brute_force(log_b[s : s + n], startprob, transmat)
        assert log_lik[i] == pytest.approx(total, rel=1e-12)
        np.testing.assert_allclose(posteriors[s : s + n], post, atol=1e-12)
        np.testing.assert_array_equal(path[s : s + n], best_path)
        assert best[i] == pytest.approx(best_score)
    reference = forward_backward_log(log_b, lengths, startprob, transmat)
    np.testing.assert_allclose(xi_sum, reference[2], rtol=1e-10, atol=1e-12)


def test_chunked_pass_matches_log_space_on_long_sequences_and_underflow():
    rng = np.random.default_rng(1)
    lengths = np.array([300, 3, 1, 400])
    startprob, transmat = _random_hmm(rng, 4)
    log_b = rng.normal(size=(lengths.sum(), 4)) * 20
    fast = forward_backward(log_b, lengths, startprob, transmat)
    slow = forward_backward_log(log_b, lengths, startprob, transmat)
    for a, b in zip(fast, slow):
        np.testing.assert_allclose(a, b, rtol=1e-9, atol=1e-10)
    # A row no state reachable from the previous one can explain: the scaled
    # pass underflows and falls back to log space, with the same answer.
    transmat = np.array([[1.0, 0.0], [0.0, 1.0]])
    log_b = np.array([[0.0, -800.0], [-800.0, 0.0], [0.0, -800.0]])
    got = forward_backward(log_b, np.array([3]), np.array([0.5, 0.5]), transmat)
    want = forward_backward_log(log_b, np.array([3]), np.array([0.5, 0.5]), transmat)
    assert np.isfinite(got[0]).all() and got[0] == pytest.approx(want[0])


def test_categorical_hmm_is_normalised_over_all_sequences():
    X = np.array([[0, 1, 1, 2, 0, 2, 2, 1]]).T
    model = CategoricalHMM(2, max_iter=3, random_state=0).fit(X, lengths=[5, 3])
    every = np.array(list(itertools.product(range(3), repeat=3))).reshape(-1, 1)
    scores = model.score_samples(every, lengths=np.full(27, 3))
    assert np.exp(logsumexp(scores)) == pytest.approx(1.0)
    with pytest.raises(ZeroProbabilityError, match="not symbols"):
        model.score_samples(np.array([[7]]))


def test_em_increases_likelihood_and_restarts_keep_the_best():
    rng = np.random.default_rng(0)
    states = np.repeat([0, 1, 0, 1], 40)
    X = rng.normal(states[:, None] * 3.0, 1.0, size=(160, 2))
    model = GaussianHMM(2, covariance_type="full", max_iter=30, tol=-np.inf, random_state=0)
    model.fit(X, lengths=[80, 80])
    assert np.all(np.diff(model.history_) > -1e-8)
    assert model.log_likelihood_ == pytest.approx(model.score(X, lengths=[80, 80]) * 2)
    single = [GaussianHMM(3, n_init=1, random_state=s).fit(X).log_likelihood_ for s in range(3)]
    assert GaussianHMM(3, n_init=3, random_state=0).fit(X).log_likelihood_ >= min(single)
    # The states are found: Viterbi recovers the regimes.
    path = model.predict(X, lengths=[80, 80])
    assert max(np.mean(path == states), np.mean(path != states)) > 0.95
    posteriors = model.transform(X, lengths=[80, 80])
    np.testing.assert_allclose(posteriors.sum(axis=1), 1.0)


def test_fit_recovers_a_known_hmm_near_its_true_likelihood():
    true = GaussianHMM(
        2,
        init={
            "startprob": [0.5, 0.5],
            "transmat": [[0.9, 0.1], [0.2, 0.8]],
            "means": [[0.0], [4.0]],
            "covars": [[1.0], [0.5]],
        },
        max_iter=0,
    ).fit(np.array([[0.0], [1.0]]))
    X, lengths = true.sample(40, length=50, random_state=1)
    fitted = GaussianHMM(2, random_state=0).fit(X, lengths=lengths)
    gap = fitted.score(X, lengths=lengths) - true.score(X, lengths=lengths)
    assert 0 <= gap < 2.0  # the MLE beats the truth on its training data, by little
    np.testing.assert_allclose(np.sort(fitted.means_.ravel()), [0.0, 4.0], atol=0.2)


def test_samples_follow_the_model():
    """Symbol and pair frequencies of samples match the model's exact probabilities."""
    model = CategoricalHMM(
        2,
        init={
            "startprob": [0.7, 0.3],
            "transmat": [[0.8, 0.2], [0.3, 0.7]],
            "emissionprob": [[0.9, 0.1], [0.2, 0.8]],
        },
        max_iter=0,
    ).fit(np.array([[0], [1]]))
    values, lengths = model.sample(20000, length=2, random_state=0)
    pairs = values.reshape(-1, 2)
    every = np.array(list(itertools.product(range(2), repeat=2)))
    exact = np.exp(model.score_samples(every.reshape(-1, 1), lengths=np.full(4, 2)))
    observed = [np.mean((pairs == p).all(axis=1)) for p in every]
    np.testing.assert_allclose(observed, exact, atol=0.015)
    assert values.dtype == np.int64


def test_gmmhmm_and_left_to_right_init():
    rng = np.random.default_rng(0)
    X = np.concatenate([rng.normal(0, 1, (60, 1)), rng.normal(6, 1, (60, 1))])
    init = {"startprob": [1.0, 0.0], "transmat": [[0.9, 0.1], [0.0, 1.0]]}
    model = GMMHMM(2, n_mix=2, init=init, max_iter=10, random_state=0).fit(X)
    assert model.transmat_[1, 0] == 0.0 and model.startprob_[1] == 0.0
    np.testing.assert_allclose(model.weights_.sum(axis=1), 1.0)
    assert np.all(np.diff(model.predict(X)) >= 0)  # left to right: states never go back
    with pytest.raises(ValueError, match="unknown parameters"):
        GaussianHMM(2, init={"mean": [[0.0]]}).fit(X)
    with pytest.raises(ValueError, match="n_samples=1"):
        GaussianHMM(2).fit(X[:1])


def test_sequence_input_forms():
    rng = np.random.default_rng(0)
    parts = [rng.normal(size=(n, 2)) for n in (5, 9, 4)]
    joined, lengths = np.concatenate(parts), [5, 9, 4]
    a = GaussianHMM(2, random_state=0).fit(parts)
    b = GaussianHMM(2, random_state=0).fit(joined, lengths=lengths)
    np.testing.assert_allclose(a.score_samples(parts), b.score_samples(joined, lengths=lengths))
    assert isinstance(a.sample(2), list) and isinstance(b.sample(2), tuple)
    # Without lengths, a 2-D array is one sequence for a sequence-only model.
    assert data_kind_of(joined, None, ("sequence",), "M") == "sequence"
    assert GaussianHMM(2, random_state=0).fit(joined).score_samples(joined).shape == (1,)
    with pytest.raises(ValueError, match="takes sequences"):
        GaussianHMM().fit(pd.DataFrame(joined))


# ------------------------------------------------------------ Bayesian networks
def _discrete_frame(n=400, seed=0):
    rng = np.random.default_rng(seed)
    a = rng.choice(["x", "y"], size=n, p=[0.3, 0.7])
    b = np.where(a == "x", rng.random(n) < 0.8, rng.random(n) < 0.1)
    c = np.where(
        b,
        rng.choice(["u", "v", "w"], size=n),
        rng.choice(["u", "v", "w"], size=n, p=[0.7, 0.2, 0.1]),
    )
    return pd.DataFrame({"a": pd.Categorical(a), "b": b, "c": pd.Categorical(c)})


@pytest.mark.parametrize(
    "structure", ["chow_liu", "hill_climb", [("a", "b"), ("a", "c"), ("b", "c")]]
)
def test_discrete_network_is_normalised_and_conditions_exactly(structure):
    frame = _discrete_frame()
    model = BayesianNetwork(structure, random_state=0).fit(frame)
    every = pd.DataFrame(
        list(itertools.product(["x", "y"], [False, True], ["u", "v", "w"])), columns=["a", "b", "c"]
    ).astype({"a": frame["a"].dtype, "c": frame["c"].dtype})
    probs = np.exp(model.score_samples(every))
    assert probs.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(model.transform(every).sum(axis=1), np.log(probs))
    # Exact conditional sampling, evidence on a child: frequencies match P(a, b | c = "w").
    drawn = model.sample(20000, random_state=0, conditions={"c": "w"})
    assert (drawn["c"] == "w").all() and model.last_acceptance_rate_ == 1.0
    posterior = probs * (every["c"] == "w").to_numpy()
    posterior /= posterior.sum()
    for (a, b), p in zip(
        itertools.product(["x", "y"], [False, True]), posterior[every["c"] == "w"]
    ):
        assert np.mean((drawn["a"] == a) & (drawn["b"] == b)) == pytest.approx(p, abs=0.015)


def test_structures_found():
    frame = _discrete_frame(2000)
    tree = BayesianNetwork().fit(frame)
    assert {frozenset(e) for e in tree.edges_} == {frozenset(("a", "b")), frozenset(("b", "c"))}
    climbed = BayesianNetwork("hill_climb").fit(frame)
    assert {frozenset(e) for e in climbed.edges_} == {frozenset(("a", "b")), frozenset(("b", "c"))}
    with pytest.raises(ValueError, match="cycle"):
        BayesianNetwork([("a", "b"), ("b", "a")]).fit(frame)
    with pytest.raises(ValueError, match="unknown columns"):
        BayesianNetwork([("a", "zz")]).fit(frame)


def test_continuous_density_integrates_to_one_and_matches_samples():
    x = np.random.default_rng(0).gamma(2.0, size=(40, 1))
    model = BayesianNetwork(n_bins=4, random_state=0).fit(x)
    encoding, binning = model._encodings_[0], model._binnings_[0]
    # The density is smooth between the encoding's knots and the bins' edges:
    # integrate piece by piece with the midpoint rule.
    breaks = np.unique(np.concatenate([encoding.knots, encoding.unscale_values(binning.edges)]))
    breaks = np.concatenate([[breaks[0] - 30.0], breaks, [breaks[-1] + 200.0]])
    pieces = breaks[:-1, None] + (np.arange(2000) + 0.5) / 2000 * np.diff(breaks)[:, None]
    widths = np.repeat(np.diff(breaks) / 2000, 2000)
    density = np.exp(model.score_samples(pieces.reshape(-1, 1)))
    assert np.sum(density * widths) == pytest.approx(1.0, abs=2e-3)
    # Samples follow the density: P(x < median) from both.
    drawn = model.sample(20000, random_state=0)[:, 0]
    cut = np.median(x)
    below = pieces.ravel() < cut
    assert np.mean(drawn < cut) == pytest.approx(np.sum((density * widths)[below]), abs=0.015)


def test_mixed_table_conditions_on_continuous_and_missing_values():
    from conftest import make_mixed_frame

    frame = make_mixed_frame(300)
    model = BayesianNetwork("hill_climb", random_state=0).fit(frame)
    drawn = model.sample(50, random_state=0, conditions={"value": 6.5, "group": "c"})
    assert (drawn["value"] == 6.5).all() and (drawn["group"] == "c").all()
    pd.testing.assert_series_equal(drawn.dtypes, frame.dtypes)
    missing = model.sample(20, random_state=0, conditions={"value": None})
    assert missing["value"].isna().all()
    with pytest.raises(ValueError, match="datetime"):
        model.sample(2, conditions={"when": 3.0})
    terms = model.transform(frame)
    np.testing.assert_allclose(terms.sum(axis=1), model.score_samples(frame))


def test_plot_bayesian_network():
    pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    from skgen.plotting import plot_bayesian_network

    model = BayesianNetwork().fit(_discrete_frame())
    figure = plot_bayesian_network(model, figure=Figure())
    assert len(figure.axes[0].texts) == 3 + len(model.edges_)  # nodes, then arrows
