"""Exact-likelihood flows: RealNVP, MAF, Glow and MADE."""
