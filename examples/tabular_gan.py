"""
Synthetic mixed-type table with a conditional tabular GAN
=========================================================

Fit :class:`skgen.TabularGAN` (a CTGAN-class conditional WGAN-GP) on the
Palmer penguins table (numbers, categories and missing values), draw a
synthetic table, then draw rows of one island only, exactly (the condition
vector is fed to the generator: nothing is rejected). Compare with held-out
real rows, next to :class:`skgen.VAE` and to the real training rows (the
ceiling), with :mod:`skgen.metrics`:

- column shapes: ``1 - KS`` for numbers, ``1 - TV`` for categories;
- column pairs: correlation similarity of numeric pairs, contingency
  similarity of the others;
- TSTR: balanced accuracy on real rows of a classifier of ``species`` trained
  on the synthetic ones;
- held-out mean log-likelihood: an importance-sampled estimate for the GAN, a
  lower bound for the VAE (see ``score_kind``).

On a table this small (240 training rows) expect the VAE to win: GANs need
more data and more epochs (see docs/benchmarks.md).

Run: ``python examples/tabular_gan.py`` (about half a minute on one CPU core).
"""

import pandas as pd
from sklearn.model_selection import train_test_split

from skgen import VAE, TabularGAN
from skgen.datasets import load_penguins
from skgen.metrics import column_pair_similarity, column_shape_similarity, tstr_score

frame = load_penguins()
train, test = train_test_split(frame, test_size=0.3, random_state=0, stratify=frame["species"])

models = {
    "TabularGAN": TabularGAN(
        n_components=16,
        generator_layer_sizes=(64, 64),
        critic_layer_sizes=(64, 64),
        n_critic=3,
        pac=4,
        continuous="quantile",  # on 240 rows, easier to learn than the "mode" encoding
        batch_size=40,
        lr=1e-3,
        max_epochs=150,
        encoder_max_epochs=50,
        random_state=0,
    ),
    "VAE": VAE(
        n_components=4,
        hidden_layer_sizes=(64, 64),
        beta=0.5,
        batch_size=32,
        lr=3e-3,
        max_epochs=300,
        random_state=0,
    ),
}
tables = {"real training rows": train}
report = {}
for name, model in models.items():
    model.fit(train)
    tables[name] = model.sample(len(train), random_state=0)
    report[name] = {"held-out log-likelihood": model.score(test), "score kind": model.score_kind}

for name, table in tables.items():
    report.setdefault(name, {}).update(
        {
            "column shapes": column_shape_similarity(test, table)["score"].mean(),
            "column pairs": column_pair_similarity(test, table)["score"].mean(),
            "TSTR balanced accuracy": tstr_score(test, table, "species"),
        }
    )

gan = models["TabularGAN"]
share = (train["island"] == "Torgersen").mean()
torgersen = gan.sample(200, conditions={"island": "Torgersen"}, random_state=0)
print(
    f"Torgersen is {share:.0%} of the training rows; all 200 conditional rows are on it:",
    bool((torgersen["island"] == "Torgersen").all()),
)
print(
    "Species of the Torgersen rows (real: all Adelie):",
    torgersen["species"].value_counts().to_dict(),
    "\n",
)
print("A few synthetic penguins (TabularGAN):\n", tables["TabularGAN"].head(), "\n")
print(pd.DataFrame(report).T.round(3).to_string())
