"""YAML read safely, with libyaml's C parser when PyYAML has it (about 10x faster on suites and banks).

Only plain data is built (`yaml.SafeLoader`'s constructors, also behind `yaml.CSafeLoader`): no Python
objects from tags, so a file a user received is safe to read.
"""

from __future__ import annotations

from typing import Any

import yaml

LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def safe_load(text: str) -> Any:
    """The plain data of one YAML document (None for an empty one); raises `yaml.YAMLError` as PyYAML does."""
    return yaml.load(text, Loader=LOADER)
