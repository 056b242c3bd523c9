"""A skorch callback that ends training at a wall-clock deadline (AutoGenerator's time budget)."""

import time

from skorch.callbacks import Callback


class Deadline(Callback):
    """End training after the first epoch that finishes past ``deadline`` (``time.time()``).

    skorch ends ``partial_fit`` quietly on ``KeyboardInterrupt``, as its own
    ``EarlyStopping`` does; the model keeps the epochs it has trained
    (``n_iter_``).
    """

    def __init__(self, deadline):
        self.deadline = deadline

    def on_epoch_end(self, net, **kwargs):
        if time.time() > self.deadline:
            raise KeyboardInterrupt
