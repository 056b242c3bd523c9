"""Generative oversampling vs SMOTE inside imbalanced-learn pipelines.

The breast-cancer table is made imbalanced (all 357 benign tumours, 36 random
malignant ones: 1 in 11). Each classifier is ``StandardScaler -> resampler ->
LogisticRegression``, cross-validated with the same folds; resampling happens
only when fitting, so every test fold keeps its real class balance. skgen's
``GenerativeResampler`` fits a generator to the malignant rows of the training
fold and draws exactly as many synthetic rows as balancing needs; a grid
search then tunes the generator's own parameters
(``generativeresampler__estimator__n_components``). The last model does the
same augmentation in a plain scikit-learn ``Pipeline`` with
``AugmentedEstimator``.

Needs imbalanced-learn: ``pip install "skgen[imbalanced]"``.
Run:  python examples/augmentation_imbalanced.py
"""

import numpy as np
from imblearn.over_sampling import SMOTE
from imblearn.pipeline import make_pipeline as make_imblearn_pipeline
from sklearn.datasets import load_breast_cancer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, RepeatedStratifiedKFold, cross_validate
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import skgen
from skgen.augmentation import AugmentedEstimator, GenerativeResampler

X, y = load_breast_cancer(return_X_y=True)
y = 1 - y  # 1 = malignant, the class to detect
rng = np.random.default_rng(0)
keep = np.r_[np.flatnonzero(y == 0), rng.choice(np.flatnonzero(y == 1), 36, replace=False)]
X, y = X[keep], y[keep]
print(f"{len(y)} rows, {y.sum()} malignant\n")


def classifier(*resampler):
    return make_imblearn_pipeline(StandardScaler(), *resampler, LogisticRegression(max_iter=5000))


models = {
    "no resampling": classifier(),
    "SMOTE": classifier(SMOTE(random_state=0)),
    "skgen GaussianMixture(1)": classifier(
        GenerativeResampler(skgen.GaussianMixture(n_components=1, random_state=0), random_state=0)
    ),
    "skgen KernelDensity(scott)": classifier(
        GenerativeResampler(skgen.KernelDensity(bandwidth="scott", random_state=0), random_state=0)
    ),
    "skgen GaussianMixture, tuned": GridSearchCV(
        classifier(GenerativeResampler(skgen.GaussianMixture(random_state=0), random_state=0)),
        {
            "generativeresampler__estimator__n_components": [1, 2, 3],
            "generativeresampler__estimator__covariance_type": ["full", "diag"],
        },
        scoring="balanced_accuracy",
        cv=3,
    ),
    "AugmentedEstimator in a sklearn Pipeline": make_pipeline(
        StandardScaler(),
        AugmentedEstimator(
            LogisticRegression(max_iter=5000),
            skgen.GaussianMixture(n_components=1, random_state=0),
            n_synthetic=1.0,
            label_distribution="balanced",
            random_state=0,
        ),
    ),
}
cv = RepeatedStratifiedKFold(n_splits=5, n_repeats=3, random_state=0)
print(f"{'':42s} balanced accuracy    F1 (malignant)")
for name, model in models.items():
    scores = cross_validate(model, X, y, cv=cv, scoring=("balanced_accuracy", "f1"))
    ba, f1 = scores["test_balanced_accuracy"], scores["test_f1"]
    print(f"{name:42s} {ba.mean():.3f} ± {ba.std():.3f}      {f1.mean():.3f} ± {f1.std():.3f}")

search = models["skgen GaussianMixture, tuned"].fit(X, y)
print("\nGenerator chosen on all rows:", search.best_params_)
