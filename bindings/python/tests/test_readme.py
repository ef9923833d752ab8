"""README's Python example runs as written against the local cloud."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from conftest import REPO


def readme_example() -> str:
    text = (REPO / "README.md").read_text()
    section = text[text.index("\n## Python\n") :]
    match = re.search(r"```python\n(.*?)```", section, re.S)
    assert match, "README's Python section has no example"
    return match.group(1)


def test_the_readme_example_runs(tmp_path: Path) -> None:
    (tmp_path / "disk.raw").write_bytes(b"\x01" * 100000)
    run = subprocess.run(
        [sys.executable, "-c", readme_example()], cwd=tmp_path, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert (tmp_path / "copy.raw").read_bytes() == b"\x01" * 100000
    lines = run.stdout.splitlines()
    assert "100000 100000" in lines  # the last progress report
    assert any("no-such-id" in line and " 404 req-" in line for line in lines)
