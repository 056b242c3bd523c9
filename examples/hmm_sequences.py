"""Regime switching with a hidden Markov model: fit, decode, score and simulate sequences.

Daily "returns" switch between a calm and a turbulent regime. A GaussianHMM
learns the two regimes from several sequences given end to end with their
lengths (as hmmlearn takes them), finds the regime of each day (Viterbi path,
``predict``) and its posterior probability (``transform``), scores new
sequences (one log-likelihood each) and simulates new ones.

Run:  python examples/hmm_sequences.py
"""

import numpy as np

from skgen import GaussianHMM

rng = np.random.default_rng(0)

# ---- simulate 30 sequences of 200 days from a known two-regime model
truth = GaussianHMM(
    2,
    init={
        "startprob": [0.8, 0.2],
        "transmat": [[0.97, 0.03], [0.08, 0.92]],
        "means": [[0.05], [-0.10]],
        "covars": [[0.5**2], [2.0**2]],
    },
    max_iter=0,  # keep the given parameters: a model to sample from
).fit(np.array([[0.0], [1.0]]))
X, lengths = truth.sample(30, length=200, random_state=1)
X_new, lengths_new = truth.sample(10, length=200, random_state=2)

# ---- learn it back, with a few random restarts
model = GaussianHMM(2, n_init=3, random_state=0).fit(X, lengths=lengths)
calm = int(np.argmin(model.covars_[:, 0]))
print("learnt volatilities:", np.sqrt(model.covars_[:, 0]).round(2), "(true: 0.5 and 2.0)")
print("learnt transition matrix:\n", model.transmat_.round(3))

# ---- decode: most likely regime of each day, and its posterior probability
states = model.predict(X, lengths=lengths)
posterior_calm = model.transform(X, lengths=lengths)[:, calm]
print(f"share of days in the calm regime: {np.mean(states == calm):.2f}")
print("posterior P(calm) of the first ten days:", posterior_calm[:10].round(2))

# ---- score held-out sequences: one log-likelihood per sequence
learnt = model.score_samples(X_new, lengths=lengths_new)
reference = truth.score_samples(X_new, lengths=lengths_new)
print(
    f"held-out log-likelihood per sequence: learnt {learnt.mean():.1f}, true model {reference.mean():.1f}"
)

# ---- simulate new sequences in the form fit received (rows + lengths), or as a list
simulated, simulated_lengths = model.sample(3, length=100, random_state=0)
print("simulated:", simulated.shape, simulated_lengths.tolist())
as_list = GaussianHMM(2, random_state=0).fit(np.split(X, np.cumsum(lengths)[:-1])).sample(2)
print("fit on a list, sample gives a list of", len(as_list), "sequences")
