"""
A restricted Boltzmann machine on binarised digits
==================================================

scikit-learn's ``BernoulliRBM`` learns features; :class:`skgen.BernoulliRBM`
learns the same kind of model and also samples and scores it:

- fit on scikit-learn's digits with pixels above 8 set to 1 (8 x 8 binary
  images in, binary images out);
- ``score`` is the held-out log-likelihood in nats per image, with the
  partition function estimated by annealed importance sampling
  (``log_partition_``); a model of independent pixels is the baseline;
- ``sample`` draws new digits by block Gibbs sampling from the persistent
  chains (printed as text);
- ``transform`` gives hidden-unit probabilities, features for a classifier,
  as in scikit-learn's RBM + logistic regression example.

Run: ``python examples/rbm_digits.py`` (about half a minute on one CPU core).
"""

import numpy as np
from sklearn.datasets import load_digits
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

from skgen import BernoulliRBM

digits = load_digits()
images = (digits.images > 8).astype(np.uint8)  # (1797, 8, 8) binary images
train, test, y_train, y_test = train_test_split(images, digits.target, random_state=0)

rbm = BernoulliRBM(n_components=100, max_epochs=30, random_state=0).fit(train)
flat_train = train.reshape(len(train), -1)
p = (flat_train.sum(axis=0) + 0.5) / (len(train) + 1.0)  # smoothed pixel frequencies
flat_test = test.reshape(len(test), -1)
independent = np.mean(flat_test @ np.log(p) + (1 - flat_test) @ np.log1p(-p))
print(f"held-out log-likelihood, nats per image: RBM {rbm.score(test):.2f}")
print(
    f"  (AIS: log Z = {rbm.log_partition_:.2f}, effective runs "
    f"{rbm.ais_effective_sample_size_:.0f} of {rbm.n_ais_chains}); independent pixels {independent:.2f}"
)

print("\nfour sampled digits:")
samples = rbm.sample(4, random_state=0)
for row in range(8):
    print("   ".join("".join("#" if v else "." for v in image[row]) for image in samples))

classifier = LogisticRegression(max_iter=2000)
accuracy_rbm = classifier.fit(rbm.transform(train), y_train).score(rbm.transform(test), y_test)
accuracy_pixels = classifier.fit(flat_train, y_train).score(flat_test, y_test)
print(
    f"\nlogistic regression accuracy: RBM features {accuracy_rbm:.3f}, raw pixels {accuracy_pixels:.3f}"
)
