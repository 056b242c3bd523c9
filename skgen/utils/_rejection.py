"""Rejection sampling with bounded memory and an early, explained stop."""

import math

import numpy as np

from ._tables import concat_rows, take_rows

__all__ = ["MAX_REJECTION_BATCH", "rejection_sample"]

#: Rows drawn at once: memory stays bounded whatever the acceptance rate.
MAX_REJECTION_BATCH = 100_000


def _optimistic_rate(n_kept, n_drawn):
    """An upper confidence bound (about 95 %) on the acceptance rate.

    ``(k + 2 sqrt(k) + 3) / n``: the "rule of three" when nothing was accepted.
    """
    return min(1.0, (n_kept + 2 * math.sqrt(n_kept) + 3) / n_drawn)


def rejection_sample(draw, accept, n_samples, *, max_draws, describe="the conditions"):
    """Draw batches until ``n_samples`` rows pass ``accept``.

    Parameters
    ----------
    draw : callable ``draw(size) -> rows`` (ndarray or DataFrame)
    accept : callable ``accept(rows) -> boolean mask``
    n_samples : int
    max_draws : int
        The most rows drawn in total. Sampling stops as soon as even an
        optimistic estimate of the acceptance rate (an upper confidence bound)
        says this budget cannot be enough, with a ValueError that gives the
        rate seen so far; it never draws more than ``MAX_REJECTION_BATCH`` rows
        at once.
    describe : str
        What is being met, for the error message.

    Returns
    -------
    rows : the first ``n_samples`` accepted rows, in the order drawn
    acceptance_rate : float
    """
    kept, n_kept, n_drawn = [], 0, 0
    batch = min(MAX_REJECTION_BATCH, max(n_samples, 1000))
    while n_kept < n_samples:
        rows = draw(batch)
        mask = np.asarray(accept(rows), dtype=bool)
        if mask.any():
            kept.append(take_rows(rows, mask))
        n_kept, n_drawn = n_kept + int(mask.sum()), n_drawn + batch
        if n_kept >= n_samples:
            break
        remaining = n_samples - n_kept
        needed = n_drawn + remaining / _optimistic_rate(n_kept, n_drawn)
        hopeless = needed > max_draws
        if hopeless or n_drawn >= max_draws:
            raise ValueError(
                f"Rejection sampling for {describe}: {n_kept} of {n_drawn} draws met them "
                f"(rate {n_kept / n_drawn:.2g}); {n_samples} rows would take about "
                f"{needed:.2g} draws even at an optimistic rate, more than the limit of "
                f"{max_draws:.2g}. The condition is too rare under this model: relax it, "
                "ask for fewer rows, or fit a model on the rows that meet it."
            )
        rate = max(n_kept, 1) / n_drawn
        batch = int(
            min(MAX_REJECTION_BATCH, max_draws - n_drawn, max(1000, 1.2 * remaining / rate))
        )
    rows = concat_rows(kept)
    return take_rows(rows, slice(0, n_samples)), n_kept / n_drawn
