"""Decoder-only transformer language model estimator."""

from numbers import Integral, Real

import numpy as np
import torch

from ...base import LatentMixin
from ...preprocessing import Sequences
from ...utils import check_text_sampling
from ...utils._sklearn import Interval
from .._base import NeuralGenerator
from .._docs import TRAINING_PARAMETERS
from ..modules.transformer import TransformerModule

__all__ = ["TransformerLM"]

#: Documents drawn together by ``sample`` (one KV cache).
_SAMPLING_GROUP = 4096


class TransformerLM(LatentMixin, NeuralGenerator):
    __doc__ = f"""Decoder-only transformer language model for strings or integer token sequences.

    A small GPT (nanoGPT's design): token and learned position embeddings,
    ``n_layers`` pre-norm blocks of causal self-attention
    (``torch.nn.functional.scaled_dot_product_attention``) and MLP, and an
    output layer tied to the token embedding. Each document is read as a
    begin symbol, its characters (or tokens) and an end symbol; training
    minimises the mean negative log-likelihood per predicted symbol, through
    skorch.

    Vocabulary: ``fit`` on strings uses their characters, ``fit`` on integer
    token sequences (e.g. MIDI pitches) the distinct token values; samples
    come back in the same form. A symbol never seen in ``fit`` is scored as
    the codec's one *unknown symbol* (:class:`skgen.preprocessing.TextCodec`):
    its probability is what the model learned to give a symbol that never
    occurs in training (small but positive), so scoring never fails. Samples
    never contain it.

    Documents longer than ``context_length``: the symbol after position ``t``
    (position 0 is the begin symbol) is predicted from a window of at most
    ``context_length`` positions that starts at position 0 while ``t <
    context_length`` and then advances by ``context_length // 2`` positions
    at a time (each prediction sees at least ``context_length // 2 + 1``
    positions). Training uses every window of every document; scoring sums
    each symbol's log-probability in exactly one window (nothing is
    truncated); sampling follows the same rule, so ``score_samples`` is the
    exact log-probability (``score_kind = "exact"``) of the distribution that
    ``sample`` draws from (at ``temperature=1``, ``top_k=None``, before the
    ``max_length`` cut), whatever the length.

    ``sample`` keeps each layer's keys and values (a KV cache): each new
    symbol costs one position, not a pass over the whole window.
    ``transform`` gives the mean of the final hidden states over the
    document's positions (the begin symbol and every symbol before the end),
    so ``make_pipeline(TransformerLM(), LogisticRegression())`` classifies text.

    Parameters
    ----------
    n_layers : int, default=4
        Transformer blocks.
    n_heads : int, default=4
        Attention heads; must divide ``d_model``.
    d_model : int, default=128
        Width of the embeddings and hidden states.
    context_length : int, default=128
        Positions a prediction can attend to (the window; see above).
    dropout : float, default=0.1
        Dropout on embeddings, attention and residual branches during training.
{TRAINING_PARAMETERS.format(max_epochs=20, batch_size=64, lr=1e-3)}

    Attributes
    ----------
    net_ : skgen.neural.GenerativeNet
        The trained skorch net; ``net_.history`` holds per-epoch losses
        (``train_nll``: nats per predicted symbol).
    n_iter_ : int
        Epochs trained in total.
    n_symbols_ : int
        Vocabulary size, the unknown symbol included (``codec_.vocabulary``
        holds the symbols).
    codec_ : skgen.preprocessing.TextCodec

    See Also
    --------
    NGramLM : n-gram model with Kneser-Ney smoothing, the baseline.

    References
    ----------
    Vaswani et al., "Attention is all you need", NeurIPS 2017.
    Radford et al., "Language models are unsupervised multitask learners" (GPT-2), 2019.
    Karpathy, nanoGPT (``model.py``), https://github.com/karpathy/nanoGPT.

    Examples
    --------
    >>> from skgen import TransformerLM
    >>> names = ["anna", "hannah", "ada", "otto", "bob", "eve", "anne", "nan"] * 4
    >>> lm = TransformerLM(n_layers=1, d_model=16, n_heads=2, context_length=8,
    ...                    max_epochs=5, random_state=0).fit(names)
    >>> samples = lm.sample(3, max_length=12, temperature=0.8, top_k=5, random_state=0)
    >>> len(samples), all(isinstance(s, str) for s in samples)
    (3, True)
    >>> lm.score_samples(["anna", "a name never seen"]).shape
    (2,)
    >>> lm.transform(names[:2]).shape
    (2, 16)
    """

    score_kind = "exact"
    _data_kinds = ("text",)
    _parameter_constraints = {
        **NeuralGenerator._parameter_constraints,
        "n_layers": [Interval(Integral, 1, None, closed="left")],
        "n_heads": [Interval(Integral, 1, None, closed="left")],
        "d_model": [Interval(Integral, 1, None, closed="left")],
        "context_length": [Interval(Integral, 1, None, closed="left")],
        "dropout": [Interval(Real, 0, 1, closed="left")],
    }

    def __init__(
        self,
        *,
        n_layers=4,
        n_heads=4,
        d_model=128,
        context_length=128,
        dropout=0.1,
        max_epochs=20,
        batch_size=64,
        lr=1e-3,
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
        self.n_layers = n_layers
        self.n_heads = n_heads
        self.d_model = d_model
        self.context_length = context_length
        self.dropout = dropout
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

    # ------------------------------------------------------ data <-> module
    def _prepare(self, data):
        if self.d_model % self.n_heads:
            raise ValueError(
                f"d_model={self.d_model} must be a multiple of n_heads={self.n_heads}."
            )
        self.n_symbols_ = self.codec_.n_symbols

    def _build_module(self):
        return TransformerModule(
            self.n_symbols_,
            self.context_length,
            self.n_layers,
            self.n_heads,
            self.d_model,
            self.dropout,
        )

    def _windows(self, data):
        """Every document as windows of at most ``context_length + 1`` symbols.

        Returns ``{"tokens", "lengths", "first"}`` (padded symbols of each
        window, its number of symbols, and the first target it scores) and
        the document of each window. Window ``k`` of a document starts at
        position ``k * (context_length // 2)``; the first window scores all
        its targets, the others those after position ``context_length //
        2`` of the window, so each symbol is scored once (see the class
        docstring).
        """
        width, hop = self.context_length, max(self.context_length // 2, 1)
        begin, end = self.n_symbols_ + 1, self.n_symbols_
        full = data.lengths + 2  # begin, symbols, end
        symbols = data.padded()
        padded = np.zeros((data.n_sequences, int(full.max()) + width), dtype=np.int64)
        padded[:, 0] = begin
        padded[:, 1 : 1 + symbols.shape[1]] = symbols
        padded[np.arange(data.n_sequences), data.lengths + 1] = end
        n_windows = 1 + np.maximum(0, -(-(full - 1 - width) // hop))
        tokens, lengths, first, document = [], [], [], []
        for k in range(int(n_windows.max())):
            docs = np.flatnonzero(n_windows > k)
            start = k * hop
            tokens.append(padded[docs, start : start + width + 1])
            lengths.append(np.minimum(width + 1, full[docs] - start))
            first.append(np.full(docs.size, 0 if k == 0 else width - hop, dtype=np.int64))
            document.append(docs)
        windows = {
            "tokens": np.concatenate(tokens),
            "lengths": np.concatenate(lengths).astype(np.int64),
            "first": np.concatenate(first),
        }
        return windows, np.concatenate(document)

    def _model_input(self, data, dtype):
        return self._windows(data)[0]

    def _input_log_jacobian(self):
        return 0.0

    @property
    def _evaluations_per_score(self):
        # Positions per window: bounds the memory of one inference pass.
        return self.context_length + 1

    def _module_scores(self, module, x):
        return module.window_scores(x["tokens"], x["lengths"], x["first"])

    def _score_samples(self, data):
        _, document = self._windows(data)
        scores = self._run(self._module_scores, data, self._evaluations_per_score)
        return np.bincount(document, weights=scores, minlength=data.n_sequences)

    def _transform(self, data):
        windows, document = self._windows(data)
        sums = self._run(
            lambda module, x: module.window_hidden_sums(x["tokens"], x["lengths"], x["first"]),
            data,
            self._evaluations_per_score,
        )
        counts = np.bincount(document, weights=windows["lengths"] - 1 - windows["first"])
        pooled = np.zeros((data.n_sequences, sums.shape[1]))
        np.add.at(pooled, document, sums)
        return pooled / counts[:, None]

    # ---------------------------------------------------------- sampling
    def _sample(self, n_samples, rng, max_length=None, prompt=None, temperature=1.0, top_k=None):
        prompt = np.zeros(0, dtype=np.int64) if prompt is None else np.asarray(prompt, np.int64)
        n_new = check_text_sampling(
            max_length, prompt.size, self.codec_.longest, temperature, top_k
        )
        generator = self._torch_generator(rng)
        parts = []
        # Documents are drawn in groups, which bounds the memory of the KV cache.
        for start in range(0, n_samples, _SAMPLING_GROUP):
            tokens, lengths = self._inference_module_.generate(
                torch.as_tensor(prompt),
                min(_SAMPLING_GROUP, n_samples - start),
                n_new,
                generator,
                temperature=float(temperature),
                top_k=top_k,
            )
            parts.append(Sequences.from_padded(tokens.cpu().numpy(), lengths.cpu().numpy()))
        return Sequences(
            np.concatenate([p.values for p in parts]), np.concatenate([p.lengths for p in parts])
        )
