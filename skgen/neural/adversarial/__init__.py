"""Adversarial deep models: a WGAN-GP and a conditional tabular GAN, each with an inference encoder."""
