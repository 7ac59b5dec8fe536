"""A two-task suite for the eval tests."""

import pytest

MINI_SUITE = """
name: mini
scene: kitchen
tasks:
  - id: p1
    family: primitive
    instruction: pick up the sponge
    success: [["holding(sponge)"]]
  - id: c1
    family: crowd
    instruction: I'm hungry
    init: {robot_at: table}
    success: [["at(apple, you)"], ["at(energy bar, you)"]]
"""


@pytest.fixture
def mini_suite_path(tmp_path):
    path = tmp_path / "mini.yaml"
    path.write_text(MINI_SUITE)
    return path
