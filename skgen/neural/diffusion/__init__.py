"""Denoising diffusion models."""
