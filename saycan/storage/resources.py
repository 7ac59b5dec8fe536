"""Paths of the shipped configs and suites, in a source checkout or an installed wheel."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parents[1]  # saycan/


def _shipped(name: str) -> Path:
    # A wheel carries copies under saycan/_data/ (see [tool.hatch.build] in pyproject.toml);
    # a checkout (or editable install) has conf/ and suites/ beside the package. The wheel's
    # copy wins: in site-packages, a "conf" beside saycan could belong to another package.
    for candidate in (_PACKAGE / "_data" / name, _PACKAGE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"saycan's {name}/ directory is missing from {_PACKAGE.parent}; reinstall saycan-planner")


def conf_dir() -> Path:
    return _shipped("conf")


def suites_dir() -> Path:
    return _shipped("suites")
