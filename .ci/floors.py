"""Print ``name==floor`` for the named dependencies, read from pyproject.toml's ``>=`` bounds.

``python .ci/floors.py openai httpx`` prints ``openai==1.55.3 httpx==0.27``.
"""

import re
import sys
from pathlib import Path

import tomllib

deps = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["project"]["dependencies"]
floors = {}
for dep in deps:
    match = re.match(r"([A-Za-z0-9_.-]+)(?:\[[^\]]*\])?\s*>=\s*([^,;\s]+)", dep)
    if match:
        floors[match[1].lower()] = match[2]
missing = [name for name in sys.argv[1:] if name.lower() not in floors]
if missing:
    sys.exit(f"no '>=' bound in pyproject.toml for {missing}; bounded: {sorted(floors)}")
print(" ".join(f"{name}=={floors[name.lower()]}" for name in sys.argv[1:]))
