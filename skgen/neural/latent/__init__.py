"""Latent-variable deep models: autoencoders and variational autoencoders."""
