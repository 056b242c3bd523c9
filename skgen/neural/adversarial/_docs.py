"""Docstring fragments shared by the GANs."""

GAN_PARAMETERS = """\
    n_components : int, default={n_components}
        Latent dimension.
    generator_layer_sizes : tuple of int, default={sizes}
        Hidden widths of the generator.
    critic_layer_sizes : tuple of int, default={sizes}
        Hidden widths of the critic (LeakyReLU).
    encoder_layer_sizes : tuple of int or None, default=None
        Hidden widths of the inference encoder; None mirrors the generator.
    n_critic : int, default={n_critic}
        Critic updates per generator update.
    gradient_penalty : float, default=10.0
        Weight of the gradient penalty (one-sided: slopes above 1 only).
    critic_lr : float or None, default=None
        Learning rate of the critic's optimizer; None uses ``lr``.
    n_importance_samples : int, default=100
        Importance samples per row of ``score_samples`` (10% from the prior,
        the rest around the encoder's code).
    encoder_max_epochs : int, default=30
        Epochs of the inference encoder, trained after the generator
        (with ``optimizer`` at learning rate 1e-3).
    validation_interval : int, default=5
        Epochs between two validation MMDs when ``early_stopping`` is on;
        training stops after ``n_iter_no_change`` evaluations without
        improvement."""

GAN_ATTRIBUTES = """\
    encoder_history_ : skorch History
        Per-epoch losses of the inference encoder (``train_latent``,
        ``train_reconstruction``).
    noise_std_ : float
        Standard deviation of the observation noise of the score, in the
        model's (encoded, standardised) units, fitted on the held-out rows."""
