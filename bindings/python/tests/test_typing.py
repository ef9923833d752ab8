"""The package's type hints hold: mypy --strict over the installed package and the tour."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cglance

PACKAGE = Path(cglance.__file__).parent
TOUR = Path(__file__).resolve().parents[1] / "examples" / "tour.py"


def test_the_package_is_typed() -> None:
    assert (PACKAGE / "py.typed").is_file()


@pytest.mark.parametrize("target", [["-p", "cglance"], [str(TOUR)]], ids=["package", "tour"])
def test_mypy_strict_finds_nothing(target: list) -> None:
    run = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-incremental", *target],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Success: no issues found" in run.stdout
