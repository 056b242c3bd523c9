"""
Synthetic mixed-type table with a diffusion model
=================================================

Fit :class:`skgen.DiffusionModel` (TabDDPM: Gaussian diffusion on the numbers,
multinomial diffusion on the categories and missing-value flags) on the Palmer
penguins table, and compare its synthetic rows with held-out real rows, next
to :class:`skgen.VAE` trained for the same number of epochs, with
:mod:`skgen.metrics` (column shapes, column pairs, train-on-synthetic
test-on-real balanced accuracy of a ``species`` classifier, held-out
log-likelihood bounds).

Then two things one model does without refitting:

- ``conditions``: rows with given values of discrete columns, exact (by
  inpainting, no rejection);
- class context: ``fit(X, y)`` learns p(x | species) in one model, and
  ``sample(n, y=...)`` draws rows of a species, with classifier-free guidance
  ``guidance_scale`` (above 1: more typical of the species).

Run: ``python examples/tabular_diffusion.py`` (about 30 s of CPU time on one core).
"""

import pandas as pd
from sklearn.model_selection import train_test_split

from skgen import VAE, DiffusionModel
from skgen.datasets import load_penguins
from skgen.metrics import column_pair_similarity, column_shape_similarity, tstr_score

frame = load_penguins()
train, test = train_test_split(frame, test_size=0.3, random_state=0, stratify=frame["species"])

EPOCHS = 200
models = {
    "DiffusionModel": DiffusionModel(hidden_layer_sizes=(128, 128), n_steps=100,
                                     n_sampling_steps=50, n_score_steps=20, batch_size=32,
                                     lr=2e-3, max_epochs=EPOCHS, random_state=0),
    "VAE": VAE(n_components=4, hidden_layer_sizes=(64, 64), beta=0.5, batch_size=32, lr=3e-3,
               max_epochs=EPOCHS, random_state=0),
}  # fmt: skip
tables = {"real training rows": train}
report = {}
for name, model in models.items():
    model.fit(train)
    tables[name] = model.sample(len(train), random_state=0)
    report[name] = {"held-out log-likelihood": model.score(test), "score kind": model.score_kind}

for name, table in tables.items():
    report.setdefault(name, {}).update({
        "column shapes": column_shape_similarity(test, table)["score"].mean(),
        "column pairs": column_pair_similarity(test, table)["score"].mean(),
        "TSTR balanced accuracy": tstr_score(test, table, "species"),
    })  # fmt: skip
print("A few synthetic penguins (DiffusionModel):\n", tables["DiffusionModel"].head(), "\n")
print(pd.DataFrame(report).T.round(3).to_string(), "\n")

# Exact conditions on discrete columns: every row is a female penguin of Biscoe island.
diffusion = models["DiffusionModel"]
rows = diffusion.sample(200, conditions={"island": "Biscoe", "sex": "female"}, random_state=0)
print("Rows drawn with conditions island=Biscoe, sex=female:")
print(rows[["island", "sex"]].value_counts().to_string())
print("their species (Biscoe has Adelie and Gentoo only):")
print(rows["species"].value_counts().to_string(), "\n")

# One model of p(x | species), sampled with classifier-free guidance.
X, y = train.drop(columns="species"), train["species"]
conditional = DiffusionModel(hidden_layer_sizes=(128, 128), n_steps=100, n_sampling_steps=50,
                             batch_size=32, lr=2e-3, max_epochs=EPOCHS,
                             random_state=0).fit(X, y)  # fmt: skip
adelie = y == "Adelie"
for scale in (1.0, 3.0):
    rows = conditional.set_params(guidance_scale=scale).sample(500, y="Adelie", random_state=0)
    # Torgersen island has Adelie penguins only: guidance favours what tells the class apart.
    print(
        f"guidance_scale={scale}: Adelie rows on Torgersen island "
        f"{(rows['island'] == 'Torgersen').mean():.2f} "
        f"(real: {(X.loc[adelie, 'island'] == 'Torgersen').mean():.2f}); "
        f"mean bill length {rows['bill_length_mm'].mean():.1f} mm "
        f"(real: {X.loc[adelie, 'bill_length_mm'].mean():.1f}, others: "
        f"{X.loc[~adelie, 'bill_length_mm'].mean():.1f})"
    )
