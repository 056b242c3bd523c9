"""Docstring fragments shared by the deep generators (one place to edit)."""

CONTINUOUS_PARAMETER = """\
    continuous : {"quantile", "standard", "mode"}, default="quantile"
        Encoding of continuous columns of a DataFrame (see
        :class:`skgen.preprocessing.TabularEncoder`); ``"mode"`` gives
        tanh-bounded outputs. Plain arrays are standardised instead."""

TRAINING_PARAMETERS = """\
    max_epochs : int, default={max_epochs}
        Passes over the training data.
    batch_size : int, default={batch_size}
        Rows per gradient step.
    lr : float, default={lr}
        Learning rate.
    optimizer : {{"adam", "adamw", "sgd", "rmsprop"}} or torch optimizer class, default="adam"
    device : str or torch.device, default="auto"
        ``"auto"`` trains on CUDA when available, else on the CPU. A fitted
        model is pickled with its parameters on the CPU.
    callbacks : list of skorch callbacks or (name, callback) tuples, default=None
        Passed to the skorch net (copies, so the parameter is never modified).
    early_stopping : bool, default=False
        Hold out ``validation_fraction`` of the rows and stop when the
        validation loss has not improved for ``n_iter_no_change`` epochs,
        restoring the best parameters.
    validation_fraction : float, default=0.1
    n_iter_no_change : int, default=10
    warm_start : bool, default=False
        ``fit`` on a fitted model continues training (``max_epochs`` more
        epochs, same encoder) instead of starting anew; the current ``lr``
        and ``batch_size`` apply, the optimizer state and callbacks are kept.
    verbose : int, default=0
        Print skorch's epoch table and a progress bar.
    random_state : int, RandomState instance or None, default=None
        Seeds weight initialisation, batch order and training noise (torch's
        global RNG is left as it was) and the default sampling generator."""

TRAINING_ATTRIBUTES = """\
    net_ : skgen.neural.GenerativeNet
        The trained skorch net; ``net_.history`` holds per-epoch losses
        (``train_loss`` and each named term, e.g. ``train_recon``).
    n_iter_ : int
        Epochs trained in total.
    layout_ : list of skgen.preprocessing.Span
        Layout of the model's data matrix.
    mean_, scale_ : ndarray of shape (n_encoded_features,)
        Standardisation applied inside the model (zeros and ones for DataFrames,
        which the encoder already scaled).
    encoder_ : TabularEncoder or None
        The encoder of DataFrame input.
    n_features_in_ : int
    feature_names_in_ : ndarray, only when fit on a DataFrame."""
