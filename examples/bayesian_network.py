"""A Bayesian network learnt on a mixed table, then exact conditional sampling.

The penguins table mixes categories (species, island, sex), measurements and a
year. ``BayesianNetwork`` bins the measurements on their quantiles, learns a
graph (hill climbing on BIC), and gives an exact log-density in the original
space. ``sample(conditions=...)`` draws exactly from the conditional
distribution given evidence on any columns, measurements included: no
rejection, however rare the evidence.

Run:  python examples/bayesian_network.py
"""

import numpy as np

from skgen import BayesianNetwork
from skgen.datasets import load_penguins

df = load_penguins()
model = BayesianNetwork("hill_climb", random_state=0).fit(df)
print("learnt edges (parent -> child):")
for parent, child in model.edges_:
    print(f"  {parent} -> {child}")

# Exact log-density of each row, and its share per column given its parents.
scores = model.score_samples(df)
terms = model.transform(df)
print(f"mean log-likelihood per row: {scores.mean():.2f}")
print("column best explained by its parents:", df.columns[np.argmax(terms.mean(axis=0))])

# Conditional sampling on a child node and on a measurement.
heavy = model.sample(500, random_state=0, conditions={"body_mass_g": 5800})
print(
    "species of 5.8 kg penguins:", heavy["species"].value_counts(normalize=True).round(2).to_dict()
)
females_2009 = model.sample(500, random_state=0, conditions={"sex": "female", "year": 2009})
print(
    "islands of females seen in 2009:",
    females_2009["island"].value_counts(normalize=True).round(2).to_dict(),
)
print("acceptance rate (exact sampling):", model.last_acceptance_rate_)

try:
    import matplotlib

    matplotlib.use("Agg")
    from skgen.plotting import plot_bayesian_network

    plot_bayesian_network(model).savefig("bayesian_network.png")
    print("graph saved to bayesian_network.png")
except ImportError:
    print("install matplotlib to draw the graph")
