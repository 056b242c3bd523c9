"""Small but real generators for each kind of data, defined on skgen's base class.

They are the reference models of the per-kind contract tests in
``tests/test_common.py``: a family that adds a sequence, text or image model
inherits those tests, and these models show that the base class alone (no
family code) gives every kind its validation, seeding, containers and
round trips. Each is exact, so its scores can be checked against the truth.
"""

import numpy as np
from scipy.special import logsumexp
from scipy.stats import norm

from skgen.base import BaseGenerator
from skgen.preprocessing import Sequences


def _smoothed_log_probs(counts, alpha):
    counts = np.asarray(counts, dtype=float) + alpha
    return np.log(counts / counts.sum(axis=-1, keepdims=True))


class IndependentGaussianSequences(BaseGenerator):
    """Sequences whose rows are i.i.d. diagonal Gaussians; the length follows the training lengths.

    log p(sequence) = log P(length) + sum over rows of log N(row; mean, diag(var)).
    """

    _data_kinds = ("sequence",)

    def __init__(self, var_floor=1e-6, random_state=None):
        self.var_floor = var_floor
        self.random_state = random_state

    def _fit(self, data, seed):
        self.mean_ = data.values.mean(axis=0)
        self.scale_ = np.sqrt(data.values.var(axis=0) + self.var_floor)
        values, counts = np.unique(data.lengths, return_counts=True)
        self.length_log_probs_ = dict(zip(values.tolist(), np.log(counts / counts.sum())))

    def _score_samples(self, data):
        row_scores = norm.logpdf(data.values, self.mean_, self.scale_).sum(axis=1)
        per_sequence = np.add.reduceat(row_scores, data.starts)
        length_scores = [self.length_log_probs_.get(int(n), -np.inf) for n in data.lengths]
        return per_sequence + np.array(length_scores)

    def _sample(self, n_samples, rng, lengths):
        values = rng.normal(self.mean_, self.scale_, size=(int(lengths.sum()), self.mean_.size))
        return Sequences(values, lengths)


class PositionalCategorical(BaseGenerator):
    """Documents whose symbols are independent per position, with a categorical length.

    log p(document) = log P(length) + sum_t log P_t(symbol_t), with additive
    smoothing ``alpha`` over every symbol (the unknown symbol included) and
    over every length from 0 to the longest training document.
    """

    _data_kinds = ("text",)

    def __init__(self, alpha=0.1, random_state=None):
        self.alpha = alpha
        self.random_state = random_state

    def _fit(self, data, seed):
        n_symbols, longest = self.codec_.n_symbols, int(data.lengths.max(initial=0))
        counts = np.zeros((max(longest, 1), n_symbols))
        positions = np.arange(data.values.size) - np.repeat(data.starts, data.lengths)
        np.add.at(counts, (positions, data.values), 1.0)
        self.symbol_log_probs_ = _smoothed_log_probs(counts, self.alpha)
        self.length_log_probs_ = _smoothed_log_probs(np.bincount(data.lengths), self.alpha)

    def _score_samples(self, data):
        too_long = data.lengths >= self.length_log_probs_.size
        positions = np.arange(data.values.size) - np.repeat(data.starts, data.lengths)
        positions = np.minimum(positions, self.symbol_log_probs_.shape[0] - 1)
        symbol_scores = self.symbol_log_probs_[positions, data.values]
        per_document = np.zeros(data.n_sequences)
        np.add.at(per_document, np.repeat(np.arange(data.n_sequences), data.lengths), symbol_scores)
        lengths = np.minimum(data.lengths, self.length_log_probs_.size - 1)
        return np.where(too_long, -np.inf, per_document + self.length_log_probs_[lengths])

    def _sample(self, n_samples, rng):
        length_probs = np.exp(self.length_log_probs_)
        lengths = rng.choice(length_probs.size, size=n_samples, p=length_probs / length_probs.sum())
        probs = np.exp(self.symbol_log_probs_[:, : self.codec_.unknown_code])
        probs /= probs.sum(axis=1, keepdims=True)  # never the unknown symbol
        positions = np.concatenate([np.arange(n) for n in lengths]).astype(int)
        cumulative = probs.cumsum(axis=1)[positions]
        draws = rng.random(positions.size)[:, None]
        values = (draws > cumulative).sum(axis=1)
        return Sequences(np.minimum(values, probs.shape[1] - 1), lengths.astype(np.int64))


class PixelCategorical(BaseGenerator):
    """Images whose pixels are independent categoricals over the training levels (exact,
    counting measure), with additive smoothing ``alpha``."""

    _data_kinds = ("image",)
    _image_view = "image"
    _dequantize_images = False

    def __init__(self, alpha=0.5, image_shape=None, random_state=None):
        self.alpha = alpha
        self.image_shape = image_shape
        self.random_state = random_state

    def _levels(self, images):
        return np.rint(images - self.codec_.low).astype(np.intp).reshape(images.shape[0], -1)

    def _fit(self, data, seed):
        if not self.codec_.discrete:
            raise ValueError("PixelCategorical models discrete pixel values; these are not whole numbers.")
        levels = self._levels(data)
        counts = np.zeros((levels.shape[1], self.codec_.n_levels))
        np.add.at(counts, (np.broadcast_to(np.arange(levels.shape[1]), levels.shape), levels), 1.0)
        self.pixel_log_probs_ = _smoothed_log_probs(counts, self.alpha)

    def _score_samples(self, data):
        levels = self._levels(data)
        inside = (levels >= 0) & (levels < self.pixel_log_probs_.shape[1])
        clipped = np.clip(levels, 0, self.pixel_log_probs_.shape[1] - 1)
        scores = self.pixel_log_probs_[np.arange(levels.shape[1]), clipped]
        return np.where(inside.all(axis=1), scores.sum(axis=1), -np.inf)

    def _sample(self, n_samples, rng):
        cumulative = np.exp(self.pixel_log_probs_).cumsum(axis=1)
        draws = rng.random((n_samples, cumulative.shape[0], 1))
        levels = np.minimum((draws > cumulative).sum(axis=2), cumulative.shape[1] - 1)
        return (levels + self.codec_.low).reshape((n_samples,) + tuple(self.codec_.image_shape))


def total_probability_of_all_documents(model, alphabet, max_length):
    """Sum of exp(score) over every document up to ``max_length`` symbols of ``alphabet``."""
    documents = [""]
    frontier = [""]
    for _ in range(max_length):
        frontier = [d + c for d in frontier for c in alphabet]
        documents += frontier
    return float(np.exp(logsumexp(model.score_samples(documents))))


# ------------------------------------------------------------------ deep
import torch  # noqa: E402
from torch import nn  # noqa: E402

from skgen.neural import NeuralGenerator  # noqa: E402


class _UnigramModule(nn.Module):
    """Symbols i.i.d. from learnt logits, then an end symbol (code ``n_symbols``)."""

    loss_terms = ("nll",)

    def __init__(self, n_symbols):
        super().__init__()
        self.logits = nn.Parameter(torch.zeros(n_symbols + 1))

    def log_prob(self, tokens, lengths):
        log_p = torch.log_softmax(self.logits, dim=0)
        mask = torch.arange(tokens.shape[1], device=tokens.device) < lengths[:, None]
        return (log_p[tokens] * mask).sum(-1) + log_p[-1]

    def loss(self, tokens, lengths):
        return {"nll": -self.log_prob(tokens, lengths).mean()}

    def sample(self, n_samples, generator, max_length=20):
        log_p = torch.log_softmax(self.logits, dim=0)
        probs = torch.exp(log_p[:-2])  # drop the unknown symbol (known symbols only) ...
        stop = torch.exp(log_p[-1])  # ... and stop with the end symbol's probability
        probs = torch.cat([probs, stop[None]]) / (probs.sum() + stop)
        draws = torch.multinomial(probs.expand(n_samples, -1), max_length, True, generator=generator)
        ended = draws == probs.numel() - 1
        lengths = torch.where(ended.any(1), ended.float().argmax(1), torch.tensor(max_length))
        return draws, lengths


class DeepUnigramLM(NeuralGenerator):
    """A deep model of the text kind, trained through the shared base: i.i.d. symbols
    with learnt probabilities and an end symbol. It exercises the data hooks
    (padded ``{"tokens", "lengths"}`` batches, a Sequences output)."""

    _data_kinds = ("text",)

    def __init__(
        self,
        *,
        max_epochs=30,
        batch_size=16,
        lr=0.1,
        optimizer="adam",
        device="auto",
        callbacks=None,
        early_stopping=False,
        validation_fraction=0.1,
        n_iter_no_change=10,
        warm_start=False,
        verbose=0,
        random_state=None,
    ):
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.optimizer = optimizer
        self.device = device
        self.callbacks = callbacks
        self.early_stopping = early_stopping
        self.validation_fraction = validation_fraction
        self.n_iter_no_change = n_iter_no_change
        self.warm_start = warm_start
        self.verbose = verbose
        self.random_state = random_state

    def _prepare(self, data):
        self.n_symbols_ = self.codec_.n_symbols

    def _build_module(self):
        return _UnigramModule(self.n_symbols_)

    def _model_input(self, data, dtype):
        return {"tokens": data.padded(), "lengths": data.lengths}

    def _input_log_jacobian(self):
        return 0.0

    def _module_scores(self, module, x):
        return module.log_prob(x["tokens"], x["lengths"])

    def _model_output(self, values):
        return values

    def _sample(self, n_samples, rng, max_length=20):
        with torch.no_grad():
            draws, lengths = self._inference_module_.sample(
                n_samples, self._torch_generator(rng), max_length
            )
        return Sequences.from_padded(draws.cpu().numpy(), lengths.cpu().numpy())
