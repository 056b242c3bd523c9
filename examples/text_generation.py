"""
Character-level language models on US census names
===================================================

Fit :class:`skgen.NGramLM` (interpolated Kneser-Ney) and :class:`skgen.TransformerLM`
(a small GPT) on surnames from the 1990 US census name lists (public domain, shipped
offline by the ``names`` package), print samples and the held-out perplexity and bits
per character of each model (each name's end counts as one character), and classify
names (first names: female or male?) with ``make_pipeline(model, LogisticRegression())``.

Needs ``pip install names``. Run: ``python examples/text_generation.py`` (about a
minute on one CPU core; ``--n-train 30000 --epochs 10`` for the benchmark's scale).
"""

import argparse
import importlib.util
import os

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline

from skgen import NGramLM, TransformerLM
from skgen.metrics import bits_per_character, perplexity


def load_names(kind="last"):
    """Names of the 1990 census list ``kind`` ("last", "female" or "male"), lower case.

    The lists are sorted by frequency; the ``names`` package ships them in its folder.
    """
    spec = importlib.util.find_spec("names")
    if spec is None:
        raise SystemExit("This example needs the names package: pip install names")
    filename = {"last": "dist.all.last", "female": "dist.female.first", "male": "dist.male.first"}[
        kind
    ]
    with open(os.path.join(spec.submodule_search_locations[0], filename)) as file:
        return [line.split()[0].lower() for line in file if line.strip()]


def split(documents, n_train, n_valid, seed=0):
    """A shuffled training and validation subset."""
    order = np.random.default_rng(seed).permutation(len(documents))
    documents = [documents[i] for i in order]
    return documents[:n_train], documents[n_train : n_train + n_valid]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n-train", type=int, default=5000, help="training surnames")
    parser.add_argument("--epochs", type=int, default=5, help="transformer epochs")
    args = parser.parse_args(argv)

    train, valid = split(load_names("last"), args.n_train, 2000)
    models = {
        "NGramLM(order=4)": NGramLM(order=4, random_state=0),
        "TransformerLM": TransformerLM(
            n_layers=2,
            d_model=64,
            n_heads=4,
            context_length=16,
            dropout=0.1,
            max_epochs=args.epochs,
            batch_size=64,
            lr=3e-3,
            random_state=0,
        ),
    }
    for name, model in models.items():
        model.fit(train)
        print(
            f"{name}: held-out perplexity {perplexity(model, valid):.2f}, "
            f"{bits_per_character(model, valid):.3f} bits per character"
        )
        print("  samples:", ", ".join(model.sample(8, random_state=0)))
        print("  starting with 'mc':", ", ".join(model.sample(5, prompt="mc", random_state=0)))

    # Female or male first name? Hashed n-gram counts, or the transformer's pooled states.
    female, male = load_names("female"), load_names("male")
    X = female + male
    y = np.array([0] * len(female) + [1] * len(male))
    order = np.random.default_rng(0).permutation(len(X))
    X, y = [X[i] for i in order], y[order]
    cut = int(0.8 * len(X))
    for name, model in [
        ("NGramLM features", NGramLM(order=3, n_features=4096)),
        (
            "TransformerLM features",
            TransformerLM(
                n_layers=2,
                d_model=64,
                n_heads=4,
                context_length=16,
                max_epochs=args.epochs,
                lr=3e-3,
                random_state=0,
            ),
        ),
    ]:
        classifier = make_pipeline(model, LogisticRegression(C=10, max_iter=2000))
        classifier.fit(X[:cut], y[:cut])
        print(
            f"{name} + LogisticRegression: held-out accuracy "
            f"{classifier.score(X[cut:], y[cut:]):.3f} (majority class {max(y[cut:].mean(), 1 - y[cut:].mean()):.3f})"
        )


if __name__ == "__main__":
    main()
