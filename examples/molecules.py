"""
Molecules as strings: SMILES from the MOSES benchmark
=====================================================

Drug-discovery pipelines generate candidate molecules as SMILES strings. This example
fits :class:`skgen.TransformerLM` and :class:`skgen.NGramLM` on a random subset of the
MOSES training set (``--n-train``; the full set has 1.58 M molecules), draws 10,000
SMILES from each and reports MOSES's metrics:

- validity: share of samples that RDKit parses into a molecule;
- uniqueness: share of distinct molecules (canonical SMILES) among the valid ones;
- novelty: share of the distinct valid molecules absent from the training subset, and
  absent from the whole MOSES training set (as in the MOSES paper);

next to the MOSES paper's CharRNN (validity 0.975, unique@10k 0.999, novelty 0.842;
Polykovskiy et al., "Molecular Sets (MOSES)", Frontiers in Pharmacology 2020, Table 2),
an LSTM trained on all 1.58 M molecules on a GPU.

Needs ``pip install rdkit`` and ``pip install --no-deps molsets`` (whose wheel ships
``moses/dataset/data/train.csv.gz``; nothing is downloaded). Run::

    python examples/molecules.py                          # a few minutes on one CPU core
    python examples/molecules.py --n-train 10000 --epochs 4   # the figures of docs/benchmarks.md
"""

import argparse
import importlib.util
import os
import time

import numpy as np
import pandas as pd

from skgen import NGramLM, TransformerLM
from skgen.metrics import bits_per_character


def moses_smiles(split="train"):
    """The SMILES of MOSES's ``train`` or ``test`` split, read from the molsets wheel."""
    spec = importlib.util.find_spec("moses")
    if spec is None:
        raise SystemExit("This example needs the MOSES data: pip install --no-deps molsets")
    path = os.path.join(spec.submodule_search_locations[0], "dataset", "data", f"{split}.csv.gz")
    return pd.read_csv(path)["SMILES"].tolist()


def moses_metrics(samples, training, full_training):
    """Validity, uniqueness and novelty as MOSES computes them (RDKit canonical SMILES)."""
    from rdkit import Chem, RDLogger

    RDLogger.DisableLog("rdApp.*")  # invalid samples are expected; no warning per molecule
    canonical = []
    for smiles in samples:
        molecule = Chem.MolFromSmiles(smiles) if smiles else None
        if molecule is not None and molecule.GetNumAtoms() > 0:
            canonical.append(Chem.MolToSmiles(molecule))
    distinct = set(canonical)
    return {
        "validity": len(canonical) / len(samples),
        "uniqueness": len(distinct) / max(len(canonical), 1),
        "novelty (training subset)": len(distinct - set(training)) / max(len(distinct), 1),
        "novelty (MOSES train)": len(distinct - set(full_training)) / max(len(distinct), 1),
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description="SMILES generation on MOSES.")
    parser.add_argument("--n-train", type=int, default=5000, help="training molecules")
    parser.add_argument("--epochs", type=int, default=2, help="transformer epochs")
    parser.add_argument("--n-samples", type=int, default=10000)
    parser.add_argument("--ngram-order", type=int, default=6)
    args = parser.parse_args(argv)

    full_training = moses_smiles("train")
    rng = np.random.default_rng(0)
    training = [
        full_training[i] for i in rng.choice(len(full_training), args.n_train, replace=False)
    ]
    test = moses_smiles("test")[:2000]
    print(
        f"{len(training)} training SMILES ({sum(map(len, training))} characters), "
        f"longest {max(map(len, training))}"
    )
    models = {
        f"NGramLM(order={args.ngram_order})": NGramLM(order=args.ngram_order, random_state=0),
        "TransformerLM": TransformerLM(
            n_layers=3,
            d_model=64,
            n_heads=4,
            context_length=64,
            dropout=0.1,
            max_epochs=args.epochs,
            batch_size=64,
            lr=2e-3,
            random_state=0,
        ),
    }
    rows = {
        "CharRNN (MOSES paper, full set, GPU)": {
            "validity": 0.975,
            "uniqueness": 0.999,
            "novelty (MOSES train)": 0.842,
        }
    }
    for name, model in models.items():
        start = time.perf_counter()
        model.fit(training)
        fitted = time.perf_counter()
        samples = model.sample(args.n_samples, random_state=0)
        sampled = time.perf_counter()
        rows[name] = {
            **moses_metrics(samples, training, full_training),
            "test bits/char": bits_per_character(model, test),
            "fit s": fitted - start,
            "sample s": sampled - fitted,
        }
        print(name, "samples:", " ".join(samples[:4]))
    print(pd.DataFrame(rows).T.round(3).to_string())


if __name__ == "__main__":
    main()
