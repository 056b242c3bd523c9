"""Probabilistic graphical models: hidden Markov models and Bayesian networks.

Each model lives in its own module (``hmm``, ``bayesian_network``) and is
registered in :mod:`skgen._registry`, so ``skgen.GaussianHMM`` and friends
resolve lazily; this package file imports nothing.
"""
