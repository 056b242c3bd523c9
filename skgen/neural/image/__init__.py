"""Convolutional image models: a convolutional VAE and a gated PixelCNN."""
