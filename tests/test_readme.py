"""The README's Python examples run as written."""

import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_python_examples():
    assert BLOCKS


def test_readme_python_examples_run(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # the examples write report.html
    namespace = {}
    for block in BLOCKS:  # later blocks use names from earlier ones
        exec(compile(block, str(README), "exec"), namespace)
    synthetic, df = namespace["synthetic"], namespace["df"]
    assert list(synthetic.columns) == list(df.columns)
    assert (synthetic.dtypes == df.dtypes).all()
    assert synthetic.shape == (1000, df.shape[1])
    assert (namespace["gentoo"]["species"] == "Gentoo").all()
    assert (namespace["y_new"] == "Adelie").all() and len(namespace["X_new"]) == 100
    assert set(namespace["labels"]) <= {1, -1}
    assert (tmp_path / "report.html").stat().st_size > 10_000


def test_readme_shell_examples_run(tmp_path):
    block = re.search(r"```bash\n(skgen .*?)```", README.read_text(), flags=re.S).group(1)
    commands = [shlex.split(line.split("#")[0]) for line in block.splitlines() if line.strip()]
    assert [c[:2] for c in commands] == [
        ["skgen", "synthesize"],
        ["skgen", "evaluate"],
        ["skgen", "models"],
    ]
    env = {**os.environ, "MPLBACKEND": "Agg", "PYTHONPATH": str(README.parent)}
    for command in commands:
        if command[1] == "synthesize":  # the whole portfolio takes half a minute: try one mixture
            command = [*command, "--candidates", "gaussian_mixture"]
        result = subprocess.run(
            [sys.executable, "-m", "skgen", *command[1:]],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
    assert (tmp_path / "synthetic.csv").exists() and (tmp_path / "report.html").exists()
    assert "gaussian_copula" in result.stdout
