"""Probabilistic graphical and count-based models: hidden Markov models, Bayesian
networks, n-gram language models.

Each model lives in its own module (``hmm``, ``bayesian_network``, ``ngram``) and
is registered in :mod:`skgen._registry`, so ``skgen.GaussianHMM`` and friends
resolve lazily; this package file imports nothing.
"""
