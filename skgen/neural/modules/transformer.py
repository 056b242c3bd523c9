"""A small decoder-only transformer language model, in the spirit of nanoGPT's ``model.py``.

Symbols are the codes ``0 .. n_symbols - 1`` of a text codec (the last one is
the unknown symbol), then the end symbol ``n_symbols`` and the begin symbol
``n_symbols + 1``. The model predicts the next symbol among the codes and the
end (the begin symbol is only ever an input).

Documents longer than the context window ``W`` are read in windows that
advance by ``H = W // 2`` symbols (:func:`window_start`): the symbol after
position ``t`` (position 0 is the begin symbol) is predicted from the
positions ``window_start(t) .. t``, at most ``W`` of them and, past the first
window, at least ``W - H + 1``. Scoring, training windows and sampling (with
or without the KV cache) all use this one rule, so a document's score is the
log-probability of the model that generates it, for any length.
"""

import math

import torch
from torch import nn
from torch.nn import functional as F

__all__ = ["TransformerModule", "window_start"]


def window_start(t, context_length):
    """First position of the window that predicts the symbol after position ``t``."""
    hop = max(context_length // 2, 1)
    if t < context_length:
        return 0
    return ((t - context_length) // hop + 1) * hop


class CausalSelfAttention(nn.Module):
    """Multi-head causal self-attention through ``F.scaled_dot_product_attention``, with a KV cache."""

    def __init__(self, d_model, n_heads, dropout):
        super().__init__()
        if d_model % n_heads:
            raise ValueError(f"d_model={d_model} must be a multiple of n_heads={n_heads}.")
        self.n_heads = n_heads
        self.dropout = dropout
        self.qkv = nn.Linear(d_model, 3 * d_model)
        self.proj = nn.Linear(d_model, d_model)
        self.resid_dropout = nn.Dropout(dropout)

    def forward(self, x, cache=None):
        """Attend over ``cache`` (keys and values of earlier positions) and ``x``.

        Returns the output and the keys and values of all positions so far.
        """
        B, T, C = x.shape
        q, k, v = self.qkv(x).split(C, dim=2)
        q, k, v = (z.view(B, T, self.n_heads, C // self.n_heads).transpose(1, 2) for z in (q, k, v))
        if cache is not None:
            k, v = torch.cat([cache[0], k], dim=2), torch.cat([cache[1], v], dim=2)
        past = k.shape[2] - T
        dropout = self.dropout if self.training else 0.0
        if past == 0:
            y = F.scaled_dot_product_attention(q, k, v, dropout_p=dropout, is_causal=T > 1)
        else:
            # New queries at positions past .. past + T - 1 see every key up to their own.
            keys = torch.arange(past + T, device=x.device)
            mask = keys[None, :] <= past + torch.arange(T, device=x.device)[:, None]
            y = F.scaled_dot_product_attention(q, k, v, attn_mask=mask, dropout_p=dropout)
        y = y.transpose(1, 2).contiguous().view(B, T, C)
        return self.resid_dropout(self.proj(y)), (k, v)


class Block(nn.Module):
    """Pre-norm transformer block: attention, then a 4x MLP, each in a residual branch."""

    def __init__(self, d_model, n_heads, dropout):
        super().__init__()
        self.ln_1 = nn.LayerNorm(d_model)
        self.attn = CausalSelfAttention(d_model, n_heads, dropout)
        self.ln_2 = nn.LayerNorm(d_model)
        self.mlp = nn.Sequential(
            nn.Linear(d_model, 4 * d_model),
            nn.GELU(),
            nn.Linear(4 * d_model, d_model),
            nn.Dropout(dropout),
        )

    def forward(self, x, cache=None):
        attended, kv = self.attn(self.ln_1(x), cache)
        x = x + attended
        return x + self.mlp(self.ln_2(x)), kv


class TransformerModule(nn.Module):
    """Decoder-only transformer over symbol codes: learned positions, tied input/output embeddings.

    Parameters
    ----------
    n_symbols : int
        Codes of the text codec, the unknown symbol included.
    context_length : int
        Positions the model attends over (``W``).
    n_layers, n_heads, d_model : int
        Depth, attention heads and width.
    dropout : float
        Dropout on embeddings, attention and residual branches (training only).
    """

    loss_terms = ("nll",)

    def __init__(self, n_symbols, context_length, n_layers, n_heads, d_model, dropout):
        super().__init__()
        self.n_symbols = n_symbols
        self.context_length = context_length
        self.end, self.begin = n_symbols, n_symbols + 1
        self.token_embedding = nn.Embedding(n_symbols + 2, d_model)
        self.position_embedding = nn.Embedding(context_length, d_model)
        self.dropout = nn.Dropout(dropout)
        self.blocks = nn.ModuleList(Block(d_model, n_heads, dropout) for _ in range(n_layers))
        self.ln_f = nn.LayerNorm(d_model)
        self.head = nn.Linear(d_model, n_symbols + 2, bias=False)
        self.head.weight = self.token_embedding.weight  # weight tying
        self.apply(self._init_weights)
        for name, parameter in self.named_parameters():
            if name.endswith("proj.weight") or name.endswith("mlp.2.weight"):
                # GPT-2's scaled initialisation of the residual projections.
                nn.init.normal_(parameter, mean=0.0, std=0.02 / math.sqrt(2 * n_layers))

    @staticmethod
    def _init_weights(module):
        if isinstance(module, nn.Linear):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)
            if module.bias is not None:
                nn.init.zeros_(module.bias)
        elif isinstance(module, nn.Embedding):
            nn.init.normal_(module.weight, mean=0.0, std=0.02)

    # ------------------------------------------------------------ forward
    def hidden(self, tokens, cache=None):
        """Final hidden states of ``tokens`` (B, T) placed after the ``cache``'s positions.

        Returns the states (B, T, d_model) and the new cache (one pair of
        keys and values per layer).
        """
        past = 0 if cache is None else cache[0][0].shape[2]
        positions = torch.arange(past, past + tokens.shape[1], device=tokens.device)
        x = self.dropout(self.token_embedding(tokens) + self.position_embedding(positions))
        new_cache = []
        for i, block in enumerate(self.blocks):
            x, kv = block(x, None if cache is None else cache[i])
            new_cache.append(kv)
        return self.ln_f(x), new_cache

    def next_log_probs(self, hidden):
        """Log-probabilities of the next symbol among the codes and the end (never the begin)."""
        return torch.log_softmax(self.head(hidden)[..., : self.n_symbols + 1], dim=-1)

    def _target_log_probs(self, tokens):
        """Log-probability of each window's symbol ``j + 1`` given its symbols ``0 .. j``."""
        log_p = self.next_log_probs(self.hidden(tokens[:, :-1])[0])
        return log_p.gather(-1, tokens[:, 1:, None]).squeeze(-1)

    @staticmethod
    def _target_mask(tokens, lengths, first):
        j = torch.arange(tokens.shape[1] - 1, device=tokens.device)
        return (j[None, :] < (lengths - 1)[:, None]) & (j[None, :] >= first[:, None])

    def loss(self, tokens, lengths, first):
        """Mean negative log-likelihood per predicted symbol, over every target of each window.

        Training uses every target of a window (also those that the scoring
        rule assigns to an earlier window), so the model learns to predict
        from short and long contexts alike.
        """
        mask = self._target_mask(tokens, lengths, torch.zeros_like(first))
        log_p = self._target_log_probs(tokens)
        return {"nll": -(log_p * mask).sum() / mask.sum()}

    def window_scores(self, tokens, lengths, first):
        """Sum of the log-probabilities of each window's scored targets ``first .. lengths - 2``."""
        mask = self._target_mask(tokens, lengths, first)
        return (self._target_log_probs(tokens) * mask).sum(-1)

    def window_hidden_sums(self, tokens, lengths, first):
        """Sum of the final hidden states at the input positions whose targets the window scores."""
        mask = self._target_mask(tokens, lengths, first)
        hidden = self.hidden(tokens[:, :-1])[0]
        return (hidden * mask[..., None]).sum(1)

    # ----------------------------------------------------------- sampling
    @torch.no_grad()
    def generate(
        self,
        prompt,
        n_samples,
        n_new,
        generator,
        temperature=1.0,
        top_k=None,
        use_cache=True,
        stop_at_end=True,
    ):
        """Draw up to ``n_new`` symbols after ``prompt`` for ``n_samples`` documents.

        Parameters
        ----------
        prompt : LongTensor of shape (n_prompt,)
            Codes the documents start with (after the begin symbol).
        n_samples, n_new : int
        generator : torch.Generator on the module's device
        temperature : float
            Divides the logits.
        top_k : int or None
            Keep the ``top_k`` most likely symbols at each step.
        use_cache : bool
            Keep each layer's keys and values: one position per step instead
            of the whole window (the same draws, in time linear in the length).
        stop_at_end : bool
            Stop when every document has drawn its end symbol.

        Returns
        -------
        tokens : LongTensor of shape (n_samples, n_steps)
            The drawn symbols (an end symbol and whatever follows it in a row
            is not part of the document).
        lengths : LongTensor of shape (n_samples,)
            Symbols of each document before its end (``n_new`` if it drew none).
        """
        device = self.token_embedding.weight.device
        n_prompt = len(prompt)
        sequence = torch.empty((n_samples, 1 + n_prompt + n_new), dtype=torch.long, device=device)
        sequence[:, 0] = self.begin
        sequence[:, 1 : 1 + n_prompt] = prompt.to(device)
        lengths = torch.full((n_samples,), n_new, dtype=torch.long, device=device)
        alive = torch.ones(n_samples, dtype=torch.bool, device=device)
        cache, start, t = None, -1, n_prompt
        for step in range(n_new):
            s = window_start(t, self.context_length)
            if use_cache and cache is not None and s == start:
                hidden, cache = self.hidden(sequence[:, t : t + 1], cache)
            else:  # first step, a new window, or no cache: read the window whole
                hidden, cache = self.hidden(sequence[:, s : t + 1])
                start = s
            logits = self.head(hidden[:, -1])[:, : self.n_symbols + 1].clone()
            logits[:, self.n_symbols - 1] = -math.inf  # never the unknown symbol
            logits = logits / temperature
            if top_k is not None and top_k < logits.shape[1]:
                kth = torch.topk(logits, top_k, dim=1).values[:, -1:]
                logits = logits.masked_fill(logits < kth, -math.inf)
            symbol = torch.multinomial(torch.softmax(logits, dim=1), 1, generator=generator)[:, 0]
            sequence[:, t + 1] = symbol
            ended = alive & (symbol == self.end)
            lengths[ended] = step
            alive &= ~ended
            t += 1
            if stop_at_end and not bool(alive.any()):
                break
        return sequence[:, 1 + n_prompt : t + 1], lengths
