"""The README's Python blocks and commands, run as written."""

import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
README = (REPO / "README.md").read_text()
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, re.S)


def shell_blocks() -> list[str]:
    return re.findall(r"```bash\n(.*?)```", README, re.S)


def test_the_readme_fits_on_a_few_screens_and_shows_the_two_set_up_commands():
    assert len(README.splitlines()) <= 250
    setup = [b for b in shell_blocks() if "python3 -m venv .venv" in b]
    assert len(setup) == 2 and "pip install torch==2.13.0" in setup[0] and "python -m pytest" in setup[1]


@pytest.mark.slow
@pytest.mark.parametrize("block", range(len(PYTHON_BLOCKS)))
def test_python_blocks_run_as_written(tmp_path, block):
    out = subprocess.run([sys.executable, "-c", PYTHON_BLOCKS[block]], capture_output=True, text=True, timeout=900,
                         cwd=tmp_path)  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr


def test_the_error_shown_is_the_error_printed(tmp_path):
    shown = re.search(r"\$ (python -m saycan\.run .*planer\.max_steps=3)\n(error: .*)\n", README)
    argv = ["clean the spill", "planer.max_steps=3"]
    assert shown and shown[1] == 'python -m saycan.run "clean the spill" planer.max_steps=3'
    out = subprocess.run([sys.executable, "-m", "saycan.run", *argv], capture_output=True, text=True, cwd=tmp_path)
    assert out.returncode == 2 and out.stderr.strip() == shown[2]


@pytest.mark.slow
def test_the_custom_skill_recipe_plans_the_microwave_example(tmp_path):
    import shlex

    recipe = next(b for b in shell_blocks() if "skills.extra=" in b)
    argv = shlex.split(recipe.replace("\\\n", " "))
    out = subprocess.run([sys.executable, *argv[1:], f"hydra.run.dir={tmp_path}"], capture_output=True, text=True,
                         timeout=900, cwd=REPO)  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr
    assert "heat the soup -> ok" in out.stdout and "Goal at(soup, you): reached" in out.stdout
