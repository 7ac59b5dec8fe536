"""The shipped examples run as a user runs them."""

import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def test_the_custom_skill_example_is_short_and_uses_only_the_public_api():
    source = (REPO / "examples" / "custom_skill.py").read_text()
    assert len(source.splitlines()) <= 50
    imports = [line for line in source.splitlines() if line.startswith(("import ", "from "))]
    assert imports == ["import sys", "import saycan"]


@pytest.mark.slow
def test_custom_skill_example_heats_and_brings_the_soup_in_both_worlds():
    out = subprocess.run(
        [sys.executable, "examples/custom_skill.py"], capture_output=True, text=True, timeout=900, cwd=REPO
    )
    assert out.returncode == 0, out.stdout + out.stderr
    for world in ("symbolic", "pybullet"):
        assert f"[{world}] plan: " in out.stdout and "soup heated: True, brought: True" in out.stdout
