"""examples/tour.py runs to the end against the local cloud and leaves nothing behind."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import cglance

TOUR = Path(__file__).resolve().parents[1] / "examples" / "tour.py"


def test_the_tour_walks_every_step_and_cleans_up(demo: cglance.Client) -> None:
    run = subprocess.run([sys.executable, str(TOUR)], capture_output=True, text=True, timeout=600)
    assert run.returncode == 0, run.stdout + run.stderr
    out = run.stdout
    assert "The tour is over: every step worked." in out
    for number in range(1, 9):
        assert f"\n== {number}. " in out
    assert "uploaded  16.0 of 16.0 MiB" in out
    assert "alt_demo answered: accepted" in out
    assert "same data as the original: yes" in out
    assert "status   'success'" in out
    made = re.findall(r"created (\S+) ", out) + re.findall(r"imported as (\S+) ", out)
    assert len(made) == 2
    for image_id in made:
        assert f"deleted image {image_id}" in out
        with pytest.raises(cglance.NotFound):
            demo.get_image(image_id)
