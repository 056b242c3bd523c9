"""Language models (NGramLM, TransformerLM): exact scores, sampling, windows, features, CLI."""

import itertools
import math
from collections import Counter

import numpy as np
import pytest
import torch
from sklearn.base import clone
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skgen import NGramLM, TransformerLM
from skgen.metrics import bits_per_character, perplexity
from skgen.neural.modules.transformer import window_start

torch.set_num_threads(1)

CORPUS = ["abba", "ab", "ba", "", "aab", "bab", "a", "abab", "bb", "aba"]
TINY = dict(n_layers=1, n_heads=2, d_model=16, batch_size=16, lr=0.03, random_state=0)


def _ngram(**params):
    return NGramLM(**{"order": 3, "random_state": 0, **params})


@pytest.fixture(scope="module")
def transformer():
    """A tiny transformer whose context (4 positions) is shorter than some documents."""
    return TransformerLM(context_length=4, max_epochs=15, **TINY).fit(CORPUS * 3)


# --------------------------------------------------------------- n-grams
def reference_kneser_ney(documents, order, discounts, unknown="\N{SNOWMAN}"):
    """Interpolated Kneser-Ney written out with dictionaries, as in Chen and Goodman (1999).

    ``discounts[k - 1]`` holds the discounts of counts 1, 2, 3+ at order k.
    Returns ``log P(document)`` as a function of a string.
    """
    begin, end = "<s>", "</s>"
    vocabulary = sorted(set("".join(documents)))
    outcomes = vocabulary + [unknown, end]

    def padded(document):
        symbols = [c if c in vocabulary else unknown for c in document]
        return [begin] * (order - 1) + symbols + [end]

    raw = Counter()
    for document in documents:
        s = padded(document)
        for t in range(order - 1, len(s)):
            for k in range(1, order + 1):
                raw[tuple(s[t - k + 1 : t + 1])] += 1
    adjusted = {}
    for gram, count in raw.items():
        k = len(gram)
        if k == order or gram[0] == begin:
            adjusted[gram] = count
        else:
            adjusted[gram] = len({g[0] for g in raw if len(g) == k + 1 and g[1:] == gram})

    def discount(k, count):
        return 0.0 if count == 0 else discounts[k - 1][min(count, 3) - 1]

    def probability(history, symbol):
        p = 1.0 / len(outcomes)
        for k in range(1, order + 1):
            context = tuple(history[len(history) - (k - 1) :]) if k > 1 else ()
            counts = {w: adjusted.get(context + (w,), 0) for w in outcomes}
            total = sum(counts.values())
            if total == 0:
                continue
            gamma = sum(discount(k, c) for c in counts.values()) / total
            p = (counts[symbol] - discount(k, counts[symbol])) / total + gamma * p
        return p

    def log_probability(document):
        s = padded(document)
        return sum(math.log(probability(s[:t], s[t])) for t in range(order - 1, len(s)))

    return log_probability


@pytest.mark.parametrize("order", [1, 2, 4])
@pytest.mark.parametrize("discount", ["auto", 0.6])
def test_ngram_scores_match_a_plain_kneser_ney(order, discount):
    model = _ngram(order=order, discount=discount).fit(CORPUS)
    reference = reference_kneser_ney(CORPUS, order, model.discounts_)
    tests = CORPUS + ["bbbbbb", "ab\N{SNOWMAN}a", "\N{SNOWMAN}", "c"]
    expected = [reference(d) for d in tests]
    np.testing.assert_allclose(model.score_samples(tests), expected, rtol=1e-12)


def test_ngram_discounts_follow_chen_and_goodman():
    model = _ngram(order=2).fit(CORPUS)
    # Highest order (bigrams): raw counts; n1..n4 counted by hand from the corpus.
    grams = Counter()
    for d in CORPUS:
        s = ["<s>"] + list(d) + ["</s>"]
        grams.update(zip(s, s[1:]))
    n = [sum(1 for c in grams.values() if min(c, 4) == i) for i in (1, 2, 3, 4)]
    y = n[0] / (n[0] + 2 * n[1])
    expected = [1 - 2 * y * n[1] / n[0], 2 - 3 * y * n[2] / n[1], 3 - 4 * y * n[3] / n[2]]
    np.testing.assert_allclose(model.discounts_[1], np.clip(expected, 0.05, [0.99, 2, 3]))


@pytest.mark.parametrize("order", [1, 3])
def test_ngram_is_normalised_over_all_documents(order):
    """P(documents of at most L symbols) + P(no end within L symbols) = 1, exactly."""
    model = _ngram(order=order).fit(CORPUS)
    alphabet, max_length = ["a", "b", "\N{SNOWMAN}"], 4
    shorter = [
        "".join(p) for n in range(max_length + 1) for p in itertools.product(alphabet, repeat=n)
    ]
    longer = ["".join(p) for p in itertools.product(alphabet, repeat=max_length + 1)]
    codes = model.codec_.encode(model, longer)
    windows, _ = model._windows(codes)
    # P(prefix) = P(prefix then end) / P(end | prefix): the end is each document's last window.
    ends = np.cumsum(codes.lengths + 1) - 1
    p_end = model._probabilities(windows[ends])
    total = (
        np.exp(model.score_samples(shorter)).sum()
        + (np.exp(model.score_samples(longer)) / p_end).sum()
    )
    assert total == pytest.approx(1.0, abs=1e-12)


def test_ngram_samples_follow_the_scored_distribution():
    model = _ngram(order=2).fit(CORPUS)
    samples = model.sample(20000, max_length=50, random_state=0)
    counts = Counter(samples)
    documents = [d for d, _ in counts.most_common(8)]
    expected = np.exp(model.score_samples(documents))
    observed = np.array([counts[d] for d in documents]) / len(samples)
    # Binomial standard errors are at most 0.0036 here.
    np.testing.assert_allclose(observed, expected, atol=0.012)


def test_ngram_transform_counts_every_scored_ngram():
    model = _ngram(order=3, n_features=4096).fit(CORPUS)
    features = model.transform(CORPUS)
    assert features.shape == (len(CORPUS), 4096) and features.dtype == np.float64
    # Each symbol and each end contributes one 1-gram, one 2-gram and one 3-gram.
    np.testing.assert_array_equal(features.sum(axis=1), [3 * (len(d) + 1) for d in CORPUS])
    # Same n-grams, same features; a one-document transform is that row.
    np.testing.assert_array_equal(model.transform(["ab", "ab"])[0], model.transform(["ab"])[0])
    np.testing.assert_array_equal(model.transform(CORPUS[:1])[0], features[0])


def test_ngram_sampling_distribution_with_temperature_and_top_k():
    from skgen.graphical.ngram import _restrict

    probs = np.array([[0.5, 0.3, 0.2, 0.0], [0.1, 0.0, 0.3, 0.6]])
    hot = _restrict(probs, unknown_code=1, temperature=2.0, top_k=None)
    expected = np.sqrt([[0.5, 0.0, 0.2, 0.0], [0.1, 0.0, 0.3, 0.6]])
    np.testing.assert_allclose(hot, expected / expected.sum(1, keepdims=True))
    top = _restrict(probs, unknown_code=1, temperature=1.0, top_k=2)
    np.testing.assert_allclose(top, [[5 / 7, 0, 2 / 7, 0], [0, 0, 1 / 3, 2 / 3]])
    cold = _restrict(probs, unknown_code=1, temperature=1e-9, top_k=None)
    np.testing.assert_array_equal(cold, [[1, 0, 0, 0], [0, 0, 0, 1]])


def test_ngram_fit_rejects_bad_parameters():
    with pytest.raises(ValueError, match="order"):
        NGramLM(order=0).fit(CORPUS)
    with pytest.raises(ValueError, match="discount"):
        NGramLM(discount=0.0).fit(CORPUS)


# ----------------------------------------------------------- transformer
def _step_by_step_log_prob(model, document, use_cache):
    """log P(document) accumulated one prediction at a time, as generation computes it."""
    module = model._inference_module_
    codes = model.codec_.encode(model, [document]).values
    sequence = torch.tensor([module.begin, *codes, module.end])
    total, cache, start = 0.0, None, -1
    with torch.no_grad():
        for t in range(len(sequence) - 1):
            s = window_start(t, module.context_length)
            if use_cache and cache is not None and s == start:
                hidden, cache = module.hidden(sequence[None, t : t + 1], cache)
            else:
                hidden, cache = module.hidden(sequence[None, s : t + 1])
                start = s
            total += module.next_log_probs(hidden[:, -1])[0, sequence[t + 1]].item()
    return total


def test_window_start_rule():
    assert [window_start(t, 4) for t in range(10)] == [0, 0, 0, 0, 2, 2, 4, 4, 6, 6]
    assert [window_start(t, 1) for t in range(4)] == [0, 1, 2, 3]


def test_transformer_scores_long_documents_window_by_window(transformer):
    """Documents longer than the context are scored whole, as generation would predict them."""
    documents = ["", "ab", "abba", "abababab", "bbaabbaabbaab", "ab\N{SNOWMAN}ab"]
    windows, document = transformer._windows(transformer.codec_.encode(transformer, documents))
    assert np.bincount(document).tolist() == [1, 1, 2, 4, 6, 2]
    scores = transformer.score_samples(documents)
    for use_cache in (True, False):
        expected = [_step_by_step_log_prob(transformer, d, use_cache) for d in documents]
        np.testing.assert_allclose(scores, expected, rtol=1e-10)
    # One document's score does not depend on the others scored with it.
    assert transformer.score_samples(documents[3:4])[0] == pytest.approx(scores[3], rel=1e-12)


def test_transformer_is_normalised_over_all_documents(transformer):
    alphabet = ["a", "b", "\N{SNOWMAN}"]
    documents = ["".join(p) for n in range(8) for p in itertools.product(alphabet, repeat=n)]
    total = np.exp(transformer.score_samples(documents)).sum()
    # At most 1 (more would be over-normalised); the rest is documents of 8+ symbols.
    assert 0.97 < total <= 1.0 + 1e-9


def test_transformer_samples_follow_the_scored_distribution(transformer):
    samples = transformer.sample(4000, max_length=60, random_state=0)
    counts = Counter(samples)
    documents = [d for d, _ in counts.most_common(6)]
    expected = np.exp(transformer.score_samples(documents))
    observed = np.array([counts[d] for d in documents]) / len(samples)
    np.testing.assert_allclose(observed, expected, atol=0.025)  # binomial s.e. <= 0.008


def test_kv_cache_gives_the_same_draws_as_full_windows(transformer):
    module = transformer._inference_module_
    draws = []
    for use_cache in (True, False):
        generator = torch.Generator().manual_seed(0)
        draws.append(
            module.generate(
                torch.tensor([0]), 6, 15, generator, use_cache=use_cache, stop_at_end=False
            )
        )
    assert draws[0][0].shape == (6, 15)  # past the 4-position context: the window moved
    assert torch.equal(draws[0][0], draws[1][0]) and torch.equal(draws[0][1], draws[1][1])


def test_transformer_weights_are_tied_in_training_and_inference(transformer):
    for module in (transformer.net_.module_, transformer._inference_module_):
        assert module.head.weight is module.token_embedding.weight


def test_transformer_training_reduces_the_loss(transformer):
    losses = transformer.net_.history[:, "train_nll"]
    assert losses[-1] < 0.8 * losses[0]


def test_transformer_transform_mean_pools_hidden_states(transformer):
    documents = ["ab", "abababab", ""]
    features = transformer.transform(documents)
    assert features.shape == (3, 16) and features.dtype == np.float64
    module = transformer._inference_module_
    codes = transformer.codec_.encode(transformer, ["ab"]).values
    with torch.no_grad():
        hidden = module.hidden(torch.tensor([[module.begin, *codes]]))[0][0]
    np.testing.assert_allclose(features[0], hidden.mean(0).numpy(), rtol=1e-10)
    np.testing.assert_allclose(transformer.transform(documents[1:2])[0], features[1], rtol=1e-10)


def test_transformer_rejects_heads_that_do_not_divide_the_width():
    with pytest.raises(ValueError, match="multiple of n_heads"):
        TransformerLM(d_model=10, n_heads=4, max_epochs=1).fit(CORPUS)


# ---------------------------------------------------- both: sampling API
MODELS = [
    pytest.param(lambda: _ngram(), id="NGramLM"),
    pytest.param(lambda: TransformerLM(context_length=4, max_epochs=3, **TINY), id="TransformerLM"),
]


@pytest.mark.parametrize("make", MODELS)
def test_sampling_options(make):
    model = make().fit(CORPUS)
    with_prompt = model.sample(20, prompt="ba", max_length=7, random_state=0)
    assert all(s.startswith("ba") and len(s) <= 7 for s in with_prompt)
    # An unseen symbol in the prompt is conditioned on as the unknown symbol and returned as given.
    assert all(
        s.startswith("\N{SNOWMAN}a") for s in model.sample(3, prompt="\N{SNOWMAN}a", random_state=0)
    )
    assert all(set(s) <= {"a", "b"} for s in model.sample(200, max_length=30, random_state=1))
    assert model.sample(4, max_length=0, random_state=0) == [""] * 4
    assert model.sample(2, prompt="ab", max_length=2, random_state=0) == ["ab", "ab"]
    # A temperature near 0 draws the most likely symbol, as top_k=1 does (ties alike).
    greedy = model.sample(10, top_k=1, max_length=30, random_state=0)
    assert model.sample(10, temperature=1e-6, max_length=30, random_state=0) == greedy
    assert greedy != model.sample(10, max_length=30, random_state=0)
    with pytest.raises(ValueError, match="shorter than the prompt"):
        model.sample(1, prompt="abab", max_length=2)
    with pytest.raises(ValueError, match="temperature"):
        model.sample(1, temperature=0.0)
    with pytest.raises(ValueError, match="top_k"):
        model.sample(1, top_k=0)
    with pytest.raises(ValueError, match="prompt must be a string"):
        model.sample(1, prompt=[1, 2])


@pytest.mark.parametrize("make", MODELS)
def test_integer_tokens_in_and_out(make):
    melodies = [
        np.array([60, 62, 64, 65, 67, 65, 64, 62, 60]),
        np.array([67, 64, 60]),
        np.array([60, 67]),
    ] * 3
    model = make().fit(melodies)
    samples = model.sample(30, max_length=12, random_state=0)
    assert all(isinstance(s, np.ndarray) and s.dtype == melodies[0].dtype for s in samples)
    assert set(np.concatenate(samples).tolist()) <= {60, 62, 64, 65, 67}
    prompted = model.sample(3, prompt=np.array([60, 62]), random_state=0)
    assert all(s[:2].tolist() == [60, 62] for s in prompted)
    scores = model.score_samples([np.array([60, 62]), np.array([61, 99, 60])])
    assert np.isfinite(scores).all()
    with pytest.raises(ValueError, match="token sequence"):
        model.sample(1, prompt="ab")


@pytest.mark.parametrize("make", MODELS)
def test_perplexity_and_bits_per_character(make):
    model = make().fit(CORPUS)
    total = model.score_samples(CORPUS).sum()
    n = sum(len(d) + 1 for d in CORPUS)
    assert perplexity(model, CORPUS) == pytest.approx(math.exp(-total / n))
    assert bits_per_character(model, CORPUS) == pytest.approx(-total / n / math.log(2))
    tokens = [np.array([1, 2, 1]), np.array([2])]
    token_model = clone(model).fit(tokens)
    expected = math.exp(-token_model.score_samples(tokens).sum() / 6)  # 4 tokens + 2 ends
    assert perplexity(token_model, tokens) == pytest.approx(expected)


def _two_languages(n, random_state):
    rng = np.random.default_rng(random_state)
    y = rng.integers(0, 2, n)
    letters = [np.array(list("abcd")), np.array(list("cdef"))]
    X = ["".join(rng.choice(letters[label], size=rng.integers(3, 9))) for label in y]
    return X, y


@pytest.mark.parametrize(
    "model",
    [
        pytest.param(NGramLM(order=2, n_features=256), id="NGramLM"),
        pytest.param(TransformerLM(context_length=8, max_epochs=4, **TINY), id="TransformerLM"),
    ],
)
def test_pipeline_with_logistic_regression_classifies_text(model):
    X, y = _two_languages(200, 0)
    X_test, y_test = _two_languages(100, 1)
    pipeline = make_pipeline(model, LogisticRegression(C=100, max_iter=1000)).fit(X, y)
    assert pipeline.score(X_test, y_test) > 0.9


# ------------------------------------------------------------------- CLI
@pytest.mark.parametrize("model", ["ngram_lm", "transformer_lm"])
def test_cli_synthesizes_a_text_file(tmp_path, model, capsys):
    from skgen.cli import main

    source = tmp_path / "names.txt"
    source.write_text("anna\nhannah\n\nada\r\notto\n", encoding="utf-8")
    output = tmp_path / "new.txt"
    params = (
        ["-p", "max_epochs=1", "-p", "d_model=8", "-p", "n_heads=2"]
        if model == "transformer_lm"
        else []
    )
    status = main(
        ["synthesize", str(source), "--model", model, "-n", "7", "-o", str(output), "-q", *params]
    )
    assert status == 0
    lines = output.read_text(encoding="utf-8").split("\n")
    assert len(lines) == 8 and lines[-1] == ""  # 7 documents, each ending its line
    assert set("".join(lines)) <= set("anhdot")


def test_cli_text_errors(tmp_path, capsys):
    from skgen.cli import main, read_text

    assert main(["synthesize", "--model", "ngram_lm", "-o", str(tmp_path / "x.txt")]) == 1
    assert "text file" in capsys.readouterr().err
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert main(["synthesize", str(empty), "--model", "ngram_lm"]) == 1
    assert "no lines" in capsys.readouterr().err
    source = tmp_path / "a.txt"
    source.write_text("x\ny", encoding="utf-8")
    assert read_text(str(source)) == ["x", "y"]
    assert main(["synthesize", str(source), "--model", "ngram_lm", "--columns", "a"]) == 1


def test_transformer_samples_in_groups(transformer, monkeypatch):
    import skgen.neural.sequence.transformer_lm as transformer_lm

    monkeypatch.setattr(transformer_lm, "_SAMPLING_GROUP", 3)
    samples = transformer.sample(7, max_length=9, random_state=0)
    assert len(samples) == 7 and all(len(s) <= 9 and set(s) <= {"a", "b"} for s in samples)


def test_transformer_early_stopping_on_held_out_windows():
    model = TransformerLM(
        context_length=4, max_epochs=30, early_stopping=True, n_iter_no_change=2, **TINY
    ).fit(CORPUS * 3)
    history = model.net_.history
    assert "valid_nll" in history[-1] and len(history) < 30
