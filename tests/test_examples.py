"""The shipped examples run as a user runs them."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_custom_skill_example_heats_the_soup_in_both_worlds():
    out = subprocess.run(
        [sys.executable, "examples/custom_skill.py"], capture_output=True, text=True, timeout=900, cwd=REPO
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert "[symbolic] soup heated: True" in out.stdout and "[pybullet] soup heated: True" in out.stdout
    assert "heat the soup" in out.stdout
