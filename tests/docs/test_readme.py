"""The README's notebook example runs as written (from the repository root)."""

import re


def test_readme_python_blocks_run(root, monkeypatch):
    text = (root / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, flags=re.S)
    assert blocks, "README has no python example"
    monkeypatch.chdir(root)
    namespace: dict = {}  # one notebook: later blocks use names from earlier ones
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)  # our own README
