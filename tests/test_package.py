import subprocess
import sys

import skgen
from skgen.utils import all_estimators


def test_import_skgen_leaves_heavy_and_optional_packages_unloaded():
    # One fresh interpreter for every light entry point: the package, its
    # datasets (loading the bundled penguins), preprocessing and applications.
    code = (
        "import sys, skgen, skgen.datasets, skgen.preprocessing, skgen.augmentation, "
        "skgen.anomaly, skgen.conditional; skgen.__version__; skgen.datasets.load_penguins(); "
        "print(sorted(m for m in ('torch', 'skorch', 'matplotlib', 'imblearn', 'dask', "
        "'palmerpenguins') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_all_estimators_lists_the_public_generators():
    names = [name for name, _ in all_estimators()]
    assert names == sorted(names)
    for name in ("GaussianMixture", "BayesianGaussianMixture", "KernelDensity", "GaussianCopula"):
        assert name in names
        assert getattr(skgen, name) is dict(all_estimators())[name]


def test_version():
    assert isinstance(skgen.__version__, str)
