"""ROC curves of skgen's generative outlier detectors vs IsolationForest.

Handwritten digits: the detectors learn what 1-9 look like from 70 % of those
images; the test set is the other 30 % plus every image of a 0, the anomaly.
A ``GenerativeOutlierDetector`` flags what its generator finds unlikely
(lowest log-density, or highest reconstruction error for an autoencoder); its
``contamination="auto"`` threshold comes from held-out training rows, and the
script prints what fraction of the test normals and anomalies it flags.

Needs matplotlib (``pip install "skgen[plot]"``). Writes
``anomaly_detection_roc.png``.
Run:  python examples/anomaly_detection.py
"""

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
from sklearn.datasets import load_digits  # noqa: E402
from sklearn.ensemble import IsolationForest  # noqa: E402
from sklearn.metrics import RocCurveDisplay, roc_auc_score  # noqa: E402
from sklearn.model_selection import train_test_split  # noqa: E402
from sklearn.pipeline import make_pipeline  # noqa: E402
from sklearn.preprocessing import StandardScaler  # noqa: E402

import skgen  # noqa: E402
from skgen.anomaly import GenerativeOutlierDetector  # noqa: E402

X, y = load_digits(return_X_y=True)
X_train, X_normal_test = train_test_split(X[y != 0], train_size=0.7, random_state=0, stratify=y[y != 0])
X_test = np.r_[X_normal_test, X[y == 0]]
is_anomaly = np.r_[np.zeros(len(X_normal_test), bool), np.ones(np.sum(y == 0), bool)]

detectors = {
    "skgen GaussianMixture(8)": GenerativeOutlierDetector(
        skgen.GaussianMixture(n_components=8, random_state=0), random_state=0
    ),
    "skgen BayesianGaussianMixture(16)": GenerativeOutlierDetector(
        skgen.BayesianGaussianMixture(n_components=16, random_state=0), random_state=0
    ),
    "skgen KernelDensity(scott)": GenerativeOutlierDetector(
        skgen.KernelDensity(bandwidth="scott", random_state=0), random_state=0
    ),
    "skgen GaussianCopula": GenerativeOutlierDetector(skgen.GaussianCopula(random_state=0), random_state=0),
    "IsolationForest": IsolationForest(random_state=0),
}

fig, ax = plt.subplots(figsize=(6, 6))
print(f"{'':36s} ROC AUC   flagged: normals  anomalies")
for name, detector in detectors.items():
    model = make_pipeline(StandardScaler(), detector).fit(X_train)
    # Higher score_samples = more normal, for skgen and scikit-learn alike.
    anomaly_score = -np.maximum(model.score_samples(X_test), -1e300)
    flagged = model.predict(X_test) == -1
    auc = roc_auc_score(is_anomaly, anomaly_score)
    print(f"{name:36s} {auc:.3f}     {flagged[~is_anomaly].mean():7.1%}  {flagged[is_anomaly].mean():9.1%}")
    RocCurveDisplay.from_predictions(is_anomaly, anomaly_score, name=name, ax=ax)
ax.plot([0, 1], [0, 1], "k:", lw=1)
ax.set_title("Digit 0 as the anomaly among digits 1-9")
fig.tight_layout()
fig.savefig("anomaly_detection_roc.png", dpi=120)
print("\nROC curves written to anomaly_detection_roc.png")
