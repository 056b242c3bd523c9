"""The README's Python examples run as written."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"
BLOCKS = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)


def test_readme_has_python_examples():
    assert BLOCKS


def test_readme_python_examples_run():
    namespace = {}
    for block in BLOCKS:  # later blocks use names from earlier ones
        exec(compile(block, str(README), "exec"), namespace)
    synthetic, df = namespace["synthetic"], namespace["df"]
    assert list(synthetic.columns) == list(df.columns)
    assert (synthetic.dtypes == df.dtypes).all()
    assert synthetic.shape == (1000, df.shape[1])
