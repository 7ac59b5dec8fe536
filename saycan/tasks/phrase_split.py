"""Which phrases each split draws: every fifth phrase of a list is held out of training for dev."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

SPLITS = ("train", "dev", "all")


def phrase_split(items: Sequence[Any], split: str) -> list[Any]:
    """The phrases of ``split``: every fifth (from the third) is dev, the rest train; short lists are shared."""
    if split == "all" or len(items) < 3:
        return list(items)
    return [x for i, x in enumerate(items) if (i % 5 == 2) == (split == "dev")]


def split_all(value: Any, split: str) -> Any:
    """``value`` with every phrase list cut to ``split`` (mappings and need entries recursed into)."""
    if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
        return phrase_split(value, split)
    if isinstance(value, list) and all(isinstance(v, dict) and "phrases" in v for v in value):  # needs
        return [{**v, "phrases": phrase_split(v["phrases"], split)} for v in value]
    if isinstance(value, list):
        return phrase_split(value, split)
    if isinstance(value, dict):
        return {k: split_all(v, split) for k, v in value.items()}
    return value
